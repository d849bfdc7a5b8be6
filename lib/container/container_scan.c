/*
 * container_scan.c — which processes are a container's, read from /proc:
 * the I/O half beside container.c's pure pattern table. One idea: a
 * container is found by the cgroup its processes sit in, and "the same
 * container" is decided here once (nstk_container_same) for every tool.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "nstk/container_names.h"
#include "nstk/container_scan.h"
#include "nstk/parse.h"
#include "nstk/util.h"

bool nstk_container_same(const struct nstk_container *a, const struct nstk_container *b)
{
	return strcmp(a->runtime, b->runtime) == 0 && strcmp(a->space, b->space) == 0 &&
	       strcmp(a->id, b->id) == 0;
}

int nstk_container_of_proc(int dirfd, const char *name, struct nstk_container *c)
{
	char path[64];
	snprintf(path, sizeof(path), "%s%scgroup", name, name[0] ? "/" : "");
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r = nstk_read_file_at(dirfd, path, &text, &len);
	if (r < 0)
		return r;
	return nstk_container_from_proc_cgroup(text, len, c);
}

void nstk_container_pick_consider(struct nstk_container_pick *pick, pid_t pid,
				  const struct nstk_container *c)
{
	if (!pick->pid && !pick->monitor_pid) {
		pick->found = *c;
	} else if (!nstk_container_same(&pick->found, c)) {
		if (!pick->ambiguous)
			pick->other = *c;
		pick->ambiguous = true;
		return;
	} else if (pick->found.monitor && !c->monitor) {
		pick->found = *c; /* name the container by its payload, not its monitor */
	}
	pid_t *slot = c->monitor ? &pick->monitor_pid : &pick->pid;
	if (!*slot || pid < *slot)
		*slot = pid;
}

int nstk_container_scan(const char *id_or_prefix, struct nstk_container_pick *pick)
{
	memset(pick, 0, sizeof(*pick));
	/* A podman container by the name only conmon's command line holds:
	 * asked once per container, two reads each. */
	struct nstk_container_names names = { 0 };
	_cleanup_close_ int procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0)
		return -errno;
	DIR *dir = fdopendir(procfd);
	if (!dir)
		return -errno;
	procfd = -1; /* the DIR owns it now */
	struct dirent *de;
	while ((de = readdir(dir))) {
		pid_t pid;
		if (nstk_parse_pid(de->d_name, strlen(de->d_name), &pid) < 0)
			continue;
		struct nstk_container c;
		/* A process that vanished or hides its cgroup is simply not it. */
		if (nstk_container_of_proc(dirfd(dir), de->d_name, &c) != 1)
			continue;
		if (nstk_container_matches(&c, id_or_prefix) ||
		    (nstk_container_names_lookup(&names, dirfd(dir), pid, &c) == 1 &&
		     nstk_container_matches(&c, id_or_prefix)))
			nstk_container_pick_consider(pick, pid, &c);
	}
	closedir(dir);
	nstk_container_names_free(&names);
	return 0;
}

/*
 * census.c — how namespaces are found.
 *
 * One pass over /proc: for each PID, one openat(O_PATH|O_DIRECTORY) pins the
 * process directory and one readlinkat per kind reads "kind:[inode]". A
 * process's links are read into a local array first and committed only when
 * all of them were read, so a process that exits half-way leaves no trace.
 *
 * The first time a namespace is seen, its nsfs file is opened once and asked
 * for its owner and parent; an owner or parent the table does not hold yet is
 * added as "ancestor only" and asked in turn, with the fd the ioctl returned.
 * That is O(distinct namespaces) ioctls, where lsns pays per process x kind.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "nstk/census.h"
#include "nstk/parse.h"
#include "nstk/util.h"

/* Deeper than the kernel allows (32 user or pid levels): a loop guard only. */
#define MAX_ANCESTRY 64

static int add_namespace(struct nstk_census *c, enum nstk_ns_kind kind, uint64_t ino,
			 bool ancestor_only, uint32_t *index)
{
	int r = NSTK_GROW(c->namespaces, c->cap_namespaces, c->n_namespaces);
	if (r < 0)
		return r;
	uint32_t i = (uint32_t)c->n_namespaces;
	r = nstk_hash_put(&c->ns_index, nstk_census_ns_key(kind, ino), i);
	if (r < 0)
		return r;
	c->namespaces[i] = (struct nstk_namespace){
		.kind = kind,
		.ino = ino,
		.ancestor_only = ancestor_only,
	};
	c->n_namespaces++;
	*index = i;
	return 0;
}

static int learn_relations(struct nstk_census *c, uint32_t index, int nsfd, int depth);

/*
 * Record that namespace `index` relates to the namespace behind related_fd
 * (its owner or parent), adding that one as an ancestor if it is new.
 * Returns the related inode, or 0 when it cannot be read.
 */
static uint64_t note_related(struct nstk_census *c, int related_fd, enum nstk_ns_kind kind,
			     int depth)
{
	uint64_t ino;
	if (nstk_ns_fd_inode(related_fd, &ino) < 0)
		return 0;
	uint32_t idx;
	if (!nstk_hash_get(&c->ns_index, nstk_census_ns_key(kind, ino), &idx)) {
		if (add_namespace(c, kind, ino, true, &idx) < 0)
			return ino;
		learn_relations(c, idx, related_fd, depth + 1);
	}
	return ino;
}

static int learn_relations(struct nstk_census *c, uint32_t index, int nsfd, int depth)
{
	if (depth > MAX_ANCESTRY)
		return -ELOOP;
	enum nstk_ns_kind kind = c->namespaces[index].kind;

	/* The initial user namespace has no owner: EPERM, and 0 stays "none". */
	_cleanup_close_ int owner_fd = nstk_ns_open_owner(nsfd);
	if (owner_fd >= 0) {
		uint64_t ino = note_related(c, owner_fd, NSTK_NS_USER, depth);
		c->namespaces[index].owner_ino = ino;
	}
	if (nstk_ns_kind_is_hierarchical(kind)) {
		_cleanup_close_ int parent_fd = nstk_ns_open_parent(nsfd);
		if (parent_fd >= 0) {
			uint64_t ino = note_related(c, parent_fd, kind, depth);
			c->namespaces[index].parent_ino = ino;
		}
	}
	return 0;
}

/* A namespace seen in a process's link: count it, find its relations once. */
static int hold_namespace(struct nstk_census *c, int pid_dirfd, pid_t pid,
			  enum nstk_ns_kind kind, uint64_t ino)
{
	uint32_t idx;
	bool is_new = !nstk_hash_get(&c->ns_index, nstk_census_ns_key(kind, ino), &idx);
	if (is_new) {
		int r = add_namespace(c, kind, ino, false, &idx);
		if (r < 0)
			return r;
	}
	struct nstk_namespace *ns = &c->namespaces[idx];
	ns->ancestor_only = false;
	ns->nprocs++;
	if (ns->lowest_pid == 0 || pid < ns->lowest_pid)
		ns->lowest_pid = pid;

	if (is_new) {
		char path[16] = "ns/";
		strcpy(path + 3, nstk_ns_kind_name(kind));
		_cleanup_close_ int nsfd = openat(pid_dirfd, path, O_RDONLY | O_CLOEXEC);
		if (nsfd >= 0)
			learn_relations(c, idx, nsfd, 0);
	}
	return 0;
}

static unsigned probe_supported_kinds(int procfd)
{
	unsigned mask = 0;
	for (int k = 0; k < NSTK_NS_KIND_COUNT; k++) {
		char path[24] = "self/ns/";
		strcat(path, nstk_ns_kind_name(k));
		char buf[64];
		if (readlinkat(procfd, path, buf, sizeof(buf)) >= 0 || errno != ENOENT)
			mask |= 1u << k;
	}
	return mask;
}

/* Scan one /proc/PID. Returns 0 (also when it vanished or denied) or -ENOMEM. */
static int scan_process(struct nstk_census *c, int procfd, const char *name, pid_t pid)
{
	_cleanup_close_ int pid_dirfd = openat(procfd, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (pid_dirfd < 0) {
		c->n_vanished++;
		return 0;
	}

	struct nstk_census_process p = { .pid = pid };
	for (int k = 0; k < NSTK_NS_KIND_COUNT; k++) {
		if (!(c->kinds_supported & (1u << k)))
			continue;
		int r = nstk_ns_read_link(pid_dirfd, k, &p.ns[k]);
		if (r == -EACCES || r == -EPERM) {
			int g = NSTK_GROW(c->denied, c->cap_denied, c->n_denied);
			if (g < 0)
				return g;
			c->denied[c->n_denied++] = pid;
			return 0;
		}
		if (r < 0) {
			/* ENOENT/ESRCH: it exited; anything else: not a namespace link we know. */
			c->n_vanished++;
			return 0;
		}
	}

	int r = NSTK_GROW(c->processes, c->cap_processes, c->n_processes);
	if (r < 0)
		return r;
	r = nstk_hash_put(&c->pid_index, (uint64_t)pid, (uint32_t)c->n_processes);
	if (r < 0)
		return r;
	c->processes[c->n_processes++] = p;

	for (int k = 0; k < NSTK_NS_KIND_COUNT; k++) {
		if (!(c->kinds_supported & (1u << k)))
			continue;
		r = hold_namespace(c, pid_dirfd, pid, k, p.ns[k]);
		if (r < 0)
			return r;
	}
	return 0;
}

int nstk_census_scan(struct nstk_census *c, const char *proc_path)
{
	_cleanup_close_ int procfd = open(proc_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0)
		return -errno;
	c->kinds_supported = probe_supported_kinds(procfd);

	int dirfd = openat(procfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return -errno;
	DIR *dir = fdopendir(dirfd);
	if (!dir) {
		int r = -errno;
		close(dirfd);
		return r;
	}

	int r = 0;
	struct dirent *de;
	while ((de = readdir(dir))) {
		pid_t pid;
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		if (nstk_parse_pid(de->d_name, strlen(de->d_name), &pid) < 0)
			continue;
		r = scan_process(c, procfd, de->d_name, pid);
		if (r < 0)
			break;
	}
	closedir(dir);
	return r;
}

void nstk_census_free(struct nstk_census *c)
{
	free(c->namespaces);
	free(c->processes);
	free(c->denied);
	nstk_hash_free(&c->ns_index);
	nstk_hash_free(&c->pid_index);
	*c = (struct nstk_census){ 0 };
}

const struct nstk_namespace *nstk_census_find(const struct nstk_census *c,
					      enum nstk_ns_kind kind, uint64_t ino)
{
	uint32_t idx;
	if (!nstk_hash_get(&c->ns_index, nstk_census_ns_key(kind, ino), &idx))
		return NULL;
	return &c->namespaces[idx];
}

int nstk_census_find_process(const struct nstk_census *c, pid_t pid,
			     const struct nstk_census_process **out)
{
	uint32_t idx;
	if (nstk_hash_get(&c->pid_index, (uint64_t)pid, &idx)) {
		*out = &c->processes[idx];
		return 0;
	}
	for (size_t i = 0; i < c->n_denied; i++)
		if (c->denied[i] == pid)
			return -EACCES;
	return -ESRCH;
}

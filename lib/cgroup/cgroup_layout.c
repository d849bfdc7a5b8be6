/*
 * cgroup_layout.c — which cgroup hierarchies a root directory holds, and
 * which controller lives in which (see nstk_cg_layout_detect in cgroup.h).
 *
 * The one idea: ask the filesystem, not the names. statfs() tells cgroup2
 * from v1 from the tmpfs that holds v1 mounts, and /proc/self/mountinfo
 * tells which controllers a v1 mount carries; only a tree that is no
 * cgroupfs at all (a test fixture) is read by the files in it.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "nstk/cgroup.h"
#include "nstk/parse.h"
#include "nstk/span.h"
#include "nstk/util.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif
#ifndef CGROUP_SUPER_MAGIC
#define CGROUP_SUPER_MAGIC 0x27e0eb
#endif

static const char *const v1_names[NSTK_CG_CONTROLLER_COUNT] = {
	[NSTK_CG_CPU] = "cpu",	       [NSTK_CG_CPUACCT] = "cpuacct", [NSTK_CG_CPUSET] = "cpuset",
	[NSTK_CG_MEMORY] = "memory",   [NSTK_CG_PIDS] = "pids",	      [NSTK_CG_IO] = "blkio",
};

/* cgroup2 has no cpuacct: every cgroup2 cpu.stat has usage_usec. */
static const char *const v2_names[NSTK_CG_CONTROLLER_COUNT] = {
	[NSTK_CG_CPU] = "cpu",	     [NSTK_CG_CPUACCT] = NULL, [NSTK_CG_CPUSET] = "cpuset",
	[NSTK_CG_MEMORY] = "memory", [NSTK_CG_PIDS] = "pids",  [NSTK_CG_IO] = "io",
};

const char *nstk_cg_layout_name(enum nstk_cg_layout_kind kind)
{
	switch (kind) {
	case NSTK_CG_LAYOUT_UNIFIED:
		return "unified";
	case NSTK_CG_LAYOUT_HYBRID:
		return "hybrid";
	case NSTK_CG_LAYOUT_LEGACY:
		return "legacy";
	}
	return "unknown";
}

const char *nstk_cg_controller_name(enum nstk_cg_controller c)
{
	static const char *const names[NSTK_CG_CONTROLLER_COUNT] = {
		"cpu", "cpuacct", "cpuset", "memory", "pids", "io",
	};
	return (unsigned)c < NSTK_CG_CONTROLLER_COUNT ? names[c] : "unknown";
}

/* The controllers named in a list of words split by any of seps ("cpu,cpuacct", "cpu io"). */
static unsigned controllers_in(const char *words, size_t len, const char *seps,
			       const char *const *names)
{
	unsigned mask = 0;
	size_t i = 0;
	while (i < len) {
		size_t n = 0;
		while (i + n < len && !strchr(seps, words[i + n]))
			n++;
		for (int c = 0; c < NSTK_CG_CONTROLLER_COUNT; c++)
			if (names[c] && strlen(names[c]) == n && memcmp(names[c], words + i, n) == 0)
				mask |= 1u << c;
		i += n + 1;
	}
	return mask;
}

/* The controllers of a cgroup2 hierarchy: its root's cgroup.controllers. */
static unsigned v2_controllers(int fd)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	if (nstk_read_file_at(fd, "cgroup.controllers", &text, &len) < 0)
		return 0;
	return controllers_in(text, len, " \n", v2_names);
}

/* The controllers of the v1 mount at dir, from its super options in mountinfo. */
static int v1_controllers_from_mountinfo(const char *dir, unsigned *mask)
{
	char real[PATH_MAX];
	if (!realpath(dir, real))
		return -errno;
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r = nstk_read_file_at(AT_FDCWD, "/proc/self/mountinfo", &text, &len);
	if (r < 0)
		return r;
	struct nstk_span line;
	for (size_t at = 0; nstk_next_line(text, len, &at, &line) > 0;) {
		struct nstk_mountinfo_line m;
		char point[PATH_MAX];
		if (nstk_parse_mountinfo_line(line.s, line.len, &m) == 0 && m.fstype_len == 6 &&
		    memcmp(m.fstype, "cgroup", 6) == 0 &&
		    nstk_unescape_octal(m.mount_point, m.mount_point_len, point, sizeof(point)) >= 0 &&
		    strcmp(point, real) == 0) {
			*mask = controllers_in(m.super_options, m.super_options_len, ",", v1_names);
			return 0;
		}
	}
	return -ENOENT;
}

static bool has_file(int dirfd, const char *name)
{
	return faccessat(dirfd, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

enum kind_of_dir { NOT_A_HIERARCHY, V1, V2 };

/*
 * What the directory fd is: by statfs magic on a real cgroupfs, else (a
 * fixture) by its files. *by_files says which way it was told.
 */
static enum kind_of_dir classify(int fd, bool *by_files)
{
	struct statfs sf;
	*by_files = false;
	if (fstatfs(fd, &sf) == 0) {
		if (sf.f_type == CGROUP2_SUPER_MAGIC)
			return V2;
		if (sf.f_type == CGROUP_SUPER_MAGIC)
			return V1;
	}
	*by_files = true;
	if (has_file(fd, "cgroup.controllers"))
		return V2;
	if (has_file(fd, "cgroup.procs"))
		return V1;
	return NOT_A_HIERARCHY;
}

/* The controllers of the v1 hierarchy at dir, whose directory is called name. */
static unsigned v1_controllers(const char *dir, const char *name, bool by_files)
{
	unsigned controllers = 0;
	if (by_files || v1_controllers_from_mountinfo(dir, &controllers) < 0)
		controllers = controllers_in(name, strlen(name), ",", v1_names);
	return controllers;
}

static int add_hierarchy(struct nstk_cg_layout *l, const char *mount, int fd, bool v2,
			 unsigned controllers)
{
	if (l->n == NSTK_CG_MAX_HIERARCHIES)
		return -E2BIG;
	char *copy = strdup(mount);
	if (!copy)
		return -ENOMEM;
	l->h[l->n++] = (struct nstk_cg_hierarchy){
		.mount = copy, .fd = fd, .v2 = v2, .controllers = controllers,
	};
	if (v2)
		l->v2 = (int)l->n - 1;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The sorted names of the subdirectories of root (symlinks left out). */
static int list_subdirectories(int root_fd, char ***out, size_t *count)
{
	int dfd = openat(root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	DIR *d = fdopendir(dfd);
	if (!d) {
		int r = -errno;
		close(dfd);
		return r;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	int r = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		struct stat st;
		if (e->d_name[0] == '.')
			continue;
		/* Symlinks (cpu -> cpu,cpuacct) name a hierarchy listed under its own name. */
		if (fstatat(root_fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))
			continue;
		if (NSTK_GROW(names, cap, n) < 0 || !(names[n] = strdup(e->d_name))) {
			r = -ENOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), by_name);
	*out = names;
	*count = n;
	return r;
}

/* The v1 hierarchies and a hybrid's cgroup2 in the directories under root. */
static int scan_subdirectories(struct nstk_cg_layout *l, const char *root, int root_fd)
{
	char **names = NULL;
	size_t n = 0;
	int r = list_subdirectories(root_fd, &names, &n);

	for (size_t i = 0; i < n && r == 0; i++) {
		_cleanup_close_ int fd = openat(root_fd, names[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			continue;
		_cleanup_free_ char *mount = NULL;
		if (asprintf(&mount, "%s/%s", strcmp(root, "/") ? root : "", names[i]) < 0) {
			r = -ENOMEM;
			break;
		}
		bool by_files;
		enum kind_of_dir kind = classify(fd, &by_files);
		unsigned controllers;
		if (kind == V2 && l->v2 < 0) {
			controllers = v2_controllers(fd);
		} else if (kind == V1) {
			controllers = v1_controllers(mount, names[i], by_files);
			/* name=systemd, devices, freezer...: nothing the model reads. */
			if (!controllers)
				continue;
		} else {
			continue; /* not a hierarchy, or a second cgroup2 (a bind mount of the first) */
		}
		if ((r = add_hierarchy(l, mount, fd, kind == V2, controllers)) < 0)
			break;
		fd = -1;
		l->by_files |= by_files;
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return r;
}

int nstk_cg_layout_detect(const char *root, struct nstk_cg_layout *out)
{
	struct nstk_cg_layout l = { .v2 = -1 };
	int r;

	if (!root)
		root = "/sys/fs/cgroup";
	for (int c = 0; c < NSTK_CG_CONTROLLER_COUNT; c++)
		l.owner[c] = -1;

	_cleanup_close_ int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	bool by_files;
	enum kind_of_dir kind = classify(fd, &by_files);

	if (kind == V2) {
		if ((r = add_hierarchy(&l, root, fd, true, v2_controllers(fd))) < 0)
			return r;
		fd = -1;
		l.by_files = by_files;
		l.kind = NSTK_CG_LAYOUT_UNIFIED;
	} else if (kind == V1) {
		/* A single v1 hierarchy mounted on its own: its name is root's last component. */
		const char *base = strrchr(root, '/');
		base = base && base[1] ? base + 1 : root;
		if ((r = add_hierarchy(&l, root, fd, false, v1_controllers(root, base, by_files))) < 0)
			return r;
		fd = -1;
		l.by_files = by_files;
		l.kind = NSTK_CG_LAYOUT_LEGACY;
	} else {
		if ((r = scan_subdirectories(&l, root, fd)) < 0) {
			nstk_cg_layout_close(&l);
			return r;
		}
		l.kind = l.v2 >= 0 ? NSTK_CG_LAYOUT_HYBRID : NSTK_CG_LAYOUT_LEGACY;
	}
	if (l.n == 0)
		return -ENOENT;

	/* Each controller is read in the hierarchy that holds it; on a (fixture's) tie the first. */
	for (size_t i = 0; i < l.n; i++)
		for (int c = 0; c < NSTK_CG_CONTROLLER_COUNT; c++)
			if ((l.h[i].controllers & (1u << c)) && l.owner[c] < 0)
				l.owner[c] = (int)i;
	*out = l;
	return 0;
}

void nstk_cg_layout_close(struct nstk_cg_layout *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->h[i].mount);
		if (l->h[i].fd >= 0)
			close(l->h[i].fd);
	}
	l->n = 0;
	l->v2 = -1;
}

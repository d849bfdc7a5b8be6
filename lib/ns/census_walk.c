/*
 * census_walk.c — the /proc walk, split over the online CPUs.
 *
 * Per process: one openat(O_PATH|O_DIRECTORY) pins /proc/PID, one readlinkat
 * per kind reads "kind:[inode]"; the links go into a local array and are
 * committed only when all were read, so a process that exits half-way leaves
 * no trace. A task directory's st_nlink is 2 + its thread count, so one
 * fstatat tells whether there are other threads to read. The fd directory is
 * read for links that parse as "kind:[inode]": nsfs fds (and see nsfs_paths
 * for those opened through a bind mount).
 *
 * Nearly all the cost is syscalls into procfs (about 2 us each), so the PIDs
 * are cut into one contiguous slice per worker thread; slices keep PID order
 * when the results are concatenated.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stddef.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "census_walk.h"
#include "nstk/parse.h"
#include "nstk/span.h"
#include "nstk/util.h"

/* Below this many processes a second thread costs more than it saves. */
#define PROCS_PER_WORKER 1024
#define MAX_WORKERS 8

/*
 * An fd opened through a bind-mount path reads as that path, not as
 * "kind:[inode]"; once the mount is gone, as "/". Such fds are stat'ed to
 * see whether they are on nsfs: those reading "/" and those whose path is an
 * nsfs mount point in this process's mount namespace. Other paths cost
 * nothing more than their readlinkat.
 */
struct nsfs_paths {
	dev_t dev; /* nsfs's device number */
	char **mount_points;
	size_t n;
};

struct worker {
	int procfd;
	unsigned kinds, sources;
	const struct nsfs_paths *nsfs;
	const pid_t *pids;
	size_t n_pids;
	struct nstk_walk out;
	int error;
};

static int add_sighting(struct nstk_walk *w, struct nstk_sighting s)
{
	int r = NSTK_GROW(w->sightings, w->cap_sightings, w->n_sightings);
	if (r < 0)
		return r;
	w->sightings[w->n_sightings++] = s;
	return 0;
}

/*
 * A procfs directory read with getdents64 straight into a buffer. procfs
 * fills the buffer until the next entry does not fit, so a read that leaves
 * room for the longest entry was the last: one syscall for a small
 * directory, where fdopendir(3) + readdir(3) take two fcntl and two getdents.
 */
struct proc_dir {
	int fd;
	size_t len, pos;
	bool last;
	char buf[8192] __attribute__((aligned(8)));
};

#define LONGEST_DIRENT (offsetof(struct dirent64, d_name) + NAME_MAX + 1 + 8)

static const char *proc_dir_next(struct proc_dir *d)
{
	for (;;) {
		if (d->pos >= d->len) {
			if (d->last)
				return NULL;
			ssize_t n = getdents64(d->fd, d->buf, sizeof(d->buf));
			if (n <= 0)
				return NULL;
			d->len = (size_t)n;
			d->pos = 0;
			d->last = d->len + LONGEST_DIRENT <= sizeof(d->buf);
		}
		const struct dirent64 *e = (const void *)(d->buf + d->pos);
		d->pos += e->d_reclen;
		if (e->d_name[0] != '.')
			return e->d_name;
	}
}

static int walk_threads(struct worker *wk, int pid_dirfd, const struct nstk_census_process *p)
{
	_cleanup_close_ int task_fd = openat(pid_dirfd, "task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (task_fd < 0)
		return 0;
	struct proc_dir dir = { .fd = task_fd };
	int r = 0;
	const char *name;
	while (r >= 0 && (name = proc_dir_next(&dir))) {
		pid_t tid;
		if (nstk_parse_pid(name, strlen(name), &tid) < 0 || tid == p->pid)
			continue;
		_cleanup_close_ int tid_dirfd = openat(task_fd, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
		uint64_t ns[NSTK_NS_KIND_COUNT] = { 0 };
		if (tid_dirfd < 0 || nstk_ns_read_links(tid_dirfd, wk->kinds, ns) < 0)
			continue;
		for (int k = 0; k < NSTK_NS_KIND_COUNT && r >= 0; k++)
			if ((wk->kinds & (1u << k)) && ns[k] && ns[k] != p->ns[k])
				r = add_sighting(&wk->out, (struct nstk_sighting){
					.kind = NSTK_HOLDER_THREAD, .ns_kind = k, .ino = ns[k],
					.pid = p->pid, .tid = tid });
	}
	return r;
}

static bool may_be_nsfs_path(const struct nsfs_paths *nsfs, const char *text, size_t len)
{
	if (len == 1)
		return true;
	for (size_t i = 0; i < nsfs->n; i++)
		if (strlen(nsfs->mount_points[i]) == len && memcmp(nsfs->mount_points[i], text, len) == 0)
			return true;
	return false;
}

/* An fd whose link is a path: on nsfs? Then its kind (NS_GET_NSTYPE) and inode. */
static bool nsfs_fd_by_stat(const struct nsfs_paths *nsfs, int fd_dirfd, const char *name,
			    struct nstk_sighting *s)
{
	struct stat st;
	if (fstatat(fd_dirfd, name, &st, 0) < 0 || st.st_dev != nsfs->dev)
		return false;
	_cleanup_close_ int fd = openat(fd_dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	int kind = fd >= 0 ? nstk_ns_fd_kind(fd) : -1;
	if (kind < 0)
		return false;
	s->ns_kind = kind;
	s->ino = st.st_ino;
	return true;
}

/*
 * A socket's network namespace (SIOCGSKNS on a copy of it taken with
 * pidfd_getfd): a runtime can hold a netns alive through a socket alone.
 * Reported only when it differs from the process's own.
 */
static bool socket_netns(int *pidfd, pid_t pid, int fd, uint64_t own_net, struct nstk_sighting *s)
{
	if (*pidfd == -1)
		*pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (*pidfd < 0)
		return false;
	_cleanup_close_ int nsfd = nstk_ns_open_socket_netns(*pidfd, fd);
	uint64_t ino;
	if (nsfd < 0 || nstk_ns_fd_inode(nsfd, &ino) < 0 || ino == own_net)
		return false;
	s->kind = NSTK_HOLDER_SOCKET;
	s->ns_kind = NSTK_NS_NET;
	s->ino = ino;
	return true;
}

static int walk_fds(struct worker *wk, int pid_dirfd, const struct nstk_census_process *p)
{
	pid_t pid = p->pid;
	_cleanup_close_ int pidfd = -1;
	_cleanup_close_ int fd_dirfd = openat(pid_dirfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd_dirfd < 0)
		return 0;
	struct proc_dir dir = { .fd = fd_dirfd };
	int r = 0;
	const char *name;
	while (r >= 0 && (name = proc_dir_next(&dir))) {
		if (name[0] < '0' || name[0] > '9')
			continue;
		char text[PATH_MAX];
		ssize_t len = readlinkat(fd_dirfd, name, text, sizeof(text));
		if (len <= 0 || len == (ssize_t)sizeof(text))
			continue;
		struct nstk_sighting s = { .kind = NSTK_HOLDER_FD, .pid = pid, .fd = atoi(name) };
		bool found;
		if (text[0] == '/')
			found = may_be_nsfs_path(wk->nsfs, text, (size_t)len) &&
				nsfs_fd_by_stat(wk->nsfs, fd_dirfd, name, &s);
		else if ((wk->sources & NSTK_SOURCE_SOCKETS) && len > 7 && memcmp(text, "socket:", 7) == 0)
			found = socket_netns(&pidfd, pid, s.fd, p->ns[NSTK_NS_NET], &s);
		else /* pipes and anon inodes do not parse as a kind */
			found = nstk_parse_ns_link(text, (size_t)len, &s.ns_kind, &s.ino) == 0;
		if (found)
			r = add_sighting(&wk->out, s);
	}
	return r;
}

static int walk_process(struct worker *wk, pid_t pid)
{
	struct nstk_walk *w = &wk->out;
	char name[16];
	snprintf(name, sizeof(name), "%d", (int)pid);
	_cleanup_close_ int pid_dirfd = openat(wk->procfd, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (pid_dirfd < 0) {
		w->n_vanished++;
		return 0;
	}

	struct nstk_census_process p = { .pid = pid };
	int r = nstk_ns_read_links(pid_dirfd, wk->kinds, p.ns);
	if (r == -EACCES) {
		r = NSTK_GROW(w->denied, w->cap_denied, w->n_denied);
		if (r < 0)
			return r;
		w->denied[w->n_denied++] = pid;
		return 0;
	}
	if (r < 0) {
		/* ENOENT/ESRCH: it exited; anything else: not a namespace link we know. */
		w->n_vanished++;
		return 0;
	}
	r = NSTK_GROW(w->procs, w->cap_procs, w->n_procs);
	if (r < 0)
		return r;
	w->procs[w->n_procs++] = p;

	struct stat st;
	if ((wk->sources & NSTK_SOURCE_THREADS) && fstatat(pid_dirfd, "task", &st, 0) == 0 &&
	    st.st_nlink > 3) {
		r = walk_threads(wk, pid_dirfd, &p);
		if (r < 0)
			return r;
	}
	if (wk->sources & (NSTK_SOURCE_FDS | NSTK_SOURCE_SOCKETS))
		return walk_fds(wk, pid_dirfd, &p);
	return 0;
}

static void *run_worker(void *arg)
{
	struct worker *wk = arg;
	for (size_t i = 0; i < wk->n_pids && wk->error == 0; i++)
		wk->error = walk_process(wk, wk->pids[i]);
	return NULL;
}

/* The PIDs in /proc, in readdir order (ascending). */
static int list_pids(int procfd, pid_t **pids, size_t *n)
{
	int dirfd = openat(procfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return -errno;
	DIR *dir = fdopendir(dirfd);
	if (!dir) {
		int r = -errno;
		close(dirfd);
		return r;
	}
	size_t cap = 0;
	int r = 0;
	struct dirent *de;
	while ((de = readdir(dir))) {
		pid_t pid;
		if (de->d_name[0] < '1' || de->d_name[0] > '9' ||
		    nstk_parse_pid(de->d_name, strlen(de->d_name), &pid) < 0)
			continue;
		r = NSTK_GROW(*pids, cap, *n);
		if (r < 0)
			break;
		(*pids)[(*n)++] = pid;
	}
	closedir(dir);
	return r;
}

/* Append m elements of src to the growable array *dst of *n (capacity *cap). */
static int append_array(void **dst, size_t *n, size_t *cap, const void *src, size_t m, size_t elem)
{
	if (m == 0)
		return 0;
	if (*n + m > *cap) {
		void *p = realloc(*dst, (*n + m) * elem);
		if (!p)
			return -ENOMEM;
		*dst = p;
		*cap = *n + m;
	}
	memcpy((char *)*dst + *n * elem, src, m * elem);
	*n += m;
	return 0;
}

#define APPEND(a, b, arr, n, cap) \
	append_array((void **)&(a)->arr, &(a)->n, &(a)->cap, (b)->arr, (b)->n, sizeof(*(b)->arr))

/* nsfs's device, and the nsfs mount points this process's mount namespace has. */
static int find_nsfs_paths(int procfd, struct nsfs_paths *nsfs)
{
	struct stat st;
	if (fstatat(procfd, "self/ns/net", &st, 0) < 0)
		return -errno;
	nsfs->dev = st.st_dev;
	_cleanup_free_ char *buf = NULL;
	size_t len, cap = 0;
	if (nstk_read_file_at(procfd, "self/mountinfo", &buf, &len) < 0)
		return 0;
	struct nstk_span line;
	for (size_t at = 0; nstk_next_line(buf, len, &at, &line) > 0;) {
		struct nstk_mountinfo_line m;
		if (nstk_parse_mountinfo_line(line.s, line.len, &m) < 0 ||
		    m.fstype_len != 4 || memcmp(m.fstype, "nsfs", 4) != 0)
			continue;
		char *path = malloc(m.mount_point_len + 1);
		if (!path || nstk_unescape_octal(m.mount_point, m.mount_point_len, path,
						 m.mount_point_len + 1) < 0 ||
		    NSTK_GROW(nsfs->mount_points, cap, nsfs->n) < 0) {
			free(path);
			return -ENOMEM;
		}
		nsfs->mount_points[nsfs->n++] = path;
	}
	return 0;
}

static void free_nsfs_paths(struct nsfs_paths *nsfs)
{
	for (size_t i = 0; i < nsfs->n; i++)
		free(nsfs->mount_points[i]);
	free(nsfs->mount_points);
}

int nstk_walk_proc(int procfd, unsigned kinds, unsigned sources, struct nstk_walk *out)
{
	_cleanup_free_ pid_t *pids = NULL;
	size_t n_pids = 0;
	int r = list_pids(procfd, &pids, &n_pids);
	if (r < 0)
		return r;
	struct nsfs_paths nsfs = { 0 };
	if ((sources & NSTK_SOURCE_FDS) && (r = find_nsfs_paths(procfd, &nsfs)) < 0) {
		free_nsfs_paths(&nsfs);
		return r;
	}

	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t n_workers = n_pids / PROCS_PER_WORKER + 1;
	if (cpus > 0 && n_workers > (size_t)cpus)
		n_workers = (size_t)cpus;
	if (n_workers > MAX_WORKERS)
		n_workers = MAX_WORKERS;

	struct worker workers[MAX_WORKERS] = { 0 };
	pthread_t threads[MAX_WORKERS];
	bool started[MAX_WORKERS] = { false };
	size_t per = (n_pids + n_workers - 1) / n_workers;
	for (size_t i = 0; i < n_workers; i++) {
		size_t from = i * per < n_pids ? i * per : n_pids;
		size_t to = from + per < n_pids ? from + per : n_pids;
		workers[i] = (struct worker){ .procfd = procfd, .kinds = kinds, .sources = sources,
					      .nsfs = &nsfs, .pids = pids + from, .n_pids = to - from };
		/* The first slice runs on this thread; a failed start runs inline too. */
		if (i > 0)
			started[i] = pthread_create(&threads[i], NULL, run_worker, &workers[i]) == 0;
	}
	run_worker(&workers[0]);
	for (size_t i = 1; i < n_workers; i++) {
		if (started[i])
			pthread_join(threads[i], NULL);
		else
			run_worker(&workers[i]);
	}

	for (size_t i = 0; i < n_workers; i++) {
		struct nstk_walk *w = &workers[i].out;
		if (r == 0)
			r = workers[i].error;
		if (r == 0)
			r = APPEND(out, w, procs, n_procs, cap_procs);
		if (r == 0)
			r = APPEND(out, w, sightings, n_sightings, cap_sightings);
		if (r == 0)
			r = APPEND(out, w, denied, n_denied, cap_denied);
		out->n_vanished += w->n_vanished;
		nstk_walk_free(w);
	}
	free_nsfs_paths(&nsfs);
	return r;
}

void nstk_walk_free(struct nstk_walk *w)
{
	free(w->procs);
	free(w->sightings);
	free(w->denied);
	*w = (struct nstk_walk){ 0 };
}

/*
 * cgroup_node.c — the nodes of a monitor's tree and the descriptors they
 * hold, kept in step (see cgroup_node.h): a node's kept files go with its
 * directory fds, kept files give way to directories, and the whole tree is
 * closed in runs at the end.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup_node.h"
#include "nstk/util.h"

/*
 * At most this many file descriptors are kept (and never more than
 * RLIMIT_NOFILE leaves after the directories: see
 * nstk_cg_tree_set_file_budget): each
 * costs the kernel about 4.3 KiB (a struct file, a kernfs_open_file and its
 * seq_file page, measured on Linux 6.18), so 16384 of them hold ~70 MiB;
 * that is 1,600 cgroups at the ten files of the text table on a v1 host.
 * Files past the budget are opened, read and closed each sample.
 */
#define MAX_KEPT_FILES 16384u
/* Descriptors left to everything else when the budget is worked out. */
#define FD_RESERVE 256u

void nstk_cg_node_close_dir(struct nstk_cg_node *n, size_t h)
{
	if (n->fd[h] < 0)
		return;
	nstk_cg_files_close(&n->files, n->cache);
	close(n->fd[h]);
	n->fd[h] = -1;
	n->ino[h] = 0;
	if (n->cache && n->cache->dirs)
		n->cache->dirs--;
}

static void node_close_fds(struct nstk_cg_node *n)
{
	for (size_t h = 0; h < NSTK_CG_MAX_HIERARCHIES; h++)
		nstk_cg_node_close_dir(n, h);
}

void nstk_cg_node_free(struct nstk_cg_node *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->nchildren; i++)
		nstk_cg_node_free(n->children[i]);
	free(n->children);
	node_close_fds(n);
	/* close_tree_fds may have closed the directories in a run but not a kept file: close it too. */
	nstk_cg_files_close(&n->files, n->cache);
	if (n->procs)
		nstk_cg_procs_free(n->procs);
	free(n->procs);
	free(n->path);
	free(n->name);
	free(n);
}

struct nstk_cg_node *nstk_cg_node_new(struct nstk_cg_node *parent, const char *name)
{
	struct nstk_cg_node *n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	for (size_t h = 0; h < NSTK_CG_MAX_HIERARCHIES; h++)
		n->fd[h] = -1;
	nstk_cg_files_init(&n->files);
	n->parent = parent;
	n->cache = parent ? parent->cache : NULL;
	if (!parent) {
		n->path = strdup("/");
		n->name = strdup("/");
	} else {
		n->name = strdup(name);
		if (asprintf(&n->path, "%s/%s", strcmp(parent->path, "/") ? parent->path : "", name) < 0)
			n->path = NULL;
	}
	if (!n->path || !n->name) {
		nstk_cg_node_free(n);
		return NULL;
	}
	n->has_container = nstk_container_from_cgroup(n->path, strlen(n->path), &n->container) == 1;
	return n;
}

static void files_close_subtree(struct nstk_cg_node *n)
{
	nstk_cg_files_close(&n->files, n->cache);
	for (size_t i = 0; i < n->nchildren; i++)
		files_close_subtree(n->children[i]);
}

bool nstk_cg_tree_give_back_files(struct nstk_cg_tree *t)
{
	size_t had = t->cache.open;
	if (had == 0)
		return false;
	files_close_subtree(t->root);
	t->max_kept = had / 2;
	t->cache.max = t->max_kept;
	return true;
}

void nstk_cg_tree_set_file_budget(struct nstk_cg_tree *t)
{
	size_t want = FD_RESERVE + t->cache.dirs + t->cache.dirs / 4;
	size_t max = t->fd_limit > want ? t->fd_limit - want : 0;
	t->cache.max = max < t->max_kept ? max : t->max_kept;
}

int nstk_cg_node_open(struct nstk_cg_tree *t, struct nstk_cg_node *n, size_t h, int parent_fd,
		      const char *name, uint64_t ino)
{
	int fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && (errno == EMFILE || errno == ENFILE) && nstk_cg_tree_give_back_files(t))
		fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOTDIR || errno == ELOOP ? -ENOENT : -errno;
	if (ino == 0 || t->by_files) {
		struct stat st;
		if (fstat(fd, &st) < 0) {
			int r = -errno;
			close(fd);
			return r;
		}
		ino = (uint64_t)st.st_ino;
	}
	nstk_cg_node_close_dir(n, h);
	n->fd[h] = fd;
	n->ino[h] = ino;
	if (n->cache)
		n->cache->dirs++;
	return 0;
}

int nstk_cg_tree_init(struct nstk_cg_tree *t, bool by_files)
{
	struct rlimit rl;

	*t = (struct nstk_cg_tree){ .by_files = by_files, .max_kept = MAX_KEPT_FILES, .fd_limit = 1024 };
	/* Keep file descriptors on a real cgroupfs only: a fixture's files may be replaced. */
	t->cache.enabled = !by_files;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
		t->fd_limit = rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > SIZE_MAX ? SIZE_MAX : (size_t)rl.rlim_cur;
	if (!(t->root = nstk_cg_node_new(NULL, NULL)))
		return -ENOMEM;
	t->root->cache = &t->cache;
	return 0;
}

/* Append every descriptor of the subtree at n (directories and kept files) to fds. */
static void collect_fds(const struct nstk_cg_node *n, int **fds, size_t *count, size_t *cap)
{
	for (size_t h = 0; h < NSTK_CG_MAX_HIERARCHIES; h++)
		if (n->fd[h] >= 0 && NSTK_GROW(*fds, *cap, *count) == 0)
			(*fds)[(*count)++] = n->fd[h];
	for (size_t i = 0; i < NSTK_CGF_COUNT; i++)
		if (n->files.fd[i] >= 0 && NSTK_GROW(*fds, *cap, *count) == 0)
			(*fds)[(*count)++] = n->files.fd[i];
	for (size_t i = 0; i < n->nchildren; i++)
		collect_fds(n->children[i], fds, count, cap);
}

static int int_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* The closed runs [lo, hi] of descriptors, in order. */
struct fd_run {
	int lo, hi;
};

static bool in_runs(int fd, const struct fd_run *runs, size_t n)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (fd < runs[mid].lo)
			hi = mid;
		else if (fd > runs[mid].hi)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

/* Set to -1 the descriptors of the subtree at n that the runs closed. */
static void forget_closed(struct nstk_cg_node *n, const struct fd_run *runs, size_t nruns)
{
	for (size_t h = 0; h < NSTK_CG_MAX_HIERARCHIES; h++) {
		if (n->fd[h] >= 0 && in_runs(n->fd[h], runs, nruns)) {
			n->fd[h] = -1;
			if (n->cache && n->cache->dirs)
				n->cache->dirs--;
		}
	}
	for (size_t i = 0; i < NSTK_CGF_COUNT; i++) {
		if (n->files.fd[i] >= 0 && in_runs(n->files.fd[i], runs, nruns)) {
			n->files.fd[i] = -1;
			if (n->cache && n->cache->open)
				n->cache->open--;
		}
	}
	for (size_t i = 0; i < n->nchildren; i++)
		forget_closed(n->children[i], runs, nruns);
}

/*
 * Close every descriptor the tree holds, a run of consecutive numbers (all
 * ours: nothing else is in between) with one close_range: a big tree holds
 * tens of thousands, and they were opened in a row. Whatever this misses
 * (out of memory for the list), nstk_cg_node_free closes one by one.
 */
static void close_tree_fds(struct nstk_cg_tree *t)
{
	_cleanup_free_ int *fds = NULL;
	_cleanup_free_ struct fd_run *runs = NULL;
	size_t count = 0, cap = 0, nruns = 0, cap_runs = 0;

	collect_fds(t->root, &fds, &count, &cap);
	if (count < 2)
		return;
	qsort(fds, count, sizeof(*fds), int_cmp);
	for (size_t i = 0; i < count;) {
		size_t j = i + 1;
		while (j < count && fds[j] == fds[j - 1] + 1)
			j++;
		if (j - i > 1 && NSTK_GROW(runs, cap_runs, nruns) == 0 &&
		    close_range((unsigned)fds[i], (unsigned)fds[j - 1], 0) == 0)
			runs[nruns++] = (struct fd_run){ fds[i], fds[j - 1] };
		i = j;
	}
	/* Forget the closed ones, so nstk_cg_node_free does not close them again. */
	if (nruns)
		forget_closed(t->root, runs, nruns);
}

void nstk_cg_tree_free(struct nstk_cg_tree *t)
{
	if (!t->root)
		return;
	close_tree_fds(t);
	nstk_cg_node_free(t->root);
	t->root = NULL;
}

/*
 * cgroup.c — the cgroup monitor: one tree of cgroups merged by path across
 * hierarchies, kept from sample to sample (its nodes and their descriptors
 * are cgroup_node.c's; rates and effective limits are derived in
 * cgroup_derive.c).
 *
 * The one idea: each node holds a directory fd per hierarchy and the inode
 * that fd was opened on. A walk lists each node's subdirectories with
 * getdents64 on those same fds (rewound) and compares the inodes readdir
 * reports: an unchanged inode keeps the fd and the previous counters, a new
 * one means the cgroup was removed and made again, so it starts afresh and
 * no rate can go negative. A node not listed any more is freed with its
 * subtree, closing its fds.
 *
 * The subtree asked for hangs below a chain of its ancestors up to "/",
 * which are never listed but whose limit files are read, so effective limits
 * see every ancestor.
 *
 * What a sample costs, per cgroup, on a real cgroupfs: one fstat per
 * hierarchy (a kernfs directory's link count is 2 + its subdirectories, so
 * a leaf, the most common cgroup, is never listed; only directories with
 * subdirectories are read with getdents64), and one pread per file the
 * asked-for groups need, through descriptors kept from the first sample
 * (cgroup_sample.h) within a budget (cgroup_node.h).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup_node.h"
#include "cgroup_sample.h"
#include "nstk/cgroup.h"
#include "nstk/container_names.h"
#include "nstk/parse.h"
#include "nstk/util.h"

/* Deeper than any real cgroup tree; a fixture deeper than this is cut there. */
#define MAX_WALK_DEPTH 256

struct nstk_cg_monitor {
	struct nstk_cg_layout layout;
	struct nstk_cg_monitor_options opt;
	char *subtree;
	struct nstk_cg_tree tree; /* from "/", with the descriptors it holds */
	struct nstk_cg_node *top; /* the subtree's node, at the end of the chain from the root */
	const struct nstk_cg_stats **rows;
	size_t nrows, cap_rows;
	struct nstk_cg_buffer buf;
	struct nstk_container_names names; /* podman names, by container id */
	double time;
	char *watch;	  /* nstk_cg_monitor_watch_procs's path, or NULL */
	uint64_t samples; /* taken so far: a cgroup's processes read in the one before are not fresh */
	uint64_t started_usec, prev_started_usec; /* CLOCK_MONOTONIC at the starts of the last two samples */
	/* Scratch for the walk, reused. */
	struct entry {
		char *name;
		size_t h;
		uint64_t ino;
	} *entries;
	size_t nentries, cap_entries;
};

/* ---- the walk ---- */

/* An error that stops the walk; the others mean a cgroup went away or may not be read. */
static bool is_fatal(int r)
{
	return r < 0 && r != -ENOENT && r != -ENOTDIR && r != -ENODEV && r != -EACCES && r != -EPERM;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : (x->h > y->h) - (x->h < y->h);
}

static void entries_clear(struct nstk_cg_monitor *m)
{
	for (size_t i = 0; i < m->nentries; i++)
		free(m->entries[i].name);
	m->nentries = 0;
}

/* Append the subdirectories of fd (hierarchy h) to m->entries. */
static int list_subdirs(struct nstk_cg_monitor *m, int fd, size_t h)
{
	char buf[8192] __attribute__((aligned(8)));

	if (lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	for (;;) {
		ssize_t n = getdents64(fd, buf, sizeof(buf));
		if (n < 0)
			return errno == ENOENT || errno == ENODEV ? 0 : -errno;
		if (n == 0)
			return 0;
		for (ssize_t off = 0; off < n;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);
			off += d->d_reclen;
			if (d->d_name[0] == '.' && (!d->d_name[1] || (d->d_name[1] == '.' && !d->d_name[2])))
				continue;
			if (d->d_type != DT_DIR) {
				struct stat st;
				/* Fixture filesystems may not say: ask. */
				if (d->d_type != DT_UNKNOWN ||
				    fstatat(fd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))
					continue;
			}
			if (NSTK_GROW(m->entries, m->cap_entries, m->nentries) < 0)
				return -ENOMEM;
			char *name = strdup(d->d_name);
			if (!name)
				return -ENOMEM;
			m->entries[m->nentries++] = (struct entry){ .name = name, .h = h, .ino = d->d_ino };
		}
	}
}

static struct nstk_cg_node *find_child(const struct nstk_cg_node *n, const char *name)
{
	size_t lo = 0, hi = n->nchildren;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(n->children[mid]->name, name);
		if (c == 0)
			return n->children[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * Bring child's fds in line with what readdir saw: entries[first..last) are
 * its (name, hierarchy, inode) sightings. A changed inode means a new
 * cgroup under the old name: it loses its history.
 */
static int refresh_child(struct nstk_cg_monitor *m, struct nstk_cg_node *parent, struct nstk_cg_node *child,
			 const struct entry *e, size_t count)
{
	bool seen[NSTK_CG_MAX_HIERARCHIES] = { false };
	int r;

	for (size_t i = 0; i < count; i++) {
		size_t h = e[i].h;
		seen[h] = true;
		if (child->fd[h] >= 0 && child->ino[h] == e[i].ino)
			continue;
		if (child->fd[h] >= 0)
			child->has_prev = false; /* removed and made again */
		r = nstk_cg_node_open(&m->tree, child, h, parent->fd[h], e[i].name, e[i].ino);
		if (r == -ENOENT) {
			seen[h] = false;
			continue;
		}
		if (r < 0)
			return r;
	}
	for (size_t h = 0; h < NSTK_CG_MAX_HIERARCHIES; h++) {
		if (!seen[h])
			nstk_cg_node_close_dir(child, h);
	}
	return 0;
}

/*
 * Whether directory fd may have subdirectories. On a real cgroupfs (kernfs)
 * a directory's link count is 2 + its subdirectories, exactly: 2 says none,
 * for the price of an fstat instead of a getdents64 over every interface
 * file. Other filesystems (fixture trees) are always listed.
 */
static bool may_have_subdirs(const struct nstk_cg_monitor *m, int fd)
{
	struct stat st;
	if (m->layout.by_files || fstat(fd, &st) < 0)
		return true;
	return st.st_nlink != 2;
}

/* Replace n's children with what its directories hold now. */
static int refresh_children(struct nstk_cg_monitor *m, struct nstk_cg_node *n)
{
	int r = 0;

	entries_clear(m);
	for (size_t h = 0; h < m->layout.n && r == 0; h++)
		if (n->fd[h] >= 0 && may_have_subdirs(m, n->fd[h]))
			r = list_subdirs(m, n->fd[h], h);
	if (r < 0)
		return r;
	if (m->nentries)
		qsort(m->entries, m->nentries, sizeof(*m->entries), entry_cmp);

	struct nstk_cg_node **kids = NULL;
	size_t nkids = 0, cap = 0;
	for (size_t i = 0; i < m->nentries && r == 0;) {
		size_t j = i + 1;
		while (j < m->nentries && strcmp(m->entries[j].name, m->entries[i].name) == 0)
			j++;
		struct nstk_cg_node *child = find_child(n, m->entries[i].name);
		bool is_new = !child;
		if (is_new && !(child = nstk_cg_node_new(n, m->entries[i].name)))
			r = -ENOMEM;
		if (r == 0)
			r = refresh_child(m, n, child, &m->entries[i], j - i);
		if (r == 0 && !nstk_cg_node_has_dir(child))
			r = -ENOENT; /* gone between readdir and open */
		if (r == 0 && (r = NSTK_GROW(kids, cap, nkids)) == 0) {
			kids[nkids++] = child;
			child->kept = !is_new;
		} else if (is_new) {
			nstk_cg_node_free(child);
		}
		if (r == -ENOENT)
			r = 0;
		i = j;
	}
	if (r < 0) {
		/* Keep the old list whole; free only what was made new. */
		for (size_t i = 0; i < nkids; i++) {
			if (kids[i]->kept)
				kids[i]->kept = false;
			else
				nstk_cg_node_free(kids[i]);
		}
		free(kids);
		entries_clear(m);
		return r;
	}
	/* Children not seen again are gone: free them with their subtrees. */
	for (size_t i = 0; i < n->nchildren; i++)
		if (!n->children[i]->kept)
			nstk_cg_node_free(n->children[i]);
	for (size_t i = 0; i < nkids; i++)
		kids[i]->kept = false;
	free(n->children);
	n->children = kids;
	n->nchildren = nkids;
	n->cap_children = cap;
	entries_clear(m);
	return 0;
}

/*
 * Samples that ask for a podman container's name before giving up: an
 * answer (a name, or a conmon that names none) is cached at once; only a
 * cgroup without a process yet, or one that vanished, asks again.
 */
#define NAME_ASKS 3

/* The first process listed in n's cgroup.procs, or 0. */
static pid_t first_process(const struct nstk_cg_node *n)
{
	for (size_t h = 0; h < NSTK_CG_MAX_HIERARCHIES; h++) {
		if (n->fd[h] < 0)
			continue;
		_cleanup_free_ char *text = NULL;
		size_t len;
		pid_t pid;
		if (nstk_read_file_at(n->fd[h], "cgroup.procs", &text, &len) < 0)
			continue;
		const char *nl = memchr(text, '\n', len);
		if (nstk_parse_pid(text, nl ? (size_t)(nl - text) : len, &pid) == 0)
			return pid;
	}
	return 0;
}

/* A podman container's name, as nsls and nsenter-lite find it: conmon's "-n". */
static int name_container(struct nstk_cg_monitor *m, struct nstk_cg_node *n)
{
	if (!n->has_container || n->container.name[0] || n->name_asks >= NAME_ASKS ||
	    strcmp(n->container.runtime, "podman") != 0 || n->container.monitor)
		return 0;
	n->name_asks++;
	int r = nstk_container_names_lookup(&m->names, -1, first_process(n), &n->container);
	return r < 0 ? r : 0;
}

/* --filter: a glob over the path, the container's label or its name. */
static bool glob_matches(const struct nstk_cg_monitor *m, const struct nstk_cg_node *n)
{
	if (m->opt.nglobs == 0)
		return true;
	for (size_t i = 0; i < m->opt.nglobs; i++)
		if (fnmatch(m->opt.globs[i], n->path, 0) == 0 ||
		    (n->has_container && nstk_container_glob_matches(&n->container, m->opt.globs[i])))
			return true;
	return false;
}

/* Walk the subtree below n (at depth below the top), refreshing children and marking rows. */
static int walk(struct nstk_cg_monitor *m, struct nstk_cg_node *n, unsigned depth)
{
	n->stats.depth = depth;
	int named = name_container(m, n);
	if (named < 0)
		return named;
	n->listed = glob_matches(m, n);
	n->needed = n->listed;
	n->vanished = false;
	bool descend = (m->opt.max_depth < 0 || depth < (unsigned)m->opt.max_depth) && depth < MAX_WALK_DEPTH;
	if (!descend) {
		for (size_t i = 0; i < n->nchildren; i++)
			nstk_cg_node_free(n->children[i]);
		n->nchildren = 0;
		return 0;
	}
	int r = refresh_children(m, n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n->nchildren; i++) {
		if ((r = walk(m, n->children[i], depth + 1)) < 0)
			return r;
		n->needed |= n->children[i]->needed;
	}
	return 0;
}

/*
 * Re-check the chain from "/" down to the subtree's top: each link is
 * reopened where its inode changed. Returns -ENOENT when the top is in no
 * hierarchy any more.
 */
static int refresh_chain(struct nstk_cg_monitor *m)
{
	struct nstk_cg_node *chain[MAX_WALK_DEPTH + 1];
	size_t len = 0;
	for (struct nstk_cg_node *n = m->top; n && len <= MAX_WALK_DEPTH; n = n->parent)
		chain[len++] = n;
	/* chain[len-1] is the root, whose fds are the hierarchies' own. */
	for (size_t i = len - 1; i-- > 0;) {
		struct nstk_cg_node *n = chain[i], *p = chain[i + 1];
		for (size_t h = 0; h < m->layout.n; h++) {
			struct stat st;
			if (p->fd[h] < 0 || fstatat(p->fd[h], n->name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
			    !S_ISDIR(st.st_mode)) {
				nstk_cg_node_close_dir(n, h);
				continue;
			}
			if (n->fd[h] >= 0 && n->ino[h] == (uint64_t)st.st_ino)
				continue;
			if (n->fd[h] >= 0)
				n->has_prev = false;
			int r = nstk_cg_node_open(&m->tree, n, h, p->fd[h], n->name, (uint64_t)st.st_ino);
			if (is_fatal(r))
				return r;
		}
	}
	return nstk_cg_node_has_dir(m->top) ? 0 : -ENOENT;
}

/* ---- reading and deriving ---- */

static uint64_t monotonic_usec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void fill_identity(struct nstk_cg_node *n)
{
	struct nstk_cg_stats *s = &n->stats;
	s->path = n->path;
	s->name = n->name;
	s->parent = n->parent ? &n->parent->stats : NULL;
	s->container = n->has_container ? &n->container : NULL;
	s->ino = 0;
	for (size_t h = 0; h < NSTK_CG_MAX_HIERARCHIES; h++) {
		if (n->fd[h] >= 0) {
			s->ino = n->ino[h];
			break;
		}
	}
}

static int read_node(struct nstk_cg_monitor *m, struct nstk_cg_node *n, bool limits_only)
{
	fill_identity(n);
	n->now_usec = monotonic_usec();
	int r;
	for (;;) {
		r = nstk_cg_read_counters(&m->layout, n->fd, &n->files, &m->tree.cache, m->opt.reads, limits_only,
					  n->now_usec, &m->buf, &n->stats.now);
		if (r != -EMFILE && r != -ENFILE)
			break;
		/* Out of descriptors: read again without the kept ones, or make do. */
		if (!nstk_cg_tree_give_back_files(&m->tree)) {
			r = 0;
			break;
		}
	}
	if (r == -ENOENT) {
		n->vanished = true;
		return 0;
	}
	return r;
}

/*
 * n's processes, when the options or the watch ask for them: from its first
 * hierarchy. A cgroup gone meanwhile, or one whose cgroup.procs may not be
 * read, has none this sample; only running out of memory is an error.
 */
static int read_procs(struct nstk_cg_monitor *m, struct nstk_cg_node *n)
{
	struct nstk_cg_stats *s = &n->stats;
	s->has_procs = false;
	s->procs = NULL;
	s->nprocs = 0;
	if (!m->opt.procs && !(m->watch && strcmp(m->watch, n->path) == 0))
		return 0;
	if (!n->procs && !(n->procs = calloc(1, sizeof(*n->procs))))
		return -ENOMEM;
	if (n->procs_sample + 1 != m->samples || !n->has_prev)
		nstk_cg_procs_forget(n->procs); /* not read in the last sample, or made again */
	for (size_t h = 0; h < NSTK_CG_MAX_HIERARCHIES; h++) {
		if (n->fd[h] < 0)
			continue;
		int r = nstk_cg_procs_read(n->procs, n->fd[h], monotonic_usec());
		if (r == -ENOMEM)
			return r;
		if (r == 0) {
			s->has_procs = true;
			s->procs = n->procs->p;
			s->nprocs = n->procs->n;
			n->procs_sample = m->samples;
		}
		break;
	}
	return 0;
}

/* Read the needed nodes below n (parents first) and derive their values. */
static int read_subtree(struct nstk_cg_monitor *m, struct nstk_cg_node *n)
{
	if (!n->needed)
		return 0;
	int r = read_node(m, n, !n->listed);
	if (r < 0)
		return r;
	if (n->listed && !n->vanished) {
		if ((r = read_procs(m, n)) < 0)
			return r;
		nstk_cg_compute_rates(&n->stats, n->has_prev ? &n->prev : NULL, n->now_usec - n->prev_usec);
		n->prev = n->stats.now;
		n->prev_usec = n->now_usec;
		n->has_prev = true;
	}
	nstk_cg_compute_limits(&n->stats);
	if (n->listed && !n->vanished) {
		if ((r = NSTK_GROW(m->rows, m->cap_rows, m->nrows)) < 0)
			return r;
		m->rows[m->nrows++] = &n->stats;
	}
	for (size_t i = 0; i < n->nchildren; i++)
		if ((r = read_subtree(m, n->children[i])) < 0)
			return r;
	return 0;
}

int nstk_cg_monitor_sample(struct nstk_cg_monitor *m)
{
	struct timespec now;
	int r;

	m->nrows = 0;
	m->samples++;
	m->prev_started_usec = m->started_usec;
	m->started_usec = monotonic_usec();
	if ((r = refresh_chain(m)) < 0)
		return r;
	if ((r = walk(m, m->top, 0)) < 0)
		return r;
	clock_gettime(CLOCK_REALTIME, &now);
	m->time = (double)now.tv_sec + (double)now.tv_nsec / 1e9;
	nstk_cg_tree_set_file_budget(&m->tree);

	/* The ancestors above the top: their limits only. */
	struct nstk_cg_node *chain[MAX_WALK_DEPTH + 1];
	size_t len = 0;
	for (struct nstk_cg_node *n = m->top->parent; n && len <= MAX_WALK_DEPTH; n = n->parent)
		chain[len++] = n;
	while (len-- > 0) {
		struct nstk_cg_node *n = chain[len];
		n->listed = false;
		if ((r = read_node(m, n, true)) < 0)
			return r;
		nstk_cg_compute_limits(&n->stats);
	}
	return read_subtree(m, m->top);
}

const struct nstk_cg_stats *const *nstk_cg_monitor_rows(const struct nstk_cg_monitor *m, size_t *n)
{
	*n = m->nrows;
	return m->rows;
}

int nstk_cg_monitor_watch_procs(struct nstk_cg_monitor *m, const char *path)
{
	char *copy = NULL;
	if (path && !(copy = strdup(path)))
		return -ENOMEM;
	free(m->watch);
	m->watch = copy;
	return 0;
}

double nstk_cg_monitor_time(const struct nstk_cg_monitor *m)
{
	return m->time;
}

double nstk_cg_monitor_interval(const struct nstk_cg_monitor *m)
{
	if (!m->prev_started_usec)
		return NAN;
	return (double)(m->started_usec - m->prev_started_usec) / 1e6;
}

void nstk_cg_monitor_frame(const struct nstk_cg_monitor *m, struct nstk_cg_frame *f)
{
	*f = (struct nstk_cg_frame){
		.rows = m->rows,
		.n = m->nrows,
		.time = nstk_cg_monitor_time(m),
		.interval = nstk_cg_monitor_interval(m),
		.layout = nstk_cg_monitor_layout(m),
	};
}

const struct nstk_cg_layout *nstk_cg_monitor_layout(const struct nstk_cg_monitor *m)
{
	return &m->layout;
}

/* "/", "/a/b": absolute, no empty, "." or ".." components, no trailing slash but for "/". */
static bool valid_subtree(const char *p)
{
	if (p[0] != '/')
		return false;
	for (const char *c = p + 1; *c;) {
		size_t n = strcspn(c, "/");
		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		c += n;
		if (*c == '/' && !*++c)
			return false;
	}
	return true;
}

int nstk_cg_monitor_new(const struct nstk_cg_monitor_options *o, struct nstk_cg_monitor **out)
{
	const char *subtree = o->subtree ? o->subtree : "/";
	int r;

	*out = NULL;
	if (!valid_subtree(subtree))
		return -EINVAL;
	struct nstk_cg_monitor *m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->opt = *o;
	if ((r = nstk_cg_layout_detect(o->root, &m->layout)) < 0) {
		free(m);
		return r;
	}
	r = -ENOMEM;
	if (!(m->subtree = strdup(subtree)) || (r = nstk_cg_tree_init(&m->tree, m->layout.by_files)) < 0)
		goto fail;
	m->opt.subtree = m->subtree;
	for (size_t h = 0; h < m->layout.n; h++) {
		if ((r = nstk_cg_node_open(&m->tree, m->tree.root, h, m->layout.h[h].fd, ".", 0)) < 0)
			goto fail;
	}
	/* The chain from "/" to the subtree, one component at a time. */
	m->top = m->tree.root;
	for (const char *c = subtree + 1; *c;) {
		size_t len = strcspn(c, "/");
		char name[NAME_MAX + 1];
		if (len > NAME_MAX) {
			r = -ENAMETOOLONG;
			goto fail;
		}
		memcpy(name, c, len);
		name[len] = '\0';
		struct nstk_cg_node *n = nstk_cg_node_new(m->top, name);
		if (!n || NSTK_GROW(m->top->children, m->top->cap_children, 0) < 0) {
			nstk_cg_node_free(n);
			r = -ENOMEM;
			goto fail;
		}
		m->top->children[0] = n;
		m->top->nchildren = 1;
		m->top = n;
		c += len;
		if (*c == '/')
			c++;
	}
	if ((r = refresh_chain(m)) < 0)
		goto fail;
	*out = m;
	return 0;
fail:
	nstk_cg_monitor_free(m);
	return r;
}

void nstk_cg_monitor_free(struct nstk_cg_monitor *m)
{
	if (!m)
		return;
	nstk_cg_tree_free(&m->tree);
	entries_clear(m);
	free(m->entries);
	nstk_container_names_free(&m->names);
	free(m->rows);
	free(m->subtree);
	free(m->watch);
	nstk_cg_buffer_free(&m->buf);
	nstk_cg_layout_close(&m->layout);
	free(m);
}

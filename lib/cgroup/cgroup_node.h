/*
 * cgroup_node.h — private to the cgroup model: the nodes of a monitor's
 * tree (one per cgroup, merged by path across hierarchies) and the file
 * descriptors they hold.
 *
 * The one idea: a node's descriptors go together. It holds a directory fd
 * per hierarchy and the inode that fd was opened on, and the files kept
 * open for it (cgroup_sample.h) belong to those directory fds: whenever one
 * of them is replaced or closed, the kept files are closed too. Kept files
 * are a cache, and directories come first: the budget is what RLIMIT_NOFILE
 * leaves after the directories held (and room for more), and should the
 * process run short of descriptors all the same, the kept files are given
 * back and the budget halved before a directory goes unopened. At the end,
 * runs of consecutive descriptors are closed with one close_range each.
 */
#ifndef NSTK_CGROUP_NODE_H
#define NSTK_CGROUP_NODE_H

#include "cgroup_sample.h"
#include "nstk/cgroup.h"
#include "nstk/container.h"

struct nstk_cg_node {
	struct nstk_cg_stats stats; /* what callers see */
	char *path, *name;
	struct nstk_cg_node *parent;
	struct nstk_cg_node **children; /* sorted by name */
	size_t nchildren, cap_children;
	int fd[NSTK_CG_MAX_HIERARCHIES];
	uint64_t ino[NSTK_CG_MAX_HIERARCHIES];
	struct nstk_cg_files files; /* kept file descriptors, tied to fd[] */
	struct nstk_cg_fdcache *cache; /* the tree's, that files count against */
	struct nstk_container container;
	bool has_container;
	uint8_t name_asks; /* samples that asked for a podman name (cgroup.c's NAME_ASKS) */
	bool listed;   /* a row this sample */
	bool needed;   /* listed, or an ancestor of a listed node */
	bool vanished; /* removed while this sample read it */
	bool kept;     /* seen again by refresh_children: in its parent's new list of children */
	bool has_prev;
	struct nstk_cg_counters prev;
	uint64_t prev_usec, now_usec; /* CLOCK_MONOTONIC of the reads */
	struct nstk_cg_procs *procs; /* its processes' table, once asked for (cgroup_procs.h) */
	uint64_t procs_sample;	     /* the monitor's sample that read them last */
};

/* A monitor's tree and the budget its kept files share. */
struct nstk_cg_tree {
	struct nstk_cg_node *root; /* "/" */
	struct nstk_cg_fdcache cache;
	bool by_files;	 /* a fixture tree (nstk_cg_layout.by_files): inodes by fstat, no kept files */
	size_t fd_limit; /* RLIMIT_NOFILE when the tree was made */
	size_t max_kept; /* MAX_KEPT_FILES, halved whenever descriptors ran out */
};

/* The tree with its root "/" (no directory open yet). Returns 0 or -ENOMEM. */
int nstk_cg_tree_init(struct nstk_cg_tree *t, bool by_files);
/* Close every descriptor and free every node. */
void nstk_cg_tree_free(struct nstk_cg_tree *t);
/*
 * Out of descriptors: close every kept file and halve the budget. Returns
 * whether there was anything to give back (and so a retry may succeed).
 */
bool nstk_cg_tree_give_back_files(struct nstk_cg_tree *t);
/*
 * The budget of kept files for this sample: what RLIMIT_NOFILE leaves after
 * the directories held now, room for a quarter more of them, and a reserve.
 * Files kept already stay when it shrinks; new ones wait.
 */
void nstk_cg_tree_set_file_budget(struct nstk_cg_tree *t);

/* A child of parent named name, with no directory open yet; NULL when out of memory. */
struct nstk_cg_node *nstk_cg_node_new(struct nstk_cg_node *parent, const char *name);
/* Free n and its subtree, closing their descriptors. NULL is fine. */
void nstk_cg_node_free(struct nstk_cg_node *n);

/*
 * Open name (a subdirectory of the parent's directory in hierarchy h) for
 * n, remembering the inode it has: ino when the caller just saw it (readdir,
 * stat) on a real cgroupfs, where readdir's d_ino is the inode number, else
 * (0, or a fixture tree, whose filesystem may number them differently) by
 * fstat. Should the directory be made again between the sighting and the
 * open, the next walk sees a changed inode and opens it afresh. Returns 0,
 * -ENOENT when it is not there (any more), -EMFILE and such when the process
 * is out of descriptors even after giving back the kept files.
 */
int nstk_cg_node_open(struct nstk_cg_tree *t, struct nstk_cg_node *n, size_t h, int parent_fd,
		      const char *name, uint64_t ino);
/* Close n's directory in hierarchy h, and the files kept with it. */
void nstk_cg_node_close_dir(struct nstk_cg_node *n, size_t h);

/* Whether n is in any hierarchy (has a directory open). */
static inline bool nstk_cg_node_has_dir(const struct nstk_cg_node *n)
{
	for (size_t h = 0; h < NSTK_CG_MAX_HIERARCHIES; h++)
		if (n->fd[h] >= 0)
			return true;
	return false;
}

#endif

/*
 * cgroup_sample.h — private to the cgroup model: read one cgroup's files,
 * given its directory fd in each hierarchy, into a struct nstk_cg_counters.
 *
 * The one idea: a cgroupfs file regenerates its whole content on every
 * pread at offset 0, so a file opened once can be read again and again
 * through the same descriptor. Each cgroup keeps the descriptors of the
 * files it was read from (struct nstk_cg_files), and a sample is one pread
 * per file, with no path walk, no open and no close. Files found missing
 * are remembered too, so a sample does not look for them again: for ever
 * in a v1 hierarchy (a v1 cgroup's files are fixed when it is made), for
 * NSTK_CG_ABSENT_RETRY_USEC in cgroup2 (enabling a controller in the
 * parent's cgroup.subtree_control adds files to a live cgroup; disabling it
 * removes them, which a kept descriptor sees as ENODEV while the directory
 * is still there).
 *
 * Kept descriptors are a cache with a budget (struct nstk_cg_fdcache): each
 * one costs a slot of RLIMIT_NOFILE and, in the kernel, a struct file, a
 * kernfs_open_file and a seq_file page. Over budget, or on a tree that is
 * no cgroupfs (a fixture, whose files tests may replace), a file is opened,
 * read and closed as before.
 */
#ifndef NSTK_CGROUP_SAMPLE_H
#define NSTK_CGROUP_SAMPLE_H

#include "nstk/cgroup.h"

/* Every file the model reads, each always from the same hierarchy. */
enum nstk_cg_file {
	NSTK_CGF_CPU_STAT,	  /* the cpu controller's cpu.stat (throttling; v2: usage too) */
	NSTK_CGF_V2_CPU_STAT,	  /* cgroup2's cpu.stat, for usage_usec when cpu is a v1 controller */
	NSTK_CGF_CPUACCT_USAGE,
	NSTK_CGF_CPU_MAX,
	NSTK_CGF_CFS_QUOTA,
	NSTK_CGF_CFS_PERIOD,
	NSTK_CGF_CPUSET_CPUS,
	NSTK_CGF_MEMORY_CURRENT,  /* or memory.usage_in_bytes */
	NSTK_CGF_MEMORY_STAT,
	NSTK_CGF_MEMORY_MAX,	  /* or memory.limit_in_bytes */
	NSTK_CGF_MEMORY_HIGH,
	NSTK_CGF_SWAP_MAX,
	NSTK_CGF_MEMSW_LIMIT,
	NSTK_CGF_SWAP_CURRENT,
	NSTK_CGF_MEMORY_PEAK,	  /* or memory.max_usage_in_bytes */
	NSTK_CGF_MEMORY_EVENTS,
	NSTK_CGF_OOM_CONTROL,
	NSTK_CGF_PIDS_CURRENT,
	NSTK_CGF_PIDS_MAX,
	NSTK_CGF_IO_STAT,
	NSTK_CGF_BLKIO_RECURSIVE,
	NSTK_CGF_BLKIO,
	NSTK_CGF_CPU_PRESSURE,
	NSTK_CGF_MEMORY_PRESSURE,
	NSTK_CGF_IO_PRESSURE,
	NSTK_CGF_PROCS, /* cgroup.procs of the first hierarchy the cgroup is in */
	NSTK_CGF_COUNT,
};

/* How long a file missing from a cgroup2 cgroup is taken as missing. */
#define NSTK_CG_ABSENT_RETRY_USEC 5000000u

/* One cgroup's kept descriptors. Valid only as long as its directory fds
 * are the same: whoever replaces or closes one calls nstk_cg_files_close. */
struct nstk_cg_files {
	int fd[NSTK_CGF_COUNT]; /* -1 when not kept */
	uint32_t absent;	/* files found missing (1 << enum nstk_cg_file) */
	uint32_t absent_v2;	/* those of them in cgroup2, looked for again at retry_usec */
	uint64_t retry_usec;
};

/* The budget of kept descriptors, shared by every cgroup of a monitor. */
struct nstk_cg_fdcache {
	bool enabled; /* false: open, read and close every time */
	size_t open;  /* file descriptors kept now */
	size_t max;   /* at most */
	size_t dirs;  /* directory descriptors the cgroups hold (the budget gives way to them) */
};

void nstk_cg_files_init(struct nstk_cg_files *f);
/* Close f's descriptors, forget what was missing. */
void nstk_cg_files_close(struct nstk_cg_files *f, struct nstk_cg_fdcache *cache);

/* A growable buffer reused for every file of a sample. */
struct nstk_cg_buffer {
	char *data;
	size_t cap;
};

void nstk_cg_buffer_free(struct nstk_cg_buffer *b);

/*
 * Read the files of reads (enum nstk_cg_read) for the cgroup whose
 * directory in hierarchy i is fds[i] (-1 where it has none), through and
 * into files (NULL: keep nothing). limits_only reads just the limit files
 * of those groups (what an ancestor contributes to its descendants'
 * effective limits). now_usec is CLOCK_MONOTONIC, for the retry of missing
 * files. Values not found stay absent. Returns 0, -ENOENT when the cgroup
 * was removed while being read, -EMFILE or -ENFILE when a file could not be
 * opened for want of descriptors (the values read are kept; the caller may
 * shrink the cache and read again), or -ENOMEM.
 */
int nstk_cg_read_counters(const struct nstk_cg_layout *l, const int *fds, struct nstk_cg_files *files,
			  struct nstk_cg_fdcache *cache, unsigned reads, bool limits_only, uint64_t now_usec,
			  struct nstk_cg_buffer *buf, struct nstk_cg_counters *out);

#endif

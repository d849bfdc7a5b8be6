/*
 * cgroup.h — the cgroup model cgtop shows: which hierarchies a host has,
 * one tree of cgroups merged by path across them, and samples of that tree
 * with rates and effective (inherited) limits.
 *
 * The one idea: a cgroup is its path. On a hybrid host /docker/<id> exists
 * once in the cgroup2 hierarchy and once in each v1 controller's; the model
 * joins them by path into one row and reads each controller's files from
 * the hierarchy that holds that controller (memory.* from the memory
 * hierarchy, cpu.stat from the cpu one, pressure from cgroup2), so the rest
 * of the program never asks which version a number came from.
 *
 * Values are uint64_t with the two sentinels of cgparse.h (NSTK_CG_UNLIMITED,
 * NSTK_CG_ABSENT) or doubles that are NaN when unknown (a first sample has no
 * rates) and INFINITY when unlimited. Files: cgroup_layout.c (detection),
 * cgroup_sample.c (reading one cgroup's files), cgroup_derive.c (rates and
 * effective limits), cgroup_node.c (the tree's nodes and the descriptors
 * they hold), cgroup.c (the monitor: the walk and the samples).
 */
#ifndef NSTK_CGROUP_H
#define NSTK_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "nstk/cgparse.h"
#include "nstk/cgroup_procs.h"
#include "nstk/container.h"

/* ---- layout ---- */

enum nstk_cg_layout_kind {
	NSTK_CG_LAYOUT_UNIFIED, /* cgroup2 at the root: every controller there */
	NSTK_CG_LAYOUT_HYBRID,	/* v1 controllers beside a cgroup2 hierarchy ("unified") */
	NSTK_CG_LAYOUT_LEGACY,	/* v1 controllers only */
};

/* The controllers whose files the model reads. */
enum nstk_cg_controller {
	NSTK_CG_CPU,	 /* cpu.max / cpu.cfs_*, throttling in cpu.stat */
	NSTK_CG_CPUACCT, /* v1 cpuacct.usage (v2 has usage in every cpu.stat) */
	NSTK_CG_CPUSET,
	NSTK_CG_MEMORY,
	NSTK_CG_PIDS,
	NSTK_CG_IO, /* v2 io, v1 blkio */
	NSTK_CG_CONTROLLER_COUNT,
};

#define NSTK_CG_MAX_HIERARCHIES 8

struct nstk_cg_hierarchy {
	char *mount;	     /* its directory, e.g. /sys/fs/cgroup/memory */
	int fd;		     /* O_DIRECTORY fd of that directory */
	bool v2;	     /* cgroup2 (pressure files, cpu.stat usage_usec) */
	unsigned controllers; /* 1 << enum nstk_cg_controller */
};

struct nstk_cg_layout {
	enum nstk_cg_layout_kind kind;
	/*
	 * false when the root is a real cgroupfs (statfs magic says so), true
	 * for a fixture tree recognised by the files in it (see
	 * nstk_cg_layout_detect).
	 */
	bool by_files;
	struct nstk_cg_hierarchy h[NSTK_CG_MAX_HIERARCHIES]; /* in directory name order */
	size_t n;
	int v2;					  /* index of the cgroup2 hierarchy, or -1 */
	int owner[NSTK_CG_CONTROLLER_COUNT];	  /* hierarchy holding each controller, or -1 */
};

/*
 * Find the hierarchies under root ("/sys/fs/cgroup" when NULL).
 *
 * On a real mount: statfs(root) is CGROUP2_SUPER_MAGIC -> unified; otherwise
 * (the tmpfs of a v1-style layout) each subdirectory that statfs calls
 * cgroup2 is the hybrid's unified hierarchy and each that is cgroup (v1) a
 * controller hierarchy, whose controllers /proc/self/mountinfo names (or,
 * failing that, the words of its directory name: "cpu,cpuacct").
 *
 * On any other filesystem (a fixture tree) the same is decided by the files
 * present: a root holding cgroup.controllers is unified; otherwise each
 * subdirectory holding cgroup.controllers is the unified hierarchy of a
 * hybrid and each holding cgroup.procs a v1 hierarchy named after its
 * controllers. A v2 hierarchy holds the controllers its cgroup.controllers
 * lists. Symbolic links (cpu -> cpu,cpuacct) are skipped, so no hierarchy
 * counts twice.
 *
 * Returns 0, -ENOENT when root holds no cgroup hierarchy, or -errno.
 */
int nstk_cg_layout_detect(const char *root, struct nstk_cg_layout *out);
void nstk_cg_layout_close(struct nstk_cg_layout *l);
const char *nstk_cg_layout_name(enum nstk_cg_layout_kind kind); /* "unified", "hybrid", "legacy" */
const char *nstk_cg_controller_name(enum nstk_cg_controller c); /* "cpu", ..., "io" */

/* ---- one cgroup in one sample ---- */

/*
 * Which groups of files a sample reads (a tool asks only for what it shows:
 * every group costs a read of one to four files per cgroup per sample).
 */
enum nstk_cg_read {
	NSTK_CG_READ_TASKS = 1 << 0,	/* pids.current, else cgroup.procs */
	NSTK_CG_READ_CPU = 1 << 1,	/* usage, throttling, quota, cpuset size */
	NSTK_CG_READ_MEMORY = 1 << 2,	/* usage, working set, memory.max and .high, OOM */
	NSTK_CG_READ_PIDS = 1 << 3,	/* pids.current, pids.max */
	NSTK_CG_READ_IO = 1 << 4,	/* io.stat / blkio bytes */
	NSTK_CG_READ_PRESSURE = 1 << 5, /* {cpu,memory,io}.pressure (cgroup2 only) */
	NSTK_CG_READ_SWAP = 1 << 6,	/* swap use and limit (memory.swap.*, v1 memsw) */
	NSTK_CG_READ_PEAK = 1 << 7,	/* memory.peak / memory.max_usage_in_bytes */
	NSTK_CG_READ_ALL = (1 << 8) - 1,
};

/*
 * What the files said, as read: counters are cumulative.
 *
 * Every value is named once, in NSTK_CG_COUNTERS, and both the struct and
 * nstk_cg_counters_clear are made from that list, so a value added to it
 * starts absent (never 0, which is a real value) until a file gives it.
 * The list calls V(name) for a uint64_t (NSTK_CG_ABSENT when absent) and
 * AVG(name) for a double (NaN when absent).
 */
#define NSTK_CG_COUNTERS(V, AVG)                                                                    \
	V(tasks)                                                                                     \
	/* cpu (µs); quota NSTK_CG_UNLIMITED when none; cpuset_cpus: CPUs in the effective cpuset */ \
	V(cpu_usage_usec)                                                                            \
	V(nr_periods) V(nr_throttled) V(throttled_usec) V(nr_bursts) V(burst_usec)                   \
	V(cpu_quota_usec) V(cpu_period_usec)                                                         \
	V(cpuset_cpus)                                                                               \
	/* memory (bytes) */                                                                         \
	V(memory_current) V(memory_inactive_file) V(memory_max) V(memory_high)                       \
	V(swap_current) V(swap_max) V(memory_peak)                                                   \
	V(oom) V(oom_kill)                                                                           \
	/* pids */                                                                                   \
	V(pids_current) V(pids_max)                                                                  \
	/* io (bytes, over all devices) */                                                           \
	V(io_rbytes) V(io_wbytes)                                                                    \
	/* pressure (avg10 %; totals µs) */                                                          \
	AVG(cpu_some_avg10) AVG(cpu_full_avg10) AVG(memory_some_avg10) AVG(memory_full_avg10)        \
	AVG(io_some_avg10) AVG(io_full_avg10)                                                        \
	V(cpu_some_usec) V(cpu_full_usec) V(memory_some_usec) V(memory_full_usec)                    \
	V(io_some_usec) V(io_full_usec)

#define NSTK_CG_COUNTER_VALUE(name) uint64_t name;
#define NSTK_CG_COUNTER_AVG(name) double name;

struct nstk_cg_counters {
	NSTK_CG_COUNTERS(NSTK_CG_COUNTER_VALUE, NSTK_CG_COUNTER_AVG) /* a new value goes into the list */
	/*
	 * The groups (enum nstk_cg_read) in which a file was there but could
	 * not be read or did not parse (cut short, "max" for a number, past
	 * 2^63, ...): its values are absent like a missing file's, and a tool
	 * can tell "cannot read" (cgtop's "?") from "not there" ("-").
	 */
	unsigned unreadable;
};

/* The tightest of a cgroup's own limit and its ancestors', and who sets it. */
struct nstk_cg_effective {
	uint64_t value;	  /* NSTK_CG_UNLIMITED when no one limits, NSTK_CG_ABSENT when unknown */
	const char *from; /* the path of the cgroup that sets it, NULL when none does */
};

struct nstk_cg_stats {
	const char *path; /* "/" or "/a/b", the same in every hierarchy */
	const char *name; /* its last component ("/" for the root) */
	const struct nstk_cg_stats *parent; /* the parent cgroup (listed or not), NULL for "/" */
	unsigned depth;			    /* 0 for the subtree's top */
	const struct nstk_container *container; /* from the path, or NULL */
	uint64_t ino;			    /* directory inode in its first hierarchy */
	/* True on a cgroup's first sample, and after it was removed and made
	 * again under the same path: rates are NaN then, never negative. */
	bool fresh;

	struct nstk_cg_counters now;

	/* Rates over the interval since the previous sample (NaN when fresh). */
	double interval_s;
	double cpu_usage_pct;	    /* 100 = one CPU busy */
	double cpu_throttled_pct;   /* of the periods that ran, how many throttled */
	double cpu_throttled_s_per_s;
	double cpu_burst_s_per_s;
	double io_read_bps, io_write_bps;
	uint64_t oom_kills_delta; /* NSTK_CG_ABSENT when fresh or unknown */

	/* Limits: own (INFINITY when unlimited, NaN when unknown) and effective. */
	double cpu_limit_cores;
	double cpu_effective_cores; /* quota over the ancestors, capped by the cpuset */
	const char *cpu_effective_from;
	struct nstk_cg_effective memory_max, memory_high, swap_max, pids_max;

	/* Shares of the effective limits, NaN when unlimited or unknown. */
	double cpu_pct_of_limit;  /* cpu_usage_pct / cpu_effective_cores */
	uint64_t memory_working_set; /* current - inactive_file, floored at 0; NSTK_CG_ABSENT when unknown */
	double memory_pct_of_max; /* working set / effective memory.max */
	double memory_pct_of_high;
	double pids_pct_of_max;

	/*
	 * Its processes, when asked for (nstk_cg_monitor_options.procs,
	 * nstk_cg_monitor_watch_procs) and readable: those in the cgroup itself
	 * (cgroup.procs; not its descendants'), by PID, valid until the next
	 * sample. On v1 a path may hold other processes in each hierarchy:
	 * these are the first hierarchy's (in directory name order) that holds
	 * the cgroup. has_procs is false when they were not read.
	 */
	bool has_procs;
	const struct nstk_cg_proc *procs;
	size_t nprocs;
};

/* ---- the monitor: a tree kept across samples ---- */

struct nstk_cg_monitor_options {
	const char *root;    /* the cgroupfs mount or a fixture tree; NULL: /sys/fs/cgroup */
	const char *subtree; /* "/x/y" to list only that cgroup and below; NULL: "/" */
	int max_depth;	     /* levels below the subtree to list; < 0 for all */
	/* fnmatch(3) patterns on the path: a cgroup is listed when one matches
	 * (all are, with none). Unlisted cgroups are walked, not read. */
	const char *const *globs;
	size_t nglobs;
	unsigned reads; /* enum nstk_cg_read; 0 means all */
	/* Read every listed cgroup's processes at each sample (cgtop -b -P):
	 * two /proc files per process, so a host's every process per sample. */
	bool procs;
};

struct nstk_cg_monitor;

/*
 * Detect the layout and open the subtree. Returns 0, -ENOENT when the
 * subtree exists in no hierarchy, -EINVAL for a subtree that is not an
 * absolute path without "." or ".." components, or -errno.
 *
 * Descriptors: a monitor holds one per cgroup per hierarchy it is in, and
 * on a real cgroupfs keeps one per file it reads, so that a sample is a
 * pread per file (lib/cgroup/cgroup_sample.h). Kept files get what RLIMIT_NOFILE
 * (as it is when the monitor is made: raise it first) leaves after the
 * directories, up to 16384 (~70 MiB of kernel memory); past that, files are
 * opened and closed each sample.
 */
int nstk_cg_monitor_new(const struct nstk_cg_monitor_options *o, struct nstk_cg_monitor **out);
void nstk_cg_monitor_free(struct nstk_cg_monitor *m);
const struct nstk_cg_layout *nstk_cg_monitor_layout(const struct nstk_cg_monitor *m);

/*
 * Walk the tree (new cgroups join, removed ones leave, a recreated one
 * starts afresh) and read every listed cgroup. The rows, parents before
 * children in path order, stay valid until the next sample or free.
 * Returns 0, -ENOENT when the subtree itself is gone, or -errno.
 */
int nstk_cg_monitor_sample(struct nstk_cg_monitor *m);
const struct nstk_cg_stats *const *nstk_cg_monitor_rows(const struct nstk_cg_monitor *m, size_t *n);
/*
 * From the next sample on, read the processes of the cgroup at path too
 * (the screen's process list: one cgroup, only while it is shown); NULL
 * for none. A cgroup not read in the sample before starts afresh (no CPU
 * % on its first read). Returns 0 or -ENOMEM.
 */
int nstk_cg_monitor_watch_procs(struct nstk_cg_monitor *m, const char *path);

/* CLOCK_REALTIME of the last sample, in seconds. */
double nstk_cg_monitor_time(const struct nstk_cg_monitor *m);
/* Seconds between the starts of the last two samples; NaN after the first. */
double nstk_cg_monitor_interval(const struct nstk_cg_monitor *m);

/*
 * One moment of a cgroup tree, as a consumer shows it: the monitor's last
 * sample, or one read back from a store (store.h). The rows and the
 * layout belong to whoever made the frame.
 */
struct nstk_cg_frame {
	const struct nstk_cg_stats *const *rows; /* parents before children, in path order */
	size_t n;
	double time;	  /* CLOCK_REALTIME of the sample, in seconds */
	double interval;  /* seconds since the sample before it; NaN when there is none */
	const struct nstk_cg_layout *layout;
	bool recorded;	  /* read back from a store, not live */
};

/* The monitor's last sample as a frame. */
void nstk_cg_monitor_frame(const struct nstk_cg_monitor *m, struct nstk_cg_frame *f);

/* ---- pure pieces, for tests ---- */

/*
 * Rates of now over prev (same cgroup, elapsed_us apart): fills the rate
 * fields of s from s->now and prev (NaN where a counter is missing on either
 * side or went backwards). prev NULL means fresh.
 */
void nstk_cg_compute_rates(struct nstk_cg_stats *s, const struct nstk_cg_counters *prev,
			   uint64_t elapsed_usec);

/*
 * Limits and shares of s from s->now and its ancestors (s->parent chain,
 * whose own limits are in their now): the effective values, own limits and
 * the pct_of fields.
 */
void nstk_cg_compute_limits(struct nstk_cg_stats *s);

/* A counters struct with every value absent (NSTK_CG_ABSENT / NaN). */
void nstk_cg_counters_clear(struct nstk_cg_counters *c);

#endif

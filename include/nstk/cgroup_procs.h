/*
 * cgroup_procs.h — the processes inside one cgroup, as cgtop -P and the
 * screen's process list show them: PID, effective uid, state, comm, CPU %
 * and resident memory.
 *
 * The one idea: a cgroup's processes are read only when someone asks for
 * that cgroup, and each process's CPU % is its ticks since the previous
 * read of the same cgroup. A table per cgroup keeps the last read, sorted
 * by PID; a process is "the same" when PID and start time (stat field 22)
 * both match, so a PID the kernel gave to another process starts afresh,
 * with no CPU % (NaN) on its first read, never a wrong one.
 *
 * Cost: a read is one read of cgroup.procs, then two small files per
 * process (/proc/PID/stat and /proc/PID/status), each opened, read and
 * closed: about 40 µs of CPU per process, nearly all in the kernel
 * (measured on a busy 2-core VM: 86 processes, 100 reads).
 */
#ifndef NSTK_CGROUP_PROCS_H
#define NSTK_CGROUP_PROCS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Bytes kept of a comm: 15 for a process, more for some kernel threads ("kworker/u8:2-events"). */
#define NSTK_CG_COMM_MAX 64

struct nstk_cg_proc {
	pid_t pid;
	uid_t uid;	 /* effective (what ps and top call USER) */
	char state;	 /* stat's: R, S, D, Z, T, t, I, ... */
	char comm[NSTK_CG_COMM_MAX]; /* NUL-terminated, cut to fit; the process chose these bytes */
	uint64_t cpu_ticks;   /* utime + stime, in sysconf(_SC_CLK_TCK) ticks */
	uint64_t start_ticks; /* start time, ticks after boot */
	uint64_t rss_bytes;   /* resident set (stat's rss pages times the page size) */
	double cpu_pct;	      /* 100 = one CPU busy, since the previous read; NaN on a first */
};

/* One cgroup's processes across reads. Zero it to start; nstk_cg_procs_free at the end. */
struct nstk_cg_procs {
	struct nstk_cg_proc *p; /* the last read, by PID */
	size_t n, cap;
	struct nstk_cg_proc *old; /* the read before, while the next one is made */
	size_t nold, cap_old;
	uint64_t usec;	/* CLOCK_MONOTONIC of the last read, 0 before the first */
	size_t skipped; /* of the last read: listed, but gone before their files were read */
	size_t denied;	/* of the last read: listed, but their files could not be read (hidepid=) */
};

/*
 * Read the processes of the cgroup whose directory is dirfd (v2, or one v1
 * hierarchy's), at now_usec (CLOCK_MONOTONIC). A process that exits while
 * it is read is skipped, not an error. Returns 0, -ENOENT when the cgroup
 * is gone, -ENOMEM, or the -errno of reading cgroup.procs.
 */
int nstk_cg_procs_read(struct nstk_cg_procs *t, int dirfd, uint64_t now_usec);

/* Forget the last read: the next one is a first (no CPU %). */
void nstk_cg_procs_forget(struct nstk_cg_procs *t);
void nstk_cg_procs_free(struct nstk_cg_procs *t);

/*
 * Pure, for tests: the CPU % of each of cur[0..n) from the same process in
 * prev[0..nprev) (both sorted by PID), elapsed_s apart, at clk_tck ticks a
 * second. NaN where the process is new, its start time differs, its ticks
 * went backwards, or elapsed_s is not positive.
 */
void nstk_cg_procs_rates(struct nstk_cg_proc *cur, size_t n, const struct nstk_cg_proc *prev, size_t nprev,
			 double elapsed_s, long clk_tck);

#endif

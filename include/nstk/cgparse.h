/*
 * cgparse.h — pure parsers of the cgroup files cgtop reads, v2 and v1: a
 * buffer and its length in, numbers or a struct out. No I/O, no allocation,
 * no reliance on a NUL terminator; every parser is unit-tested
 * (tests/unit/test_cgparse.c) and fuzzed (tests/fuzz/fuzz_cgparse.c).
 *
 * The one idea: every value a cgroup file can hold is a uint64_t, with two
 * sentinels above anything the kernel writes (the parsers refuse numbers
 * beyond INT64_MAX), so "unlimited" and "not there" travel through the
 * model as plain values and are never mistaken for 0:
 *
 *   NSTK_CG_UNLIMITED  "max" (v2), "-1" (a v1 quota), or v1's huge sentinel
 *                      (PAGE_COUNTER_MAX pages, 9223372036854771712 with 4 KiB
 *                      pages: anything at or above 2^62 counts)
 *   NSTK_CG_ABSENT     the file or key is not there (a controller not enabled,
 *                      the root cgroup, a kernel too old, a v1 hierarchy that
 *                      has no such file)
 *
 * Errors: -EINVAL for text the kernel does not write (a missing field, a
 * stray byte, a truncated line), -ERANGE for a number beyond INT64_MAX or one
 * out of the range the file allows (a negative count, a period of 0).
 *
 * Newlines: single-value files are accepted with or without their final
 * newline; multi-line files (cpu.stat, memory.stat, io.stat, pressure, ...)
 * must end with one, as the kernel writes them, so a read cut short in the
 * middle of a number is -EINVAL rather than a wrong value. An empty
 * multi-line file is valid and holds nothing (cpu.stat.local, io.stat of a
 * cgroup that did no I/O).
 */
#ifndef NSTK_CGPARSE_H
#define NSTK_CGPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define NSTK_CG_UNLIMITED UINT64_MAX
#define NSTK_CG_ABSENT (UINT64_MAX - 1)
/* v1 reports "no limit" as a number near 2^63; real limits stay far below. */
#define NSTK_CG_V1_UNLIMITED_MIN (UINT64_C(1) << 62)

/* True for a value that is a number (neither sentinel). */
static inline bool nstk_cg_is_value(uint64_t v) { return v < NSTK_CG_ABSENT; }

/*
 * One unsigned decimal, 0..INT64_MAX, and an optional final newline:
 * memory.current, memory.usage_in_bytes, pids.current, cpuacct.usage (ns),
 * cpu.cfs_period_us. A leading '-' is -ERANGE (a negative count).
 */
int nstk_cgparse_u64(const char *text, size_t len, uint64_t *value);

/*
 * A limit: "max" or "-1" -> NSTK_CG_UNLIMITED, a number at or above
 * NSTK_CG_V1_UNLIMITED_MIN -> NSTK_CG_UNLIMITED, else the number. For
 * memory.max, memory.high, memory.swap.max, pids.max, memory.limit_in_bytes,
 * memory.memsw.limit_in_bytes.
 */
int nstk_cgparse_limit(const char *text, size_t len, uint64_t *value);

/* v1 cpu.cfs_quota_us: "-1" -> NSTK_CG_UNLIMITED, else 1..INT64_MAX µs (0 is -ERANGE). */
int nstk_cgparse_cfs_quota(const char *text, size_t len, uint64_t *quota_usec);

/* v1 cpu.cfs_period_us: 1..INT64_MAX µs (0 is -ERANGE: it would divide by zero). */
int nstk_cgparse_cfs_period(const char *text, size_t len, uint64_t *period_usec);

/* v2 cpu.max: "$MAX $PERIOD", MAX a number or "max" (NSTK_CG_UNLIMITED). */
struct nstk_cg_cpu_max {
	uint64_t quota_usec;
	uint64_t period_usec;
};
int nstk_cgparse_cpu_max(const char *text, size_t len, struct nstk_cg_cpu_max *out);

/*
 * cpu.stat, v2 or v1, in µs whichever it is: v2 writes usage_usec,
 * user_usec, system_usec, and with the cpu controller nr_periods,
 * nr_throttled, throttled_usec, nr_bursts, burst_usec; v1 writes nr_periods,
 * nr_throttled, throttled_time and burst_time in ns (divided by 1000 here).
 * Keys not in the file are NSTK_CG_ABSENT; unknown keys are skipped.
 */
struct nstk_cg_cpu_stat {
	uint64_t usage_usec, user_usec, system_usec;
	uint64_t nr_periods, nr_throttled, throttled_usec;
	uint64_t nr_bursts, burst_usec;
};
int nstk_cgparse_cpu_stat(const char *text, size_t len, struct nstk_cg_cpu_stat *out);

/*
 * A flat-keyed file ("key value" lines, every value 0..INT64_MAX): sets
 * values[i] to the value of keys[i], or NSTK_CG_ABSENT when the file does
 * not have it. Every line is checked, not only the wanted ones. memory.stat,
 * memory.events, memory.oom_control, cpu.stat and cgroup.stat are all of
 * this shape.
 */
int nstk_cgparse_flat_keyed(const char *text, size_t len, const char *const *keys, size_t nkeys,
			    uint64_t *values);

/*
 * memory.stat looked up by key ("inactive_file", v1's "total_inactive_file"):
 * 0 and *value, -ENOENT when the key is not there, or the file's error. The
 * order of memory.stat's keys changes between kernels: never rely on it.
 */
int nstk_cgparse_memory_stat(const char *text, size_t len, const char *key, uint64_t *value);

/* v2 memory.events (or memory.events.local); absent keys NSTK_CG_ABSENT. */
struct nstk_cg_memory_events {
	uint64_t low, high, max, oom, oom_kill, oom_group_kill;
};
int nstk_cgparse_memory_events(const char *text, size_t len, struct nstk_cg_memory_events *out);

/* v1 memory.oom_control; oom_kill is NSTK_CG_ABSENT before Linux 4.13. */
struct nstk_cg_oom_control {
	uint64_t oom_kill_disable, under_oom, oom_kill;
};
int nstk_cgparse_oom_control(const char *text, size_t len, struct nstk_cg_oom_control *out);

/*
 * I/O bytes and operations summed over all devices. From v2 io.stat
 * ("MAJ:MIN rbytes= wbytes= rios= wios= dbytes= dios=" and any extra keys,
 * which are skipped) or v1 blkio.throttle.io_service_bytes[_recursive]
 * ("MAJ:MIN Read N", Write, Sync, Async, Discard, Total, and a last
 * "Total N"), which has bytes only: the ios there are NSTK_CG_ABSENT.
 * A sum beyond INT64_MAX is -ERANGE.
 */
struct nstk_cg_io {
	uint64_t rbytes, wbytes, dbytes;
	uint64_t rios, wios, dios;
	unsigned ndevices;
};
int nstk_cgparse_io_stat(const char *text, size_t len, struct nstk_cg_io *out);
int nstk_cgparse_blkio_bytes(const char *text, size_t len, struct nstk_cg_io *out);

/*
 * A pressure file ({cpu,memory,io}.pressure):
 *   some avg10=0.12 avg60=0.05 avg300=0.00 total=123456
 *   full avg10=...
 * avgs are percentages (the kernel writes two decimals), total is µs. The
 * "full" line is optional (older kernels' system-wide cpu.pressure).
 */
struct nstk_cg_psi_line {
	double avg10, avg60, avg300;
	uint64_t total_usec;
};
struct nstk_cg_pressure {
	struct nstk_cg_psi_line some, full;
	bool has_full;
};
int nstk_cgparse_pressure(const char *text, size_t len, struct nstk_cg_pressure *out);

/*
 * A CPU list (cpuset.cpus.effective, v1 cpuset.effective_cpus): "0-4,6" ->
 * 6. Ranges must ascend without overlap, as the kernel prints them; CPU
 * numbers above NSTK_CG_MAX_CPU are -ERANGE. An empty list is 0 CPUs.
 */
#define NSTK_CG_MAX_CPU (1u << 20)
int nstk_cgparse_cpuset_count(const char *text, size_t len, uint64_t *count);

/*
 * The next process of cgroup.procs (one PID a line, v2 and v1) at *pos:
 * returns 1 and *pid, 0 at the end, -EINVAL for a line that is not a PID
 * up to INT_MAX or the last line cut short. A *pid of 0 is a process the
 * reader's pid namespace cannot see (cgroup2 lists it so); skip it. A
 * walk from *pos = 0 needs no allocation, however many processes there are.
 */
int nstk_cgparse_next_pid(const char *text, size_t len, size_t *pos, pid_t *pid);

#endif

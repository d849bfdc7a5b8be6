/*
 * parse.h — pure parsers of the kernel's text formats: a buffer and its
 * length in, a struct or a number out, -EINVAL (or -ERANGE) when the text is
 * not what the kernel writes. No I/O, no allocation, no reliance on a NUL
 * terminator: every parser here is fuzzed (tests/fuzz) and unit-tested.
 */
#ifndef NSTK_PARSE_H
#define NSTK_PARSE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "nstk/span.h"


/* An unsigned decimal with no sign, no blanks, no trailing bytes. */
int nstk_parse_u64(const char *text, size_t len, uint64_t *value);

/* A process id as a user types it: decimal, 1..INT_MAX. */
int nstk_parse_pid(const char *text, size_t len, pid_t *pid);

/*
 * One line of /proc/PID/mountinfo, split into the fields nstk uses. Every
 * string points into the caller's buffer and is still octal-escaped as the
 * kernel writes it (space as \040, newline as \012, backslash as \134):
 * unescape with nstk_unescape_octal() where a real path is needed.
 */
struct nstk_mountinfo_line {
	uint32_t mount_id, parent_id;
	const char *root;
	size_t root_len;
	const char *mount_point;
	size_t mount_point_len;
	const char *fstype;
	size_t fstype_len;
	const char *source;
	size_t source_len;
	const char *super_options;
	size_t super_options_len;
};

/* Parse one line (without its newline). Returns 0 or -EINVAL. */
int nstk_parse_mountinfo_line(const char *line, size_t len, struct nstk_mountinfo_line *out);

/*
 * Undo the kernel's \ooo escapes of mountinfo fields into out (NUL
 * terminated). Returns the unescaped length, or -ENAMETOOLONG when out is too
 * small. A backslash not followed by three octal digits is kept as it is.
 */
ssize_t nstk_unescape_octal(const char *in, size_t len, char *out, size_t out_size);

/* One line of a uid_map or gid_map: "inside outside count". */
struct nstk_id_range {
	uint32_t inside, outside, count;
};

/* All lines of a uid_map/gid_map (at most max). Returns 0 or -EINVAL. */
int nstk_parse_id_map(const char *text, size_t len, struct nstk_id_range *ranges, size_t max,
		      size_t *n);

/* /proc/PID/timens_offsets: "monotonic SEC NSEC" and "boottime SEC NSEC". */
struct nstk_time_offsets {
	int64_t monotonic_sec, monotonic_nsec;
	int64_t boottime_sec, boottime_nsec;
};
int nstk_parse_timens_offsets(const char *text, size_t len, struct nstk_time_offsets *out);

/*
 * The NSpid line of /proc/PID/status: the PID in each pid namespace, from
 * the reader's outward-most down to the process's own. Returns 0 or -EINVAL.
 */
int nstk_parse_status_nspid(const char *text, size_t len, pid_t *pids, size_t max, size_t *n);
/* The Tgid line of /proc/PID/status: the process a thread belongs to. 0, or
 * -EINVAL (no such line, not a number) or -ERANGE (0, past INT_MAX). */
int nstk_parse_status_tgid(const char *text, size_t len, pid_t *tgid);

/*
 * An overlayfs mount's super options (from mountinfo): lowerdir entries
 * (':'-separated, "::" before data-only layers), upperdir, workdir. Slices
 * point into opts and are still octal-escaped. Returns 0, or -EINVAL when
 * there is no lowerdir.
 */
struct nstk_overlay_layers {
	struct nstk_span lower[128];
	size_t n_lower;
	struct nstk_span upper, work;
};
int nstk_parse_overlay_options(const char *opts, size_t len, struct nstk_overlay_layers *out);

/*
 * One line of /proc/PID/cgroup, "hierarchy-id:controllers:path" (v2: "0::/x").
 * Returns 0 or -EINVAL; slices point into line.
 */
struct nstk_cgroup_line {
	uint32_t hierarchy;
	struct nstk_span controllers, path;
};
int nstk_parse_cgroup_line(const char *line, size_t len, struct nstk_cgroup_line *out);

/*
 * The fields nstk uses of /proc/PID/stat: "pid (comm) state ppid ... flags
 * ... utime stime ... starttime vsize rss ...". The comm may hold spaces and
 * ")", so it runs from the first "(" to the last ")" and the fields are
 * counted from there. Fields 3 to 24 must be there (every kernel since 2.6
 * writes 52). Returns 0 or -EINVAL.
 */
struct nstk_proc_stat {
	struct nstk_span comm; /* into the text, as the kernel wrote it: any bytes but NUL */
	char state;
	pid_t ppid;
	uint64_t flags;	       /* PF_* (PF_KTHREAD 0x00200000: a kernel thread) */
	uint64_t utime, stime; /* clock ticks (sysconf(_SC_CLK_TCK)) in user and kernel mode */
	uint64_t starttime;    /* clock ticks after boot */
	uint64_t rss;	       /* resident pages (file, anon and shmem), as top's RES */
};
int nstk_parse_proc_stat(const char *text, size_t len, struct nstk_proc_stat *out);

/*
 * The Uid line of /proc/PID/status: "Uid:\treal\teffective\tsaved\tfs".
 * uids[] gets the four in that order. Returns 0 or -EINVAL (no such line,
 * fewer than four numbers, one past UINT32_MAX - 1, which is no uid).
 */
int nstk_parse_status_uids(const char *text, size_t len, uid_t uids[4]);

#endif

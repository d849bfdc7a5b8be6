/*
 * cgtop.h — what the parts of cgtop share: the options, the fields (one
 * table naming every value a cgroup row has, in its JSON spelling, which
 * JSON, --check, --sort and the text columns all read), and the renderers.
 *
 * The interactive screen (tui.h) gets the parsed options, opens the monitor
 * its columns need, and uses the same fields and cell text as batch mode,
 * so the two never disagree about a number.
 */
#ifndef CGTOP_H
#define CGTOP_H

/* What tools/tool.h's messages start with, for every file of the tool. */
#define TOOL_NAME "cgtop"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>

#include "nstk/cgroup.h"
#include "nstk/filter.h"
#include "nstk/out.h"

#define CGTOP_MAX_CHECKS 32
#define CGTOP_MAX_GLOBS 32
/* Room for every field (fields.c checks it at compile time). */
#define CGTOP_MAX_FIELDS 64

enum cgtop_mode { CGTOP_TEXT, CGTOP_JSON, CGTOP_PROMETHEUS };

/* A --check matched: distinct from 1, a failure of cgtop itself. */
#define EXIT_CHECK_MATCHED 3

struct cgtop_options {
	enum cgtop_mode mode;
	bool batch;		 /* -b */
	long iterations;	 /* -n; < 0 until interrupted (-n 0) */
	bool prime;		 /* one unprinted sample first, so one table has rates */
	double delay_s;		 /* -d */
	const char *output_file; /* -o, with --prometheus */
	const char *root;	 /* --root */
	const char *subtree;	 /* PATH */
	int depth;		 /* --depth; < 0 for all */
	const char *sort;	 /* --sort KEY as given */
	int sort_field;		 /* index into cgtop_fields, or -1 for tree (path) order */
	const char *globs[CGTOP_MAX_GLOBS];
	size_t nglobs;
	const char *checks[CGTOP_MAX_CHECKS];
	struct nstk_filter *filters[CGTOP_MAX_CHECKS];
	size_t nchecks;
	bool utf8; /* the locale can show ∞ */

	/* cgtop's memory (history.c) */
	bool record;		  /* cgtop record */
	const char *store;	  /* --store; CGTOP_DEFAULT_STORE for record, --at, --since */
	bool at_given, since_given, until_given;
	int64_t at_s, since_s, until_s; /* seconds since the epoch */
	int64_t retain_s;	  /* --retain (record) */
	uint64_t max_bytes;	  /* --max-size (record); 0: no limit */
	bool processes; /* -P: each cgroup's processes in batch text and JSON */
};

#define CGTOP_DEFAULT_STORE "/var/lib/nstk/cgtop.db"
#define CGTOP_RECORD_DELAY_S 5.0
#define CGTOP_RECORD_RETAIN_S (7 * 86400)

/*
 * cgtop record: sample like -b and append each sample to the store until
 * stopped (SIGTERM, SIGINT) or -n samples; an exit status.
 */
int cgtop_record(const struct cgtop_options *o);
/* --since [--until], or --at in batch: the recorded samples in the chosen mode; an exit status. */
int cgtop_replay(const struct cgtop_options *o);
/* The one line for a store that cannot be used (r from nstk_store_*); EXIT_FAILURE. */
int cgtop_store_error(const char *path, int r);

/* Prometheus text for many recorded moments (prometheus.c). */
struct cgtop_prometheus_acc;
struct cgtop_prometheus_acc *cgtop_prometheus_acc_new(void);
int cgtop_prometheus_acc_add(struct cgtop_prometheus_acc *a, const struct nstk_cg_frame *f);
/* To output_file atomically, or stdout when NULL; the accumulator is spent. */
int cgtop_prometheus_acc_write(struct cgtop_prometheus_acc *a, const char *output_file);
void cgtop_prometheus_acc_free(struct cgtop_prometheus_acc *a);

/* ---- fields ---- */

enum cgtop_field_kind {
	CGTOP_F_PATH,	   /* const char *, never null */
	CGTOP_F_CONTAINER, /* const struct nstk_container *: an object in JSON, a label elsewhere */
	CGTOP_F_COUNT,	   /* uint64_t with the cgparse sentinels */
	CGTOP_F_BYTES,	   /* the same, in bytes */
	CGTOP_F_PCT,	   /* double, NaN unknown */
	CGTOP_F_CORES,	   /* double, INFINITY unlimited */
	CGTOP_F_RATE,	   /* double per second (s/s) */
	CGTOP_F_BYTES_RATE, /* double bytes per second, an integer in JSON */
	CGTOP_F_FROM,	   /* const char *, NULL when no cgroup sets the limit */
};

struct cgtop_field {
	const char *name; /* "memory.pct_of_max": the JSON path, the --check and --sort name */
	enum cgtop_field_kind kind;
	unsigned reads;	  /* enum nstk_cg_read */
	size_t offset;	  /* into struct nstk_cg_stats */
	const char *help; /* one line for the man page and --help */
};

extern const struct cgtop_field cgtop_fields[];
extern const size_t cgtop_nfields;

/* The field called name (or a short --sort alias: cpu, memory, io, tasks, path), or -1. */
int cgtop_field_find(const char *name);

/* A field's value in a row, as the filter module takes cells: numbers as
 * U64 or decimal text, unlimited and unknown as null. Strings point into
 * the row or into buf. */
void cgtop_field_value(const struct cgtop_field *f, const struct nstk_cg_stats *s,
		       struct nstk_value *v, char *buf, size_t size);

/* For sorting: the value as a double, NaN when it has none (unlimited is +inf). */
double cgtop_field_number(const struct cgtop_field *f, const struct nstk_cg_stats *s);

/* ---- rows ---- */

/* The rows of the last sample that the options show, in their order (malloc'd). */
int cgtop_rows(const struct cgtop_options *o, const struct nstk_cg_frame *f,
	       const struct nstk_cg_stats ***rows, size_t *n);

/* Whether s matches one of the --check expressions (all do when there are none). */
bool cgtop_check_matches(const struct cgtop_options *o, const struct nstk_cg_stats *s);

/* ---- columns (columns.c): the text table's and the screen's ---- */

/* How a cell shows a value: the strings of the text table and the screen. */
enum cgtop_cell_format {
	CGTOP_CELL_PLAIN,	 /* the field as it is: a path, a container label, a count */
	CGTOP_CELL_PCT,		 /* "12.3" */
	CGTOP_CELL_BYTES,	 /* binary units: "812B", "1.5K", "64.0M" */
	CGTOP_CELL_LIMIT_BYTES,	 /* "64.0M", "∞" ("max" outside UTF-8), "128.0M@/parent" */
	CGTOP_CELL_LIMIT_CORES,	 /* "0.50", "∞", "0.50@/parent" */
	CGTOP_CELL_LIMIT_COUNT,	 /* "40", "∞", "40@/parent" */
	CGTOP_CELL_OOM,		 /* "3", or "3(+1)" with memory.oom_kills_delta */
	CGTOP_CELL_TREND,	 /* a sparkline of the last samples (the screen fills it); alone, one glyph */
};

/*
 * The text of one cell: field (an index into cgtop_fields) of s in format,
 * "-" when it has no value. A limit set by another cgroup is followed by "@"
 * and that cgroup's path, read from the field from (a CGTOP_F_FROM index, or
 * -1 for none).
 */
void cgtop_cell_text(const struct cgtop_options *o, int field, int from, enum cgtop_cell_format format,
		     const struct nstk_cg_stats *s, char *buf, size_t size);

/* 1536 -> "1.5K", 812 -> "812B": binary units, as lsblk and free -h. */
void cgtop_human_bytes(double v, char *buf, size_t size);

/* Every column either table shows; each table lists the ones it shows, in its order. */
enum cgtop_column_id {
	CGTOP_COL_PATH,
	CGTOP_COL_CONTAINER,
	CGTOP_COL_TASKS,
	CGTOP_COL_CPU,
	CGTOP_COL_CPULIM,
	CGTOP_COL_CLIM,
	CGTOP_COL_THR,
	CGTOP_COL_MEM,
	CGTOP_COL_MEMMAX,
	CGTOP_COL_PCT_MAX,
	CGTOP_COL_OOMK,
	CGTOP_COL_PIDSMAX,
	CGTOP_COL_IOR,
	CGTOP_COL_IOW,
	CGTOP_COL_PSI_CPU,
	CGTOP_COL_PSI_MEMORY,
	CGTOP_COL_PSI_IO,
	CGTOP_COL_CPU_TREND,
	CGTOP_COL_MEM_TREND,
	CGTOP_NCOLUMNS
};

struct cgtop_column {
	struct nstk_out_column out; /* title, help, and the text table's width hint and alignment */
	const char *field;	    /* its value, a cgtop_fields name */
	const char *from;	    /* for a limit: the field naming the cgroup that sets it, or NULL */
	enum cgtop_cell_format format;
	int screen_cap; /* the screen: widest the column gets, longer text is cut; 0: the rest of the line */
	/* The screen: on a narrow one the highest goes first; 0: never. Pressure
	 * and I/O go before the limits, and OOM kills last of all: a tool about
	 * limits keeps what says a limit was hit. */
	int screen_drop;
};

extern const struct cgtop_column cgtop_columns[CGTOP_NCOLUMNS];

/* A column's field and from field as indexes into cgtop_fields (from: -1 for none). */
int cgtop_column_field(enum cgtop_column_id c);
int cgtop_column_from(enum cgtop_column_id c);

/* ---- renderers (output.c, prometheus.c) ---- */

/* The text columns, one line each, for --help; what they need read. */
void cgtop_text_columns_help(FILE *f);
unsigned cgtop_text_reads(void);

/* One table of rows, libsmartcols text, no escape codes. */
int cgtop_render_text(const struct cgtop_options *o, const struct nstk_cg_stats *const *rows, size_t n,
		      char **text);

/* One NDJSON line's object: {"schema":1, "time", "interval_s", "layout", "cgroups":[...]}. */
int cgtop_render_json(const struct cgtop_options *o, const struct nstk_cg_frame *f,
		      const struct nstk_cg_stats *const *rows, size_t n, json_t **doc);

/* The Prometheus text exposition of rows. */
int cgtop_render_prometheus(const struct nstk_cg_frame *f, const struct nstk_cg_stats *const *rows,
			    size_t n, FILE *out);

/* ---- processes (procs.c): -P's table, its JSON, the screen's list ---- */

/* A process's columns, in the order both tables show them; the command last. */
enum cgtop_proc_column {
	CGTOP_PCOL_PID,
	CGTOP_PCOL_USER,
	CGTOP_PCOL_STATE,
	CGTOP_PCOL_CPU,
	CGTOP_PCOL_RSS,
	CGTOP_PCOL_COMMAND,
	CGTOP_NPCOLUMNS
};
extern const struct nstk_out_column cgtop_proc_columns[CGTOP_NPCOLUMNS];

/* The text of one cell of p: "-" for a CPU % not known yet. */
void cgtop_proc_cell(const struct nstk_cg_proc *p, enum cgtop_proc_column c, char *buf, size_t size);

/* uid's user name (getpwuid_r, remembered), or NULL when it has none. */
const char *cgtop_user_name(uid_t uid, char *buf, size_t size);

/* The "processes" array of a cgroup's JSON object: {pid, user, uid, command, cpu_pct, rss, state}. */
json_t *cgtop_procs_json(const struct nstk_cg_stats *s);

/* ---- the monitor (monitor.c) ---- */

/* A monitor of o's tree (its root, subtree and --filter globs), depth levels
 * below the top (< 0: all), reading reads (enum nstk_cg_read). */
/*
 * One frame's output in the chosen mode (text, NDJSON, Prometheus to stdout
 * or -o): 0 once it is out, or -errno when stdout took it not (a full
 * disk). first: the first printed (no blank line before it); last: the
 * last (--check looks at it only).
 */
int cgtop_emit(const struct cgtop_options *o, const struct nstk_cg_frame *f, bool first, bool last);

/* Set by SIGINT and SIGTERM: every loop ends at its next look. */
extern volatile sig_atomic_t cgtop_interrupted;
/* A CLOCK_MONOTONIC deadline moved on by seconds, and a sleep until it (or a signal). */
void cgtop_deadline_add(struct timespec *t, double seconds);
void cgtop_sleep_until(const struct timespec *deadline);

/* The cgroups the options name (root, path, --filter) to depth: for a monitor or a replay. */
struct nstk_cg_monitor_options cgtop_tree_options(const struct cgtop_options *o, int depth);

int cgtop_monitor_open(const struct cgtop_options *o, int depth, unsigned reads, struct nstk_cg_monitor **m);

/*
 * Say on stderr why a monitor of o's tree could not be opened (r, a
 * -errno from nstk_cg_monitor_new) and return the exit status for it: the
 * one message for batch mode and the screen.
 */
int cgtop_monitor_error(const struct cgtop_options *o, int r);

/* The same for a sample that failed (r from nstk_cg_monitor_sample):
 * "is gone" for -ENOENT. Returns EXIT_FAILURE. */
int cgtop_sample_error(const struct cgtop_options *o, int r);

#endif

/*
 * store_internal.h — private to lib/store: the open store, the field list
 * the schema numbers, and the SQLite result codes as -errno.
 */
#ifndef NSTK_STORE_INTERNAL_H
#define NSTK_STORE_INTERNAL_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "nstk/hash.h"
#include "nstk/store.h"

/* Samples between keyframes is time, not a count: a keyframe every this. */
#define STORE_KEYFRAME_US (600 * 1000000LL)

/* Every counter of struct nstk_cg_counters, in NSTK_CG_COUNTERS's order, then unreadable. */
enum store_field_type { STORE_COUNT, STORE_AVG };
struct store_field {
	const char *name;
	enum store_field_type type;
	size_t offset; /* into struct nstk_cg_counters */
};
extern const struct store_field store_fields[];
extern const size_t store_nfields;

/* One incarnation of a cgroup the writer has seen in this run. */
struct store_cgroup {
	int64_t id;
	char *path;
	uint64_t ino;
	bool seen;	     /* in the sample being written */
	bool listed;	     /* the store says so (an ancestor first seen only for its limits is not) */
	bool have_last;	     /* last[] holds what the store has for it */
	struct nstk_cg_counters last;
};

struct nstk_store {
	sqlite3 *db;
	bool writer;
	/* the writer's state */
	int64_t last_sample, last_keyframe_us;
	bool keyframe_due;
	bool run_started; /* this run's first sample is in */
	struct store_cgroup *cgroups;
	size_t n_cgroups, cap_cgroups;
	struct nstk_hash by_path; /* path -> cgroups[] index + 1 */
	sqlite3_stmt *ins_sample, *ins_value, *ins_cgroup, *ins_event, *end_cgroup;
};

/* SQLite's result code as -errno (see nstk_store_open's list). */
int store_errno(int rc);
/* Run SQL with no result rows: 0 or -errno. */
int store_exec(struct nstk_store *s, const char *sql);
/* One integer from a query with one row, or -errno (-ENOENT for no row). */
int store_query_int(struct nstk_store *s, const char *sql, int64_t *v);

/* The counter of field f in c as an SQLite value bound at index i. */
int store_bind_value(sqlite3_stmt *st, int i, const struct nstk_cg_counters *c, size_t f);
/* Whether field f differs between a and b (absent and present differ). */
bool store_value_differs(const struct nstk_cg_counters *a, const struct nstk_cg_counters *b, size_t f);
/* Set field f of c from column col of st (NULL: absent). */
void store_column_value(sqlite3_stmt *st, int col, struct nstk_cg_counters *c, size_t f);

#endif

/*
 * store_replay.c — reading a store back as frames (see store.h).
 *
 * The one idea: a moment is rebuilt, not stored. The cursor starts at the
 * keyframe at or before the sample asked for, applies the changes of every
 * sample up to it in order, keeping the state of the sample before as
 * "previous", and then derives the frame with the same code as a live
 * sample (nstk_cg_compute_rates, nstk_cg_compute_limits), so a recorded
 * moment and a live one can never disagree about how a number is made.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nstk/container.h"
#include "nstk/util.h"
#include "store_internal.h"

struct replay_cgroup {
	int64_t id, appeared, vanished; /* vanished: INT64_MAX while alive */
	char *path;
	uint64_t ino;
	bool listed;
	bool relevant; /* in the subtree asked for, or one of its ancestors: the rest is never derived */
	bool has_container;
	struct nstk_container container;
	bool have_cur;
	struct nstk_cg_counters cur, prev;
	struct nstk_cg_stats stats;
};

struct nstk_store_replay {
	struct nstk_store *store;
	struct nstk_cg_monitor_options filter;
	size_t subtree_len; /* 1 for "/" */
	struct replay_cgroup *cg;
	size_t n_cg, cap_cg;
	int64_t max_id;		 /* the highest cgroup id loaded */
	struct nstk_hash by_id;	 /* cgroup id -> cg[] index */
	int64_t sample, prev_sample; /* ids; 0 when none */
	int64_t time_us, interval_us; /* interval_us < 0 when NULL */
	const struct nstk_cg_stats **rows;
	size_t n_rows, cap_rows;
	struct nstk_cg_stats **alive; /* scratch: the alive cgroups' stats, path order */
	size_t cap_alive;
	size_t *order;		/* the relevant cgroups, in path order (rebuilt as cgroups are loaded) */
	size_t n_order, cap_order, ordered; /* ordered: how many of cg[] order has seen */
	struct nstk_cg_layout layout;
	sqlite3_stmt *values, *next, *prev, *at_time, *keyframe, *one;
	sqlite3_stmt *span_ids, *values_of; /* the few-cgroups path of apply() */
	sqlite3_stmt *vanished;		    /* vanish events of a span */
};

static int prepare(struct nstk_store_replay *r, sqlite3_stmt **st, const char *sql)
{
	return store_errno(sqlite3_prepare_v2(r->store->db, sql, -1, st, NULL));
}

/* Whether path is in the subtree asked for, or above it (its limits count). */
static bool is_relevant(const struct nstk_store_replay *r, const char *path)
{
	const char *top = r->filter.subtree ? r->filter.subtree : "/";
	size_t len = strlen(path), top_len = strlen(top);
	if (strcmp(top, "/") == 0 || strcmp(path, "/") == 0)
		return true;
	if (strncmp(path, top, top_len) == 0 && (path[top_len] == '\0' || path[top_len] == '/'))
		return true;
	return strncmp(top, path, len) == 0 && top[len] == '/';
}

/* Cgroups recorded since the last look (the recorder may be writing). */
static int load_cgroups(struct nstk_store_replay *r)
{
	sqlite3_stmt *st;
	int rc = prepare(r, &st,
			 "SELECT id, path, ino, listed, container_name, appeared, vanished FROM cgroup"
			 " WHERE id > ? ORDER BY id;");
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, r->max_id);
	int res = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (NSTK_GROW(r->cg, r->cap_cg, r->n_cg) < 0) {
			res = -ENOMEM;
			break;
		}
		struct replay_cgroup *c = &r->cg[r->n_cg];
		const char *path = (const char *)sqlite3_column_text(st, 1);
		*c = (struct replay_cgroup){
			.id = sqlite3_column_int64(st, 0),
			.path = strdup(path && path[0] == '/' ? path : "/"),
			.ino = (uint64_t)sqlite3_column_int64(st, 2),
			.listed = sqlite3_column_int(st, 3) != 0,
			.appeared = sqlite3_column_int64(st, 5),
			.vanished = sqlite3_column_type(st, 6) == SQLITE_NULL ? INT64_MAX : sqlite3_column_int64(st, 6),
		};
		if (!c->path || nstk_hash_put(&r->by_id, (uint64_t)c->id, (uint32_t)r->n_cg) < 0) {
			free(c->path);
			res = -ENOMEM;
			break;
		}
		c->relevant = is_relevant(r, c->path);
		c->has_container = nstk_container_from_cgroup(c->path, strlen(c->path), &c->container) == 1;
		const char *name = (const char *)sqlite3_column_text(st, 4);
		if (c->has_container && name)
			snprintf(c->container.name, sizeof(c->container.name), "%s", name);
		nstk_cg_counters_clear(&c->cur);
		nstk_cg_counters_clear(&c->prev);
		if (c->id > r->max_id)
			r->max_id = c->id;
		r->n_cg++;
	}
	if (res == 0 && rc != SQLITE_DONE)
		res = store_errno(rc);
	sqlite3_finalize(st);
	return res;
}

/* Vanished times change while a recorder runs: read them again. */
/* The rows (cgroup id, the sample it vanished at) of st, onto the loaded cgroups. */
static int set_vanished(struct nstk_store_replay *r, sqlite3_stmt *st)
{
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		uint32_t i;
		if (nstk_hash_get(&r->by_id, (uint64_t)sqlite3_column_int64(st, 0), &i))
			r->cg[i].vanished = sqlite3_column_int64(st, 1);
	}
	return rc == SQLITE_DONE ? 0 : store_errno(rc);
}

static int reload_vanished(struct nstk_store_replay *r)
{
	sqlite3_stmt *st;
	int rc = prepare(r, &st, "SELECT id, vanished FROM cgroup WHERE vanished IS NOT NULL;");
	if (rc < 0)
		return rc;
	rc = set_vanished(r, st);
	sqlite3_finalize(st);
	return rc;
}

/* Stepping on from sample `from` to `to`: only the cgroups that vanished in between (event_sample). */
static int vanished_between(struct nstk_store_replay *r, int64_t from, int64_t to)
{
	sqlite3_stmt *st = r->vanished;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	int rc = set_vanished(r, st);
	sqlite3_reset(st);
	return rc;
}

static struct replay_cgroup *cgroup_by_id(struct nstk_store_replay *r, int64_t id)
{
	uint32_t i;
	if (!nstk_hash_get(&r->by_id, (uint64_t)id, &i)) {
		if (load_cgroups(r) < 0 || !nstk_hash_get(&r->by_id, (uint64_t)id, &i))
			return NULL;
	}
	return &r->cg[i];
}

/* One sample id from a prepared query with one int64 parameter; 0 when none. */
static int one_id(sqlite3_stmt *st, int64_t arg, int64_t *id)
{
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, arg);
	int rc = sqlite3_step(st);
	*id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store_errno(rc);
}

/* Apply the changes of samples (from, to], or [from, to] when inclusive; prev taken before `to`'s. */
static int update_order(struct nstk_store_replay *r);

/* The state before the sample being applied: only the cgroups a frame derives need it. */
static void take_prev(struct nstk_store_replay *r)
{
	for (size_t k = 0; k < r->n_order; k++)
		r->cg[r->order[k]].prev = r->cg[r->order[k]].cur;
}

/*
 * apply() for a subtree of a few cgroups in a big store: the rows of each
 * sample and relevant cgroup are found by the primary key (sample, cgroup),
 * instead of reading every row of the span and dropping most of them.
 */
static int apply_few(struct nstk_store_replay *r, int64_t first, int64_t to)
{
	sqlite3_stmt *ids = r->span_ids, *st = r->values_of;
	sqlite3_reset(ids);
	sqlite3_bind_int64(ids, 1, first);
	sqlite3_bind_int64(ids, 2, to);
	bool prev_taken = false;
	int rc;
	while ((rc = sqlite3_step(ids)) == SQLITE_ROW) {
		int64_t sample = sqlite3_column_int64(ids, 0);
		if (sample == to) {
			take_prev(r);
			prev_taken = true;
		}
		for (size_t k = 0; k < r->n_order; k++) {
			struct replay_cgroup *c = &r->cg[r->order[k]];
			if (c->appeared > sample || c->vanished <= sample)
				continue;
			sqlite3_reset(st);
			sqlite3_bind_int64(st, 1, sample);
			sqlite3_bind_int64(st, 2, c->id);
			while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
				int64_t field = sqlite3_column_int64(st, 0);
				if (field < 1 || (size_t)field > store_nfields)
					continue;
				store_column_value(st, 1, &c->cur, (size_t)field - 1);
				c->have_cur = true;
			}
			if (rc != SQLITE_DONE) {
				sqlite3_reset(ids);
				return store_errno(rc);
			}
		}
	}
	sqlite3_reset(ids);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_errno(rc);
	if (!prev_taken)
		take_prev(r);
	return 0;
}

static int apply(struct nstk_store_replay *r, int64_t from, int64_t to, bool inclusive)
{
	if (update_order(r) < 0)
		return -ENOMEM;
	if (r->n_order <= 64 && r->n_order * 4 < r->n_cg)
		return apply_few(r, inclusive ? from : from + 1, to);
	sqlite3_stmt *st = r->values;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, inclusive ? from : from + 1);
	sqlite3_bind_int64(st, 2, to);
	bool prev_taken = false;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t sample = sqlite3_column_int64(st, 0);
		if (sample == to && !prev_taken) {
			take_prev(r);
			prev_taken = true;
		}
		int64_t field = sqlite3_column_int64(st, 2);
		struct replay_cgroup *c = cgroup_by_id(r, sqlite3_column_int64(st, 1));
		if (!c || !c->relevant || field < 1 || (size_t)field > store_nfields)
			continue; /* a cgroup trimmed away or not asked for, or a field of a newer build */
		store_column_value(st, 3, &c->cur, (size_t)field - 1);
		c->have_cur = true;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_errno(rc);
	if (!prev_taken)
		take_prev(r);
	return 0;
}

static int read_sample_row(struct nstk_store_replay *r, int64_t id)
{
	sqlite3_stmt *st = r->one;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		r->time_us = sqlite3_column_int64(st, 0);
		r->interval_us = sqlite3_column_type(st, 1) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? -ENOENT : store_errno(rc);
}

static bool alive_at(const struct replay_cgroup *c, int64_t sample)
{
	return sample && c->appeared <= sample && c->vanished > sample;
}

static int cmp_path(const void *a, const void *b)
{
	return strcmp((*(struct nstk_cg_stats *const *)a)->path, (*(struct nstk_cg_stats *const *)b)->path);
}

static struct nstk_cg_stats *find_alive(struct nstk_cg_stats **alive, size_t n, const char *path)
{
	struct nstk_cg_stats key = { .path = path }, *k = &key;
	struct nstk_cg_stats **hit = bsearch(&k, alive, n, sizeof(*alive), cmp_path);
	return hit ? *hit : NULL;
}

static bool shown(const struct nstk_store_replay *r, const struct replay_cgroup *c, unsigned depth)
{
	const struct nstk_cg_monitor_options *o = &r->filter;
	if (!c->listed || (o->max_depth >= 0 && depth > (unsigned)o->max_depth))
		return false;
	if (o->nglobs == 0)
		return true;
	for (size_t i = 0; i < o->nglobs; i++)
		if (fnmatch(o->globs[i], c->path, 0) == 0 ||
		    (c->has_container && nstk_container_glob_matches(&c->container, o->globs[i])))
			return true;
	return false;
}

/* The frame of the current sample, from the cgroups' cur and prev. */
static int cmp_cgroup_path(const void *a, const void *b, void *arg)
{
	const struct replay_cgroup *cg = arg;
	return strcmp(cg[*(const size_t *)a].path, cg[*(const size_t *)b].path);
}

/* The relevant cgroups in path order, sorted again only when new ones were loaded. */
static int update_order(struct nstk_store_replay *r)
{
	if (r->ordered == r->n_cg)
		return 0;
	for (; r->ordered < r->n_cg; r->ordered++) {
		if (!r->cg[r->ordered].relevant)
			continue;
		if (NSTK_GROW(r->order, r->cap_order, r->n_order) < 0)
			return -ENOMEM;
		r->order[r->n_order++] = r->ordered;
	}
	qsort_r(r->order, r->n_order, sizeof(*r->order), cmp_cgroup_path, r->cg);
	return 0;
}

static int build_frame(struct nstk_store_replay *r)
{
	size_t n = 0;
	if (update_order(r) < 0 || NSTK_GROW(r->alive, r->cap_alive, r->n_cg) < 0 ||
	    NSTK_GROW(r->rows, r->cap_rows, r->n_cg) < 0)
		return -ENOMEM;
	for (size_t k = 0; k < r->n_order; k++) {
		struct replay_cgroup *c = &r->cg[r->order[k]];
		if (!alive_at(c, r->sample) || !c->have_cur)
			continue;
		const char *slash = strrchr(c->path, '/');
		c->stats = (struct nstk_cg_stats){
			.path = c->path,
			.name = c->path[1] ? slash + 1 : c->path,
			.container = c->has_container ? &c->container : NULL,
			.ino = c->ino,
			.now = c->cur,
		};
		r->alive[n++] = &c->stats;
	}
	r->n_rows = 0;
	const char *top = r->filter.subtree ? r->filter.subtree : "/";
	for (size_t i = 0; i < n; i++) {
		struct nstk_cg_stats *s = r->alive[i];
		struct replay_cgroup *c = (struct replay_cgroup *)((char *)s - offsetof(struct replay_cgroup, stats));
		/* The parent: the nearest recorded ancestor. */
		char up[4096];
		snprintf(up, sizeof(up), "%s", s->path);
		while (!s->parent && strcmp(up, "/") != 0) {
			char *cut = strrchr(up, '/');
			cut[cut == up ? 1 : 0] = '\0';
			s->parent = find_alive(r->alive, n, up);
		}
		bool fresh = c->appeared > r->prev_sample || !r->prev_sample || r->interval_us < 0;
		nstk_cg_compute_rates(s, fresh ? NULL : &c->prev, fresh ? 0 : (uint64_t)r->interval_us);
		nstk_cg_compute_limits(s);
		/* In the subtree asked for, and how deep below its top: one level per '/'. */
		bool root = strcmp(top, "/") == 0;
		size_t len = root ? 0 : strlen(top);
		if (!root && (strncmp(s->path, top, len) != 0 || (s->path[len] && s->path[len] != '/')))
			continue;
		unsigned depth = 0;
		if (strcmp(s->path, "/") != 0)
			for (const char *p = s->path + len; *p; p++)
				depth += *p == '/';
		s->depth = depth;
		if (shown(r, c, depth))
			r->rows[r->n_rows++] = s;
	}
	return 0;
}

int nstk_store_replay_new(struct nstk_store *s, const struct nstk_cg_monitor_options *filter,
			  struct nstk_store_replay **out)
{
	struct nstk_store_replay *r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->store = s;
	if (filter)
		r->filter = *filter;
	else
		r->filter.max_depth = -1;
	int res = prepare(r, &r->values,
			  "SELECT sample, cgroup, field, v FROM value WHERE sample >= ? AND sample <= ?"
			  " ORDER BY sample, cgroup, field;");
	if (res == 0)
		res = prepare(r, &r->next, "SELECT id FROM sample WHERE id > ? ORDER BY id LIMIT 1;");
	if (res == 0)
		res = prepare(r, &r->prev, "SELECT id FROM sample WHERE id < ? ORDER BY id DESC LIMIT 1;");
	if (res == 0)
		res = prepare(r, &r->at_time,
			      "SELECT id FROM sample WHERE time_us <= ? ORDER BY time_us DESC, id DESC LIMIT 1;");
	if (res == 0)
		res = prepare(r, &r->keyframe,
			      "SELECT id FROM sample WHERE keyframe AND id <= ? ORDER BY id DESC LIMIT 1;");
	if (res == 0)
		res = prepare(r, &r->one, "SELECT time_us, interval_us FROM sample WHERE id = ?;");
	if (res == 0)
		res = prepare(r, &r->span_ids, "SELECT id FROM sample WHERE id >= ? AND id <= ? ORDER BY id;");
	if (res == 0)
		res = prepare(r, &r->values_of, "SELECT field, v FROM value WHERE sample = ? AND cgroup = ?;");
	if (res == 0)
		res = prepare(r, &r->vanished,
			      "SELECT cgroup, sample FROM event WHERE kind = 'vanished' AND sample > ? AND sample <= ?;");
	if (res == 0)
		res = load_cgroups(r);
	/* The layout the recorder saw, by name; the hierarchies themselves are not replayed. */
	sqlite3_stmt *st;
	if (res == 0 && prepare(r, &st, "SELECT value FROM meta WHERE key = 'layout';") == 0) {
		const char *name = sqlite3_step(st) == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
		for (int k = NSTK_CG_LAYOUT_UNIFIED; name && k <= NSTK_CG_LAYOUT_LEGACY; k++)
			if (strcmp(name, nstk_cg_layout_name((enum nstk_cg_layout_kind)k)) == 0)
				r->layout.kind = (enum nstk_cg_layout_kind)k;
		sqlite3_finalize(st);
	}
	r->layout.v2 = -1;
	if (res < 0) {
		nstk_store_replay_free(r);
		return res;
	}
	*out = r;
	return 0;
}

void nstk_store_replay_free(struct nstk_store_replay *r)
{
	if (!r)
		return;
	sqlite3_finalize(r->values);
	sqlite3_finalize(r->next);
	sqlite3_finalize(r->prev);
	sqlite3_finalize(r->at_time);
	sqlite3_finalize(r->keyframe);
	sqlite3_finalize(r->one);
	sqlite3_finalize(r->span_ids);
	sqlite3_finalize(r->values_of);
	sqlite3_finalize(r->vanished);
	for (size_t i = 0; i < r->n_cg; i++)
		free(r->cg[i].path);
	free(r->cg);
	free(r->rows);
	free(r->alive);
	free(r->order);
	nstk_hash_free(&r->by_id);
	free(r);
}

/* Rebuild sample id from its keyframe. */
static int seek_id(struct nstk_store_replay *r, int64_t id)
{
	int64_t key, prev;
	int res = one_id(r->keyframe, id, &key);
	if (res == 0 && !key) /* the first span's keyframe was trimmed away mid-read */
		res = one_id(r->next, 0, &key);
	if (res == 0)
		res = one_id(r->prev, id, &prev);
	if (res == 0)
		res = load_cgroups(r);
	if (res == 0)
		res = reload_vanished(r);
	if (res < 0)
		return res;
	for (size_t i = 0; i < r->n_cg; i++) {
		nstk_cg_counters_clear(&r->cg[i].cur);
		r->cg[i].have_cur = false;
	}
	if ((res = apply(r, key, id, true)) < 0 || (res = read_sample_row(r, id)) < 0)
		return res;
	r->sample = id;
	r->prev_sample = prev;
	return build_frame(r);
}

int nstk_store_replay_seek(struct nstk_store_replay *r, int64_t t_us)
{
	int64_t id;
	int res = one_id(r->at_time, t_us, &id);
	if (res == 0 && !id)
		res = one_id(r->next, 0, &id);
	if (res < 0)
		return res;
	return id ? seek_id(r, id) : -ENOENT;
}

int nstk_store_replay_step(struct nstk_store_replay *r, int direction)
{
	int64_t id;
	int res = one_id(direction < 0 ? r->prev : r->next, r->sample, &id);
	if (res < 0)
		return res;
	if (!id)
		return -ERANGE;
	if (direction < 0)
		return seek_id(r, id);
	/* Forward is cheap: only that sample's changes. */
	if ((res = load_cgroups(r)) < 0 || (res = vanished_between(r, r->sample, id)) < 0 ||
	    (res = apply(r, r->sample, id, false)) < 0 ||
	    (res = read_sample_row(r, id)) < 0)
		return res;
	r->prev_sample = r->sample;
	r->sample = id;
	return build_frame(r);
}

int nstk_store_replay_next_until(struct nstk_store_replay *r, int64_t until_us)
{
	int64_t id;
	int res = one_id(r->next, r->sample, &id);
	if (res < 0)
		return res;
	int64_t saved_time = r->time_us, saved_interval = r->interval_us;
	if (!id || read_sample_row(r, id) < 0 || r->time_us > until_us) {
		r->time_us = saved_time;
		r->interval_us = saved_interval;
		return -ERANGE;
	}
	r->time_us = saved_time;
	return nstk_store_replay_step(r, +1);
}

void nstk_store_replay_frame(const struct nstk_store_replay *r, struct nstk_cg_frame *f)
{
	*f = (struct nstk_cg_frame){
		.rows = (const struct nstk_cg_stats *const *)r->rows,
		.n = r->n_rows,
		.time = (double)r->time_us / 1e6,
		.interval = r->interval_us < 0 ? NAN : (double)r->interval_us / 1e6,
		.layout = &r->layout,
		.recorded = true,
	};
}

int64_t nstk_store_replay_time(const struct nstk_store_replay *r)
{
	return r->time_us;
}

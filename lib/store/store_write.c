/*
 * store_write.c — appending samples to a store, and dropping the oldest
 * (see store.h).
 *
 * The one idea: a value is written when it changes, and all of them at a
 * keyframe (every STORE_KEYFRAME_US), so a reader rebuilds any moment from
 * the keyframe before it plus the changes since, and the oldest data goes
 * in whole keyframe spans without leaving a later moment unrebuildable.
 * An idle cgroup costs nearly nothing per sample; a busy one the handful of
 * counters that moved.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nstk/util.h"
#include "store_internal.h"

static int prepare(struct nstk_store *s, sqlite3_stmt **st, const char *sql)
{
	return *st ? 0 : store_errno(sqlite3_prepare_v2(s->db, sql, -1, st, NULL));
}

/* The writer's statements, the last sample and keyframe, and the cgroups still alive. */
static int writer_start(struct nstk_store *s)
{
	int r = prepare(s, &s->ins_sample, "INSERT INTO sample (time_us, interval_us, keyframe) VALUES (?, ?, ?);");
	if (r == 0)
		r = prepare(s, &s->ins_value, "INSERT INTO value (sample, cgroup, field, v) VALUES (?, ?, ?, ?);");
	if (r == 0)
		r = prepare(s, &s->ins_cgroup,
			    "INSERT INTO cgroup (path, ino, listed, container_name, appeared) VALUES (?, ?, ?, ?, ?);");
	if (r == 0)
		r = prepare(s, &s->ins_event, "INSERT INTO event (sample, cgroup, kind, value) VALUES (?, ?, ?, ?);");
	if (r == 0)
		r = prepare(s, &s->end_cgroup, "UPDATE cgroup SET vanished = ? WHERE id = ?;");
	if (r < 0)
		return r;
	/* A new run starts with a keyframe: its first sample has no rates. */
	s->keyframe_due = true;
	s->run_started = false;
	return 0;
}

static struct store_cgroup *find_cgroup(struct nstk_store *s, const char *path)
{
	uint32_t i;
	if (nstk_hash_get(&s->by_path, nstk_hash_string(path), &i) && strcmp(s->cgroups[i].path, path) == 0)
		return &s->cgroups[i];
	/* A 64-bit collision: never expected, still answered right. */
	for (size_t k = 0; k < s->n_cgroups; k++)
		if (strcmp(s->cgroups[k].path, path) == 0)
			return &s->cgroups[k];
	return NULL;
}

static int event(struct nstk_store *s, int64_t sample, int64_t cgroup, const char *kind, int64_t value, bool has_value)
{
	sqlite3_stmt *st = s->ins_event;
	sqlite3_bind_int64(st, 1, sample);
	sqlite3_bind_int64(st, 2, cgroup);
	sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
	if (has_value)
		sqlite3_bind_int64(st, 4, value);
	else
		sqlite3_bind_null(st, 4);
	int r = store_errno(sqlite3_step(st));
	sqlite3_reset(st);
	return r;
}

static int end_cgroup(struct nstk_store *s, int64_t sample, struct store_cgroup *c)
{
	sqlite3_bind_int64(s->end_cgroup, 1, sample);
	sqlite3_bind_int64(s->end_cgroup, 2, c->id);
	int r = store_errno(sqlite3_step(s->end_cgroup));
	sqlite3_reset(s->end_cgroup);
	return r < 0 ? r : event(s, sample, c->id, "vanished", 0, false);
}

/* The record of st's cgroup in this sample: the one we know, or a new incarnation. */
static int cgroup_of(struct nstk_store *s, int64_t sample, const struct nstk_cg_stats *st, bool listed,
		     struct store_cgroup **out)
{
	struct store_cgroup *c = find_cgroup(s, st->path);
	if (c && c->id && c->ino == st->ino) {
		if (listed && !c->listed) {
			/* An ancestor kept for its limits is now a row of its own. */
			char sql[96];
			snprintf(sql, sizeof(sql), "UPDATE cgroup SET listed = 1 WHERE id = %lld;", (long long)c->id);
			int r = store_exec(s, sql);
			if (r < 0)
				return r;
			c->listed = true;
		}
		*out = c;
		return 0;
	}
	int r;
	if (c && c->id && (r = end_cgroup(s, sample, c)) < 0) /* made again under its path */
		return r;
	sqlite3_stmt *q = s->ins_cgroup;
	sqlite3_bind_text(q, 1, st->path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, (int64_t)st->ino);
	sqlite3_bind_int(q, 3, listed);
	if (st->container && st->container->name[0])
		sqlite3_bind_text(q, 4, st->container->name, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(q, 4);
	sqlite3_bind_int64(q, 5, sample);
	r = store_errno(sqlite3_step(q));
	sqlite3_reset(q);
	if (r < 0)
		return r;
	int64_t id = sqlite3_last_insert_rowid(s->db);
	if ((r = event(s, sample, id, "appeared", 0, false)) < 0)
		return r;
	if (!c) {
		if (NSTK_GROW(s->cgroups, s->cap_cgroups, s->n_cgroups) < 0)
			return -ENOMEM;
		c = &s->cgroups[s->n_cgroups];
		*c = (struct store_cgroup){ .path = strdup(st->path) };
		if (!c->path || nstk_hash_put(&s->by_path, nstk_hash_string(st->path), (uint32_t)s->n_cgroups) < 0) {
			free(c->path);
			return -ENOMEM;
		}
		s->n_cgroups++;
	}
	c->id = id;
	c->ino = st->ino;
	c->listed = listed;
	c->have_last = false;
	*out = c;
	return 0;
}

/* One cgroup's values: those that changed, or all at a keyframe. */
static int write_values(struct nstk_store *s, int64_t sample, bool keyframe, struct store_cgroup *c,
			const struct nstk_cg_stats *st)
{
	sqlite3_stmt *q = s->ins_value;
	for (size_t f = 0; f < store_nfields; f++) {
		if (!keyframe && c->have_last && !store_value_differs(&c->last, &st->now, f))
			continue;
		sqlite3_bind_int64(q, 1, sample);
		sqlite3_bind_int64(q, 2, c->id);
		sqlite3_bind_int64(q, 3, (int64_t)f + 1);
		store_bind_value(q, 4, &st->now, f);
		int r = store_errno(sqlite3_step(q));
		sqlite3_reset(q);
		if (r < 0)
			return r;
	}
	if (nstk_cg_is_value(st->oom_kills_delta) && st->oom_kills_delta > 0) {
		int r = event(s, sample, c->id, "oom_kill", (int64_t)st->oom_kills_delta, true);
		if (r < 0)
			return r;
	}
	return 0;
}

/* A row and the ancestors it names, each once per sample. */
static int write_cgroup(struct nstk_store *s, int64_t sample, bool keyframe, const struct nstk_cg_stats *st,
			bool listed)
{
	if (st->parent) {
		struct store_cgroup *p = find_cgroup(s, st->parent->path);
		if (!p || !p->seen || p->ino != st->parent->ino) {
			int r = write_cgroup(s, sample, keyframe, st->parent, false);
			if (r < 0)
				return r;
		}
	}
	struct store_cgroup *c;
	int r = cgroup_of(s, sample, st, listed, &c);
	if (r < 0 || c->seen)
		return r;
	c->seen = true;
	return write_values(s, sample, keyframe, c, st);
}

/* Drop samples before `first` (a keyframe) and what only they need. */
static int drop_before(struct nstk_store *s, int64_t first)
{
	char sql[512];
	snprintf(sql, sizeof(sql),
		 "DELETE FROM value WHERE sample < %1$lld; DELETE FROM event WHERE sample < %1$lld;"
		 " DELETE FROM sample WHERE id < %1$lld;"
		 " DELETE FROM cgroup WHERE vanished IS NOT NULL AND vanished <= %1$lld;",
		 (long long)first);
	return store_exec(s, sql);
}

/* The oldest data past the limits, in whole keyframe spans, inside the sample's transaction. */
static int trim(struct nstk_store *s, int64_t now_us, bool keyframe, const struct nstk_store_limits *l,
		bool *dropped)
{
	char sql[192];
	int64_t first;
	int r;
	/* Data ages out in keyframe spans: look when a span has just ended. */
	if (keyframe && l && l->retain_s > 0) {
		/* The newest keyframe at least retain_s old: everything before it is older. */
		snprintf(sql, sizeof(sql),
			 "SELECT id FROM sample WHERE keyframe AND time_us <= %lld ORDER BY id DESC LIMIT 1;",
			 (long long)(now_us - l->retain_s * 1000000LL));
		r = store_query_int(s, sql, &first);
		if (r == 0) {
			int64_t older;
			snprintf(sql, sizeof(sql), "SELECT count(*) FROM sample WHERE id < %lld;", (long long)first);
			if ((r = store_query_int(s, sql, &older)) == 0 && older > 0) {
				r = drop_before(s, first);
				*dropped = true;
			}
		}
		if (r < 0 && r != -ENOENT)
			return r;
	}
	while (l && l->max_bytes) {
		uint64_t used;
		if ((r = nstk_store_used_bytes(s, &used)) < 0)
			return r;
		if (used <= l->max_bytes)
			break;
		/* The second keyframe: the first span goes. With one span only, the
		 * next sample is a keyframe, and the span before it goes then. */
		r = store_query_int(s, "SELECT id FROM sample WHERE keyframe ORDER BY id LIMIT 1 OFFSET 1;", &first);
		if (r == -ENOENT) {
			s->keyframe_due = true;
			break;
		}
		if (r < 0 || (r = drop_before(s, first)) < 0)
			return r;
		*dropped = true;
	}
	return 0;
}

int nstk_store_append(struct nstk_store *s, const struct nstk_cg_frame *f, const struct nstk_store_limits *limits)
{
	if (!s->writer)
		return -EBADF;
	int r;
	if (!s->ins_sample && (r = writer_start(s)) < 0)
		return r;
	int64_t time_us = (int64_t)llround(f->time * 1e6);
	bool keyframe = s->keyframe_due || time_us - s->last_keyframe_us >= STORE_KEYFRAME_US;
	if ((r = store_exec(s, "BEGIN IMMEDIATE;")) < 0)
		return r;

	sqlite3_stmt *q = s->ins_sample;
	sqlite3_bind_int64(q, 1, time_us);
	/* After a restart the monitor's first interval is NaN: no rates across it. */
	if (isnan(f->interval) || s->keyframe_due)
		sqlite3_bind_null(q, 2);
	else
		sqlite3_bind_int64(q, 2, (int64_t)llround(f->interval * 1e6));
	sqlite3_bind_int(q, 3, keyframe);
	r = store_errno(sqlite3_step(q));
	sqlite3_reset(q);
	int64_t sample = sqlite3_last_insert_rowid(s->db);

	if (r == 0 && s->keyframe_due && f->layout) {
		char *sql = sqlite3_mprintf("INSERT OR REPLACE INTO meta VALUES ('layout', %Q);",
					    nstk_cg_layout_name(f->layout->kind));
		r = sql ? store_exec(s, sql) : -ENOMEM;
		sqlite3_free(sql);
	}
	if (r == 0 && !s->run_started) {
		/* The cgroups a previous run left open end where this run starts: its
		 * cgroups are new incarnations (no rates across a restart). */
		char sql[256];
		snprintf(sql, sizeof(sql),
			 "INSERT INTO event (sample, cgroup, kind) SELECT %1$lld, id, 'vanished' FROM cgroup"
			 " WHERE vanished IS NULL; UPDATE cgroup SET vanished = %1$lld WHERE vanished IS NULL;",
			 (long long)sample);
		r = store_exec(s, sql);
	}
	for (size_t i = 0; i < s->n_cgroups; i++)
		s->cgroups[i].seen = false;
	for (size_t i = 0; r == 0 && i < f->n; i++)
		r = write_cgroup(s, sample, keyframe, f->rows[i], true);
	for (size_t i = 0; r == 0 && i < s->n_cgroups; i++) {
		struct store_cgroup *c = &s->cgroups[i];
		if (!c->seen && c->id) {
			r = end_cgroup(s, sample, c);
			c->id = 0; /* gone: a cgroup of its path later is a new one */
			c->ino = 0;
		}
	}
	bool dropped = false;
	if (r == 0)
		r = trim(s, time_us, keyframe, limits, &dropped);
	if (r == 0)
		r = store_exec(s, "COMMIT;");
	if (r < 0) {
		store_exec(s, "ROLLBACK;");
		/* What we thought the store had is not what it has now. */
		for (size_t i = 0; i < s->n_cgroups; i++)
			s->cgroups[i].have_last = false;
		s->keyframe_due = true;
		return r;
	}
	/* What the store now holds for each cgroup. */
	for (size_t i = 0; i < f->n; i++) {
		for (const struct nstk_cg_stats *st = f->rows[i]; st; st = st->parent) {
			struct store_cgroup *c = find_cgroup(s, st->path);
			if (c && c->id) {
				c->last = st->now;
				c->have_last = true;
			}
		}
	}
	if (keyframe)
		s->last_keyframe_us = time_us;
	s->keyframe_due = false;
	s->run_started = true;
	s->last_sample = sample;
	if (dropped)
		store_exec(s, "PRAGMA incremental_vacuum;");
	return 0;
}

/*
 * store.c — opening a cgtop store: the schema, its version, and what a
 * file that is not a store, or a broken one, is called (see store.h).
 *
 * The one idea: a store says what it is before anything is read from it.
 * application_id tells a cgtop store from any other SQLite file,
 * user_version its schema, and every SQLite failure becomes one -errno a
 * tool can name in one line, never a crash or a half-read frame.
 */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "nstk/util.h"
#include "store_internal.h"

#define STORE_FIELD_COUNT(name) { #name, STORE_COUNT, offsetof(struct nstk_cg_counters, name) },
#define STORE_FIELD_AVG(name) { #name, STORE_AVG, offsetof(struct nstk_cg_counters, name) },

/* The field table comes from the counters' own list: a counter added there is recorded. */
const struct store_field store_fields[] = {
	NSTK_CG_COUNTERS(STORE_FIELD_COUNT, STORE_FIELD_AVG)
	{ "unreadable", STORE_COUNT, offsetof(struct nstk_cg_counters, unreadable) },
};
const size_t store_nfields = NSTK_ARRAY_SIZE(store_fields);

static const char schema_sql[] =
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;"
	"CREATE TABLE field (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, type TEXT NOT NULL);"
	"CREATE TABLE cgroup (id INTEGER PRIMARY KEY, path TEXT NOT NULL, ino INTEGER,"
	" listed INTEGER NOT NULL, container_name TEXT, appeared INTEGER NOT NULL, vanished INTEGER);"
	"CREATE TABLE sample (id INTEGER PRIMARY KEY, time_us INTEGER NOT NULL, interval_us INTEGER,"
	" keyframe INTEGER NOT NULL);"
	"CREATE INDEX sample_time ON sample (time_us);"
	"CREATE TABLE value (sample INTEGER NOT NULL, cgroup INTEGER NOT NULL, field INTEGER NOT NULL, v,"
	" PRIMARY KEY (sample, cgroup, field)) WITHOUT ROWID;"
	"CREATE TABLE event (sample INTEGER NOT NULL, cgroup INTEGER NOT NULL, kind TEXT NOT NULL, value INTEGER);"
	"CREATE INDEX event_sample ON event (sample);"
	"CREATE VIEW changes AS SELECT s.time_us / 1e6 AS time, c.path AS path, f.name AS field, v.v AS value"
	" FROM value v JOIN sample s ON s.id = v.sample JOIN cgroup c ON c.id = v.cgroup"
	" JOIN field f ON f.id = v.field;";

int store_errno(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return 0;
	case SQLITE_NOMEM:
		return -ENOMEM;
	case SQLITE_FULL:
		return -ENOSPC;
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return -EACCES;
	case SQLITE_READONLY:
		return -EROFS;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -EBUSY;
	case SQLITE_CANTOPEN:
		return -ENOENT;
	case SQLITE_NOTADB:
		return -EMEDIUMTYPE;
	case SQLITE_CORRUPT:
	case SQLITE_FORMAT:
	case SQLITE_SCHEMA:
	case SQLITE_ERROR: /* a table or column missing: a damaged or foreign schema */
	case SQLITE_MISMATCH:
		return -EUCLEAN;
	default:
		return -EIO;
	}
}

int store_exec(struct nstk_store *s, const char *sql)
{
	return store_errno(sqlite3_exec(s->db, sql, NULL, NULL, NULL));
}

int store_query_int(struct nstk_store *s, const char *sql, int64_t *v)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_errno(rc);
	rc = sqlite3_step(st);
	int r = rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? -ENOENT : store_errno(rc);
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return r;
}

int store_bind_value(sqlite3_stmt *st, int i, const struct nstk_cg_counters *c, size_t f)
{
	const char *p = (const char *)c + store_fields[f].offset;
	if (store_fields[f].type == STORE_AVG) {
		double d;
		memcpy(&d, p, sizeof(d));
		return isnan(d) ? sqlite3_bind_null(st, i) : sqlite3_bind_double(st, i, d);
	}
	if (f == store_nfields - 1) {
		unsigned u;
		memcpy(&u, p, sizeof(u));
		return sqlite3_bind_int64(st, i, u);
	}
	uint64_t v;
	memcpy(&v, p, sizeof(v));
	if (v == NSTK_CG_ABSENT)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_int64(st, i, v == NSTK_CG_UNLIMITED ? -1 : (int64_t)v);
}

bool store_value_differs(const struct nstk_cg_counters *a, const struct nstk_cg_counters *b, size_t f)
{
	size_t off = store_fields[f].offset;
	if (store_fields[f].type == STORE_AVG) {
		double x, y;
		memcpy(&x, (const char *)a + off, sizeof(x));
		memcpy(&y, (const char *)b + off, sizeof(y));
		return isnan(x) != isnan(y) || (!isnan(x) && x != y);
	}
	size_t size = f == store_nfields - 1 ? sizeof(unsigned) : sizeof(uint64_t);
	return memcmp((const char *)a + off, (const char *)b + off, size) != 0;
}

void store_column_value(sqlite3_stmt *st, int col, struct nstk_cg_counters *c, size_t f)
{
	char *p = (char *)c + store_fields[f].offset;
	bool null = sqlite3_column_type(st, col) == SQLITE_NULL;
	if (store_fields[f].type == STORE_AVG) {
		double d = null ? NAN : sqlite3_column_double(st, col);
		memcpy(p, &d, sizeof(d));
	} else if (f == store_nfields - 1) {
		unsigned u = null ? 0 : (unsigned)sqlite3_column_int64(st, col);
		memcpy(p, &u, sizeof(u));
	} else {
		int64_t i = sqlite3_column_int64(st, col);
		uint64_t v = null ? NSTK_CG_ABSENT : i == -1 ? NSTK_CG_UNLIMITED
			   : i < 0 ? NSTK_CG_ABSENT /* not a value this schema writes */
				   : (uint64_t)i;
		memcpy(p, &v, sizeof(v));
	}
}

/* A new file: the schema, the field list and what the host is. */
static int create_schema(struct nstk_store *s)
{
	/* auto_vacuum must be set before the first table. */
	int r = store_exec(s, "PRAGMA auto_vacuum = INCREMENTAL;");
	if (r == 0)
		r = store_exec(s, "BEGIN IMMEDIATE;");
	if (r < 0)
		return r;
	/* Another writer may have made it meanwhile: look again inside the lock. */
	int64_t version = 0;
	if ((r = store_query_int(s, "PRAGMA user_version;", &version)) < 0 || version != 0) {
		store_exec(s, "ROLLBACK;");
		return r;
	}
	char sql[160];
	snprintf(sql, sizeof(sql), "PRAGMA application_id = %d; PRAGMA user_version = %d;",
		 NSTK_STORE_APP_ID, NSTK_STORE_SCHEMA);
	r = store_exec(s, schema_sql);
	if (r == 0)
		r = store_exec(s, sql);
	sqlite3_stmt *st = NULL;
	if (r == 0)
		r = store_errno(sqlite3_prepare_v2(s->db, "INSERT INTO field (id, name, type) VALUES (?, ?, ?);", -1,
						   &st, NULL));
	for (size_t f = 0; r == 0 && f < store_nfields; f++) {
		sqlite3_bind_int64(st, 1, (int64_t)f + 1);
		sqlite3_bind_text(st, 2, store_fields[f].name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, store_fields[f].type == STORE_AVG ? "avg" : "count", -1, SQLITE_STATIC);
		r = store_errno(sqlite3_step(st));
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	struct utsname u;
	if (r == 0 && uname(&u) == 0) {
		char *meta = sqlite3_mprintf("INSERT INTO meta VALUES ('host', %Q), ('created', %lld),"
					     " ('keyframe_s', %lld);",
					     u.nodename, (long long)time(NULL),
					     (long long)(STORE_KEYFRAME_US / 1000000));
		r = meta ? store_exec(s, meta) : -ENOMEM;
		sqlite3_free(meta);
	}
	if (r == 0)
		return store_exec(s, "COMMIT;");
	store_exec(s, "ROLLBACK;");
	return r;
}

/* What the file is: ours and of a schema we know, or the error that says why not. */
static int check_schema(struct nstk_store *s)
{
	int64_t app = 0, version = 0;
	int r = store_query_int(s, "PRAGMA application_id;", &app);
	if (r == 0)
		r = store_query_int(s, "PRAGMA user_version;", &version);
	if (r < 0)
		return r;
	if (app != NSTK_STORE_APP_ID)
		return -EMEDIUMTYPE;
	if (version > NSTK_STORE_SCHEMA)
		return -EPROTONOSUPPORT;
	if (version < 1)
		return -EUCLEAN;
	/* The tables we read, asked once, so a damaged file fails here, not mid-replay. */
	int64_t n;
	r = store_query_int(s, "SELECT count(*) FROM field;", &n);
	if (r == 0)
		r = store_query_int(s, "SELECT count(*) FROM sample WHERE id = 0 OR id IS NULL;", &n);
	if (r == 0)
		r = store_query_int(s, "SELECT count(*) FROM cgroup WHERE id IS NULL;", &n);
	return r == -ENOENT ? -EUCLEAN : r;
}

int nstk_store_open(const char *path, enum nstk_store_mode mode, struct nstk_store **out)
{
	*out = NULL;
	struct stat st;
	if (mode == NSTK_STORE_READ && stat(path, &st) < 0)
		return -errno;
	struct nstk_store *s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->writer = mode == NSTK_STORE_WRITE;
	int flags = s->writer ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY;
	int rc = sqlite3_open_v2(path, &s->db, flags | SQLITE_OPEN_NOMUTEX, NULL);
	int r = store_errno(rc);
	if (r == -ENOENT && s->writer)
		r = access(path, F_OK) == 0 ? -EACCES : -errno;
	/* A writer's lock may outlast a busy reader for a moment: wait for it. */
	if (r == 0)
		sqlite3_busy_timeout(s->db, 2000);
	if (r == 0 && s->writer) {
		int64_t app = 0, version = 0;
		r = store_query_int(s, "PRAGMA application_id;", &app);
		if (r == 0)
			r = store_query_int(s, "PRAGMA user_version;", &version);
		if (r == 0 && app == 0 && version == 0) {
			/* Empty, or an SQLite file with no schema of anyone's. */
			int64_t tables = 0;
			r = store_query_int(s, "SELECT count(*) FROM sqlite_schema;", &tables);
			if (r == 0 && tables > 0)
				r = -EMEDIUMTYPE;
			if (r == 0)
				r = store_exec(s, "PRAGMA journal_mode = WAL;");
			if (r == 0)
				r = create_schema(s);
		}
		if (r == 0)
			r = store_exec(s, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
	}
	if (r == 0)
		r = check_schema(s);
	if (r < 0) {
		nstk_store_close(s);
		return r;
	}
	*out = s;
	return 0;
}

/* The writer's statements and cgroups (store_write.c fills them). */
static void store_writer_free(struct nstk_store *s)
{
	sqlite3_finalize(s->ins_sample);
	sqlite3_finalize(s->ins_value);
	sqlite3_finalize(s->ins_cgroup);
	sqlite3_finalize(s->ins_event);
	sqlite3_finalize(s->end_cgroup);
	s->ins_sample = s->ins_value = s->ins_cgroup = s->ins_event = s->end_cgroup = NULL;
	for (size_t i = 0; i < s->n_cgroups; i++)
		free(s->cgroups[i].path);
	free(s->cgroups);
	s->cgroups = NULL;
	s->n_cgroups = s->cap_cgroups = 0;
	nstk_hash_free(&s->by_path);
}

void nstk_store_close(struct nstk_store *s)
{
	if (!s)
		return;
	store_writer_free(s);
	sqlite3_close_v2(s->db);
	free(s);
}

int nstk_store_used_bytes(struct nstk_store *s, uint64_t *bytes)
{
	int64_t pages, free_pages, page_size;
	int r = store_query_int(s, "PRAGMA page_count;", &pages);
	if (r == 0)
		r = store_query_int(s, "PRAGMA freelist_count;", &free_pages);
	if (r == 0)
		r = store_query_int(s, "PRAGMA page_size;", &page_size);
	if (r == 0)
		*bytes = (uint64_t)(pages - free_pages) * (uint64_t)page_size;
	return r;
}

int nstk_store_span(struct nstk_store *s, int64_t *first_us, int64_t *last_us)
{
	int r = store_query_int(s, "SELECT time_us FROM sample ORDER BY id LIMIT 1;", first_us);
	if (r == 0)
		r = store_query_int(s, "SELECT time_us FROM sample ORDER BY id DESC LIMIT 1;", last_us);
	return r;
}

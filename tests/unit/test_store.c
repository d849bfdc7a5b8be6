/*
 * test_store.c — the store round trip on a real SQLite file: frames
 * written by the recorder's path come back with the same counters, rates
 * against the previous sample, effective limits from recorded ancestors; a
 * cgroup made again under its path starts afresh; retention drops whole
 * spans; files that are not stores are named, never crashed on.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "nstk/store.h"

struct scene {
	char dir[64], path[96];
	struct nstk_cg_stats root, parent, child;
	const struct nstk_cg_stats *rows[3];
	struct nstk_cg_layout layout;
};

static int setup(void **state)
{
	struct scene *s = calloc(1, sizeof(*s));
	snprintf(s->dir, sizeof(s->dir), "/tmp/nstk-test-store.XXXXXX");
	if (!s || !mkdtemp(s->dir))
		return -1;
	snprintf(s->path, sizeof(s->path), "%s/cgtop.db", s->dir);
	s->root = (struct nstk_cg_stats){ .path = "/", .name = "/", .ino = 1 };
	s->parent = (struct nstk_cg_stats){ .path = "/app", .name = "app", .ino = 2, .parent = &s->root };
	s->child = (struct nstk_cg_stats){ .path = "/app/web", .name = "web", .ino = 3, .parent = &s->parent };
	nstk_cg_counters_clear(&s->root.now);
	nstk_cg_counters_clear(&s->parent.now);
	nstk_cg_counters_clear(&s->child.now);
	s->parent.now.memory_max = 64 << 20;
	s->child.now.memory_max = NSTK_CG_UNLIMITED;
	s->child.now.memory_current = 32 << 20;
	s->child.now.memory_inactive_file = 0;
	s->child.now.cpu_usage_usec = 0;
	s->child.now.cpu_some_avg10 = 1.5;
	s->rows[0] = &s->parent;
	s->rows[1] = &s->child;
	s->layout.kind = NSTK_CG_LAYOUT_UNIFIED;
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	struct scene *s = *state;
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->dir);
	if (system(cmd) != 0)
		return -1;
	free(s);
	return 0;
}

static void append(struct nstk_store *st, struct scene *s, double t, double interval, size_t n)
{
	struct nstk_cg_frame f = { .rows = s->rows, .n = n, .time = t, .interval = interval, .layout = &s->layout };
	assert_int_equal(nstk_store_append(st, &f, NULL), 0);
}

static const struct nstk_cg_stats *row(const struct nstk_cg_frame *f, const char *path)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->rows[i]->path, path) == 0)
			return f->rows[i];
	return NULL;
}

static void samples_come_back_with_rates_and_effective_limits(void **state)
{
	struct scene *s = *state;
	struct nstk_store *st;
	assert_int_equal(nstk_store_open(s->path, NSTK_STORE_WRITE, &st), 0);
	append(st, s, 1000.0, NAN, 2);
	s->child.now.cpu_usage_usec = 500000; /* half a CPU over the next second */
	append(st, s, 1001.0, 1.0, 2);
	s->child.now.cpu_usage_usec = 1500000; /* a whole CPU over the next */
	s->child.now.memory_current = 48 << 20;
	append(st, s, 1002.0, 1.0, 2);
	nstk_store_close(st);

	assert_int_equal(nstk_store_open(s->path, NSTK_STORE_READ, &st), 0);
	int64_t first, last;
	assert_int_equal(nstk_store_span(st, &first, &last), 0);
	assert_int_equal(first, 1000000000);
	assert_int_equal(last, 1002000000);
	struct nstk_store_replay *r;
	assert_int_equal(nstk_store_replay_new(st, NULL, &r), 0);
	struct nstk_cg_frame f;

	/* The first sample: no rates, the ancestor's memory.max as the effective one. */
	assert_int_equal(nstk_store_replay_seek(r, 1000500000), 0);
	nstk_store_replay_frame(r, &f);
	assert_true(f.recorded);
	assert_int_equal(f.n, 2);
	const struct nstk_cg_stats *web = row(&f, "/app/web");
	assert_non_null(web);
	assert_true(web->fresh);
	assert_true(isnan(web->cpu_usage_pct));
	assert_int_equal(web->memory_max.value, 64 << 20);
	assert_string_equal(web->memory_max.from, "/app");
	assert_true(fabs(web->memory_pct_of_max - 50.0) < 0.01);
	assert_true(fabs(web->now.cpu_some_avg10 - 1.5) < 1e-9);
	assert_int_equal(web->depth, 2);
	assert_ptr_equal(web->parent, row(&f, "/app"));

	/* Forward: the rates of each interval, from the counters. */
	assert_int_equal(nstk_store_replay_step(r, +1), 0);
	nstk_store_replay_frame(r, &f);
	web = row(&f, "/app/web");
	assert_false(web->fresh);
	assert_true(fabs(web->cpu_usage_pct - 50.0) < 0.01);
	assert_int_equal(nstk_store_replay_step(r, +1), 0);
	nstk_store_replay_frame(r, &f);
	web = row(&f, "/app/web");
	assert_true(fabs(web->cpu_usage_pct - 100.0) < 0.01);
	assert_int_equal(web->now.memory_current, 48 << 20);
	assert_int_equal(nstk_store_replay_step(r, +1), -ERANGE);

	/* Back again: rebuilt from the keyframe, the same numbers. */
	assert_int_equal(nstk_store_replay_step(r, -1), 0);
	nstk_store_replay_frame(r, &f);
	web = row(&f, "/app/web");
	assert_true(fabs(web->cpu_usage_pct - 50.0) < 0.01);
	assert_int_equal(web->now.memory_current, 32 << 20);
	assert_true(fabs(f.time - 1001.0) < 1e-6);

	/* A subtree filter: rows below it, depth counted from it. */
	struct nstk_cg_monitor_options only = { .subtree = "/app/web", .max_depth = -1 };
	struct nstk_store_replay *r2;
	assert_int_equal(nstk_store_replay_new(st, &only, &r2), 0);
	assert_int_equal(nstk_store_replay_seek(r2, 1002000000), 0);
	nstk_store_replay_frame(r2, &f);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.rows[0]->depth, 0);
	assert_int_equal(f.rows[0]->memory_max.value, 64 << 20); /* the ancestor still counts */
	nstk_store_replay_free(r2);
	nstk_store_replay_free(r);
	nstk_store_close(st);
}

static void a_cgroup_made_again_starts_afresh(void **state)
{
	struct scene *s = *state;
	struct nstk_store *st;
	assert_int_equal(nstk_store_open(s->path, NSTK_STORE_WRITE, &st), 0);
	s->child.now.cpu_usage_usec = 9000000;
	append(st, s, 2000.0, NAN, 2);
	append(st, s, 2001.0, 1.0, 1); /* web is gone */
	s->child.ino = 33;		 /* and back, smaller counters, a new inode */
	s->child.now.cpu_usage_usec = 1000;
	append(st, s, 2002.0, 1.0, 2);
	nstk_store_close(st);

	assert_int_equal(nstk_store_open(s->path, NSTK_STORE_READ, &st), 0);
	struct nstk_store_replay *r;
	assert_int_equal(nstk_store_replay_new(st, NULL, &r), 0);
	struct nstk_cg_frame f;
	assert_int_equal(nstk_store_replay_seek(r, 2001000000), 0);
	nstk_store_replay_frame(r, &f);
	assert_null(row(&f, "/app/web"));
	assert_int_equal(nstk_store_replay_step(r, +1), 0);
	nstk_store_replay_frame(r, &f);
	const struct nstk_cg_stats *web = row(&f, "/app/web");
	assert_non_null(web);
	assert_true(web->fresh);
	assert_true(isnan(web->cpu_usage_pct)); /* never negative */
	assert_int_equal(web->ino, 33);
	nstk_store_replay_free(r);
	nstk_store_close(st);

	/* The events say what happened, for sqlite3 users. */
	sqlite3 *db;
	assert_int_equal(sqlite3_open_v2(s->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT group_concat(kind, ',') FROM (SELECT e.kind FROM event e JOIN cgroup c"
					    " ON c.id = e.cgroup WHERE c.path = '/app/web' ORDER BY e.sample, e.rowid);",
					    -1, &q, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(q, 0), "appeared,vanished,appeared");
	sqlite3_finalize(q);
	sqlite3_close(db);
}

static void a_restart_starts_afresh_and_closes_the_last_run(void **state)
{
	struct scene *s = *state;
	struct nstk_store *st;
	assert_int_equal(nstk_store_open(s->path, NSTK_STORE_WRITE, &st), 0);
	append(st, s, 3000.0, NAN, 1); /* only /app: /app/web is not a row yet */
	append(st, s, 3001.0, 1.0, 1);
	nstk_store_close(st);
	/* The next run lists /app/web too, with its parent already known. */
	assert_int_equal(nstk_store_open(s->path, NSTK_STORE_WRITE, &st), 0);
	s->child.now.cpu_usage_usec = 100;
	append(st, s, 3010.0, 1.0, 2); /* the monitor's interval, but a new run */
	s->child.now.cpu_usage_usec = 500100;
	append(st, s, 3011.0, 1.0, 2);
	nstk_store_close(st);

	assert_int_equal(nstk_store_open(s->path, NSTK_STORE_READ, &st), 0);
	struct nstk_store_replay *r;
	assert_int_equal(nstk_store_replay_new(st, NULL, &r), 0);
	struct nstk_cg_frame f;
	assert_int_equal(nstk_store_replay_seek(r, 3010000000), 0);
	nstk_store_replay_frame(r, &f);
	assert_true(isnan(f.interval)); /* no rates across a restart */
	assert_int_equal(f.n, 2);
	assert_true(row(&f, "/app")->fresh);
	assert_int_equal(nstk_store_replay_step(r, +1), 0);
	nstk_store_replay_frame(r, &f);
	assert_true(fabs(row(&f, "/app/web")->cpu_usage_pct - 50.0) < 0.01);
	/* Back in the first run, /app alone. */
	assert_int_equal(nstk_store_replay_seek(r, 3001000000), 0);
	nstk_store_replay_frame(r, &f);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.rows[0]->path, "/app");
	nstk_store_replay_free(r);
	nstk_store_close(st);
}

static void retention_drops_whole_spans_oldest_first(void **state)
{
	struct scene *s = *state;
	struct nstk_store *st;
	struct nstk_store_limits keep = { .retain_s = 3600 };
	assert_int_equal(nstk_store_open(s->path, NSTK_STORE_WRITE, &st), 0);
	/* Three hours, a sample a minute: keyframes every ten minutes. */
	for (int i = 0; i <= 180; i++) {
		s->child.now.cpu_usage_usec = (uint64_t)i * 1000000;
		struct nstk_cg_frame f = { .rows = s->rows, .n = 2, .time = 10000.0 + 60.0 * i,
					   .interval = i ? 60.0 : NAN, .layout = &s->layout };
		assert_int_equal(nstk_store_append(st, &f, &keep), 0);
	}
	int64_t first, last;
	assert_int_equal(nstk_store_span(st, &first, &last), 0);
	assert_int_equal(last, (10000 + 60 * 180) * 1000000LL);
	/* At least an hour kept, and no more than an hour and a span. */
	assert_true(last - first >= 3600 * 1000000LL);
	assert_true(last - first <= (3600 + 600) * 1000000LL);
	nstk_store_close(st);

	/* The oldest kept moment still rebuilds. */
	assert_int_equal(nstk_store_open(s->path, NSTK_STORE_READ, &st), 0);
	struct nstk_store_replay *r;
	assert_int_equal(nstk_store_replay_new(st, NULL, &r), 0);
	assert_int_equal(nstk_store_replay_seek(r, 0), 0);
	struct nstk_cg_frame f;
	nstk_store_replay_frame(r, &f);
	const struct nstk_cg_stats *web = row(&f, "/app/web");
	assert_non_null(web);
	assert_int_equal(web->now.cpu_usage_usec, (uint64_t)((first / 1000000 - 10000) / 60) * 1000000);
	nstk_store_replay_free(r);
	nstk_store_close(st);
}

static void files_that_are_not_stores_are_named(void **state)
{
	struct scene *s = *state;
	struct nstk_store *st;
	char other[128];
	assert_int_equal(nstk_store_open(s->path, NSTK_STORE_READ, &st), -ENOENT);

	/* Text. */
	snprintf(other, sizeof(other), "%s/text", s->dir);
	FILE *fp = fopen(other, "w");
	fputs("not a database, just words that go on for a while\n", fp);
	fclose(fp);
	assert_int_equal(nstk_store_open(other, NSTK_STORE_READ, &st), -EMEDIUMTYPE);
	assert_int_equal(nstk_store_open(other, NSTK_STORE_WRITE, &st), -EMEDIUMTYPE);

	/* Someone else's SQLite file. */
	snprintf(other, sizeof(other), "%s/other.db", s->dir);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(other, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t (x);", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(nstk_store_open(other, NSTK_STORE_READ, &st), -EMEDIUMTYPE);
	assert_int_equal(nstk_store_open(other, NSTK_STORE_WRITE, &st), -EMEDIUMTYPE);

	/* A store of a newer schema. */
	assert_int_equal(nstk_store_open(s->path, NSTK_STORE_WRITE, &st), 0);
	append(st, s, 1.0, NAN, 2);
	nstk_store_close(st);
	assert_int_equal(sqlite3_open(s->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99;", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(nstk_store_open(s->path, NSTK_STORE_READ, &st), -EPROTONOSUPPORT);
	assert_int_equal(nstk_store_open(s->path, NSTK_STORE_WRITE, &st), -EPROTONOSUPPORT);
}

static void a_store_cut_short_is_an_error_not_a_crash(void **state)
{
	struct scene *s = *state;
	struct nstk_store *st;
	assert_int_equal(nstk_store_open(s->path, NSTK_STORE_WRITE, &st), 0);
	for (int i = 0; i < 200; i++)
		append(st, s, 100.0 + i, i ? 1.0 : NAN, 2);
	nstk_store_close(st);
	/* Every cut of the file: an error or a readable store, never a crash. */
	int fd = open(s->path, O_RDWR);
	off_t size = lseek(fd, 0, SEEK_END);
	for (off_t cut = size; cut > 0; cut = cut * 3 / 4) {
		assert_int_equal(ftruncate(fd, cut), 0);
		int r = nstk_store_open(s->path, NSTK_STORE_READ, &st);
		if (r == 0) {
			struct nstk_store_replay *rp;
			if (nstk_store_replay_new(st, NULL, &rp) == 0) {
				int64_t t = 0;
				while (nstk_store_replay_seek(rp, t) == 0 && t < 400000000)
					t += 50000000;
				nstk_store_replay_free(rp);
			}
			nstk_store_close(st);
		} else {
			assert_true(r == -EUCLEAN || r == -EMEDIUMTYPE || r == -EIO);
		}
	}
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(samples_come_back_with_rates_and_effective_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(a_cgroup_made_again_starts_afresh, setup, teardown),
		cmocka_unit_test_setup_teardown(a_restart_starts_afresh_and_closes_the_last_run, setup, teardown),
		cmocka_unit_test_setup_teardown(retention_drops_whole_spans_oldest_first, setup, teardown),
		cmocka_unit_test_setup_teardown(files_that_are_not_stores_are_named, setup, teardown),
		cmocka_unit_test_setup_teardown(a_store_cut_short_is_an_error_not_a_crash, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

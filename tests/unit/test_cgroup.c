/*
 * test_cgroup.c — the cgroup model's arithmetic, without a cgroupfs: rates
 * from two samples (never negative, null on a first sample or a reset
 * counter), effective limits over a chain of ancestors, with the cgroup
 * that sets each one, and counters that start absent, every one of them;
 * a cgroup's processes: CPU % from two reads of the same process (a PID
 * reused by another is fresh), and a read of a cgroup.procs in a temporary
 * directory that names this test, a PID that is gone, and one outside the
 * pid namespace.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nstk/cgroup.h"

static struct nstk_cg_stats cgroup(const char *path, const struct nstk_cg_stats *parent)
{
	struct nstk_cg_stats s = { .path = path, .parent = parent };
	nstk_cg_counters_clear(&s.now);
	return s;
}

static void rates_from_two_samples(void **state)
{
	(void)state;
	struct nstk_cg_stats s = cgroup("/a", NULL);
	struct nstk_cg_counters prev;
	nstk_cg_counters_clear(&prev);
	prev.cpu_usage_usec = 1000000;
	prev.nr_periods = 100;
	prev.nr_throttled = 10;
	prev.throttled_usec = 0;
	prev.io_rbytes = 0;
	prev.oom_kill = 1;
	s.now = prev;
	s.now.cpu_usage_usec += 200000; /* 0.2 s of CPU in 1 s */
	s.now.nr_periods += 10;
	s.now.nr_throttled += 5;
	s.now.throttled_usec += 300000;
	s.now.io_rbytes += 4096;
	s.now.oom_kill += 2;

	nstk_cg_compute_rates(&s, &prev, 1000000);
	assert_false(s.fresh);
	assert_true(fabs(s.cpu_usage_pct - 20.0) < 1e-9);
	assert_true(fabs(s.cpu_throttled_pct - 50.0) < 1e-9);
	assert_true(fabs(s.cpu_throttled_s_per_s - 0.3) < 1e-9);
	assert_true(fabs(s.io_read_bps - 4096.0) < 1e-9);
	assert_true(isnan(s.io_write_bps)); /* absent on both sides */
	assert_int_equal(s.oom_kills_delta, 2);
	assert_true(fabs(s.interval_s - 1.0) < 1e-9);
}

static void first_sample_has_no_rates(void **state)
{
	(void)state;
	struct nstk_cg_stats s = cgroup("/a", NULL);
	s.now.cpu_usage_usec = 5;
	nstk_cg_compute_rates(&s, NULL, 0);
	assert_true(s.fresh);
	assert_true(isnan(s.cpu_usage_pct));
	assert_true(isnan(s.interval_s));
	assert_true(s.oom_kills_delta == NSTK_CG_ABSENT);
}

static void a_counter_that_went_back_gives_no_rate(void **state)
{
	(void)state;
	struct nstk_cg_stats s = cgroup("/a", NULL);
	struct nstk_cg_counters prev;
	nstk_cg_counters_clear(&prev);
	prev.cpu_usage_usec = 5000000;
	prev.oom_kill = 4;
	s.now.cpu_usage_usec = 100; /* removed and made again */
	s.now.oom_kill = 0;
	nstk_cg_compute_rates(&s, &prev, 1000000);
	assert_true(isnan(s.cpu_usage_pct));
	assert_true(s.oom_kills_delta == NSTK_CG_ABSENT);
}

static void throttled_pct_with_no_periods_is_zero(void **state)
{
	(void)state;
	struct nstk_cg_stats s = cgroup("/a", NULL);
	struct nstk_cg_counters prev;
	nstk_cg_counters_clear(&prev);
	prev.nr_periods = prev.nr_throttled = 7;
	s.now.nr_periods = s.now.nr_throttled = 7;
	nstk_cg_compute_rates(&s, &prev, 1000000);
	assert_true(s.cpu_throttled_pct == 0);
}

static void effective_memory_limit_comes_from_the_tightest_ancestor(void **state)
{
	(void)state;
	struct nstk_cg_stats root = cgroup("/", NULL);
	struct nstk_cg_stats a = cgroup("/a", &root);
	struct nstk_cg_stats b = cgroup("/a/b", &a);
	struct nstk_cg_stats c = cgroup("/a/b/c", &b);
	root.now.memory_max = NSTK_CG_UNLIMITED;
	a.now.memory_max = 1 << 30;
	b.now.memory_max = NSTK_CG_UNLIMITED;
	c.now.memory_max = NSTK_CG_UNLIMITED;
	c.now.memory_current = 512 << 20;
	c.now.memory_inactive_file = 0;
	nstk_cg_compute_limits(&c);
	assert_int_equal(c.memory_max.value, 1 << 30);
	assert_string_equal(c.memory_max.from, "/a");
	assert_true(fabs(c.memory_pct_of_max - 50.0) < 1e-9);

	/* Its own tighter limit wins; on a tie, the nearest. */
	c.now.memory_max = 1 << 29;
	nstk_cg_compute_limits(&c);
	assert_string_equal(c.memory_max.from, "/a/b/c");
	assert_true(fabs(c.memory_pct_of_max - 100.0) < 1e-9);
	b.now.memory_max = 1 << 29;
	nstk_cg_compute_limits(&c);
	assert_string_equal(c.memory_max.from, "/a/b/c");
}

static void unlimited_everywhere_is_unlimited_not_zero(void **state)
{
	(void)state;
	struct nstk_cg_stats root = cgroup("/", NULL);
	struct nstk_cg_stats a = cgroup("/a", &root);
	root.now.pids_max = NSTK_CG_ABSENT; /* the root has no pids.max */
	a.now.pids_max = NSTK_CG_UNLIMITED;
	a.now.pids_current = 3;
	nstk_cg_compute_limits(&a);
	assert_true(a.pids_max.value == NSTK_CG_UNLIMITED);
	assert_null(a.pids_max.from);
	assert_true(isnan(a.pids_pct_of_max));
	/* No file anywhere: unknown. */
	assert_true(a.memory_high.value == NSTK_CG_ABSENT);
}

static void working_set_is_floored_at_zero(void **state)
{
	(void)state;
	struct nstk_cg_stats a = cgroup("/a", NULL);
	a.now.memory_current = 100;
	a.now.memory_inactive_file = 300;
	a.now.memory_max = 1000;
	nstk_cg_compute_limits(&a);
	assert_int_equal(a.memory_working_set, 0);
	assert_true(a.memory_pct_of_max == 0);
}

static void effective_cpu_from_quota_and_cpuset(void **state)
{
	(void)state;
	struct nstk_cg_stats root = cgroup("/", NULL);
	struct nstk_cg_stats a = cgroup("/a", &root);
	struct nstk_cg_stats b = cgroup("/a/b", &a);
	root.now.cpuset_cpus = 8;
	a.now.cpu_quota_usec = 200000;
	a.now.cpu_period_usec = 100000;
	a.now.cpuset_cpus = 8;
	b.now.cpu_quota_usec = NSTK_CG_UNLIMITED;
	b.now.cpu_period_usec = 100000;
	b.now.cpuset_cpus = 8;
	b.cpu_usage_pct = 100;
	nstk_cg_compute_limits(&b);
	assert_true(isinf(b.cpu_limit_cores));
	assert_true(fabs(b.cpu_effective_cores - 2.0) < 1e-9);
	assert_string_equal(b.cpu_effective_from, "/a");
	assert_true(fabs(b.cpu_pct_of_limit - 50.0) < 1e-9);

	/* A cpuset of one CPU set on /a/b caps it below the quota. */
	b.now.cpuset_cpus = 1;
	nstk_cg_compute_limits(&b);
	assert_true(fabs(b.cpu_effective_cores - 1.0) < 1e-9);
	assert_string_equal(b.cpu_effective_from, "/a/b");

	/* Set higher up, it is named where it starts. */
	a.now.cpuset_cpus = 1;
	nstk_cg_compute_limits(&b);
	assert_string_equal(b.cpu_effective_from, "/a");

	/* No quota anywhere, the host's cpuset: unlimited. */
	a.now.cpu_quota_usec = NSTK_CG_UNLIMITED;
	a.now.cpuset_cpus = 8;
	b.now.cpuset_cpus = 8;
	nstk_cg_compute_limits(&b);
	assert_true(isinf(b.cpu_effective_cores));
	assert_null(b.cpu_effective_from);
	assert_true(isnan(b.cpu_pct_of_limit));
}

static void cleared_counters_are_all_absent(void **state)
{
	(void)state;
	struct nstk_cg_counters c;
	memset(&c, 0, sizeof(c)); /* 0 is a real value: clear must replace it everywhere */
	c.unreadable = NSTK_CG_READ_ALL;
	nstk_cg_counters_clear(&c);
#define ASSERT_ABSENT_VALUE(name) assert_true(c.name == NSTK_CG_ABSENT);
#define ASSERT_ABSENT_AVG(name) assert_true(isnan(c.name));
	NSTK_CG_COUNTERS(ASSERT_ABSENT_VALUE, ASSERT_ABSENT_AVG)
#undef ASSERT_ABSENT_VALUE
#undef ASSERT_ABSENT_AVG
	assert_int_equal(c.unreadable, 0);
}

static void each_effective_limit_has_its_own_source(void **state)
{
	(void)state;
	struct nstk_cg_stats root = cgroup("/", NULL);
	struct nstk_cg_stats a = cgroup("/a", &root);
	struct nstk_cg_stats b = cgroup("/a/b", &a);
	root.now.swap_max = 1 << 20;
	a.now.memory_max = 1 << 30;
	a.now.memory_high = NSTK_CG_UNLIMITED;
	a.now.swap_max = NSTK_CG_UNLIMITED;
	b.now.memory_max = NSTK_CG_UNLIMITED;
	b.now.pids_max = 10;
	nstk_cg_compute_limits(&b);
	assert_int_equal(b.memory_max.value, 1 << 30);
	assert_string_equal(b.memory_max.from, "/a");
	assert_true(b.memory_high.value == NSTK_CG_UNLIMITED);
	assert_null(b.memory_high.from);
	assert_int_equal(b.swap_max.value, 1 << 20);
	assert_string_equal(b.swap_max.from, "/");
	assert_int_equal(b.pids_max.value, 10);
	assert_string_equal(b.pids_max.from, "/a/b");
}

static struct nstk_cg_proc proc(pid_t pid, uint64_t ticks, uint64_t start)
{
	return (struct nstk_cg_proc){ .pid = pid, .cpu_ticks = ticks, .start_ticks = start, .cpu_pct = 42 };
}

static void procs_cpu_pct_matches_pid_and_start_time(void **state)
{
	(void)state;
	struct nstk_cg_proc prev[] = { proc(10, 100, 5), proc(20, 500, 6), proc(30, 50, 7), proc(40, 9, 8) };
	struct nstk_cg_proc cur[] = {
		proc(10, 200, 5), /* 100 ticks in 2 s at 100 a second: 50 % */
		proc(20, 500, 6), /* idle */
		proc(30, 60, 99), /* PID 30 is another process now */
		proc(35, 10, 9),  /* new */
		proc(40, 3, 8),	  /* ticks went backwards: not a number to trust */
	};
	nstk_cg_procs_rates(cur, 5, prev, 4, 2.0, 100);
	assert_true(fabs(cur[0].cpu_pct - 50.0) < 1e-9);
	assert_true(cur[1].cpu_pct == 0.0);
	assert_true(isnan(cur[2].cpu_pct));
	assert_true(isnan(cur[3].cpu_pct));
	assert_true(isnan(cur[4].cpu_pct));
	/* A first read, or no time between: no rates at all. */
	nstk_cg_procs_rates(cur, 5, NULL, 0, 2.0, 100);
	assert_true(isnan(cur[0].cpu_pct));
	nstk_cg_procs_rates(cur, 5, prev, 4, 0.0, 100);
	assert_true(isnan(cur[0].cpu_pct));
	/* Two CPUs busy: 200 %. */
	nstk_cg_procs_rates(cur, 1, prev, 4, 0.5, 100);
	assert_true(fabs(cur[0].cpu_pct - 200.0) < 1e-9);
}

static void procs_read_from_a_cgroup_procs_file(void **state)
{
	(void)state;
	char dir[] = "/tmp/nstk-test-procs-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[sizeof(dir) + 32];
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	/* Unsorted and repeated, as v1 lists may be; 0 is outside our pid
	 * namespace; 2147483647 is no process (pid_max is at most 2^22). */
	fprintf(f, "%d\n2147483647\n0\n%d\n", (int)getpid(), (int)getpid());
	assert_int_equal(fclose(f), 0);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(fd >= 0);

	struct nstk_cg_procs t = { 0 };
	assert_int_equal(nstk_cg_procs_read(&t, fd, 1000000), 0);
	assert_int_equal(t.n, 1);
	assert_int_equal(t.skipped, 1);
	assert_int_equal(t.p[0].pid, getpid());
	assert_string_equal(t.p[0].comm, "test_cgroup");
	assert_int_equal(t.p[0].uid, geteuid());
	assert_true(t.p[0].state == 'R');
	assert_true(t.p[0].rss_bytes > 0);
	assert_true(isnan(t.p[0].cpu_pct)); /* a first read */
	/* Busy for a while, read again 1 s "later": a CPU % now, never negative. */
	volatile unsigned long spin = 0;
	for (unsigned long i = 0; i < 50000000ul; i++)
		spin += i;
	assert_int_equal(nstk_cg_procs_read(&t, fd, 2000000), 0);
	assert_int_equal(t.n, 1);
	assert_true(t.p[0].cpu_pct >= 0);
	/* Forgotten: a first read again. */
	nstk_cg_procs_forget(&t);
	assert_int_equal(nstk_cg_procs_read(&t, fd, 3000000), 0);
	assert_true(isnan(t.p[0].cpu_pct));
	nstk_cg_procs_free(&t);

	/* A cgroup gone: -ENOENT. */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(nstk_cg_procs_read(&t, fd, 4000000), -ENOENT);
	nstk_cg_procs_free(&t);
	close(fd);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rates_from_two_samples),
		cmocka_unit_test(first_sample_has_no_rates),
		cmocka_unit_test(a_counter_that_went_back_gives_no_rate),
		cmocka_unit_test(throttled_pct_with_no_periods_is_zero),
		cmocka_unit_test(effective_memory_limit_comes_from_the_tightest_ancestor),
		cmocka_unit_test(unlimited_everywhere_is_unlimited_not_zero),
		cmocka_unit_test(working_set_is_floored_at_zero),
		cmocka_unit_test(effective_cpu_from_quota_and_cpuset),
		cmocka_unit_test(cleared_counters_are_all_absent),
		cmocka_unit_test(each_effective_limit_has_its_own_source),
		cmocka_unit_test(procs_cpu_pct_matches_pid_and_start_time),
		cmocka_unit_test(procs_read_from_a_cgroup_procs_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_cgparse.c — the pure parsers of cgroup files, v2 and v1: what the
 * kernel writes parses to the right numbers, the sentinels come out as
 * sentinels, and garbage, huge and truncated input is refused.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nstk/cgparse.h"

#define S(text) text, strlen(text)

static void single_values(void **state)
{
	(void)state;
	uint64_t v;
	assert_int_equal(nstk_cgparse_u64(S("123\n"), &v), 0);
	assert_int_equal(v, 123);
	assert_int_equal(nstk_cgparse_u64(S("0"), &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(nstk_cgparse_u64(S("9223372036854775807\n"), &v), 0);
	assert_true(v == INT64_MAX);
	assert_int_equal(nstk_cgparse_u64(S("9223372036854775808\n"), &v), -ERANGE);
	assert_int_equal(nstk_cgparse_u64(S("99999999999999999999999\n"), &v), -ERANGE);
	assert_int_equal(nstk_cgparse_u64(S("-5\n"), &v), -ERANGE);
	static const char *const bad[] = { "", "\n", "max\n", "12 \n", " 12", "1\n\n", "0x10", "-", "1.5" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(nstk_cgparse_u64(S(bad[i]), &v), -EINVAL);
}

static void limits_and_their_sentinels(void **state)
{
	(void)state;
	uint64_t v;
	assert_int_equal(nstk_cgparse_limit(S("max\n"), &v), 0);
	assert_true(v == NSTK_CG_UNLIMITED);
	assert_int_equal(nstk_cgparse_limit(S("-1\n"), &v), 0);
	assert_true(v == NSTK_CG_UNLIMITED);
	/* v1's "no limit": PAGE_COUNTER_MAX pages of 4 KiB. */
	assert_int_equal(nstk_cgparse_limit(S("9223372036854771712\n"), &v), 0);
	assert_true(v == NSTK_CG_UNLIMITED);
	assert_int_equal(nstk_cgparse_limit(S("4611686018427387904"), &v), 0);
	assert_true(v == NSTK_CG_UNLIMITED);
	assert_int_equal(nstk_cgparse_limit(S("4611686018427387903"), &v), 0);
	assert_true(v == 4611686018427387903ull);
	assert_int_equal(nstk_cgparse_limit(S("67108864\n"), &v), 0);
	assert_int_equal(v, 67108864);
	assert_int_equal(nstk_cgparse_limit(S("18446744073709551615\n"), &v), -ERANGE);
	assert_int_equal(nstk_cgparse_limit(S("-2\n"), &v), -ERANGE);
	assert_int_equal(nstk_cgparse_limit(S("Max\n"), &v), -EINVAL);
	assert_int_equal(nstk_cgparse_limit(S("max 100000\n"), &v), -EINVAL);
	assert_int_equal(nstk_cgparse_limit(S(""), &v), -EINVAL);
}

static void v1_quota_and_period(void **state)
{
	(void)state;
	uint64_t v;
	assert_int_equal(nstk_cgparse_cfs_quota(S("-1\n"), &v), 0);
	assert_true(v == NSTK_CG_UNLIMITED);
	assert_int_equal(nstk_cgparse_cfs_quota(S("20000\n"), &v), 0);
	assert_int_equal(v, 20000);
	assert_int_equal(nstk_cgparse_cfs_quota(S("0\n"), &v), -ERANGE);
	assert_int_equal(nstk_cgparse_cfs_quota(S("-7\n"), &v), -ERANGE);
	assert_int_equal(nstk_cgparse_cfs_period(S("100000\n"), &v), 0);
	assert_int_equal(v, 100000);
	assert_int_equal(nstk_cgparse_cfs_period(S("0\n"), &v), -ERANGE);
	assert_int_equal(nstk_cgparse_cfs_period(S("-1\n"), &v), -ERANGE);
}

static void cpu_max(void **state)
{
	(void)state;
	struct nstk_cg_cpu_max m;
	assert_int_equal(nstk_cgparse_cpu_max(S("max 100000\n"), &m), 0);
	assert_true(m.quota_usec == NSTK_CG_UNLIMITED);
	assert_int_equal(m.period_usec, 100000);
	assert_int_equal(nstk_cgparse_cpu_max(S("20000 100000\n"), &m), 0);
	assert_int_equal(m.quota_usec, 20000);
	static const char *const bad[] = { "max\n",	     "100000\n",     "max  100000\n", "max 100000 1\n",
					   "20000 max\n",    "max 0\n",	     "0 100000\n",    " max 100000\n",
					   "max 100000 \n", "20000 -1\n",    "" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_true(nstk_cgparse_cpu_max(S(bad[i]), &m) < 0);
}

static void cpu_stat_v2_and_v1(void **state)
{
	(void)state;
	struct nstk_cg_cpu_stat s;
	const char *v2 = "usage_usec 2369944070\nuser_usec 1729088334\nsystem_usec 640855736\n"
			 "core_sched.force_idle_usec 0\nnr_periods 30\nnr_throttled 29\nthrottled_usec 2120488\n"
			 "nr_bursts 1\nburst_usec 5\n";
	assert_int_equal(nstk_cgparse_cpu_stat(S(v2), &s), 0);
	assert_true(s.usage_usec == 2369944070ull);
	assert_int_equal(s.nr_periods, 30);
	assert_int_equal(s.nr_throttled, 29);
	assert_int_equal(s.throttled_usec, 2120488);
	assert_int_equal(s.burst_usec, 5);

	/* v1: nanoseconds, no usage. */
	const char *v1 = "nr_periods 40\nnr_throttled 10\nthrottled_time 2000000000\nnr_bursts 0\nburst_time 3000\n";
	assert_int_equal(nstk_cgparse_cpu_stat(S(v1), &s), 0);
	assert_true(s.usage_usec == NSTK_CG_ABSENT);
	assert_int_equal(s.throttled_usec, 2000000);
	assert_int_equal(s.burst_usec, 3);

	/* Without the cpu controller: usage only. */
	assert_int_equal(nstk_cgparse_cpu_stat(S("usage_usec 0\nuser_usec 0\nsystem_usec 0\nnice_usec 0\n"), &s), 0);
	assert_int_equal(s.usage_usec, 0);
	assert_true(s.nr_periods == NSTK_CG_ABSENT);
	/* cpu.stat.local can be empty. */
	assert_int_equal(nstk_cgparse_cpu_stat(S(""), &s), 0);
	assert_true(s.usage_usec == NSTK_CG_ABSENT);
}

static void cpu_stat_truncated_or_garbage(void **state)
{
	(void)state;
	struct nstk_cg_cpu_stat s;
	static const char *const bad[] = {
		"usage_usec 10\nuser_usec 5\nsystem_u", /* cut mid-key */
		"usage_usec 10\nuser_usec 5",		/* cut mid-number: no newline */
		"usage_usec\n",				/* no value */
		"usage_usec 10 11\n",			/* two values */
		"usage_usec -10\n",			/* negative */
		"usage_usec 99999999999999999999\n",	/* beyond 2^63 */
		"\n",					/* an empty line */
		"usage_usec  10\n",			/* two spaces */
		"usage_usec 1O\n",			/* a letter O */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_true(nstk_cgparse_cpu_stat(S(bad[i]), &s) < 0);
}

static void memory_stat_by_key(void **state)
{
	(void)state;
	uint64_t v;
	const char *v2 = "anon 1000\nfile 2000\nkernel 4096\nactive_anon 0\ninactive_file 1500\nactive_file 500\n";
	assert_int_equal(nstk_cgparse_memory_stat(S(v2), "inactive_file", &v), 0);
	assert_int_equal(v, 1500);
	assert_int_equal(nstk_cgparse_memory_stat(S(v2), "anon", &v), 0);
	assert_int_equal(v, 1000);
	assert_int_equal(nstk_cgparse_memory_stat(S(v2), "total_inactive_file", &v), -ENOENT);
	/* A key is a whole word: "file" is not "inactive_file". */
	assert_int_equal(nstk_cgparse_memory_stat(S("inactive_file 7\n"), "file", &v), -ENOENT);
	const char *v1 = "cache 0\nrss 8413184\nhierarchical_memory_limit 9223372036854771712\n"
			 "total_inactive_file 341708800\ntotal_swap 0\n";
	assert_int_equal(nstk_cgparse_memory_stat(S(v1), "total_inactive_file", &v), 0);
	assert_int_equal(v, 341708800);
	assert_int_equal(nstk_cgparse_memory_stat(S(v1), "hierarchical_memory_limit", &v), 0);
	assert_true(v == 9223372036854771712ull);
	assert_int_equal(nstk_cgparse_memory_stat(S("anon 1\nfile"), "anon", &v), -EINVAL);
}

static void flat_keyed_many_keys(void **state)
{
	(void)state;
	static const char *const keys[] = { "b", "missing", "a" };
	uint64_t v[3];
	assert_int_equal(nstk_cgparse_flat_keyed(S("a 1\nb 2\nc 3\n"), keys, 3, v), 0);
	assert_int_equal(v[0], 2);
	assert_true(v[1] == NSTK_CG_ABSENT);
	assert_int_equal(v[2], 1);
}

static void memory_events_and_oom_control(void **state)
{
	(void)state;
	struct nstk_cg_memory_events e;
	assert_int_equal(nstk_cgparse_memory_events(
				 S("low 0\nhigh 7\nmax 2\noom 1\noom_kill 3\noom_group_kill 0\n"), &e),
			 0);
	assert_int_equal(e.high, 7);
	assert_int_equal(e.oom, 1);
	assert_int_equal(e.oom_kill, 3);
	/* Older kernels have no oom_group_kill. */
	assert_int_equal(nstk_cgparse_memory_events(S("low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n"), &e), 0);
	assert_true(e.oom_group_kill == NSTK_CG_ABSENT);
	assert_true(nstk_cgparse_memory_events(S("oom_kill three\n"), &e) < 0);

	struct nstk_cg_oom_control oc;
	assert_int_equal(nstk_cgparse_oom_control(S("oom_kill_disable 0\nunder_oom 0\noom_kill 4\n"), &oc), 0);
	assert_int_equal(oc.oom_kill, 4);
	assert_int_equal(nstk_cgparse_oom_control(S("oom_kill_disable 1\nunder_oom 1\n"), &oc), 0);
	assert_int_equal(oc.under_oom, 1);
	assert_true(oc.oom_kill == NSTK_CG_ABSENT);
}

static void io_stat_sums_devices(void **state)
{
	(void)state;
	struct nstk_cg_io io;
	const char *text = "8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n"
			   "253:0 rbytes=1024 wbytes=0 rios=1 wios=0 dbytes=512 dios=1 cost.vrate=100.00 "
			   "depth=max avg_lat=0\n";
	assert_int_equal(nstk_cgparse_io_stat(S(text), &io), 0);
	assert_int_equal(io.rbytes, 5120);
	assert_int_equal(io.wbytes, 8192);
	assert_int_equal(io.dbytes, 512);
	assert_int_equal(io.rios, 2);
	assert_int_equal(io.ndevices, 2);
	/* No I/O yet: an empty file. */
	assert_int_equal(nstk_cgparse_io_stat(S(""), &io), 0);
	assert_int_equal(io.rbytes, 0);
	assert_int_equal(io.ndevices, 0);
	/* A policy's trailing space is tolerated. */
	assert_int_equal(nstk_cgparse_io_stat(S("8:0 rbytes=1 wbytes=2 \n"), &io), 0);
	assert_int_equal(io.wbytes, 2);
	static const char *const bad[] = {
		"8:0 rbytes=1 wbytes=",			/* truncated */
		"8:0 rbytes=1 wbytes=2",		/* no newline */
		"sda rbytes=1\n",			/* not MAJ:MIN */
		"8: rbytes=1\n",			/* no minor */
		"8:0 rbytes\n",				/* no '=' */
		"8:0 rbytes=x\n",			/* not a number */
		"8:0 rbytes=9223372036854775807\n8:1 rbytes=1\n", /* the sum overflows */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_true(nstk_cgparse_io_stat(S(bad[i]), &io) < 0);
}

static void blkio_bytes(void **state)
{
	(void)state;
	struct nstk_cg_io io;
	const char *text = "8:0 Read 4096\n8:0 Write 1024\n8:0 Sync 0\n8:0 Async 5120\n8:0 Discard 0\n"
			   "8:0 Total 5120\n8:16 Read 1\n8:16 Write 2\n8:16 Total 3\nTotal 5123\n";
	assert_int_equal(nstk_cgparse_blkio_bytes(S(text), &io), 0);
	assert_int_equal(io.rbytes, 4097);
	assert_int_equal(io.wbytes, 1026);
	assert_int_equal(io.ndevices, 2);
	assert_true(io.rios == NSTK_CG_ABSENT);
	assert_int_equal(nstk_cgparse_blkio_bytes(S("Total 0\n"), &io), 0);
	assert_int_equal(io.rbytes, 0);
	assert_true(nstk_cgparse_blkio_bytes(S("8:0 Reed 1\n"), &io) < 0);
	assert_true(nstk_cgparse_blkio_bytes(S("8:0 Read\n"), &io) < 0);
	assert_true(nstk_cgparse_blkio_bytes(S("Sum 1\n"), &io) < 0);
	assert_true(nstk_cgparse_blkio_bytes(S("8:0 Read 1"), &io) < 0);
}

static void pressure(void **state)
{
	(void)state;
	struct nstk_cg_pressure p;
	const char *text = "some avg10=5.26 avg60=31.44 avg300=31.46 total=324246990\n"
			   "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n";
	assert_int_equal(nstk_cgparse_pressure(S(text), &p), 0);
	assert_true(p.some.avg10 > 5.259 && p.some.avg10 < 5.261);
	assert_true(p.some.avg300 > 31.459 && p.some.avg300 < 31.461);
	assert_int_equal(p.some.total_usec, 324246990);
	assert_true(p.has_full);
	assert_int_equal(p.full.total_usec, 0);
	/* Old system-wide cpu.pressure: some only. */
	assert_int_equal(nstk_cgparse_pressure(S("some avg10=0.00 avg60=0.00 avg300=0.00 total=7\n"), &p), 0);
	assert_false(p.has_full);
	static const char *const bad[] = {
		"some avg10=0.00 avg60=0.0",					   /* truncated */
		"full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n",		   /* full without some */
		"some avg60=0.00 avg10=0.00 avg300=0.00 total=0\n",		   /* keys out of order */
		"some avg10=0.00 avg60=0.00 avg300=0.00\n",			   /* no total */
		"some avg10=-1.00 avg60=0.00 avg300=0.00 total=0\n",		   /* negative */
		"some avg10=0. avg60=0.00 avg300=0.00 total=0\n",		   /* no decimals */
		"some avg10=99999.00 avg60=0.00 avg300=0.00 total=0\n",	   /* not a share */
		"some avg10=0.00 avg60=0.00 avg300=0.00 total=0\nsome avg10=0.00 avg60=0.00 avg300=0.00 total=0\n",
		"",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_true(nstk_cgparse_pressure(S(bad[i]), &p) < 0);
}

static void cpuset_lists(void **state)
{
	(void)state;
	uint64_t n;
	assert_int_equal(nstk_cgparse_cpuset_count(S("0-4,6\n"), &n), 0);
	assert_int_equal(n, 6);
	assert_int_equal(nstk_cgparse_cpuset_count(S("0-1\n"), &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(nstk_cgparse_cpuset_count(S("3"), &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(nstk_cgparse_cpuset_count(S("\n"), &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(nstk_cgparse_cpuset_count(S("0,2,4-5,7-1023\n"), &n), 0);
	assert_int_equal(n, 1021);
	assert_int_equal(nstk_cgparse_cpuset_count(S("0-99999999"), &n), -ERANGE);
	static const char *const bad[] = { "4-2", "0-4,3", "1,1", "0-", "-3", "0,,1", "0,", "a", "0-4 ", "1-2-3" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(nstk_cgparse_cpuset_count(S(bad[i]), &n), -EINVAL);
}

static void procs_one_pid_a_line(void **state)
{
	(void)state;
	size_t pos = 0;
	pid_t pid, got[4];
	size_t n = 0;
	const char *text = "1\n4242\n0\n2147483647\n";
	int r;
	while ((r = nstk_cgparse_next_pid(S(text), &pos, &pid)) == 1)
		got[n++] = pid;
	assert_int_equal(r, 0);
	assert_int_equal(n, 4);
	assert_int_equal(got[0], 1);
	assert_int_equal(got[1], 4242);
	assert_int_equal(got[2], 0); /* outside the reader's pid namespace */
	assert_int_equal(got[3], 2147483647);
	/* Empty: no process. */
	pos = 0;
	assert_int_equal(nstk_cgparse_next_pid("", 0, &pos, &pid), 0);
	/* Cut short, past INT_MAX, signed, blank, spaced: refused at that line. */
	static const char *const bad[] = { "12", "2147483648\n", "-1\n", "\n", " 5\n", "5 \n", "1x\n" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pos = 0;
		assert_int_equal(nstk_cgparse_next_pid(S(bad[i]), &pos, &pid), -EINVAL);
	}
	pos = 0;
	assert_int_equal(nstk_cgparse_next_pid(S("7\n8"), &pos, &pid), 1);
	assert_int_equal(pid, 7);
	assert_int_equal(nstk_cgparse_next_pid(S("7\n8"), &pos, &pid), -EINVAL);
}

/* A parser may only look at the bytes it was given: a NUL-less buffer cut short. */
static void never_reads_past_len(void **state)
{
	(void)state;
	const char text[] = "usage_usec 12\n";
	struct nstk_cg_cpu_stat s;
	uint64_t v;
	assert_int_equal(nstk_cgparse_cpu_stat(text, 12, &s), -EINVAL);
	assert_int_equal(nstk_cgparse_u64("12345", 2, &v), 0);
	assert_int_equal(v, 12);
	assert_int_equal(nstk_cgparse_limit("maxx", 3, &v), 0);
	assert_true(v == NSTK_CG_UNLIMITED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(single_values),
		cmocka_unit_test(limits_and_their_sentinels),
		cmocka_unit_test(v1_quota_and_period),
		cmocka_unit_test(cpu_max),
		cmocka_unit_test(cpu_stat_v2_and_v1),
		cmocka_unit_test(cpu_stat_truncated_or_garbage),
		cmocka_unit_test(memory_stat_by_key),
		cmocka_unit_test(flat_keyed_many_keys),
		cmocka_unit_test(memory_events_and_oom_control),
		cmocka_unit_test(io_stat_sums_devices),
		cmocka_unit_test(blkio_bytes),
		cmocka_unit_test(pressure),
		cmocka_unit_test(cpuset_lists),
		cmocka_unit_test(procs_one_pid_a_line),
		cmocka_unit_test(never_reads_past_len),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

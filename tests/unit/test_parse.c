/*
 * test_parse.c — the pure parsers of kernel text: numbers, PIDs, mountinfo.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "nstk/parse.h"

static void u64_bounds(void **state)
{
	(void)state;
	uint64_t v;
	assert_int_equal(nstk_parse_u64("18446744073709551615", 20, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(nstk_parse_u64("18446744073709551616", 20, &v), -ERANGE);
	assert_int_equal(nstk_parse_u64("0", 1, &v), 0);
	assert_true(v == 0);
	assert_int_equal(nstk_parse_u64("", 0, &v), -EINVAL);
	assert_int_equal(nstk_parse_u64("+1", 2, &v), -EINVAL);
	assert_int_equal(nstk_parse_u64("12a", 3, &v), -EINVAL);
}

static void pid_bounds(void **state)
{
	(void)state;
	pid_t pid;
	assert_int_equal(nstk_parse_pid("1", 1, &pid), 0);
	assert_int_equal(pid, 1);
	assert_int_equal(nstk_parse_pid("2147483647", 10, &pid), 0);
	assert_int_equal(pid, 2147483647);
	assert_int_equal(nstk_parse_pid("2147483648", 10, &pid), -ERANGE);
	assert_int_equal(nstk_parse_pid("0", 1, &pid), -ERANGE);
	assert_int_equal(nstk_parse_pid("-1", 2, &pid), -EINVAL);
	assert_int_equal(nstk_parse_pid("abc", 3, &pid), -EINVAL);
}

static void mountinfo_nsfs_bind_mount(void **state)
{
	(void)state;
	const char *line = "134 133 0:4 net:[4026532543] /run/netns/a\\040b rw shared:2 master:7 - nsfs nsfs rw";
	struct nstk_mountinfo_line m;
	assert_int_equal(nstk_parse_mountinfo_line(line, strlen(line), &m), 0);
	assert_int_equal(m.mount_id, 134);
	assert_int_equal(m.parent_id, 133);
	assert_int_equal(m.root_len, strlen("net:[4026532543]"));
	assert_memory_equal(m.root, "net:[4026532543]", m.root_len);
	assert_memory_equal(m.fstype, "nsfs", m.fstype_len);
	assert_memory_equal(m.super_options, "rw", m.super_options_len);
	char path[64];
	assert_int_equal(nstk_unescape_octal(m.mount_point, m.mount_point_len, path, sizeof(path)),
			 strlen("/run/netns/a b"));
	assert_string_equal(path, "/run/netns/a b");
}

static void mountinfo_overlay_without_optional_fields(void **state)
{
	(void)state;
	const char *line = "20 1 0:40 / / rw,relatime - overlay overlay "
			   "rw,lowerdir=/l1:/l2,upperdir=/u,workdir=/w";
	struct nstk_mountinfo_line m;
	assert_int_equal(nstk_parse_mountinfo_line(line, strlen(line), &m), 0);
	assert_memory_equal(m.mount_point, "/", 1);
	assert_memory_equal(m.fstype, "overlay", m.fstype_len);
	assert_int_equal(m.super_options_len, strlen("rw,lowerdir=/l1:/l2,upperdir=/u,workdir=/w"));
}

static void mountinfo_rejects_truncated_lines(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"", "1", "1 2", "1 2 0:4 / /mnt rw", "1 2 0:4 / /mnt rw shared:1",
		"1 2 0:4 / /mnt rw - ext4", "1 2 0:4 / /mnt rw - ext4 /dev/sda",
		"x 2 0:4 / /mnt rw - ext4 /dev/sda rw", "1 99999999999 0:4 / /mnt rw - a b c",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct nstk_mountinfo_line m;
		assert_int_equal(nstk_parse_mountinfo_line(bad[i], strlen(bad[i]), &m), -EINVAL);
	}
}

static void unescape_keeps_odd_backslashes_and_checks_room(void **state)
{
	(void)state;
	char out[16];
	assert_int_equal(nstk_unescape_octal("a\\012b\\134", 10, out, sizeof(out)), 4);
	assert_memory_equal(out, "a\nb\\", 5);
	/* Not three octal digits: kept as written. */
	assert_int_equal(nstk_unescape_octal("\\09x\\4", 7, out, sizeof(out)), 7);
	assert_string_equal(out, "\\09x\\4");
	assert_int_equal(nstk_unescape_octal("abcdef", 6, out, 6), -ENAMETOOLONG);
	assert_int_equal(nstk_unescape_octal("abcdef", 6, out, 7), 6);
	assert_int_equal(nstk_unescape_octal("", 0, out, 0), -ENAMETOOLONG);
}

static void id_map_lines(void **state)
{
	(void)state;
	const char *text = "         0     100000      65536\n     65536          0          1\n";
	struct nstk_id_range r[4];
	size_t n;
	assert_int_equal(nstk_parse_id_map(text, strlen(text), r, 4, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(r[0].outside, 100000);
	assert_int_equal(r[0].count, 65536);
	assert_int_equal(r[1].inside, 65536);
	assert_int_equal(r[1].count, 1);
	assert_int_equal(nstk_parse_id_map("", 0, r, 4, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(nstk_parse_id_map("0 1\n", 4, r, 4, &n), -EINVAL);
	assert_int_equal(nstk_parse_id_map("0 1 2 3\n", 8, r, 4, &n), -EINVAL);
	assert_int_equal(nstk_parse_id_map("0 1 4294967296\n", 15, r, 4, &n), -EINVAL);
	assert_int_equal(nstk_parse_id_map("0 0 1\n1 1 1\n", 12, r, 1, &n), -E2BIG);
}

static void timens_offsets_by_name_and_by_clock_id(void **state)
{
	(void)state;
	const char *text = "monotonic           10         0\nboottime          -5 500000000\n";
	struct nstk_time_offsets o;
	assert_int_equal(nstk_parse_timens_offsets(text, strlen(text), &o), 0);
	assert_int_equal(o.monotonic_sec, 10);
	assert_int_equal(o.boottime_sec, -5);
	assert_int_equal(o.boottime_nsec, 500000000);
	assert_int_equal(nstk_parse_timens_offsets("1 3 0\n7 4 0\n", 12, &o), 0);
	assert_int_equal(o.boottime_sec, 4);
	assert_int_equal(nstk_parse_timens_offsets("monotonic 1 0\n", 14, &o), -EINVAL);
	assert_int_equal(nstk_parse_timens_offsets("monotonic x 0\nboottime 0 0", 26, &o), -EINVAL);
}

static void status_nspid_of_a_nested_process(void **state)
{
	(void)state;
	const char *text = "Name:\tsleep\nPid:\t4242\nNSpid:\t4242\t17\t1\nUid:\t0\t0\t0\t0\n";
	pid_t p[8];
	size_t n;
	assert_int_equal(nstk_parse_status_nspid(text, strlen(text), p, 8, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(p[0], 4242);
	assert_int_equal(p[2], 1);
	assert_int_equal(nstk_parse_status_nspid("Pid:\t1\n", 7, p, 8, &n), -EINVAL);
	assert_int_equal(nstk_parse_status_nspid("NSpid:\n", 7, p, 8, &n), -EINVAL);
	assert_int_equal(nstk_parse_status_nspid("NSpid:\t1\t2\t3", 13, p, 2, &n), -EINVAL);
}

static void status_tgid_of_a_thread(void **state)
{
	(void)state;
	const char *text = "Name:\tsleep\nTgid:\t4242\nNgid:\t0\nPid:\t4243\n";
	pid_t tgid = 0;
	assert_int_equal(nstk_parse_status_tgid(text, strlen(text), &tgid), 0);
	assert_int_equal(tgid, 4242);
	assert_int_equal(nstk_parse_status_tgid("Pid:\t1\n", 7, &tgid), -EINVAL);
	assert_int_equal(nstk_parse_status_tgid("Tgid:\n", 6, &tgid), -EINVAL);
	assert_int_equal(nstk_parse_status_tgid("Tgid:\t12x\n", 10, &tgid), -EINVAL);
	/* Not "Tgid" inside another key. */
	assert_int_equal(nstk_parse_status_tgid("XTgid:\t5\n", 9, &tgid), -EINVAL);
}

static void status_uids_real_effective_saved_fs(void **state)
{
	(void)state;
	uid_t u[4];
	const char *text = "Name:\tsu\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t9\nUid:\t1000\t0\t0\t0\n"
			   "Gid:\t1000\t1000\t1000\t1000\n";
	assert_int_equal(nstk_parse_status_uids(text, strlen(text), u), 0);
	assert_int_equal(u[0], 1000);
	assert_int_equal(u[1], 0);
	assert_int_equal(u[3], 0);
	/* The last line of a read cut short still counts; the largest real uid. */
	assert_int_equal(nstk_parse_status_uids("Uid:\t4294967294\t1\t2\t3", strlen("Uid:\t4294967294\t1\t2\t3"), u), 0);
	assert_int_equal(u[0], 4294967294u);
	assert_int_equal(u[3], 3);
	/* No line, three numbers, (uid_t)-1, a sign, a name: refused. */
	assert_int_equal(nstk_parse_status_uids("Gid:\t0\t0\t0\t0\n", strlen("Gid:\t0\t0\t0\t0\n"), u), -EINVAL);
	assert_int_equal(nstk_parse_status_uids("Uid:\t0\t0\t0\n", strlen("Uid:\t0\t0\t0\n"), u), -EINVAL);
	assert_int_equal(nstk_parse_status_uids("Uid:\t4294967295\t0\t0\t0\n", strlen("Uid:\t4294967295\t0\t0\t0\n"), u), -EINVAL);
	assert_int_equal(nstk_parse_status_uids("Uid:\t-1\t0\t0\t0\n", strlen("Uid:\t-1\t0\t0\t0\n"), u), -EINVAL);
	assert_int_equal(nstk_parse_status_uids("Uid:\troot\t0\t0\t0\n", strlen("Uid:\troot\t0\t0\t0\n"), u), -EINVAL);
	/* "XUid:" is another line. */
	assert_int_equal(nstk_parse_status_uids("XUid:\t1\t1\t1\t1\n", strlen("XUid:\t1\t1\t1\t1\n"), u), -EINVAL);
}

static void overlay_layers(void **state)
{
	(void)state;
	const char *o = "rw,lowerdir=/l/1:/l/2::/data,upperdir=/u/diff,workdir=/u/work,index=off";
	struct nstk_overlay_layers l;
	assert_int_equal(nstk_parse_overlay_options(o, strlen(o), &l), 0);
	assert_int_equal(l.n_lower, 3);
	assert_memory_equal(l.lower[0].s, "/l/1", l.lower[0].len);
	assert_memory_equal(l.lower[2].s, "/data", l.lower[2].len);
	assert_memory_equal(l.upper.s, "/u/diff", l.upper.len);
	assert_memory_equal(l.work.s, "/u/work", l.work.len);
	const char *plus = "rw,lowerdir+=/a,lowerdir+=/b,datadir+=/d";
	assert_int_equal(nstk_parse_overlay_options(plus, strlen(plus), &l), 0);
	assert_int_equal(l.n_lower, 3);
	assert_int_equal(l.upper.len, 0);
	assert_int_equal(nstk_parse_overlay_options("rw,upperdir=/u", 14, &l), -EINVAL);
}

static void cgroup_lines(void **state)
{
	(void)state;
	struct nstk_cgroup_line l;
	assert_int_equal(nstk_parse_cgroup_line("0::/system.slice/x.scope", 24, &l), 0);
	assert_int_equal(l.hierarchy, 0);
	assert_int_equal(l.controllers.len, 0);
	assert_memory_equal(l.path.s, "/system.slice/x.scope", l.path.len);
	assert_int_equal(nstk_parse_cgroup_line("4:cpu,cpuacct:/a:b", 18, &l), 0);
	assert_int_equal(l.hierarchy, 4);
	assert_memory_equal(l.path.s, "/a:b", 4);
	assert_int_equal(nstk_parse_cgroup_line("0::", 3, &l), -EINVAL);
	assert_int_equal(nstk_parse_cgroup_line("x::/", 4, &l), -EINVAL);
	assert_int_equal(nstk_parse_cgroup_line("1:/", 3, &l), -EINVAL);
}

static void proc_stat_fields_after_a_hostile_comm(void **state)
{
	(void)state;
	struct nstk_proc_stat st;
	/* kthreadd as this kernel writes it: PF_KTHREAD in flags. */
	const char *kthreadd = "2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 1 0 0 "
			       "18446744073709551615 0 0 0 0 0 0 0 2147483647 0 0 0 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n";
	assert_int_equal(nstk_parse_proc_stat(kthreadd, strlen(kthreadd), &st), 0);
	assert_int_equal(st.state, 'S');
	assert_int_equal(st.ppid, 0);
	assert_true(st.flags & 0x00200000u);
	assert_int_equal(st.starttime, 1);
	assert_int_equal(st.comm.len, 8);
	assert_memory_equal(st.comm.s, "kthreadd", 8);
	assert_int_equal(st.rss, 0);
	/* A comm any process can choose: spaces and ") " inside, negative
	 * fields (tpgid, priority) where they may be, a huge start time. */
	const char *odd = "4242 (a) b ) R 7 (x) S 1 4242 4242 0 -1 4194560 10 0 0 0 3 1 0 0 -21 0 1 0 "
			  "18446744073709551615 2 3";
	assert_int_equal(nstk_parse_proc_stat(odd, strlen(odd), &st), 0);
	assert_int_equal(st.state, 'S');
	assert_int_equal(st.ppid, 1);
	assert_int_equal(st.flags, 4194560);
	assert_int_equal(st.starttime, UINT64_MAX);
	assert_int_equal(st.utime, 3);
	assert_int_equal(st.stime, 1);
	assert_int_equal(st.rss, 3);
	assert_int_equal(st.comm.len, strlen("a) b ) R 7 (x"));
	assert_memory_equal(st.comm.s, "a) b ) R 7 (x", st.comm.len);
	/* A busy process: utime, stime and rss where the kernel puts them. */
	const char *busy = "77 (sh) R 1 77 77 0 -1 4194304 120 0 0 0 4523 17 0 0 20 0 1 0 998877 "
			   "2600960 220 18446744073709551615 1 1 0 0 0 0 0 0 65538 0 0 0 17 1 0 0 0 0 0\n";
	assert_int_equal(nstk_parse_proc_stat(busy, strlen(busy), &st), 0);
	assert_int_equal(st.state, 'R');
	assert_int_equal(st.utime, 4523);
	assert_int_equal(st.stime, 17);
	assert_int_equal(st.starttime, 998877);
	assert_int_equal(st.rss, 220);
	/* Cut after starttime (field 22): rss is missing, refused. */
	const char *cut = "77 (sh) R 1 77 77 0 -1 4194304 120 0 0 0 4523 17 0 0 20 0 1 0 998877";
	assert_int_equal(nstk_parse_proc_stat(cut, strlen(cut), &st), -EINVAL);
	/* A ")" with no "(" before it is no comm. */
	const char *noopen = "77 sh) R 1 77 77 0 -1 4194304 120 0 0 0 4523 17 0 0 20 0 1 0 998877 1 2";
	assert_int_equal(nstk_parse_proc_stat(noopen, strlen(noopen), &st), -EINVAL);
	/* Cut before field 22, no comm, a ppid that is no number: refused. */
	assert_int_equal(nstk_parse_proc_stat(kthreadd, 40, &st), -EINVAL);
	assert_int_equal(nstk_parse_proc_stat("2 kthreadd S 0", 14, &st), -EINVAL);
	const char *bad = "9 (x) S -1 0 0 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5";
	assert_int_equal(nstk_parse_proc_stat(bad, strlen(bad), &st), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(u64_bounds),
		cmocka_unit_test(pid_bounds),
		cmocka_unit_test(mountinfo_nsfs_bind_mount),
		cmocka_unit_test(mountinfo_overlay_without_optional_fields),
		cmocka_unit_test(mountinfo_rejects_truncated_lines),
		cmocka_unit_test(unescape_keeps_odd_backslashes_and_checks_room),
		cmocka_unit_test(id_map_lines),
		cmocka_unit_test(timens_offsets_by_name_and_by_clock_id),
		cmocka_unit_test(status_nspid_of_a_nested_process),
		cmocka_unit_test(status_tgid_of_a_thread),
		cmocka_unit_test(status_uids_real_effective_saved_fs),
		cmocka_unit_test(overlay_layers),
		cmocka_unit_test(cgroup_lines),
		cmocka_unit_test(proc_stat_fields_after_a_hostile_comm),
	};
	return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}

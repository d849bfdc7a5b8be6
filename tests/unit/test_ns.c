/*
 * test_ns.c — the table of namespace kinds: names, CLONE_ flags, hierarchy.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nstk/ns.h"

static void names_round_trip(void **state)
{
	(void)state;
	static const char *const expected[] = { "cgroup", "ipc", "mnt", "net",
						"pid",	  "time", "user", "uts" };
	for (int k = 0; k < NSTK_NS_KIND_COUNT; k++) {
		assert_string_equal(nstk_ns_kind_name(k), expected[k]);
		assert_int_equal(nstk_ns_kind_from_name(expected[k]), k);
	}
	assert_int_equal(nstk_ns_kind_from_name("network"), -EINVAL);
	assert_int_equal(nstk_ns_kind_from_name(""), -EINVAL);
	assert_null(nstk_ns_kind_name(NSTK_NS_KIND_COUNT));
}

static void clone_flags_are_the_kernels(void **state)
{
	(void)state;
	assert_int_equal(nstk_ns_kind_clone_flag(NSTK_NS_NET), CLONE_NEWNET);
	assert_int_equal(nstk_ns_kind_clone_flag(NSTK_NS_MNT), CLONE_NEWNS);
	assert_int_equal(nstk_ns_kind_clone_flag(NSTK_NS_USER), CLONE_NEWUSER);
	assert_int_equal(nstk_ns_kind_clone_flag(NSTK_NS_TIME), 0x80);
	for (int k = 0; k < NSTK_NS_KIND_COUNT; k++)
		assert_int_equal(nstk_ns_kind_from_clone_flag(nstk_ns_kind_clone_flag(k)), k);
	assert_int_equal(nstk_ns_kind_from_clone_flag(CLONE_FILES), -EINVAL);
}

static void only_pid_and_user_have_parents(void **state)
{
	(void)state;
	for (int k = 0; k < NSTK_NS_KIND_COUNT; k++)
		assert_int_equal(nstk_ns_kind_is_hierarchical(k), k == NSTK_NS_PID || k == NSTK_NS_USER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_round_trip),
		cmocka_unit_test(clone_flags_are_the_kernels),
		cmocka_unit_test(only_pid_and_user_have_parents),
	};
	return cmocka_run_group_tests_name("ns", tests, NULL, NULL);
}

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
#include <stdio.h>
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

static int parse_link(const char *s, enum nstk_ns_kind *kind, uint64_t *ino)
{
	return nstk_parse_ns_link(s, strlen(s), kind, ino);
}

static void ns_link_of_every_kind(void **state)
{
	(void)state;
	for (int k = 0; k < NSTK_NS_KIND_COUNT; k++) {
		char text[64];
		snprintf(text, sizeof(text), "%s:[%u]", nstk_ns_kind_name(k), 4026531840u + (unsigned)k);
		enum nstk_ns_kind kind;
		uint64_t ino;
		assert_int_equal(parse_link(text, &kind, &ino), 0);
		assert_int_equal(kind, k);
		assert_int_equal(ino, 4026531840u + (unsigned)k);
	}
}

static void ns_link_rejects_malformed_text(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"", "net", "net:", "net:[]", "net:[", "net:]", "net:4026531840", "net:[4026531840",
		"net:4026531840]", "nett:[1]", "ne:[1]", ":[1]", "net:[-1]", "net:[ 1]", "net:[1 ]",
		"net:[0x10]", "net:[99999999999999999999]", "NET:[1]", "net :[1]",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		enum nstk_ns_kind kind = NSTK_NS_KIND_COUNT;
		uint64_t ino = 42;
		assert_true(parse_link(bad[i], &kind, &ino) < 0);
		/* Outputs are left alone on failure. */
		assert_int_equal(kind, NSTK_NS_KIND_COUNT);
		assert_int_equal(ino, 42);
	}
}

static void ns_link_honours_length_not_nul(void **state)
{
	(void)state;
	const char text[] = "uts:[4026531838]garbage";
	enum nstk_ns_kind kind;
	uint64_t ino;
	assert_int_equal(nstk_parse_ns_link(text, 16, &kind, &ino), 0);
	assert_int_equal(kind, NSTK_NS_UTS);
	assert_int_equal(ino, 4026531838u);
	/* One byte short cuts the closing bracket off. */
	assert_true(nstk_parse_ns_link(text, 15, &kind, &ino) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_round_trip),
		cmocka_unit_test(ns_link_of_every_kind),
		cmocka_unit_test(ns_link_rejects_malformed_text),
		cmocka_unit_test(ns_link_honours_length_not_nul),
		cmocka_unit_test(clone_flags_are_the_kernels),
		cmocka_unit_test(only_pid_and_user_have_parents),
	};
	return cmocka_run_group_tests_name("ns", tests, NULL, NULL);
}

/*
 * test_parse.c — the pure parsers of kernel text: ns link text, numbers, PIDs.
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ns_link_of_every_kind),
		cmocka_unit_test(ns_link_rejects_malformed_text),
		cmocka_unit_test(ns_link_honours_length_not_nul),
		cmocka_unit_test(u64_bounds),
		cmocka_unit_test(pid_bounds),
	};
	return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}

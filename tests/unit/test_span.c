/*
 * test_span.c — span.h's primitives: what a line, a token and a field are,
 * at the edges the parsers above rely on (a file cut short, doubled
 * separators, a last line without a newline), and reading a /proc file.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "nstk/span.h"

static void lines_keep_empty_ones_and_say_when_cut_short(void **state)
{
	(void)state;
	const char text[] = "a\n\nbc";
	size_t pos = 0;
	struct nstk_span line;
	assert_int_equal(nstk_next_line(text, 5, &pos, &line), NSTK_LINE);
	assert_true(nstk_span_eq(line, "a"));
	assert_int_equal(nstk_next_line(text, 5, &pos, &line), NSTK_LINE);
	assert_int_equal(line.len, 0);
	assert_int_equal(nstk_next_line(text, 5, &pos, &line), NSTK_LINE_UNTERMINATED);
	assert_true(nstk_span_eq(line, "bc"));
	assert_int_equal(nstk_next_line(text, 5, &pos, &line), NSTK_LINE_END);
	/* A text that ends on its newline has no empty line after it. */
	pos = 0;
	assert_int_equal(nstk_next_line("x\n", 2, &pos, &line), NSTK_LINE);
	assert_int_equal(nstk_next_line("x\n", 2, &pos, &line), NSTK_LINE_END);
}

static void tokens_refuse_empty_ones(void **state)
{
	(void)state;
	struct nstk_span tok;
	size_t pos = 0;
	struct nstk_span line = nstk_span_of("usage_usec 12");
	assert_int_equal(nstk_next_token(line, ' ', &pos, &tok), 1);
	assert_true(nstk_span_eq(tok, "usage_usec"));
	assert_int_equal(nstk_next_token(line, ' ', &pos, &tok), 1);
	assert_true(nstk_span_eq(tok, "12"));
	assert_int_equal(nstk_next_token(line, ' ', &pos, &tok), 0);
	static const char *const bad[] = { "a  b", " a", "a ", " " };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r;
		pos = 0;
		while ((r = nstk_next_token(nstk_span_of(bad[i]), ' ', &pos, &tok)) == 1)
			;
		assert_int_equal(r, -EINVAL);
	}
	pos = 0;
	assert_int_equal(nstk_next_token(nstk_span_of(""), ' ', &pos, &tok), 0);
}

static void fields_skip_runs_of_spaces(void **state)
{
	(void)state;
	struct nstk_span line = nstk_span_of("  36 35   98:0 "), f;
	size_t pos = 0;
	assert_true(nstk_next_field(line, &pos, &f) && nstk_span_eq(f, "36"));
	assert_true(nstk_next_field(line, &pos, &f) && nstk_span_eq(f, "35"));
	assert_true(nstk_next_field(line, &pos, &f) && nstk_span_eq(f, "98:0"));
	assert_false(nstk_next_field(line, &pos, &f));
}

static void spans_compare_without_a_nul(void **state)
{
	(void)state;
	struct nstk_span s = { "docker-abc.scopeXYZ", 16 };
	assert_true(nstk_span_eq(s, "docker-abc.scope"));
	assert_false(nstk_span_eq(s, "docker-abc.scopeX"));
	assert_true(nstk_span_starts(s, "docker-"));
	assert_true(nstk_span_ends(s, ".scope"));
	assert_false(nstk_span_ends(s, "XYZ"));
	assert_false(nstk_span_starts((struct nstk_span){ "ab", 1 }, "ab"));
}

static void proc_file_of_ourselves_and_of_no_one(void **state)
{
	(void)state;
	char *text = NULL;
	size_t len = 0;
	assert_int_equal(nstk_read_proc_file(getpid(), "comm", &text, &len), 0);
	assert_true(len > 1 && text[len - 1] == '\n' && text[len] == '\0');
	free(text);
	/* PID_MAX_LIMIT is 4194304: this PID cannot exist. */
	assert_int_equal(nstk_read_proc_file(4194305, "status", &text, &len), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lines_keep_empty_ones_and_say_when_cut_short),
		cmocka_unit_test(tokens_refuse_empty_ones),
		cmocka_unit_test(fields_skip_runs_of_spaces),
		cmocka_unit_test(spans_compare_without_a_nul),
		cmocka_unit_test(proc_file_of_ourselves_and_of_no_one),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

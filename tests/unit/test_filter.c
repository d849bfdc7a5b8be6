/*
 * test_filter.c — the -Q/--filter language (scols-filter(5)): the lsns
 * examples, operator binding, each operator on numbers and strings, regexes,
 * null cells, and every way an expression can be wrong, each with the
 * message a user would see.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "nstk/filter.h"

enum { NS, TYPE, NPROCS, PID, COMMAND, NETNSID, NSFS, MEM, DELTA, NCOLUMNS };

static const char *const columns[NCOLUMNS] = {
	"NS", "TYPE", "NPROCS", "PID", "COMMAND", "NETNSID", "NSFS", "MEM%", "DELTA",
};

#define STR(s) { .type = NSTK_VALUE_STR, .str = (char *)(s) }
#define U64(v) { .type = NSTK_VALUE_U64, .u64 = (v) }
#define I64(v) { .type = NSTK_VALUE_I64, .i64 = (v) }
#define NUL    { .type = NSTK_VALUE_NULL }

/* A persistent netns nobody runs in: no pid, no command. */
static const struct nstk_value net_row[NCOLUMNS] = {
	[NS] = U64(4026531840),
	[TYPE] = STR("net"),
	[NPROCS] = U64(0),
	[PID] = NUL,
	[COMMAND] = NUL,
	[NETNSID] = U64(0),
	[NSFS] = STR("/run/netns/a"),
	[MEM] = STR("12.5"),
	[DELTA] = I64(-3),
};

/* A pid namespace with a sleep in it. */
static const struct nstk_value sleep_row[NCOLUMNS] = {
	[NS] = U64(4026532200),
	[TYPE] = STR("pid"),
	[NPROCS] = U64(2),
	[PID] = U64(1234),
	[COMMAND] = STR("sleep 1000"),
	[NETNSID] = NUL,
	[NSFS] = NUL,
	[MEM] = STR("n/a"),
	[DELTA] = I64(7),
};

/* Compile expr (which must be valid) and match it against row. */
static int match(const char *expr, const struct nstk_value *row)
{
	struct nstk_filter *f = NULL;
	char err[128];
	int r = nstk_filter_parse(expr, columns, NCOLUMNS, &f, err, sizeof(err));
	if (r != 0)
		fail_msg("'%s' did not parse: %s", expr, err);
	assert_string_equal(err, "");
	int m = nstk_filter_match(f, row);
	nstk_filter_free(f);
	return m;
}

/* expr must be rejected with exactly this message. */
static void rejects(const char *expr, const char *message)
{
	static char sentinel;
	struct nstk_filter *f = (struct nstk_filter *)&sentinel; /* must come back NULL */
	char err[160];
	assert_int_equal(nstk_filter_parse(expr, columns, NCOLUMNS, &f, err, sizeof(err)), -EINVAL);
	assert_null(f);
	assert_string_equal(err, message);
}

static void lsns_examples(void **state)
{
	(void)state;
	assert_int_equal(match("TYPE == \"net\" && NPROCS == 0", net_row), 1);
	assert_int_equal(match("TYPE == \"net\" && NPROCS == 0", sleep_row), 0);
	assert_int_equal(match("NS > 4026531840", net_row), 0);
	assert_int_equal(match("NS > 4026531840", sleep_row), 1);
	assert_int_equal(match("COMMAND =~ \"^sleep\"", sleep_row), 1);
	assert_int_equal(match("COMMAND =~ \"^sleep\"", net_row), 0);
	/* No blanks needed, and column names in any case. */
	assert_int_equal(match("type==\"net\"&&nprocs==0", net_row), 1);
}

static void and_binds_tighter_than_or(void **state)
{
	(void)state;
	assert_int_equal(match("true || false && false", net_row), 1);
	assert_int_equal(match("false && false || true", net_row), 1);
	/* lsns (one level, left to right) would say (pid || net) && NPROCS > 5: false. */
	assert_int_equal(match("TYPE == \"pid\" || TYPE == \"net\" && NPROCS > 5", sleep_row), 1);
	assert_int_equal(match("(TYPE == \"pid\" || TYPE == \"net\") && NPROCS > 5", sleep_row), 0);
}

static void not_binds_tightest(void **state)
{
	(void)state;
	assert_int_equal(match("!false && false", net_row), 0);
	assert_int_equal(match("!(false && false)", net_row), 1);
	/* (!TYPE) == false, not !(TYPE == false): "net" is not a yes, so the latter is 0. */
	assert_int_equal(match("!TYPE == false", net_row), 1);
	assert_int_equal(match("!(TYPE == \"net\")", net_row), 0);
	assert_int_equal(match("!!TYPE", net_row), 1);
	/* Comparisons bind tighter than && and ||, and chain left to right. */
	assert_int_equal(match("NPROCS == 0 == true", net_row), 1);
}

static void parentheses(void **state)
{
	(void)state;
	assert_int_equal(match("(true || false) && false", net_row), 0);
	assert_int_equal(match("((((NSFS))))", net_row), 1);
	assert_int_equal(match("( TYPE == \"net\" ) && ( NPROCS < 1 || PID > 0 )", net_row), 1);
}

static void numbers_each_operator(void **state)
{
	(void)state;
	static const struct {
		const char *expr;
		int expected; /* against sleep_row, NPROCS == 2 */
	} cases[] = {
		{ "NPROCS == 2", 1 }, { "NPROCS == 3", 0 }, { "NPROCS != 2", 0 }, { "NPROCS != 3", 1 },
		{ "NPROCS < 3", 1 },  { "NPROCS < 2", 0 },  { "NPROCS <= 2", 1 }, { "NPROCS <= 1", 0 },
		{ "NPROCS > 1", 1 },  { "NPROCS > 2", 0 },  { "NPROCS >= 2", 1 }, { "NPROCS >= 3", 0 },
		/* The words, in lower or upper case. */
		{ "NPROCS eq 2", 1 }, { "NPROCS NE 2", 0 }, { "NPROCS lt 3", 1 }, { "NPROCS LE 1", 0 },
		{ "NPROCS gt 1", 1 }, { "NPROCS GE 3", 0 },
		{ "not NPROCS == 2 or TYPE == \"pid\" AND true", 1 },
		/* A literal on the left works the same way. */
		{ "3 > NPROCS", 1 },
		/* A fraction on either side compares as a fraction. */
		{ "NPROCS > 1.5", 1 }, { "NPROCS < 2.5", 1 }, { "NPROCS == 2.0", 1 }, { "NPROCS > 2.01", 0 },
		/* Two numeric columns compare as numbers (2 < 1234, not "2" > "1234"). */
		{ "NPROCS < PID", 1 },
		/* Negative cells. */
		{ "DELTA > 5", 1 }, { "DELTA == 7", 1 },
		/* Size suffixes are powers of 1024; "iB" is optional. */
		{ "1K == 1024", 1 }, { "2MiB == 2097152", 1 }, { "NS > 3G", 1 }, { "NS < 4GiB", 1 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (match(cases[i].expr, sleep_row) != cases[i].expected)
			fail_msg("'%s' should give %d", cases[i].expr, cases[i].expected);
	}
	assert_int_equal(match("DELTA < 0", net_row), 1);
	assert_int_equal(match("DELTA < 0.5 && DELTA < NPROCS", net_row), 1);
}

static void string_cells_as_numbers(void **state)
{
	(void)state;
	/* A string cell that reads as a number compares numerically ... */
	assert_int_equal(match("MEM% > 12", net_row), 1);
	assert_int_equal(match("MEM% == 12.5", net_row), 1);
	assert_int_equal(match("MEM% < 9", net_row), 0);
	/* ... and one that does not makes every numeric comparison false. */
	assert_int_equal(match("MEM% > 0", sleep_row), 0);
	assert_int_equal(match("MEM% != 0", sleep_row), 0);
	/* A numeric cell against a string compares its decimal text. */
	assert_int_equal(match("NS == \"4026531840\"", net_row), 1);
	assert_int_equal(match("NPROCS < \"10\"", sleep_row), 0); /* "2" > "10" */
}

static void strings_each_operator(void **state)
{
	(void)state;
	static const struct {
		const char *expr;
		int expected; /* against net_row, TYPE == "net" */
	} cases[] = {
		{ "TYPE == \"net\"", 1 }, { "TYPE == \"Net\"", 0 }, { "TYPE != \"net\"", 0 },
		{ "TYPE != \"mnt\"", 1 }, { "TYPE < \"nez\"", 1 },  { "TYPE < \"net\"", 0 },
		{ "TYPE <= \"net\"", 1 }, { "TYPE > \"mnt\"", 1 },  { "TYPE > \"net\"", 0 },
		{ "TYPE >= \"net\"", 1 }, { "TYPE >= \"neu\"", 0 }, { "TYPE == 'net'", 1 },
		{ "TYPE eq 'net'", 1 }, { "'net' == TYPE", 1 }, { "TYPE == \"net \"", 0 },
		/* The other quote needs no escape; the same quote takes a backslash. */
		{ "\"say 'hi'\" == 'say \\'hi\\''", 1 },
		{ "'say \"hi\"' == \"say \\\"hi\\\"\"", 1 },
		/* Two columns, one a string: compared as text. */
		{ "TYPE != NSFS", 1 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (match(cases[i].expr, net_row) != cases[i].expected)
			fail_msg("'%s' should give %d", cases[i].expr, cases[i].expected);
	}
}

static void regex_match_and_non_match(void **state)
{
	(void)state;
	assert_int_equal(match("COMMAND =~ \"^sleep [0-9]+$\"", sleep_row), 1);
	assert_int_equal(match("COMMAND =~ \"^bash\"", sleep_row), 0);
	assert_int_equal(match("COMMAND !~ \"^bash\"", sleep_row), 1);
	assert_int_equal(match("COMMAND !~ \"sleep\"", sleep_row), 0);
	assert_int_equal(match("TYPE =~ 'net|pid'", net_row), 1);
	/* Extended syntax, and a numeric cell is matched as its decimal text. */
	assert_int_equal(match("NS =~ \"^40265(3|4)+18\"", net_row), 1);
	/* Backslashes reach regcomp as written: \. is a literal dot. */
	assert_int_equal(match("COMMAND =~ \"^sleep .000$\"", sleep_row), 1);
	assert_int_equal(match("COMMAND =~ \"^sleep \\.000$\"", sleep_row), 0);
	assert_int_equal(match("NSFS =~ \"netns/a$\" && NSFS !~ \"\\\\\"", net_row), 1);
}

static void regex_errors(void **state)
{
	(void)state;
	rejects("COMMAND =~ \"(sleep\"", "invalid regular expression at 12: Unmatched ( or \\(");
	rejects("COMMAND =~ 5", "expected a string (a regular expression) at 12");
	rejects("COMMAND !~ TYPE", "expected a string (a regular expression) at 12");
	rejects("(PID > 1) =~ \"1\"", "'=~' at 11 needs a column or a string on its left");
	/* Patterns glibc would unroll into gigabytes are refused before regcomp. */
	rejects("COMMAND =~ \"a{1000}{1000}\"", "regular expression at 12 is too complex");
	rejects("COMMAND =~ 'a++++++++++++++++++++'", "regular expression at 12 is too complex");
	rejects("COMMAND =~ 'a{,32767}'", "regular expression at 12 is too complex");
	/* Repeating what can match nothing makes regcomp's closure pass exponential. */
	rejects("COMMAND =~ 'a**{1000}'", "regular expression at 12 is too complex");
	rejects("COMMAND =~ '((a*)*){1000}'", "regular expression at 12 is too complex");
	rejects("COMMAND =~ '.^A*+++++'", "regular expression at 12 is too complex");
	rejects("COMMAND =~ '(x|)+'", "regular expression at 12 is too complex");
	rejects("COMMAND =~ '(^|a?)*'", "regular expression at 12 is too complex");
	rejects("COMMAND =~ '(\\<)+'", "regular expression at 12 is too complex");
	/* Repeating what cannot is fine, however it nests. */
	assert_int_equal(match("COMMAND !~ 'x{1024}' && COMMAND =~ '(e+p)*' && COMMAND =~ '^(\\w+ ?)+$'",
			       sleep_row),
			 1);
	assert_int_equal(match("COMMAND =~ '^((s|x?l)e*p?)+ (10{2,}|[[:digit:]]{4})$'", sleep_row), 1);
	/* Ordinary counted repetition is fine. */
	assert_int_equal(match("NS =~ '^[0-9]{10}$' && TYPE =~ '^(n|p)[a-z]{1,2}$'", net_row), 1);
}

static void null_cells(void **state)
{
	(void)state;
	/* net_row has no PID and no COMMAND. */
	static const struct {
		const char *expr;
		int expected;
	} cases[] = {
		/* Numeric comparisons with a null are all false, != included. */
		{ "PID == 0", 0 }, { "PID != 0", 0 }, { "PID < 1", 0 }, { "PID >= 0", 0 },
		{ "PID == true", 0 }, { "PID != false", 0 },
		/* String comparisons: a null is unequal to, and sorts before, any string. */
		{ "COMMAND == \"x\"", 0 }, { "COMMAND == \"\"", 0 }, { "COMMAND != \"x\"", 1 },
		{ "COMMAND < \"\"", 1 }, { "COMMAND > \"x\"", 0 },
		/* Regexes see a null as "". */
		{ "COMMAND =~ \"^$\"", 1 }, { "COMMAND !~ \"sleep\"", 1 }, { "COMMAND =~ \"x\"", 0 },
		/* Two nulls are equal as strings; a null and a number never compare. */
		{ "PID == COMMAND", 1 }, { "PID == NPROCS", 0 }, { "PID != NPROCS", 0 },
		/* A null alone is false. */
		{ "PID", 0 }, { "!PID", 1 }, { "COMMAND || PID", 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (match(cases[i].expr, net_row) != cases[i].expected)
			fail_msg("'%s' should give %d", cases[i].expr, cases[i].expected);
	}
}

static void bare_operands_test_for_a_value(void **state)
{
	(void)state;
	assert_int_equal(match("NSFS", net_row), 1);
	assert_int_equal(match("NSFS", sleep_row), 0);
	/* A numeric cell is true when not zero, as in libsmartcols. */
	assert_int_equal(match("NPROCS", net_row), 0);
	assert_int_equal(match("NPROCS", sleep_row), 1);
	assert_int_equal(match("NETNSID", net_row), 0);
	assert_int_equal(match("DELTA", net_row), 1);
	assert_int_equal(match("\"\"", net_row), 0);
	assert_int_equal(match("'x'", net_row), 1);
	assert_int_equal(match("0", net_row), 0);
	assert_int_equal(match("0.5", net_row), 1);
	assert_int_equal(match("TRUE", net_row), 1);
	assert_int_equal(match("FALSE", net_row), 0);
	/* Booleans from text: "1", "true", or a yes. */
	assert_int_equal(match("TYPE == true", net_row), 0);
	assert_int_equal(match("'yes' == true && 'True' == true && '1' == true", net_row), 1);
	assert_int_equal(match("'0' == false && 'no' == false && '' == false", net_row), 1);
}

static void empty_expression_matches_all(void **state)
{
	(void)state;
	assert_int_equal(match("", net_row), 1);
	assert_int_equal(match(" \t\n", sleep_row), 1);
	assert_int_equal(nstk_filter_match(NULL, net_row), 1);
	rejects("()", "expected a column, string or number at 2, found ')'");
	rejects("TYPE ==", "expected a column, string or number at 8, found end of expression");
	rejects("&& TYPE", "expected a column, string or number at 1, found '&&'");
}

static void unknown_column_is_named(void **state)
{
	(void)state;
	rejects("TYPE == \"net\" && FOO > 1", "unknown column 'FOO' at 18");
	rejects("MEM > 1", "unknown column 'MEM' at 1");
	/* Operator words are whole words in one case; anything else is a name. */
	rejects("And == 1", "unknown column 'And' at 1");
	rejects("NS == 1 andy NS", "unexpected 'andy' at 9");
}

static void unterminated_strings(void **state)
{
	(void)state;
	rejects("TYPE == \"net", "unterminated string at 9");
	rejects("TYPE == 'net", "unterminated string at 9");
	/* \' does not close '...' (and so a string cannot end in one backslash). */
	rejects("TYPE == 'net\\'", "unterminated string at 9");
	/* \\ is two backslashes that escape nothing: this one is closed. */
	assert_int_equal(match("'a\\\\' =~ '^a\\\\\\\\$'", net_row), 1);
}

static void trailing_garbage_and_bad_tokens(void **state)
{
	(void)state;
	rejects("TYPE == \"net\" foo", "unexpected 'foo' at 15");
	rejects("NPROCS == 1)", "unexpected ')' at 12");
	rejects("TYPE == \"net\" \"pid\"", "unexpected '\"pid\"' at 15");
	rejects("TYPE = \"net\"", "unexpected character '=' at 6");
	rejects("TYPE == \"net\" & NS", "unexpected character '&' at 15");
	rejects("NS > -1", "unexpected character '-' at 6");
	rejects("TYPE == \x01", "unexpected character '\\x01' at 9");
	rejects("(TYPE == \"net\"", "expected ')' at 15 to close '(' at 1, found end of expression");
	rejects("NS > 10x", "invalid number '10x' at 6");
	rejects("NS > 1.5K", "invalid number '1.5K' at 6");
	rejects("NS > 1.", "invalid number '1.' at 6");
	rejects("NS > 1.2.3", "invalid number '1.2.3' at 6");
	rejects("NS > 18446744073709551616", "number too large '18446744073709551616' at 6");
	rejects("NS > 16E", "number too large '16E' at 6");
	rejects("NS > 1Z", "number too large '1Z' at 6");
	assert_int_equal(match("18446744073709551615 > 15E", net_row), 1);
}

static void nesting_is_bounded(void **state)
{
	(void)state;
	enum { LONG = 200000 };
	char *expr = malloc(LONG * 4 + 16);
	assert_non_null(expr);

	/* 255 levels of parentheses parse; 256 are refused, not a stack overflow. */
	for (int levels = 255; levels <= 256; levels++) {
		size_t n = 0;
		for (int i = 0; i < levels; i++)
			expr[n++] = '(';
		n += (size_t)sprintf(expr + n, "NSFS");
		for (int i = 0; i < levels; i++)
			expr[n++] = ')';
		expr[n] = '\0';
		if (levels == 255)
			assert_int_equal(match(expr, net_row), 1);
		else
			rejects(expr, "expression nested too deeply at 256 (the limit is 256 levels)");
	}

	/* A long run of ! is nesting too. */
	memset(expr, '!', LONG);
	strcpy(expr + LONG, "NSFS");
	rejects(expr, "expression nested too deeply at 256 (the limit is 256 levels)");

	/* And so is a long chain of comparisons. */
	size_t n = 0;
	for (int i = 0; i < 300; i++)
		n += (size_t)sprintf(expr + n, "1==");
	strcpy(expr + n, "1");
	rejects(expr, "expression nested too deeply at 767 (the limit is 256 levels)");

	/* A long || or && chain is flat: any length parses and matches. */
	n = 0;
	for (int i = 0; i < LONG / 2; i++)
		n += (size_t)sprintf(expr + n, "0||");
	strcpy(expr + n, "NSFS");
	assert_int_equal(match(expr, net_row), 1);
	assert_int_equal(match(expr, sleep_row), 0);
	free(expr);
}

static void columns_used_are_reported(void **state)
{
	(void)state;
	struct nstk_filter *f;
	bool used[NCOLUMNS] = { false };
	assert_int_equal(nstk_filter_parse("TYPE == \"net\" && (NPROCS == 0 || !(MEM% > 1))", columns,
					   NCOLUMNS, &f, NULL, 0),
			 0);
	nstk_filter_columns_used(f, used);
	for (int i = 0; i < NCOLUMNS; i++)
		assert_int_equal(used[i], i == TYPE || i == NPROCS || i == MEM);
	nstk_filter_free(f);

	/* The empty expression uses nothing and leaves used[] as it was. */
	assert_int_equal(nstk_filter_parse("", columns, NCOLUMNS, &f, NULL, 0), 0);
	nstk_filter_columns_used(f, used);
	assert_true(used[TYPE]);
	assert_false(used[NS]);
	nstk_filter_free(f);
	nstk_filter_free(NULL);
}

static void error_buffer_may_be_small_or_absent(void **state)
{
	(void)state;
	struct nstk_filter *f;
	char err[8];
	assert_int_equal(nstk_filter_parse("FOO", columns, NCOLUMNS, &f, NULL, 0), -EINVAL);
	assert_int_equal(nstk_filter_parse("FOO", columns, NCOLUMNS, &f, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "unknown");
	assert_int_equal(nstk_filter_parse("NS", columns, 0, &f, err, sizeof(err)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lsns_examples),
		cmocka_unit_test(and_binds_tighter_than_or),
		cmocka_unit_test(not_binds_tightest),
		cmocka_unit_test(parentheses),
		cmocka_unit_test(numbers_each_operator),
		cmocka_unit_test(string_cells_as_numbers),
		cmocka_unit_test(strings_each_operator),
		cmocka_unit_test(regex_match_and_non_match),
		cmocka_unit_test(regex_errors),
		cmocka_unit_test(null_cells),
		cmocka_unit_test(bare_operands_test_for_a_value),
		cmocka_unit_test(empty_expression_matches_all),
		cmocka_unit_test(unknown_column_is_named),
		cmocka_unit_test(unterminated_strings),
		cmocka_unit_test(trailing_garbage_and_bad_tokens),
		cmocka_unit_test(nesting_is_bounded),
		cmocka_unit_test(columns_used_are_reported),
		cmocka_unit_test(error_buffer_may_be_small_or_absent),
	};
	return cmocka_run_group_tests_name("filter", tests, NULL, NULL);
}

/*
 * test_sparkline.c — sparkline.h: the eight steps and their edges, absent
 * values as blanks in both encodings, values and maxima that are not
 * ordinary numbers, and a buffer too small for every value (the newest
 * win, and a UTF-8 glyph is never cut).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nstk/sparkline.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void one_step_per_eighth_of_max(void **state)
{
	(void)state;
	const double v[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 100 };
	char buf[64];
	assert_int_equal(nstk_sparkline(v, N(v), 8, true, buf, sizeof(buf)), 30);
	assert_string_equal(buf, "▁▂▃▄▅▆▇███");
	assert_int_equal(nstk_sparkline(v, N(v), 8, false, buf, sizeof(buf)), 10);
	assert_string_equal(buf, ".:-=+*#@@@");
	/* The edges: just under an eighth is still the lowest step. */
	const double edges[] = { 0.999, 1.0, 6.999, 7.0, 7.999 };
	nstk_sparkline(edges, N(edges), 8, false, buf, sizeof(buf));
	assert_string_equal(buf, ".:#@@");
	/* A max that is not a whole number. */
	const double pct[] = { 0.1, 0.5, 0.9 };
	nstk_sparkline(pct, N(pct), 1.0, false, buf, sizeof(buf));
	assert_string_equal(buf, ".+@");
}

static void absent_values_are_blank(void **state)
{
	(void)state;
	const double v[] = { NAN, 0, NAN, 8 };
	char buf[32];
	assert_int_equal(nstk_sparkline(v, N(v), 8, true, buf, sizeof(buf)), 8);
	assert_string_equal(buf, " ▁ █");
	assert_int_equal(nstk_sparkline(v, N(v), 8, false, buf, sizeof(buf)), 4);
	assert_string_equal(buf, " . @");
}

static void odd_values_and_maxima(void **state)
{
	(void)state;
	const double v[] = { -5, -INFINITY, INFINITY, 4 };
	char buf[32];
	nstk_sparkline(v, N(v), 8, false, buf, sizeof(buf));
	assert_string_equal(buf, "..@+");
	/* Nothing to scale against: every present value is the lowest step. */
	nstk_sparkline(v, N(v), 0, false, buf, sizeof(buf));
	assert_string_equal(buf, "....");
	nstk_sparkline(v, N(v), -1, false, buf, sizeof(buf));
	assert_string_equal(buf, "....");
	nstk_sparkline(v, N(v), NAN, false, buf, sizeof(buf));
	assert_string_equal(buf, "....");
	/* An infinite max: only an infinite value reaches it. */
	nstk_sparkline(v, N(v), INFINITY, false, buf, sizeof(buf));
	assert_string_equal(buf, "..@.");
}

static void the_newest_values_win(void **state)
{
	(void)state;
	const double v[] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	char buf[16];
	/* 4 bytes: 3 glyphs and the NUL. */
	assert_int_equal(nstk_sparkline(v, N(v), 8, false, buf, 4), 3);
	assert_string_equal(buf, "*#@");
	/* UTF-8: 8 bytes hold two bars (6) and not a third, never a part of one. */
	assert_int_equal(nstk_sparkline(v, N(v), 8, true, buf, 8), 6);
	assert_string_equal(buf, "▇█");
	assert_int_equal(nstk_sparkline(v, N(v), 8, true, buf, 3), 0);
	assert_string_equal(buf, "");
	/* A blank is one byte, so it fits where a bar would not. */
	const double gaps[] = { 8, 8, NAN, 8 };
	assert_int_equal(nstk_sparkline(gaps, N(gaps), 8, true, buf, 8), 7);
	assert_string_equal(buf, "█ █");
	assert_int_equal(nstk_sparkline(gaps, N(gaps), 8, true, buf, 5), 4);
	assert_string_equal(buf, " █");
}

static void empty_input_and_no_room(void **state)
{
	(void)state;
	char buf[4] = "xyz";
	assert_int_equal(nstk_sparkline(NULL, 0, 8, true, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	const double v[] = { 1 };
	assert_int_equal(nstk_sparkline(v, 1, 8, true, NULL, 0), 0);
	buf[0] = 'x';
	assert_int_equal(nstk_sparkline(v, 1, 8, false, buf, 1), 0);
	assert_string_equal(buf, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_step_per_eighth_of_max),
		cmocka_unit_test(absent_values_are_blank),
		cmocka_unit_test(odd_values_and_maxima),
		cmocka_unit_test(the_newest_values_win),
		cmocka_unit_test(empty_input_and_no_room),
	};
	return cmocka_run_group_tests_name("sparkline", tests, NULL, NULL);
}

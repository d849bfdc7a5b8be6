/*
 * test_when.c — when.h's three grammars: every form a moment, a duration
 * and a size may take, the rule that a bare time already past means today
 * and one ahead means yesterday, local time in UTC and in Europe/Berlin
 * (its DST gap, its repeated hour, a 23-hour "yesterday"), and the texts
 * refused: garbage, trailing text, fields out of range, overflow.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "nstk/when.h"

/* 2026-12-07T12:00:00Z, a Monday in winter: Berlin is UTC+1. */
#define NOON_UTC INT64_C(1796644800)
#define HOUR 3600
#define DAY 86400

static void use_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

static int when(const char *text, int64_t now_s, int64_t *out_s)
{
	return nstk_parse_when(text, strlen(text), now_s, out_s);
}

/* text is accepted at now_s and means expect_s. */
static void moment_is(const char *text, int64_t now_s, int64_t expect_s)
{
	int64_t out = -1;
	int r = when(text, now_s, &out);
	if (r != 0 || out != expect_s)
		fail_msg("\"%s\": r=%d out=%lld, expected %lld", text, r, (long long)out,
			 (long long)expect_s);
}

/* text is refused with error, and *out_s is left alone. */
static void moment_fails(const char *text, int64_t now_s, int error)
{
	int64_t out = 12345;
	int r = when(text, now_s, &out);
	if (r != error || out != 12345)
		fail_msg("\"%s\": r=%d out=%lld, expected %d", text, r, (long long)out, error);
}

static void now_and_relative_moments(void **state)
{
	(void)state;
	use_tz("UTC");
	moment_is("now", NOON_UTC, NOON_UTC);
	moment_is("3m ago", NOON_UTC, NOON_UTC - 180);
	moment_is("90s ago", NOON_UTC, NOON_UTC - 90);
	moment_is("2h ago", NOON_UTC, NOON_UTC - 2 * HOUR);
	moment_is("1d ago", NOON_UTC, NOON_UTC - DAY);
	moment_is("1w ago", NOON_UTC, NOON_UTC - 7 * DAY);
	moment_is("1h30m ago", NOON_UTC, NOON_UTC - 5400);
	moment_is("1h 30m ago", NOON_UTC, NOON_UTC - 5400);
	moment_is("3 minutes ago", NOON_UTC, NOON_UTC - 180);
	moment_is("2 hours ago", NOON_UTC, NOON_UTC - 2 * HOUR);
	moment_is("0s ago", NOON_UTC, NOON_UTC);
	/* The parts add up, in any order. */
	moment_is("30m1h ago", NOON_UTC, NOON_UTC - 5400);
	/* Blanks around the text and runs of them inside it. */
	moment_is("  3 \t minutes   ago\t", NOON_UTC, NOON_UTC - 180);
	/* Letters in any case. */
	moment_is("NOW", NOON_UTC, NOON_UTC);
	moment_is("3M AGO", NOON_UTC, NOON_UTC - 180);
	moment_is("2 Hours Ago", NOON_UTC, NOON_UTC - 2 * HOUR);
}

static void every_unit_name(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		int64_t seconds;
	} units[] = {
		{ "s", 1 },	   { "sec", 1 },	 { "second", 1 },	{ "seconds", 1 },
		{ "m", 60 },	   { "min", 60 },	 { "minute", 60 },	{ "minutes", 60 },
		{ "h", 3600 },	   { "hour", 3600 },	 { "hours", 3600 },	{ "d", 86400 },
		{ "day", 86400 },  { "days", 86400 },	 { "w", 604800 },	{ "week", 604800 },
		{ "weeks", 604800 },
	};
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		char text[32];
		snprintf(text, sizeof(text), "2%s ago", units[i].name);
		moment_is(text, NOON_UTC, NOON_UTC - 2 * units[i].seconds);
		snprintf(text, sizeof(text), "2 %s", units[i].name);
		int64_t d = 0;
		assert_int_equal(nstk_parse_duration(text, strlen(text), &d), 0);
		assert_int_equal(d, 2 * units[i].seconds);
	}
	/* Not units: months, years, abbreviations outside the list. */
	moment_fails("2mo ago", NOON_UTC, -EINVAL);
	moment_fails("2y ago", NOON_UTC, -EINVAL);
	moment_fails("2hr ago", NOON_UTC, -EINVAL);
	moment_fails("2mins ago", NOON_UTC, -EINVAL);
}

static void clock_times_today_and_yesterday(void **state)
{
	(void)state;
	use_tz("UTC");
	const int64_t today = NOON_UTC - 12 * HOUR; /* 2026-12-07T00:00Z */
	moment_is("03:00", NOON_UTC, today + 3 * HOUR);
	moment_is("3:00", NOON_UTC, today + 3 * HOUR);
	moment_is("03:00:15", NOON_UTC, today + 3 * HOUR + 15);
	moment_is("03:00:15.999", NOON_UTC, today + 3 * HOUR + 15);
	moment_is("today", NOON_UTC, today);
	moment_is("today 03:00", NOON_UTC, today + 3 * HOUR);
	moment_is("yesterday", NOON_UTC, today - DAY);
	moment_is("yesterday 03:00", NOON_UTC, today - DAY + 3 * HOUR);
	moment_is("yesterday 23:59:59", NOON_UTC, today - 1);
	moment_is("Yesterday  3:00", NOON_UTC, today - DAY + 3 * HOUR);
}

/* Typed at 01:00, "03:00" is the night before's; "today 03:00" is not. */
static void a_bare_time_ahead_of_now_is_yesterdays(void **state)
{
	(void)state;
	use_tz("UTC");
	const int64_t one_am = NOON_UTC - 11 * HOUR, today = NOON_UTC - 12 * HOUR;
	moment_is("03:00", one_am, today - DAY + 3 * HOUR);
	moment_is("01:00:01", one_am, today - DAY + HOUR + 1);
	/* Now itself and anything before it are today's. */
	moment_is("01:00", one_am, one_am);
	moment_is("00:59:59", one_am, one_am - 1);
	moment_is("00:00", one_am, today);
	/* Only the bare form looks back. */
	moment_is("today 03:00", one_am, today + 3 * HOUR);
	moment_is("yesterday 03:00", one_am, today - DAY + 3 * HOUR);
}

static void iso_8601_dates_and_times(void **state)
{
	(void)state;
	use_tz("UTC");
	const int64_t three_am = NOON_UTC - 9 * HOUR; /* 2026-12-07T03:00:00Z */
	moment_is("2026-12-07T03:00:00Z", NOON_UTC, three_am);
	moment_is("2026-12-07T03:00:00+01:00", NOON_UTC, three_am - HOUR);
	moment_is("2026-12-07T03:00:00-05:30", NOON_UTC, three_am + 5 * HOUR + 1800);
	moment_is("2026-12-07T03:00:00+0100", NOON_UTC, three_am - HOUR);
	moment_is("2026-12-07T03:00+01", NOON_UTC, three_am - HOUR);
	moment_is("2026-12-07T03:00:00.123456Z", NOON_UTC, three_am);
	moment_is("2026-12-07T03:00:00,5Z", NOON_UTC, three_am);
	moment_is("2026-12-07t03:00z", NOON_UTC, three_am);
	moment_is("2026-12-07 03:00", NOON_UTC, three_am);
	moment_is("2026-12-07  03:00:00Z", NOON_UTC, three_am);
	moment_is("2026-12-07T03:00", NOON_UTC, three_am);
	moment_is("2026-12-07", NOON_UTC, three_am - 3 * HOUR);
	/* The future is a moment too (an --until ahead). */
	moment_is("2027-01-01T00:00Z", NOON_UTC, three_am + 25 * DAY - 3 * HOUR);
	/* Leap days, by the Gregorian rules. */
	moment_is("2028-02-29", NOON_UTC, INT64_C(1835395200));
	moment_is("2000-02-29T00:00Z", NOON_UTC, INT64_C(951782400));
	moment_is("1970-01-01T00:00:00Z", NOON_UTC, 0);
	moment_is("1970-01-01T01:00+01:00", NOON_UTC, 0);
	moment_is("9999-12-31T23:59:59Z", NOON_UTC, INT64_C(253402300799));
}

static void epoch_seconds(void **state)
{
	(void)state;
	moment_is("@1733540400", NOON_UTC, INT64_C(1733540400));
	moment_is("@1733540400.75", NOON_UTC, INT64_C(1733540400));
	moment_is("@0", NOON_UTC, 0);
	moment_is("@9223372036854775807", NOON_UTC, INT64_MAX);
}

/* Local times follow TZ; across DST they are what mktime makes of them. */
static void local_time_in_berlin(void **state)
{
	(void)state;
	use_tz("Europe/Berlin");
	const int64_t three_am_utc = NOON_UTC - 9 * HOUR;
	/* Winter: UTC+1; summer: UTC+2. */
	moment_is("2026-12-07 03:00", NOON_UTC, three_am_utc - HOUR);
	moment_is("2026-07-01T03:00", NOON_UTC, INT64_C(1782867600));
	moment_is("2026-12-07", NOON_UTC, three_am_utc - 4 * HOUR);
	/* A zone in the text overrides TZ. */
	moment_is("2026-12-07T03:00Z", NOON_UTC, three_am_utc);
	moment_is("03:00", NOON_UTC, three_am_utc - HOUR);
	moment_is("today", NOON_UTC, three_am_utc - 4 * HOUR);

	/* 2026-03-30T12:00 CEST. Berlin went from 02:00 CET to 03:00 CEST on
	 * the 29th, so that day had 23 hours: "yesterday" (00:00 CET,
	 * 2026-03-28T23:00Z) is 23 hours before "today" (00:00 CEST,
	 * 2026-03-29T22:00Z), and "yesterday 03:00" is 03:00 CEST. */
	const int64_t after_spring = INT64_C(1774864800);
	int64_t today = 0, yesterday = 0;
	assert_int_equal(when("today", after_spring, &today), 0);
	assert_int_equal(when("yesterday", after_spring, &yesterday), 0);
	assert_int_equal(today, INT64_C(1774821600));
	assert_int_equal(yesterday, INT64_C(1774738800));
	assert_int_equal(today - yesterday, 23 * HOUR);
	moment_is("yesterday 03:00", after_spring, INT64_C(1774746000));

	/* 02:30 did not happen on 2026-03-29: whichever way mktime moves it,
	 * it lands an hour either side (00:30Z as CEST, 01:30Z as CET). */
	int64_t gap = 0;
	assert_int_equal(when("2026-03-29 02:30", after_spring, &gap), 0);
	assert_true(gap == INT64_C(1774744200) || gap == INT64_C(1774747800));
	/* 02:30 happened twice on 2026-10-25 (00:30Z CEST, 01:30Z CET): one of them. */
	int64_t twice = 0;
	assert_int_equal(when("2026-10-25 02:30", after_spring, &twice), 0);
	assert_true(twice == INT64_C(1792888200) || twice == INT64_C(1792891800));

	/* The bare-time rule on the short day: at 01:00 CEST on the 30th
	 * (2026-03-29T23:00Z), "03:00" is the 29th's 03:00 CEST. */
	moment_is("03:00", INT64_C(1774825200), INT64_C(1774746000));
	use_tz("UTC");
}

static void garbage_and_trailing_text_are_refused(void **state)
{
	(void)state;
	use_tz("UTC");
	static const char *const bad[] = {
		"", "   ", "nowx", "now ago", "now 1", "nowhere", "tomorrow", "3m", "3 ago", "ago",
		"3x ago", "3m ago x", "3m agoo", "3mago", "-3m ago", "+3m ago", "1.5h ago", "3m ago ago",
		"m ago", "03:00 ago", "yesterday03:00", "yesterday 3", "yesterday ago", "today today",
		"24:00", "3:60", "03:00:60", "123:00", "3:0", "03:", "03:00:", "03:00:1", "03:00.5",
		"03:00:15.", "03:00Z", "2026-13-01", "2026-00-10", "2026-02-29", "2026-04-31",
		"2026-12-00", "2026-12-7", "26-12-07", "20261-12-07", "2026-12-07T", "2026-12-07T03",
		"2026-12-07T03:00+1", "2026-12-07T03:00+01:", "2026-12-07T03:00+01:0",
		"2026-12-07T03:00+24:00", "2026-12-07T03:00 Z", "2026-12-07T 03:00",
		"2026-12-07 T03:00", "2026-12-07T03:00ZZ", "2026-12-07x", "@", "@-1", "@1.", "@1x",
		"@ 1", "1733540400", "\xe2\x80\x8bnow",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		moment_fails(bad[i], NOON_UTC, -EINVAL);
}

/* Only len bytes are read: no NUL needed, none looked for. */
static void the_length_bounds_the_text(void **state)
{
	(void)state;
	use_tz("UTC");
	int64_t out = 0;
	assert_int_equal(nstk_parse_when("3m agoXYZ", 6, NOON_UTC, &out), 0);
	assert_int_equal(out, NOON_UTC - 180);
	assert_int_equal(nstk_parse_when("now", 2, NOON_UTC, &out), -EINVAL);
	assert_int_equal(nstk_parse_when("now\0", 4, NOON_UTC, &out), -EINVAL);
	assert_int_equal(nstk_parse_when("03:00", 4, NOON_UTC, &out), -EINVAL);
	int64_t d = 0;
	assert_int_equal(nstk_parse_duration("7dX", 2, &d), 0);
	assert_int_equal(d, 7 * DAY);
	uint64_t bytes = 0;
	assert_int_equal(nstk_parse_size("1GiB", 2, &bytes), 0);
	assert_int_equal(bytes, 1ULL << 30);
}

static void overflow_and_before_the_epoch_are_out_of_range(void **state)
{
	(void)state;
	use_tz("UTC");
	moment_fails("@9223372036854775808", NOON_UTC, -ERANGE);
	moment_fails("@99999999999999999999999", NOON_UTC, -ERANGE);
	moment_fails("99999999999999999999s ago", NOON_UTC, -ERANGE);
	moment_fails("9223372036854775807w ago", NOON_UTC, -ERANGE);
	moment_fails("9223372036854775807s 1s ago", NOON_UTC, -ERANGE);
	moment_fails("1d ago", 100, -ERANGE);
	moment_fails("1969-12-31T23:59:59Z", NOON_UTC, -ERANGE);
	moment_fails("1970-01-01T00:00:00+00:01", NOON_UTC, -ERANGE);
	moment_fails("0000-01-01", NOON_UTC, -ERANGE);
	moment_fails("now", -1, -ERANGE);
	/* The grammar is judged first: a number too big in garbage is garbage. */
	moment_fails("99999999999999999999s agoX", NOON_UTC, -EINVAL);
	moment_fails("@99999999999999999999x", NOON_UTC, -EINVAL);
}

static void durations(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		int64_t seconds;
	} good[] = {
		{ "7d", 7 * DAY }, { "12h", 12 * HOUR }, { "30m", 1800 },	{ "90s", 90 },
		{ "1w", 7 * DAY }, { "1h30m", 5400 },	  { "1h 30m", 5400 },	{ "90", 90 },
		{ " 90 ", 90 },	   { "2 hours", 7200 },	  { "1D", DAY },	{ "9223372036854775807", INT64_MAX },
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int64_t d = -1;
		int r = nstk_parse_duration(good[i].text, strlen(good[i].text), &d);
		if (r != 0 || d != good[i].seconds)
			fail_msg("\"%s\": r=%d d=%lld", good[i].text, r, (long long)d);
	}
	static const struct {
		const char *text;
		int error;
	} bad[] = {
		{ "", -EINVAL },
		{ "0", -EINVAL },
		{ "0s", -EINVAL },
		{ "0h0m", -EINVAL },
		{ "h", -EINVAL },
		{ "1h30", -EINVAL },
		{ "-5", -EINVAL },
		{ "+5", -EINVAL },
		{ "5 ago", -EINVAL },
		{ "5m ago", -EINVAL },
		{ "1.5h", -EINVAL },
		{ "1x", -EINVAL },
		{ "1 2", -EINVAL },
		{ "9223372036854775808", -ERANGE },
		{ "9223372036854775807s1s", -ERANGE },
		{ "15250284452472w", -ERANGE },
		{ "99999999999999999999hx", -EINVAL },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t d = 12345;
		int r = nstk_parse_duration(bad[i].text, strlen(bad[i].text), &d);
		if (r != bad[i].error || d != 12345)
			fail_msg("\"%s\": r=%d, expected %d", bad[i].text, r, bad[i].error);
	}
}

static void sizes_are_powers_of_1024(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		uint64_t bytes;
	} good[] = {
		{ "1000", 1000 },
		{ "0", 0 },
		{ "16B", 16 },
		{ "1K", 1024 },
		{ "1k", 1024 },
		{ "1KiB", 1024 },
		{ "512M", 512ULL << 20 },
		{ "100MiB", 100ULL << 20 },
		{ "100 MiB", 100ULL << 20 },
		{ "1G", 1ULL << 30 },
		{ "2gib", 2ULL << 30 },
		{ "4T", 4ULL << 40 },
		{ "4TiB", 4ULL << 40 },
		{ " 1G ", 1ULL << 30 },
		{ "16777215T", 16777215ULL << 40 },
		{ "18446744073709551615", UINT64_MAX },
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		uint64_t b = 1;
		int r = nstk_parse_size(good[i].text, strlen(good[i].text), &b);
		if (r != 0 || b != good[i].bytes)
			fail_msg("\"%s\": r=%d b=%llu", good[i].text, r, (unsigned long long)b);
	}
	static const struct {
		const char *text;
		int error;
	} bad[] = {
		{ "", -EINVAL },	   { "M", -EINVAL },	    { "2GB", -EINVAL },
		{ "2kB", -EINVAL },	   { "1.5G", -EINVAL },	    { "-1", -EINVAL },
		{ "1 M B", -EINVAL },	   { "1P", -EINVAL },	    { "1KiBx", -EINVAL },
		{ "1Ki", -EINVAL },	   { "1 2", -EINVAL },	    { "16777216T", -ERANGE },
		{ "18446744073709551616", -ERANGE }, { "99999999999999999999Gx", -EINVAL },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t b = 12345;
		int r = nstk_parse_size(bad[i].text, strlen(bad[i].text), &b);
		if (r != bad[i].error || b != 12345)
			fail_msg("\"%s\": r=%d, expected %d", bad[i].text, r, bad[i].error);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(now_and_relative_moments),
		cmocka_unit_test(every_unit_name),
		cmocka_unit_test(clock_times_today_and_yesterday),
		cmocka_unit_test(a_bare_time_ahead_of_now_is_yesterdays),
		cmocka_unit_test(iso_8601_dates_and_times),
		cmocka_unit_test(epoch_seconds),
		cmocka_unit_test(local_time_in_berlin),
		cmocka_unit_test(garbage_and_trailing_text_are_refused),
		cmocka_unit_test(the_length_bounds_the_text),
		cmocka_unit_test(overflow_and_before_the_epoch_are_out_of_range),
		cmocka_unit_test(durations),
		cmocka_unit_test(sizes_are_powers_of_1024),
	};
	return cmocka_run_group_tests_name("when", tests, NULL, NULL);
}

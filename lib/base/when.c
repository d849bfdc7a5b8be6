/*
 * when.c — moments, durations and sizes as people type them (when.h).
 *
 * The one idea: reading and valuing are two steps. A cursor that cannot
 * pass the end of the text reads the whole text into a description of the
 * moment (and notes, rather than stops at, a number too big), so that any
 * text outside the grammar is -EINVAL whatever else is wrong with it; only
 * a text fully read is given its value, where -ERANGE can arise.
 */
#include <errno.h>
#include <stdbool.h>
#include <time.h>

#include "nstk/when.h"

struct cursor {
	const char *p, *end;
	bool overflow; /* a number or a sum did not fit: -ERANGE once the grammar holds */
};

static bool is_digit(char ch) { return ch >= '0' && ch <= '9'; }
static bool is_blank(char ch) { return ch == ' ' || ch == '\t'; }
static char lower(char ch) { return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch; }
static bool is_letter(char ch) { return lower(ch) >= 'a' && lower(ch) <= 'z'; }

static bool at_end(const struct cursor *c) { return c->p == c->end; }
/* The next byte, or NUL at the end (a NUL in the text matches nothing either). */
static char peek(const struct cursor *c) { return at_end(c) ? '\0' : *c->p; }

/* The text without the blanks around it. */
static struct cursor trimmed(const char *text, size_t len)
{
	struct cursor c = { text, text + len, false };
	while (c.p < c.end && is_blank(*c.p))
		c.p++;
	while (c.end > c.p && is_blank(c.end[-1]))
		c.end--;
	return c;
}

static bool skip_blanks(struct cursor *c)
{
	const char *start = c->p;
	while (!at_end(c) && is_blank(*c->p))
		c->p++;
	return c->p != start;
}

/* Take ch (a letter in either case) if it is next. */
static bool take(struct cursor *c, char ch)
{
	if (at_end(c) || lower(*c->p) != lower(ch))
		return false;
	c->p++;
	return true;
}

/* A run of digits of any length: false for none; a value past UINT64_MAX
 * saturates and marks the cursor. */
static bool take_digits(struct cursor *c, uint64_t *value)
{
	if (!is_digit(peek(c)))
		return false;
	*value = 0;
	for (; is_digit(peek(c)); c->p++) {
		unsigned digit = (unsigned)(*c->p - '0');
		if (__builtin_mul_overflow(*value, 10, value) ||
		    __builtin_add_overflow(*value, digit, value)) {
			c->overflow = true;
			*value = UINT64_MAX;
		}
	}
	return true;
}

/* A field of min to max digits (a date's, a clock's) whose value lies in [lo, hi]. */
static bool take_field(struct cursor *c, int min, int max, int lo, int hi, int *value)
{
	int n = 0;
	*value = 0;
	for (; n < max && is_digit(peek(c)); n++, c->p++)
		*value = *value * 10 + (*c->p - '0');
	return n >= min && *value >= lo && *value <= hi;
}

/* The run of letters next, whole: whether it is word (in any case). Takes it
 * only then, so "nowhere" is not "now" followed by "here". */
static bool take_word(struct cursor *c, const char *word)
{
	const char *p = c->p;
	for (; *word; word++, p++)
		if (p == c->end || lower(*p) != *word)
			return false;
	if (p != c->end && is_letter(*p))
		return false;
	c->p = p;
	return true;
}

/* FRACTION = .DIGITS | ,DIGITS, or nothing: false only for a separator
 * with no digit after it. */
static bool skip_fraction(struct cursor *c)
{
	if (peek(c) != '.' && peek(c) != ',')
		return true;
	c->p++;
	uint64_t ignored;
	return take_digits(c, &ignored);
}

/* Add n of unit into *total, marking the cursor when it does not fit. */
static void add_span(struct cursor *c, uint64_t n, int64_t unit, int64_t *total)
{
	int64_t part;
	if (n > (uint64_t)INT64_MAX || __builtin_mul_overflow((int64_t)n, unit, &part) ||
	    __builtin_add_overflow(*total, part, total)) {
		c->overflow = true;
		*total = INT64_MAX;
	}
}

static const struct unit {
	const char *name;
	int64_t seconds;
} span_units[] = {
	{ "s", 1 },	     { "sec", 1 },	  { "second", 1 },	{ "seconds", 1 },
	{ "m", 60 },	     { "min", 60 },	  { "minute", 60 },	{ "minutes", 60 },
	{ "h", 3600 },	     { "hour", 3600 },	  { "hours", 3600 },
	{ "d", 86400 },	     { "day", 86400 },	  { "days", 86400 },
	{ "w", 604800 },     { "week", 604800 },  { "weeks", 604800 },
};

static bool take_span_unit(struct cursor *c, int64_t *seconds)
{
	for (size_t i = 0; i < sizeof(span_units) / sizeof(span_units[0]); i++)
		if (take_word(c, span_units[i].name)) {
			*seconds = span_units[i].seconds;
			return true;
		}
	return false;
}

/* SPAN = PART{~PART}, PART = DIGITS~UNIT. Blanks after the last part are
 * left unread: they belong to what follows (" ago"). */
static bool take_span(struct cursor *c, int64_t *total)
{
	*total = 0;
	for (bool first = true;; first = false) {
		struct cursor part = *c;
		if (!first)
			skip_blanks(&part);
		uint64_t n;
		if (!take_digits(&part, &n))
			return !first;
		skip_blanks(&part);
		int64_t unit;
		if (!take_span_unit(&part, &unit))
			return false;
		add_span(&part, n, unit, total);
		*c = part;
	}
}

struct clock_time {
	int hour, minute, second;
};

/* TIME = H[H]:MM[:SS[FRACTION]], 00:00 to 23:59:59. */
static bool take_time(struct cursor *c, struct clock_time *t)
{
	t->second = 0;
	if (!take_field(c, 1, 2, 0, 23, &t->hour) || !take(c, ':') ||
	    !take_field(c, 2, 2, 0, 59, &t->minute))
		return false;
	if (!take(c, ':'))
		return true;
	return take_field(c, 2, 2, 0, 59, &t->second) && skip_fraction(c);
}

struct civil_date {
	int year, month, day;
};

static int days_in_month(int year, int month)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return month == 2 && leap ? 29 : days[month - 1];
}

/* DATE = YYYY-MM-DD, a day that exists. */
static bool take_date(struct cursor *c, struct civil_date *d)
{
	return take_field(c, 4, 4, 0, 9999, &d->year) && take(c, '-') &&
	       take_field(c, 2, 2, 1, 12, &d->month) && take(c, '-') &&
	       take_field(c, 2, 2, 1, days_in_month(d->year, d->month), &d->day);
}

/* ZONE = Z | +HH[[:]MM] | -HH[[:]MM], as seconds east of UTC; false for none. */
static bool take_zone(struct cursor *c, bool *bad, int *east_s)
{
	*east_s = 0;
	if (take(c, 'Z'))
		return true;
	char sign = peek(c);
	if (sign != '+' && sign != '-')
		return false;
	c->p++;
	int hours, minutes = 0;
	*bad = !take_field(c, 2, 2, 0, 23, &hours) ||
	       ((take(c, ':') || is_digit(peek(c))) && !take_field(c, 2, 2, 0, 59, &minutes));
	*east_s = (sign == '-' ? -1 : 1) * (hours * 3600 + minutes * 60);
	return true;
}

/* What the text said, before it has a value. */
struct moment {
	enum {
		MOMENT_NOW,
		MOMENT_AGO,	   /* span before now */
		MOMENT_LAST_TIME,  /* a bare TIME: today's, or yesterday's if that is ahead */
		MOMENT_DAY_TIME,   /* days_back days before today, at time */
		MOMENT_LOCAL,	   /* date at time, local */
		MOMENT_ZONED,	   /* date at time, east_s seconds east of UTC */
		MOMENT_EPOCH,	   /* seconds since the epoch */
	} kind;
	int64_t seconds; /* MOMENT_AGO's span, MOMENT_EPOCH's value */
	int days_back;
	struct civil_date date;
	struct clock_time time;
	int east_s;
};

/* DATE | DATE TIME[ZONE] | DATE"T"TIME[ZONE]. */
static bool take_date_moment(struct cursor *c, struct moment *m)
{
	m->kind = MOMENT_LOCAL;
	m->time = (struct clock_time){ 0, 0, 0 };
	if (!take_date(c, &m->date))
		return false;
	if (at_end(c))
		return true;
	if (!take(c, 'T') && !skip_blanks(c))
		return false;
	if (!take_time(c, &m->time))
		return false;
	bool bad = false;
	if (take_zone(c, &bad, &m->east_s))
		m->kind = MOMENT_ZONED;
	return !bad;
}

/* The whole text as a MOMENT (when.h), or false when it is not one. */
static bool read_moment(struct cursor *c, struct moment *m)
{
	*m = (struct moment){ .kind = MOMENT_NOW };
	const char *start = c->p;
	if (take(c, '@')) {
		uint64_t n;
		if (!take_digits(c, &n) || !skip_fraction(c))
			return false;
		if (n > (uint64_t)INT64_MAX)
			c->overflow = true;
		m->kind = MOMENT_EPOCH;
		m->seconds = (int64_t)(n > (uint64_t)INT64_MAX ? (uint64_t)INT64_MAX : n);
	} else if (take_word(c, "now")) {
		m->kind = MOMENT_NOW;
	} else if (take_word(c, "today") || take_word(c, "yesterday")) {
		m->kind = MOMENT_DAY_TIME;
		m->days_back = lower(*start) == 'y'; /* yesterday, not today */
		if (!at_end(c) && (!skip_blanks(c) || !take_time(c, &m->time)))
			return false;
	} else if (is_digit(peek(c))) {
		/* The digits' end tells which: 03:00, 2026-12-07 or 3m ago. */
		const char *after = c->p;
		while (after < c->end && is_digit(*after))
			after++;
		char next = after < c->end ? *after : '\0';
		if (next == ':') {
			m->kind = MOMENT_LAST_TIME;
			if (!take_time(c, &m->time))
				return false;
		} else if (next == '-') {
			if (!take_date_moment(c, m))
				return false;
		} else {
			m->kind = MOMENT_AGO;
			if (!take_span(c, &m->seconds) || !skip_blanks(c) || !take_word(c, "ago"))
				return false;
		}
	} else {
		return false;
	}
	return at_end(c);
}

/* Local time through mktime, DST left to it (tm_isdst = -1). Before the
 * epoch, or not a time_t (mktime's -1), is -ERANGE. */
static int from_local(struct tm *tm, int64_t *out_s)
{
	tm->tm_isdst = -1;
	time_t t = mktime(tm);
	if (t < 0)
		return -ERANGE;
	*out_s = (int64_t)t;
	return 0;
}

/* The local date days_back days before now's, at the clock time t. Going
 * through the calendar (tm_mday - 1) keeps "yesterday 03:00" at 03:00 on
 * the clock across a DST change. */
static int local_day_at(int64_t now_s, int days_back, struct clock_time t, int64_t *out_s)
{
	time_t now = (time_t)now_s;
	struct tm tm;
	if ((int64_t)now != now_s || !localtime_r(&now, &tm))
		return -ERANGE;
	tm.tm_mday -= days_back;
	tm.tm_hour = t.hour;
	tm.tm_min = t.minute;
	tm.tm_sec = t.second;
	return from_local(&tm, out_s);
}

/* Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's
 * days_from_civil), for zoned times, which need no time zone database. */
static int64_t days_from_civil(int year, int month, int day)
{
	year -= month <= 2;
	int era = (year >= 0 ? year : year - 399) / 400;
	int year_of_era = year - era * 400;
	int day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
	int day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
	return (int64_t)era * 146097 + day_of_era - 719468;
}

static int moment_value(const struct moment *m, int64_t now_s, int64_t *out_s)
{
	int r = 0;
	switch (m->kind) {
	case MOMENT_NOW:
		*out_s = now_s;
		break;
	case MOMENT_AGO:
		if (__builtin_sub_overflow(now_s, m->seconds, out_s))
			return -ERANGE;
		break;
	case MOMENT_LAST_TIME:
		r = local_day_at(now_s, 0, m->time, out_s);
		if (r == 0 && *out_s > now_s)
			r = local_day_at(now_s, 1, m->time, out_s);
		break;
	case MOMENT_DAY_TIME:
		r = local_day_at(now_s, m->days_back, m->time, out_s);
		break;
	case MOMENT_LOCAL: {
		struct tm tm = {
			.tm_year = m->date.year - 1900,
			.tm_mon = m->date.month - 1,
			.tm_mday = m->date.day,
			.tm_hour = m->time.hour,
			.tm_min = m->time.minute,
			.tm_sec = m->time.second,
		};
		r = from_local(&tm, out_s);
		break;
	}
	case MOMENT_ZONED:
		*out_s = days_from_civil(m->date.year, m->date.month, m->date.day) * 86400 +
			 m->time.hour * 3600 + m->time.minute * 60 + m->time.second - m->east_s;
		break;
	case MOMENT_EPOCH:
		*out_s = m->seconds;
		break;
	}
	if (r < 0)
		return r;
	return *out_s < 0 ? -ERANGE : 0;
}

int nstk_parse_when(const char *text, size_t len, int64_t now_s, int64_t *out_s)
{
	struct cursor c = trimmed(text, len);
	struct moment m;
	if (!read_moment(&c, &m))
		return -EINVAL;
	if (c.overflow)
		return -ERANGE;
	int64_t value = 0;
	int r = moment_value(&m, now_s, &value);
	if (r < 0)
		return r;
	*out_s = value;
	return 0;
}

int nstk_parse_duration(const char *text, size_t len, int64_t *out_s)
{
	struct cursor c = trimmed(text, len);
	int64_t total = 0;
	uint64_t bare;
	struct cursor number = c;
	if (take_digits(&number, &bare) && at_end(&number)) {
		c = number;
		add_span(&c, bare, 1, &total);
	} else if (!take_span(&c, &total) || !at_end(&c)) {
		return -EINVAL;
	}
	if (c.overflow)
		return -ERANGE;
	if (total == 0)
		return -EINVAL;
	*out_s = total;
	return 0;
}

static const struct size_unit {
	const char *name;
	uint64_t bytes;
} size_units[] = {
	{ "", 1 },
	{ "b", 1 },
	{ "k", 1ULL << 10 },
	{ "kib", 1ULL << 10 },
	{ "m", 1ULL << 20 },
	{ "mib", 1ULL << 20 },
	{ "g", 1ULL << 30 },
	{ "gib", 1ULL << 30 },
	{ "t", 1ULL << 40 },
	{ "tib", 1ULL << 40 },
};

int nstk_parse_size(const char *text, size_t len, uint64_t *out_bytes)
{
	struct cursor c = trimmed(text, len);
	uint64_t n;
	if (!take_digits(&c, &n))
		return -EINVAL;
	skip_blanks(&c);
	const struct size_unit *unit = NULL;
	for (size_t i = 0; !unit && i < sizeof(size_units) / sizeof(size_units[0]); i++)
		if (take_word(&c, size_units[i].name))
			unit = &size_units[i];
	if (!unit || !at_end(&c))
		return -EINVAL;
	uint64_t bytes;
	if (c.overflow || __builtin_mul_overflow(n, unit->bytes, &bytes))
		return -ERANGE;
	*out_bytes = bytes;
	return 0;
}

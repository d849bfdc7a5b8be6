/*
 * filter_number.c — the numbers of the filter language (see filter.h): an
 * integer, signed or not, or a fraction.
 *
 * The one idea: numbers are read digit by digit and compared exactly, as
 * 64-bit integers while both sides are integers, so that no locale, no
 * exponent or hex notation and no rounding of large inode numbers changes
 * what a filter means.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "filter_internal.h"

/*
 * Read "digits" or "digits.digits" at s into *n and the bytes read into
 * *len (0 when s does not start with a digit). -ERANGE for an integer that
 * does not fit 64 bits. Digit by digit rather than strtold, which reads
 * exponents and hex and follows the locale's decimal point.
 */
int nstk_filter_scan_number(const char *s, struct number *n, size_t *len)
{
	size_t i = 0;
	bool overflow = false;
	uint64_t u = 0;
	long double whole = 0;

	for (; is_digit(s[i]); i++) {
		unsigned digit = (unsigned)(s[i] - '0');
		if (u > (UINT64_MAX - digit) / 10)
			overflow = true;
		u = u * 10 + digit;
		whole = whole * 10 + digit;
	}
	*len = i;
	*n = (struct number){ .u = u };
	if (i == 0 || s[i] != '.' || !is_digit(s[i + 1])) {
		if (overflow)
			return -ERANGE;
		return 0;
	}
	/* digits / 10^k, rounded once; digits past the 30th cannot change a long double. */
	long double digits = 0, scale = 1;
	for (i++; is_digit(s[i]); i++) {
		if (scale < 1e30L) {
			digits = digits * 10 + (s[i] - '0');
			scale *= 10;
		}
	}
	*len = i;
	n->is_fraction = true;
	n->f = whole + digits / scale;
	return isfinite(n->f) ? 0 : -ERANGE;
}

/* A cell's text as a number: "-?digits(.digits)?", blanks around allowed. */
bool nstk_filter_number_from_text(const char *s, struct number *n)
{
	while (*s == ' ' || *s == '\t')
		s++;
	bool minus = *s == '-';
	s += minus;
	size_t len;
	if (nstk_filter_scan_number(s, n, &len) < 0 || len == 0)
		return false;
	for (s += len; *s == ' ' || *s == '\t'; s++)
		;
	if (*s)
		return false;
	if (!minus)
		return true;
	if (n->is_fraction)
		n->f = -n->f;
	else if (n->u > (uint64_t)INT64_MAX + 1) {
		n->is_fraction = true;
		n->f = -(long double)n->u;
	} else if (n->u) {
		n->negative = true;
		n->u = 0 - n->u; /* two's complement: (int64_t)u is the value */
	}
	return true;
}

static long double number_as_long_double(const struct number *n)
{
	if (n->is_fraction)
		return n->f;
	return n->negative ? (long double)(int64_t)n->u : (long double)n->u;
}

int nstk_filter_number_cmp(const struct number *a, const struct number *b)
{
	if (a->is_fraction || b->is_fraction) {
		long double x = number_as_long_double(a), y = number_as_long_double(b);
		return (x > y) - (x < y);
	}
	if (a->negative != b->negative)
		return a->negative ? -1 : 1;
	if (a->negative) {
		int64_t x = (int64_t)a->u, y = (int64_t)b->u;
		return (x > y) - (x < y);
	}
	return (a->u > b->u) - (a->u < b->u);
}

bool nstk_filter_number_is_zero(const struct number *n)
{
	return n->is_fraction ? n->f == 0 : n->u == 0;
}

/* Decimal text of n in buf (big enough for any u64, i64 or %Lg). */
const char *nstk_filter_number_to_text(const struct number *n, char *buf, size_t size)
{
	if (n->is_fraction)
		snprintf(buf, size, "%Lg", n->f);
	else if (n->negative)
		snprintf(buf, size, "%" PRId64, (int64_t)n->u);
	else
		snprintf(buf, size, "%" PRIu64, n->u);
	return buf;
}

/*
 * fuzz_when.c — libFuzzer harness for when.h's parsers of what a person
 * types: the first byte picks the moment, the duration or the size parser,
 * the rest is the text. Each returns 0, -EINVAL or -ERANGE; what it accepts
 * keeps its promises ("N ago" and a bare time are not after now, a moment
 * is not before the epoch, a duration is more than nothing and means the
 * same span as "DURATION ago"), and no accepted text stays accepted with
 * a letter after it (the whole text is read, nothing ends it early).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nstk/when.h"
#include "fuzz_input.h"

/* 2026-03-30T01:00 in Europe/Berlin, the night after the spring change:
 * bare times ahead of now go back to the 23-hour day. */
#define NOW INT64_C(1774825200)

static void expect_error_or_ok(int r)
{
	if (r != 0 && r != -EINVAL && r != -ERANGE)
		abort();
}

/* The text without the blanks around it ends with word, in any case. */
static bool ends_with_word(const char *text, size_t len, const char *word)
{
	while (len && (text[len - 1] == ' ' || text[len - 1] == '\t'))
		len--;
	size_t n = strlen(word);
	if (len < n)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((text[len - n + i] | 0x20) != word[i])
			return false;
	return true;
}

/* A bare TIME: digits, colons and a fraction only, a colon among them. */
static bool is_bare_time(const char *text, size_t len)
{
	bool colon = false;
	for (size_t i = 0; i < len; i++) {
		char ch = text[i];
		if (ch == ':')
			colon = true;
		else if (!(ch >= '0' && ch <= '9') && ch != '.' && ch != ',' && ch != ' ' && ch != '\t')
			return false;
	}
	return colon;
}

/* A copy of text with suffix after it, to free(). */
static char *with_suffix(const char *text, size_t len, const char *suffix, size_t *out_len)
{
	size_t n = strlen(suffix);
	char *copy = malloc(len + n);
	if (!copy)
		abort();
	memcpy(copy, text, len);
	memcpy(copy + len, suffix, n);
	*out_len = len + n;
	return copy;
}

static bool has_letter(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (((text[i] | 0x20) >= 'a' && (text[i] | 0x20) <= 'z'))
			return true;
	return false;
}

static int parse(unsigned which, const char *text, size_t len)
{
	int64_t s;
	uint64_t bytes;
	switch (which) {
	case 0:
		return nstk_parse_when(text, len, NOW, &s);
	case 1:
		return nstk_parse_duration(text, len, &s);
	default:
		return nstk_parse_size(text, len, &bytes);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool tz_set;
	if (!tz_set) {
		setenv("TZ", "Europe/Berlin", 1);
		tzset();
		tz_set = true;
	}
	unsigned which;
	char *text;
	size_t len;
	if (!fuzz_input_split(data, size, &which, &text, &len))
		return 0;
	which %= 3;
	int r;

	switch (which) {
	case 0: {
		int64_t when = -1;
		expect_error_or_ok(r = nstk_parse_when(text, len, NOW, &when));
		if (r == 0 && when < 0)
			abort();
		if (r == 0 && ends_with_word(text, len, "ago") && when > NOW)
			abort();
		/* The last time the clock showed it: not ahead, at most two days back. */
		if (r == 0 && is_bare_time(text, len) && (when > NOW || when < NOW - 2 * 86400))
			abort();
		break;
	}
	case 1: {
		int64_t duration = -1;
		expect_error_or_ok(r = nstk_parse_duration(text, len, &duration));
		if (r == 0 && duration <= 0)
			abort();
		/* A span with units is the same span before now ("7d" and "7d ago"). */
		if (r == 0 && has_letter(text, len)) {
			size_t ago_len;
			char *ago = with_suffix(text, len, " ago", &ago_len);
			int64_t when = -1;
			if (nstk_parse_when(ago, ago_len, INT64_MAX, &when) != 0 ||
			    when != INT64_MAX - duration)
				abort();
			free(ago);
		}
		break;
	}
	default: {
		uint64_t bytes = 0;
		expect_error_or_ok(r = nstk_parse_size(text, len, &bytes));
		break;
	}
	}

	if (r == 0) {
		size_t longer_len;
		char *longer = with_suffix(text, len, "x", &longer_len);
		if (parse(which, longer, longer_len) != -EINVAL)
			abort();
		free(longer);
	}
	free(text);
	return 0;
}

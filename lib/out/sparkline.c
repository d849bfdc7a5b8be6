/*
 * sparkline.c — values as a row of bar glyphs (sparkline.h).
 *
 * The one idea: choose first, then draw. Walking back from the newest value
 * finds the oldest one that still fits (glyphs differ in bytes: 3 for a bar
 * in UTF-8, 1 for a space or ASCII), so the line is drawn left to right in
 * one pass and never cut in the middle of a UTF-8 sequence.
 */
#include <math.h>
#include <string.h>

#include "nstk/sparkline.h"

#define STEPS 8

static const char *const bars_utf8[STEPS] = {
	"\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587", "\u2588",
};
static const char ramp_ascii[STEPS + 1] = ".:-=+*#@";

/* Which of the 8 steps v is, 0 to 7. */
static int step_of(double v, double max)
{
	if (!(max > 0) || !(v > 0))
		return 0;
	if (v >= max)
		return STEPS - 1;
	int step = (int)(v / max * STEPS);
	return step < STEPS - 1 ? step : STEPS - 1;
}

/* The glyph of one value (a space for NaN, absent). */
static const char *glyph_of(double v, double max, bool utf8, char ascii[2])
{
	if (isnan(v))
		return " ";
	int step = step_of(v, max);
	if (utf8)
		return bars_utf8[step];
	ascii[0] = ramp_ascii[step];
	ascii[1] = '\0';
	return ascii;
}

size_t nstk_sparkline(const double *values, size_t n, double max, bool utf8, char *buf,
		      size_t size)
{
	if (size == 0)
		return 0;
	char ascii[2];
	size_t room = size - 1, used = 0, first = n;
	while (first > 0) {
		size_t width = strlen(glyph_of(values[first - 1], max, utf8, ascii));
		if (used + width > room)
			break;
		used += width;
		first--;
	}
	size_t written = 0;
	for (size_t i = first; i < n; i++) {
		const char *glyph = glyph_of(values[i], max, utf8, ascii);
		size_t width = strlen(glyph);
		memcpy(buf + written, glyph, width);
		written += width;
	}
	buf[written] = '\0';
	return written;
}

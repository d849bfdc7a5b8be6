/*
 * sparkline.h — a row of values drawn as one glyph each, a bar of eight
 * heights (▁▂▃▄▅▆▇█, or an ASCII ramp outside UTF-8): the last minutes of a
 * cgroup's CPU % of limit or memory % of max on cgtop's screen.
 *
 * The one idea: a value is one cell and one of eight equal steps of max,
 * and an absent value is a blank cell, so a gap in the record shows as a
 * gap, never as a zero.
 */
#ifndef NSTK_SPARKLINE_H
#define NSTK_SPARKLINE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Draw values[0..n) (oldest first) into buf, NUL-terminated; returns the
 * bytes written before the NUL.
 *
 * A value v gets step floor(8 * v / max) of 0..7, so each glyph covers an
 * eighth of max: 0 (and anything below 12.5 % of max, and negative values)
 * is the lowest glyph, max and above (and +inf) the highest. NaN means
 * absent: a space, in ASCII and UTF-8 alike. A max that is not above 0
 * (or NaN) gives every present value the lowest glyph: there is nothing to
 * scale against.
 *
 * UTF-8 glyphs are U+2581..U+2588 (3 bytes each). The ASCII ramp is
 * ".:-=+*#@": ink grows with the value, and its lowest step is a visible
 * '.' rather than the usual ' ', so that a zero never looks like an absent
 * value.
 *
 * When not every value fits in size - 1 bytes, the newest win: the line
 * holds the last values that fit, newest at the right. size 0 writes
 * nothing (buf may then be NULL). One value is one terminal cell, so to
 * draw at most W cells pass the last W values.
 */
size_t nstk_sparkline(const double *values, size_t n, double max, bool utf8, char *buf,
		      size_t size);

#endif

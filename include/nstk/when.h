/*
 * when.h — what a person types for a moment ("3m ago", "yesterday 03:00",
 * ISO 8601), a length of time ("7d") and an amount of bytes ("512M"), read
 * into numbers: cgtop's --at, --since, --until, --retain and --max-size.
 *
 * The one idea: one small grammar per kind, read byte by byte within len
 * (never text[len], no NUL needed), with one rule for errors: text outside
 * the grammar is -EINVAL, text inside it whose value does not fit is
 * -ERANGE, and the whole text must be used (no trailing garbage). Pure:
 * no I/O, no clock (the caller passes now); local time comes from the time
 * zone database through localtime_r and mktime, so TZ is honoured.
 *
 * Common to the three grammars:
 *   - notation: "a b" has one or more blanks (spaces, tabs) between a and
 *     b, "a~b" may have blanks between them or none, "ab" has none; [x] is
 *     optional, {x} is any number of x, | separates alternatives, and a
 *     quoted letter stands for itself where it could be misread as a name;
 *   - blanks around the whole text are ignored;
 *   - letters match without regard to case ("3M AGO", "2026-12-07t03:00z");
 *   - numbers are decimal digits: no sign (nothing is negative), no
 *     exponent, no locale.
 *
 * A span, shared by relative moments and durations:
 *   SPAN = PART{~PART}                      the parts add up: "1h30m", "1h 30m"
 *   PART = DIGITS~UNIT                      "90s", "3 minutes"
 *   UNIT = s | sec | second | seconds       1 s
 *        | m | min | minute | minutes       60 s ("m" is never months)
 *        | h | hour | hours                 3600 s
 *        | d | day | days                   86400 s
 *        | w | week | weeks                 604800 s
 * A day here is 86400 s; "1d ago" is exactly 86400 s before now, while
 * "yesterday" is a date on the local calendar.
 */
#ifndef NSTK_WHEN_H
#define NSTK_WHEN_H

#include <stddef.h>
#include <stdint.h>

/*
 * A moment, as seconds since the epoch, into *out_s; now_s is "now".
 *
 *   MOMENT   = now
 *            | SPAN ago                     now minus the span
 *            | TIME                         the last one; see the rule below
 *            | today | today TIME           today's date, at 00:00 or TIME
 *            | yesterday | yesterday TIME   the day before, at 00:00 or TIME
 *            | DATE                         local midnight of that date
 *            | DATE TIME[ZONE]              "2026-12-07 03:00"
 *            | DATE"T"TIME[ZONE]            "2026-12-07T03:00:00+01:00"
 *            | @DIGITS[FRACTION]            seconds since the epoch, as date(1)
 *   TIME     = H[H]:MM[:SS[FRACTION]]       00:00 to 23:59:59
 *   DATE     = YYYY-MM-DD                   a day that exists (no 02-30)
 *   ZONE     = Z | +HH[[:]MM] | -HH[[:]MM]  UTC, or its offset from UTC
 *   FRACTION = .DIGITS | ,DIGITS            read and ignored (rounds down)
 *
 * Without a ZONE, a date and a time are local time, honouring TZ: the date
 * and time are handed to mktime with tm_isdst = -1, so a time that a
 * daylight saving change skips (02:30 on the spring day in Europe/Berlin)
 * or repeats (02:30 on the autumn day) resolves as mktime resolves it:
 * glibc moves a skipped time by the size of the jump and picks one of the
 * two repeated ones.
 *
 * A bare TIME means the last time the clock showed it: today's, unless
 * that is after now, then yesterday's. Typed at 01:00, "03:00" is the night
 * before's 03:00, which is what a person looking back means; "today 03:00"
 * is today's even when it lies ahead. "yesterday 03:00" is 03:00 on the
 * local calendar's previous day: across a DST change that is 23 or 25
 * hours before today's 03:00, not 24.
 *
 * Returns 0, -EINVAL for text outside the grammar (garbage, trailing text,
 * an hour 24, a month 13, a SPAN without "ago"), or -ERANGE when a number
 * does not fit 64 bits or the moment falls before the epoch.
 */
int nstk_parse_when(const char *text, size_t len, int64_t now_s, int64_t *out_s);

/*
 * A length of time, in seconds, into *out_s:
 *
 *   DURATION = SPAN | DIGITS                 "7d", "1h30m", "90" (seconds)
 *
 * It must be more than nothing: "0" and "0s" are -EINVAL. -ERANGE when the
 * sum does not fit 64 bits.
 */
int nstk_parse_duration(const char *text, size_t len, int64_t *out_s);

/*
 * An amount of bytes into *out_bytes:
 *
 *   SIZE   = DIGITS [ ] [SUFFIX]
 *   SUFFIX = B                                bytes
 *          | K | KiB                          1024
 *          | M | MiB                          1024^2
 *          | G | GiB                          1024^3
 *          | T | TiB                          1024^4
 *
 * Every suffix is a power of 1024, as in systemd's MemoryMax= and
 * most tools'; "1000" is 1000 bytes. KB, MB, GB and TB are -EINVAL rather
 * than guessed at: they are powers of 1000 to SI and of 1024 to others,
 * and a limit should not depend on which the reader assumed. Fractions
 * ("1.5G") are -EINVAL. 0 is accepted (what it means is the caller's);
 * -ERANGE when the amount does not fit 64 bits.
 */
int nstk_parse_size(const char *text, size_t len, uint64_t *out_bytes);

#endif

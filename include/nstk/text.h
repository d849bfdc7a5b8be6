/*
 * text.h — text taken from the kernel (command lines, paths, host names,
 * which any process or container fills with any bytes) made safe to put on
 * a terminal, by one rule for every table and screen of every tool.
 */
#ifndef NSTK_TEXT_H
#define NSTK_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/*
 * Length of the valid UTF-8 sequence at s (1-4; 1 for ASCII), or 0 when the
 * byte there starts none (stray continuation, overlong form, surrogate,
 * past U+10FFFF). *cp gets the code point when cp is not NULL. s must be
 * NUL-terminated: a sequence never reads past the NUL.
 */
size_t nstk_utf8_sequence(const unsigned char *s, uint32_t *cp);

/*
 * Whether a code point acts on a terminal or on how a reader sees the line
 * instead of showing: C0 and C1 controls, DEL, bidirectional controls
 * (U+202E turns "gpj.exe" around), zero-width and invisible characters
 * (U+200B, U+2060, U+FEFF, U+00AD, tags), line and paragraph separators.
 */
bool nstk_text_hidden(uint32_t cp);

/* Whether s has nothing to escape; the byte keep (or -1) counts as safe. */
bool nstk_text_is_safe(const char *s, int keep);

/*
 * s with every byte of an invalid sequence and of a hidden code point, and
 * a backslash before an x, written as \xHH (as libsmartcols writes control
 * bytes and "\x", so that \x in the output always starts an escape), the
 * rest as it is;
 * keep (or -1) is one byte left alone (a separator the caller turns into
 * line breaks). A new string, or NULL when out of memory.
 */
char *nstk_text_safe(const char *s, int keep);

/*
 * A JSON string for text from the kernel (paths, host names, command lines),
 * which may be any bytes: valid UTF-8 is kept as it is, each byte that is
 * not becomes the four characters \xNN. NULL only when out of memory;
 * nstk_json_text_or_null() gives null for a NULL s.
 */
json_t *nstk_json_text(const char *s);
json_t *nstk_json_text_or_null(const char *s);

#endif

/*
 * text.c — one escaping rule for text on a terminal (see text.h): nsls's
 * and cgtop's tables and cgtop's screen escape the same bytes the same way,
 * so what a hostile command line shows does not depend on the output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nstk/text.h"
#include "nstk/util.h"

size_t nstk_utf8_sequence(const unsigned char *s, uint32_t *cp)
{
	if (s[0] < 0x80) {
		if (cp)
			*cp = s[0];
		return 1;
	}
	/* 0xf5..0xff start nothing: taken for a 3-byte lead, they made json_string()
	 * refuse the "escaped" text and a hostile argv broke -J (fuzz_out). */
	size_t n = s[0] > 0xf4 ? 0 : s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	/* Overlong three-byte forms, surrogates, and code points past U+10FFFF. */
	if ((n == 3 && s[0] == 0xe0 && s[1] < 0xa0) || (n == 3 && s[0] == 0xed && s[1] >= 0xa0) ||
	    (n == 4 && s[0] == 0xf0 && s[1] < 0x90) || (n == 4 && s[0] == 0xf4 && s[1] >= 0x90))
		return 0;
	if (n && cp) {
		uint32_t v = s[0] & (0x7f >> n);
		for (size_t i = 1; i < n; i++)
			v = v << 6 | (s[i] & 0x3f);
		*cp = v;
	}
	return n;
}

bool nstk_text_hidden(uint32_t cp)
{
	static const struct {
		uint32_t first, last;
	} hidden[] = {
		{ 0x0000, 0x001f },   /* C0 controls */
		{ 0x007f, 0x009f },   /* DEL, C1 controls (0x9b is a CSI of its own) */
		{ 0x00ad, 0x00ad },   /* soft hyphen */
		{ 0x034f, 0x034f },   /* combining grapheme joiner */
		{ 0x061c, 0x061c },   /* Arabic letter mark (bidi) */
		{ 0x115f, 0x1160 },   /* Hangul fillers */
		{ 0x17b4, 0x17b5 },   /* Khmer inherent vowels */
		{ 0x180b, 0x180f },   /* Mongolian selectors, vowel separator */
		{ 0x200b, 0x200f },   /* zero-width space/joiners, LRM, RLM */
		{ 0x2028, 0x202e },   /* line/paragraph separators, LRE RLE PDF LRO RLO */
		{ 0x2060, 0x206f },   /* word joiner, invisible operators, LRI RLI FSI PDI, ... */
		{ 0x3164, 0x3164 },   /* Hangul filler */
		{ 0xfeff, 0xfeff },   /* zero-width no-break space (BOM) */
		{ 0xffa0, 0xffa0 },   /* halfwidth Hangul filler */
		{ 0xfff9, 0xfffb },   /* interlinear annotation */
		{ 0x1d173, 0x1d17a }, /* musical formatting */
		{ 0xe0000, 0xe007f }, /* tags */
	};
	for (size_t i = 0; i < NSTK_ARRAY_SIZE(hidden); i++)
		if (cp >= hidden[i].first && cp <= hidden[i].last)
			return true;
	return false;
}

/* Bytes at s to escape (0: none, then *len is the sequence to keep). */
static bool must_escape(const unsigned char *s, int keep, size_t *len)
{
	uint32_t cp;
	size_t n = nstk_utf8_sequence(s, &cp);
	if (n == 0) {
		*len = 1;
		return true;
	}
	*len = n;
	if (n == 1 && s[0] == (unsigned)keep)
		return false;
	/* A backslash before an x too, as libsmartcols has it: \x in the
	 * output is then always an escape, never text a process wrote. */
	return (cp == '\\' && s[1] == 'x') || nstk_text_hidden(cp);
}

bool nstk_text_is_safe(const char *s, int keep)
{
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		/* The common case, printable ASCII, without the table. */
		if (*p >= 0x20 && *p < 0x7f && !(*p == '\\' && p[1] == 'x')) {
			p++;
			continue;
		}
		size_t n;
		if (must_escape(p, keep, &n))
			return false;
		p += n;
	}
	return true;
}

char *nstk_text_safe(const char *s, int keep)
{
	size_t len = strlen(s);
	char *out = malloc(len * 4 + 1);
	if (!out)
		return NULL;
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n;
		bool esc = must_escape(p, keep, &n);
		for (size_t i = 0; i < n; i++) {
			if (esc)
				o += (size_t)snprintf(out + o, 5, "\\x%02x", p[i]);
			else
				out[o++] = (char)p[i];
		}
		p += n;
	}
	out[o] = '\0';
	return out;
}

json_t *nstk_json_text(const char *s)
{
	json_t *j = json_string(s);
	if (j)
		return j;
	size_t len = strlen(s);
	_cleanup_free_ char *out = malloc(len * 4 + 1);
	if (!out)
		return NULL;
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = nstk_utf8_sequence(p, NULL);
		if (n == 0) {
			o += (size_t)sprintf(out + o, "\\x%02x", *p);
			p++;
			continue;
		}
		memcpy(out + o, p, n);
		o += n;
		p += n;
	}
	out[o] = '\0';
	return json_string(out);
}

json_t *nstk_json_text_or_null(const char *s)
{
	return s ? nstk_json_text(s) : json_null();
}

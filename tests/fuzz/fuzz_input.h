/*
 * fuzz_input.h — the input shape of the harnesses that serve several
 * parsers: the first byte picks the parser, the rest is its text. The text
 * is a private copy with no NUL after it, so that a parser reading one byte
 * past the end trips ASan instead of finding libFuzzer's buffer there.
 */
#ifndef NSTK_FUZZ_INPUT_H
#define NSTK_FUZZ_INPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * which: the parser (modulo how many the harness has); text: len bytes, to
 * free(). False for an empty input (nothing to pick with) or no memory.
 */
static inline bool fuzz_input_split(const uint8_t *data, size_t size, unsigned *which, char **text,
				    size_t *len)
{
	if (size < 1)
		return false;
	*which = data[0];
	*len = size - 1;
	*text = malloc(*len ? *len : 1);
	if (!*text)
		return false;
	memcpy(*text, data + 1, *len);
	return true;
}

#endif

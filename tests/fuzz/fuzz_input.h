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

struct fuzz_input {
	unsigned which; /* the parser, modulo how many the harness has */
	char *text;	/* len bytes, free() it */
	size_t len;
};

/* False for an empty input (nothing to pick with) or no memory. */
static inline bool fuzz_input_split(const uint8_t *data, size_t size, struct fuzz_input *in)
{
	if (size < 1)
		return false;
	in->which = data[0];
	in->len = size - 1;
	in->text = malloc(in->len ? in->len : 1);
	if (!in->text)
		return false;
	memcpy(in->text, data + 1, in->len);
	return true;
}

#endif

/*
 * fuzz_span.c — libFuzzer harness for span.h's lines, tokens and fields,
 * which every parser walks kernel text with. The first byte picks the walk
 * and the separator; each walk must make progress, hand back spans that lie
 * inside the input, and between them cover every byte that is not a
 * separator.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nstk/span.h"
#include "fuzz_input.h"

static void inside(struct nstk_span s, const char *buf, size_t size)
{
	if (s.len && (s.s < buf || s.s + s.len > buf + size))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned which;
	char *text;
	size_t len;
	if (!fuzz_input_split(data, size, &which, &text, &len))
		return 0;
	struct nstk_span all = { text, len }, piece;
	size_t pos = 0, covered = 0, steps = 0;

	switch (which % 3) {
	case 0: {
		/* Lines: their bytes plus one '\n' each (none after an unterminated
		 * last line) are the whole text, in order. */
		int r;
		while ((r = nstk_next_line(text, len, &pos, &piece)) > 0) {
			inside(piece, text, len);
			if (piece.s != text + covered || memchr(piece.s, '\n', piece.len))
				abort();
			covered += piece.len + (r == NSTK_LINE ? 1 : 0);
			if (r == NSTK_LINE_UNTERMINATED && covered != len)
				abort();
			if (++steps > len + 1)
				abort();
		}
		if (covered != len || pos != len)
			abort();
		break;
	}
	case 1: {
		/* Tokens: an error only for an empty one; none holds the separator. */
		char sep = (char)(which >> 2);
		int r;
		while ((r = nstk_next_token(all, sep, &pos, &piece)) == 1) {
			inside(piece, text, len);
			if (piece.len == 0 || memchr(piece.s, sep, piece.len))
				abort();
			if (++steps > len + 1)
				abort();
		}
		if (r != 0 && r != -EINVAL)
			abort();
		break;
	}
	default:
		/* Fields: never empty, never holding a space, in order. */
		while (nstk_next_field(all, &pos, &piece)) {
			inside(piece, text, len);
			if (piece.len == 0 || memchr(piece.s, ' ', piece.len) || piece.s < text + covered)
				abort();
			covered = (size_t)(piece.s - text) + piece.len;
			if (++steps > len + 1)
				abort();
		}
		break;
	}
	free(text);
	return 0;
}

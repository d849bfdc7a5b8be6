/*
 * span.c — lines, tokens and fields over a span of kernel text (span.h).
 * The one place that decides what a line and a token are, so the parsers
 * above agree on a file cut short and on doubled separators.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>

#include "nstk/span.h"
#include "nstk/util.h"

bool nstk_span_eq(struct nstk_span a, const char *word)
{
	return strlen(word) == a.len && memcmp(a.s, word, a.len) == 0;
}

bool nstk_span_starts(struct nstk_span a, const char *prefix)
{
	size_t n = strlen(prefix);
	return a.len >= n && memcmp(a.s, prefix, n) == 0;
}

bool nstk_span_ends(struct nstk_span a, const char *suffix)
{
	size_t n = strlen(suffix);
	return a.len >= n && memcmp(a.s + a.len - n, suffix, n) == 0;
}

int nstk_next_line(const char *text, size_t len, size_t *pos, struct nstk_span *line)
{
	if (*pos >= len)
		return NSTK_LINE_END;
	const char *start = text + *pos;
	const char *nl = memchr(start, '\n', len - *pos);
	if (!nl) {
		*line = (struct nstk_span){ start, len - *pos };
		*pos = len;
		return NSTK_LINE_UNTERMINATED;
	}
	*line = (struct nstk_span){ start, (size_t)(nl - start) };
	*pos += line->len + 1;
	return NSTK_LINE;
}

int nstk_next_token(struct nstk_span line, char sep, size_t *pos, struct nstk_span *tok)
{
	/* At the end, unless the line ended on a separator: that is an empty token. */
	if (*pos > line.len || (*pos == line.len && (*pos == 0 || line.s[*pos - 1] != sep)))
		return 0;
	const char *start = line.s + *pos;
	const char *end = memchr(start, sep, line.len - *pos);
	size_t n = end ? (size_t)(end - start) : line.len - *pos;
	if (n == 0)
		return -EINVAL;
	*tok = (struct nstk_span){ start, n };
	*pos += n + (end ? 1 : 0);
	return 1;
}

bool nstk_next_field(struct nstk_span line, size_t *pos, struct nstk_span *field)
{
	size_t i = *pos;
	while (i < line.len && line.s[i] == ' ')
		i++;
	if (i >= line.len) {
		*pos = i;
		return false;
	}
	size_t start = i;
	while (i < line.len && line.s[i] != ' ')
		i++;
	*pos = i;
	*field = (struct nstk_span){ line.s + start, i - start };
	return true;
}

int nstk_read_proc_file(pid_t pid, const char *name, char **text, size_t *len)
{
	char path[64];
	if (snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	return nstk_read_file_at(AT_FDCWD, path, text, len);
}

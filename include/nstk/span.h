/*
 * span.h — the one set of text primitives every parser in nstk walks
 * kernel text with: a span (a pointer and a length into the caller's
 * buffer, never NUL-terminated), lines, tokens, blank-separated fields, and
 * reading a /proc/PID file whole. Pure and length-bounded (fuzz_span), so a
 * parser built on them never reads past what the kernel gave it.
 */
#ifndef NSTK_SPAN_H
#define NSTK_SPAN_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <sys/types.h>

struct nstk_span {
	const char *s;
	size_t len;
};

/* The span of a NUL-terminated string. */
static inline struct nstk_span nstk_span_of(const char *str)
{
	return (struct nstk_span){ str, strlen(str) };
}

/* Whether the span is exactly word / starts with prefix / ends with suffix. */
bool nstk_span_eq(struct nstk_span a, const char *word);
bool nstk_span_starts(struct nstk_span a, const char *prefix);
bool nstk_span_ends(struct nstk_span a, const char *suffix);

/* What nstk_next_line found. */
enum nstk_line {
	NSTK_LINE_END = 0,	    /* no more text */
	NSTK_LINE = 1,		    /* a line ended by '\n' */
	NSTK_LINE_UNTERMINATED = 2, /* the last line, with no '\n': a read cut short, or a
				       one-line file written without one */
};

/*
 * The next line of text[0..len) at *pos, without its '\n', and *pos moved
 * past it. Returns an enum nstk_line: a loop that takes every line runs
 * while it is > 0; one that refuses a cut-short file (the cgroup parsers)
 * refuses NSTK_LINE_UNTERMINATED.
 */
int nstk_next_line(const char *text, size_t len, size_t *pos, struct nstk_span *line);

/*
 * The next token of line at *pos, split on single sep bytes (cgroup files:
 * "key value", "rbytes=1 wbytes=2"). Returns 1 and the token, 0 at the end,
 * -EINVAL for an empty token (two seps, a leading or trailing one).
 */
int nstk_next_token(struct nstk_span line, char sep, size_t *pos, struct nstk_span *tok);

/*
 * The next field of line at *pos, fields separated by runs of spaces
 * (mountinfo). Returns true and the field, false at the end of the line.
 */
bool nstk_next_field(struct nstk_span line, size_t *pos, struct nstk_span *field);

/*
 * Read /proc/<pid>/<name> whole ("status", "ns/net" is not a file: use
 * readlink), NUL-terminated, into a malloc'd *text. 0 or -errno: -ENOENT or
 * -ESRCH when the process is gone, which callers treat as "not there".
 */
int nstk_read_proc_file(pid_t pid, const char *name, char **text, size_t *len);

#endif

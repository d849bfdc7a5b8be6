/*
 * filter_internal.h — private to lib/out's filter: the compiled tree of a
 * scols-filter(5) expression, the language's numbers, and the ASCII
 * character classes its lexer and evaluator share. filter.c reads an
 * expression into the tree, filter_match.c matches a row against it,
 * filter_number.c scans and compares numbers, filter_regex.c says which
 * regexes regcomp can afford.
 */
#ifndef NSTK_FILTER_INTERNAL_H
#define NSTK_FILTER_INTERNAL_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "nstk/filter.h"

/* A number as the language sees it: an integer (signed or not) or a fraction. */
struct number {
	bool is_fraction;
	bool negative; /* an integer below zero, whose value is (int64_t)u */
	uint64_t u;
	long double f; /* when is_fraction */
};

enum node_kind {
	NODE_OR,
	NODE_AND,
	NODE_NOT,
	NODE_COMPARE,
	NODE_COLUMN,
	NODE_STRING,
	NODE_NUMBER,
	NODE_BOOLEAN,
};

enum compare_op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_MATCH, OP_NOMATCH };

struct node {
	enum node_kind kind;
	union {
		struct {
			struct node **operands;
			size_t n, cap;
		} list; /* NODE_OR, NODE_AND */
		struct node *negated;
		struct {
			enum compare_op op;
			struct node *left, *right;
			regex_t *regex; /* OP_MATCH, OP_NOMATCH: right's string, compiled */
		} compare;
		size_t column;
		char *string;
		struct number number;
		bool boolean;
	};
};

struct nstk_filter {
	struct node *root; /* NULL for the empty expression, which matches all */
};

/* ---- characters (ASCII only: no locale may change the language) ---- */

static inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
static inline bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static inline bool is_name_char(char c)
{
	return is_letter(c) || is_digit(c) || (c && strchr("_.%:/-", c));
}
static inline char to_upper(char c) { return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c; }

/* Whether name (NUL-terminated) is text[0..len) in any case: strcasecmp follows the locale. */
static inline bool same_name(const char *name, const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (to_upper(name[i]) != to_upper(text[i]))
			return false; /* also when name ends first: text has no NUL in it */
	}
	return name[len] == '\0';
}

/* ---- numbers (filter_number.c) ---- */

/*
 * Read "digits" or "digits.digits" at s into *n and the bytes read into
 * *len (0 when s does not start with a digit). -ERANGE for an integer that
 * does not fit 64 bits.
 */
int nstk_filter_scan_number(const char *s, struct number *n, size_t *len);
/* A cell's text as a number: "-?digits(.digits)?", blanks around allowed. */
bool nstk_filter_number_from_text(const char *s, struct number *n);
int nstk_filter_number_cmp(const struct number *a, const struct number *b);
bool nstk_filter_number_is_zero(const struct number *n);
/* Decimal text of n in buf (big enough for any u64, i64 or %Lg). */
const char *nstk_filter_number_to_text(const struct number *n, char *buf, size_t size);

/* ---- regexes (filter_regex.c) ---- */

/* Whether glibc's regcomp can build pattern in little time and memory. */
bool nstk_filter_regex_is_affordable(const char *pattern);

#endif

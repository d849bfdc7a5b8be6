/*
 * filter.c — the scols-filter(5) row filter language (see filter.h): a
 * hand-written lexer and a recursive-descent parser compile the expression
 * into a tree once; matching a row walks the tree.
 *
 * The idea that makes it safe on any input: the tree is never deeper than
 * NSTK_FILTER_MAX_DEPTH. Every place the parser descends (a parenthesis, a
 * !, one more link of a chained comparison) carries a depth that is checked
 * first, and && and || collect their operands in one list node instead of a
 * chain, so `a || b || ... ` of any length stays two levels deep. Parsing,
 * matching and freeing all recurse over that bounded tree. Regexes are
 * compiled at parse time, after an estimate of what glibc's regcomp would
 * build for them rules out the few patterns that would take it minutes or
 * gigabytes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "nstk/filter.h"
#include "nstk/util.h"

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

static void node_free(struct node *n)
{
	if (!n)
		return;
	switch (n->kind) {
	case NODE_OR:
	case NODE_AND:
		for (size_t i = 0; i < n->list.n; i++)
			node_free(n->list.operands[i]);
		free(n->list.operands);
		break;
	case NODE_NOT:
		node_free(n->negated);
		break;
	case NODE_COMPARE:
		node_free(n->compare.left);
		node_free(n->compare.right);
		if (n->compare.regex) {
			regfree(n->compare.regex);
			free(n->compare.regex);
		}
		break;
	case NODE_STRING:
		free(n->string);
		break;
	default:
		break;
	}
	free(n);
}

static void node_freep(struct node **n) { node_free(*n); }
#define _cleanup_node_ __attribute__((cleanup(node_freep)))

static struct node *node_new(enum node_kind kind)
{
	struct node *n = calloc(1, sizeof(*n));
	if (n)
		n->kind = kind;
	return n;
}

/* ---- characters and numbers (ASCII only: no locale may change the language) ---- */

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool is_name_char(char c)
{
	return is_letter(c) || is_digit(c) || (c && strchr("_.%:/-", c));
}
static char to_upper(char c) { return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c; }

/* Whether name (NUL-terminated) is text[0..len) in any case: strcasecmp follows the locale. */
static bool same_name(const char *name, const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (to_upper(name[i]) != to_upper(text[i]))
			return false; /* also when name ends first: text has no NUL in it */
	}
	return name[len] == '\0';
}

/*
 * Read "digits" or "digits.digits" at s into *n and the bytes read into
 * *len (0 when s does not start with a digit). -ERANGE for an integer that
 * does not fit 64 bits. Digit by digit rather than strtold, which reads
 * exponents and hex and follows the locale's decimal point.
 */
static int scan_number(const char *s, struct number *n, size_t *len)
{
	size_t i = 0;
	bool overflow = false;
	uint64_t u = 0;
	long double whole = 0;

	for (; is_digit(s[i]); i++) {
		unsigned digit = (unsigned)(s[i] - '0');
		if (u > (UINT64_MAX - digit) / 10)
			overflow = true;
		u = u * 10 + digit;
		whole = whole * 10 + digit;
	}
	*len = i;
	*n = (struct number){ .u = u };
	if (i == 0 || s[i] != '.' || !is_digit(s[i + 1])) {
		if (overflow)
			return -ERANGE;
		return 0;
	}
	/* digits / 10^k, rounded once; digits past the 30th cannot change a long double. */
	long double digits = 0, scale = 1;
	for (i++; is_digit(s[i]); i++) {
		if (scale < 1e30L) {
			digits = digits * 10 + (s[i] - '0');
			scale *= 10;
		}
	}
	*len = i;
	n->is_fraction = true;
	n->f = whole + digits / scale;
	return isfinite(n->f) ? 0 : -ERANGE;
}

/* A cell's text as a number: "-?digits(.digits)?", blanks around allowed. */
static bool number_from_text(const char *s, struct number *n)
{
	while (*s == ' ' || *s == '\t')
		s++;
	bool minus = *s == '-';
	s += minus;
	size_t len;
	if (scan_number(s, n, &len) < 0 || len == 0)
		return false;
	for (s += len; *s == ' ' || *s == '\t'; s++)
		;
	if (*s)
		return false;
	if (!minus)
		return true;
	if (n->is_fraction)
		n->f = -n->f;
	else if (n->u > (uint64_t)INT64_MAX + 1) {
		n->is_fraction = true;
		n->f = -(long double)n->u;
	} else if (n->u) {
		n->negative = true;
		n->u = 0 - n->u; /* two's complement: (int64_t)u is the value */
	}
	return true;
}

static long double number_as_long_double(const struct number *n)
{
	if (n->is_fraction)
		return n->f;
	return n->negative ? (long double)(int64_t)n->u : (long double)n->u;
}

static int number_cmp(const struct number *a, const struct number *b)
{
	if (a->is_fraction || b->is_fraction) {
		long double x = number_as_long_double(a), y = number_as_long_double(b);
		return (x > y) - (x < y);
	}
	if (a->negative != b->negative)
		return a->negative ? -1 : 1;
	if (a->negative) {
		int64_t x = (int64_t)a->u, y = (int64_t)b->u;
		return (x > y) - (x < y);
	}
	return (a->u > b->u) - (a->u < b->u);
}

static bool number_is_zero(const struct number *n)
{
	return n->is_fraction ? n->f == 0 : n->u == 0;
}

/* Decimal text of n in buf (big enough for any u64, i64 or %Lg). */
static const char *number_to_text(const struct number *n, char *buf, size_t size)
{
	if (n->is_fraction)
		snprintf(buf, size, "%Lg", n->f);
	else if (n->negative)
		snprintf(buf, size, "%" PRId64, (int64_t)n->u);
	else
		snprintf(buf, size, "%" PRIu64, n->u);
	return buf;
}

/* ---- regex cost ---- */

static size_t add_capped(size_t a, size_t b)
{
	return a + b > NSTK_FILTER_MAX_REGEX_COST ? NSTK_FILTER_MAX_REGEX_COST + 1 : a + b;
}

static size_t mul_capped(size_t a, size_t b)
{
	if (a && b > (NSTK_FILTER_MAX_REGEX_COST + 1) / a)
		return NSTK_FILTER_MAX_REGEX_COST + 1;
	return add_capped(a * b, 0);
}

/* Past a bracket expression starting at s ('['), or at its end if unclosed. */
static const char *skip_bracket(const char *s)
{
	s++;
	if (*s == '^')
		s++;
	if (*s == ']')
		s++;
	while (*s && *s != ']') {
		if (s[0] == '[' && s[1] && strchr(":.=", s[1])) {
			char kind = s[1];
			for (s += 2; *s && !(s[0] == kind && s[1] == ']'); s++)
				;
			if (*s)
				s += 2;
		} else {
			s++;
		}
	}
	return *s ? s + 1 : s;
}

/*
 * If s is at an interval ("{m}", "{m,}", "{,n}", "{m,n}"), move it past,
 * set *copies to how many copies of its atom regcomp makes and *optional
 * when it allows none; else false.
 */
static bool scan_interval(const char **s, size_t *copies, bool *optional)
{
	const char *p = *s + 1;
	size_t bound[2] = { 0, 0 };
	bool seen_digit = false, comma = false;

	for (; *p != '}'; p++) {
		if (is_digit(*p)) {
			seen_digit = true;
			bound[comma] = add_capped(mul_capped(bound[comma], 10), (size_t)(*p - '0'));
		} else if (*p == ',' && !comma) {
			comma = true;
		} else {
			return false;
		}
	}
	if (!seen_digit)
		return false;
	if (!comma)
		*copies = bound[0];
	else if (!is_digit(p[-1])) /* {m,}: m copies and a star */
		*copies = add_capped(bound[0], 1);
	else
		*copies = bound[0] > bound[1] ? bound[0] : bound[1];
	*optional = bound[0] == 0;
	if (*copies == 0)
		*copies = 1;
	*s = p + 1;
	return true;
}

/* Escapes that match a position, not a character: GNU's anchors and backreferences. */
static bool escape_may_match_empty(char c)
{
	return (c >= '1' && c <= '9') || (c && strchr("bB<>`'", c));
}

/*
 * Whether glibc's regcomp can build pattern in little time and memory. Two
 * things make it blow up, both found by fuzzing:
 *   - it unrolls repetitions (x+ is xx*, x{3,5} five copies of x) and
 *     repetitions of repetitions multiply: a{,32767} or a{1000}{1000};
 *   - a repetition of something that can match nothing (a**, a*+++,
 *     ((a*)*){1000}) makes its epsilon-closure pass grow exponentially,
 *     seconds for a dozen bytes.
 * So this walks the pattern's groups, atoms and repetitions once, refuses
 * any repetition of an atom that can match the empty string (POSIX leaves
 * a** undefined anyway), and counts one per atom, a group as the sum of its
 * contents and a repeated atom as its copies, against
 * NSTK_FILTER_MAX_REGEX_COST. It also bounds group nesting, as regcomp
 * parses recursively.
 */
static bool regex_is_affordable(const char *pattern)
{
	struct group {
		size_t cost;	    /* of everything so far */
		size_t last_cost;   /* of the latest atom, which a repetition copies */
		bool last_empty;    /* the latest atom can match empty (true before the first) */
		bool before_empty;  /* the atoms of this alternative before it all can */
		bool earlier_empty; /* an earlier alternative can */
	} groups[NSTK_FILTER_MAX_DEPTH + 1];
	size_t level = 0;
	struct group *g = &groups[0];
	*g = (struct group){ .last_empty = true, .before_empty = true };

	for (const char *s = pattern; *s;) {
		size_t atom_cost = 1, copies = 0;
		bool atom_empty = false, optional = false;
		switch (*s++) {
		case '(':
			if (++level > NSTK_FILTER_MAX_DEPTH)
				return false;
			g = &groups[level];
			*g = (struct group){ .last_empty = true, .before_empty = true };
			continue;
		case ')':
			if (level == 0)
				break;
			atom_cost = add_capped(g->cost, 1);
			atom_empty = g->earlier_empty || (g->before_empty && g->last_empty);
			g = &groups[--level];
			break;
		case '|':
			g->earlier_empty |= g->before_empty && g->last_empty;
			g->cost = add_capped(g->cost, 1);
			g->last_cost = 0;
			g->last_empty = g->before_empty = true;
			continue;
		case '^':
		case '$':
			atom_empty = true;
			break;
		case '*':
		case '?':
			copies = 1;
			optional = true;
			break;
		case '+':
			copies = 2;
			break;
		case '{':
			s--;
			if (!scan_interval(&s, &copies, &optional))
				s++; /* a literal '{' */
			break;
		case '[':
			s = skip_bracket(s - 1);
			break;
		case '\\':
			if (*s)
				atom_empty = escape_may_match_empty(*s++);
			break;
		default:
			break;
		}
		if (copies) {
			if (g->last_empty)
				return false;
			size_t repeated = mul_capped(g->last_cost, copies);
			g->cost = add_capped(g->cost, repeated - g->last_cost + 1);
			g->last_cost = add_capped(repeated, 1);
			g->last_empty = optional;
		} else {
			g->before_empty = g->before_empty && g->last_empty;
			g->cost = add_capped(g->cost, atom_cost);
			g->last_cost = atom_cost;
			g->last_empty = atom_empty;
		}
		if (g->cost > NSTK_FILTER_MAX_REGEX_COST)
			return false;
	}
	size_t total = 0;
	for (size_t i = 0; i <= level; i++)
		total = add_capped(total, groups[i].cost);
	return total <= NSTK_FILTER_MAX_REGEX_COST;
}

/* ---- lexer ---- */

enum token_type {
	TOK_END,
	TOK_LPAREN,
	TOK_RPAREN,
	TOK_AND,
	TOK_OR,
	TOK_NOT,
	TOK_EQ,
	TOK_NE,
	TOK_LT,
	TOK_LE,
	TOK_GT,
	TOK_GE,
	TOK_MATCH,
	TOK_NOMATCH,
	TOK_TRUE,
	TOK_FALSE,
	TOK_NAME,
	TOK_STRING,
	TOK_NUMBER,
};

/* The operator words, each also accepted in upper case (and not mixed, as libsmartcols). */
static const struct {
	const char *word;
	enum token_type type;
} keywords[] = {
	{ "and", TOK_AND }, { "or", TOK_OR }, { "not", TOK_NOT },
	{ "eq", TOK_EQ }, { "ne", TOK_NE }, { "lt", TOK_LT },
	{ "le", TOK_LE }, { "gt", TOK_GT }, { "ge", TOK_GE },
	{ "true", TOK_TRUE }, { "false", TOK_FALSE },
};

struct token {
	enum token_type type;
	size_t start, len; /* its bytes in the expression */
	char *string;	   /* TOK_STRING: the text between the quotes, owned */
	struct number number;
};

struct parser {
	const char *expr;
	size_t pos; /* where the next token starts looking */
	struct token tok;
	const char *const *columns;
	size_t ncolumns;
	char *err;
	size_t err_size;
	int error; /* the first failure; later ones keep its message */
};

__attribute__((format(printf, 3, 4))) static int fail(struct parser *p, int r, const char *fmt, ...)
{
	if (p->error)
		return p->error;
	p->error = r;
	if (p->err_size) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(p->err, p->err_size, fmt, ap);
		va_end(ap);
	}
	return r;
}

static int fail_oom(struct parser *p) { return fail(p, -ENOMEM, "out of memory"); }

/*
 * A token as the user wrote it, for a message: quoted, control bytes as
 * \xNN so the message is one safe line, long ones cut short.
 */
static const char *describe(const struct parser *p, const struct token *t, char *buf, size_t size)
{
	if (t->len == 0)
		return "end of expression";
	enum { SHOWN = 24 };
	size_t used = 0, len = t->len > SHOWN ? SHOWN : t->len;
	used += (size_t)snprintf(buf + used, size - used, "'");
	for (size_t i = 0; i < len && used < size; i++) {
		unsigned char c = (unsigned char)p->expr[t->start + i];
		used += (size_t)snprintf(buf + used, size - used, c < 0x20 || c == 0x7f ? "\\x%02x" : "%c",
					 c);
	}
	if (used < size)
		snprintf(buf + used, size - used, "%s'", t->len > SHOWN ? "..." : "");
	return buf;
}

static int lex_string(struct parser *p, struct token *t)
{
	const char *s = p->expr + t->start;
	char quote = s[0];
	size_t i = 1;

	/*
	 * Find the closing quote. A backslash pairs with a quote after it (a
	 * literal quote) or a backslash (both kept), so \" never closes a string
	 * and \\" does.
	 */
	for (;; i++) {
		if (!s[i])
			return fail(p, -EINVAL, "unterminated string at %zu", t->start + 1);
		if (s[i] == '\\' && (s[i + 1] == quote || s[i + 1] == '\\'))
			i++;
		else if (s[i] == quote)
			break;
	}
	t->len = i + 1;
	t->string = malloc(i);
	if (!t->string)
		return fail_oom(p);
	size_t n = 0;
	for (size_t j = 1; j < i; j++) {
		if (s[j] == '\\' && s[j + 1] == quote)
			j++;
		else if (s[j] == '\\' && s[j + 1] == '\\')
			t->string[n++] = s[j++];
		t->string[n++] = s[j];
	}
	t->string[n] = '\0';
	t->type = TOK_STRING;
	return 0;
}

/* An integer may end in K, M, G ... Y (powers of 1024), optionally followed by "iB". */
static int lex_number(struct parser *p, struct token *t)
{
	const char *s = p->expr + t->start;
	size_t len;
	int r = scan_number(s, &t->number, &len);

	static const char units[] = "KMGTPEZY";
	if (r == 0 && !t->number.is_fraction && s[len]) {
		const char *unit = strchr(units, s[len]);
		if (unit) {
			unsigned shift = 10 * (unsigned)(unit - units + 1);
			if (shift >= 64 || t->number.u > UINT64_MAX >> shift)
				r = -ERANGE;
			else
				t->number.u <<= shift;
			len += s[len + 1] == 'i' && s[len + 2] == 'B' ? 3 : 1;
		}
	}
	/* Keep the whole run of name characters in the token, so the message shows it. */
	t->len = len;
	while (is_name_char(s[t->len]))
		t->len++;
	char what[128];
	if (r == -ERANGE)
		return fail(p, -EINVAL, "number too large %s at %zu", describe(p, t, what, sizeof(what)),
			    t->start + 1);
	if (t->len != len)
		return fail(p, -EINVAL, "invalid number %s at %zu", describe(p, t, what, sizeof(what)),
			    t->start + 1);
	t->type = TOK_NUMBER;
	return 0;
}

static void lex_name(struct parser *p, struct token *t)
{
	const char *s = p->expr + t->start;

	for (t->len = 1; is_name_char(s[t->len]); t->len++)
		;
	t->type = TOK_NAME;
	for (size_t k = 0; k < NSTK_ARRAY_SIZE(keywords); k++) {
		const char *w = keywords[k].word;
		if (strlen(w) != t->len)
			continue;
		bool lower = true, upper = true;
		for (size_t i = 0; i < t->len; i++) {
			lower &= s[i] == w[i];
			upper &= s[i] == to_upper(w[i]);
		}
		if (lower || upper) {
			t->type = keywords[k].type;
			return;
		}
	}
}

/* Two-character operators first, then one-character ones. */
static const struct {
	const char *text;
	enum token_type type;
} symbols[] = {
	{ "&&", TOK_AND }, { "||", TOK_OR }, { "==", TOK_EQ }, { "!=", TOK_NE },
	{ "<=", TOK_LE },  { ">=", TOK_GE }, { "=~", TOK_MATCH }, { "!~", TOK_NOMATCH },
	{ "(", TOK_LPAREN }, { ")", TOK_RPAREN }, { "!", TOK_NOT }, { "<", TOK_LT },
	{ ">", TOK_GT },
};

/* Replace the current token with the next one. */
static int advance(struct parser *p)
{
	struct token *t = &p->tok;

	free(t->string);
	*t = (struct token){ 0 };
	while (p->expr[p->pos] == ' ' || p->expr[p->pos] == '\t' || p->expr[p->pos] == '\n')
		p->pos++;
	t->start = p->pos;
	const char *s = p->expr + p->pos;
	int r = 0;

	if (!*s) {
		t->type = TOK_END;
	} else if (*s == '"' || *s == '\'') {
		r = lex_string(p, t);
	} else if (is_digit(*s)) {
		r = lex_number(p, t);
	} else if (is_letter(*s)) {
		lex_name(p, t);
	} else {
		size_t k;
		for (k = 0; k < NSTK_ARRAY_SIZE(symbols); k++) {
			size_t len = strlen(symbols[k].text);
			if (strncmp(s, symbols[k].text, len) == 0) {
				t->type = symbols[k].type;
				t->len = len;
				break;
			}
		}
		if (k == NSTK_ARRAY_SIZE(symbols)) {
			char what[128];
			t->len = 1;
			r = fail(p, -EINVAL, "unexpected character %s at %zu",
				 describe(p, t, what, sizeof(what)), t->start + 1);
		}
	}
	p->pos = t->start + t->len;
	return r;
}

/* ---- parser ---- */

static int too_deep(struct parser *p)
{
	return fail(p, -EINVAL, "expression nested too deeply at %zu (the limit is %d levels)",
		    p->tok.start + 1, NSTK_FILTER_MAX_DEPTH);
}

static int parse_or(struct parser *p, unsigned depth, struct node **out);

static int parse_primary(struct parser *p, unsigned depth, struct node **out)
{
	struct token *t = &p->tok;
	_cleanup_node_ struct node *n = NULL;
	char what[128];
	int r;

	switch (t->type) {
	case TOK_LPAREN: {
		if (depth + 1 >= NSTK_FILTER_MAX_DEPTH)
			return too_deep(p);
		size_t open = t->start;
		if ((r = advance(p)) < 0 || (r = parse_or(p, depth + 1, &n)) < 0)
			return r;
		if (t->type != TOK_RPAREN)
			return fail(p, -EINVAL, "expected ')' at %zu to close '(' at %zu, found %s",
				    t->start + 1, open + 1, describe(p, t, what, sizeof(what)));
		break;
	}
	case TOK_NAME: {
		size_t i;
		for (i = 0; i < p->ncolumns; i++) {
			const char *name = p->columns[i];
			if (same_name(name, p->expr + t->start, t->len))
				break;
		}
		if (i == p->ncolumns)
			return fail(p, -EINVAL, "unknown column '%.*s' at %zu", (int)t->len, p->expr + t->start,
				    t->start + 1);
		if (!(n = node_new(NODE_COLUMN)))
			return fail_oom(p);
		n->column = i;
		break;
	}
	case TOK_STRING:
		if (!(n = node_new(NODE_STRING)))
			return fail_oom(p);
		n->string = NSTK_TAKE_PTR(t->string);
		break;
	case TOK_NUMBER:
		if (!(n = node_new(NODE_NUMBER)))
			return fail_oom(p);
		n->number = t->number;
		break;
	case TOK_TRUE:
	case TOK_FALSE:
		if (!(n = node_new(NODE_BOOLEAN)))
			return fail_oom(p);
		n->boolean = t->type == TOK_TRUE;
		break;
	default:
		return fail(p, -EINVAL, "expected a column, string or number at %zu, found %s", t->start + 1,
			    describe(p, t, what, sizeof(what)));
	}
	if ((r = advance(p)) < 0)
		return r;
	*out = NSTK_TAKE_PTR(n);
	return 0;
}

static int parse_unary(struct parser *p, unsigned depth, struct node **out)
{
	if (p->tok.type != TOK_NOT)
		return parse_primary(p, depth, out);
	if (depth + 1 >= NSTK_FILTER_MAX_DEPTH)
		return too_deep(p);

	_cleanup_node_ struct node *n = node_new(NODE_NOT);
	if (!n)
		return fail_oom(p);
	int r = advance(p);
	if (r < 0 || (r = parse_unary(p, depth + 1, &n->negated)) < 0)
		return r;
	*out = NSTK_TAKE_PTR(n);
	return 0;
}

static bool compare_op_of(enum token_type type, enum compare_op *op)
{
	static const struct {
		enum token_type type;
		enum compare_op op;
	} ops[] = {
		{ TOK_EQ, OP_EQ }, { TOK_NE, OP_NE }, { TOK_LT, OP_LT }, { TOK_LE, OP_LE },
		{ TOK_GT, OP_GT }, { TOK_GE, OP_GE }, { TOK_MATCH, OP_MATCH }, { TOK_NOMATCH, OP_NOMATCH },
	};
	for (size_t i = 0; i < NSTK_ARRAY_SIZE(ops); i++) {
		if (ops[i].type == type) {
			*op = ops[i].op;
			return true;
		}
	}
	return false;
}

/* =~ and !~ take a string literal on the right, compiled here, and a plain value on the left. */
static int compile_regex(struct parser *p, struct node *n, size_t op_at, size_t right_at)
{
	const struct node *left = n->compare.left, *right = n->compare.right;

	if (left->kind != NODE_COLUMN && left->kind != NODE_STRING && left->kind != NODE_NUMBER)
		return fail(p, -EINVAL, "'%s' at %zu needs a column or a string on its left",
			    n->compare.op == OP_MATCH ? "=~" : "!~", op_at + 1);
	if (right->kind != NODE_STRING)
		return fail(p, -EINVAL, "expected a string (a regular expression) at %zu", right_at + 1);
	if (!regex_is_affordable(right->string))
		return fail(p, -EINVAL, "regular expression at %zu is too complex", right_at + 1);

	n->compare.regex = malloc(sizeof(*n->compare.regex));
	if (!n->compare.regex)
		return fail_oom(p);
	int rc = regcomp(n->compare.regex, right->string, REG_EXTENDED | REG_NOSUB);
	if (rc) {
		char why[128];
		regerror(rc, n->compare.regex, why, sizeof(why));
		free(NSTK_TAKE_PTR(n->compare.regex)); /* a failed regcomp leaves nothing to regfree */
		return fail(p, rc == REG_ESPACE ? -ENOMEM : -EINVAL,
			    "invalid regular expression at %zu: %s", right_at + 1, why);
	}
	return 0;
}

/* Comparisons chain left to right, (A == B) == C, each link one level deeper. */
static int parse_compare(struct parser *p, unsigned depth, struct node **out)
{
	_cleanup_node_ struct node *left = NULL;
	enum compare_op op;
	int r = parse_unary(p, depth, &left);

	while (r == 0 && compare_op_of(p->tok.type, &op)) {
		if (++depth >= NSTK_FILTER_MAX_DEPTH)
			return too_deep(p);
		size_t op_at = p->tok.start;
		_cleanup_node_ struct node *n = node_new(NODE_COMPARE);
		if (!n)
			return fail_oom(p);
		n->compare.op = op;
		n->compare.left = NSTK_TAKE_PTR(left);
		if ((r = advance(p)) < 0)
			return r;
		size_t right_at = p->tok.start;
		if ((r = parse_unary(p, depth, &n->compare.right)) < 0)
			return r;
		if (op == OP_MATCH || op == OP_NOMATCH)
			r = compile_regex(p, n, op_at, right_at);
		left = NSTK_TAKE_PTR(n);
	}
	if (r == 0)
		*out = NSTK_TAKE_PTR(left);
	return r;
}

/*
 * operand (separator operand)*, as one node listing the operands: && and ||
 * are associative, and a list keeps a long chain from deepening the tree.
 */
static int parse_list(struct parser *p, unsigned depth, enum token_type separator,
		      enum node_kind kind, int (*parse_operand)(struct parser *, unsigned, struct node **),
		      struct node **out)
{
	_cleanup_node_ struct node *first = NULL;
	int r = parse_operand(p, depth, &first);

	if (r < 0 || p->tok.type != separator) {
		if (r == 0)
			*out = NSTK_TAKE_PTR(first);
		return r;
	}
	_cleanup_node_ struct node *list = node_new(kind);
	if (!list)
		return fail_oom(p);
	struct node *operand = NSTK_TAKE_PTR(first);
	for (;;) {
		if (NSTK_GROW(list->list.operands, list->list.cap, list->list.n) < 0) {
			node_free(operand);
			return fail_oom(p);
		}
		list->list.operands[list->list.n++] = operand;
		if (p->tok.type != separator)
			break;
		if ((r = advance(p)) < 0 || (r = parse_operand(p, depth, &operand)) < 0)
			return r;
	}
	*out = NSTK_TAKE_PTR(list);
	return 0;
}

static int parse_and(struct parser *p, unsigned depth, struct node **out)
{
	return parse_list(p, depth, TOK_AND, NODE_AND, parse_compare, out);
}

static int parse_or(struct parser *p, unsigned depth, struct node **out)
{
	return parse_list(p, depth, TOK_OR, NODE_OR, parse_and, out);
}

int nstk_filter_parse(const char *expr, const char *const *columns, size_t ncolumns,
		      struct nstk_filter **out, char *err, size_t err_size)
{
	struct parser p = {
		.expr = expr, .columns = columns, .ncolumns = ncolumns, .err = err, .err_size = err_size,
	};
	_cleanup_node_ struct node *root = NULL;
	char what[128];

	*out = NULL;
	if (err_size)
		err[0] = '\0';
	int r = advance(&p);
	if (r == 0 && p.tok.type != TOK_END) {
		r = parse_or(&p, 0, &root);
		if (r == 0 && p.tok.type != TOK_END)
			r = fail(&p, -EINVAL, "unexpected %s at %zu", describe(&p, &p.tok, what, sizeof(what)),
				 p.tok.start + 1);
	}
	free(p.tok.string);
	if (r < 0)
		return r;

	struct nstk_filter *f = calloc(1, sizeof(*f));
	if (!f)
		return fail_oom(&p);
	f->root = NSTK_TAKE_PTR(root);
	*out = f;
	return 0;
}

/* ---- matching ---- */

static void columns_used(const struct node *n, bool *used)
{
	switch (n->kind) {
	case NODE_OR:
	case NODE_AND:
		for (size_t i = 0; i < n->list.n; i++)
			columns_used(n->list.operands[i], used);
		break;
	case NODE_NOT:
		columns_used(n->negated, used);
		break;
	case NODE_COMPARE:
		columns_used(n->compare.left, used);
		columns_used(n->compare.right, used);
		break;
	case NODE_COLUMN:
		used[n->column] = true;
		break;
	default:
		break;
	}
}

void nstk_filter_columns_used(const struct nstk_filter *f, bool *used)
{
	if (f && f->root)
		columns_used(f->root, used);
}

/* What one side of a comparison holds for this row. */
struct operand {
	enum { OPERAND_NULL, OPERAND_STRING, OPERAND_NUMBER, OPERAND_BOOLEAN } type;
	bool is_column;
	const char *string;
	struct number number;
	bool boolean;
};

static bool eval(const struct node *n, const struct nstk_value *row);

static struct operand operand_of(const struct node *n, const struct nstk_value *row)
{
	struct operand o = { .type = OPERAND_NULL, .is_column = n->kind == NODE_COLUMN };

	switch (n->kind) {
	case NODE_COLUMN: {
		const struct nstk_value *v = &row[n->column];
		switch (v->type) {
		case NSTK_VALUE_NULL:
		case NSTK_VALUE_NOTE: /* a table's note in place of a value */
			break;
		case NSTK_VALUE_U64:
			o.type = OPERAND_NUMBER;
			o.number.u = v->u64;
			break;
		case NSTK_VALUE_I64:
			o.type = OPERAND_NUMBER;
			o.number.negative = v->i64 < 0;
			o.number.u = (uint64_t)v->i64;
			break;
		default: /* a string, or a structured cell by the text it shows */
			if (v->str) {
				o.type = OPERAND_STRING;
				o.string = v->str;
			}
			break;
		}
		break;
	}
	case NODE_STRING:
		o.type = OPERAND_STRING;
		o.string = n->string;
		break;
	case NODE_NUMBER:
		o.type = OPERAND_NUMBER;
		o.number = n->number;
		break;
	case NODE_BOOLEAN:
		o.type = OPERAND_BOOLEAN;
		o.boolean = n->boolean;
		break;
	default: /* a sub-expression stands for its truth */
		o.type = OPERAND_BOOLEAN;
		o.boolean = eval(n, row);
		break;
	}
	return o;
}

/* As libsmartcols casts a string to a boolean: "1", "true" or a yes ("y..."). */
static bool text_is_true(const char *s)
{
	return strcmp(s, "1") == 0 || same_name(s, "TRUE", 4) || s[0] == 'y' || s[0] == 'Y';
}

/*
 * The type a comparison is made in, as libsmartcols chooses it: boolean if
 * either side is, else the literal side's type, else (two columns) numeric
 * when neither cell is a string. A null takes the other side's type.
 */
static int comparison_type(const struct operand *l, const struct operand *r)
{
	if (l->type == OPERAND_BOOLEAN || r->type == OPERAND_BOOLEAN)
		return OPERAND_BOOLEAN;
	if (!l->is_column)
		return l->type;
	if (!r->is_column)
		return r->type;
	if (l->type == OPERAND_STRING || r->type == OPERAND_STRING)
		return OPERAND_STRING;
	if (l->type == OPERAND_NUMBER || r->type == OPERAND_NUMBER)
		return OPERAND_NUMBER;
	return OPERAND_STRING; /* both null: equal, as strcmp-ing two nulls is in libsmartcols */
}

/* Sets *cmp (<0, 0, >0) and returns true, or false when the operands do not compare. */
static bool compare_as(int type, const struct operand *l, const struct operand *r, int *cmp)
{
	const struct operand *side[2] = { l, r };

	switch (type) {
	case OPERAND_STRING: {
		char buf[2][64];
		const char *s[2];
		for (int i = 0; i < 2; i++) {
			if (side[i]->type == OPERAND_NUMBER)
				s[i] = number_to_text(&side[i]->number, buf[i], sizeof(buf[i]));
			else
				s[i] = side[i]->type == OPERAND_STRING ? side[i]->string : NULL;
		}
		/* A null sorts before every string. */
		*cmp = !s[0] || !s[1] ? (s[0] != NULL) - (s[1] != NULL) : strcmp(s[0], s[1]);
		return true;
	}
	case OPERAND_NUMBER: {
		struct number n[2];
		for (int i = 0; i < 2; i++) {
			if (side[i]->type == OPERAND_NUMBER)
				n[i] = side[i]->number;
			else if (side[i]->type != OPERAND_STRING || !number_from_text(side[i]->string, &n[i]))
				return false;
		}
		*cmp = number_cmp(&n[0], &n[1]);
		return true;
	}
	case OPERAND_BOOLEAN: {
		bool b[2];
		for (int i = 0; i < 2; i++) {
			switch (side[i]->type) {
			case OPERAND_NULL:
				return false;
			case OPERAND_STRING:
				b[i] = text_is_true(side[i]->string);
				break;
			case OPERAND_NUMBER:
				b[i] = !number_is_zero(&side[i]->number);
				break;
			case OPERAND_BOOLEAN:
				b[i] = side[i]->boolean;
				break;
			}
		}
		*cmp = b[0] - b[1];
		return true;
	}
	default: /* comparison_type never chooses null */
		return false;
	}
}

static bool compare(const struct node *n, const struct nstk_value *row)
{
	struct operand l = operand_of(n->compare.left, row);

	if (n->compare.regex) {
		char buf[64];
		const char *text = l.type == OPERAND_STRING ? l.string
				   : l.type == OPERAND_NUMBER ? number_to_text(&l.number, buf, sizeof(buf))
							      : "";
		bool matched = regexec(n->compare.regex, text, 0, NULL, 0) == 0;
		return n->compare.op == OP_MATCH ? matched : !matched;
	}

	struct operand r = operand_of(n->compare.right, row);
	int cmp;
	if (!compare_as(comparison_type(&l, &r), &l, &r, &cmp))
		return false;
	switch (n->compare.op) {
	case OP_EQ:
		return cmp == 0;
	case OP_NE:
		return cmp != 0;
	case OP_LT:
		return cmp < 0;
	case OP_LE:
		return cmp <= 0;
	case OP_GT:
		return cmp > 0;
	case OP_GE:
		return cmp >= 0;
	default:
		return false;
	}
}

/* A bare operand is true when it has a value: a non-empty string, a non-zero number, true. */
static bool operand_is_true(const struct node *n, const struct nstk_value *row)
{
	struct operand o = operand_of(n, row);

	switch (o.type) {
	case OPERAND_STRING:
		return o.string[0] != '\0';
	case OPERAND_NUMBER:
		return !number_is_zero(&o.number);
	case OPERAND_BOOLEAN:
		return o.boolean;
	default:
		return false;
	}
}

static bool eval(const struct node *n, const struct nstk_value *row)
{
	switch (n->kind) {
	case NODE_OR:
		for (size_t i = 0; i < n->list.n; i++)
			if (eval(n->list.operands[i], row))
				return true;
		return false;
	case NODE_AND:
		for (size_t i = 0; i < n->list.n; i++)
			if (!eval(n->list.operands[i], row))
				return false;
		return true;
	case NODE_NOT:
		return !eval(n->negated, row);
	case NODE_COMPARE:
		return compare(n, row);
	default:
		return operand_is_true(n, row);
	}
}

int nstk_filter_match(const struct nstk_filter *f, const struct nstk_value *values)
{
	if (!f || !f->root)
		return 1;
	return eval(f->root, values) ? 1 : 0;
}

void nstk_filter_free(struct nstk_filter *f)
{
	if (!f)
		return;
	node_free(f->root);
	free(f);
}

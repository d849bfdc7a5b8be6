/*
 * filter.c — reading a scols-filter(5) expression (see filter.h): a
 * hand-written lexer and a recursive-descent parser compile it into a tree
 * once (filter_internal.h); filter_match.c matches rows against the tree.
 *
 * The idea that makes it safe on any input: the tree is never deeper than
 * NSTK_FILTER_MAX_DEPTH. Every place the parser descends (a parenthesis, a
 * !, one more link of a chained comparison) carries a depth that is checked
 * first, and && and || collect their operands in one list node instead of a
 * chain, so `a || b || ... ` of any length stays two levels deep. Parsing,
 * matching and freeing all recurse over that bounded tree. Regexes are
 * compiled at parse time, after an estimate of what glibc's regcomp would
 * build for them (filter_regex.c) rules out the few patterns that would
 * take it minutes or gigabytes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <regex.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter_internal.h"
#include "nstk/util.h"

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
	int r = nstk_filter_scan_number(s, &t->number, &len);

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
	if (!nstk_filter_regex_is_affordable(right->string))
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

/* ---- what the tree reads, and its end ---- */

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

void nstk_filter_free(struct nstk_filter *f)
{
	if (!f)
		return;
	node_free(f->root);
	free(f);
}

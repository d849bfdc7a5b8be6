/*
 * filter_match.c — matching one row against a compiled filter (see
 * filter.h for the meaning, filter.c for the tree).
 *
 * The one idea: a comparison takes its type from its sides as
 * libsmartcols's evaluator does (boolean, else the literal's type, else
 * numeric when neither cell is a string), and matching walks the tree,
 * which parsing kept at most NSTK_FILTER_MAX_DEPTH deep, with no
 * allocation and no I/O.
 */
#define _GNU_SOURCE
#include <regex.h>
#include <stdio.h>
#include <string.h>

#include "filter_internal.h"

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
				s[i] = nstk_filter_number_to_text(&side[i]->number, buf[i], sizeof(buf[i]));
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
			else if (side[i]->type != OPERAND_STRING || !nstk_filter_number_from_text(side[i]->string, &n[i]))
				return false;
		}
		*cmp = nstk_filter_number_cmp(&n[0], &n[1]);
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
				b[i] = !nstk_filter_number_is_zero(&side[i]->number);
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
				   : l.type == OPERAND_NUMBER ? nstk_filter_number_to_text(&l.number, buf, sizeof(buf))
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
		return !nstk_filter_number_is_zero(&o.number);
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

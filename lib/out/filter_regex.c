/*
 * filter_regex.c — which regular expressions the filter compiles (=~, !~):
 * an estimate of what glibc's regcomp would build for a pattern.
 *
 * The one idea: walk the pattern's groups, atoms and repetitions once and
 * count what regcomp would unroll, so that the few patterns that would take
 * it minutes or gigabytes are refused at parse time, before regcomp sees
 * them. Pure and length-bounded (fuzzed through fuzz_filter).
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "filter_internal.h"

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
bool nstk_filter_regex_is_affordable(const char *pattern)
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

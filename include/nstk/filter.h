/*
 * filter.h — the row filter language of util-linux's libsmartcols
 * (scols-filter(5), what `lsns -Q/--filter` takes), for tools built on
 * Debian 12's libsmartcols 2.38, which has no filter API (it came in 2.40):
 *
 *     nsls -Q 'TYPE == "net" && NPROCS == 0'
 *
 * An expression is parsed once against the caller's column names into a
 * small tree (regular expressions compiled there too), then matched against
 * each row's typed cells (struct nstk_value) with no allocation and no I/O.
 *
 * The language, as scols-filter(5) gives it:
 *   operands   COLUMN   a column name, case-insensitive: [A-Za-z][A-Za-z0-9_.%:/-]*
 *              "text" or 'text'
 *              123, 4K, 2MiB (K M G T P E Z Y, powers of 1024, "iB" optional), 0.5
 *              true, false (also TRUE, FALSE)
 *   operators  == != < <= > >=   (also eq ne lt le gt ge, EQ NE ...)
 *              =~ !~             POSIX extended regex; the right side must be a string
 *              !  &&  ||         (also not and or, NOT AND OR)
 *              ( )
 *   binding    ! tightest, then the comparisons (left to right), then &&, then ||:
 *              `!A == B` is `(!A) == B`; write `!(A == B)` to negate a comparison.
 *
 * Meaning, following libsmartcols's evaluator (filter-param.c and
 * filter-expr.c, the same from 2.41 to 2.43):
 *   - A bare operand is true when it has a value: a non-empty string, a
 *     non-zero number, true. So `HOSTNAME` means "has a host name", `NPROCS`
 *     means NPROCS != 0, and `-Q ''` (an empty expression) matches every row.
 *   - A comparison takes its type from the literal side: against a number it
 *     is numeric (as a fraction when either side has one), against a string it
 *     is a string comparison (strcmp order; numbers in decimal), against true,
 *     false or a sub-expression it is boolean ("1", "true", "y..." and non-zero
 *     numbers are true). Two columns compare numerically when both cells are
 *     numbers, else as strings. =~ and !~ match a number's decimal text.
 *   - A string cell that is not a number makes a numeric comparison false
 *     (libsmartcols fails the whole filter there).
 *   - Null cells (no value): a numeric or boolean comparison with a null is
 *     false, `!=` included. In a string comparison a null sorts before every
 *     string (so `COMMAND != "sleep"` keeps rows with no command, as lsns
 *     does, and null == null), and =~ / !~ see it as "".
 *
 * Where nstk differs from libsmartcols, on purpose:
 *   - && binds tighter than ||, as scols-filter(5) documents; libsmartcols's
 *     grammar (filter-parser.y) puts both on one level, left to right, so
 *     lsns reads `A || B && C` as `(A || B) && C`.
 *   - Strings are taken as written (so "\." reaches regcomp unchanged), with
 *     one addition: \" inside "..." (\' inside '...') is the quote itself;
 *     "\\" stays two backslashes and escapes nothing.
 *   - Numbers too large for 64 bits are errors, not saturated; strings and
 *     cells are compared as they are, where libsmartcols trims their blanks.
 *   - Nesting deeper than NSTK_FILTER_MAX_DEPTH is a parse error, and so is
 *     a regex that glibc's regcomp would take seconds or gigabytes to build:
 *     one that repeats what can match nothing (a**, (x|)+, (a*)*, which
 *     POSIX leaves undefined) or unrolls into more than
 *     NSTK_FILTER_MAX_REGEX_COST pieces (a{1000}{1000}, a++++++++++++).
 *     libsmartcols refuses a similar set (a++, (a+)+, intervals over 1024).
 *   - A column whose name is an operator word (AND, EQ, TRUE, ...) cannot be
 *     named; neither can it in libsmartcols.
 */
#ifndef NSTK_FILTER_H
#define NSTK_FILTER_H

#include <stdbool.h>
#include <stddef.h>

#include "nstk/out.h"

/* Levels of parentheses, ! and chained comparisons; this many is an error. */
#define NSTK_FILTER_MAX_DEPTH 256
/* Pieces a regex may have once glibc unrolls its repetitions (a{1024} fits). */
#define NSTK_FILTER_MAX_REGEX_COST 2048

struct nstk_filter; /* a compiled expression */

/*
 * Compile expr against columns[0..ncolumns) (the names a filter may use).
 * Returns 0 and *out, -EINVAL for an expression that is not valid, or
 * -ENOMEM. On failure *out is NULL and err[0..err_size) holds one line
 * naming the problem and its 1-based byte position, such as
 * "unknown column 'FOO' at 12" or "expected ')' at 7"; on success err is "".
 * err may be NULL when err_size is 0.
 */
int nstk_filter_parse(const char *expr, const char *const *columns, size_t ncolumns,
		      struct nstk_filter **out, char *err, size_t err_size);

/*
 * Set used[i] to true for each column i the expression reads, so a tool can
 * fetch a column it does not display. Other entries are left as they are.
 */
void nstk_filter_columns_used(const struct nstk_filter *f, bool *used);

/* 1 when the row values[0..ncolumns) matches, else 0. A NULL f matches all. */
int nstk_filter_match(const struct nstk_filter *f, const struct nstk_value *values);

void nstk_filter_free(struct nstk_filter *f);

#endif

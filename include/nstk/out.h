/*
 * out.h — the one result model every nstk tool renders: a table of typed
 * cells (string, number, null) in chosen columns, optionally a tree, turned
 * into text by libsmartcols (widths, truncation, raw mode, tree lines) or
 * into JSON by jansson (numbers as numbers, null as null, nested children).
 *
 * Tools decide rows and columns; this module decides how they look. It never
 * writes to a terminal: renderers return a string or a json_t.
 */
#ifndef NSTK_OUT_H
#define NSTK_OUT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nstk/text.h"

enum nstk_out_flag {
	NSTK_OUT_RIGHT = 1 << 0, /* right-aligned (numbers) */
	NSTK_OUT_TRUNC = 1 << 1, /* may be truncated to fit the terminal */
	NSTK_OUT_WRAP = 1 << 2,	 /* may wrap onto several lines (unless --nowrap) */
	/* A list whose text has NSTK_OUT_ITEM_SEP between items: one item per
	 * line in a table, joined by ',' with --nowrap or --raw (lsns's NSFS),
	 * and joined too when an item holds a newline of its own (so that no
	 * item can pass for two lines: the table escapes it as \x0a). */
	NSTK_OUT_LINES = 1 << 3,
};

/* Between the items of an NSTK_OUT_LINES cell (ASCII RS). */
#define NSTK_OUT_ITEM_SEP '\x1e'

struct nstk_out_column {
	const char *name; /* as -o takes it, upper case; JSON key is its lower case */
	const char *help; /* one line for --help */
	double width_hint;
	unsigned flags;
};

/*
 * NSTK_VALUE_JSON is a structured cell (a list of holders, of paths): text
 * shows str, a summary; JSON shows json, the whole structure.
 * NSTK_VALUE_NOTE is no value with a note for people: a table with headings
 * shows str; --raw, --noheadings, JSON and filters see an empty cell.
 */
enum nstk_value_type {
	NSTK_VALUE_NULL,
	NSTK_VALUE_STR,
	NSTK_VALUE_U64,
	NSTK_VALUE_I64,
	NSTK_VALUE_JSON,
	NSTK_VALUE_NOTE,
};

struct nstk_value {
	enum nstk_value_type type;
	union {
		char *str;
		uint64_t u64;
		int64_t i64;
	};
	json_t *json;
};

struct nstk_out_row {
	struct nstk_value *cells;
	struct nstk_out_row *parent; /* NULL for a root */
	size_t index;		     /* position in the table */
};

struct nstk_out_table {
	const struct nstk_out_column **columns; /* the shown columns, in order */
	size_t ncols;
	struct nstk_out_row **rows;
	size_t nrows, cap_rows;
	size_t tree_column; /* the column that draws tree lines in tree mode */
};

struct nstk_out_text_options {
	bool noheadings, raw, notruncate, nowrap, tree;
};

/* A table over the given columns (the pointers are kept, not copied). */
struct nstk_out_table *nstk_out_table_new(const struct nstk_out_column *const *columns,
					  size_t ncols);
void nstk_out_table_free(struct nstk_out_table *t);

/*
 * Values of one's own, outside any table: a tool fills a row's values by
 * its own column ids, lets a filter (filter.h) read them, and only then
 * moves them into a table row. Each setter first clears what v held;
 * a cleared value is null. A zeroed struct nstk_value is null too.
 */
int nstk_value_set_str(struct nstk_value *v, const char *s); /* NULL -> null */
void nstk_value_set_u64(struct nstk_value *v, uint64_t x);
void nstk_value_set_i64(struct nstk_value *v, int64_t x);
/* No value, but a note for tables ("(no process: ...)"). */
int nstk_value_set_note(struct nstk_value *v, const char *note);
/* A structured value: text shows summary, JSON shows json (v takes it, also on failure). */
int nstk_value_set_json(struct nstk_value *v, const char *summary, json_t *json);
void nstk_value_clear(struct nstk_value *v);

/* Append a row whose cells are all null. NULL when out of memory. */
struct nstk_out_row *nstk_out_row_add(struct nstk_out_table *t);
/* Cell setters, as the value setters above; col is a position in the table's columns. */
int nstk_out_set_str(struct nstk_out_row *row, size_t col, const char *s); /* NULL -> null */
void nstk_out_set_u64(struct nstk_out_row *row, size_t col, uint64_t v);
void nstk_out_set_i64(struct nstk_out_row *row, size_t col, int64_t v);
int nstk_out_set_note(struct nstk_out_row *row, size_t col, const char *note);
int nstk_out_set_json(struct nstk_out_row *row, size_t col, const char *summary, json_t *json);
/* Move *v into cell col (no copy); *v is left null. */
void nstk_out_take_value(struct nstk_out_row *row, size_t col, struct nstk_value *v);
/* Copy *v into cell col (strings duplicated, JSON shared). 0 or -ENOMEM. */
int nstk_out_copy_value(struct nstk_out_row *row, size_t col, const struct nstk_value *v);

/*
 * Drop the rows whose keep[index] is false; a kept row whose parent goes
 * hangs from the nearest kept ancestor instead.
 */
void nstk_out_table_keep_rows(struct nstk_out_table *t, const bool *keep);
/* Put the rows in the order order[0..nrows) gives (a permutation of them); each index follows. */
void nstk_out_table_order_rows(struct nstk_out_table *t, struct nstk_out_row *const *order);
/* Drop the columns from position ncols on (computed for a filter, not shown). */
void nstk_out_table_drop_columns_from(struct nstk_out_table *t, size_t ncols);

/* Render as text (libsmartcols). *text is malloc'd. Returns 0 or -errno. */
int nstk_out_render_text(const struct nstk_out_table *t, const struct nstk_out_text_options *o,
			 char **text);
/*
 * Render as a JSON array of objects keyed on the lower-case column names,
 * with a "children" array per row when tree is true. Returns 0 or -ENOMEM.
 */
int nstk_out_render_json(const struct nstk_out_table *t, bool tree, json_t **array);

/*
 * Parse a column list ("NS,TYPE" or "+PPID,UID" to append to the *n ids
 * already in ids[]) against all[0..nall). Names match case-insensitively.
 * On an unknown name returns -EINVAL and copies it into bad[0..bad_size);
 * -E2BIG when more than max columns result.
 */
int nstk_out_columns_parse(const struct nstk_out_column *all, size_t nall, const char *list,
			   int *ids, size_t max, size_t *n, char *bad, size_t bad_size);

#endif

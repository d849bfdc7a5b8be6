/*
 * out.c — the result model and its two renderers.
 *
 * Rows may name any other row as parent, in any order; both renderers walk
 * the rows depth-first from the roots, because libsmartcols needs a parent
 * line before its children and JSON nests them. A row whose parent chain
 * never reaches a root (a cycle, which the kernel should never produce) is
 * cut loose and shown as a root rather than lost.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <libsmartcols.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "nstk/out.h"
#include "nstk/text.h"
#include "nstk/util.h"

struct nstk_out_table *nstk_out_table_new(const struct nstk_out_column *const *columns,
					  size_t ncols)
{
	struct nstk_out_table *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->columns = malloc((ncols ? ncols : 1) * sizeof(*t->columns));
	if (!t->columns) {
		free(t);
		return NULL;
	}
	memcpy(t->columns, columns, ncols * sizeof(*columns));
	t->ncols = ncols;
	return t;
}

void nstk_value_clear(struct nstk_value *v)
{
	if (v->type == NSTK_VALUE_STR || v->type == NSTK_VALUE_JSON || v->type == NSTK_VALUE_NOTE)
		free(v->str);
	json_decref(v->json);
	*v = (struct nstk_value){ .type = NSTK_VALUE_NULL };
}

static void row_free(struct nstk_out_row *row, size_t ncols)
{
	for (size_t c = 0; c < ncols; c++)
		nstk_value_clear(&row->cells[c]);
	free(row->cells);
	free(row);
}

void nstk_out_table_free(struct nstk_out_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nrows; i++)
		row_free(t->rows[i], t->ncols);
	free(t->rows);
	free(t->columns);
	free(t);
}

struct nstk_out_row *nstk_out_row_add(struct nstk_out_table *t)
{
	if (NSTK_GROW(t->rows, t->cap_rows, t->nrows) < 0)
		return NULL;
	struct nstk_out_row *row = calloc(1, sizeof(*row));
	if (!row)
		return NULL;
	row->cells = calloc(t->ncols ? t->ncols : 1, sizeof(*row->cells));
	if (!row->cells) {
		free(row);
		return NULL;
	}
	row->index = t->nrows;
	t->rows[t->nrows++] = row;
	return row;
}

int nstk_value_set_str(struct nstk_value *v, const char *s)
{
	nstk_value_clear(v);
	if (!s)
		return 0;
	v->str = strdup(s);
	if (!v->str)
		return -ENOMEM;
	v->type = NSTK_VALUE_STR;
	return 0;
}

void nstk_value_set_u64(struct nstk_value *v, uint64_t x)
{
	nstk_value_clear(v);
	*v = (struct nstk_value){ .type = NSTK_VALUE_U64, .u64 = x };
}

void nstk_value_set_i64(struct nstk_value *v, int64_t x)
{
	nstk_value_clear(v);
	*v = (struct nstk_value){ .type = NSTK_VALUE_I64, .i64 = x };
}

int nstk_value_set_note(struct nstk_value *v, const char *note)
{
	int r = nstk_value_set_str(v, note);
	if (r == 0)
		v->type = NSTK_VALUE_NOTE;
	return r;
}

int nstk_value_set_json(struct nstk_value *v, const char *summary, json_t *json)
{
	nstk_value_clear(v);
	char *s = strdup(summary);
	if (!s || !json) {
		free(s);
		json_decref(json);
		return -ENOMEM;
	}
	*v = (struct nstk_value){ .type = NSTK_VALUE_JSON, .str = s, .json = json };
	return 0;
}

int nstk_out_set_str(struct nstk_out_row *row, size_t col, const char *s)
{
	return nstk_value_set_str(&row->cells[col], s);
}

void nstk_out_set_u64(struct nstk_out_row *row, size_t col, uint64_t x)
{
	nstk_value_set_u64(&row->cells[col], x);
}

void nstk_out_set_i64(struct nstk_out_row *row, size_t col, int64_t x)
{
	nstk_value_set_i64(&row->cells[col], x);
}

int nstk_out_set_note(struct nstk_out_row *row, size_t col, const char *note)
{
	return nstk_value_set_note(&row->cells[col], note);
}

int nstk_out_set_json(struct nstk_out_row *row, size_t col, const char *summary, json_t *json)
{
	return nstk_value_set_json(&row->cells[col], summary, json);
}

void nstk_out_take_value(struct nstk_out_row *row, size_t col, struct nstk_value *v)
{
	nstk_value_clear(&row->cells[col]);
	row->cells[col] = *v;
	*v = (struct nstk_value){ .type = NSTK_VALUE_NULL };
}

int nstk_out_copy_value(struct nstk_out_row *row, size_t col, const struct nstk_value *v)
{
	struct nstk_value *cell = &row->cells[col];
	nstk_value_clear(cell);
	switch (v->type) {
	case NSTK_VALUE_STR:
		return nstk_value_set_str(cell, v->str);
	case NSTK_VALUE_NOTE:
		return nstk_value_set_note(cell, v->str);
	case NSTK_VALUE_JSON:
		return nstk_value_set_json(cell, v->str, json_incref(v->json));
	case NSTK_VALUE_NULL:
	case NSTK_VALUE_U64:
	case NSTK_VALUE_I64:
		*cell = *v;
		break;
	}
	return 0;
}

void nstk_out_table_keep_rows(struct nstk_out_table *t, const bool *keep)
{
	/* Re-hang first, while every parent pointer is still valid. */
	for (size_t i = 0; i < t->nrows; i++) {
		struct nstk_out_row *p = t->rows[i]->parent;
		size_t guard = 0;
		while (p && !keep[p->index] && guard++ < t->nrows)
			p = p->parent;
		t->rows[i]->parent = p && keep[p->index] ? p : NULL;
	}
	size_t n = 0;
	for (size_t i = 0; i < t->nrows; i++) {
		if (!keep[i]) {
			row_free(t->rows[i], t->ncols);
			continue;
		}
		t->rows[n] = t->rows[i];
		t->rows[n]->index = n;
		n++;
	}
	t->nrows = n;
}

void nstk_out_table_order_rows(struct nstk_out_table *t, struct nstk_out_row *const *order)
{
	for (size_t i = 0; i < t->nrows; i++) {
		t->rows[i] = order[i];
		t->rows[i]->index = i;
	}
}

void nstk_out_table_drop_columns_from(struct nstk_out_table *t, size_t ncols)
{
	if (ncols >= t->ncols)
		return;
	for (size_t i = 0; i < t->nrows; i++)
		for (size_t c = ncols; c < t->ncols; c++)
			nstk_value_clear(&t->rows[i]->cells[c]);
	t->ncols = ncols;
	if (t->tree_column >= ncols)
		t->tree_column = 0;
}

/*
 * Depth-first walk. visit() gets the row and the handle its parent's visit
 * returned (NULL for roots) and returns this row's handle through *self.
 */
typedef int (*visit_fn)(const struct nstk_out_table *t, const struct nstk_out_row *row,
			void *parent, void **self, void *ctx);

struct walk {
	const struct nstk_out_table *t;
	size_t *child_start, *children; /* CSR lists: children of row i */
	bool *visited;
	visit_fn visit;
	void *ctx;
};

static int walk_from(struct walk *w, size_t i, void *parent_handle)
{
	void *self = NULL;
	w->visited[i] = true;
	int r = w->visit(w->t, w->t->rows[i], parent_handle, &self, w->ctx);
	if (r < 0)
		return r;
	for (size_t k = w->child_start[i]; k < w->child_start[i + 1]; k++) {
		size_t c = w->children[k];
		if (!w->visited[c]) {
			r = walk_from(w, c, self);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int walk_table(const struct nstk_out_table *t, bool tree, visit_fn visit, void *ctx)
{
	size_t n = t->nrows;
	if (!tree) {
		for (size_t i = 0; i < n; i++) {
			void *self;
			int r = visit(t, t->rows[i], NULL, &self, ctx);
			if (r < 0)
				return r;
		}
		return 0;
	}

	struct walk w = { .t = t, .visit = visit, .ctx = ctx };
	w.child_start = calloc(n + 1, sizeof(size_t));
	w.children = malloc((n ? n : 1) * sizeof(size_t));
	w.visited = calloc(n ? n : 1, sizeof(bool));
	_cleanup_free_ size_t *fill = calloc(n + 1, sizeof(size_t));
	int r = -ENOMEM;
	if (!w.child_start || !w.children || !w.visited || !fill)
		goto out;

	/* Count children per parent, then place them, keeping row order. */
	for (size_t i = 0; i < n; i++)
		if (t->rows[i]->parent)
			w.child_start[t->rows[i]->parent->index + 1]++;
	for (size_t i = 0; i < n; i++)
		w.child_start[i + 1] += w.child_start[i];
	for (size_t i = 0; i < n; i++) {
		const struct nstk_out_row *p = t->rows[i]->parent;
		if (p)
			w.children[w.child_start[p->index] + fill[p->index]++] = i;
	}

	r = 0;
	for (size_t i = 0; i < n && r >= 0; i++)
		if (!t->rows[i]->parent)
			r = walk_from(&w, i, NULL);
	/* Rows on a parent cycle were never reached: show them as roots. */
	for (size_t i = 0; i < n && r >= 0; i++)
		if (!w.visited[i])
			r = walk_from(&w, i, NULL);
out:
	free(w.child_start);
	free(w.children);
	free(w.visited);
	return r;
}

static char *value_text(const struct nstk_value *v)
{
	char *s = NULL;
	switch (v->type) {
	case NSTK_VALUE_NULL:
		return strdup("");
	case NSTK_VALUE_STR:
	case NSTK_VALUE_JSON:
	case NSTK_VALUE_NOTE:
		return strdup(v->str);
	case NSTK_VALUE_U64:
		return asprintf(&s, "%" PRIu64, v->u64) < 0 ? NULL : s;
	case NSTK_VALUE_I64:
		return asprintf(&s, "%" PRId64, v->i64) < 0 ? NULL : s;
	}
	return NULL;
}

/* Whether a cell of column c holds a newline of its own. */
static bool column_has_newline(const struct nstk_out_table *t, size_t c)
{
	for (size_t i = 0; i < t->nrows; i++) {
		const struct nstk_value *v = &t->rows[i]->cells[c];
		if ((v->type == NSTK_VALUE_STR || v->type == NSTK_VALUE_JSON) && v->str &&
		    strchr(v->str, '\n'))
			return true;
	}
	return false;
}

struct text_ctx {
	struct libscols_table *tb;
	bool *joined; /* per column: its NSTK_OUT_LINES items joined by ',' */
	/* Notes are for people reading a table: --raw and --noheadings are
	 * for scripts, which must see the empty cell that lsns prints. */
	bool notes;
	bool raw;
};

static int visit_text(const struct nstk_out_table *t, const struct nstk_out_row *row,
		      void *parent, void **self, void *ctx)
{
	const struct text_ctx *tc = ctx;
	struct libscols_line *ln = scols_table_new_line(tc->tb, parent);
	if (!ln)
		return -ENOMEM;
	for (size_t c = 0; c < t->ncols; c++) {
		const struct nstk_value *v = &row->cells[c];
		char *s = v->type == NSTK_VALUE_NOTE && !tc->notes ? strdup("") : value_text(v);
		bool lines = t->columns[c]->flags & NSTK_OUT_LINES;
		/* Escaped here, by the rule cgtop's screen has too: libsmartcols
		 * leaves bidi controls and zero-width characters raw in tables
		 * (raw output escapes every byte but printable ASCII itself). */
		if (s && !tc->raw && !nstk_text_is_safe(s, lines ? NSTK_OUT_ITEM_SEP : -1)) {
			char *safe = nstk_text_safe(s, lines ? NSTK_OUT_ITEM_SEP : -1);
			free(s);
			s = safe;
		}
		if (s && lines) {
			char sep = tc->joined[c] ? ',' : '\n';
			for (char *at = strchr(s, NSTK_OUT_ITEM_SEP); at; at = strchr(at, NSTK_OUT_ITEM_SEP))
				*at = sep;
		}
		/* libsmartcols takes ownership of s. */
		if (!s || scols_line_refer_data(ln, c, s) < 0) {
			free(s);
			return -ENOMEM;
		}
	}
	*self = ln;
	return 0;
}

int nstk_out_render_text(const struct nstk_out_table *t, const struct nstk_out_text_options *o,
			 char **text)
{
	struct libscols_table *tb = scols_new_table();
	if (!tb)
		return -ENOMEM;
	scols_table_enable_noheadings(tb, o->noheadings);
	scols_table_enable_raw(tb, o->raw);
	scols_table_enable_nowrap(tb, o->nowrap);

	int r = 0;
	struct text_ctx tc = { .tb = tb,
			       .joined = calloc(t->ncols ? t->ncols : 1, sizeof(bool)),
			       .notes = !o->raw && !o->noheadings,
			       .raw = o->raw };
	if (!tc.joined)
		r = -ENOMEM;
	for (size_t c = 0; c < t->ncols && r == 0; c++) {
		const struct nstk_out_column *col = t->columns[c];
		int fl = 0;
		bool draws_tree = o->tree && c == t->tree_column;
		/* Tree lines read left to right: the tree column is never right-aligned. */
		if ((col->flags & NSTK_OUT_RIGHT) && !draws_tree)
			fl |= SCOLS_FL_RIGHT;
		if ((col->flags & NSTK_OUT_TRUNC) && !o->notruncate)
			fl |= SCOLS_FL_TRUNC;
		if ((col->flags & NSTK_OUT_WRAP) && !o->nowrap)
			fl |= SCOLS_FL_WRAP;
		if (draws_tree)
			fl |= SCOLS_FL_TREE;
		struct libscols_column *cl = scols_table_new_column(tb, col->name, col->width_hint, fl);
		bool lines = (col->flags & NSTK_OUT_LINES) && !o->nowrap && !o->raw &&
			     !column_has_newline(t, c);
		/* The cells come escaped (nstk_text_safe): their backslashes
		 * start escapes, which libsmartcols must not escape again. */
		if (!cl || scols_column_set_safechars(cl, lines ? "\n\\" : "\\") < 0)
			r = -ENOMEM;
		else if (lines && scols_column_set_wrapfunc(cl, scols_wrapnl_chunksize, scols_wrapnl_nextchunk,
							    NULL) < 0)
			r = -ENOMEM;
		tc.joined[c] = !lines;
	}
	if (r == 0)
		r = walk_table(t, o->tree, visit_text, &tc);
	if (r == 0 && scols_print_table_to_string(tb, text) != 0)
		r = -ENOMEM;
	free(tc.joined);
	scols_unref_table(tb);
	return r;
}

static json_t *value_json(const struct nstk_value *v)
{
	switch (v->type) {
	case NSTK_VALUE_STR:
		return nstk_json_text(v->str);
	case NSTK_VALUE_U64:
		/* jansson integers are signed 64-bit; nothing we show comes near. */
		return json_integer((json_int_t)v->u64);
	case NSTK_VALUE_I64:
		return json_integer((json_int_t)v->i64);
	case NSTK_VALUE_JSON:
		return json_incref(v->json);
	case NSTK_VALUE_NOTE:
	case NSTK_VALUE_NULL:
		break;
	}
	return json_null();
}

struct json_ctx {
	json_t *roots;
};

static int visit_json(const struct nstk_out_table *t, const struct nstk_out_row *row,
		      void *parent, void **self, void *ctx)
{
	struct json_ctx *jc = ctx;
	json_t *obj = json_object();
	if (!obj)
		return -ENOMEM;
	for (size_t c = 0; c < t->ncols; c++) {
		char key[64];
		size_t k = 0;
		for (const char *p = t->columns[c]->name; *p && k < sizeof(key) - 1; p++)
			key[k++] = (char)tolower((unsigned char)*p);
		key[k] = '\0';
		json_t *v = value_json(&row->cells[c]);
		if (!v || json_object_set_new(obj, key, v) < 0)
			goto fail;
	}
	json_t *siblings = jc->roots;
	if (parent) {
		siblings = json_object_get(parent, "children");
		if (!siblings) {
			siblings = json_array();
			if (json_object_set_new(parent, "children", siblings) < 0)
				goto fail;
		}
	}
	if (json_array_append_new(siblings, obj) < 0)
		return -ENOMEM;
	*self = obj;
	return 0;
fail:
	json_decref(obj);
	return -ENOMEM;
}

int nstk_out_render_json(const struct nstk_out_table *t, bool tree, json_t **array)
{
	struct json_ctx jc = { .roots = json_array() };
	if (!jc.roots)
		return -ENOMEM;
	int r = walk_table(t, tree, visit_json, &jc);
	if (r < 0) {
		json_decref(jc.roots);
		return r;
	}
	*array = jc.roots;
	return 0;
}

int nstk_out_columns_parse(const struct nstk_out_column *all, size_t nall, const char *list,
			   int *ids, size_t max, size_t *n, char *bad, size_t bad_size)
{
	size_t count = 0;
	if (list[0] == '+') {
		count = *n;
		list++;
	}
	const char *p = list;
	for (;;) {
		size_t len = strcspn(p, ",");
		size_t i;
		for (i = 0; i < nall; i++)
			if (strlen(all[i].name) == len && strncasecmp(all[i].name, p, len) == 0)
				break;
		if (i == nall) {
			snprintf(bad, bad_size, "%.*s", (int)len, p);
			return -EINVAL;
		}
		if (count >= max)
			return -E2BIG;
		ids[count++] = (int)i;
		if (p[len] == '\0')
			break;
		p += len + 1;
	}
	*n = count;
	return 0;
}

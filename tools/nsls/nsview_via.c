/*
 * nsview_via.c — the processes between a row and its parent row in the
 * process tree (see nsview_via.h). The chain travels as a JSON cell so that
 * the JSON renderer needs nothing new; tables get rows made from that same
 * JSON, so both outputs say the same thing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nsview.h" /* enum nstk_nscol only: the columns are named by id, never by the table */
#include "nstk/util.h"
#include "nsview_via.h"

const struct nstk_out_column nstk_nsview_via_column = {
	"VIA", "process tree: the processes between this row and its parent row", 0, 0,
};

int nstk_nsview_via_set(struct nstk_out_row *row, size_t col, const struct nstk_proc_facts *const *chain,
			size_t n)
{
	if (n == 0)
		return 0;
	json_t *list = json_array();
	char summary[NSTK_NSVIEW_VIA_MAX * 12 + 1] = "";
	size_t used = 0;
	if (!list)
		return -ENOMEM;
	for (size_t i = 0; i < n && i < NSTK_NSVIEW_VIA_MAX; i++) {
		const struct nstk_proc_facts *f = chain[i];
		json_t *e = json_pack("{s:i, s:i, s:I, s:o, s:o}", "pid", (int)f->pid, "ppid", (int)f->ppid,
				      "uid", (json_int_t)f->euid, "user", nstk_json_text_or_null(f->user),
				      "command", nstk_json_text_or_null(f->command));
		if (!e || json_array_append_new(list, e) < 0) {
			json_decref(list);
			return -ENOMEM;
		}
		int w = snprintf(summary + used, sizeof(summary) - used, "%s%d", i ? "," : "", (int)f->pid);
		if (w > 0 && (size_t)w < sizeof(summary) - used)
			used += (size_t)w;
	}
	return nstk_out_set_json(row, col, summary, list);
}

/* A row for one process of a chain: the columns that describe a process, nothing else. */
static int fill_process_row(struct nstk_out_row *row, const int *column_ids, size_t ncols, json_t *e)
{
	int r = 0;
	for (size_t c = 0; c < ncols && r == 0; c++) {
		switch ((enum nstk_nscol)column_ids[c]) {
		case NSTK_NSCOL_PID:
			nstk_out_set_i64(row, c, json_integer_value(json_object_get(e, "pid")));
			break;
		case NSTK_NSCOL_PPID:
			nstk_out_set_i64(row, c, json_integer_value(json_object_get(e, "ppid")));
			break;
		case NSTK_NSCOL_UID:
			nstk_out_set_i64(row, c, json_integer_value(json_object_get(e, "uid")));
			break;
		case NSTK_NSCOL_USER:
			r = nstk_out_set_str(row, c, json_string_value(json_object_get(e, "user")));
			break;
		case NSTK_NSCOL_COMMAND:
			r = nstk_out_set_str(row, c, json_string_value(json_object_get(e, "command")));
			break;
		default:
			break;
		}
	}
	return r;
}

/*
 * The process row for pid right under parent that an earlier chain made, or
 * NULL. A process row keeps its PID in its own (hidden) via cell, whether
 * or not PID is shown.
 */
static struct nstk_out_row *find_process_row(const struct nstk_out_table *t, size_t first, size_t col,
					     const struct nstk_out_row *parent, json_int_t pid)
{
	for (size_t i = first; i < t->nrows; i++) {
		struct nstk_out_row *row = t->rows[i];
		if (row->parent == parent && row->cells[col].type == NSTK_VALUE_I64 && row->cells[col].i64 == pid)
			return row;
	}
	return NULL;
}

/*
 * Put each process row just before the first row that hangs from it, so
 * that among its siblings it sits where its first namespace row would have.
 */
static int reorder(struct nstk_out_table *t, size_t n_orig)
{
	_cleanup_free_ struct nstk_out_row **order = malloc((t->nrows ? t->nrows : 1) * sizeof(*order));
	_cleanup_free_ bool *placed = calloc(t->nrows ? t->nrows : 1, sizeof(bool));
	struct nstk_out_row *up[NSTK_NSVIEW_VIA_MAX];
	if (!order || !placed)
		return -ENOMEM;
	size_t n = 0;
	for (size_t i = 0; i < n_orig; i++) {
		size_t k = 0;
		for (struct nstk_out_row *p = t->rows[i]->parent; p && p->index >= n_orig && k < NSTK_NSVIEW_VIA_MAX;
		     p = p->parent)
			up[k++] = p;
		while (k > 0) {
			struct nstk_out_row *p = up[--k];
			if (!placed[p->index]) {
				placed[p->index] = true;
				order[n++] = p;
			}
		}
		order[n++] = t->rows[i];
	}
	/* Each process row is at most NSTK_NSVIEW_VIA_MAX above a row of its
	 * chain, so all were placed; anything else would be a bug here. */
	if (n != t->nrows)
		return -EINVAL;
	nstk_out_table_order_rows(t, order);
	return 0;
}

/* Whether any column that describes a process is shown: else a process row would be blank. */
static bool shows_process(const int *column_ids, size_t ncols)
{
	static const enum nstk_nscol which[] = { NSTK_NSCOL_PID, NSTK_NSCOL_PPID, NSTK_NSCOL_UID, NSTK_NSCOL_USER,
						 NSTK_NSCOL_COMMAND };
	for (size_t c = 0; c < ncols; c++)
		for (size_t k = 0; k < NSTK_ARRAY_SIZE(which); k++)
			if (column_ids[c] == (int)which[k])
				return true;
	return false;
}

int nstk_nsview_via_rows(struct nstk_out_table *t, size_t col, const int *column_ids)
{
	size_t n_orig = t->nrows;
	bool any_process_column = shows_process(column_ids, col);
	int r = 0;
	for (size_t i = 0; i < n_orig && r == 0 && any_process_column; i++) {
		struct nstk_out_row *row = t->rows[i];
		json_t *chain = row->cells[col].type == NSTK_VALUE_JSON ? row->cells[col].json : NULL;
		if (!chain || !row->parent)
			continue;
		struct nstk_out_row *above = row->parent;
		for (size_t k = 0; k < json_array_size(chain) && r == 0; k++) {
			json_t *e = json_array_get(chain, k);
			json_int_t pid = json_integer_value(json_object_get(e, "pid"));
			struct nstk_out_row *p = find_process_row(t, n_orig, col, above, pid);
			if (!p) {
				p = nstk_out_row_add(t);
				if (!p)
					return -ENOMEM;
				p->parent = above;
				nstk_out_set_i64(p, col, pid);
				r = fill_process_row(p, column_ids, col, e);
			}
			above = p;
		}
		row->parent = above;
	}
	if (r == 0 && t->nrows > n_orig)
		r = reorder(t, n_orig);
	nstk_out_table_drop_columns_from(t, col);
	return r;
}

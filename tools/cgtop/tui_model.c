/*
 * tui_model.c — what cgtop's screen shows: which rows of the last sample,
 * in which order (sorted siblings under their tree parents, or flat), with
 * which cells, and which of them are near a limit.
 *
 * The one idea: rows and cells are rebuilt from the sample and the view
 * alone, so a key that changes the view redraws at once from the sample
 * already taken, and the cells are cgtop_cell_text()'s, the batch table's
 * own strings: the screen and `cgtop -b` never disagree about a number.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nstk/sparkline.h"
#include "tui_model.h"
#include "nstk/util.h"

/* Tree levels drawn with guide lines; deeper ones are drawn at this indent. */
#define MAX_GUIDES 64

/* The name column is the last: it takes the rest of the line, as top's COMMAND. */
const enum cgtop_column_id tui_columns[] = {
	CGTOP_COL_TASKS, CGTOP_COL_CPU, CGTOP_COL_CPULIM, CGTOP_COL_CLIM, CGTOP_COL_CPU_TREND, CGTOP_COL_THR,
	CGTOP_COL_MEM, CGTOP_COL_MEMMAX, CGTOP_COL_PCT_MAX, CGTOP_COL_MEM_TREND, CGTOP_COL_OOMK, CGTOP_COL_PIDSMAX,
	CGTOP_COL_IOR, CGTOP_COL_IOW, CGTOP_COL_PSI_CPU, CGTOP_COL_PSI_MEMORY, CGTOP_COL_PSI_IO,
	CGTOP_COL_PATH,
};

const struct tui_sort_key tui_sort_keys[] = {
	{ 'c', { "cpu.usage_pct" }, "%CPU" },
	{ 'm', { "memory.current", "memory.pct_of_max" }, "MEM; again: %MAX" },
	{ 'l', { "cpu.pct_of_limit", "memory.pct_of_max" }, "share of a limit: %CLIM; again: %MAX" },
	{ 't', { "cpu.throttled_pct" }, "%THR, throttled periods" },
	{ 'p', { "pressure.cpu_some_avg10", "pressure.memory_some_avg10", "pressure.io_some_avg10" },
	  "pressure: PSIcpu; again: PSImem, PSIio" },
	{ 'i', { "io.read_bps", "io.write_bps" }, "I/O: IOR/s; again: IOW/s" },
	{ 'n', { "path" }, "name (path order)" },
};
const size_t tui_nsort_keys = NSTK_ARRAY_SIZE(tui_sort_keys);

/* A row is highlighted when one of these is at TUI_NEAR_LIMIT_PCT or more, */
static const char *const limit_shares[TUI_NSHARES] = { "cpu.pct_of_limit", "memory.pct_of_max",
							"memory.pct_of_high", "pids.pct_of_max" };
/* and more strongly when this is more than 0. */
#define OOM_KILLS_DELTA "memory.oom_kills_delta"

void tui_model_init(struct tui_model *m, const struct cgtop_options *o)
{
	*m = (struct tui_model){
		.o = o,
		.depth = o->depth,
		.sort_field = o->sort_field >= 0 ? o->sort_field : cgtop_field_find("path"),
		.tree = o->sort_field < 0 || cgtop_fields[o->sort_field].kind == CGTOP_F_PATH,
	};
	for (size_t c = 0; c < TUI_NCOLUMNS; c++) {
		m->fields[c] = cgtop_column_field(tui_columns[c]);
		m->froms[c] = cgtop_column_from(tui_columns[c]);
	}
	for (size_t i = 0; i < TUI_NSHARES; i++)
		m->shares[i] = cgtop_field_find(limit_shares[i]);
	m->oom_kills_delta = cgtop_field_find(OOM_KILLS_DELTA);
}

void tui_model_free(struct tui_model *m)
{
	free(m->lines);
	free(m->order);
	free(m->cursor_path);
	free(m->procs_path);
	free(m->plist);
	m->lines = NULL;
	m->order = NULL;
	m->cursor_path = m->procs_path = NULL;
	m->plist = NULL;
	tui_model_forget(m);
}

/* ---- the trends: the last TUI_TREND samples of each cgroup, by path ---- */

static struct tui_trend *trend_of(const struct tui_model *m, const char *path)
{
	uint32_t i;
	if (!nstk_hash_get(&m->trend_index, nstk_hash_string(path), &i) || strcmp(m->trends[i].path, path) != 0)
		return NULL;
	return &m->trends[i];
}

void tui_model_forget(struct tui_model *m)
{
	for (size_t i = 0; i < m->ntrends; i++)
		free(m->trends[i].path);
	free(m->trends);
	nstk_hash_free(&m->trend_index);
	m->trends = NULL;
	m->ntrends = m->cap_trends = 0;
	m->trend_samples = 0;
}

int tui_model_remember(struct tui_model *m, const struct nstk_cg_stats *const *rows, size_t n)
{
	const struct cgtop_field *cpu = &cgtop_fields[cgtop_field_find("cpu.pct_of_limit")];
	const struct cgtop_field *mem = &cgtop_fields[cgtop_field_find("memory.pct_of_max")];
	size_t slot = m->trend_samples % TUI_TREND;
	/* A cgroup not in this sample: a gap, not its last value again. */
	for (size_t i = 0; i < m->ntrends; i++)
		m->trends[i].cpu[slot] = m->trends[i].mem[slot] = NAN;
	for (size_t i = 0; i < n; i++) {
		struct tui_trend *t = trend_of(m, rows[i]->path);
		if (!t) {
			if (NSTK_GROW(m->trends, m->cap_trends, m->ntrends) < 0)
				return -ENOMEM;
			t = &m->trends[m->ntrends];
			*t = (struct tui_trend){ .path = strdup(rows[i]->path) };
			if (!t->path || nstk_hash_put(&m->trend_index, nstk_hash_string(t->path), (uint32_t)m->ntrends) < 0) {
				free(t->path);
				return -ENOMEM;
			}
			m->ntrends++;
			for (size_t k = 0; k < TUI_TREND; k++)
				t->cpu[k] = t->mem[k] = NAN;
		}
		t->cpu[slot] = cgtop_field_number(cpu, rows[i]);
		t->mem[slot] = cgtop_field_number(mem, rows[i]);
	}
	m->trend_samples++;
	return 0;
}

/* The sparkline of one trend, oldest first: what the samples remembered hold. */
static void trend_cell(const struct tui_model *m, const struct nstk_cg_stats *s, bool memory, char *buf, size_t size)
{
	const struct tui_trend *t = trend_of(m, s->path);
	double v[TUI_TREND];
	size_t n = m->trend_samples < TUI_TREND ? (size_t)m->trend_samples : TUI_TREND;
	for (size_t k = 0; k < n; k++) {
		size_t slot = (m->trend_samples - n + k) % TUI_TREND;
		v[k] = t ? (memory ? t->mem[slot] : t->cpu[slot]) : NAN;
	}
	nstk_sparkline(v, n, 100, m->o->utf8, buf, size);
}

unsigned tui_model_reads(const struct tui_model *m)
{
	unsigned reads = cgtop_fields[m->sort_field].reads | cgtop_fields[m->oom_kills_delta].reads;
	for (size_t c = 0; c < TUI_NCOLUMNS; c++)
		reads |= cgtop_fields[m->fields[c]].reads | (m->froms[c] >= 0 ? cgtop_fields[m->froms[c]].reads : 0);
	for (size_t i = 0; i < TUI_NSHARES; i++)
		reads |= cgtop_fields[m->shares[i]].reads;
	return reads;
}

/* ---- which rows, in which order ---- */

static bool is_ancestor(const struct nstk_cg_stats *a, const struct nstk_cg_stats *b)
{
	for (const struct nstk_cg_stats *p = b->parent; p; p = p->parent)
		if (p == a)
			return true;
	return false;
}

static bool filter_matches(const struct tui_model *m, const struct nstk_cg_stats *s)
{
	if (!m->filter[0])
		return true;
	return fnmatch(m->filter, s->path, 0) == 0 ||
	       (s->container && nstk_container_glob_matches(s->container, m->filter));
}

/* Siblings (flat view: all rows) by the sort field: largest first, rows without a value last. */
static int compare_lines(const void *a, const void *b, void *arg)
{
	const struct tui_model *m = arg;
	const struct tui_line *x = &m->lines[*(const int *)a], *y = &m->lines[*(const int *)b];
	const struct cgtop_field *f = &cgtop_fields[m->sort_field];
	int r = 0;

	if (x->parent != y->parent)
		return x->parent < y->parent ? -1 : 1;
	if (f->kind == CGTOP_F_PATH) {
		r = strcmp(x->s->path, y->s->path);
		return m->reverse ? -r : r;
	}
	double u = cgtop_field_number(f, x->s), v = cgtop_field_number(f, y->s);
	if (isnan(u) != isnan(v))
		return isnan(u) ? 1 : -1;
	if (!isnan(u) && u != v)
		r = (u > v) != m->reverse ? -1 : 1;
	return r ? r : strcmp(x->s->path, y->s->path);
}

/* Depth-first from the lines whose parent is parent, each followed by its subtree. */
static void emit_subtree(struct tui_model *m, const int *sorted, const size_t *start, const size_t *count,
			 int parent, size_t *n)
{
	size_t first = start[parent + 1], k = count[parent + 1];
	for (size_t i = 0; i < k; i++) {
		int l = sorted[first + i];
		m->lines[l].last = i + 1 == k;
		m->order[(*n)++] = l;
		emit_subtree(m, sorted, start, count, l, n);
	}
}

/* The rows the view shows, with their cells, in m->order. */
static int build_rows(struct tui_model *m, const struct nstk_cg_stats *const *rows, size_t all)
{
	int r;

	m->nlines = 0;
	/* The monitor lists parents before children: a stack of the open ancestors finds each tree parent. */
	_cleanup_free_ int *stack = malloc((all ? all : 1) * sizeof(*stack));
	size_t depth = 0;
	if (!stack)
		return -ENOMEM;
	m->deepest = 0;
	for (size_t i = 0; i < all; i++) {
		const struct nstk_cg_stats *s = rows[i];
		if (s->depth > m->deepest)
			m->deepest = s->depth;
		if ((m->depth >= 0 && s->depth > (unsigned)m->depth) || !filter_matches(m, s))
			continue;
		if ((r = NSTK_GROW(m->lines, m->cap_lines, m->nlines)) < 0)
			return r;
		struct tui_line *l = &m->lines[m->nlines];
		while (depth > 0 && !is_ancestor(m->lines[stack[depth - 1]].s, s))
			depth--;
		l->s = s;
		l->parent = m->tree && depth > 0 ? stack[depth - 1] : -1;
		l->last = false;
		for (size_t c = 0; c < TUI_NAME_COLUMN; c++) {
			enum cgtop_cell_format format = cgtop_columns[tui_columns[c]].format;
			if (format == CGTOP_CELL_TREND)
				trend_cell(m, s, tui_columns[c] == CGTOP_COL_MEM_TREND, l->cell[c], sizeof(l->cell[c]));
			else
				cgtop_cell_text(m->o, m->fields[c], m->froms[c], format, s, l->cell[c],
						sizeof(l->cell[c]));
		}
		stack[depth++] = (int)m->nlines++;
	}
	if (m->nlines == 0)
		return 0;

	/* Sort by (parent, key): each parent's children are then a run, emitted depth-first. */
	if ((r = NSTK_GROW(m->order, m->cap_order, m->nlines - 1)) < 0)
		return r;
	_cleanup_free_ int *sorted = malloc(m->nlines * sizeof(*sorted));
	_cleanup_free_ size_t *start = calloc(m->nlines + 1, sizeof(*start));
	_cleanup_free_ size_t *count = calloc(m->nlines + 1, sizeof(*count));
	if (!sorted || !start || !count)
		return -ENOMEM;
	for (size_t i = 0; i < m->nlines; i++)
		sorted[i] = (int)i;
	qsort_r(sorted, m->nlines, sizeof(*sorted), compare_lines, m);
	for (size_t i = m->nlines; i-- > 0;) {
		int p = m->lines[sorted[i]].parent;
		start[p + 1] = i;
		count[p + 1]++;
	}
	size_t n = 0;
	emit_subtree(m, sorted, start, count, -1, &n);
	return 0;
}

/* ---- the cursor and the process list ---- */

void tui_model_set_cursor(struct tui_model *m, int row)
{
	if (row >= (int)m->nlines)
		row = (int)m->nlines - 1;
	if (row < 0)
		row = 0;
	m->cursor = row;
	if (m->nlines == 0)
		return;
	char *path = strdup(m->lines[m->order[row]].s->path);
	if (path) { /* without memory the cursor keeps its row, not its cgroup */
		free(m->cursor_path);
		m->cursor_path = path;
	}
}

/*
 * The cursor stays on its cgroup; when that is gone (or filtered out), on
 * its row. Before any key moved it, it is the top row (whichever cgroup a
 * re-sort puts there) and is not drawn, so the screen is as it always was
 * until someone moves it.
 */
static void follow_cursor(struct tui_model *m)
{
	if (!m->cursor_shown) {
		tui_model_set_cursor(m, 0);
		return;
	}
	for (size_t i = 0; m->cursor_path && i < m->nlines; i++) {
		if (strcmp(m->lines[m->order[i]].s->path, m->cursor_path) == 0) {
			m->cursor = (int)i;
			return;
		}
	}
	tui_model_set_cursor(m, m->cursor);
}

static int compare_procs(const void *a, const void *b)
{
	const struct nstk_cg_proc *x = *(const struct nstk_cg_proc *const *)a,
				  *y = *(const struct nstk_cg_proc *const *)b;
	if (isnan(x->cpu_pct) != isnan(y->cpu_pct))
		return isnan(x->cpu_pct) ? 1 : -1;
	if (!isnan(x->cpu_pct) && x->cpu_pct != y->cpu_pct)
		return x->cpu_pct > y->cpu_pct ? -1 : 1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* The open list's processes, from its cgroup's row among all the sample's rows. */
static int build_procs(struct tui_model *m, const struct nstk_cg_stats *const *rows, size_t all)
{
	const struct nstk_cg_stats *s = NULL;
	m->nplist = 0;
	m->procs_gone = m->procs_known = false;
	if (!m->procs)
		return 0;
	for (size_t i = 0; i < all && !s; i++)
		if (strcmp(rows[i]->path, m->procs_path) == 0)
			s = rows[i];
	m->procs_gone = !s;
	if (!s || !s->has_procs)
		return 0;
	m->procs_known = true;
	if (s->nprocs && NSTK_GROW(m->plist, m->cap_plist, s->nprocs - 1) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < s->nprocs; i++)
		m->plist[i] = &s->procs[i];
	m->nplist = s->nprocs;
	qsort(m->plist, m->nplist, sizeof(*m->plist), compare_procs);
	return 0;
}

int tui_model_build(struct tui_model *m, const struct nstk_cg_stats *const *rows, size_t all)
{
	int r = build_rows(m, rows, all);
	if (r < 0)
		return r;
	follow_cursor(m);
	return build_procs(m, rows, all);
}

void tui_model_open_procs(struct tui_model *m)
{
	if (m->nlines == 0)
		return;
	char *path = strdup(m->lines[m->order[m->cursor]].s->path);
	if (!path) {
		snprintf(m->message, sizeof(m->message), "out of memory");
		return;
	}
	free(m->procs_path);
	m->procs_path = path;
	m->procs = true;
	m->procs_scroll = 0;
	m->nplist = 0;
	m->procs_known = m->procs_gone = false;
}

void tui_model_close_procs(struct tui_model *m)
{
	m->procs = false;
	m->nplist = 0;
}

const char *tui_model_procs_wanted(const struct tui_model *m)
{
	return m->procs ? m->procs_path : NULL;
}

/* The name cell: tree guides and the name below its tree parent, or the path; a container's label instead. */
void tui_model_name(const struct tui_model *m, const struct tui_line *l, char *buf, size_t size)
{
	char label[NSTK_CONTAINER_LABEL_MAX];
	const char *name = l->s->path;
	size_t o = 0;

	if (l->s->container && nstk_container_label(l->s->container, label, sizeof(label)) == 0)
		name = label;
	if (m->tree && l->parent >= 0) {
		/* Guides: one per tree ancestor below the roots, "│ " while that ancestor has siblings to come. */
		bool more[MAX_GUIDES];
		int levels = 0;
		for (int p = l->parent; p >= 0 && m->lines[p].parent >= 0; p = m->lines[p].parent)
			levels++;
		int shown = levels < MAX_GUIDES ? levels : MAX_GUIDES;
		int i = levels;
		for (int p = l->parent; p >= 0 && m->lines[p].parent >= 0; p = m->lines[p].parent)
			if (--i < shown)
				more[i] = !m->lines[p].last;
		const char *bar = m->o->utf8 ? "\u2502 " : "| ", *tee = m->o->utf8 ? "\u251c\u2500" : "|-",
			   *elbow = m->o->utf8 ? "\u2514\u2500" : "`-";
		for (i = 0; i < shown && o + 8 < size; i++)
			o += (size_t)snprintf(buf + o, size - o, "%s", more[i] ? bar : "  ");
		o += (size_t)snprintf(buf + o, size - o, "%s", l->last ? elbow : tee);
		if (name != label) {
			/* The path below the tree parent ("a/deep" when "a" is not shown). */
			const char *parent = m->lines[l->parent].s->path;
			name += strlen(parent) + (strcmp(parent, "/") != 0);
		}
	}
	snprintf(buf + o, o < size ? size - o : 0, "%s", name);
}

/* ---- what the rows say ---- */

enum tui_alert tui_model_alert(const struct tui_model *m, const struct nstk_cg_stats *s)
{
	if (cgtop_field_number(&cgtop_fields[m->oom_kills_delta], s) > 0)
		return TUI_ALERT_OOM;
	for (size_t i = 0; i < TUI_NSHARES; i++) {
		double share = cgtop_field_number(&cgtop_fields[m->shares[i]], s);
		if (isfinite(share) && share >= TUI_NEAR_LIMIT_PCT)
			return TUI_ALERT_NEAR;
	}
	return TUI_ALERT_NONE;
}

int tui_model_column_of(const struct tui_model *m, int field)
{
	for (size_t c = 0; c < TUI_NCOLUMNS; c++)
		if (m->fields[c] == field)
			return (int)c;
	return -1;
}

void tui_model_sort_by_column(struct tui_model *m, int c)
{
	if (m->fields[c] != m->sort_field)
		m->reverse = false;
	m->sort_field = m->fields[c];
}

void tui_model_fit_scroll(struct tui_model *m, int page)
{
	if (m->procs) {
		int most = (int)m->nplist - page;
		if (m->procs_scroll > most)
			m->procs_scroll = most;
		if (m->procs_scroll < 0)
			m->procs_scroll = 0;
		return;
	}
	if (m->cursor < m->scroll)
		m->scroll = m->cursor;
	if (page > 0 && m->cursor >= m->scroll + page)
		m->scroll = m->cursor - page + 1;
	int most = (int)m->nlines - page;
	if (m->scroll > most)
		m->scroll = most;
	if (m->scroll < 0)
		m->scroll = 0;
}

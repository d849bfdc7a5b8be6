/*
 * tui.c — cgtop's interactive screen: a top-like ncurses view of the
 * cgroup tree, its usage against its limits, sortable, filterable, as a
 * tree or flat.
 *
 * The one idea: what is on the screen is a function of the last sample and
 * the view (sort, tree or flat, depth, filter, scroll). A key changes only
 * the view and redraws at once from the sample already taken; only the
 * timer samples again. One poll(2) waits for both, and for a self-pipe
 * that SIGINT, SIGTERM and SIGHUP write to, so every way out passes
 * through endwin() and the terminal is left as it was found.
 *
 * Cells come from cgtop_cell_text(), the batch table's own strings, so the
 * screen and `cgtop -b` never disagree about a number.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>
#include <wctype.h>

#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "cgtop.h"
#include "tui.h"
#include "nstk/text.h"
#include "nstk/util.h"

/* A row at or above this share of an effective limit is highlighted. */
#define NEAR_LIMIT_PCT 90.0
/* Header lines above the column titles. */
#define HEADER_LINES 2
/* Bytes kept of a cell's text: more than the widest column shows. */
#define CELL_BYTES 64
/* A path, an indentation and a container label. */
#define NAME_BYTES (4096 + 1024)
#define FILTER_BYTES 256
#define INPUT_CHARS 128
/* Tree levels drawn with guide lines; deeper ones are drawn at this indent. */
#define MAX_GUIDES 64
/* The name column is given at least this much, at the cost of other columns. */
#define NAME_MIN 20

/* The screen's columns, in its order. The name column is the last: it takes
 * the rest of the line, as top's COMMAND. */
static const enum cgtop_column_id columns[] = {
	CGTOP_COL_TASKS, CGTOP_COL_CPU, CGTOP_COL_CPULIM, CGTOP_COL_CLIM, CGTOP_COL_THR,
	CGTOP_COL_MEM, CGTOP_COL_MEMMAX, CGTOP_COL_PCT_MAX, CGTOP_COL_OOMK, CGTOP_COL_PIDSMAX,
	CGTOP_COL_IOR, CGTOP_COL_IOW, CGTOP_COL_PSI_CPU, CGTOP_COL_PSI_MEMORY, CGTOP_COL_PSI_IO,
	CGTOP_COL_PATH,
};

#define NCOLUMNS NSTK_ARRAY_SIZE(columns)
#define NAME_COLUMN (NCOLUMNS - 1)

/* The screen's column c. */
static const struct cgtop_column *column(size_t c)
{
	return &cgtop_columns[columns[c]];
}
/* The name column's title in tree view (PATH in flat view). */
#define TREE_TITLE "CGROUP"

/* A sort key names columns; pressed again it moves to the next one it names. */
static const struct {
	int key;
	const char *fields[3];
	const char *help;
} sort_keys[] = {
	{ 'c', { "cpu.usage_pct" }, "%CPU" },
	{ 'm', { "memory.current", "memory.pct_of_max" }, "MEM; again: %MAX" },
	{ 'l', { "cpu.pct_of_limit", "memory.pct_of_max" }, "share of a limit: %CLIM; again: %MAX" },
	{ 't', { "cpu.throttled_pct" }, "%THR, throttled periods" },
	{ 'p', { "pressure.cpu_some_avg10", "pressure.memory_some_avg10", "pressure.io_some_avg10" },
	  "pressure: PSIcpu; again: PSImem, PSIio" },
	{ 'i', { "io.read_bps", "io.write_bps" }, "I/O: IOR/s; again: IOW/s" },
	{ 'n', { "path" }, "name (path order)" },
};

/* A row is highlighted when one of these is at NEAR_LIMIT_PCT or more, */
static const char *const limit_shares[] = { "cpu.pct_of_limit", "memory.pct_of_max", "memory.pct_of_high",
					    "pids.pct_of_max" };
/* and more strongly when this is more than 0. */
#define OOM_KILLS_DELTA "memory.oom_kills_delta"

#define NSHARES (sizeof(limit_shares) / sizeof(limit_shares[0]))

enum alert { ALERT_NONE, ALERT_NEAR, ALERT_OOM };

/* One row of the table (tui.order has them in the order drawn). */
struct line {
	const struct nstk_cg_stats *s;
	int parent;   /* index in the tree (into tui.lines) of the nearest shown ancestor, or -1 */
	bool last;    /* the last child of its parent */
	char cell[NCOLUMNS - 1][CELL_BYTES];
};

struct tui {
	const struct cgtop_options *o;
	struct nstk_cg_monitor *mon; /* ours: it reads what the columns show */
	int mon_depth;		     /* the levels it reads below the top; < 0: all */
	long samples;
	struct timespec next; /* CLOCK_MONOTONIC of the next sample */
	int fields[NCOLUMNS], froms[NCOLUMNS]; /* the columns' fields, resolved */
	int shares[NSHARES], oom_kills_delta;  /* the alerts' */

	/* The view. */
	int depth;	 /* levels shown below the top; < 0: all */
	int sort_field;	 /* into cgtop_fields */
	bool reverse, tree, help;
	char filter[FILTER_BYTES]; /* the glob applied, "" for none */
	bool prompting;
	wchar_t input[INPUT_CHARS + 1]; /* the glob being typed */
	size_t ninput;
	int scroll;
	char message[128]; /* on the bottom line until the next key */

	/* The rows shown, rebuilt for every draw. */
	struct line *lines;
	size_t nlines, cap_lines;
	int *order; /* lines in the order drawn */
	size_t cap_order;

	int attr_title, attr_near, attr_oom;
	bool utf8;
};

static volatile sig_atomic_t quit_signal;
static int wake_fd = -1;
/* ncurses's own SIGWINCH handler, which makes the next get_wch() return KEY_RESIZE. */
static struct sigaction curses_winch;

static void wake(void)
{
	int saved = errno;
	if (wake_fd >= 0 && write(wake_fd, "", 1) < 0) {
		/* Full: a wake-up is already pending. */
	}
	errno = saved;
}

static void on_quit_signal(int sig)
{
	quit_signal = sig;
	wake();
}

static void on_winch(int sig, siginfo_t *info, void *context)
{
	if (curses_winch.sa_flags & SA_SIGINFO)
		curses_winch.sa_sigaction(sig, info, context);
	else if (curses_winch.sa_handler != SIG_DFL && curses_winch.sa_handler != SIG_IGN)
		curses_winch.sa_handler(sig);
	wake();
}

/* ---- time ---- */

static double since(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void add_seconds(struct timespec *t, double s)
{
	time_t whole = (time_t)s;
	t->tv_sec += whole;
	t->tv_nsec += (long)((s - (double)whole) * 1e9);
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

/* ---- text on the screen ---- */

/* Where text too wide for its place loses characters, for an ellipsis. */
enum cut {
	CUT_END,      /* names, headers */
	CUT_START,    /* paths: their end says most */
	CUT_AFTER_AT, /* "128.0M@/a/long/path": keep the value, the "@" and the path's end */
};

/*
 * Put s at (y, x) in exactly width columns: padded (on the left with
 * right), or cut as cut says. Escaped as the tables escape; what the
 * locale still cannot show is '?'. Never past the edge of the screen.
 */
static void put_text(const struct tui *t, int y, int x, int width, const char *s, bool right, enum cut cut)
{
	wchar_t w[NAME_BYTES], out[NAME_BYTES + 1];
	int cw[NAME_BYTES];
	size_t n = 0, at = NAME_BYTES;
	int total = 0;
	mbstate_t st = { 0 };
	size_t len = strlen(s);

	if (y < 0 || y >= LINES || x >= COLS || width <= 0)
		return;
	/* The tables' rule: control, bidi and zero-width characters as \xHH. */
	_cleanup_free_ char *safe = nstk_text_is_safe(s, -1) ? NULL : nstk_text_safe(s, -1);
	if (safe) {
		s = safe;
		len = strlen(s);
	}
	if (width > COLS - x)
		width = COLS - x;
	/* The bottom right corner cannot be written without scrolling: leave it blank. */
	bool corner = y == LINES - 1 && x + width == COLS;
	if (corner && --width == 0)
		return;
	while (len > 0 && n < NAME_BYTES) {
		wchar_t c;
		size_t k = mbrtowc(&c, s, len, &st);
		if (k == (size_t)-2)
			break;
		if (k == (size_t)-1 || k == 0) {
			c = L'?';
			k = 1;
			memset(&st, 0, sizeof(st));
		}
		int cwidth = wcwidth(c);
		if (cwidth < 0 || !iswprint(c)) {
			c = L'?';
			cwidth = 1;
		}
		if (c == L'@' && at == NAME_BYTES)
			at = n;
		w[n] = c;
		cw[n++] = cwidth;
		total += cwidth;
		s += k;
		len -= k;
	}

	/* What is kept: w[0, head) and w[n - tail, n), with an ellipsis between when cut. */
	size_t head = n, tail = 0, o = 0;
	int used = total;
	bool cut_here = total > width;
	if (cut_here) {
		head = 0;
		used = 1;
		if (cut == CUT_AFTER_AT && at < n) {
			int upto = 0;
			for (size_t i = 0; i <= at; i++)
				upto += cw[i];
			if (used + upto <= width) {
				head = at + 1;
				used += upto;
			} else {
				cut = CUT_END;
			}
		}
		if (cut == CUT_END || (cut == CUT_AFTER_AT && at >= n)) {
			while (head < n && used + cw[head] <= width)
				used += cw[head++];
		} else {
			while (tail < n - head && used + cw[n - 1 - tail] <= width)
				used += cw[n - 1 - tail++];
		}
	}
	int pad = width - used;
	if (right)
		for (; pad > 0; pad--)
			out[o++] = L' ';
	for (size_t i = 0; i < head; i++)
		out[o++] = w[i];
	if (cut_here)
		out[o++] = t->utf8 ? L'\u2026' : L'~';
	for (size_t i = n - tail; i < n; i++)
		out[o++] = w[i];
	for (; pad > 0; pad--)
		out[o++] = L' ';
	mvaddnwstr(y, x, out, (int)o);
}

/* Columns s takes on the screen. */
static int text_width(const char *s)
{
	mbstate_t st = { 0 };
	size_t len = strlen(s);
	int width = 0;
	while (len > 0) {
		wchar_t c;
		size_t k = mbrtowc(&c, s, len, &st);
		if (k == (size_t)-2)
			break;
		int cw = 1;
		if (k == (size_t)-1 || k == 0) {
			k = 1;
			memset(&st, 0, sizeof(st));
		} else if ((cw = wcwidth(c)) < 0) {
			cw = 1;
		}
		width += cw;
		s += k;
		len -= k;
	}
	return width;
}

/* ---- which rows, in which order ---- */

static bool is_ancestor(const struct nstk_cg_stats *a, const struct nstk_cg_stats *b)
{
	for (const struct nstk_cg_stats *p = b->parent; p; p = p->parent)
		if (p == a)
			return true;
	return false;
}

static bool filter_matches(const struct tui *t, const struct nstk_cg_stats *s)
{
	if (!t->filter[0])
		return true;
	return fnmatch(t->filter, s->path, 0) == 0 ||
	       (s->container && nstk_container_glob_matches(s->container, t->filter));
}

/* Siblings (flat view: all rows) by the sort field: largest first, rows without a value last. */
static int compare_lines(const void *a, const void *b, void *arg)
{
	const struct tui *t = arg;
	const struct line *x = &t->lines[*(const int *)a], *y = &t->lines[*(const int *)b];
	const struct cgtop_field *f = &cgtop_fields[t->sort_field];
	int r = 0;

	if (x->parent != y->parent)
		return x->parent < y->parent ? -1 : 1;
	if (f->kind == CGTOP_F_PATH) {
		r = strcmp(x->s->path, y->s->path);
		return t->reverse ? -r : r;
	}
	double u = cgtop_field_number(f, x->s), v = cgtop_field_number(f, y->s);
	if (isnan(u) != isnan(v))
		return isnan(u) ? 1 : -1;
	if (!isnan(u) && u != v)
		r = (u > v) != t->reverse ? -1 : 1;
	return r ? r : strcmp(x->s->path, y->s->path);
}

/* Depth-first from the lines whose parent is parent, each followed by its subtree. */
static void emit_subtree(struct tui *t, const int *sorted, const size_t *start, const size_t *count, int parent,
			 size_t *n)
{
	size_t first = start[parent + 1], k = count[parent + 1];
	for (size_t i = 0; i < k; i++) {
		int l = sorted[first + i];
		t->lines[l].last = i + 1 == k;
		t->order[(*n)++] = l;
		emit_subtree(t, sorted, start, count, l, n);
	}
}

/* The rows of the last sample the view shows, with their cells, in t->order. */
static int build_lines(struct tui *t)
{
	size_t all;
	const struct nstk_cg_stats *const *rows = nstk_cg_monitor_rows(t->mon, &all);
	int r;

	t->nlines = 0;
	/* The monitor lists parents before children: a stack of the open ancestors finds each tree parent. */
	_cleanup_free_ int *stack = malloc((all ? all : 1) * sizeof(*stack));
	size_t depth = 0;
	if (!stack)
		return -ENOMEM;
	for (size_t i = 0; i < all; i++) {
		const struct nstk_cg_stats *s = rows[i];
		if ((t->depth >= 0 && s->depth > (unsigned)t->depth) || !filter_matches(t, s))
			continue;
		if ((r = NSTK_GROW(t->lines, t->cap_lines, t->nlines)) < 0)
			return r;
		struct line *l = &t->lines[t->nlines];
		while (depth > 0 && !is_ancestor(t->lines[stack[depth - 1]].s, s))
			depth--;
		l->s = s;
		l->parent = t->tree && depth > 0 ? stack[depth - 1] : -1;
		l->last = false;
		for (size_t c = 0; c < NAME_COLUMN; c++)
			cgtop_cell_text(t->o, t->fields[c], t->froms[c], column(c)->format, s, l->cell[c],
					sizeof(l->cell[c]));
		stack[depth++] = (int)t->nlines++;
	}
	if (t->nlines == 0)
		return 0;

	/* Sort by (parent, key): each parent's children are then a run, emitted depth-first. */
	if ((r = NSTK_GROW(t->order, t->cap_order, t->nlines - 1)) < 0)
		return r;
	_cleanup_free_ int *sorted = malloc(t->nlines * sizeof(*sorted));
	_cleanup_free_ size_t *start = calloc(t->nlines + 1, sizeof(*start));
	_cleanup_free_ size_t *count = calloc(t->nlines + 1, sizeof(*count));
	if (!sorted || !start || !count)
		return -ENOMEM;
	for (size_t i = 0; i < t->nlines; i++)
		sorted[i] = (int)i;
	qsort_r(sorted, t->nlines, sizeof(*sorted), compare_lines, t);
	for (size_t i = t->nlines; i-- > 0;) {
		int p = t->lines[sorted[i]].parent;
		start[p + 1] = i;
		count[p + 1]++;
	}
	size_t n = 0;
	emit_subtree(t, sorted, start, count, -1, &n);
	return 0;
}

/* The name cell: tree guides and the name below its tree parent, or the path; a container's label instead. */
static void name_text(const struct tui *t, const struct line *l, char *buf, size_t size)
{
	char label[NSTK_CONTAINER_LABEL_MAX];
	const char *name = l->s->path;
	size_t o = 0;

	if (l->s->container && nstk_container_label(l->s->container, label, sizeof(label)) == 0)
		name = label;
	if (t->tree && l->parent >= 0) {
		/* Guides: one per tree ancestor below the roots, "│ " while that ancestor has siblings to come. */
		bool more[MAX_GUIDES];
		int levels = 0;
		for (int p = l->parent; p >= 0 && t->lines[p].parent >= 0; p = t->lines[p].parent)
			levels++;
		int shown = levels < MAX_GUIDES ? levels : MAX_GUIDES;
		int i = levels;
		for (int p = l->parent; p >= 0 && t->lines[p].parent >= 0; p = t->lines[p].parent)
			if (--i < shown)
				more[i] = !t->lines[p].last;
		const char *bar = t->utf8 ? "\u2502 " : "| ", *tee = t->utf8 ? "\u251c\u2500" : "|-",
			   *elbow = t->utf8 ? "\u2514\u2500" : "`-";
		for (i = 0; i < shown && o + 8 < size; i++)
			o += (size_t)snprintf(buf + o, size - o, "%s", more[i] ? bar : "  ");
		o += (size_t)snprintf(buf + o, size - o, "%s", l->last ? elbow : tee);
		if (name != label) {
			/* The path below the tree parent ("a/deep" when "a" is not shown). */
			const char *parent = t->lines[l->parent].s->path;
			name += strlen(parent) + (strcmp(parent, "/") != 0);
		}
	}
	snprintf(buf + o, o < size ? size - o : 0, "%s", name);
}

/* ---- drawing ---- */

static enum alert line_alert(const struct tui *t, const struct nstk_cg_stats *s)
{
	if (cgtop_field_number(&cgtop_fields[t->oom_kills_delta], s) > 0)
		return ALERT_OOM;
	for (size_t i = 0; i < NSHARES; i++) {
		double share = cgtop_field_number(&cgtop_fields[t->shares[i]], s);
		if (isfinite(share) && share >= NEAR_LIMIT_PCT)
			return ALERT_NEAR;
	}
	return ALERT_NONE;
}

static int sorted_column(const struct tui *t)
{
	for (size_t c = 0; c < NCOLUMNS; c++)
		if (t->fields[c] == t->sort_field)
			return (int)c;
	return -1;
}

static const char *column_title(const struct tui *t, size_t c)
{
	return c == NAME_COLUMN && t->tree ? TREE_TITLE : column(c)->out.name;
}

static const char *sort_mark(const struct tui *t)
{
	/* ▼ largest (or last in path order) first, ▲ smallest first. */
	bool down = cgtop_fields[t->sort_field].kind == CGTOP_F_PATH ? t->reverse : !t->reverse;
	if (t->utf8)
		return down ? "\u25bc" : "\u25b2";
	return down ? "v" : "^";
}

static void draw_header(const struct tui *t, size_t total)
{
	char line[512], mem[64] = "", used[16], all[16];
	const struct nstk_cg_layout *layout = nstk_cg_monitor_layout(t->mon);
	struct sysinfo si;
	time_t now = (time_t)nstk_cg_monitor_time(t->mon);
	struct tm tm;
	char clock[16] = "";

	if (sysinfo(&si) == 0) {
		/* In use: neither free nor buffers; page cache counts as used (sysinfo has no MemAvailable). */
		double unit = si.mem_unit ? si.mem_unit : 1;
		double total_b = (double)si.totalram * unit;
		double used_b = (double)(si.totalram - si.freeram - si.bufferram) * unit;
		snprintf(used, sizeof(used), "%.1fG", used_b / (1 << 30));
		snprintf(all, sizeof(all), "%.1fG", total_b / (1 << 30));
		snprintf(mem, sizeof(mem), "  mem %s used of %s", used, all);
	}
	if (localtime_r(&now, &tm))
		strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
	snprintf(line, sizeof(line), "cgtop %s  %ld CPUs%s  %s  every %gs  cgroups: %zu, %zu shown", clock,
		 sysconf(_SC_NPROCESSORS_ONLN), mem, nstk_cg_layout_name(layout->kind), t->o->delay_s, total,
		 t->nlines);
	put_text(t, 0, 0, COLS, line, false, CUT_END);

	char depth[16] = "all";
	if (t->depth >= 0)
		snprintf(depth, sizeof(depth), "%d", t->depth);
	int sc = sorted_column(t);
	snprintf(line, sizeof(line), "view: %s  depth: %s  sort: %s%s  filter: %s", t->tree ? "tree" : "flat", depth,
		 sc >= 0 ? column_title(t, (size_t)sc) : cgtop_fields[t->sort_field].name, sort_mark(t),
		 t->filter[0] ? t->filter : "-");
	const char *hint = "? help  q quit";
	int hw = text_width(hint);
	put_text(t, 1, 0, COLS, line, false, CUT_END);
	if (COLS > text_width(line) + hw + 2)
		put_text(t, 1, COLS - hw, hw, hint, false, CUT_END);
}

static void draw_help(const struct tui *t)
{
	static const char *const rest[] = {
		"<  >      move the sort column left / right (also Left, Right)",
		"r         reverse the order",
		"T         tree or flat view",
		"+  -      show one level more / less (--depth)",
		"/         filter: a glob on the path or the container; one not starting",
		"          with / matches anywhere. Enter applies (empty: no filter), Esc cancels",
		"Up, Down, PgUp, PgDn, Home, End: scroll",
		"space     sample now",
		"Ctrl-L    redraw",
		"q         quit",
		"",
		"Limits: \xe2\x88\x9e unlimited; 0.50@/parent: set by that ancestor. Rows at 90 % or more",
		"of a limit (CPU, memory.max or .high, pids.max) are highlighted, and rows",
		"with new OOM kills more so. PSI: some avg10 of cpu, memory, io.",
		"",
		"Press any key to return.",
	};
	char line[256];
	int y = HEADER_LINES;

	attron(t->attr_title);
	put_text(t, y++, 0, COLS, "Keys", false, CUT_END);
	attroff(t->attr_title);
	for (size_t i = 0; i < NSTK_ARRAY_SIZE(sort_keys); i++) {
		snprintf(line, sizeof(line), "%c         sort by %s", sort_keys[i].key, sort_keys[i].help);
		put_text(t, y++, 0, COLS, line, false, CUT_END);
	}
	for (size_t i = 0; i < NSTK_ARRAY_SIZE(rest); i++) {
		const char *s = rest[i];
		if (!t->utf8 && strncmp(s, "Limits: \xe2\x88\x9e", 11) == 0) {
			snprintf(line, sizeof(line), "Limits: max%s", s + 11);
			s = line;
		}
		put_text(t, y++, 0, COLS, s, false, CUT_END);
	}
}

/* Column widths for the lines: the name column takes what is left; narrow screens drop columns. */
static void layout_columns(const struct tui *t, int width[NCOLUMNS], bool shown[NCOLUMNS])
{
	int sc = sorted_column(t), used = 0;
	int mark = text_width(sort_mark(t));

	for (size_t c = 0; c < NCOLUMNS; c++) {
		shown[c] = true;
		width[c] = text_width(column_title(t, c)) + ((int)c == sc ? mark : 0);
		if (c == NAME_COLUMN)
			continue;
		for (size_t i = 0; i < t->nlines; i++) {
			int w = text_width(t->lines[i].cell[c]);
			if (w > width[c])
				width[c] = w < column(c)->screen_cap ? w : column(c)->screen_cap;
		}
		used += width[c] + 1;
	}
	/* The name column wants some room: drop columns until it has it. */
	while (used + NAME_MIN > COLS) {
		size_t worst = NCOLUMNS;
		for (size_t c = 0; c < NAME_COLUMN; c++)
			if (shown[c] && column(c)->screen_drop && (int)c != sc &&
			    (worst == NCOLUMNS || column(c)->screen_drop > column(worst)->screen_drop))
				worst = c;
		if (worst == NCOLUMNS)
			break;
		shown[worst] = false;
		used -= width[worst] + 1;
	}
	width[NAME_COLUMN] = COLS - used;
}

static void draw_table(struct tui *t, int bottom)
{
	int width[NCOLUMNS], sc = sorted_column(t);
	bool shown[NCOLUMNS];
	char title[64], name[NAME_BYTES];

	layout_columns(t, width, shown);
	int y = HEADER_LINES, x = 0;
	attron(t->attr_title);
	for (size_t c = 0; c < NCOLUMNS; c++) {
		if (!shown[c])
			continue;
		snprintf(title, sizeof(title), "%s%s", column_title(t, c), (int)c == sc ? sort_mark(t) : "");
		if ((int)c == sc)
			attron(A_BOLD);
		put_text(t, y, x, width[c], title, c != NAME_COLUMN, CUT_END);
		if ((int)c == sc)
			attroff(A_BOLD);
		x += width[c];
		if (c != NAME_COLUMN)
			put_text(t, y, x++, 1, " ", false, CUT_END);
	}
	attroff(t->attr_title);

	int page = bottom - (HEADER_LINES + 1);
	if (page < 0)
		page = 0;
	int most = (int)t->nlines - page;
	if (t->scroll > most)
		t->scroll = most;
	if (t->scroll < 0)
		t->scroll = 0;
	for (int i = 0; i < page && t->scroll + i < (int)t->nlines; i++) {
		const struct line *l = &t->lines[t->order[t->scroll + i]];
		enum alert a = line_alert(t, l->s);
		int attr = a == ALERT_OOM ? t->attr_oom : a == ALERT_NEAR ? t->attr_near : 0;
		y = HEADER_LINES + 1 + i;
		x = 0;
		attron(attr);
		for (size_t c = 0; c < NAME_COLUMN; c++) {
			if (!shown[c])
				continue;
			put_text(t, y, x, width[c], l->cell[c], true, CUT_AFTER_AT);
			x += width[c];
			put_text(t, y, x++, 1, " ", false, CUT_END);
		}
		name_text(t, l, name, sizeof(name));
		put_text(t, y, x, width[NAME_COLUMN], name, false, t->tree ? CUT_END : CUT_START);
		attroff(attr);
	}
}

static void draw(struct tui *t)
{
	size_t total;
	nstk_cg_monitor_rows(t->mon, &total);
	erase();
	draw_header(t, total);
	int bottom = t->prompting || t->message[0] ? LINES - 1 : LINES;
	if (t->help)
		draw_help(t);
	else
		draw_table(t, bottom);
	if (t->prompting) {
		char input[INPUT_CHARS * MB_LEN_MAX + 1], line[sizeof(input) + 64];
		size_t n = wcstombs(input, t->input, sizeof(input));
		if (n == (size_t)-1)
			input[0] = '\0';
		snprintf(line, sizeof(line), "filter (glob, Enter applies, Esc cancels): %s", input);
		put_text(t, LINES - 1, 0, COLS, line, false, CUT_START);
		int x = text_width(line);
		move(LINES - 1, x < COLS ? x : COLS - 1);
	} else if (t->message[0]) {
		put_text(t, LINES - 1, 0, COLS, t->message, false, CUT_END);
	}
	curs_set(t->prompting ? 1 : 0);
	refresh();
}

/* ---- the monitor ---- */

/* What the screen needs read: its columns, the sort field and the alerts' fields. */
static unsigned screen_reads(const struct tui *t)
{
	unsigned reads = cgtop_fields[t->sort_field].reads | cgtop_fields[t->oom_kills_delta].reads;
	for (size_t c = 0; c < NCOLUMNS; c++)
		reads |= cgtop_fields[t->fields[c]].reads | (t->froms[c] >= 0 ? cgtop_fields[t->froms[c]].reads : 0);
	for (size_t i = 0; i < NSHARES; i++)
		reads |= cgtop_fields[t->shares[i]].reads;
	return reads;
}

/* Open a monitor of the options' tree reading depth levels, and take its first sample. */
static int open_monitor(struct tui *t, int depth)
{
	const struct cgtop_options *o = t->o;
	struct nstk_cg_monitor *m;
	int r = cgtop_monitor_open(o, depth, screen_reads(t), &m);
	if (r < 0)
		return r;
	if ((r = nstk_cg_monitor_sample(m)) < 0) {
		nstk_cg_monitor_free(m);
		return r;
	}
	nstk_cg_monitor_free(t->mon);
	t->mon = m;
	t->mon_depth = depth;
	t->samples++;
	clock_gettime(CLOCK_MONOTONIC, &t->next);
	add_seconds(&t->next, o->delay_s);
	return 0;
}

/* Sample now: on time (the next one a delay after this one was due) or early, at a key. */
static int sample(struct tui *t, bool early)
{
	int r = nstk_cg_monitor_sample(t->mon);
	if (r < 0)
		return r;
	t->samples++;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	add_seconds(&t->next, t->o->delay_s);
	if (early || since(&t->next, &now) > 0) {
		/* Late (the machine was suspended, or sampling is slow): count from now. */
		t->next = now;
		add_seconds(&t->next, t->o->delay_s);
	}
	return 0;
}

/* ---- keys ---- */

static int column_of_field(const struct tui *t, int field)
{
	for (size_t c = 0; c < NCOLUMNS; c++)
		if (t->fields[c] == field)
			return (int)c;
	return -1;
}

static void sort_by_column(struct tui *t, int c)
{
	if (t->fields[c] != t->sort_field)
		t->reverse = false;
	t->sort_field = t->fields[c];
}

static void sort_key(struct tui *t, size_t k)
{
	size_t n = 0, at = 0;
	bool found = false;
	while (n < NSTK_ARRAY_SIZE(sort_keys[k].fields) && sort_keys[k].fields[n]) {
		if (cgtop_field_find(sort_keys[k].fields[n]) == t->sort_field) {
			at = n;
			found = true;
		}
		n++;
	}
	int c = column_of_field(t, cgtop_field_find(sort_keys[k].fields[found ? (at + 1) % n : 0]));
	if (c >= 0)
		sort_by_column(t, c);
}

static void prompt_key(struct tui *t, int ret, wint_t ch)
{
	bool fn = ret == KEY_CODE_YES;
	if (!fn && ch == 27) {
		t->prompting = false;
	} else if ((fn && ch == KEY_ENTER) || (!fn && (ch == L'\n' || ch == L'\r'))) {
		char glob[FILTER_BYTES - 2]; /* room for the stars */
		size_t n = wcstombs(glob, t->input, sizeof(glob));
		if (n == (size_t)-1 || n >= sizeof(glob))
			n = 0;
		glob[n] = '\0';
		/* A glob not starting with "/" matches anywhere: "web" is "*web*". */
		if (n && glob[0] != '/' && glob[0] != '*')
			snprintf(t->filter, sizeof(t->filter), "*%s*", glob);
		else
			snprintf(t->filter, sizeof(t->filter), "%s", glob);
		t->prompting = false;
		t->scroll = 0;
	} else if ((fn && ch == KEY_BACKSPACE) || (!fn && (ch == 127 || ch == 8))) {
		if (t->ninput)
			t->input[--t->ninput] = L'\0';
	} else if (!fn && ch == 21) { /* Ctrl-U */
		t->ninput = 0;
		t->input[0] = L'\0';
	} else if (!fn && iswprint(ch) && t->ninput < INPUT_CHARS) {
		t->input[t->ninput++] = (wchar_t)ch;
		t->input[t->ninput] = L'\0';
	}
}

/* One key; returns 1 to quit, 0 to go on, or -errno. */
static int key(struct tui *t, int ret, wint_t ch)
{
	bool fn = ret == KEY_CODE_YES;
	int page = LINES - (HEADER_LINES + 1);

	if (fn && ch == KEY_RESIZE) {
		clear();
		return 0;
	}
	t->message[0] = '\0';
	if (t->prompting) {
		prompt_key(t, ret, ch);
		return 0;
	}
	if (t->help) {
		t->help = false;
		return 0;
	}
	if (fn) {
		switch (ch) {
		case KEY_UP:
			t->scroll--;
			break;
		case KEY_DOWN:
			t->scroll++;
			break;
		case KEY_PPAGE:
			t->scroll -= page;
			break;
		case KEY_NPAGE:
			t->scroll += page;
			break;
		case KEY_HOME:
			t->scroll = 0;
			break;
		case KEY_END:
			t->scroll = (int)t->nlines;
			break;
		case KEY_F(1):
			t->help = true;
			break;
		case KEY_LEFT:
		case KEY_RIGHT:
			return key(t, OK, ch == KEY_LEFT ? L'<' : L'>');
		}
		return 0;
	}
	for (size_t k = 0; k < NSTK_ARRAY_SIZE(sort_keys); k++) {
		if ((wint_t)sort_keys[k].key == ch) {
			sort_key(t, k);
			return 0;
		}
	}
	switch (ch) {
	case L'q':
	case L'Q':
		return 1;
	case L'?':
	case L'h':
		t->help = true;
		break;
	case L'<':
	case L'>': {
		int c = sorted_column(t);
		if (c < 0)
			c = ch == L'<' ? (int)NCOLUMNS : -1;
		c += ch == L'<' ? -1 : 1;
		if (c >= 0 && c < (int)NCOLUMNS)
			sort_by_column(t, c);
		break;
	}
	case L'r':
		t->reverse = !t->reverse;
		break;
	case L'T':
		t->tree = !t->tree;
		break;
	case L'+':
	case L'=':
		if (t->depth >= 0) {
			t->depth++;
			if (t->mon_depth >= 0 && t->depth > t->mon_depth) {
				/* The monitor does not read that deep: a new one (its first sample has no rates). */
				int r = open_monitor(t, t->depth);
				if (r == -ENOENT)
					return r;
				if (r < 0) {
					snprintf(t->message, sizeof(t->message), "cannot read one level more: %s",
						 strerror(-r));
					t->depth--;
				}
			}
		}
		break;
	case L'-': {
		if (t->depth < 0) {
			/* From "all" to one level less than the deepest row. */
			size_t n;
			const struct nstk_cg_stats *const *rows = nstk_cg_monitor_rows(t->mon, &n);
			unsigned deepest = 0;
			for (size_t i = 0; i < n; i++)
				if (rows[i]->depth > deepest)
					deepest = rows[i]->depth;
			t->depth = (int)deepest;
		}
		if (t->depth > 0)
			t->depth--;
		break;
	}
	case L'/':
		t->prompting = true;
		t->ninput = 0;
		t->input[0] = L'\0';
		break;
	case L' ':
		return sample(t, true);
	case 12: /* Ctrl-L */
		clear();
		break;
	}
	return 0;
}

/* ---- the loop ---- */

static void setup_attrs(struct tui *t)
{
	const char *no_color = getenv("NO_COLOR");
	t->attr_title = A_REVERSE;
	t->attr_near = A_BOLD;
	t->attr_oom = A_REVERSE | A_BOLD;
	if ((no_color && no_color[0]) || !has_colors() || start_color() == ERR)
		return;
	use_default_colors();
	enum { PAIR_TITLE = 1, PAIR_NEAR, PAIR_OOM };
	init_pair(PAIR_TITLE, COLOR_BLACK, COLOR_CYAN);
	init_pair(PAIR_NEAR, COLOR_YELLOW, -1);
	init_pair(PAIR_OOM, COLOR_WHITE, COLOR_RED);
	t->attr_title = COLOR_PAIR(PAIR_TITLE);
	t->attr_near = COLOR_PAIR(PAIR_NEAR) | A_BOLD;
	t->attr_oom = COLOR_PAIR(PAIR_OOM) | A_BOLD;
}

/*
 * The screen as text, its trailing blanks and blank lines cut: what -n N
 * prints after endwin(), whose switch back from the alternate screen would
 * otherwise take the last table with it (systemd-cgtop leaves it).
 */
static char *screen_text(void)
{
	size_t cap = (size_t)(LINES + 1) * ((size_t)COLS * MB_LEN_MAX + 1) + 1, used = 0, kept = 0;
	char *text = malloc(cap);
	_cleanup_free_ wchar_t *line = malloc(((size_t)COLS + 1) * sizeof(wchar_t));
	if (!text || !line) {
		free(text);
		return NULL;
	}
	for (int y = 0; y < LINES; y++) {
		if (mvwinnwstr(stdscr, y, 0, line, COLS) == ERR)
			line[0] = L'\0';
		size_t len = wcslen(line);
		while (len > 0 && line[len - 1] == L' ')
			len--;
		line[len] = L'\0';
		size_t n = wcstombs(text + used, line, cap - used - 2);
		if (n == (size_t)-1)
			n = 0;
		used += n;
		text[used++] = '\n';
		if (n > 0)
			kept = used;
	}
	text[kept] = '\0';
	return text;
}

/* Why the loop ended, for the message after the screen is gone. */
struct outcome {
	int status;
	int err;	/* -errno, or 0 */
	bool finished; /* -n N samples were shown: the last screen stays */
};

static struct outcome run(struct tui *t, int in_fd, int wake_rd)
{
	int r;
	bool dirty = true;

	while (!quit_signal) {
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (since(&t->next, &now) >= 0) {
			if (t->o->iterations >= 0 && t->samples >= t->o->iterations)
				return (struct outcome){ EXIT_SUCCESS, 0, true };
			if ((r = sample(t, false)) < 0)
				return (struct outcome){ EXIT_FAILURE, r };
			dirty = true;
		}
		if (dirty) {
			if ((r = build_lines(t)) < 0)
				return (struct outcome){ EXIT_FAILURE, r };
			draw(t);
			dirty = false;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		double wait = since(&now, &t->next);
		struct pollfd fds[2] = { { .fd = in_fd, .events = POLLIN }, { .fd = wake_rd, .events = POLLIN } };
		int n = poll(fds, 2, wait > 0 ? (int)(wait * 1000) + 1 : 0);
		if (n < 0 && errno != EINTR)
			return (struct outcome){ EXIT_FAILURE, -errno };
		if (n > 0 && fds[0].revents & (POLLHUP | POLLERR))
			return (struct outcome){ EXIT_SUCCESS, 0 }; /* the terminal went away */
		if (n > 0 && fds[1].revents & POLLIN) {
			char drain[64];
			while (read(wake_rd, drain, sizeof(drain)) > 0)
				;
		}
		/* Keys, and a KEY_RESIZE that a SIGWINCH (which ends poll early) leaves. */
		wint_t ch;
		int ret;
		while ((ret = get_wch(&ch)) != ERR) {
			if ((r = key(t, ret, ch)) < 0)
				return (struct outcome){ EXIT_FAILURE, r };
			if (r == 1)
				return (struct outcome){ EXIT_SUCCESS, 0 };
			dirty = true;
		}
	}
	return (struct outcome){ EXIT_SUCCESS, 0 };
}

int cgtop_interactive(const struct cgtop_options *o)
{
	/*
	 * The screen opens a monitor that reads what its columns need (pressure
	 * too, which the batch table does not show), and again when + asks for
	 * a level below the ones it reads.
	 */
	struct tui t = {
		.o = o,
		.depth = o->depth,
		.sort_field = o->sort_field >= 0 ? o->sort_field : cgtop_field_find("path"),
		.tree = o->sort_field < 0 || cgtop_fields[o->sort_field].kind == CGTOP_F_PATH,
		.utf8 = o->utf8,
	};
	for (size_t c = 0; c < NCOLUMNS; c++) {
		t.fields[c] = cgtop_column_field(columns[c]);
		t.froms[c] = cgtop_column_from(columns[c]);
	}
	for (size_t i = 0; i < NSHARES; i++)
		t.shares[i] = cgtop_field_find(limit_shares[i]);
	t.oom_kills_delta = cgtop_field_find(OOM_KILLS_DELTA);

	int r = open_monitor(&t, o->depth);
	if (r < 0)
		return cgtop_monitor_error(o, r);

	/* Keys come from the terminal even when standard input is redirected. */
	FILE *in = stdin;
	if (!isatty(STDIN_FILENO) && !(in = fopen("/dev/tty", "re"))) {
		fputs("cgtop: the interactive screen needs a terminal to read keys from; use -b\n", stderr);
		nstk_cg_monitor_free(t.mon);
		return EXIT_FAILURE;
	}
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC | O_NONBLOCK) < 0) {
		fprintf(stderr, "cgtop: cannot make a pipe: %s\n", strerror(errno));
		if (in != stdin)
			fclose(in);
		nstk_cg_monitor_free(t.mon);
		return EXIT_FAILURE;
	}
	SCREEN *screen = newterm(NULL, stdout, in);
	if (!screen) {
		const char *term = getenv("TERM");
		fprintf(stderr, "cgtop: cannot drive terminal type '%s'; use -b\n", term ? term : "");
		close(pipefd[0]);
		close(pipefd[1]);
		if (in != stdin)
			fclose(in);
		nstk_cg_monitor_free(t.mon);
		return EXIT_FAILURE;
	}

	/* From here on every way out passes through endwin(). */
	struct sigaction sa = { .sa_handler = on_quit_signal }, old[3];
	static const int quit_signals[3] = { SIGINT, SIGTERM, SIGHUP };
	wake_fd = pipefd[1];
	for (size_t i = 0; i < 3; i++)
		sigaction(quit_signals[i], &sa, &old[i]);
	/* A resize must end the wait too, not only set ncurses's flag: chain to its handler. */
	struct sigaction winch = { .sa_sigaction = on_winch, .sa_flags = SA_SIGINFO | SA_RESTART };
	sigaction(SIGWINCH, &winch, &curses_winch);

	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	setup_attrs(&t);

	struct outcome out = run(&t, fileno(in), pipefd[0]);
	_cleanup_free_ char *last_screen = out.finished ? screen_text() : NULL;

	endwin();
	if (last_screen)
		fputs(last_screen, stdout);
	sigaction(SIGWINCH, &curses_winch, NULL);
	delscreen(screen);
	for (size_t i = 0; i < 3; i++)
		sigaction(quit_signals[i], &old[i], NULL);
	wake_fd = -1;
	close(pipefd[0]);
	close(pipefd[1]);
	if (in != stdin)
		fclose(in);

	if (out.err < 0)
		cgtop_sample_error(o, out.err);
	nstk_cg_monitor_free(t.mon);
	free(t.lines);
	free(t.order);
	return out.status;
}

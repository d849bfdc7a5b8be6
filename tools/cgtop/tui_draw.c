/*
 * tui_draw.c — cgtop's screen drawn with ncurses: a header of two lines,
 * the column titles, the rows that fit, and a bottom line for the filter
 * prompt or a message; or the help.
 *
 * In the process list the table's place holds the processes of one
 * cgroup, by %CPU; only the page shown is formatted, however many there are.
 *
 * The one idea: drawing is a function of the model (and the monitor's
 * header facts), redone whole at each change; every piece of text goes
 * through put_text(), which escapes it as the tables do and fits it to its
 * place, so nothing is ever drawn past its column or the screen's edge.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdint.h>
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

#include "tui_draw.h"
#include "nstk/text.h"
#include "nstk/util.h"

/* Header lines above the column titles. */
#define HEADER_LINES 2
/* The name column is given at least this much, at the cost of other columns. */
#define NAME_MIN 20
/* The name column's title in tree view (PATH in flat view). */
#define TREE_TITLE "CGROUP"

/* ---- text on the screen ---- */

/* Where text too wide for its place loses characters, for an ellipsis. */
enum cut {
	CUT_END,      /* names, headers */
	CUT_START,    /* paths: their end says most */
	CUT_AFTER_AT, /* "128.0M@/a/long/path": keep the value, the "@" and the path's end */
};

/* A character to put, and the columns it takes. */
struct glyph {
	wchar_t c;
	int width;
};

/*
 * Put s at (y, x) in exactly width columns: padded (on the left with
 * right), or cut as cut says. Escaped as the tables escape; what the
 * locale still cannot show is '?'. Never past the edge of the screen.
 */
static void put_text(const struct tui_look *look, int y, int x, int width, const char *s, bool right,
		     enum cut cut)
{
	if (y < 0 || y >= LINES || x >= COLS || width <= 0)
		return;
	/* The tables' rule: control, bidi and zero-width characters as \xHH. */
	_cleanup_free_ char *safe = nstk_text_is_safe(s, -1) ? NULL : nstk_text_safe(s, -1);
	if (safe)
		s = safe;
	size_t len = strlen(s);
	if (width > COLS - x)
		width = COLS - x;
	/* The bottom right corner cannot be written without scrolling: leave it blank. */
	bool corner = y == LINES - 1 && x + width == COLS;
	if (corner && --width == 0)
		return;

	/* Every character takes a byte at least; no text is longer than a name cell. */
	size_t most = len < TUI_NAME_BYTES ? len : TUI_NAME_BYTES;
	_cleanup_free_ struct glyph *g = malloc((most + 1) * sizeof(*g));
	_cleanup_free_ wchar_t *out = malloc((most + (size_t)width + 2) * sizeof(*out));
	if (!g || !out)
		return;
	size_t n = 0, at = SIZE_MAX; /* the first '@' */
	int total = 0;
	mbstate_t st = { 0 };
	while (len > 0 && n < most) {
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
		if (c == L'@' && at == SIZE_MAX)
			at = n;
		g[n++] = (struct glyph){ c, cwidth };
		total += cwidth;
		s += k;
		len -= k;
	}

	/* What is kept: g[0, head) and g[n - tail, n), with an ellipsis between when cut. */
	size_t head = n, tail = 0, o = 0;
	int used = total;
	bool cut_here = total > width;
	if (cut_here) {
		head = 0;
		used = 1;
		if (cut == CUT_AFTER_AT && at < n) {
			int upto = 0;
			for (size_t i = 0; i <= at; i++)
				upto += g[i].width;
			if (used + upto <= width) {
				head = at + 1;
				used += upto;
			} else {
				cut = CUT_END;
			}
		}
		if (cut == CUT_END || (cut == CUT_AFTER_AT && at >= n)) {
			while (head < n && used + g[head].width <= width)
				used += g[head++].width;
		} else {
			while (tail < n - head && used + g[n - 1 - tail].width <= width)
				used += g[n - 1 - tail++].width;
		}
	}
	int pad = width - used;
	if (right)
		for (; pad > 0; pad--)
			out[o++] = L' ';
	for (size_t i = 0; i < head; i++)
		out[o++] = g[i].c;
	if (cut_here)
		out[o++] = look->utf8 ? L'\u2026' : L'~';
	for (size_t i = n - tail; i < n; i++)
		out[o++] = g[i].c;
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

/* ---- the table ---- */

/* The screen's column c. */
static const struct cgtop_column *column(size_t c)
{
	return &cgtop_columns[tui_columns[c]];
}

static const char *column_title(const struct tui_model *m, size_t c)
{
	return c == TUI_NAME_COLUMN && m->tree ? TREE_TITLE : column(c)->out.name;
}

static const char *sort_mark(const struct tui_model *m, const struct tui_look *look)
{
	/* ▼ largest (or last in path order) first, ▲ smallest first. */
	bool down = cgtop_fields[m->sort_field].kind == CGTOP_F_PATH ? m->reverse : !m->reverse;
	if (look->utf8)
		return down ? "\u25bc" : "\u25b2";
	return down ? "v" : "^";
}

/* The first line live: the clock, the machine, the layout, the counts. */
static void draw_live_title(const struct tui_model *m, const struct nstk_cg_frame *f, const struct tui_look *look)
{
	char line[512], mem[64] = "", used[16], all[16], clock[16] = "";
	struct sysinfo si;
	time_t now = (time_t)f->time;
	struct tm tm;

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
		 sysconf(_SC_NPROCESSORS_ONLN), mem, nstk_cg_layout_name(f->layout->kind), m->o->delay_s, f->n,
		 m->nlines);
	put_text(look, 0, 0, COLS, line, false, CUT_END);
}

/* The first line of a recorded moment: its date and time, said first, in the title's colours. */
static void draw_recorded_title(const struct tui_model *m, const struct nstk_cg_frame *f,
				const struct tui_look *look)
{
	char line[512], clock[40] = "";
	time_t then = (time_t)f->time;
	struct tm tm;
	if (localtime_r(&then, &tm))
		strftime(clock, sizeof(clock), "%Y-%m-%d %H:%M:%S %z", &tm);
	snprintf(line, sizeof(line),
		 "cgtop  RECORDED %s, not live  cgroups: %zu, %zu shown  [ ] sample  { } minute  ( ) hour  L live",
		 clock, f->n, m->nlines);
	attron(look->title);
	put_text(look, 0, 0, COLS, line, false, CUT_END);
	attroff(look->title);
}

static void draw_header(const struct tui_model *m, const struct nstk_cg_frame *f, const struct tui_look *look)
{
	char line[512];
	if (f->recorded)
		draw_recorded_title(m, f, look);
	else
		draw_live_title(m, f, look);

	if (m->procs) {
		snprintf(line, sizeof(line), "processes of %s: %zu  sort: %%CPU%s", m->procs_path, m->nplist,
			 look->utf8 ? "\u25bc" : "v");
		const char *back = "Esc back  q quit";
		int bw = text_width(back);
		put_text(look, 1, 0, COLS, line, false, CUT_START);
		if (COLS > text_width(line) + bw + 2)
			put_text(look, 1, COLS - bw, bw, back, false, CUT_END);
		return;
	}
	char depth[16] = "all";
	if (m->depth >= 0)
		snprintf(depth, sizeof(depth), "%d", m->depth);
	int sc = tui_model_column_of(m, m->sort_field);
	snprintf(line, sizeof(line), "view: %s  depth: %s  sort: %s%s  filter: %s", m->tree ? "tree" : "flat", depth,
		 sc >= 0 ? column_title(m, (size_t)sc) : cgtop_fields[m->sort_field].name, sort_mark(m, look),
		 m->filter[0] ? m->filter : "-");
	const char *hint = "? help  q quit";
	int hw = text_width(hint);
	put_text(look, 1, 0, COLS, line, false, CUT_END);
	if (COLS > text_width(line) + hw + 2)
		put_text(look, 1, COLS - hw, hw, hint, false, CUT_END);
}

static void draw_help(const struct tui_look *look)
{
	static const char *const rest[] = {
		"<  >      move the sort column left / right (also Left, Right)",
		"r         reverse the order",
		"T         tree or flat view",
		"+  -      show one level more / less (--depth)",
		"/         filter: a glob on the path or the container; one not starting",
		"          with / matches anywhere. Enter applies (empty: no filter), Esc cancels",
		"Up, Down, PgUp, PgDn, Home, End: move the cursor",
		"Enter     the processes of the cgroup under the cursor (live); Enter, Esc",
		"          or Left returns to the cgroups, q still quits",
		"space     sample now",
		"[  ]      recorded (--at): one sample back / on",
		"{  }  ( ) recorded: a minute, an hour back / on; L: live again",
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

	attron(look->title);
	put_text(look, y++, 0, COLS, "Keys", false, CUT_END);
	attroff(look->title);
	for (size_t i = 0; i < tui_nsort_keys; i++) {
		snprintf(line, sizeof(line), "%c         sort by %s", tui_sort_keys[i].key, tui_sort_keys[i].help);
		put_text(look, y++, 0, COLS, line, false, CUT_END);
	}
	for (size_t i = 0; i < NSTK_ARRAY_SIZE(rest); i++) {
		const char *s = rest[i];
		if (!look->utf8 && strncmp(s, "Limits: \xe2\x88\x9e", 11) == 0) {
			snprintf(line, sizeof(line), "Limits: max%s", s + 11);
			s = line;
		}
		put_text(look, y++, 0, COLS, s, false, CUT_END);
	}
}

/* Whether any row's cell in column c holds more than blanks. */
static bool any_ink(const struct tui_model *m, size_t c)
{
	for (size_t i = 0; i < m->nlines; i++)
		if (m->lines[i].cell[c][strspn(m->lines[i].cell[c], " ")])
			return true;
	return false;
}

/* Column widths for the lines: the name column takes what is left; narrow screens drop columns. */
static void layout_columns(const struct tui_model *m, const struct tui_look *look, int width[TUI_NCOLUMNS],
			   bool shown[TUI_NCOLUMNS])
{
	int sc = tui_model_column_of(m, m->sort_field), used = 0;
	int mark = text_width(sort_mark(m, look));

	for (size_t c = 0; c < TUI_NCOLUMNS; c++) {
		shown[c] = true;
		width[c] = text_width(column_title(m, c)) + ((int)c == sc ? mark : 0);
		if (c == TUI_NAME_COLUMN)
			continue;
		/* A trend of nothing (no row has that limit) is no picture: not drawn. */
		if (column(c)->format == CGTOP_CELL_TREND && !any_ink(m, c)) {
			shown[c] = false;
			continue;
		}
		for (size_t i = 0; i < m->nlines; i++) {
			int w = text_width(m->lines[i].cell[c]);
			if (w > width[c])
				width[c] = w < column(c)->screen_cap ? w : column(c)->screen_cap;
		}
		used += width[c] + 1;
	}
	/* The name column wants some room: drop columns until it has it. */
	while (used + NAME_MIN > COLS) {
		size_t worst = TUI_NCOLUMNS;
		for (size_t c = 0; c < TUI_NAME_COLUMN; c++)
			if (shown[c] && column(c)->screen_drop && (int)c != sc &&
			    (worst == TUI_NCOLUMNS || column(c)->screen_drop > column(worst)->screen_drop))
				worst = c;
		if (worst == TUI_NCOLUMNS)
			break;
		shown[worst] = false;
		used -= width[worst] + 1;
	}
	width[TUI_NAME_COLUMN] = COLS - used;
}

static void draw_table(struct tui_model *m, const struct tui_look *look, int bottom)
{
	int width[TUI_NCOLUMNS], sc = tui_model_column_of(m, m->sort_field);
	bool shown[TUI_NCOLUMNS];
	char title[64], name[TUI_NAME_BYTES];

	layout_columns(m, look, width, shown);
	int y = HEADER_LINES, x = 0;
	attron(look->title);
	for (size_t c = 0; c < TUI_NCOLUMNS; c++) {
		if (!shown[c])
			continue;
		snprintf(title, sizeof(title), "%s%s", column_title(m, c), (int)c == sc ? sort_mark(m, look) : "");
		if ((int)c == sc)
			attron(A_BOLD);
		put_text(look, y, x, width[c], title, c != TUI_NAME_COLUMN, CUT_END);
		if ((int)c == sc)
			attroff(A_BOLD);
		x += width[c];
		if (c != TUI_NAME_COLUMN)
			put_text(look, y, x++, 1, " ", false, CUT_END);
	}
	attroff(look->title);

	int page = bottom - (HEADER_LINES + 1);
	if (page < 0)
		page = 0;
	tui_model_fit_scroll(m, page);
	for (int i = 0; i < page && m->scroll + i < (int)m->nlines; i++) {
		const struct tui_line *l = &m->lines[m->order[m->scroll + i]];
		enum tui_alert a = tui_model_alert(m, l->s);
		int attr = a == TUI_ALERT_OOM ? look->oom : a == TUI_ALERT_NEAR ? look->near : 0;
		/* The cursor, once moved: reverse video, or underlined on a row that is reverse already. */
		if (m->cursor_shown && m->scroll + i == m->cursor)
			attr |= (attr & A_REVERSE) ? A_UNDERLINE : A_REVERSE;
		y = HEADER_LINES + 1 + i;
		x = 0;
		attron(attr);
		for (size_t c = 0; c < TUI_NAME_COLUMN; c++) {
			if (!shown[c])
				continue;
			put_text(look, y, x, width[c], l->cell[c], true, CUT_AFTER_AT);
			x += width[c];
			put_text(look, y, x++, 1, " ", false, CUT_END);
		}
		tui_model_name(m, l, name, sizeof(name));
		put_text(look, y, x, width[TUI_NAME_COLUMN], name, false, m->tree ? CUT_END : CUT_START);
		attroff(attr);
	}
}

/* The process list: titles, then a page of processes from procs_scroll, or why there are none. */
static void draw_procs(struct tui_model *m, const struct tui_look *look, int bottom)
{
	/* PID, USER, S, %CPU, RSS at these widths at least; the command takes the rest. */
	static const int least[CGTOP_NPCOLUMNS] = { 7, 4, 1, 5, 6, 0 };
	static const int most[CGTOP_NPCOLUMNS] = { 10, 16, 1, 6, 7, 0 };
	int page = bottom - (HEADER_LINES + 1), width[CGTOP_NPCOLUMNS];
	char cell[NSTK_CG_COMM_MAX + 16];

	if (page < 0)
		page = 0;
	tui_model_fit_scroll(m, page);
	for (size_t c = 0; c < CGTOP_NPCOLUMNS; c++) {
		width[c] = text_width(cgtop_proc_columns[c].name);
		if (width[c] < least[c])
			width[c] = least[c];
	}
	for (int i = 0; i < page && m->procs_scroll + i < (int)m->nplist; i++)
		for (size_t c = 0; c + 1 < CGTOP_NPCOLUMNS; c++) {
			cgtop_proc_cell(m->plist[m->procs_scroll + i], (enum cgtop_proc_column)c, cell, sizeof(cell));
			int w = text_width(cell);
			if (w > width[c])
				width[c] = w < most[c] ? w : most[c];
		}
	int x = 0, y = HEADER_LINES;
	for (size_t c = 0; c + 1 < CGTOP_NPCOLUMNS; c++)
		x += width[c] + 1;
	width[CGTOP_PCOL_COMMAND] = COLS - x > 0 ? COLS - x : 0;

	attron(look->title);
	x = 0;
	for (size_t c = 0; c < CGTOP_NPCOLUMNS; c++) {
		const struct nstk_out_column *col = &cgtop_proc_columns[c];
		char title[32];
		snprintf(title, sizeof(title), "%s%s", col->name, c == CGTOP_PCOL_CPU ? (look->utf8 ? "\u25bc" : "v") : "");
		put_text(look, y, x, width[c], title, col->flags & NSTK_OUT_RIGHT, CUT_END);
		x += width[c];
		if (c + 1 < CGTOP_NPCOLUMNS)
			put_text(look, y, x++, 1, " ", false, CUT_END);
	}
	attroff(look->title);

	const char *why = NULL;
	if (m->procs_gone)
		why = "its cgroup is gone; Enter, Esc or Left returns";
	else if (!m->procs_known)
		why = look->utf8 ? "reading its processes\u2026" : "reading its processes...";
	else if (m->nplist == 0)
		why = "no process in this cgroup itself (its children's are in theirs)";
	if (why) {
		put_text(look, HEADER_LINES + 1, 0, COLS, why, false, CUT_END);
		return;
	}
	for (int i = 0; i < page && m->procs_scroll + i < (int)m->nplist; i++) {
		const struct nstk_cg_proc *p = m->plist[m->procs_scroll + i];
		y = HEADER_LINES + 1 + i;
		x = 0;
		for (size_t c = 0; c < CGTOP_NPCOLUMNS; c++) {
			cgtop_proc_cell(p, (enum cgtop_proc_column)c, cell, sizeof(cell));
			put_text(look, y, x, width[c], cell, cgtop_proc_columns[c].flags & NSTK_OUT_RIGHT, CUT_END);
			x += width[c];
			if (c + 1 < CGTOP_NPCOLUMNS)
				put_text(look, y, x++, 1, " ", false, CUT_END);
		}
	}
}

int tui_page_lines(void)
{
	return LINES - (HEADER_LINES + 1);
}

void tui_draw(struct tui_model *m, const struct nstk_cg_frame *f, const struct tui_look *look)
{
	if (m->repaint) {
		clear(); /* erase() and repaint the whole terminal at the next refresh() */
		m->repaint = false;
	}
	erase();
	draw_header(m, f, look);
	int bottom = m->prompting || m->message[0] ? LINES - 1 : LINES;
	if (m->help)
		draw_help(look);
	else if (m->procs)
		draw_procs(m, look, bottom);
	else
		draw_table(m, look, bottom);
	if (m->prompting) {
		char input[TUI_INPUT_CHARS * MB_LEN_MAX + 1], line[sizeof(input) + 64];
		size_t n = wcstombs(input, m->input, sizeof(input));
		if (n == (size_t)-1)
			input[0] = '\0';
		snprintf(line, sizeof(line), "filter (glob, Enter applies, Esc cancels): %s", input);
		put_text(look, LINES - 1, 0, COLS, line, false, CUT_START);
		int x = text_width(line);
		move(LINES - 1, x < COLS ? x : COLS - 1);
	} else if (m->message[0]) {
		put_text(look, LINES - 1, 0, COLS, m->message, false, CUT_END);
	}
	curs_set(m->prompting ? 1 : 0);
	refresh();
}

void tui_look_setup(struct tui_look *look, bool utf8)
{
	look->utf8 = utf8;
	const char *no_color = getenv("NO_COLOR");
	look->title = A_REVERSE;
	look->near = A_BOLD;
	look->oom = A_REVERSE | A_BOLD;
	if ((no_color && no_color[0]) || !has_colors() || start_color() == ERR)
		return;
	use_default_colors();
	enum { PAIR_TITLE = 1, PAIR_NEAR, PAIR_OOM };
	init_pair(PAIR_TITLE, COLOR_BLACK, COLOR_CYAN);
	init_pair(PAIR_NEAR, COLOR_YELLOW, -1);
	init_pair(PAIR_OOM, COLOR_WHITE, COLOR_RED);
	look->title = COLOR_PAIR(PAIR_TITLE);
	look->near = COLOR_PAIR(PAIR_NEAR) | A_BOLD;
	look->oom = COLOR_PAIR(PAIR_OOM) | A_BOLD;
}

char *tui_screen_text(void)
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


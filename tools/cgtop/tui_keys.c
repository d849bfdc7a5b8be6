/*
 * tui_keys.c — what each key does on cgtop's screen.
 *
 * The one idea: a key changes only the model (tui_model.h), and the screen
 * is redrawn from the sample already taken. A key never samples, opens a
 * monitor or draws: space asks the loop for a sample now, + for a depth the
 * loop opens a deeper monitor for, a resize or Ctrl-L for a repaint, Enter
 * for the processes of the cgroup under the cursor (which the loop has the
 * monitor read from the next sample on, taken at once), all by setting the
 * model's state, which the loop (tui.c) acts on.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <wctype.h>

#define NCURSES_WIDECHAR 1
#include <curses.h> /* key codes only */

#include "tui_model.h"
#include "nstk/util.h"

/* A sort key: the next of the fields it names, or its first. */
static void sort_key(struct tui_model *m, size_t k)
{
	size_t n = 0, at = 0;
	bool found = false;
	while (n < NSTK_ARRAY_SIZE(tui_sort_keys[k].fields) && tui_sort_keys[k].fields[n]) {
		if (cgtop_field_find(tui_sort_keys[k].fields[n]) == m->sort_field) {
			at = n;
			found = true;
		}
		n++;
	}
	int c = tui_model_column_of(m, cgtop_field_find(tui_sort_keys[k].fields[found ? (at + 1) % n : 0]));
	if (c >= 0)
		tui_model_sort_by_column(m, c);
}

/* A key while the filter prompt is open: edit the glob; Enter applies it, Esc cancels. */
static void prompt_key(struct tui_model *m, int ret, wint_t ch)
{
	bool fn = ret == KEY_CODE_YES;
	if (!fn && ch == 27) {
		m->prompting = false;
	} else if ((fn && ch == KEY_ENTER) || (!fn && (ch == L'\n' || ch == L'\r'))) {
		char glob[TUI_FILTER_BYTES - 2]; /* room for the stars */
		size_t n = wcstombs(glob, m->input, sizeof(glob));
		if (n == (size_t)-1 || n >= sizeof(glob))
			n = 0;
		glob[n] = '\0';
		/* A glob not starting with "/" matches anywhere: "web" is "*web*". */
		if (n && glob[0] != '/' && glob[0] != '*')
			snprintf(m->filter, sizeof(m->filter), "*%s*", glob);
		else
			snprintf(m->filter, sizeof(m->filter), "%s", glob);
		m->prompting = false;
		m->scroll = 0;
	} else if ((fn && ch == KEY_BACKSPACE) || (!fn && (ch == 127 || ch == 8))) {
		if (m->ninput)
			m->input[--m->ninput] = L'\0';
	} else if (!fn && ch == 21) { /* Ctrl-U */
		m->ninput = 0;
		m->input[0] = L'\0';
	} else if (!fn && iswprint(ch) && m->ninput < TUI_INPUT_CHARS) {
		m->input[m->ninput++] = (wchar_t)ch;
		m->input[m->ninput] = L'\0';
	}
}

static bool is_enter(bool fn, wint_t ch)
{
	return (fn && ch == KEY_ENTER) || (!fn && (ch == L'\n' || ch == L'\r'));
}

/* A key while the process list is open: scroll it, return (Enter, Esc, Left, Backspace), or quit. */
static bool procs_key(struct tui_model *m, bool fn, wint_t ch, int page)
{
	if (is_enter(fn, ch) || (fn && (ch == KEY_LEFT || ch == KEY_BACKSPACE)) ||
	    (!fn && (ch == 27 || ch == 127 || ch == 8))) {
		tui_model_close_procs(m);
		return false;
	}
	if (fn) {
		switch (ch) {
		case KEY_UP:
			m->procs_scroll--;
			break;
		case KEY_DOWN:
			m->procs_scroll++;
			break;
		case KEY_PPAGE:
			m->procs_scroll -= page;
			break;
		case KEY_NPAGE:
			m->procs_scroll += page;
			break;
		case KEY_HOME:
			m->procs_scroll = 0;
			break;
		case KEY_END:
			m->procs_scroll = (int)m->nplist;
			break;
		case KEY_F(1):
			m->help = true;
			break;
		}
		return false;
	}
	switch (ch) {
	case L'q':
	case L'Q':
		return true; /* as from the table: q quits, as in systemd-cgtop */
	case L'?':
	case L'h':
		m->help = true;
		break;
	case L' ':
		m->sample_now = true;
		break;
	case 12: /* Ctrl-L */
		m->repaint = true;
		break;
	}
	return false;
}

bool tui_key(struct tui_model *m, int ret, wint_t ch, int page)
{
	bool fn = ret == KEY_CODE_YES;

	if (fn && ch == KEY_RESIZE) {
		m->repaint = true;
		return false;
	}
	m->message[0] = '\0';
	if (m->prompting) {
		prompt_key(m, ret, ch);
		return false;
	}
	if (m->help) {
		m->help = false;
		return false;
	}
	if (m->procs)
		return procs_key(m, fn, ch, page);
	if (is_enter(fn, ch) && m->recorded) {
		/* The store keeps cgroups, not processes. */
		snprintf(m->message, sizeof(m->message), "processes are shown live only: L goes live");
		return false;
	}
	if (is_enter(fn, ch)) {
		/* The list shows from a sample taken now; its CPU % from the one after. */
		tui_model_open_procs(m);
		m->sample_now = m->procs;
		return false;
	}
	if (fn && (ch == KEY_UP || ch == KEY_DOWN || ch == KEY_PPAGE || ch == KEY_NPAGE || ch == KEY_HOME ||
		   ch == KEY_END))
		m->cursor_shown = true;
	if (fn) {
		switch (ch) {
		case KEY_UP:
			tui_model_set_cursor(m, m->cursor - 1);
			break;
		case KEY_DOWN:
			tui_model_set_cursor(m, m->cursor + 1);
			break;
		case KEY_PPAGE:
			tui_model_set_cursor(m, m->cursor - page);
			break;
		case KEY_NPAGE:
			tui_model_set_cursor(m, m->cursor + page);
			break;
		case KEY_HOME:
			tui_model_set_cursor(m, 0);
			break;
		case KEY_END:
			tui_model_set_cursor(m, (int)m->nlines - 1);
			break;
		case KEY_F(1):
			m->help = true;
			break;
		case KEY_LEFT:
		case KEY_RIGHT:
			return tui_key(m, OK, ch == KEY_LEFT ? L'<' : L'>', page);
		}
		return false;
	}
	for (size_t k = 0; k < tui_nsort_keys; k++) {
		if ((wint_t)tui_sort_keys[k].key == ch) {
			sort_key(m, k);
			return false;
		}
	}
	switch (ch) {
	case L'q':
	case L'Q':
		return true;
	case L'?':
	case L'h':
		m->help = true;
		break;
	case L'<':
	case L'>': {
		int c = tui_model_column_of(m, m->sort_field);
		if (c < 0)
			c = ch == L'<' ? (int)TUI_NCOLUMNS : -1;
		c += ch == L'<' ? -1 : 1;
		if (c >= 0 && c < (int)TUI_NCOLUMNS)
			tui_model_sort_by_column(m, c);
		break;
	}
	case L'r':
		m->reverse = !m->reverse;
		break;
	case L'T':
		m->tree = !m->tree;
		break;
	case L'+':
	case L'=':
		/* The loop opens a monitor that reads deep enough, when this one does not. */
		if (m->depth >= 0)
			m->depth++;
		break;
	case L'-': {
		if (m->depth < 0) /* from "all" to one level less than the deepest row */
			m->depth = (int)m->deepest;
		if (m->depth > 0)
			m->depth--;
		break;
	}
	case L'/':
		m->prompting = true;
		m->ninput = 0;
		m->input[0] = L'\0';
		break;
	case L' ':
		m->sample_now = true;
		break;
	case L'[':
	case L']':
		if (m->recorded)
			m->time_samples = ch == L'[' ? -1 : 1;
		break;
	case L'{':
	case L'}':
		if (m->recorded)
			m->time_jump = ch == L'{' ? -60 : 60;
		break;
	case L'(':
	case L')':
		if (m->recorded)
			m->time_jump = ch == L'(' ? -3600 : 3600;
		break;
	case L'L':
		if (m->recorded)
			m->go_live = true;
		break;
	case 12: /* Ctrl-L */
		m->repaint = true;
		break;
	}
	return false;
}


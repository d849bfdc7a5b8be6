/*
 * tui_model.h — what cgtop's screen shows, apart from how: the view (sort,
 * tree or flat, depth, filter, scroll, the prompt, help) and the rows of
 * the last sample that it shows, each with its cells' text.
 *
 * Two views: the cgroup table, with a cursor on one row (kept on the same
 * cgroup, by path, across samples and re-sorts), and the process list of
 * the cgroup Enter was pressed on (live only: the loop asks the monitor
 * for that one cgroup's processes while the list is open).
 *
 * The one idea: the screen is a function of the last sample and this
 * model. Keys (tui_keys.c) change only the model; the loop (tui.c) alone
 * samples and then rebuilds the rows; drawing (tui_draw.c) only reads it.
 * Nothing here knows ncurses.
 */
#ifndef CGTOP_TUI_MODEL_H
#define CGTOP_TUI_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

#include "cgtop.h"
#include "nstk/hash.h"

/* The screen's columns: tui_columns[] in tui_model.c lists them, the name column last. */
#define TUI_NCOLUMNS 18
#define TUI_NAME_COLUMN (TUI_NCOLUMNS - 1)
extern const enum cgtop_column_id tui_columns[TUI_NCOLUMNS];

/* Samples a trend column draws: a minute at the recorder's 5 s. */
#define TUI_TREND 12

/* The last TUI_TREND samples of one cgroup's shares of its limits (NaN: absent). */
struct tui_trend {
	char *path;
	double cpu[TUI_TREND], mem[TUI_TREND];
};

/* Bytes kept of a cell's text: more than the widest column shows. */
#define TUI_CELL_BYTES 64
/* A name cell: a path, an indentation and a container label. */
#define TUI_NAME_BYTES (4096 + 1024)
#define TUI_FILTER_BYTES 256
#define TUI_INPUT_CHARS 128
/* A row at or above this share of an effective limit is highlighted. */
#define TUI_NEAR_LIMIT_PCT 90.0
/* The fields of limit_shares[] in tui_model.c. */
#define TUI_NSHARES 4

/* A sort key names columns; pressed again it moves to the next one it names. */
struct tui_sort_key {
	int key;
	const char *fields[3];
	const char *help;
};
extern const struct tui_sort_key tui_sort_keys[];
extern const size_t tui_nsort_keys;

/* One row of the table (tui_model.order has them in the order drawn). */
struct tui_line {
	const struct nstk_cg_stats *s;
	int parent; /* index in the tree (into lines) of the nearest shown ancestor, or -1 */
	bool last;  /* the last child of its parent */
	char cell[TUI_NAME_COLUMN][TUI_CELL_BYTES];
};

struct tui_model {
	const struct cgtop_options *o;
	int fields[TUI_NCOLUMNS], froms[TUI_NCOLUMNS]; /* the columns' fields, resolved */
	int shares[TUI_NSHARES], oom_kills_delta;      /* the alerts' */

	/* The view: what keys change. */
	int depth;	/* levels shown below the top; < 0: all */
	int sort_field; /* into cgtop_fields */
	bool reverse, tree, help;
	char filter[TUI_FILTER_BYTES]; /* the glob applied, "" for none */
	bool prompting;
	wchar_t input[TUI_INPUT_CHARS + 1]; /* the glob being typed */
	size_t ninput;
	int scroll;
	int cursor;	   /* the row (into order) under the cursor */
	bool cursor_shown; /* moved by a key: until then it is the top row, not drawn */
	char *cursor_path; /* its cgroup, which the cursor follows across rebuilds (malloc'd) */
	bool procs;	   /* the process list is open */
	char *procs_path;  /* of this cgroup (malloc'd) */
	int procs_scroll;
	char message[128]; /* on the bottom line until the next key */
	/* Requests from keys, each cleared where it is done. */
	bool sample_now; /* space: the loop samples before it draws again */
	bool repaint;	 /* a resize, Ctrl-L: drawing repaints the whole terminal */
	/* Looking back (--at): the loop moves the recorded moment, or goes live. */
	bool recorded;	   /* the rows are a recorded moment, not live */
	int time_samples;  /* [ ]: samples to move (-1, +1), 0 for none */
	int64_t time_jump; /* { } ( ): seconds to move, 0 for none */
	bool go_live;	   /* L */

	/* The rows shown, rebuilt from each sample and after each key. */
	struct tui_line *lines;
	size_t nlines, cap_lines;
	int *order; /* lines in the order drawn */
	size_t cap_order;
	unsigned deepest; /* the deepest row of the sample, shown or not */

	/* The trend columns' memory, filled once per new sample (tui_model_remember). */
	struct tui_trend *trends;
	size_t ntrends, cap_trends;
	struct nstk_hash trend_index; /* path hash -> trends[] */
	uint64_t trend_samples;	      /* samples remembered; the ring's slot is this mod TUI_TREND */
	/*
	 * The open process list, rebuilt with the rows: by %CPU, largest first,
	 * then PID; pointers into the sample's row, so a cgroup of 100,000
	 * processes costs 800 KB here (drawing formats only the page shown).
	 */
	bool procs_gone;  /* its cgroup is not in the sample (removed meanwhile) */
	bool procs_known; /* its processes were read in the last sample */
	const struct nstk_cg_proc **plist;
	size_t nplist, cap_plist;
};

/* The view the options ask for, no rows yet. */
void tui_model_init(struct tui_model *m, const struct cgtop_options *o);
void tui_model_free(struct tui_model *m);

/* What the model needs read (enum nstk_cg_read): its columns, the sort field and the alerts' fields. */
unsigned tui_model_reads(const struct tui_model *m);

/*
 * A new sample for the trend columns (live: each sample; recorded: the
 * samples before the moment shown, oldest first). 0 or -ENOMEM.
 */
int tui_model_remember(struct tui_model *m, const struct nstk_cg_stats *const *rows, size_t n);
/* Forget the trends (going live, or moving in time). */
void tui_model_forget(struct tui_model *m);

/* Rebuild the rows shown from all rows of a sample (parents before children), in the view's order. */
int tui_model_build(struct tui_model *m, const struct nstk_cg_stats *const *rows, size_t all);

/* The name cell's text: tree guides and the name below its tree parent, or the
 * path; a container's label instead of either. */
void tui_model_name(const struct tui_model *m, const struct tui_line *l, char *buf, size_t size);

enum tui_alert { TUI_ALERT_NONE, TUI_ALERT_NEAR, TUI_ALERT_OOM };
/* How strongly a row is highlighted: new OOM kills, or near a limit. */
enum tui_alert tui_model_alert(const struct tui_model *m, const struct nstk_cg_stats *s);

/* The column showing field (the sort field, say), or -1. */
int tui_model_column_of(const struct tui_model *m, int field);
/* Sort by column c; a new column starts in its own direction. */
void tui_model_sort_by_column(struct tui_model *m, int c);

/* Keep the scroll within the rows for a page of that many lines, the cursor on the page. */
void tui_model_fit_scroll(struct tui_model *m, int page);

/* The cursor moved to row (into order, clamped): it follows that cgroup from now on
 * (once cursor_shown: a key sets it). */
void tui_model_set_cursor(struct tui_model *m, int row);

/* Open the process list of the cgroup under the cursor (none when there is no row); close it. */
void tui_model_open_procs(struct tui_model *m);
void tui_model_close_procs(struct tui_model *m);

/* The path whose processes the loop must have read: the open list's, or NULL. */
const char *tui_model_procs_wanted(const struct tui_model *m);

/* ---- keys (tui_keys.c) ---- */

/*
 * One key, as get_wch() gave it (ret, ch), on a table of page lines: it
 * changes the model only, asking the loop for a sample or a repaint by a
 * flag. Returns true to quit.
 */
bool tui_key(struct tui_model *m, int ret, wint_t ch, int page);

#endif

/*
 * tui_draw.h — cgtop's screen drawn with ncurses from the model.
 *
 * Drawing reads the model and the monitor (for the header) and writes the
 * terminal; it changes nothing but the model's scroll, which it fits to
 * the page it has.
 */
#ifndef CGTOP_TUI_DRAW_H
#define CGTOP_TUI_DRAW_H

#include "tui_model.h"

/* The screen's attributes: colours, or bold and reverse without them (NO_COLOR). */
struct tui_look {
	int title, near, oom;
	bool utf8; /* an ellipsis, tree guides and sort marks as UTF-8 */
};

/* The attributes for this terminal; after newterm(). */
void tui_look_setup(struct tui_look *look, bool utf8);

/* Lines of the table on the whole screen: what Page Up and Down move by. */
int tui_page_lines(void);

/* The whole screen, from the model and the monitor's last sample; refreshed. */
void tui_draw(struct tui_model *m, const struct nstk_cg_frame *f, const struct tui_look *look);

/*
 * The screen as text, its trailing blanks and blank lines cut (malloc'd,
 * NULL without memory): what -n N prints after endwin(), whose switch back
 * from the alternate screen would otherwise take the last table with it
 * (systemd-cgtop leaves it).
 */
char *tui_screen_text(void);

#endif

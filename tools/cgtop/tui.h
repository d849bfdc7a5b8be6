/*
 * tui.h — the interactive screen's one entry point, for main().
 *
 * The screen depends on the rest of cgtop (options, fields, columns, the
 * monitor) and nothing depends on it but main(): the arrow runs one way.
 */
#ifndef CGTOP_TUI_H
#define CGTOP_TUI_H

#include "cgtop.h"

/* Run the interactive screen until the user quits (or -n N samples are
 * shown, or a signal); returns an exit status. */
int cgtop_interactive(const struct cgtop_options *o);

#endif

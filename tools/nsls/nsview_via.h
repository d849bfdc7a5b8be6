/*
 * nsview_via.h — the processes between a row and its parent row in nsls's
 * process tree (conmon, containerd-shim, the shell or unshare -f that forked
 * a namespace's first process): set in a hidden "via" column of the rows
 * -Q kept, then either kept (JSON "via") or turned into rows of their own
 * (tables). Private to nsls's view; pure.
 */
#ifndef NSTK_NSVIEW_VIA_H
#define NSTK_NSVIEW_VIA_H

#include <stddef.h>
#include <sys/types.h>

#include "nstk/out.h"
#include "nstk/proc.h"

/* At most this many processes in one chain: the nearest ones to the row. */
#define NSTK_NSVIEW_VIA_MAX 8

/* The hidden column; its JSON key is "via". Never in nstk_nscols: -o cannot name it. */
extern const struct nstk_out_column nstk_nsview_via_column;

/*
 * Set row's cell col to the chain: a JSON array of {"pid", "ppid", "uid",
 * "user", "command"}, in tree order: chain[0] hangs right under the parent
 * row, chain[n - 1] is the parent of the row's own PID. n == 0 leaves the
 * cell null. Returns 0 or -ENOMEM.
 */
int nstk_nsview_via_set(struct nstk_out_row *row, size_t col, const struct nstk_proc_facts *const *chain,
			size_t n);

/*
 * For tables: each chain becomes rows between the row and its parent row
 * (PID, PPID, UID, USER and COMMAND filled where those columns are shown,
 * every other cell empty), placed just before the first row that hangs from
 * them; rows with the same parent row share the rows of a common chain
 * prefix (two containers under one shim). A row with no parent keeps no
 * chain; without any of those five columns no process row is made (it
 * would be blank). Then the column col, which must be the last, is dropped.
 * column_ids[0..col) say what the table's columns are (enum nstk_nscol, as
 * in nstk_nsview_options.columns). Returns 0 or -ENOMEM (the caller then
 * frees the table).
 */
int nstk_nsview_via_rows(struct nstk_out_table *t, size_t col, const int *column_ids);

#endif

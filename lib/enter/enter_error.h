/*
 * enter_error.h — the one way the files of lib/enter/ say what failed: the stage, the
 * errno, the kinds being entered and the path involved, filled into the
 * caller's struct nstk_enter_error (the tool renders it); and the one way
 * they read a file of the pinned target. Private to libnstk.
 */
#ifndef NSTK_ENTER_ERROR_H
#define NSTK_ENTER_ERROR_H

#include "nstk/enter.h"

/* Fill e and return -err, so a failure is one "return nstk_enter_fail(...)". */
int nstk_enter_fail(struct nstk_enter_error *e, enum nstk_enter_stage stage, int err, unsigned kinds,
		    const char *path);

/*
 * Read a file of the target's /proc directory (at most max bytes, else
 * -EFBIG in stage), then make sure it was the target's: a target that exited
 * meanwhile is stage TARGET_EXITED.
 */
int nstk_enter_read_target_file(const struct nstk_enter_target *t, const char *name, size_t max,
				char **text, size_t *len, enum nstk_enter_stage stage,
				struct nstk_enter_error *e);

#endif

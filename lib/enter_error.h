/*
 * enter_error.h — the one way lib/enter*.c say what failed: the stage, the
 * errno, the kinds being entered and the path involved, filled into the
 * caller's struct nstk_enter_error (the tool renders it). Private to libnstk.
 */
#ifndef NSTK_ENTER_ERROR_H
#define NSTK_ENTER_ERROR_H

#include "nstk/enter.h"

/* Fill e and return -err, so a failure is one "return nstk_enter_fail(...)". */
int nstk_enter_fail(struct nstk_enter_error *e, enum nstk_enter_stage stage, int err, unsigned kinds,
		    const char *path);

#endif

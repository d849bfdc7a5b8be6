/*
 * prometheus.h — nsls --prometheus: the rows nsls built as Prometheus text
 * (see prometheus.c for the families and what counts as a leak).
 */
#ifndef NSLS_PROMETHEUS_H
#define NSLS_PROMETHEUS_H

#include <stddef.h>

#include "nstk/out.h"
#include "nsview.h"

/* The columns it reads; nsls shows exactly these with --prometheus. */
#define NSLS_PROMETHEUS_COLUMNS \
	NSTK_NSCOL_NS, NSTK_NSCOL_TYPE, NSTK_NSCOL_NPROCS, NSTK_NSCOL_HOLDERS, NSTK_NSCOL_CONTAINER, NSTK_NSCOL_NETNS

/*
 * The exposition of table t's rows (any order of its columns; a missing one
 * reads as empty) and the census's count of processes it could not inspect,
 * in *text (malloc'd, *len bytes). 0 or -errno.
 */
int nsls_prometheus(const struct nstk_out_table *t, size_t n_denied, char **text, size_t *len);

#endif

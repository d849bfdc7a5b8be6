/*
 * nsview_details.h — private to nsview: the values of the "what is inside"
 * columns (interfaces, hostnames, id maps, root filesystem, container...),
 * each as text for tables and as a typed value for JSON.
 */
#ifndef NSTK_NSVIEW_DETAILS_H
#define NSTK_NSVIEW_DETAILS_H

#include "nstk/container.h"
#include "nstk/nsinfo.h"
#include "nsview.h"

/* Whether a column needs nsinfo, and for which kind of namespace. */
bool nstk_nsview_detail_kind(enum nstk_nscol col, enum nstk_ns_kind *kind);

struct nstk_detail_ctx {
	const struct nstk_census *census;
	const struct nstk_namespace *ns;
	const struct nstk_nsinfo *info;	     /* NULL when no detail column is shown */
	const struct nstk_container *container; /* NULL when none */
	/* net: the row is seen from a container (--container, -p) whose
	 * processes joined this namespace of another container, its owner: NETMODE
	 * is then "container:<owner id>". NULL otherwise. */
	const struct nstk_container *joined_owner;
	const pid_t *task_nspid;	     /* -p task's NSpid, outermost first; NULL if none */
	size_t task_nspid_len;
	bool utf8;
};

/* Set *v to the value of a detail column; 0 or -ENOMEM. */
int nstk_nsview_detail_cell(const struct nstk_detail_ctx *d, enum nstk_nscol col, struct nstk_value *v);

#endif

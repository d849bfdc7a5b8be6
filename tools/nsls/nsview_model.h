/*
 * nsview_model.h — private to nsls's view: what nsview knows while it turns
 * a census into rows. Its one idea: one struct per namespace of the census
 * (struct ns_container, by census position) and one per shown row (struct
 * shown_row, in display order), each owning what it points to, all freed by
 * view_free(). Rows are chosen and linked here, filled by column id in
 * nsview_cells.c, and given their containers by nsview_containers.c.
 */
#ifndef NSTK_NSVIEW_MODEL_H
#define NSTK_NSVIEW_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "nstk/census.h"
#include "nstk/container.h"
#include "nstk/hash.h"
#include "nstk/nsinfo.h"
#include "nstk/out.h"
#include "nstk/proc.h"
#include "nsview.h"
#include "nsview_via.h"

/* One per census namespace, when containers are asked (CONTAINER, --container, NETMODE of -p). */
struct ns_container {
	struct nstk_container container;
	bool in_container; /* container holds its container */
	pid_t owner;	   /* in a container: its oldest process */
	bool joined;	   /* --container's processes sit in it, though it is another's */
};

/* One per shown row, in display order. */
struct shown_row {
	const struct nstk_namespace *ns;
	struct nstk_nsinfo *info; /* into view.infos; NULL when no detail column is shown */
	json_t *holders;	  /* HOLDERS shown: its processes, then the other holders once complete */
	bool holders_complete;
	int parent; /* the row it hangs from in the tree mode, or -1 */
	/* Process tree: the processes from its lowest PID's parent up to the
	 * one its parent row was found through, nearest first. */
	uint8_t n_via;
	pid_t via[NSTK_NSVIEW_VIA_MAX];
	struct nstk_out_row *out; /* its row in the table; NULL until made, or when -Q drops it */
};

struct view {
	const struct nstk_census *census;
	const struct nstk_nsview_options *opt;
	bool utf8;			  /* text may use arrows (never under -Q: one text for a filter) */
	bool needed[NSTK_NSCOL_COUNT];	  /* the columns shown or read by -Q */
	struct ns_container *by_census;	  /* [census->n_namespaces] when asked, else NULL */
	const struct nstk_container *named; /* the one --container names by its podman name */
	struct nstk_container task_container; /* the -p task's, for NETMODE */
	bool task_in_container;
	pid_t task_nspid[64];
	size_t task_nspid_len;
	struct shown_row *rows;
	size_t n_rows;
	struct nstk_hash row_of; /* namespace key -> index in rows */
	struct nstk_nsinfo *infos; /* [n_rows], the batch nsinfo fills; rows point in */
	struct nstk_proc_table procs;
};

void view_free(struct view *v);

/* nsview_containers.c */
/* Decode the container of every census namespace of the shown kinds into v->by_census. */
int view_decode_containers(struct view *v);
/* --container: mark the namespaces of other containers its processes sit in. */
int view_find_joined(struct view *v);
/* The container of a process, from its cgroup file; false when none, gone, or a monitor. */
bool view_process_container(pid_t pid, struct nstk_container *out);
/* NETMODE's "container:<id>" owner of a net namespace, or NULL; scratch holds a decoded one. */
const struct nstk_container *view_joined_owner(const struct view *v, const struct nstk_namespace *ns,
					       struct nstk_container *scratch);

/* nsview_cells.c */
/* HOLDERS: each row's processes in one pass over the census. */
int view_collect_process_holders(struct view *v);
/*
 * Fill values[id] for each needed column id of row i (values indexed by
 * enum nstk_nscol, null on entry). 0 or -ENOMEM; what was set is the
 * caller's to clear either way.
 */
int view_fill_values(struct view *v, size_t i, struct nstk_value *values);

#endif

/*
 * nsview.h — what nsls shows: its columns, its tree relations, and the
 * turning of a census into rows (filtered, sorted, nested) and into the JSON
 * document scripts read. The column table here is the single source of the
 * column names, their help text and their JSON keys.
 */
#ifndef NSTK_NSVIEW_H
#define NSTK_NSVIEW_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "nstk/census.h"
#include "nstk/filter.h"
#include "nstk/nsinfo.h"
#include "nstk/out.h"

enum nstk_nscol {
	NSTK_NSCOL_NS,
	NSTK_NSCOL_TYPE,
	NSTK_NSCOL_PATH,
	NSTK_NSCOL_NPROCS,
	NSTK_NSCOL_PID,
	NSTK_NSCOL_PPID,
	NSTK_NSCOL_COMMAND,
	NSTK_NSCOL_UID,
	NSTK_NSCOL_USER,
	NSTK_NSCOL_NETNSID,
	NSTK_NSCOL_NSFS,
	NSTK_NSCOL_PNS,
	NSTK_NSCOL_ONS,
	/* Up to here lsns's columns in lsns's order (--output-all, -h keep it);
	 * what follows is nsls's own. */
	NSTK_NSCOL_HOLDERS,
	NSTK_NSCOL_NETNS,
	NSTK_NSCOL_CONTAINER,
	/* What is inside: each is null on namespaces of other kinds. */
	NSTK_NSCOL_IFACES,
	NSTK_NSCOL_NETMODE,
	NSTK_NSCOL_HOSTNAME,
	NSTK_NSCOL_DOMAINNAME,
	NSTK_NSCOL_OWNERUID,
	NSTK_NSCOL_UIDMAP,
	NSTK_NSCOL_GIDMAP,
	NSTK_NSCOL_SETGROUPS,
	NSTK_NSCOL_INITPID,
	NSTK_NSCOL_LEVEL,
	NSTK_NSCOL_NSPID,
	NSTK_NSCOL_ROOTFS,
	NSTK_NSCOL_CGROUPROOT,
	NSTK_NSCOL_OFFSETS,
	NSTK_NSCOL_COUNT
};

extern const struct nstk_out_column nstk_nscols[NSTK_NSCOL_COUNT];

enum nstk_nstree {
	NSTK_NSTREE_NONE,
	NSTK_NSTREE_PROCESS, /* under the namespace its lowest process's parent is in */
	NSTK_NSTREE_OWNER,   /* under the owning user namespace */
	NSTK_NSTREE_PARENT,  /* pid and user namespaces under their parents */
};

/* "process", "owner", "parent" -> mode; -EINVAL otherwise. */
int nstk_nstree_from_name(const char *name);
const char *nstk_nstree_name(enum nstk_nstree mode);

struct nstk_nsview_options {
	unsigned kinds;	      /* bit per enum nstk_ns_kind to show */
	const uint64_t *task_ns; /* only these (one inode per kind, as read for -p); NULL for all */
	pid_t task;		 /* the -p task, for NSPID; 0 for none */
	const char *container;	 /* only namespaces of this container (id, prefix or name) */
	bool utf8;		 /* text may use arrows and the like */
	const struct nstk_filter *filter; /* -Q: only rows it matches; NULL for all */
	uint64_t ino;	      /* only namespaces with this inode; 0 for all */
	enum nstk_nstree tree;
	const int *columns;   /* enum nstk_nscol, in display order */
	size_t ncols;
	bool persistent_only; /* only namespaces no process sits in (-P) */
	bool mark_no_process; /* say why a row has no process in COMMAND (text only) */
	/* Process tree: the processes between a row and its parent row
	 * (conmon, containerd-shim, the shell that forked it). */
	enum nstk_nsview_via {
		NSTK_NSVIEW_VIA_COLUMN, /* each row carries them as a last column "via" (JSON) */
		NSTK_NSVIEW_VIA_ROWS,	/* drawn as rows of their own (tables) */
		NSTK_NSVIEW_VIA_NONE,	/* left out: one row per namespace (raw, as lsns) */
	} via;
};

/*
 * Build the rows: namespaces of the wanted kinds, including those no process
 * sits in, sorted by inode, nested per the tree mode. Returns 0 or -errno; *out is the caller's to free.
 *
 * In the process tree a row hangs under the row of the nearest ancestor
 * process outside its namespace (X). The processes walked through on the way
 * from the row's lowest PID up to X, X included unless it is the parent
 * row's own PID, at most 8 (the nearest), are the row's "via": with
 * NSTK_NSVIEW_VIA_ROWS, process rows between the two namespace rows (NS, TYPE empty);
 * with NSTK_NSVIEW_VIA_COLUMN a last column "via", null or an array of {"pid", "ppid", "uid",
 * "user", "command"} in tree order (the one under the parent row first, the
 * parent of the row's PID last). A root row, or one whose parent row -Q
 * dropped, has none.
 */
int nstk_nsview_build(const struct nstk_census *c, const struct nstk_nsview_options *o,
		      struct nstk_out_table **out);

/*
 * NETMODE of one network namespace, in docker's words, from what nsinfo read
 * about it: "host" (it is the host's, the initial one), "none" (only lo; the
 * fallback tunnel devices a kernel makes in every namespace once a tunnel
 * module is loaded, such as tunl0 and sit0, do not count), "bridge:<name>"
 * (a veth whose peer, wherever it is, is enslaved to a bridge; several
 * bridges are joined by ',', in interface order), else "other". Returns 0
 * with *mode malloc'd, -ENODATA with a short *reason when it cannot be told
 * (the host's namespace unknown, interfaces unread, a veth peer not found),
 * or -ENOMEM. Pure. ("container:<id>" depends on who looks: see nsview.c.)
 */
int nstk_netmode(const struct nstk_nsinfo *info, char **mode, const char **reason);

/*
 * The JSON document: {"schema": 1, "partial": bool, "denied": N,
 * "vanished": N, ["tree": MODE,] "namespaces": [...]}.
 */
int nstk_nsview_json(const struct nstk_census *c, const struct nstk_out_table *t,
		     enum nstk_nstree tree, json_t **doc);

#endif

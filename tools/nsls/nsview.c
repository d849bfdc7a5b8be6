/*
 * nsview.c — from a census to the rows nsls prints: the column table, and
 * the choosing, ordering and linking of rows.
 *
 * Its one idea is the order of the steps, each over the model of
 * nsview_model.h: decide containers per namespace; choose the namespaces
 * (kind, -p, inode, container, -P; in the owner and parent trees also the
 * chain above what a filter leaves) and sort them; read what the shown
 * columns need, in batches (nsinfo, libproc2 facts for the lowest PIDs,
 * holders); fill each row's values by column id and let -Q keep it or not;
 * link each kept row to its parent row for the tree mode; then the via
 * chains of the process tree, in one more batch of facts.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nstk/parse.h"
#include "nstk/span.h"
#include "nstk/util.h"
#include "nsview_details.h"
#include "nsview_model.h"

const struct nstk_out_column nstk_nscols[NSTK_NSCOL_COUNT] = {
	[NSTK_NSCOL_NS] = { "NS", "namespace identifier (inode number)", 10, NSTK_OUT_RIGHT },
	[NSTK_NSCOL_TYPE] = { "TYPE", "kind of namespace", 5, 0 },
	[NSTK_NSCOL_PATH] = { "PATH", "path to the namespace (/proc/PID/ns/TYPE)", 0, NSTK_OUT_TRUNC },
	[NSTK_NSCOL_NPROCS] = { "NPROCS", "number of processes in the namespace", 5, NSTK_OUT_RIGHT },
	[NSTK_NSCOL_PID] = { "PID", "lowest PID in the namespace", 5, NSTK_OUT_RIGHT },
	[NSTK_NSCOL_PPID] = { "PPID", "PPID of the PID", 5, NSTK_OUT_RIGHT },
	[NSTK_NSCOL_COMMAND] = { "COMMAND", "command line of the PID", 0, NSTK_OUT_TRUNC },
	[NSTK_NSCOL_UID] = { "UID", "UID of the PID", 0, NSTK_OUT_RIGHT },
	[NSTK_NSCOL_USER] = { "USER", "username of the PID", 0, 0 },
	[NSTK_NSCOL_NETNSID] = { "NETNSID", "net: id this network namespace gives it (RTM_GETNSID)", 0,
				 NSTK_OUT_RIGHT },
	[NSTK_NSCOL_NSFS] = { "NSFS", "nsfs bind-mount paths (ip netns, runtimes)", 0, NSTK_OUT_WRAP | NSTK_OUT_LINES },
	[NSTK_NSCOL_PNS] = { "PNS", "parent namespace identifier (inode number)", 10, NSTK_OUT_RIGHT },
	[NSTK_NSCOL_ONS] = { "ONS", "owner namespace identifier (inode number)", 10, NSTK_OUT_RIGHT },
	[NSTK_NSCOL_HOLDERS] = { "HOLDERS", "what keeps it alive: processes, threads, fds, mounts, children", 0,
				 NSTK_OUT_TRUNC },
	[NSTK_NSCOL_NETNS] = { "NETNS", "ip netns name (bind mount under /run/netns)", 0, 0 },
	[NSTK_NSCOL_CONTAINER] = { "CONTAINER", "container runtime and id, from the cgroup or nsfs path", 0, 0 },
	[NSTK_NSCOL_IFACES] = { "IFACES", "net: interfaces, addresses, veth peers and bridges", 0,
				NSTK_OUT_TRUNC | NSTK_OUT_WRAP },
	[NSTK_NSCOL_NETMODE] = { "NETMODE", "net: host, none, bridge:<name>, container:<id> or other", 0, 0 },
	[NSTK_NSCOL_HOSTNAME] = { "HOSTNAME", "uts: host name", 0, 0 },
	[NSTK_NSCOL_DOMAINNAME] = { "DOMAINNAME", "uts: NIS domain name", 0, 0 },
	[NSTK_NSCOL_OWNERUID] = { "OWNERUID", "user: UID that created it", 0, NSTK_OUT_RIGHT },
	[NSTK_NSCOL_UIDMAP] = { "UIDMAP", "user: uid_map as inside->outside x count", 0, NSTK_OUT_TRUNC },
	[NSTK_NSCOL_GIDMAP] = { "GIDMAP", "user: gid_map as inside->outside x count", 0, NSTK_OUT_TRUNC },
	[NSTK_NSCOL_SETGROUPS] = { "SETGROUPS", "user: setgroups(2) allow or deny", 0, 0 },
	[NSTK_NSCOL_INITPID] = { "INITPID", "pid: host PID of its PID 1", 5, NSTK_OUT_RIGHT },
	[NSTK_NSCOL_LEVEL] = { "LEVEL", "pid: nesting depth (0 = this one's own)", 0, NSTK_OUT_RIGHT },
	[NSTK_NSCOL_NSPID] = { "NSPID", "pid: the -p task's PID in it", 5, NSTK_OUT_RIGHT },
	[NSTK_NSCOL_ROOTFS] = { "ROOTFS", "mnt: root filesystem, source, overlay layers", 0,
				NSTK_OUT_TRUNC },
	[NSTK_NSCOL_CGROUPROOT] = { "CGROUPROOT", "cgroup: its root in the host's cgroup tree", 0,
				    NSTK_OUT_TRUNC },
	[NSTK_NSCOL_OFFSETS] = { "OFFSETS", "time: monotonic and boottime offsets", 0, 0 },
};

static const char *const tree_names[] = {
	[NSTK_NSTREE_NONE] = "none",
	[NSTK_NSTREE_PROCESS] = "process",
	[NSTK_NSTREE_OWNER] = "owner",
	[NSTK_NSTREE_PARENT] = "parent",
};

int nstk_nstree_from_name(const char *name)
{
	for (int m = NSTK_NSTREE_PROCESS; m <= NSTK_NSTREE_PARENT; m++)
		if (strcmp(name, tree_names[m]) == 0)
			return m;
	return -EINVAL;
}

const char *nstk_nstree_name(enum nstk_nstree mode)
{
	return tree_names[mode];
}

/* Longer than any real ppid chain; guards against a loop in stale facts. */
#define MAX_PROCESS_DEPTH 4096

void view_free(struct view *v)
{
	for (size_t i = 0; i < v->n_rows; i++)
		json_decref(v->rows[i].holders);
	free(v->rows);
	if (v->infos)
		nstk_nsinfo_free(v->infos, v->n_rows);
	free(v->infos);
	free(v->by_census);
	nstk_hash_free(&v->row_of);
	nstk_proc_table_free(&v->procs);
}

static bool wanted(const struct view *v, const struct nstk_namespace *ns)
{
	const struct nstk_nsview_options *o = v->opt;
	if (!(o->kinds & (1u << ns->kind)))
		return false;
	if (o->ino && ns->ino != o->ino)
		return false;
	if (o->persistent_only && ns->nprocs > 0)
		return false;
	if (o->task_ns && o->task_ns[ns->kind] != ns->ino)
		return false;
	if (o->container) {
		const struct ns_container *b = &v->by_census[ns - v->census->namespaces];
		if (!(b->in_container && nstk_container_matches(&b->container, o->container)) && !b->joined)
			return false;
	}
	return true;
}

static int by_inode(const void *a, const void *b)
{
	const struct nstk_namespace *x = *(const struct nstk_namespace *const *)a;
	const struct nstk_namespace *y = *(const struct nstk_namespace *const *)b;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return (int)x->kind - (int)y->kind;
}

/*
 * In the owner and parent trees, a filtered view (-p, an inode, a container,
 * -P) still draws the chain of owners or parents above what it shows, of the
 * kinds -t allows, so a row is never cut off from where it hangs.
 */
static void add_ancestors(struct view *v, bool *chosen)
{
	const struct nstk_census *c = v->census;
	const struct nstk_nsview_options *o = v->opt;
	if (o->tree != NSTK_NSTREE_OWNER && o->tree != NSTK_NSTREE_PARENT)
		return;
	for (size_t i = 0; i < c->n_namespaces; i++) {
		if (!chosen[i])
			continue;
		const struct nstk_namespace *ns = &c->namespaces[i];
		for (int depth = 0; ns && depth < 64; depth++) {
			bool owner = o->tree == NSTK_NSTREE_OWNER;
			ns = owner ? nstk_census_find(c, NSTK_NS_USER, ns->owner_ino)
				   : nstk_census_find(c, ns->kind, ns->parent_ino);
			if (!ns || !(o->kinds & (1u << ns->kind)))
				break;
			chosen[ns - c->namespaces] = true;
		}
	}
}

/* While rows are chosen: the namespace key of each of shown[0..n) -> its position. */
static int index_rows(struct view *v, const struct nstk_namespace *const *shown, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct nstk_namespace *ns = shown[i];
		int r = nstk_hash_put(&v->row_of, nstk_census_ns_key(ns->kind, ns->ino), (uint32_t)i);
		if (r < 0)
			return r;
	}
	return 0;
}

static int row_index(const struct view *v, enum nstk_ns_kind kind, uint64_t ino)
{
	uint32_t idx;
	if (!ino || !nstk_hash_get(&v->row_of, nstk_census_ns_key(kind, ino), &idx))
		return -1;
	return (int)idx;
}

/* The shown row a namespace is added after in lsns's order, or -1. */
static int pulled_before(const struct view *v, const struct nstk_namespace *ns)
{
	if (v->opt->tree == NSTK_NSTREE_PARENT && ns->parent_ino)
		return row_index(v, ns->kind, ns->parent_ino);
	/* The owner tree, and in the parent tree a parentless namespace (every
	 * kind but pid and user, and the roots of those): lsns puts its owner first. */
	return row_index(v, NSTK_NS_USER, ns->owner_ino);
}

/*
 * The owner and parent trees list their roots where lsns does: it walks the
 * namespaces by inode and adds, before each, the one it hangs from (in the
 * parent tree, a parentless namespace's owner) when that is not added yet.
 * So the initial user namespace, which owns the host's mnt namespace,
 * comes first. Children keep inode order under their parent either way.
 */
static int order_like_lsns(struct view *v, const struct nstk_namespace **shown, size_t n)
{
	_cleanup_free_ const struct nstk_namespace **order = malloc((n ? n : 1) * sizeof(*order));
	_cleanup_free_ bool *placed = calloc(n ? n : 1, sizeof(bool));
	_cleanup_free_ uint32_t *chain = malloc((n ? n : 1) * sizeof(*chain));
	if (!order || !placed || !chain)
		return -ENOMEM;
	size_t m = 0;
	/* Rows shown only as an ancestor (add_ancestors) come where they are
	 * pulled; a last pass places any no row pulled. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < n; i++) {
			if (placed[i] || (pass == 0 && !wanted(v, shown[i])))
				continue;
			/* The chain of not-yet-placed rows above i, placed top first. */
			size_t depth = 0;
			for (int k = (int)i; k >= 0 && !placed[k]; k = pulled_before(v, shown[k])) {
				placed[k] = true;
				chain[depth++] = (uint32_t)k;
			}
			while (depth-- > 0)
				order[m++] = shown[chain[depth]];
		}
	memcpy(shown, order, n * sizeof(*order));
	return index_rows(v, shown, n);
}

static int choose_rows(struct view *v)
{
	const struct nstk_census *c = v->census;
	size_t n = 0;
	_cleanup_free_ const struct nstk_namespace **shown =
		malloc((c->n_namespaces ? c->n_namespaces : 1) * sizeof(*shown));
	_cleanup_free_ bool *chosen = calloc(c->n_namespaces ? c->n_namespaces : 1, sizeof(bool));
	if (!shown || !chosen)
		return -ENOMEM;
	for (size_t i = 0; i < c->n_namespaces; i++)
		chosen[i] = wanted(v, &c->namespaces[i]);
	add_ancestors(v, chosen);
	for (size_t i = 0; i < c->n_namespaces; i++)
		if (chosen[i])
			shown[n++] = &c->namespaces[i];
	qsort(shown, n, sizeof(*shown), by_inode);
	int r = index_rows(v, shown, n);
	if (r == 0 && (v->opt->tree == NSTK_NSTREE_OWNER || v->opt->tree == NSTK_NSTREE_PARENT))
		r = order_like_lsns(v, shown, n);
	if (r < 0)
		return r;
	v->rows = calloc(n ? n : 1, sizeof(*v->rows));
	if (!v->rows)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		v->rows[i] = (struct shown_row){ .ns = shown[i], .parent = -1 };
	v->n_rows = n;
	return 0;
}

/* nsinfo for the shown rows, for the kinds whose detail columns are needed, in one batch. */
static int read_details(struct view *v)
{
	unsigned kinds = 0;
	for (int col = 0; col < NSTK_NSCOL_COUNT; col++) {
		enum nstk_ns_kind k;
		if (v->needed[col] && nstk_nsview_detail_kind((enum nstk_nscol)col, &k))
			kinds |= 1u << k;
	}
	if (!kinds)
		return 0;
	size_t n = v->n_rows;
	_cleanup_free_ const struct nstk_namespace **namespaces = malloc((n ? n : 1) * sizeof(*namespaces));
	v->infos = calloc(n ? n : 1, sizeof(*v->infos));
	if (!namespaces || !v->infos)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		namespaces[i] = v->rows[i].ns;
		v->rows[i].info = &v->infos[i];
	}
	if (v->opt->task && v->needed[NSTK_NSCOL_NSPID]) {
		_cleanup_free_ char *text = NULL;
		size_t len;
		if (nstk_read_proc_file(v->opt->task, "status", &text, &len) < 0 ||
		    nstk_parse_status_nspid(text, len, v->task_nspid, NSTK_ARRAY_SIZE(v->task_nspid),
					    &v->task_nspid_len) < 0)
			v->task_nspid_len = 0;
	}
	return nstk_nsinfo_read(v->census, namespaces, n, kinds, v->opt->task, v->opt->task_ns, v->infos);
}

static int load_facts(struct view *v)
{
	_cleanup_free_ pid_t *pids = malloc((v->n_rows ? v->n_rows : 1) * sizeof(*pids));
	if (!pids)
		return -ENOMEM;
	size_t n = 0;
	for (size_t i = 0; i < v->n_rows; i++)
		if (v->rows[i].ns->lowest_pid)
			pids[n++] = v->rows[i].ns->lowest_pid;
	return nstk_proc_load(&v->procs, pids, n);
}

/*
 * Process tree: the row of the namespace (same kind) that the nearest
 * ancestor process outside this namespace sits in. Usually one step: the
 * lowest PID's parent. A parent inside the same namespace (PID reuse) sends
 * us one more step up, loading that process's facts on demand. The PIDs
 * stepped through go to the row's via, nearest first, at most
 * NSTK_NSVIEW_VIA_MAX.
 */
static int process_parent_row(struct view *v, size_t i)
{
	struct shown_row *row = &v->rows[i];
	const struct nstk_namespace *ns = row->ns;
	const struct nstk_proc_facts *f = nstk_proc_find(&v->procs, ns->lowest_pid);
	row->n_via = 0;
	for (int depth = 0; f && f->ppid > 0 && depth < MAX_PROCESS_DEPTH; depth++) {
		const struct nstk_census_process *p;
		if (nstk_census_find_process(v->census, f->ppid, &p) < 0)
			return -1;
		if (row->n_via < NSTK_NSVIEW_VIA_MAX)
			row->via[row->n_via++] = f->ppid;
		if (p->ns[ns->kind] != ns->ino) {
			int parent = row_index(v, ns->kind, p->ns[ns->kind]);
			if (parent >= 0)
				return parent;
			/* Its namespace of this kind is not shown (-p, --container):
			 * as lsns, the last row before this one that the parent
			 * process stands for, of any kind. */
			for (size_t j = i; j-- > 0;)
				if (v->rows[j].ns->lowest_pid == f->ppid)
					return (int)j;
			return -1;
		}
		pid_t next = f->ppid;
		if (nstk_proc_load(&v->procs, &next, 1) < 0)
			return -1;
		f = nstk_proc_find(&v->procs, next);
	}
	return -1;
}

static int parent_row(struct view *v, size_t i)
{
	const struct nstk_namespace *ns = v->rows[i].ns;
	switch (v->opt->tree) {
	case NSTK_NSTREE_OWNER:
		return row_index(v, NSTK_NS_USER, ns->owner_ino);
	case NSTK_NSTREE_PARENT:
		return row_index(v, ns->kind, ns->parent_ino);
	case NSTK_NSTREE_PROCESS:
		return ns->lowest_pid ? process_parent_row(v, i) : -1;
	case NSTK_NSTREE_NONE:
		break;
	}
	return -1;
}

/* Every row's parent row, kept by -Q or not: a kept row may hang through a dropped one. */
static void find_parents(struct view *v)
{
	for (size_t i = 0; i < v->n_rows; i++) {
		struct shown_row *row = &v->rows[i];
		int p = parent_row(v, i);
		if (p >= 0 && (size_t)p != i) {
			row->parent = p;
			/* The process it was found through is that row's own: no row between. */
			if (row->n_via && row->via[row->n_via - 1] == v->rows[p].ns->lowest_pid)
				row->n_via--;
		} else {
			row->parent = -1;
			row->n_via = 0;
		}
	}
}

/*
 * As lsns: the process tree indents COMMAND, the namespace trees indent NS;
 * the first column when that one is not shown.
 */
static size_t tree_column(const struct nstk_nsview_options *o)
{
	enum nstk_nscol want = o->tree == NSTK_NSTREE_PROCESS ? NSTK_NSCOL_COMMAND : NSTK_NSCOL_NS;
	for (size_t i = 0; i < o->ncols; i++)
		if (o->columns[i] == (int)want)
			return i;
	return 0;
}

static void table_freep(struct nstk_out_table **t)
{
	nstk_out_table_free(*t);
}

/* The shown columns, then (via_column) the hidden via column of the process tree. */
static struct nstk_out_table *new_table(const struct nstk_nsview_options *o, bool via_column)
{
	_cleanup_free_ const struct nstk_out_column **cols = malloc((o->ncols + 1) * sizeof(*cols));
	if (!cols)
		return NULL;
	for (size_t i = 0; i < o->ncols; i++)
		cols[i] = &nstk_nscols[o->columns[i]];
	cols[o->ncols] = &nstk_nsview_via_column;
	struct nstk_out_table *t = nstk_out_table_new(cols, o->ncols + via_column);
	if (t)
		t->tree_column = tree_column(o);
	return t;
}

/*
 * Each row's values by column id, matched by -Q; a row it keeps becomes a
 * table row, its values moved into the shown cells (copied where a column
 * is shown twice). What only -Q read is cleared.
 */
static int add_rows(struct view *v, struct nstk_out_table *t)
{
	const struct nstk_nsview_options *o = v->opt;
	size_t last_at[NSTK_NSCOL_COUNT]; /* per column id, the last place it is shown */
	for (size_t c = 0; c < o->ncols; c++)
		last_at[o->columns[c]] = c;
	int r = 0;
	for (size_t i = 0; i < v->n_rows && r >= 0; i++) {
		struct nstk_value values[NSTK_NSCOL_COUNT] = { 0 };
		r = view_fill_values(v, i, values);
		if (r >= 0 && nstk_filter_match(o->filter, values) == 1) {
			struct nstk_out_row *row = nstk_out_row_add(t);
			r = row ? 0 : -ENOMEM;
			for (size_t c = 0; c < o->ncols && r >= 0; c++) {
				struct nstk_value *value = &values[o->columns[c]];
				if (last_at[o->columns[c]] == c)
					nstk_out_take_value(row, c, value);
				else
					r = nstk_out_copy_value(row, c, value);
			}
			v->rows[i].out = row;
		}
		for (size_t col = 0; col < NSTK_NSCOL_COUNT; col++)
			nstk_value_clear(&values[col]);
	}
	return r;
}

/*
 * A kept row hangs from its parent row; when -Q dropped that, from its
 * nearest kept ancestor, without a via (the processes between it and that
 * ancestor were never walked).
 */
static void hang_rows(struct view *v)
{
	for (size_t i = 0; i < v->n_rows; i++) {
		struct shown_row *row = &v->rows[i];
		if (!row->out)
			continue;
		int p = row->parent;
		if (p >= 0 && !v->rows[p].out)
			row->n_via = 0;
		size_t guard = 0;
		while (p >= 0 && !v->rows[p].out && guard++ < v->n_rows)
			p = v->rows[p].parent;
		row->out->parent = p >= 0 ? v->rows[p].out : NULL;
	}
}

/*
 * The via cells of the kept rows: the chains' processes not loaded yet (the
 * one each parent row was found through, mostly) in one batch, then each
 * chain in tree order into the hidden column col. A process that vanished
 * meanwhile is left out of its chain.
 */
static int set_via(struct view *v, size_t col)
{
	_cleanup_free_ pid_t *pids = malloc((v->n_rows ? v->n_rows : 1) * NSTK_NSVIEW_VIA_MAX * sizeof(*pids));
	if (!pids)
		return -ENOMEM;
	size_t n = 0;
	for (size_t i = 0; i < v->n_rows; i++)
		for (size_t k = 0; v->rows[i].out && k < v->rows[i].n_via; k++)
			pids[n++] = v->rows[i].via[k];
	int r = nstk_proc_load(&v->procs, pids, n);
	for (size_t i = 0; i < v->n_rows && r == 0; i++) {
		const struct shown_row *row = &v->rows[i];
		const struct nstk_proc_facts *chain[NSTK_NSVIEW_VIA_MAX];
		size_t m = 0;
		if (!row->out)
			continue;
		for (size_t k = row->n_via; k-- > 0;) {
			const struct nstk_proc_facts *f = nstk_proc_find(&v->procs, row->via[k]);
			if (f)
				chain[m++] = f;
		}
		r = nstk_nsview_via_set(row->out, col, chain, m);
	}
	return r;
}

/*
 * -Q reads the values of the columns it names whether or not they are
 * shown: they are filled with the shown ones, by column id, and the
 * filter matched on them before a row is made (add_rows).
 */
int nstk_nsview_build(const struct nstk_census *c, const struct nstk_nsview_options *o,
		      struct nstk_out_table **out)
{
	__attribute__((cleanup(view_free))) struct view v = { .census = c, .opt = o };
	/* The process tree carries each row's via in a hidden last column:
	 * kept for JSON, made rows for tables, left out for raw. */
	bool via_column = o->tree == NSTK_NSTREE_PROCESS && o->via != NSTK_NSVIEW_VIA_NONE;
	__attribute__((cleanup(table_freep))) struct nstk_out_table *t = new_table(o, via_column);
	*out = NULL;
	if (!t)
		return -ENOMEM;
	for (size_t i = 0; i < o->ncols; i++)
		v.needed[o->columns[i]] = true;
	nstk_filter_columns_used(o->filter, v.needed);
	/* One text for the maps whatever the locale, so a filter means one thing. */
	v.utf8 = o->utf8 && !o->filter;

	int r = 0;
	/* NETMODE of the -p task's net row names the container that owns it. */
	bool task_netmode = o->task && v.needed[NSTK_NSCOL_NETMODE];
	if (o->container || v.needed[NSTK_NSCOL_CONTAINER] || task_netmode)
		r = view_decode_containers(&v);
	if (r >= 0 && o->container)
		r = view_find_joined(&v);
	if (r >= 0 && task_netmode)
		v.task_in_container = view_process_container(o->task, &v.task_container);
	if (r >= 0)
		r = choose_rows(&v);
	if (r >= 0)
		r = read_details(&v);
	if (r >= 0)
		r = load_facts(&v);
	if (r >= 0 && v.needed[NSTK_NSCOL_HOLDERS])
		r = view_collect_process_holders(&v);
	if (r >= 0)
		r = add_rows(&v, t);
	if (r >= 0) {
		find_parents(&v);
		hang_rows(&v);
	}
	if (r >= 0 && via_column)
		r = set_via(&v, o->ncols);
	if (r >= 0 && via_column && o->via == NSTK_NSVIEW_VIA_ROWS)
		r = nstk_nsview_via_rows(t, o->ncols, o->columns);
	if (r < 0)
		return r;
	*out = NSTK_TAKE_PTR(t);
	return 0;
}

int nstk_nsview_json(const struct nstk_census *c, const struct nstk_out_table *t,
		     enum nstk_nstree tree, json_t **doc)
{
	json_t *rows;
	int r = nstk_out_render_json(t, tree != NSTK_NSTREE_NONE, &rows);
	if (r < 0)
		return r;
	json_t *d = json_pack("{s:i, s:b, s:I, s:I}", "schema", 1, "partial", c->n_denied > 0,
			      "denied", (json_int_t)c->n_denied, "vanished",
			      (json_int_t)c->n_vanished);
	/* json_object_set_new takes the value, also when it fails. */
	if (!d || (tree != NSTK_NSTREE_NONE &&
		   json_object_set_new(d, "tree", json_string(nstk_nstree_name(tree))) < 0) ||
	    json_object_set_new(d, "namespaces", NSTK_TAKE_PTR(rows)) < 0) {
		json_decref(rows);
		json_decref(d);
		return -ENOMEM;
	}
	*doc = d;
	return 0;
}

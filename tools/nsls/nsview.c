/*
 * nsview.c — from a census to the rows nsls prints.
 *
 * Three steps: choose the namespaces (kind, -p, inode, container, -P; in the
 * owner and parent trees also the chain above what a filter leaves), sort
 * them by inode, and link each row to its parent row for the tree mode. Process facts (user, command, ppid) come
 * from libproc2 in one batch for the lowest PIDs of the chosen rows only, and
 * in one more for the processes the process tree passes through (via).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nsview_details.h"
#include "nsview_via.h"
#include "nstk/container_names.h"
#include "nsview.h"
#include "nstk/parse.h"
#include "nstk/proc.h"
#include "nstk/util.h"

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

struct view {
	const struct nstk_census *census;
	const struct nstk_nsview_options *opt;
	const struct nstk_namespace **shown; /* sorted by inode */
	size_t n_shown;
	struct nstk_hash row_of; /* namespace key -> index in shown and in rows */
	struct nstk_proc_table procs;
	json_t **process_holders; /* per shown row, when HOLDERS is shown */
	bool *holders_complete;	  /* and whether the other holders were added */
	struct nstk_nsinfo *info;  /* per shown row, when a detail column is shown */
	struct nstk_container *containers; /* per census namespace, when asked */
	const struct nstk_container *named; /* the one --container names by its podman name */
	bool *in_container;
	pid_t *owner; /* per census namespace in a container: its oldest process */
	bool *joined; /* per census namespace: --container's processes sit in another's */
	struct nstk_container task_container; /* the -p task's, for NETMODE */
	bool task_in_container;
	pid_t task_nspid[64];
	size_t task_nspid_len;
	/* Process tree: per shown row, the processes from its lowest PID's
	 * parent up to the one its parent row was found through, nearest first. */
	pid_t (*via)[NSTK_NSVIEW_VIA_MAX];
	uint8_t *n_via;
};

static bool shows_column(const struct nstk_nsview_options *o, enum nstk_nscol col)
{
	for (size_t i = 0; i < o->ncols; i++)
		if (o->columns[i] == (int)col)
			return true;
	return false;
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
		size_t i = (size_t)(ns - v->census->namespaces);
		if (!(v->in_container[i] && nstk_container_matches(&v->containers[i], o->container)) &&
		    !v->joined[i])
			return false;
	}
	return true;
}

/*
 * The container a namespace belongs to: from the cgroup of the process pid
 * in it (read in this, the initial, cgroup namespace's view), else from the
 * path of an nsfs bind mount that holds it.
 */
static bool decode_container(const struct nstk_census *c, const struct nstk_namespace *ns, pid_t pid,
			     struct nstk_container *out)
{
	if (pid) {
		char path[64];
		_cleanup_free_ char *text = NULL;
		size_t len;
		snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
		if (nstk_read_file_at(AT_FDCWD, path, &text, &len) == 0 &&
		    nstk_container_from_proc_cgroup(text, len, out) == 1)
			return true;
	}
	for (uint32_t h = ns->first_holder; h != NSTK_NO_HOLDER; h = c->holders[h].next) {
		const struct nstk_holder *m = &c->holders[h];
		if (m->kind == NSTK_HOLDER_MOUNT &&
		    nstk_container_from_nsfs_path(m->path, strlen(m->path), out) == 1)
			return true;
	}
	return false;
}

/* The container of a process, from its cgroup file; false when none or gone. */
static bool process_container(pid_t pid, struct nstk_container *out)
{
	char path[64];
	_cleanup_free_ char *text = NULL;
	size_t len;
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	return nstk_read_file_at(AT_FDCWD, path, &text, &len) == 0 &&
	       nstk_container_from_proc_cgroup(text, len, out) == 1 && !out->monitor;
}

/* Same runtime, id and label: a ctr id repeats in each containerd namespace; the label tells them apart. */
static bool same_container(const struct nstk_container *a, const struct nstk_container *b)
{
	char la[NSTK_CONTAINER_LABEL_MAX], lb[NSTK_CONTAINER_LABEL_MAX];
	return strcmp(a->runtime, b->runtime) == 0 && strcmp(a->id, b->id) == 0 &&
	       nstk_container_label(a, la, sizeof(la)) == 0 &&
	       nstk_container_label(b, lb, sizeof(lb)) == 0 && strcmp(la, lb) == 0;
}

/*
 * --container: the namespaces of another container that this one's
 * processes sit in (podman run --network container:X, a pod's shared
 * namespaces). Only processes in such a namespace have their cgroup read;
 * namespaces of no container (the host's) are never added.
 */
static int find_joined(struct view *v)
{
	const struct nstk_census *c = v->census;
	const char *want = v->opt->container;
	v->joined = calloc(c->n_namespaces ? c->n_namespaces : 1, sizeof(*v->joined));
	_cleanup_free_ bool *other = calloc(c->n_namespaces ? c->n_namespaces : 1, sizeof(bool));
	if (!v->joined || !other)
		return -ENOMEM;
	bool any = false;
	for (size_t i = 0; i < c->n_namespaces; i++) {
		other[i] = v->in_container[i] && !v->containers[i].sandbox &&
			   !nstk_container_matches(&v->containers[i], want);
		any |= other[i];
	}
	for (size_t p = 0; any && p < c->n_processes; p++) {
		size_t idx[NSTK_NS_KIND_COUNT], n = 0;
		for (int k = 0; k < NSTK_NS_KIND_COUNT; k++) {
			const struct nstk_namespace *ns = c->processes[p].ns[k] ?
				nstk_census_find(c, k, c->processes[p].ns[k]) : NULL;
			if (ns && other[ns - c->namespaces])
				idx[n++] = (size_t)(ns - c->namespaces);
		}
		struct nstk_container mine;
		if (n == 0 || !process_container(c->processes[p].pid, &mine) ||
		    !(nstk_container_matches(&mine, want) || (v->named && same_container(&mine, v->named))))
			continue;
		for (size_t i = 0; i < n; i++)
			if (!same_container(&mine, &v->containers[idx[i]]))
				v->joined[idx[i]] = true;
	}
	return 0;
}

/* The /proc/PID/stat fields of pid (parent, start time); false when gone. */
static bool read_stat(pid_t pid, struct nstk_proc_stat *st)
{
	char path[64];
	_cleanup_free_ char *text = NULL;
	size_t len;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	return nstk_read_file_at(AT_FDCWD, path, &text, &len) == 0 && nstk_parse_proc_stat(text, len, st) == 0;
}

/*
 * A namespace belongs to the container of its oldest process: the one that
 * made it, or came first. The lowest PID says the same until PIDs wrap;
 * then a container that joined later (podman run --network container:X)
 * can hold the lowest PID of X's namespace and would take it over. Only
 * namespaces the lowest PID put in a container are checked, so only their
 * processes have their start time read, once each.
 */
static int settle_owners(struct view *v)
{
	const struct nstk_census *c = v->census;
	_cleanup_free_ uint64_t *oldest = calloc(c->n_namespaces ? c->n_namespaces : 1, sizeof(*oldest));
	if (!oldest)
		return -ENOMEM;
	bool any = false;
	for (size_t i = 0; i < c->n_namespaces; i++) {
		struct nstk_proc_stat st;
		v->owner[i] = c->namespaces[i].lowest_pid;
		oldest[i] = UINT64_MAX;
		if (v->in_container[i] && v->owner[i] && read_stat(v->owner[i], &st)) {
			oldest[i] = st.starttime;
			any = true;
		}
	}
	for (size_t p = 0; any && p < c->n_processes; p++) {
		const struct nstk_census_process *proc = &c->processes[p];
		bool have = false;
		struct nstk_proc_stat st;
		for (int k = 0; k < NSTK_NS_KIND_COUNT; k++) {
			const struct nstk_namespace *ns = proc->ns[k] ? nstk_census_find(c, k, proc->ns[k]) : NULL;
			size_t i = ns ? (size_t)(ns - c->namespaces) : 0;
			if (!ns || !v->in_container[i] || oldest[i] == UINT64_MAX || proc->pid == v->owner[i])
				continue;
			if (!have && !(have = read_stat(proc->pid, &st)))
				break; /* gone */
			if (st.starttime < oldest[i]) {
				oldest[i] = st.starttime;
				v->owner[i] = proc->pid;
			}
		}
	}
	for (size_t i = 0; any && i < c->n_namespaces; i++)
		if (v->in_container[i] && v->owner[i] != c->namespaces[i].lowest_pid)
			v->in_container[i] = decode_container(c, &c->namespaces[i], v->owner[i], &v->containers[i]);
	return 0;
}

static int decode_containers(struct view *v)
{
	const struct nstk_census *c = v->census;
	size_t n = c->n_namespaces ? c->n_namespaces : 1;
	v->containers = calloc(n, sizeof(*v->containers));
	v->in_container = calloc(n, sizeof(*v->in_container));
	v->owner = calloc(n, sizeof(*v->owner));
	if (!v->containers || !v->in_container || !v->owner)
		return -ENOMEM;
	for (size_t i = 0; i < c->n_namespaces; i++)
		if (v->opt->kinds & (1u << c->namespaces[i].kind))
			v->in_container[i] = decode_container(c, &c->namespaces[i], c->namespaces[i].lowest_pid,
							      &v->containers[i]);
	int r = settle_owners(v);
	/* A podman name: no cgroup path carries it (cgroupfs manager), conmon,
	 * the parent of the container's oldest process, does; asked once per
	 * container. */
	struct nstk_container_names names = { 0 };
	for (size_t i = 0; i < c->n_namespaces && r == 0; i++)
		if (v->in_container[i] && v->owner[i] &&
		    (r = nstk_container_names_lookup(&names, -1, v->owner[i], &v->containers[i])) > 0)
			r = 0;
	nstk_container_names_free(&names);
	/* --container by a name only conmon knows: its processes in other
	 * containers' namespaces (find_joined) are matched by its id. */
	for (size_t i = 0; i < c->n_namespaces && r == 0 && v->opt->container && !v->named; i++)
		if (v->in_container[i] && v->containers[i].name[0] &&
		    strcmp(v->containers[i].name, v->opt->container) == 0)
			v->named = &v->containers[i];
	return r;
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

static int index_rows(struct view *v)
{
	for (size_t i = 0; i < v->n_shown; i++) {
		const struct nstk_namespace *ns = v->shown[i];
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
static int order_like_lsns(struct view *v)
{
	size_t n = v->n_shown;
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
			if (placed[i] || (pass == 0 && !wanted(v, v->shown[i])))
				continue;
			/* The chain of not-yet-placed rows above i, placed top first. */
			size_t depth = 0;
			for (int k = (int)i; k >= 0 && !placed[k]; k = pulled_before(v, v->shown[k])) {
				placed[k] = true;
				chain[depth++] = (uint32_t)k;
			}
			while (depth-- > 0)
				order[m++] = v->shown[chain[depth]];
		}
	memcpy(v->shown, order, n * sizeof(*order));
	return index_rows(v);
}

static int choose_rows(struct view *v)
{
	const struct nstk_census *c = v->census;
	v->shown = malloc((c->n_namespaces ? c->n_namespaces : 1) * sizeof(*v->shown));
	_cleanup_free_ bool *chosen = calloc(c->n_namespaces ? c->n_namespaces : 1, sizeof(bool));
	if (!v->shown || !chosen)
		return -ENOMEM;
	for (size_t i = 0; i < c->n_namespaces; i++)
		chosen[i] = wanted(v, &c->namespaces[i]);
	add_ancestors(v, chosen);
	for (size_t i = 0; i < c->n_namespaces; i++)
		if (chosen[i])
			v->shown[v->n_shown++] = &c->namespaces[i];
	qsort(v->shown, v->n_shown, sizeof(*v->shown), by_inode);
	int r = index_rows(v);
	if (r == 0 && (v->opt->tree == NSTK_NSTREE_OWNER || v->opt->tree == NSTK_NSTREE_PARENT))
		r = order_like_lsns(v);
	return r;
}

/* nsinfo for the shown rows, for the kinds whose detail columns are shown. */
static int read_details(struct view *v)
{
	unsigned kinds = 0;
	for (size_t i = 0; i < v->opt->ncols; i++) {
		enum nstk_ns_kind k;
		if (nstk_nsview_detail_kind((enum nstk_nscol)v->opt->columns[i], &k))
			kinds |= 1u << k;
	}
	if (!kinds)
		return 0;
	v->info = calloc(v->n_shown ? v->n_shown : 1, sizeof(*v->info));
	if (!v->info)
		return -ENOMEM;
	if (v->opt->task && shows_column(v->opt, NSTK_NSCOL_NSPID)) {
		char path[64];
		_cleanup_free_ char *text = NULL;
		size_t len;
		snprintf(path, sizeof(path), "/proc/%d/status", (int)v->opt->task);
		if (nstk_read_file_at(AT_FDCWD, path, &text, &len) < 0 ||
		    nstk_parse_status_nspid(text, len, v->task_nspid, NSTK_ARRAY_SIZE(v->task_nspid),
					    &v->task_nspid_len) < 0)
			v->task_nspid_len = 0;
	}
	return nstk_nsinfo_read(v->census, v->shown, v->n_shown, kinds, v->opt->task, v->opt->task_ns,
				v->info);
}

static int load_facts(struct view *v)
{
	_cleanup_free_ pid_t *pids = malloc((v->n_shown ? v->n_shown : 1) * sizeof(*pids));
	if (!pids)
		return -ENOMEM;
	size_t n = 0;
	for (size_t i = 0; i < v->n_shown; i++)
		if (v->shown[i]->lowest_pid)
			pids[n++] = v->shown[i]->lowest_pid;
	return nstk_proc_load(&v->procs, pids, n);
}

/*
 * Process tree: the row of the namespace (same kind) that the nearest
 * ancestor process outside this namespace sits in. Usually one step: the
 * lowest PID's parent. A parent inside the same namespace (PID reuse) sends
 * us one more step up, loading that process's facts on demand. The PIDs
 * stepped through go to via[0..*n_via), nearest first, at most
 * NSTK_NSVIEW_VIA_MAX.
 */
static int process_parent_row(struct view *v, size_t i, pid_t *via, uint8_t *n_via)
{
	const struct nstk_namespace *ns = v->shown[i];
	const struct nstk_proc_facts *f = nstk_proc_find(&v->procs, ns->lowest_pid);
	*n_via = 0;
	for (int depth = 0; f && f->ppid > 0 && depth < MAX_PROCESS_DEPTH; depth++) {
		const struct nstk_census_process *p;
		if (nstk_census_find_process(v->census, f->ppid, &p) < 0)
			return -1;
		if (*n_via < NSTK_NSVIEW_VIA_MAX)
			via[(*n_via)++] = f->ppid;
		if (p->ns[ns->kind] != ns->ino) {
			int row = row_index(v, ns->kind, p->ns[ns->kind]);
			if (row >= 0)
				return row;
			/* Its namespace of this kind is not shown (-p, --container):
			 * as lsns, the last row before this one that the parent
			 * process stands for, of any kind. */
			for (size_t j = i; j-- > 0;)
				if (v->shown[j]->lowest_pid == f->ppid)
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
	const struct nstk_namespace *ns = v->shown[i];
	switch (v->opt->tree) {
	case NSTK_NSTREE_OWNER:
		return row_index(v, NSTK_NS_USER, ns->owner_ino);
	case NSTK_NSTREE_PARENT:
		return row_index(v, ns->kind, ns->parent_ino);
	case NSTK_NSTREE_PROCESS:
		return ns->lowest_pid ? process_parent_row(v, i, v->via[i], &v->n_via[i]) : -1;
	case NSTK_NSTREE_NONE:
		break;
	}
	return -1;
}

/*
 * One pass over the processes puts each into the holder lists of its rows:
 * O(processes x kinds) hash lookups, instead of a scan per row.
 */
static int collect_process_holders(struct view *v)
{
	v->process_holders = calloc(v->n_shown ? v->n_shown : 1, sizeof(json_t *));
	v->holders_complete = calloc(v->n_shown ? v->n_shown : 1, sizeof(bool));
	if (!v->process_holders || !v->holders_complete)
		return -ENOMEM;
	for (size_t i = 0; i < v->n_shown; i++)
		if (!(v->process_holders[i] = json_array()))
			return -ENOMEM;
	const struct nstk_census *c = v->census;
	/* One "process" string shared by every holder: 40,000 objects at 5,000 processes. */
	json_t *process = json_string("process");
	int r = process ? 0 : -ENOMEM;
	for (size_t i = 0; i < c->n_processes && r == 0; i++) {
		const struct nstk_census_process *p = &c->processes[i];
		for (int k = 0; k < NSTK_NS_KIND_COUNT && r == 0; k++) {
			uint32_t row;
			if (!p->ns[k] || !nstk_hash_get(&v->row_of, nstk_census_ns_key(k, p->ns[k]), &row))
				continue;
			json_t *h = json_object();
			if (!h || json_object_set(h, "kind", process) < 0 ||
			    json_object_set_new(h, "pid", json_integer(p->pid)) < 0 ||
			    json_array_append_new(v->process_holders[row], h) < 0)
				r = -ENOMEM;
		}
	}
	json_decref(process);
	return r;
}

static json_t *holder_json(const struct nstk_holder *h)
{
	switch (h->kind) {
	case NSTK_HOLDER_THREAD:
		return json_pack("{s:s, s:i, s:i}", "kind", "thread", "pid", (int)h->pid, "tid", (int)h->tid);
	case NSTK_HOLDER_FD:
		return json_pack("{s:s, s:i, s:i}", "kind", "fd", "pid", (int)h->pid, "fd", h->fd);
	case NSTK_HOLDER_MOUNT:
		return json_pack("{s:s, s:o, s:I, s:i}", "kind", "mount", "path", nstk_json_text_or_null(h->path), "mntns",
				 (json_int_t)h->mntns, "pid", (int)h->pid);
	case NSTK_HOLDER_PARENT:
		return json_pack("{s:s, s:s, s:I}", "kind", "parent", "of_type",
				 nstk_ns_kind_name(h->of_kind), "of_ns", (json_int_t)h->of_ino);
	case NSTK_HOLDER_LISTED:
		return json_pack("{s:s}", "kind", "listns");
	case NSTK_HOLDER_SOCKET:
		return json_pack("{s:s, s:i, s:i}", "kind", "socket", "pid", (int)h->pid, "fd", h->fd);
	case NSTK_HOLDER_PROCESS:
		break;
	}
	return NULL;
}

/* "3 procs, 1 fd, 1 mount": what holds a namespace, in a few words. */
static void holders_summary(const struct nstk_namespace *ns, char *buf, size_t size)
{
	const struct {
		uint32_t n;
		const char *one, *many;
	} parts[] = {
		{ ns->nprocs, "proc", "procs" },     { ns->nthreads, "thread", "threads" },
		{ ns->nfds, "fd", "fds" },	     { ns->nmounts, "mount", "mounts" },
		{ ns->nsockets, "socket", "sockets" },
		{ ns->nchildren, "child", "children" }, { ns->nlisted, "listns", "listns" },
	};
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < NSTK_ARRAY_SIZE(parts); i++) {
		if (!parts[i].n || used >= size)
			continue;
		int w = snprintf(buf + used, size - used, "%s%u %s", used ? ", " : "", parts[i].n,
				 parts[i].n == 1 ? parts[i].one : parts[i].many);
		if (w > 0)
			used += (size_t)w;
	}
}

/*
 * The full holder list of a row: its processes (collected in one pass), then
 * the other holders. Built once; a column shown twice shares it.
 */
static int set_holders(struct view *v, struct nstk_out_row *row, size_t col, size_t shown_index)
{
	const struct nstk_census *c = v->census;
	const struct nstk_namespace *ns = v->shown[shown_index];
	json_t *list = v->process_holders[shown_index];
	if (!v->holders_complete[shown_index]) {
		for (uint32_t h = ns->first_holder; h != NSTK_NO_HOLDER; h = c->holders[h].next)
			if (json_array_append_new(list, holder_json(&c->holders[h])) < 0)
				return -ENOMEM;
		v->holders_complete[shown_index] = true;
	}
	char summary[128];
	holders_summary(ns, summary, sizeof(summary));
	return nstk_out_set_json(row, col, summary, json_incref(list));
}

static bool json_array_has_string(json_t *array, const char *s)
{
	for (size_t i = 0; i < json_array_size(array); i++)
		if (strcmp(json_string_value(json_array_get(array, i)), s) == 0)
			return true;
	return false;
}

/* The distinct bind-mount paths: a JSON array, and joined by ',' for text. */
static int set_nsfs(struct view *v, struct nstk_out_row *row, size_t col, const struct nstk_namespace *ns)
{
	const struct nstk_census *c = v->census;
	if (ns->nmounts == 0)
		return 0;
	json_t *paths = json_array();
	if (!paths)
		return -ENOMEM;
	/*
	 * The text gets the paths as they are: the table escapes them itself
	 * (a byte 0xff as \xff); JSON's \xNN text would come out as \x5cxff.
	 */
	size_t text_len = 1;
	for (uint32_t h = ns->first_holder; h != NSTK_NO_HOLDER; h = c->holders[h].next) {
		const struct nstk_holder *m = &c->holders[h];
		if (m->kind != NSTK_HOLDER_MOUNT)
			continue;
		text_len += strlen(m->path) + 1;
	}
	_cleanup_free_ char *text = calloc(1, text_len);
	if (!text) {
		json_decref(paths);
		return -ENOMEM;
	}
	for (uint32_t h = ns->first_holder; h != NSTK_NO_HOLDER; h = c->holders[h].next) {
		const struct nstk_holder *m = &c->holders[h];
		if (m->kind != NSTK_HOLDER_MOUNT)
			continue;
		json_t *js = nstk_json_text(m->path);
		if (!js || json_array_has_string(paths, json_string_value(js))) {
			json_decref(js);
			continue;
		}
		if (json_array_append_new(paths, js) < 0) {
			json_decref(paths);
			return -ENOMEM;
		}
		/* Items of an NSTK_OUT_LINES cell are separated by NSTK_OUT_ITEM_SEP;
		 * one inside a path becomes a newline, which makes the table join
		 * the column's items by ',' and escape it, so no path can pass
		 * for two. */
		size_t at = strlen(text);
		if (at)
			text[at++] = NSTK_OUT_ITEM_SEP;
		for (const char *s = m->path; *s; s++)
			text[at++] = *s == NSTK_OUT_ITEM_SEP ? '\n' : *s;
		text[at] = '\0';
	}
	return nstk_out_set_json(row, col, text, paths);
}

/* The ip netns name: a bind mount directly under /run/netns (or /var/run/netns). */
static int set_netns_name(struct view *v, struct nstk_out_row *row, size_t col,
			  const struct nstk_namespace *ns)
{
	const struct nstk_census *c = v->census;
	for (uint32_t h = ns->first_holder; h != NSTK_NO_HOLDER; h = c->holders[h].next) {
		const struct nstk_holder *m = &c->holders[h];
		if (m->kind != NSTK_HOLDER_MOUNT)
			continue;
		const char *name = NULL;
		if (strncmp(m->path, "/run/netns/", 11) == 0)
			name = m->path + 11;
		else if (strncmp(m->path, "/var/run/netns/", 15) == 0)
			name = m->path + 15;
		if (name && *name && !strchr(name, '/'))
			return nstk_out_set_str(row, col, name);
	}
	return 0;
}

/*
 * Why a row has no process, as "(no process: held by 1 mount)": a note that
 * tables show, while JSON and -Q see the cell as null.
 */
static int mark_no_process(struct nstk_out_row *row, size_t col, const struct nstk_namespace *ns)
{
	if (ns->ancestor_only)
		return nstk_out_set_note(row, col, "(no process: ancestor)");
	char summary[128], text[160];
	holders_summary(ns, summary, sizeof(summary));
	snprintf(text, sizeof(text), "(no process: held by %s)", summary);
	return nstk_out_set_note(row, col, text);
}

/*
 * NETMODE's "container:<id>": the row is a network namespace of container
 * O, seen from a container that is not O and only joined it: the one
 * --container names (its rows added by find_joined), or the -p task's.
 */
static const struct nstk_container *joined_owner(struct view *v, const struct nstk_namespace *ns,
						 struct nstk_container *scratch)
{
	size_t ci = (size_t)(ns - v->census->namespaces);
	if (ns->kind != NSTK_NS_NET)
		return NULL;
	if (v->joined && v->joined[ci])
		return &v->containers[ci];
	if (!v->task_in_container)
		return NULL;
	const struct nstk_container *owner = NULL;
	if (v->in_container)
		owner = v->in_container[ci] ? &v->containers[ci] : NULL;
	else if (decode_container(v->census, ns, ns->lowest_pid, scratch))
		owner = scratch;
	if (!owner || owner->sandbox || owner->monitor || same_container(owner, &v->task_container))
		return NULL;
	return owner;
}

/*
 * UID and USER of a namespace no process sits in (held by an fd, a bind
 * mount, a socket): as lsns, the user who owns it. For a user namespace,
 * its creator; for the others, the creator of the user namespace that owns
 * them (lsns 2.42 asks NS_GET_OWNER_UID of the namespace itself, which only
 * a user namespace answers, and so says root for every other kind: the same
 * on the host, wrong for a rootless container's).
 */
static bool owner_uid_of(const struct view *v, const struct nstk_namespace *ns, uid_t *uid)
{
	_cleanup_close_ int fd = nstk_census_open_ns(v->census, ns);
	if (fd < 0)
		return false;
	if (ns->kind == NSTK_NS_USER)
		return nstk_ns_owner_uid(fd, uid) == 0;
	_cleanup_close_ int user = nstk_ns_open_owner(fd);
	return user >= 0 && nstk_ns_owner_uid(user, uid) == 0;
}

static int set_user_name(struct nstk_out_row *row, size_t col, uid_t uid)
{
	struct passwd pw, *found = NULL;
	char buf[1024], num[16];
	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &found) == 0 && found)
		return nstk_out_set_str(row, col, found->pw_name);
	snprintf(num, sizeof(num), "%u", (unsigned)uid);
	return nstk_out_set_str(row, col, num);
}

static int fill_row(struct view *v, struct nstk_out_row *row, size_t shown_index)
{
	const struct nstk_namespace *ns = v->shown[shown_index];
	const struct nstk_proc_facts *f = ns->lowest_pid ? nstk_proc_find(&v->procs, ns->lowest_pid) : NULL;
	uid_t owner_uid = 0;
	bool owner_known = false, owner_asked = false;
	int r = 0;

	for (size_t c = 0; c < v->opt->ncols && r >= 0; c++) {
		switch ((enum nstk_nscol)v->opt->columns[c]) {
		case NSTK_NSCOL_NS:
			nstk_out_set_u64(row, c, ns->ino);
			break;
		case NSTK_NSCOL_TYPE:
			r = nstk_out_set_str(row, c, nstk_ns_kind_name(ns->kind));
			break;
		case NSTK_NSCOL_PATH:
			if (ns->lowest_pid) {
				char path[64];
				snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)ns->lowest_pid,
					 nstk_ns_kind_name(ns->kind));
				r = nstk_out_set_str(row, c, path);
			}
			break;
		case NSTK_NSCOL_NPROCS:
			nstk_out_set_u64(row, c, ns->nprocs);
			break;
		case NSTK_NSCOL_PID:
			if (ns->lowest_pid)
				nstk_out_set_i64(row, c, ns->lowest_pid);
			break;
		case NSTK_NSCOL_PPID:
			if (f)
				nstk_out_set_i64(row, c, f->ppid);
			break;
		case NSTK_NSCOL_COMMAND:
			if (f)
				r = nstk_out_set_str(row, c, f->command);
			else if (ns->nprocs == 0 && v->opt->mark_no_process)
				r = mark_no_process(row, c, ns);
			break;
		case NSTK_NSCOL_UID:
		case NSTK_NSCOL_USER:
			if (!f && !owner_asked) {
				owner_known = owner_uid_of(v, ns, &owner_uid);
				owner_asked = true;
			}
			if (v->opt->columns[c] == NSTK_NSCOL_UID) {
				if (f || owner_known)
					nstk_out_set_i64(row, c, f ? f->euid : owner_uid);
			} else if (f) {
				r = nstk_out_set_str(row, c, f->user);
			} else if (owner_known) {
				r = set_user_name(row, c, owner_uid);
			}
			break;
		case NSTK_NSCOL_PNS:
			/* 0 when there is none, as lsns (in JSON too). */
			nstk_out_set_u64(row, c, ns->parent_ino);
			break;
		case NSTK_NSCOL_ONS:
			nstk_out_set_u64(row, c, ns->owner_ino);
			break;
		case NSTK_NSCOL_HOLDERS:
			r = set_holders(v, row, c, shown_index);
			break;
		case NSTK_NSCOL_NSFS:
			r = set_nsfs(v, row, c, ns);
			break;
		case NSTK_NSCOL_NETNS:
			r = set_netns_name(v, row, c, ns);
			break;
		case NSTK_NSCOL_COUNT:
			break;
		default: {
			size_t ci = (size_t)(ns - v->census->namespaces);
			struct nstk_container scratch;
			struct nstk_detail_ctx d = {
				.census = v->census,
				.ns = ns,
				.info = v->info ? &v->info[shown_index] : NULL,
				.container = v->in_container && v->in_container[ci] ? &v->containers[ci] : NULL,
				.task_nspid = v->task_nspid_len ? v->task_nspid : NULL,
				.task_nspid_len = v->task_nspid_len,
				.utf8 = v->opt->utf8,
			};
			if (v->opt->columns[c] == NSTK_NSCOL_NETMODE)
				d.joined_owner = joined_owner(v, ns, &scratch);
			r = nstk_nsview_detail_cell(&d, (enum nstk_nscol)v->opt->columns[c], row, c);
			break;
		}
		}
	}
	return r;
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

/*
 * The via cells: the chains' processes not loaded yet (the one each parent
 * row was found through, mostly) in one batch, then each chain in tree
 * order into the hidden last column. A process that vanished meanwhile is
 * left out of its chain.
 */
static int set_via(struct view *v, struct nstk_out_table *t)
{
	_cleanup_free_ pid_t *pids = malloc((v->n_shown ? v->n_shown : 1) * NSTK_NSVIEW_VIA_MAX * sizeof(*pids));
	if (!pids)
		return -ENOMEM;
	size_t n = 0;
	for (size_t i = 0; i < v->n_shown; i++)
		for (size_t k = 0; k < v->n_via[i]; k++)
			pids[n++] = v->via[i][k];
	int r = nstk_proc_load(&v->procs, pids, n);
	for (size_t i = 0; i < v->n_shown && r == 0; i++) {
		const struct nstk_proc_facts *chain[NSTK_NSVIEW_VIA_MAX];
		size_t m = 0;
		for (size_t k = v->n_via[i]; k-- > 0;) {
			const struct nstk_proc_facts *f = nstk_proc_find(&v->procs, v->via[i][k]);
			if (f)
				chain[m++] = f;
		}
		r = nstk_nsview_via_set(t->rows[i], v->opt->ncols, chain, m);
	}
	return r;
}

static int build_rows(const struct nstk_census *c, const struct nstk_nsview_options *o,
		      struct nstk_out_table **out)
{
	struct view v = { .census = c, .opt = o };
	/* The process tree carries each row's via in a hidden last column. */
	bool via = o->tree == NSTK_NSTREE_PROCESS;
	_cleanup_free_ const struct nstk_out_column **cols = malloc((o->ncols + 1) * sizeof(*cols));
	struct nstk_out_table *t = NULL;
	int r = -ENOMEM;

	if (!cols)
		goto out;
	for (size_t i = 0; i < o->ncols; i++)
		cols[i] = &nstk_nscols[o->columns[i]];
	cols[o->ncols] = &nstk_nsview_via_column;
	t = nstk_out_table_new(cols, o->ncols + via);
	if (!t)
		goto out;
	t->tree_column = tree_column(o);
	/* NETMODE of the -p task's net row names the container that owns it. */
	if (o->container || shows_column(o, NSTK_NSCOL_CONTAINER) ||
	    (o->task && shows_column(o, NSTK_NSCOL_NETMODE))) {
		r = decode_containers(&v);
		if (r < 0)
			goto out;
	}
	if (o->container) {
		r = find_joined(&v);
		if (r < 0)
			goto out;
	}
	if (o->task && shows_column(o, NSTK_NSCOL_NETMODE))
		v.task_in_container = process_container(o->task, &v.task_container);
	r = choose_rows(&v);
	if (r < 0)
		goto out;
	r = read_details(&v);
	if (r < 0)
		goto out;
	r = load_facts(&v);
	if (r < 0)
		goto out;
	if (shows_column(o, NSTK_NSCOL_HOLDERS)) {
		r = collect_process_holders(&v);
		if (r < 0)
			goto out;
	}
	for (size_t i = 0; i < v.n_shown && r >= 0; i++) {
		struct nstk_out_row *row = nstk_out_row_add(t);
		r = row ? fill_row(&v, row, i) : -ENOMEM;
	}
	if (via) {
		v.via = malloc((v.n_shown ? v.n_shown : 1) * sizeof(*v.via));
		v.n_via = calloc(v.n_shown ? v.n_shown : 1, sizeof(*v.n_via));
		if (!v.via || !v.n_via)
			r = -ENOMEM;
	}
	for (size_t i = 0; i < v.n_shown && r >= 0; i++) {
		int p = parent_row(&v, i);
		if (p >= 0 && (size_t)p != i) {
			t->rows[i]->parent = t->rows[p];
			/* The process it was found through is that row's own: no row between. */
			if (via && v.n_via[i] && v.via[i][v.n_via[i] - 1] == v.shown[p]->lowest_pid)
				v.n_via[i]--;
		} else if (via) {
			v.n_via[i] = 0;
		}
	}
	if (via && r >= 0)
		r = set_via(&v, t);
out:
	if (r < 0) {
		nstk_out_table_free(t);
		t = NULL;
	}
	*out = t;
	if (v.process_holders)
		for (size_t i = 0; i < v.n_shown; i++)
			json_decref(v.process_holders[i]);
	free(v.process_holders);
	free(v.holders_complete);
	if (v.info)
		nstk_nsinfo_free(v.info, v.n_shown);
	free(v.info);
	free(v.containers);
	free(v.in_container);
	free(v.owner);
	free(v.joined);
	free(v.via);
	free(v.n_via);
	free(v.shown);
	nstk_hash_free(&v.row_of);
	nstk_proc_table_free(&v.procs);
	return r < 0 ? r : 0;
}

/* Process tree: via as rows for tables, else kept as the last column (JSON "via"). */
static int finish_via(struct nstk_out_table *t, const struct nstk_nsview_options *o)
{
	if (o->tree != NSTK_NSTREE_PROCESS || o->via == NSTK_NSVIEW_VIA_COLUMN)
		return 0;
	if (o->via == NSTK_NSVIEW_VIA_NONE) {
		nstk_out_table_drop_columns_from(t, o->ncols);
		return 0;
	}
	return nstk_nsview_via_rows(t, o->ncols, o->columns);
}

/*
 * -Q: the rows are built with the filter's columns added after the shown
 * ones, matched, and those columns dropped again; a kept row whose parent
 * did not match hangs from its nearest kept ancestor, without a via (the
 * processes between it and that ancestor were never walked).
 */
int nstk_nsview_build(const struct nstk_census *c, const struct nstk_nsview_options *o,
		      struct nstk_out_table **out)
{
	int r;
	if (!o->filter) {
		r = build_rows(c, o, out);
		if (r == 0 && (r = finish_via(*out, o)) < 0) {
			nstk_out_table_free(*out);
			*out = NULL;
		}
		return r;
	}

	bool used[NSTK_NSCOL_COUNT] = { false };
	nstk_filter_columns_used(o->filter, used);
	_cleanup_free_ int *columns = malloc((o->ncols + NSTK_NSCOL_COUNT) * sizeof(int));
	if (!columns)
		return -ENOMEM;
	memcpy(columns, o->columns, o->ncols * sizeof(int));
	size_t n = o->ncols;
	for (int col = 0; col < NSTK_NSCOL_COUNT; col++)
		if (used[col] && !shows_column(o, (enum nstk_nscol)col))
			columns[n++] = col;
	struct nstk_nsview_options wide = *o;
	wide.columns = columns;
	wide.ncols = n;
	/* One text for the maps whatever the locale, so a filter means one thing. */
	wide.utf8 = false;

	struct nstk_out_table *t;
	r = build_rows(c, &wide, &t);
	if (r < 0)
		return r;
	_cleanup_free_ bool *keep = calloc(t->nrows ? t->nrows : 1, sizeof(bool));
	if (!keep) {
		nstk_out_table_free(t);
		return -ENOMEM;
	}
	for (size_t i = 0; i < t->nrows; i++) {
		struct nstk_value values[NSTK_NSCOL_COUNT] = { 0 };
		for (size_t k = 0; k < n; k++)
			values[columns[k]] = t->rows[i]->cells[k];
		keep[i] = nstk_filter_match(o->filter, values) == 1;
	}
	bool via = o->tree == NSTK_NSTREE_PROCESS;
	for (size_t i = 0; via && i < t->nrows; i++) {
		const struct nstk_out_row *p = t->rows[i]->parent;
		if (keep[i] && p && !keep[p->index])
			nstk_out_set_str(t->rows[i], n, NULL);
	}
	nstk_out_table_keep_rows(t, keep);
	if (via) {
		/* The via column goes right after the shown ones, before they are cut. */
		for (size_t i = 0; i < t->nrows; i++) {
			struct nstk_value tmp = t->rows[i]->cells[o->ncols];
			t->rows[i]->cells[o->ncols] = t->rows[i]->cells[n];
			t->rows[i]->cells[n] = tmp;
		}
		const struct nstk_out_column *tmp = t->columns[o->ncols];
		t->columns[o->ncols] = t->columns[n];
		t->columns[n] = tmp;
	}
	nstk_out_table_drop_columns_from(t, o->ncols + via);
	r = finish_via(t, o);
	if (r < 0) {
		nstk_out_table_free(t);
		return r;
	}
	*out = t;
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
	if (!d) {
		json_decref(rows);
		return -ENOMEM;
	}
	if (tree != NSTK_NSTREE_NONE &&
	    json_object_set_new(d, "tree", json_string(nstk_nstree_name(tree))) < 0)
		goto fail;
	if (json_object_set_new(d, "namespaces", rows) < 0) {
		rows = NULL;
		goto fail;
	}
	*doc = d;
	return 0;
fail:
	json_decref(rows);
	json_decref(d);
	return -ENOMEM;
}

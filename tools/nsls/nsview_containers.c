/*
 * nsview_containers.c — which container each namespace belongs to, for
 * nsls's CONTAINER and NETMODE columns and its --container choice.
 *
 * The one idea: a namespace belongs to the container of its oldest process
 * (the one that made it), read from that process's cgroup, else from the
 * path of an nsfs bind mount that holds it. Everything is decided once per
 * census namespace, into struct ns_container, before any row is chosen.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nstk/container_names.h"
#include "nstk/container_scan.h"
#include "nstk/parse.h"
#include "nstk/span.h"
#include "nstk/util.h"
#include "nsview_model.h"

/*
 * The container a namespace belongs to: from the cgroup of the process pid
 * in it (read in this, the initial, cgroup namespace's view), else from the
 * path of an nsfs bind mount that holds it.
 */
static bool decode_container(const struct nstk_census *c, const struct nstk_namespace *ns, pid_t pid,
			     struct nstk_container *out)
{
	if (pid) {
		_cleanup_free_ char *text = NULL;
		size_t len;
		if (nstk_read_proc_file(pid, "cgroup", &text, &len) == 0 &&
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

bool view_process_container(pid_t pid, struct nstk_container *out)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	return nstk_read_proc_file(pid, "cgroup", &text, &len) == 0 &&
	       nstk_container_from_proc_cgroup(text, len, out) == 1 && !out->monitor;
}

/*
 * --container: the namespaces of another container that this one's
 * processes sit in (podman run --network container:X, a pod's shared
 * namespaces). Only processes in such a namespace have their cgroup read;
 * namespaces of no container (the host's) are never added.
 */
int view_find_joined(struct view *v)
{
	const struct nstk_census *c = v->census;
	const char *want = v->opt->container;
	struct ns_container *b = v->by_census;
	_cleanup_free_ bool *other = calloc(c->n_namespaces ? c->n_namespaces : 1, sizeof(bool));
	if (!other)
		return -ENOMEM;
	bool any = false;
	for (size_t i = 0; i < c->n_namespaces; i++) {
		other[i] = b[i].in_container && !b[i].container.sandbox &&
			   !nstk_container_matches(&b[i].container, want);
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
		if (n == 0 || !view_process_container(c->processes[p].pid, &mine) ||
		    !(nstk_container_matches(&mine, want) || (v->named && nstk_container_same(&mine, v->named))))
			continue;
		for (size_t i = 0; i < n; i++)
			if (!nstk_container_same(&mine, &b[idx[i]].container))
				b[idx[i]].joined = true;
	}
	return 0;
}

/* The /proc/PID/stat fields of pid (parent, start time); false when gone. */
static bool read_stat(pid_t pid, struct nstk_proc_stat *st)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	return nstk_read_proc_file(pid, "stat", &text, &len) == 0 && nstk_parse_proc_stat(text, len, st) == 0;
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
	struct ns_container *b = v->by_census;
	_cleanup_free_ uint64_t *oldest = calloc(c->n_namespaces ? c->n_namespaces : 1, sizeof(*oldest));
	if (!oldest)
		return -ENOMEM;
	bool any = false;
	for (size_t i = 0; i < c->n_namespaces; i++) {
		struct nstk_proc_stat st;
		b[i].owner = c->namespaces[i].lowest_pid;
		oldest[i] = UINT64_MAX;
		if (b[i].in_container && b[i].owner && read_stat(b[i].owner, &st)) {
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
			if (!ns || !b[i].in_container || oldest[i] == UINT64_MAX || proc->pid == b[i].owner)
				continue;
			if (!have && !(have = read_stat(proc->pid, &st)))
				break; /* gone */
			if (st.starttime < oldest[i]) {
				oldest[i] = st.starttime;
				b[i].owner = proc->pid;
			}
		}
	}
	for (size_t i = 0; any && i < c->n_namespaces; i++)
		if (b[i].in_container && b[i].owner != c->namespaces[i].lowest_pid)
			b[i].in_container = decode_container(c, &c->namespaces[i], b[i].owner, &b[i].container);
	return 0;
}

int view_decode_containers(struct view *v)
{
	const struct nstk_census *c = v->census;
	v->by_census = calloc(c->n_namespaces ? c->n_namespaces : 1, sizeof(*v->by_census));
	if (!v->by_census)
		return -ENOMEM;
	struct ns_container *b = v->by_census;
	for (size_t i = 0; i < c->n_namespaces; i++)
		if (v->opt->kinds & (1u << c->namespaces[i].kind))
			b[i].in_container = decode_container(c, &c->namespaces[i], c->namespaces[i].lowest_pid,
							     &b[i].container);
	int r = settle_owners(v);
	/* A podman name: no cgroup path carries it (cgroupfs manager), conmon,
	 * the parent of the container's oldest process, does; asked once per
	 * container. */
	struct nstk_container_names names = { 0 };
	for (size_t i = 0; i < c->n_namespaces && r == 0; i++)
		if (b[i].in_container && b[i].owner &&
		    (r = nstk_container_names_lookup(&names, -1, b[i].owner, &b[i].container)) > 0)
			r = 0;
	nstk_container_names_free(&names);
	/* --container by a name only conmon knows: its processes in other
	 * containers' namespaces (view_find_joined) are matched by its id. */
	for (size_t i = 0; i < c->n_namespaces && r == 0 && v->opt->container && !v->named; i++)
		if (b[i].in_container && b[i].container.name[0] &&
		    strcmp(b[i].container.name, v->opt->container) == 0)
			v->named = &b[i].container;
	return r;
}

/*
 * NETMODE's "container:<id>": the row is a network namespace of container
 * O, seen from a container that is not O and only joined it: the one
 * --container names (its rows added by view_find_joined), or the -p task's.
 */
const struct nstk_container *view_joined_owner(const struct view *v, const struct nstk_namespace *ns,
					       struct nstk_container *scratch)
{
	size_t ci = (size_t)(ns - v->census->namespaces);
	if (ns->kind != NSTK_NS_NET)
		return NULL;
	if (v->by_census && v->by_census[ci].joined)
		return &v->by_census[ci].container;
	if (!v->task_in_container)
		return NULL;
	const struct nstk_container *owner = NULL;
	if (v->by_census)
		owner = v->by_census[ci].in_container ? &v->by_census[ci].container : NULL;
	else if (decode_container(v->census, ns, ns->lowest_pid, scratch))
		owner = scratch;
	if (!owner || owner->sandbox || owner->monitor || nstk_container_same(owner, &v->task_container))
		return NULL;
	return owner;
}

/*
 * nsview_cells.c — the values of one shown row, column by column id: what
 * nsls says about a namespace (its processes, holders, bind mounts, owner),
 * with the "what is inside" columns left to nsview_details.c.
 *
 * The one idea: a row's values are filled into an array indexed by column
 * id (enum nstk_nscol), once per needed column, so that -Q reads them there
 * and only a row it keeps becomes a table row. Nothing here knows where a
 * column is shown, or whether it is.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nstk/util.h"
#include "nsview_details.h"
#include "nsview_model.h"

/*
 * One pass over the processes puts each into the holder lists of its rows:
 * O(processes x kinds) hash lookups, instead of a scan per row.
 */
int view_collect_process_holders(struct view *v)
{
	for (size_t i = 0; i < v->n_rows; i++)
		if (!(v->rows[i].holders = json_array()))
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
			    json_array_append_new(v->rows[row].holders, h) < 0)
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
static int set_holders(const struct view *v, struct shown_row *row, struct nstk_value *value)
{
	const struct nstk_census *c = v->census;
	const struct nstk_namespace *ns = row->ns;
	if (!row->holders_complete) {
		for (uint32_t h = ns->first_holder; h != NSTK_NO_HOLDER; h = c->holders[h].next)
			if (json_array_append_new(row->holders, holder_json(&c->holders[h])) < 0)
				return -ENOMEM;
		row->holders_complete = true;
	}
	char summary[128];
	holders_summary(ns, summary, sizeof(summary));
	return nstk_value_set_json(value, summary, json_incref(row->holders));
}

/* A bind-mount path as JSON gives it, and its place among the namespace's mounts. */
struct nsfs_path {
	const char *raw; /* as the census read it */
	json_t *json;	 /* nstk_json_text(raw); NULL when out of memory (left out, as before) */
	uint32_t order;
	bool repeated; /* an earlier mount has the same JSON text */
};

static int by_json_text(const void *a, const void *b)
{
	const struct nsfs_path *x = *(const struct nsfs_path *const *)a, *y = *(const struct nsfs_path *const *)b;
	int cmp = strcmp(json_string_value(x->json), json_string_value(y->json));
	return cmp ? cmp : (x->order > y->order) - (x->order < y->order);
}

/*
 * Mark each path whose JSON text an earlier one has: sorted by that text,
 * a repeat follows its first. O(n log n) for a namespace bind-mounted in
 * thousands of places.
 */
static int mark_repeats(struct nsfs_path *paths, size_t n)
{
	struct nsfs_path *on_stack[16];
	_cleanup_free_ struct nsfs_path **heap = NULL;
	struct nsfs_path **sorted = on_stack;
	if (n > NSTK_ARRAY_SIZE(on_stack) && !(sorted = heap = malloc(n * sizeof(*sorted))))
		return -ENOMEM;
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (paths[i].json)
			sorted[m++] = &paths[i];
	qsort(sorted, m, sizeof(*sorted), by_json_text);
	for (size_t i = 1; i < m; i++)
		sorted[i]->repeated = strcmp(json_string_value(sorted[i]->json),
					     json_string_value(sorted[i - 1]->json)) == 0;
	return 0;
}

/* The distinct bind-mount paths: a JSON array, and joined by NSTK_OUT_ITEM_SEP for text. */
static int set_nsfs(const struct view *v, struct nstk_value *value, const struct nstk_namespace *ns)
{
	const struct nstk_census *c = v->census;
	if (ns->nmounts == 0)
		return 0;
	/*
	 * The text gets the paths as they are: the table escapes them itself
	 * (a byte 0xff as \xff); JSON's \xNN text would come out as \x5cxff.
	 * Repeats are told by the JSON text, the one both outputs dedupe on.
	 */
	size_t n = 0, text_len = 1;
	for (uint32_t h = ns->first_holder; h != NSTK_NO_HOLDER; h = c->holders[h].next)
		if (c->holders[h].kind == NSTK_HOLDER_MOUNT) {
			n++;
			text_len += strlen(c->holders[h].path) + 1;
		}
	struct nsfs_path on_stack[8];
	_cleanup_free_ struct nsfs_path *heap = NULL;
	struct nsfs_path *paths = on_stack;
	if (n > NSTK_ARRAY_SIZE(on_stack) && !(paths = heap = malloc(n * sizeof(*paths))))
		return -ENOMEM;
	_cleanup_free_ char *text = malloc(text_len);
	json_t *list = json_array();
	n = 0;
	for (uint32_t h = ns->first_holder; h != NSTK_NO_HOLDER; h = c->holders[h].next)
		if (c->holders[h].kind == NSTK_HOLDER_MOUNT) {
			const char *raw = c->holders[h].path;
			paths[n] = (struct nsfs_path){ .raw = raw, .json = nstk_json_text(raw), .order = (uint32_t)n };
			n++;
		}
	int r = text && list ? mark_repeats(paths, n) : -ENOMEM;
	size_t at = 0;
	for (size_t i = 0; i < n; i++) {
		json_t *js = NSTK_TAKE_PTR(paths[i].json);
		if (r < 0 || !js || paths[i].repeated) {
			json_decref(js);
			continue;
		}
		if (json_array_append_new(list, js) < 0) {
			r = -ENOMEM;
			continue;
		}
		/* Items of an NSTK_OUT_LINES cell are separated by NSTK_OUT_ITEM_SEP;
		 * one inside a path becomes a newline, which makes the table join
		 * the column's items by ',' and escape it, so no path can pass
		 * for two. */
		if (at)
			text[at++] = NSTK_OUT_ITEM_SEP;
		for (const char *s = paths[i].raw; *s; s++)
			text[at++] = *s == NSTK_OUT_ITEM_SEP ? '\n' : *s;
	}
	if (r < 0) {
		json_decref(list);
		return r;
	}
	text[at] = '\0';
	return nstk_value_set_json(value, text, list);
}

/* The ip netns name: a bind mount directly under /run/netns (or /var/run/netns). */
static int set_netns_name(const struct view *v, struct nstk_value *value, const struct nstk_namespace *ns)
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
			return nstk_value_set_str(value, name);
	}
	return 0;
}

/*
 * Why a row has no process, as "(no process: held by 1 mount)": a note that
 * tables show, while JSON and -Q see the cell as null.
 */
static int mark_no_process(struct nstk_value *value, const struct nstk_namespace *ns)
{
	if (ns->ancestor_only)
		return nstk_value_set_note(value, "(no process: ancestor)");
	char summary[128], text[160];
	holders_summary(ns, summary, sizeof(summary));
	snprintf(text, sizeof(text), "(no process: held by %s)", summary);
	return nstk_value_set_note(value, text);
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

static int set_user_name(struct nstk_value *value, uid_t uid)
{
	struct passwd pw, *found = NULL;
	char buf[1024], num[16];
	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &found) == 0 && found)
		return nstk_value_set_str(value, found->pw_name);
	snprintf(num, sizeof(num), "%u", (unsigned)uid);
	return nstk_value_set_str(value, num);
}

int view_fill_values(struct view *v, size_t i, struct nstk_value *values)
{
	struct shown_row *row = &v->rows[i];
	const struct nstk_namespace *ns = row->ns;
	const struct nstk_proc_facts *f = ns->lowest_pid ? nstk_proc_find(&v->procs, ns->lowest_pid) : NULL;
	uid_t owner_uid = 0;
	bool owner_known = false, owner_asked = false;
	int r = 0;

	for (int col = 0; col < NSTK_NSCOL_COUNT && r >= 0; col++) {
		if (!v->needed[col])
			continue;
		struct nstk_value *value = &values[col];
		switch ((enum nstk_nscol)col) {
		case NSTK_NSCOL_NS:
			nstk_value_set_u64(value, ns->ino);
			break;
		case NSTK_NSCOL_TYPE:
			r = nstk_value_set_str(value, nstk_ns_kind_name(ns->kind));
			break;
		case NSTK_NSCOL_PATH:
			if (ns->lowest_pid) {
				char path[64];
				snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)ns->lowest_pid,
					 nstk_ns_kind_name(ns->kind));
				r = nstk_value_set_str(value, path);
			}
			break;
		case NSTK_NSCOL_NPROCS:
			nstk_value_set_u64(value, ns->nprocs);
			break;
		case NSTK_NSCOL_PID:
			if (ns->lowest_pid)
				nstk_value_set_i64(value, ns->lowest_pid);
			break;
		case NSTK_NSCOL_PPID:
			if (f)
				nstk_value_set_i64(value, f->ppid);
			break;
		case NSTK_NSCOL_COMMAND:
			if (f)
				r = nstk_value_set_str(value, f->command);
			else if (ns->nprocs == 0 && v->opt->mark_no_process)
				r = mark_no_process(value, ns);
			break;
		case NSTK_NSCOL_UID:
		case NSTK_NSCOL_USER:
			if (!f && !owner_asked) {
				owner_known = owner_uid_of(v, ns, &owner_uid);
				owner_asked = true;
			}
			if (col == NSTK_NSCOL_UID) {
				if (f || owner_known)
					nstk_value_set_i64(value, f ? f->euid : owner_uid);
			} else if (f) {
				r = nstk_value_set_str(value, f->user);
			} else if (owner_known) {
				r = set_user_name(value, owner_uid);
			}
			break;
		case NSTK_NSCOL_PNS:
			/* 0 when there is none, as lsns (in JSON too). */
			nstk_value_set_u64(value, ns->parent_ino);
			break;
		case NSTK_NSCOL_ONS:
			nstk_value_set_u64(value, ns->owner_ino);
			break;
		case NSTK_NSCOL_HOLDERS:
			r = set_holders(v, row, value);
			break;
		case NSTK_NSCOL_NSFS:
			r = set_nsfs(v, value, ns);
			break;
		case NSTK_NSCOL_NETNS:
			r = set_netns_name(v, value, ns);
			break;
		case NSTK_NSCOL_COUNT:
			break;
		default: {
			size_t ci = (size_t)(ns - v->census->namespaces);
			struct nstk_container scratch;
			struct nstk_detail_ctx d = {
				.census = v->census,
				.ns = ns,
				.info = row->info,
				.container = v->by_census && v->by_census[ci].in_container ? &v->by_census[ci].container
											  : NULL,
				.task_nspid = v->task_nspid_len ? v->task_nspid : NULL,
				.task_nspid_len = v->task_nspid_len,
				.utf8 = v->utf8,
			};
			if (col == NSTK_NSCOL_NETMODE)
				d.joined_owner = view_joined_owner(v, ns, &scratch);
			r = nstk_nsview_detail_cell(&d, (enum nstk_nscol)col, value);
			break;
		}
		}
	}
	return r;
}

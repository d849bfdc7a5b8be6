/*
 * nsview_details.c — the "what is inside" columns of nsls.
 *
 * Each column belongs to one kind of namespace and is null on the others.
 * Lists (interfaces, id maps, layers) are JSON arrays in JSON and one line of
 * text in tables, "; " between items, so `-r` output stays one row per line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nsview_details.h"
#include "nstk/util.h"

bool nstk_nsview_detail_kind(enum nstk_nscol col, enum nstk_ns_kind *kind)
{
	switch (col) {
	case NSTK_NSCOL_NETNSID:
	case NSTK_NSCOL_IFACES:
	case NSTK_NSCOL_NETMODE:
		*kind = NSTK_NS_NET;
		return true;
	case NSTK_NSCOL_HOSTNAME:
	case NSTK_NSCOL_DOMAINNAME:
		*kind = NSTK_NS_UTS;
		return true;
	case NSTK_NSCOL_OWNERUID:
	case NSTK_NSCOL_UIDMAP:
	case NSTK_NSCOL_GIDMAP:
	case NSTK_NSCOL_SETGROUPS:
		*kind = NSTK_NS_USER;
		return true;
	case NSTK_NSCOL_INITPID:
	case NSTK_NSCOL_LEVEL:
	case NSTK_NSCOL_NSPID:
		*kind = NSTK_NS_PID;
		return true;
	case NSTK_NSCOL_ROOTFS:
		*kind = NSTK_NS_MNT;
		return true;
	case NSTK_NSCOL_CGROUPROOT:
		*kind = NSTK_NS_CGROUP;
		return true;
	case NSTK_NSCOL_OFFSETS:
		*kind = NSTK_NS_TIME;
		return true;
	default:
		return false;
	}
}

/* A growing text buffer; on allocation failure it just stops growing. */
struct text {
	char *s;
	size_t len, cap;
	bool failed;
};

static void __attribute__((format(printf, 2, 3))) tprintf(struct text *t, const char *fmt, ...)
{
	va_list ap;
	char *piece = NULL;
	va_start(ap, fmt);
	int n = vasprintf(&piece, fmt, ap);
	va_end(ap);
	if (n < 0 || nstk_grow((void **)&t->s, &t->cap, t->len + (size_t)n + 1, 1) < 0) {
		t->failed = true;
		free(n < 0 ? NULL : piece);
		return;
	}
	memcpy(t->s + t->len, piece, (size_t)n + 1);
	t->len += (size_t)n;
	free(piece);
}

static int set_structured(struct nstk_value *v, struct text *t, json_t *json)
{
	int r = t->failed ? -ENOMEM : nstk_value_set_json(v, t->s ? t->s : "", json);
	if (t->failed)
		json_decref(json);
	free(t->s);
	return r;
}

static int ifaces_cell(const struct nstk_detail_ctx *d, struct nstk_value *v)
{
	const struct nstk_nsinfo *in = d->info;
	struct text t = { 0 };
	json_t *list = json_array();
	for (size_t i = 0; list && i < in->n_ifaces; i++) {
		const struct nstk_nsinfo_iface *f = &in->ifaces[i];
		tprintf(&t, "%s%s", i ? "; " : "", f->link.name);
		json_t *addrs = json_array();
		for (size_t a = 0; a < f->n_addrs; a++) {
			tprintf(&t, "%s%s", a ? "," : " ", f->addrs[a]);
			json_array_append_new(addrs, nstk_json_text(f->addrs[a]));
		}
		json_t *o = json_pack("{s:o, s:i, s:o, s:o, s:b, s:o}", "name", nstk_json_text(f->link.name),
				      "index", f->link.ifindex, "kind",
				      nstk_json_text_or_null(f->link.kind[0] ? f->link.kind : NULL),
				      "addresses", addrs, "up", (f->link.flags & 1u) != 0, "master",
				      nstk_json_text_or_null(f->master_name[0] ? f->master_name : NULL));
		if (f->master_name[0])
			tprintf(&t, " master %s", f->master_name);
		if (f->link.link_ifindex && f->peer_ns) {
			tprintf(&t, " peer %s@%llu", f->peer_name[0] ? f->peer_name : "?",
				(unsigned long long)f->peer_ns);
			if (f->peer_master[0])
				tprintf(&t, " on %s", f->peer_master);
			json_object_set_new(o, "peer",
					    json_pack("{s:o, s:i, s:I, s:o}", "name",
						      nstk_json_text_or_null(f->peer_name[0] ? f->peer_name : NULL),
						      "index", f->link.link_ifindex, "ns", (json_int_t)f->peer_ns,
						      "master",
						      nstk_json_text_or_null(f->peer_master[0] ? f->peer_master : NULL)));
		}
		json_array_append_new(list, o);
	}
	return set_structured(v, &t, list);
}

/*
 * The devices the kernel makes by itself in every new network namespace once
 * the module of their kind is loaded (unless net.core.fb_tunnels_only_for_init_net):
 * a namespace with only these and lo is still "none".
 */
static bool is_fallback_tunnel(const struct nstk_netif *l)
{
	static const char *const fallback[][2] = {
		{ "ipip", "tunl0" },	 { "sit", "sit0" },	  { "ip6tnl", "ip6tnl0" },
		{ "gre", "gre0" },	 { "gretap", "gretap0" }, { "erspan", "erspan0" },
		{ "ip6gre", "ip6gre0" }, { "vti", "ip_vti0" },	  { "vti6", "ip6_vti0" },
	};
	for (size_t i = 0; i < NSTK_ARRAY_SIZE(fallback); i++)
		if (strcmp(l->kind, fallback[i][0]) == 0 && strcmp(l->name, fallback[i][1]) == 0)
			return true;
	return false;
}

static bool on_bridge(const struct nstk_nsinfo_iface *f)
{
	return strcmp(f->link.kind, "veth") == 0 && f->peer_name[0] && f->peer_master[0] &&
	       f->peer_master_is_bridge;
}

int nstk_netmode(const struct nstk_nsinfo *info, char **mode, const char **reason)
{
	*mode = NULL;
	*reason = NULL;
	if (info->initial == 1) {
		*mode = strdup("host");
		return *mode ? 0 : -ENOMEM;
	}
	if (info->initial < 0) {
		*reason = "host's network namespace not known";
		return -ENODATA;
	}
	if (!info->ifaces_known) {
		*reason = "interfaces not read";
		return -ENODATA;
	}
	struct text t = { 0 };
	bool other = false, unplaced = false;
	for (size_t i = 0; i < info->n_ifaces; i++) {
		const struct nstk_nsinfo_iface *f = &info->ifaces[i];
		if ((f->link.flags & IFF_LOOPBACK) || is_fallback_tunnel(&f->link))
			continue;
		if (strcmp(f->link.kind, "veth") == 0 && !f->peer_name[0]) {
			unplaced = true;
			continue;
		}
		if (!on_bridge(f)) {
			other = true;
			continue;
		}
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = on_bridge(&info->ifaces[j]) &&
			       strcmp(info->ifaces[j].peer_master, f->peer_master) == 0;
		if (!seen)
			tprintf(&t, "%s%s", t.len ? "," : "bridge:", f->peer_master);
	}
	if (t.failed) {
		free(t.s);
		return -ENOMEM;
	}
	if (t.s) {
		*mode = t.s;
		return 0;
	}
	if (unplaced) {
		*reason = "veth peer not found";
		return -ENODATA;
	}
	*mode = strdup(other ? "other" : "none");
	return *mode ? 0 : -ENOMEM;
}

static int netmode_cell(const struct nstk_detail_ctx *d, struct nstk_value *v)
{
	if (d->joined_owner) {
		char text[16 + NSTK_CONTAINER_ID_MAX];
		snprintf(text, sizeof(text), "container:%s", d->joined_owner->id);
		return nstk_value_set_str(v, text);
	}
	char *mode;
	const char *reason;
	int r = nstk_netmode(d->info, &mode, &reason);
	if (r == -ENODATA) {
		char note[96];
		snprintf(note, sizeof(note), "(unknown: %s)", reason);
		return nstk_value_set_note(v, note);
	}
	if (r < 0)
		return r;
	r = nstk_value_set_str(v, mode);
	free(mode);
	return r;
}

static int id_map_cell(const struct nstk_detail_ctx *d, const struct nstk_id_range *map, size_t n,
		       struct nstk_value *v)
{
	if (!map)
		return 0;
	struct text t = { 0 };
	json_t *list = json_array();
	for (size_t i = 0; list && i < n; i++) {
		tprintf(&t, d->utf8 ? "%s%u\u2192%u\u00d7%u" : "%s%u->%ux%u", i ? "; " : "",
			map[i].inside, map[i].outside, map[i].count);
		json_array_append_new(list, json_pack("{s:I, s:I, s:I}", "inside", (json_int_t)map[i].inside,
						      "outside", (json_int_t)map[i].outside, "count",
						      (json_int_t)map[i].count));
	}
	if (!t.s)
		tprintf(&t, "%s", "");
	return set_structured(v, &t, list);
}

static int rootfs_cell(const struct nstk_detail_ctx *d, struct nstk_value *v)
{
	const struct nstk_nsinfo *in = d->info;
	if (!in->root_fstype)
		return 0;
	struct text t = { 0 };
	tprintf(&t, "%s %s", in->root_fstype, in->root_source ? in->root_source : "?");
	json_t *o = json_pack("{s:o, s:o}", "fstype", nstk_json_text(in->root_fstype), "source",
			      nstk_json_text_or_null(in->root_source));
	if (o && in->lowerdirs) {
		json_t *lower = json_array();
		size_t shown = 0;
		for (size_t i = 0; i < in->n_lowerdirs; i++)
			if (in->lowerdirs[i]) {
				json_array_append_new(lower, nstk_json_text(in->lowerdirs[i]));
				shown++;
			}
		tprintf(&t, " (%zu lower%s", shown, shown == 1 ? "" : "s");
		if (in->upperdir)
			tprintf(&t, ", upper %s", in->upperdir);
		tprintf(&t, ")");
		json_object_set_new(o, "lowerdirs", lower);
		json_object_set_new(o, "upperdir", nstk_json_text_or_null(in->upperdir));
		json_object_set_new(o, "workdir", nstk_json_text_or_null(in->workdir));
	}
	return set_structured(v, &t, o);
}

static int offsets_cell(const struct nstk_detail_ctx *d, struct nstk_value *v)
{
	const struct nstk_time_offsets *o = &d->info->offsets;
	if (!d->info->offsets_known)
		return 0;
	struct text t = { 0 };
	/* The kernel keeps -1.5 s as sec -2, nsec 500000000: print the sum. */
	const struct {
		const char *name;
		int64_t sec, nsec;
	} clocks[] = { { "monotonic", o->monotonic_sec, o->monotonic_nsec },
		       { "boottime", o->boottime_sec, o->boottime_nsec } };
	for (size_t i = 0; i < NSTK_ARRAY_SIZE(clocks); i++) {
		__int128 ns = (__int128)clocks[i].sec * 1000000000 + clocks[i].nsec;
		__int128 mag = ns < 0 ? -ns : ns;
		tprintf(&t, "%s%s %c%lld.%09llds", i ? ", " : "", clocks[i].name, ns < 0 ? '-' : '+',
			(long long)(mag / 1000000000), (long long)(mag % 1000000000));
	}
	json_t *j = json_pack("{s:{s:I, s:I}, s:{s:I, s:I}}", "monotonic", "sec",
			      (json_int_t)o->monotonic_sec, "nsec", (json_int_t)o->monotonic_nsec,
			      "boottime", "sec", (json_int_t)o->boottime_sec, "nsec",
			      (json_int_t)o->boottime_nsec);
	return set_structured(v, &t, j);
}

static int container_cell(const struct nstk_detail_ctx *d, struct nstk_value *v)
{
	const struct nstk_container *k = d->container;
	if (!k)
		return 0;
	char label[NSTK_CONTAINER_LABEL_MAX];
	if (nstk_container_label(k, label, sizeof(label)) < 0)
		snprintf(label, sizeof(label), "%s", k->runtime);
	json_t *j = json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:b, s:b}", "runtime", k->runtime, "id",
			      k->id, "name", k->name[0] ? k->name : NULL, "namespace", k->space[0] ? k->space : NULL,
			      "pod", k->pod[0] ? k->pod : NULL, "qos", k->qos[0] ? k->qos : NULL, "unit",
			      k->unit[0] ? k->unit : NULL, "monitor", k->monitor, "sandbox", k->sandbox);
	return nstk_value_set_json(v, label, j);
}

/* The -p task's PID in this pid namespace: NSpid is listed outermost first. */
static void nspid_cell(const struct nstk_detail_ctx *d, struct nstk_value *v)
{
	int level = d->info->level;
	if (d->task_nspid && level >= 0 && (size_t)level < d->task_nspid_len)
		nstk_value_set_i64(v, d->task_nspid[level]);
}

int nstk_nsview_detail_cell(const struct nstk_detail_ctx *d, enum nstk_nscol col,
			    struct nstk_value *v)
{
	const struct nstk_nsinfo *in = d->info;
	enum nstk_ns_kind kind;

	if (col == NSTK_NSCOL_CONTAINER)
		return container_cell(d, v);
	if (!in || !nstk_nsview_detail_kind(col, &kind) || kind != d->ns->kind)
		return 0;
	switch (col) {
	case NSTK_NSCOL_NETNSID:
		/* As lsns: "unassigned" when the kernel says so (JSON: null, as
		 * for unknown; a number otherwise, where lsns gives a string). */
		if (in->netnsid != NSTK_NETNSID_NONE)
			nstk_value_set_i64(v, in->netnsid);
		else if (in->netnsid_known)
			return nstk_value_set_json(v, "unassigned", json_null());
		return 0;
	case NSTK_NSCOL_IFACES:
		return in->ifaces_known ? ifaces_cell(d, v) : 0;
	case NSTK_NSCOL_NETMODE:
		return netmode_cell(d, v);
	case NSTK_NSCOL_HOSTNAME:
		return in->uts_known ? nstk_value_set_str(v, in->hostname) : 0;
	case NSTK_NSCOL_DOMAINNAME:
		return in->uts_known ? nstk_value_set_str(v, in->domainname) : 0;
	case NSTK_NSCOL_OWNERUID:
		if (in->owner_uid_known)
			nstk_value_set_i64(v, in->owner_uid);
		return 0;
	case NSTK_NSCOL_UIDMAP:
		return id_map_cell(d, in->uid_map, in->n_uid_map, v);
	case NSTK_NSCOL_GIDMAP:
		return id_map_cell(d, in->gid_map, in->n_gid_map, v);
	case NSTK_NSCOL_SETGROUPS:
		return in->setgroups < 0 ? 0 : nstk_value_set_str(v, in->setgroups ? "allow" : "deny");
	case NSTK_NSCOL_INITPID:
		if (in->init_pid)
			nstk_value_set_i64(v, in->init_pid);
		return 0;
	case NSTK_NSCOL_LEVEL:
		if (in->level >= 0)
			nstk_value_set_i64(v, in->level);
		return 0;
	case NSTK_NSCOL_NSPID:
		nspid_cell(d, v);
		return 0;
	case NSTK_NSCOL_ROOTFS:
		return rootfs_cell(d, v);
	case NSTK_NSCOL_CGROUPROOT:
		return in->cgroup_root ? nstk_value_set_str(v, in->cgroup_root) : 0;
	case NSTK_NSCOL_OFFSETS:
		return offsets_cell(d, v);
	default:
		return 0;
	}
}

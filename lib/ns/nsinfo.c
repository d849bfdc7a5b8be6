/*
 * nsinfo.c — per-kind details of the namespaces shown (see nsinfo.h).
 *
 * Host-side facts come from the /proc files of one member process: uid_map,
 * gid_map and setgroups; NSpid (to find a pid namespace's init); mountinfo
 * (the mount at "/" as that process sees it); cgroup; timens_offsets (valid
 * only for a member whose time_for_children is the same namespace). A pid
 * namespace's level is its depth in the census's parent chain.
 *
 * Inside-only facts come from one child (nsinfo_child.c) that visits every
 * network namespace of the census (so a veth peer's name can be resolved
 * whichever namespace it is in), and the uts and cgroup namespaces shown.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "nsinfo_child.h"
#include "nstk/nsinfo.h"
#include "nstk/parse.h"
#include "nstk/span.h"
#include "nstk/util.h"

#define MAX_ID_MAP_LINES 340 /* the kernel's limit since 4.15 */

static void read_id_map(pid_t pid, const char *name, struct nstk_id_range **map, size_t *n)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	if (nstk_read_proc_file(pid, name, &text, &len) < 0)
		return;
	struct nstk_id_range *ranges = malloc(MAX_ID_MAP_LINES * sizeof(*ranges));
	if (ranges && nstk_parse_id_map(text, len, ranges, MAX_ID_MAP_LINES, n) == 0) {
		*map = ranges;
		return;
	}
	free(ranges);
}

static void read_user(const struct nstk_census *c, const struct nstk_namespace *ns,
		      struct nstk_nsinfo *info)
{
	_cleanup_close_ int fd = nstk_census_open_ns(c, ns);
	if (fd >= 0 && nstk_ns_owner_uid(fd, &info->owner_uid) == 0)
		info->owner_uid_known = true;
	if (!info->member)
		return;
	read_id_map(info->member, "uid_map", &info->uid_map, &info->n_uid_map);
	read_id_map(info->member, "gid_map", &info->gid_map, &info->n_gid_map);
	_cleanup_free_ char *text = NULL;
	size_t len;
	if (nstk_read_proc_file(info->member, "setgroups", &text, &len) == 0)
		info->setgroups = strncmp(text, "allow", 5) == 0 ? 1 : strncmp(text, "deny", 4) == 0 ? 0 : -1;
}

/* Depth below the topmost pid namespace this process can see (its own, usually). */
static int pid_level(const struct nstk_census *c, const struct nstk_namespace *ns)
{
	int level = 0;
	for (const struct nstk_namespace *p = ns; p && p->parent_ino && level < 64; level++)
		p = nstk_census_find(c, NSTK_NS_PID, p->parent_ino);
	return level;
}

static bool is_init_of_its_namespace(pid_t pid)
{
	_cleanup_free_ char *text = NULL;
	size_t len, n;
	pid_t nspid[64];
	return nstk_read_proc_file(pid, "status", &text, &len) == 0 &&
	       nstk_parse_status_nspid(text, len, nspid, NSTK_ARRAY_SIZE(nspid), &n) == 0 &&
	       nspid[n - 1] == 1;
}

static void read_pid(const struct nstk_census *c, const struct nstk_namespace *ns,
		     struct nstk_nsinfo *info)
{
	info->level = ns->parent_ino || ns->lowest_pid ? pid_level(c, ns) : -1;
	/* Our own pid namespace's init is PID 1 by definition, readable or not. */
	char self[64];
	ssize_t l = readlink("/proc/self/ns/pid", self, sizeof(self));
	enum nstk_ns_kind kind;
	uint64_t ino;
	if (l > 0 && nstk_parse_ns_link(self, (size_t)l, &kind, &ino) == 0 && ino == ns->ino) {
		info->init_pid = 1;
		return;
	}
	/* The init is nearly always the lowest PID; look further only when it is not. */
	if (ns->lowest_pid && is_init_of_its_namespace(ns->lowest_pid)) {
		info->init_pid = ns->lowest_pid;
		return;
	}
	for (size_t i = 0; i < c->n_processes; i++) {
		const struct nstk_census_process *p = &c->processes[i];
		if (p->ns[NSTK_NS_PID] == ns->ino && p->pid != ns->lowest_pid &&
		    is_init_of_its_namespace(p->pid)) {
			info->init_pid = p->pid;
			return;
		}
	}
}

static char *unescaped(const char *s, size_t len)
{
	char *out = malloc(len + 1);
	if (out && nstk_unescape_octal(s, len, out, len + 1) < 0) {
		free(out);
		return NULL;
	}
	return out;
}

/*
 * The last mount at "/" in the member's mountinfo is what it sees as root:
 * mountinfo paths are relative to the reader's root, so a chrooted member
 * shows the filesystem it was chrooted into.
 */
static void read_mnt(struct nstk_nsinfo *info)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	if (!info->member || nstk_read_proc_file(info->member, "mountinfo", &text, &len) < 0)
		return;
	struct nstk_mountinfo_line root = { 0 };
	bool found = false;
	struct nstk_span line;
	for (size_t at = 0; nstk_next_line(text, len, &at, &line) > 0;) {
		struct nstk_mountinfo_line m;
		if (nstk_parse_mountinfo_line(line.s, line.len, &m) == 0 &&
		    m.mount_point_len == 1 && m.mount_point[0] == '/') {
			root = m;
			found = true;
		}
	}
	if (!found)
		return;
	info->root_fstype = unescaped(root.fstype, root.fstype_len);
	info->root_source = unescaped(root.source, root.source_len);
	struct nstk_overlay_layers *layers = malloc(sizeof(*layers));
	if (layers && root.fstype_len == 7 && memcmp(root.fstype, "overlay", 7) == 0 &&
	    nstk_parse_overlay_options(root.super_options, root.super_options_len, layers) == 0) {
		/* An entry that fails to unescape stays NULL; renderers skip it. */
		info->lowerdirs = calloc(layers->n_lower ? layers->n_lower : 1, sizeof(char *));
		for (size_t i = 0; info->lowerdirs && i < layers->n_lower; i++)
			info->lowerdirs[i] = unescaped(layers->lower[i].s, layers->lower[i].len);
		if (info->lowerdirs)
			info->n_lowerdirs = layers->n_lower;
		if (layers->upper.len)
			info->upperdir = unescaped(layers->upper.s, layers->upper.len);
		if (layers->work.len)
			info->workdir = unescaped(layers->work.s, layers->work.len);
	}
	free(layers);
}

static void read_time(const struct nstk_census *c, const struct nstk_namespace *ns,
		      struct nstk_nsinfo *info)
{
	/* timens_offsets shows the offsets of time_for_children: use a member whose is this one. */
	for (size_t i = 0; i < c->n_processes; i++) {
		const struct nstk_census_process *p = &c->processes[i];
		if (p->ns[NSTK_NS_TIME] != ns->ino)
			continue;
		char path[64], link[64];
		snprintf(path, sizeof(path), "/proc/%d/ns/time_for_children", (int)p->pid);
		ssize_t l = readlink(path, link, sizeof(link));
		enum nstk_ns_kind kind;
		uint64_t ino;
		if (l < 0 || nstk_parse_ns_link(link, (size_t)l, &kind, &ino) < 0 || ino != ns->ino)
			continue;
		_cleanup_free_ char *text = NULL;
		size_t len;
		if (nstk_read_proc_file(p->pid, "timens_offsets", &text, &len) == 0 &&
		    nstk_parse_timens_offsets(text, len, &info->offsets) == 0)
			info->offsets_known = true;
		return;
	}
}

/*
 * A cgroup namespace's root: the member's cgroup path as the host sees it,
 * less the path as seen from inside the namespace (which the child read).
 */
static void cgroup_root_from(const char *host_path, const char *inside_path, struct nstk_nsinfo *info)
{
	size_t hl = strlen(host_path), il = strlen(inside_path);
	if (strcmp(inside_path, "/") == 0) {
		info->cgroup_root = strdup(host_path);
		return;
	}
	if (il > hl || strcmp(host_path + hl - il, inside_path) != 0)
		return;
	size_t root_len = hl - il;
	info->cgroup_root = root_len ? strndup(host_path, root_len) : strdup("/");
}

bool nstk_nsinfo_release_at_least(const char *release, unsigned major, unsigned minor)
{
	unsigned long ma, mi = 0;
	char *end;
	if (!release || release[0] < '0' || release[0] > '9')
		return false;
	ma = strtoul(release, &end, 10);
	if (*end == '.' && end[1] >= '0' && end[1] <= '9')
		mi = strtoul(end + 1, NULL, 10);
	return ma > major || (ma == major && mi >= minor);
}

/* PF_KTHREAD in the flags field of /proc/PID/stat (the 9th, the 6th after the comm). */
static bool is_kernel_thread(pid_t pid)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	struct nstk_proc_stat st;
	return nstk_read_proc_file(pid, "stat", &text, &len) == 0 && nstk_parse_proc_stat(text, len, &st) == 0 &&
	       (st.flags & 0x00200000u) != 0;
}

int nstk_nsinfo_initial_net(const struct nstk_census *c, uint64_t *ino)
{
	uint64_t ns[NSTK_NS_KIND_COUNT];
	/* kthreadd is PID 2 only in the initial pid namespace; elsewhere PID 2 is a user process. */
	if (is_kernel_thread(2) && nstk_census_task_namespaces(c, 2, ns) == 0 && ns[NSTK_NS_NET]) {
		*ino = ns[NSTK_NS_NET];
		return 0;
	}
	struct utsname u;
	if ((uname(&u) == 0 && nstk_nsinfo_release_at_least(u.release, 6, 18)) ||
	    nstk_census_find(c, NSTK_NS_NET, NSTK_NET_INIT_INO)) {
		*ino = NSTK_NET_INIT_INO;
		return 0;
	}
	return -ENOENT;
}

int nstk_nsinfo_read(const struct nstk_census *c, const struct nstk_namespace *const *namespaces,
		     size_t n, unsigned kinds, pid_t task, const uint64_t *task_ns,
		     struct nstk_nsinfo *info)
{
	for (size_t i = 0; i < n; i++) {
		const struct nstk_namespace *ns = namespaces[i];
		bool task_inside = task && task_ns && task_ns[ns->kind] == ns->ino;
		info[i] = (struct nstk_nsinfo){ .member = task_inside ? task : ns->lowest_pid,
						.netnsid = NSTK_NETNSID_NONE, .initial = -1, .setgroups = -1,
						.level = -1 };
	}
	if (kinds & (1u << NSTK_NS_NET)) {
		uint64_t host;
		bool known = nstk_nsinfo_initial_net(c, &host) == 0;
		for (size_t i = 0; i < n; i++)
			if (namespaces[i]->kind == NSTK_NS_NET)
				info[i].initial = known ? namespaces[i]->ino == host : -1;
	}

	for (size_t i = 0; i < n; i++) {
		const struct nstk_namespace *ns = namespaces[i];
		if (!(kinds & (1u << ns->kind)))
			continue;
		switch (ns->kind) {
		case NSTK_NS_USER:
			read_user(c, ns, &info[i]);
			break;
		case NSTK_NS_PID:
			read_pid(c, ns, &info[i]);
			break;
		case NSTK_NS_MNT:
			read_mnt(&info[i]);
			break;
		case NSTK_NS_TIME:
			read_time(c, ns, &info[i]);
			break;
		default:
			break;
		}
	}
	if (!(kinds & ((1u << NSTK_NS_NET) | (1u << NSTK_NS_UTS) | (1u << NSTK_NS_CGROUP))))
		return 0;
	return nstk_nsinfo_from_inside(c, namespaces, n, kinds, info, cgroup_root_from);
}

void nstk_nsinfo_free(struct nstk_nsinfo *info, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct nstk_nsinfo *x = &info[i];
		free(x->ifaces);
		free(x->uid_map);
		free(x->gid_map);
		free(x->root_fstype);
		free(x->root_source);
		for (size_t k = 0; k < x->n_lowerdirs; k++)
			free(x->lowerdirs[k]);
		free(x->lowerdirs);
		free(x->upperdir);
		free(x->workdir);
		free(x->cgroup_root);
	}
}

/*
 * census.c — how namespaces are found.
 *
 * The /proc walk (census_walk.c) reads every process's ns links, its
 * threads' where they differ, and its nsfs fds into plain records; this file
 * merges them into the table of namespaces, keyed on (kind, inode).
 *
 * After the walk, the mountinfo of one process (or thread) per distinct mount
 * namespace yields the nsfs bind mounts, wherever they are mounted.
 *
 * The first time a namespace is seen, its nsfs file is opened once (through
 * whatever found it: an ns link, an fd, a mount path under /proc/PID/root)
 * and asked for its owner and parent; an owner or parent the table does not
 * hold yet is added as "ancestor only" and asked in turn, with the fd the
 * ioctl returned. That is O(distinct namespaces) ioctls, where lsns pays per
 * process x kind.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "census_walk.h"
#include "nstk/census.h"
#include "nstk/listns.h"
#include "nstk/parse.h"
#include "nstk/span.h"
#include "nstk/util.h"

/* Deeper than the kernel allows (32 user or pid levels): a loop guard only. */
#define MAX_ANCESTRY 64

static int add_namespace(struct nstk_census *c, enum nstk_ns_kind kind, uint64_t ino,
			 bool ancestor_only, uint32_t *index)
{
	int r = NSTK_GROW(c->namespaces, c->cap_namespaces, c->n_namespaces);
	if (r < 0)
		return r;
	uint32_t i = (uint32_t)c->n_namespaces;
	r = nstk_hash_put(&c->ns_index, nstk_census_ns_key(kind, ino), i);
	if (r < 0)
		return r;
	c->namespaces[i] = (struct nstk_namespace){
		.kind = kind,
		.ino = ino,
		.ancestor_only = ancestor_only,
		.first_holder = NSTK_NO_HOLDER,
	};
	c->n_namespaces++;
	*index = i;
	return 0;
}

static int learn_relations(struct nstk_census *c, uint32_t index, int nsfd, int depth);

/*
 * The inode behind related_fd (an owner or parent), added to the table as an
 * ancestor if it is new. Returns the inode, or 0 when it cannot be read.
 */
static uint64_t note_related(struct nstk_census *c, int related_fd, enum nstk_ns_kind kind,
			     int depth)
{
	uint64_t ino;
	if (nstk_ns_fd_inode(related_fd, &ino) < 0)
		return 0;
	uint32_t idx;
	if (!nstk_hash_get(&c->ns_index, nstk_census_ns_key(kind, ino), &idx) &&
	    add_namespace(c, kind, ino, true, &idx) < 0)
		return ino;
	if (!c->namespaces[idx].relations_read)
		learn_relations(c, idx, related_fd, depth + 1);
	return ino;
}

static int learn_relations(struct nstk_census *c, uint32_t index, int nsfd, int depth)
{
	if (depth > MAX_ANCESTRY)
		return -ELOOP;
	enum nstk_ns_kind kind = c->namespaces[index].kind;
	c->namespaces[index].relations_read = true;

	/* The initial user namespace has no owner: EPERM, and 0 stays "none". */
	_cleanup_close_ int owner_fd = nstk_ns_open_owner(nsfd);
	if (owner_fd >= 0) {
		uint64_t ino = note_related(c, owner_fd, NSTK_NS_USER, depth);
		c->namespaces[index].owner_ino = ino;
	}
	if (nstk_ns_kind_is_hierarchical(kind)) {
		_cleanup_close_ int parent_fd = nstk_ns_open_parent(nsfd);
		if (parent_fd >= 0) {
			uint64_t ino = note_related(c, parent_fd, kind, depth);
			c->namespaces[index].parent_ino = ino;
		}
	}
	return 0;
}

/*
 * The index of namespace (kind, ino), added if new. Until its relations are
 * read they are asked through the nsfs file at dirfd/path, whatever found it
 * ("ns/net" under a process, "7" under its fd directory, ...); if that holder
 * exits first, the next holder found gets the question.
 */
static int ensure_namespace(struct nstk_census *c, enum nstk_ns_kind kind, uint64_t ino,
			    int dirfd, const char *path, uint32_t *index)
{
	if (!nstk_hash_get(&c->ns_index, nstk_census_ns_key(kind, ino), index)) {
		int r = add_namespace(c, kind, ino, false, index);
		if (r < 0)
			return r;
	}
	if (c->namespaces[*index].relations_read)
		return 0;
	_cleanup_close_ int nsfd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (nsfd >= 0)
		learn_relations(c, *index, nsfd, 0);
	return 0;
}

static int add_holder(struct nstk_census *c, uint32_t ns_index, struct nstk_holder h)
{
	int r = NSTK_GROW(c->holders, c->cap_holders, c->n_holders);
	if (r < 0)
		return r;
	struct nstk_namespace *ns = &c->namespaces[ns_index];
	/* Append at the tail, so holders read in the order they were found, in
	 * O(1): a netns may be held by thousands of fds. */
	h.next = NSTK_NO_HOLDER;
	uint32_t i = (uint32_t)c->n_holders;
	if (ns->first_holder == NSTK_NO_HOLDER)
		ns->first_holder = i;
	else
		c->holders[ns->last_holder].next = i;
	ns->last_holder = i;
	c->holders[c->n_holders++] = h;
	switch (h.kind) {
	case NSTK_HOLDER_THREAD:
		ns->nthreads++;
		break;
	case NSTK_HOLDER_FD:
		ns->nfds++;
		break;
	case NSTK_HOLDER_MOUNT:
		ns->nmounts++;
		break;
	case NSTK_HOLDER_PARENT:
		ns->nchildren++;
		return 0;
	case NSTK_HOLDER_LISTED:
		ns->nlisted++;
		break;
	case NSTK_HOLDER_SOCKET:
		ns->nsockets++;
		break;
	case NSTK_HOLDER_PROCESS:
		break;
	}
	ns->ancestor_only = false;
	return 0;
}

static void link_path(enum nstk_ns_kind kind, char path[16])
{
	strcpy(path, "ns/");
	strcpy(path + 3, nstk_ns_kind_name(kind));
}

/* Commit one walked process: count it in each of its namespaces. */
static int add_process(struct nstk_census *c, int procfd, const struct nstk_census_process *p)
{
	int r = NSTK_GROW(c->processes, c->cap_processes, c->n_processes);
	if (r < 0)
		return r;
	r = nstk_hash_put(&c->pid_index, (uint64_t)p->pid, (uint32_t)c->n_processes);
	if (r < 0)
		return r;
	c->processes[c->n_processes++] = *p;

	for (int k = 0; k < NSTK_NS_KIND_COUNT; k++) {
		/* A zombie has no links but pid and user left. */
		if (!(c->kinds_supported & (1u << k)) || !p->ns[k])
			continue;
		char path[48];
		uint32_t idx;
		snprintf(path, sizeof(path), "%d/ns/%s", (int)p->pid, nstk_ns_kind_name(k));
		r = ensure_namespace(c, k, p->ns[k], procfd, path, &idx);
		if (r < 0)
			return r;
		struct nstk_namespace *ns = &c->namespaces[idx];
		ns->ancestor_only = false;
		ns->nprocs++;
		if (ns->lowest_pid == 0 || p->pid < ns->lowest_pid)
			ns->lowest_pid = p->pid;
	}
	return 0;
}

/* Commit a thread, fd or socket found holding a namespace. */
static int add_sighting(struct nstk_census *c, int procfd, const struct nstk_sighting *s)
{
	char path[64];
	uint32_t idx;
	if (s->kind == NSTK_HOLDER_SOCKET) {
		/* No path reaches a socket's namespace: relations stay unknown if new. */
		if (!nstk_hash_get(&c->ns_index, nstk_census_ns_key(s->ns_kind, s->ino), &idx)) {
			int r = add_namespace(c, s->ns_kind, s->ino, false, &idx);
			if (r < 0)
				return r;
		}
		return add_holder(c, idx, (struct nstk_holder){
			.kind = s->kind, .pid = s->pid, .fd = s->fd });
	}
	if (s->kind == NSTK_HOLDER_THREAD)
		snprintf(path, sizeof(path), "%d/task/%d/ns/%s", (int)s->pid, (int)s->tid,
			 nstk_ns_kind_name(s->ns_kind));
	else
		snprintf(path, sizeof(path), "%d/fd/%d", (int)s->pid, s->fd);
	int r = ensure_namespace(c, s->ns_kind, s->ino, procfd, path, &idx);
	if (r < 0)
		return r;
	return add_holder(c, idx, (struct nstk_holder){
		.kind = s->kind, .pid = s->pid, .tid = s->tid, .fd = s->fd });
}

/* nsfs bind mounts in one mount namespace, read through its member's mountinfo. */
static int scan_mounts_of(struct nstk_census *c, int procfd, uint64_t mntns, const char *member,
			  pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "%s/mountinfo", member);
	_cleanup_free_ char *buf = NULL;
	size_t len;
	if (nstk_read_file_at(procfd, path, &buf, &len) < 0)
		return 0;

	int r = 0;
	struct nstk_span line;
	for (size_t at = 0; r >= 0 && nstk_next_line(buf, len, &at, &line) > 0;) {
		struct nstk_mountinfo_line m;
		if (nstk_parse_mountinfo_line(line.s, line.len, &m) < 0 ||
		    m.fstype_len != 4 || memcmp(m.fstype, "nsfs", 4) != 0)
			continue;
		enum nstk_ns_kind kind;
		uint64_t ino;
		char mount_point[PATH_MAX];
		if (nstk_parse_ns_link(m.root, m.root_len, &kind, &ino) < 0 ||
		    nstk_unescape_octal(m.mount_point, m.mount_point_len, mount_point,
					sizeof(mount_point)) < 0)
			continue;
		/* The mount point is relative to the member's root: open it through there. */
		_cleanup_free_ char *via_root = NULL;
		if (asprintf(&via_root, "%s/root%s", member, mount_point) < 0)
			return -ENOMEM;
		uint32_t idx;
		r = ensure_namespace(c, kind, ino, procfd, via_root, &idx);
		if (r < 0)
			break;
		char *copy = strdup(mount_point);
		if (!copy)
			return -ENOMEM;
		r = add_holder(c, idx, (struct nstk_holder){
			.kind = NSTK_HOLDER_MOUNT, .pid = pid, .mntns = mntns, .path = copy });
		if (r < 0)
			free(copy);
	}
	return r;
}

static int scan_mounts(struct nstk_census *c, int procfd)
{
	/* Mount namespaces found during the walk; the list grows as we go. */
	size_t n = c->n_namespaces;
	for (size_t i = 0; i < n; i++) {
		const struct nstk_namespace *ns = &c->namespaces[i];
		if (ns->kind != NSTK_NS_MNT)
			continue;
		char member[48];
		pid_t pid = ns->lowest_pid;
		if (pid) {
			snprintf(member, sizeof(member), "%d", (int)pid);
		} else {
			/* No process: a thread may sit in it. */
			uint32_t h = ns->first_holder;
			while (h != NSTK_NO_HOLDER && c->holders[h].kind != NSTK_HOLDER_THREAD)
				h = c->holders[h].next;
			if (h == NSTK_NO_HOLDER)
				continue;
			pid = c->holders[h].pid;
			snprintf(member, sizeof(member), "%d/task/%d", (int)pid, (int)c->holders[h].tid);
		}
		int r = scan_mounts_of(c, procfd, ns->ino, member, pid);
		if (r < 0)
			return r;
	}
	return 0;
}

/* listns(2): a namespace the walk did not find is held by something it cannot see. */
static int add_listed(void *ctx, enum nstk_ns_kind kind, uint64_t ino, int nsfd)
{
	struct nstk_census *c = ctx;
	uint32_t idx;
	/* Known ones, ancestors included (listns lists parents of active ones too). */
	if (nstk_hash_get(&c->ns_index, nstk_census_ns_key(kind, ino), &idx))
		return 0;
	int r = add_namespace(c, kind, ino, false, &idx);
	if (r < 0)
		return r;
	learn_relations(c, idx, nsfd, 0);
	return add_holder(c, idx, (struct nstk_holder){ .kind = NSTK_HOLDER_LISTED });
}

/* A namespace nothing else holds is kept alive by the ones it owns or parents. */
static int note_ancestor_holders(struct nstk_census *c)
{
	for (size_t i = 0; i < c->n_namespaces; i++) {
		const struct nstk_namespace ns = c->namespaces[i];
		const struct {
			enum nstk_ns_kind kind;
			uint64_t ino;
		} up[] = { { NSTK_NS_USER, ns.owner_ino }, { ns.kind, ns.parent_ino } };
		for (size_t k = 0; k < NSTK_ARRAY_SIZE(up); k++) {
			uint32_t idx;
			/* A user namespace's owner is its parent: count it once. */
			if (k == 1 && ns.kind == NSTK_NS_USER)
				break;
			if (!up[k].ino ||
			    !nstk_hash_get(&c->ns_index, nstk_census_ns_key(up[k].kind, up[k].ino), &idx) ||
			    !c->namespaces[idx].ancestor_only)
				continue;
			int r = add_holder(c, idx, (struct nstk_holder){
				.kind = NSTK_HOLDER_PARENT, .of_kind = ns.kind, .of_ino = ns.ino });
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static unsigned probe_supported_kinds(int procfd)
{
	unsigned mask = 0;
	for (int k = 0; k < NSTK_NS_KIND_COUNT; k++) {
		char path[24] = "self/";
		link_path(k, path + 5);
		char buf[64];
		if (readlinkat(procfd, path, buf, sizeof(buf)) >= 0 || errno != ENOENT)
			mask |= 1u << k;
	}
	return mask;
}

int nstk_census_scan(struct nstk_census *c, const char *proc_path, unsigned sources)
{
	_cleanup_close_ int procfd = open(proc_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0)
		return -errno;
	c->kinds_supported = probe_supported_kinds(procfd);

	struct nstk_walk walk = { 0 };
	int r = nstk_walk_proc(procfd, c->kinds_supported, sources, &walk);
	for (size_t i = 0; r >= 0 && i < walk.n_procs; i++)
		r = add_process(c, procfd, &walk.procs[i]);
	for (size_t i = 0; r >= 0 && i < walk.n_sightings; i++)
		r = add_sighting(c, procfd, &walk.sightings[i]);
	/* The walk's list of denied PIDs becomes the census's. */
	c->denied = NSTK_TAKE_PTR(walk.denied);
	c->n_denied = walk.n_denied;
	c->cap_denied = walk.cap_denied;
	c->n_vanished = walk.n_vanished;
	nstk_walk_free(&walk);
	if (r >= 0 && (sources & NSTK_SOURCE_MOUNTS))
		r = scan_mounts(c, procfd);
	/* Only where it shows every namespace: else the walk is the better census. */
	if (r >= 0 && (sources & NSTK_SOURCE_LISTNS) &&
	    nstk_listns_decide(nstk_listns_supported(), nstk_listns_sees_all() == 1) ==
		    NSTK_NS_SOURCE_LISTNS) {
		int l = nstk_listns_each(add_listed, c);
		/* A failing listns costs only what it would have added. */
		if (l == -ENOMEM)
			r = l;
	}
	if (r >= 0)
		r = note_ancestor_holders(c);
	return r;
}

void nstk_census_free(struct nstk_census *c)
{
	for (size_t i = 0; i < c->n_holders; i++)
		free(c->holders[i].path);
	free(c->holders);
	free(c->namespaces);
	free(c->processes);
	free(c->denied);
	nstk_hash_free(&c->ns_index);
	nstk_hash_free(&c->pid_index);
	*c = (struct nstk_census){ 0 };
}

const struct nstk_namespace *nstk_census_find(const struct nstk_census *c,
					      enum nstk_ns_kind kind, uint64_t ino)
{
	uint32_t idx;
	if (!nstk_hash_get(&c->ns_index, nstk_census_ns_key(kind, ino), &idx))
		return NULL;
	return &c->namespaces[idx];
}

int nstk_census_find_process(const struct nstk_census *c, pid_t pid,
			     const struct nstk_census_process **out)
{
	uint32_t idx;
	if (nstk_hash_get(&c->pid_index, (uint64_t)pid, &idx)) {
		*out = &c->processes[idx];
		return 0;
	}
	for (size_t i = 0; i < c->n_denied; i++)
		if (c->denied[i] == pid)
			return -EACCES;
	return -ESRCH;
}

int nstk_census_task_namespaces(const struct nstk_census *c, pid_t pid,
				uint64_t ns[NSTK_NS_KIND_COUNT])
{
	const struct nstk_census_process *p;
	int r = nstk_census_find_process(c, pid, &p);
	if (r == 0) {
		memcpy(ns, p->ns, sizeof(p->ns));
		return 0;
	}
	if (r == -EACCES)
		return r;
	char path[32];
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	_cleanup_close_ int dirfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	memset(ns, 0, NSTK_NS_KIND_COUNT * sizeof(*ns));
	r = nstk_ns_read_links(dirfd, c->kinds_supported, ns);
	return r == -EACCES ? r : r < 0 ? -ESRCH : 0;
}

/* The network namespace of socket fd of pid, through a copy of the socket. */
static int open_socket_netns(pid_t pid, int fd)
{
	_cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	return pidfd < 0 ? -errno : nstk_ns_open_socket_netns(pidfd, fd);
}

int nstk_census_open_ns(const struct nstk_census *c, const struct nstk_namespace *ns)
{
	char path[PATH_MAX + 64];
	int r = -ESRCH;
	if (ns->lowest_pid) {
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)ns->lowest_pid,
			 nstk_ns_kind_name(ns->kind));
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		uint64_t ino;
		/* The PID may have been reused since the scan: check it is this one. */
		if (fd >= 0 && nstk_ns_fd_inode(fd, &ino) == 0 && ino == ns->ino)
			return fd;
		r = fd < 0 ? -errno : -ESRCH;
		if (fd >= 0)
			close(fd);
	}
	for (uint32_t h = ns->first_holder; h != NSTK_NO_HOLDER; h = c->holders[h].next) {
		const struct nstk_holder *ho = &c->holders[h];
		switch (ho->kind) {
		case NSTK_HOLDER_THREAD:
			snprintf(path, sizeof(path), "/proc/%d/task/%d/ns/%s", (int)ho->pid, (int)ho->tid,
				 nstk_ns_kind_name(ns->kind));
			break;
		case NSTK_HOLDER_FD:
			snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)ho->pid, ho->fd);
			break;
		case NSTK_HOLDER_MOUNT:
			snprintf(path, sizeof(path), "/proc/%d/root%s", (int)ho->pid, ho->path);
			break;
		case NSTK_HOLDER_SOCKET:
			break;
		default:
			continue;
		}
		int fd = ho->kind == NSTK_HOLDER_SOCKET ? open_socket_netns(ho->pid, ho->fd)
							: open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0) {
			r = ho->kind == NSTK_HOLDER_SOCKET ? fd : -errno;
			continue;
		}
		/* A path may now name something else: make sure it is this namespace. */
		uint64_t ino;
		if (nstk_ns_fd_inode(fd, &ino) == 0 && ino == ns->ino)
			return fd;
		close(fd);
	}
	return r;
}

/*
 * enter.c — pinning the target, planning which namespaces to enter, and the
 * setns calls themselves (see enter.h).
 *
 * The one idea: a pidfd is taken first and asked "still alive?" after every
 * look through /proc/PID, so what was read is known to be the target's; the
 * plan is then decided by a pure function and carried out in as few setns
 * calls as the kernel allows (one, with setns(pidfd, mask) on Linux >= 5.8).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "enter_error.h"
#include "nstk/enter.h"
#include "nstk/parse.h"
#include "nstk/span.h"
#include "nstk/util.h"

int nstk_enter_fail(struct nstk_enter_error *e, enum nstk_enter_stage stage, int err, unsigned kinds,
		    const char *path)
{
	e->stage = stage;
	e->err = err;
	e->kinds = kinds;
	snprintf(e->path, sizeof(e->path), "%s", path ? path : "");
	return -err;
}

/* ---- the target ---------------------------------------------------------- */

/* pidfd_open(2)'s flag for a thread's pidfd, Linux 6.9 (O_EXCL). */
#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

static int pidfd_open_flags(pid_t pid, unsigned flags)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, flags);
	return fd < 0 ? -errno : fd;
}

/* The Tgid of /proc/<tid>/status, or -errno. */
static pid_t tgid_of(pid_t tid)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	pid_t tgid;
	int r = nstk_read_proc_file(tid, "status", &text, &len);
	if (r == 0)
		r = nstk_parse_status_tgid(text, len, &tgid);
	return r < 0 ? r : tgid;
}

/*
 * The pidfd that pins pid: a process's, else (pidfd_open says ENOENT or
 * EINVAL for a thread ID) the thread's own with PIDFD_THREAD, else, before
 * 6.9, its process's; t->tgid and t->pidfd_is_target say which.
 */
static int pin_pid(pid_t pid, struct nstk_enter_target *t)
{
	int fd = pidfd_open_flags(pid, 0);
	t->tgid = 0;
	t->pidfd_is_target = true;
	if (fd != -ENOENT && fd != -EINVAL)
		return fd;
	pid_t tgid = tgid_of(pid);
	if (tgid <= 0 || tgid == pid)
		return -ESRCH;
	t->tgid = tgid;
	int thread = pidfd_open_flags(pid, PIDFD_THREAD);
	if (thread >= 0 || thread != -EINVAL)
		return thread == -ENOENT ? -ESRCH : thread;
	t->pidfd_is_target = false;
	fd = pidfd_open_flags(tgid, 0);
	return fd == -ENOENT ? -ESRCH : fd;
}

bool nstk_enter_target_alive(const struct nstk_enter_target *t)
{
	struct pollfd pfd = { .fd = t->pidfd, .events = POLLIN };
	/* A pidfd polls readable once the process has exited, zombie or reaped. */
	return poll(&pfd, 1, 0) == 0;
}

int nstk_enter_target_open(pid_t pid, struct nstk_enter_target *t, struct nstk_enter_error *e)
{
	struct nstk_enter_target pinned = NSTK_ENTER_TARGET_NONE;
	pinned.pid = pid;
	pinned.pidfd = pin_pid(pid, &pinned);
	if (pinned.pidfd < 0)
		return nstk_enter_fail(e, NSTK_ENTER_STAGE_OPEN_TARGET, -pinned.pidfd, 0, NULL);
	char path[32];
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	pinned.procfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int err = pinned.procfd < 0 ? errno : 0;
	/* Only now, with the pidfd saying "alive", is the directory the target's;
	 * a thread pinned by its process's pidfd must still be that process's. */
	bool alive = pinned.procfd >= 0 && nstk_enter_target_alive(&pinned) &&
		     (pinned.pidfd_is_target || tgid_of(pid) == pinned.tgid);
	if (!alive) {
		nstk_enter_target_close(&pinned);
		if (err && err != ENOENT)
			return nstk_enter_fail(e, NSTK_ENTER_STAGE_OPEN_TARGET, err, 0, path);
		return nstk_enter_fail(e, NSTK_ENTER_STAGE_TARGET_EXITED, ESRCH, 0, NULL);
	}
	*t = pinned;
	return 0;
}

void nstk_enter_target_close(struct nstk_enter_target *t)
{
	nstk_closep(&t->pidfd);
	nstk_closep(&t->procfd);
	t->pidfd = t->procfd = -1;
}

/* ---- --container ------------------------------------------------------------ */

int nstk_enter_find_container(const char *id_or_prefix, struct nstk_container_pick *pick,
			      struct nstk_enter_target *t, struct nstk_enter_error *e)
{
	int r = nstk_container_scan(id_or_prefix, pick);
	if (r < 0)
		return nstk_enter_fail(e, NSTK_ENTER_STAGE_FIND_CONTAINER, -r, 0, "/proc");
	if (pick->ambiguous)
		return nstk_enter_fail(e, NSTK_ENTER_STAGE_FIND_CONTAINER, ENOTUNIQ, 0, NULL);
	if (!pick->pid)
		return nstk_enter_fail(e, NSTK_ENTER_STAGE_FIND_CONTAINER,
				 pick->monitor_pid ? ESRCH : ENOENT, 0, NULL);
	r = nstk_enter_target_open(pick->pid, t, e);
	if (r < 0)
		return r;
	/* The PID may have been reused between the scan and pidfd_open. */
	struct nstk_container c;
	if (nstk_container_of_proc(t->procfd, "", &c) != 1 ||
	    !nstk_container_same(&c, &pick->found) || !nstk_enter_target_alive(t)) {
		nstk_enter_target_close(t);
		return nstk_enter_fail(e, NSTK_ENTER_STAGE_TARGET_EXITED, ESRCH, 0, NULL);
	}
	return 0;
}

int nstk_enter_target_container(const struct nstk_enter_target *t, struct nstk_container *c)
{
	if (t->procfd < 0)
		return 0;
	int r = nstk_container_of_proc(t->procfd, "", c);
	/* A process that exits meanwhile keeps its cgroup: still its own. */
	return r < 0 ? r : r == 1;
}

/* ---- the plan --------------------------------------------------------------- */

static const char *const reason_names[NSTK_ENTER_REASON_COUNT] = {
	[NSTK_ENTER_NOT_ASKED] = "not-asked",	[NSTK_ENTER_ASKED] = "asked",
	[NSTK_ENTER_DIFFERS] = "differs",	[NSTK_ENTER_SAME] = "same",
	[NSTK_ENTER_OWN_USERNS] = "own-userns", [NSTK_ENTER_UNSUPPORTED] = "unsupported",
};

const char *nstk_enter_reason_name(enum nstk_enter_reason r)
{
	return (unsigned)r < NSTK_ENTER_REASON_COUNT ? reason_names[r] : NULL;
}

void nstk_enter_plan_init(struct nstk_enter_plan *p)
{
	memset(p, 0, sizeof(*p));
	for (int k = 0; k < NSTK_NS_KIND_COUNT; k++)
		p->ns[k].fd = -1;
}

void nstk_enter_plan_close(struct nstk_enter_plan *p)
{
	for (int k = 0; k < NSTK_NS_KIND_COUNT; k++) {
		nstk_closep(&p->ns[k].fd);
		p->ns[k].fd = -1;
	}
}

/* Open an asked namespace file and check it is one of its kind. */
static int open_ns_file(struct nstk_enter_ns *ns, enum nstk_ns_kind kind,
			struct nstk_enter_error *e)
{
	/* Not a namespace file must not hang or change us: a FIFO blocks without O_NONBLOCK, a tty
	 * would become our terminal without O_NOCTTY. Both change nothing for an nsfs file. */
	int fd = open(ns->file, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return nstk_enter_fail(e, NSTK_ENTER_STAGE_OPEN_FILE, errno, 1u << kind, ns->file);
	ns->fd = fd;
	int k = nstk_ns_fd_kind(fd);
	if (k != (int)kind)
		return nstk_enter_fail(e, NSTK_ENTER_STAGE_WRONG_KIND, k < 0 ? -k : EINVAL, 1u << kind,
				 ns->file);
	int r = nstk_ns_fd_inode(fd, &ns->target_ino);
	return r < 0 ? nstk_enter_fail(e, NSTK_ENTER_STAGE_OPEN_FILE, -r, 1u << kind, ns->file) : 0;
}

int nstk_enter_plan_read(struct nstk_enter_plan *p, const struct nstk_enter_target *t,
			 struct nstk_enter_error *e)
{
	_cleanup_close_ int selffd = open("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int self_err = selffd < 0 ? errno : 0;
	for (int k = 0; k < NSTK_NS_KIND_COUNT; k++) {
		struct nstk_enter_ns *ns = &p->ns[k];
		ns->self_err = self_err ? self_err : -nstk_ns_read_link(selffd, k, &ns->self_ino);
		if (ns->file) {
			int r = open_ns_file(ns, k, e);
			if (r < 0)
				return r;
		} else if (t->procfd >= 0) {
			ns->target_err = -nstk_ns_read_link(t->procfd, k, &ns->target_ino);
		} else {
			ns->target_err = ESRCH;
		}
	}
	if (t->pidfd >= 0 && !nstk_enter_target_alive(t))
		return nstk_enter_fail(e, NSTK_ENTER_STAGE_TARGET_EXITED, ESRCH, 0, NULL);
	return 0;
}

/* Whether kind k is entered, and why, for a target-or-file namespace. */
static enum nstk_enter_reason decide_kind(const struct nstk_enter_ns *ns, enum nstk_ns_kind k,
					  bool all)
{
	bool same = ns->target_ino && ns->target_ino == ns->self_ino;
	if (k == NSTK_NS_USER && same && (ns->asked || all))
		return NSTK_ENTER_OWN_USERNS;
	if (ns->asked)
		return NSTK_ENTER_ASKED;
	if (!all)
		return NSTK_ENTER_NOT_ASKED;
	if (ns->self_err == ENOENT)
		return NSTK_ENTER_UNSUPPORTED;
	return same ? NSTK_ENTER_SAME : NSTK_ENTER_DIFFERS;
}

int nstk_enter_plan_decide(struct nstk_enter_plan *p, bool privileged, bool pidfd_setns,
			   struct nstk_enter_error *e)
{
	unsigned unreadable = 0;
	int first_err = 0;
	for (int k = 0; k < NSTK_NS_KIND_COUNT; k++) {
		struct nstk_enter_ns *ns = &p->ns[k];
		if (p->all && !ns->asked && ns->self_err != ENOENT &&
		    (ns->target_err || ns->self_err)) {
			unreadable |= 1u << k;
			if (!first_err)
				first_err = ns->target_err ? ns->target_err : ns->self_err;
		}
		ns->reason = decide_kind(ns, k, p->all);
		ns->enter = ns->reason == NSTK_ENTER_ASKED || ns->reason == NSTK_ENTER_DIFFERS;
	}
	if (unreadable)
		return nstk_enter_fail(e, NSTK_ENTER_STAGE_READ_NS, first_err, unreadable, NULL);
	p->use_pidfd = pidfd_setns;
	p->user_first = !privileged;
	p->fork = p->ns[NSTK_NS_PID].enter && !p->no_fork;
	p->pid_without_mnt = p->ns[NSTK_NS_PID].enter && !p->ns[NSTK_NS_MNT].enter;
	return 0;
}

/* Put fd (owned) in the plan as kind's namespace, described as source. */
static int plan_take_fd(struct nstk_enter_plan *p, enum nstk_ns_kind kind, int fd,
			const char *source, enum nstk_enter_stage stage, struct nstk_enter_error *e)
{
	struct nstk_enter_ns *ns = &p->ns[kind];
	uint64_t ino;
	int r = nstk_ns_fd_inode(fd, &ino);
	if (r < 0) {
		close(fd);
		return nstk_enter_fail(e, stage, -r, 1u << kind, source);
	}
	nstk_closep(&ns->fd);
	ns->fd = fd;
	ns->target_ino = ino;
	ns->target_err = 0;
	ns->asked = true;
	snprintf(p->source[kind], sizeof(p->source[kind]), "%s", source);
	ns->file = p->source[kind];
	return 0;
}

int nstk_enter_plan_net_socket(struct nstk_enter_plan *p, const struct nstk_enter_target *t,
			       int sockfd, struct nstk_enter_error *e)
{
	char source[64];
	snprintf(source, sizeof(source), "socket %d of PID %d", sockfd, (int)t->pid);
	int nsfd = t->pidfd < 0 ? -ESRCH : nstk_ns_open_socket_netns(t->pidfd, sockfd);
	if (nsfd < 0)
		return nstk_enter_fail(e, NSTK_ENTER_STAGE_SOCKET, -nsfd, 1u << NSTK_NS_NET, source);
	return plan_take_fd(p, NSTK_NS_NET, nsfd, source, NSTK_ENTER_STAGE_SOCKET, e);
}

int nstk_enter_plan_user_parent(struct nstk_enter_plan *p, const struct nstk_enter_target *t,
				struct nstk_enter_error *e)
{
	struct nstk_enter_ns *user = &p->ns[NSTK_NS_USER];
	const unsigned kind = 1u << NSTK_NS_USER;
	_cleanup_close_ int own = -1;
	int base = user->fd;
	if (base < 0) {
		if (t->procfd < 0)
			return nstk_enter_fail(e, NSTK_ENTER_STAGE_USER_PARENT, ESRCH, kind, NULL);
		own = openat(t->procfd, "ns/user", O_RDONLY | O_CLOEXEC);
		if (own < 0)
			return nstk_enter_fail(e, NSTK_ENTER_STAGE_READ_NS, errno, kind, NULL);
		base = own;
	}
	/* NS_GET_USERNS of a user namespace is its parent (the one that owns it). */
	int parent = nstk_ns_open_owner(base);
	if (parent < 0)
		return nstk_enter_fail(e, NSTK_ENTER_STAGE_USER_PARENT, -parent, kind, NULL);
	return plan_take_fd(p, NSTK_NS_USER, parent, "parent user namespace",
			    NSTK_ENTER_STAGE_USER_PARENT, e);
}

unsigned nstk_enter_plan_kinds(const struct nstk_enter_plan *p)
{
	unsigned kinds = 0;
	for (int k = 0; k < NSTK_NS_KIND_COUNT; k++)
		if (p->ns[k].enter)
			kinds |= 1u << k;
	return kinds;
}

int nstk_enter_clone_flags(unsigned kinds)
{
	int flags = 0;
	for (int k = 0; k < NSTK_NS_KIND_COUNT; k++)
		if (kinds & (1u << k))
			flags |= nstk_ns_kind_clone_flag(k);
	return flags;
}

/* nsenter's order for one-by-one entering, the user namespace aside. */
static const enum nstk_ns_kind file_order[] = {
	NSTK_NS_CGROUP, NSTK_NS_IPC, NSTK_NS_UTS,  NSTK_NS_NET,
	NSTK_NS_PID,	NSTK_NS_MNT, NSTK_NS_TIME,
};

static size_t add_step(struct nstk_enter_step *steps, size_t n, size_t max, int fd_kind,
		       unsigned kinds)
{
	if (kinds && n < max)
		steps[n++] = (struct nstk_enter_step){ .fd_kind = fd_kind, .kinds = kinds };
	return n;
}

size_t nstk_enter_steps(const struct nstk_enter_plan *p, bool user_first,
			struct nstk_enter_step *steps, size_t max)
{
	const unsigned user = 1u << NSTK_NS_USER;
	unsigned by_pidfd = 0, by_fd = 0;
	for (int k = 0; k < NSTK_NS_KIND_COUNT; k++) {
		if (!p->ns[k].enter)
			continue;
		if (p->use_pidfd && !p->ns[k].file)
			by_pidfd |= 1u << k;
		else
			by_fd |= 1u << k;
	}
	size_t n = 0;
	if (user_first) {
		/* Within one setns(pidfd) call the kernel takes the user ns first. */
		n = add_step(steps, n, max, NSTK_NS_USER, by_fd & user);
		n = add_step(steps, n, max, -1, by_pidfd);
	} else {
		n = add_step(steps, n, max, -1, by_pidfd & ~user);
	}
	for (size_t i = 0; i < NSTK_ARRAY_SIZE(file_order); i++)
		n = add_step(steps, n, max, file_order[i], by_fd & (1u << file_order[i]));
	if (!user_first) {
		n = add_step(steps, n, max, -1, by_pidfd & user);
		n = add_step(steps, n, max, NSTK_NS_USER, by_fd & user);
	}
	return n;
}

/* ---- entering --------------------------------------------------------------- */

/*
 * Without setns(pidfd): open the target's ns files for the kinds not taken
 * from a file, each checked against the inode the plan read and the pidfd.
 */
static int open_target_ns_fds(struct nstk_enter_plan *p, const struct nstk_enter_target *t,
			      struct nstk_enter_error *e)
{
	for (int k = 0; k < NSTK_NS_KIND_COUNT; k++) {
		struct nstk_enter_ns *ns = &p->ns[k];
		if (!ns->enter || ns->fd >= 0)
			continue;
		char path[16];
		snprintf(path, sizeof(path), "ns/%s", nstk_ns_kind_name(k));
		ns->fd = openat(t->procfd, path, O_RDONLY | O_CLOEXEC);
		if (ns->fd < 0)
			return nstk_enter_fail(e,
					 errno == ENOENT ? NSTK_ENTER_STAGE_TARGET_EXITED
							 : NSTK_ENTER_STAGE_READ_NS,
					 errno == ENOENT ? ESRCH : errno, 1u << k, NULL);
		uint64_t ino;
		if (nstk_ns_fd_inode(ns->fd, &ino) == 0 && ns->target_ino && ino != ns->target_ino)
			return nstk_enter_fail(e, NSTK_ENTER_STAGE_NS_CHANGED, ESTALE, 1u << k, NULL);
	}
	if (!nstk_enter_target_alive(t))
		return nstk_enter_fail(e, NSTK_ENTER_STAGE_TARGET_EXITED, ESRCH, 0, NULL);
	return 0;
}

/* Run steps; *done counts those that succeeded. */
static int run_steps(const struct nstk_enter_plan *p, const struct nstk_enter_target *t,
		     const struct nstk_enter_step *steps, size_t n, size_t *done,
		     struct nstk_enter_error *e)
{
	for (*done = 0; *done < n; (*done)++) {
		const struct nstk_enter_step *s = &steps[*done];
		int fd = s->fd_kind < 0 ? t->pidfd : p->ns[s->fd_kind].fd;
		if (setns(fd, nstk_enter_clone_flags(s->kinds)) < 0)
			return nstk_enter_fail(e, NSTK_ENTER_STAGE_SETNS, errno, s->kinds,
					 s->fd_kind >= 0 ? p->ns[s->fd_kind].file : NULL);
	}
	return 0;
}

int nstk_enter_namespaces(struct nstk_enter_plan *p, const struct nstk_enter_target *t,
			  struct nstk_enter_error *e)
{
	if (!p->use_pidfd && t->procfd >= 0) {
		int r = open_target_ns_fds(p, t, e);
		if (r < 0)
			return r;
	}
	struct nstk_enter_step steps[NSTK_ENTER_MAX_STEPS];
	size_t n = nstk_enter_steps(p, p->user_first, steps, NSTK_ARRAY_SIZE(steps)), done;
	int r = run_steps(p, t, steps, n, &done, e);
	unsigned user = 1u << NSTK_NS_USER, kinds = nstk_enter_plan_kinds(p);
	if (r == -EPERM && done == 0 && (kinds & user) && (kinds & ~user)) {
		/* Nothing entered yet: nsenter's second pass, the other order. */
		struct nstk_enter_error first = *e;
		n = nstk_enter_steps(p, !p->user_first, steps, NSTK_ARRAY_SIZE(steps));
		r = run_steps(p, t, steps, n, &done, e);
		if (r < 0 && done == 0)
			*e = first;
		if (r == 0)
			p->user_first = !p->user_first;
	}
	if (r == -ESRCH || (r < 0 && t->pidfd >= 0 && !nstk_enter_target_alive(t)))
		return nstk_enter_fail(e, NSTK_ENTER_STAGE_TARGET_EXITED, ESRCH, e->kinds, NULL);
	return r;
}

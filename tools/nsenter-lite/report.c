/*
 * report.c — the one line nsenter-lite writes when it fails, built from the
 * library's struct nstk_enter_error: what it was doing, on which namespace
 * kinds, and, when privilege is the cause, which capability is missing
 * (named by libcap, through nstk_caps_missing).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>

#include "nsenter-lite.h"
#include "nstk/caps.h"
#include "nstk/util.h"

/* "net", "mnt, net": the kinds of a bitmask, and "namespace(s)" after them. */
static void kinds_text(unsigned kinds, char *buf, size_t size)
{
	size_t used = 0;
	int n = 0;
	buf[0] = '\0';
	for (int k = 0; k < NSTK_NS_KIND_COUNT; k++) {
		if (!(kinds & (1u << k)))
			continue;
		int w = snprintf(buf + used, size - used, "%s%s", n++ ? ", " : "",
				 nstk_ns_kind_name(k));
		if (w < 0 || (size_t)w >= size - used)
			break;
		used += (size_t)w;
	}
	snprintf(buf + used, size - used, " namespace%s", n > 1 ? "s" : "");
}

/* " of PID 42", " of PID 42 (docker:3f2a1b0c9d8e)", or " FILE". */
static void whose_text(const struct nstk_enter_error *e, const struct target_info *ti, char *buf,
		       size_t size)
{
	if (e->path[0])
		snprintf(buf, size, " %s", e->path);
	else if (ti->label[0])
		snprintf(buf, size, " of PID %d (%s)", (int)ti->pid, ti->label);
	else
		snprintf(buf, size, " of PID %d", (int)ti->pid);
}

/*
 * "need CAP_SYS_ADMIN (you have none)": the capabilities missing from our
 * effective set. Returns false when none is missing (the lack is elsewhere:
 * in the user namespace that owns the target's).
 */
static bool missing_caps_text(const int *caps, size_t n, char *buf, size_t size)
{
	char names[128];
	int missing = nstk_caps_missing(caps, n, names, sizeof(names));
	if (missing <= 0)
		return false;
	int all[CAP_LAST_CAP + 1];
	for (int c = 0; c <= CAP_LAST_CAP; c++)
		all[c] = c;
	char ignored[8];
	int lacking = nstk_caps_missing(all, NSTK_ARRAY_SIZE(all), ignored, sizeof(ignored));
	snprintf(buf, size, "need %s (%s)", names,
		 lacking == (int)NSTK_ARRAY_SIZE(all) ? "you have none"
						      : "your effective set lacks it");
	return true;
}

static void report_setns(const struct nstk_enter_error *e, const struct target_info *ti)
{
	char kinds[128], whose[PATH_MAX + 64], why[256];
	kinds_text(e->kinds, kinds, sizeof(kinds));
	whose_text(e, ti, whose, sizeof(whose));
	int caps[2];
	size_t n = nstk_enter_needed_caps(e->kinds, caps, NSTK_ARRAY_SIZE(caps));
	if (e->err == EPERM && !missing_caps_text(caps, n, why, sizeof(why)))
		snprintf(why, sizeof(why),
			 "%s (CAP_SYS_ADMIN is needed in the user namespace that owns it)",
			 strerror(e->err));
	else if (e->err != EPERM)
		snprintf(why, sizeof(why), "%s", strerror(e->err));
	tool_warn("cannot enter %s%s: %s", kinds, whose, why);
}

static void report_read_ns(const struct nstk_enter_error *e, const struct target_info *ti)
{
	char kinds[128], whose[PATH_MAX + 64], why[256];
	kinds_text(e->kinds, kinds, sizeof(kinds));
	whose_text(e, ti, whose, sizeof(whose));
	static const int ptrace[] = { CAP_SYS_PTRACE };
	if ((e->err != EACCES && e->err != EPERM) ||
	    !missing_caps_text(ptrace, NSTK_ARRAY_SIZE(ptrace), why, sizeof(why)))
		snprintf(why, sizeof(why), "%s", strerror(e->err));
	tool_warn("cannot read the %s%s: %s", kinds, whose, why);
}

static void report_container(const struct nstk_enter_error *e, const struct target_info *ti,
			     const struct nstk_container_pick *pick)
{
	char a[NSTK_CONTAINER_LABEL_MAX], b[NSTK_CONTAINER_LABEL_MAX];
	switch (e->err) {
	case ENOENT:
		tool_warn("no running container matches '%s'", ti->container);
		break;
	case ENOTUNIQ:
		nstk_container_label(&pick->found, a, sizeof(a));
		nstk_container_label(&pick->other, b, sizeof(b));
		tool_warn("'%s' matches more than one container (%s, %s): give more of the id",
			  ti->container, a, b);
		break;
	case ESRCH: {
		struct nstk_container payload = pick->found;
		payload.monitor = false;
		nstk_container_label(&payload, a, sizeof(a));
		tool_warn("container %s runs only its monitor (PID %d), %s", a,
			(int)pick->monitor_pid, "whose namespaces are the host's");
		break;
	}
	default:
		tool_warn("cannot scan %s for containers: %s", e->path,
			strerror(e->err));
	}
}

static void report_cgroup(const struct nstk_enter_error *e, const struct target_info *ti)
{
	if (e->err == ENOENT && !e->path[0])
		tool_warn("none of the cgroup hierarchies of PID %d is mounted here",
			(int)ti->pid);
	else if (e->err == EBUSY)
		tool_warn("cannot join cgroup %s: %s (cgroup v2 puts no process in a cgroup that "
			  "has controllers enabled for its children)",
			  e->path, strerror(e->err));
	else
		tool_warn("cannot join cgroup %s: %s", e->path[0] ? e->path : "",
			strerror(e->err));
}

static void report_open_target(const struct nstk_enter_error *e, const struct target_info *ti)
{
	if (e->err == ESRCH)
		tool_warn("no process with PID %d", (int)ti->pid);
	else if (e->err == EINVAL)
		tool_warn("PID %d is not a process (a thread ID?)", (int)ti->pid);
	else
		tool_warn("cannot open PID %d: %s", (int)ti->pid, strerror(e->err));
}

/* setgid/setuid: EINVAL means the id has no mapping in the user namespace. */
static void report_id(const char *call, const struct nstk_enter_error *e)
{
	tool_warn("%s failed: %s%s", call, strerror(e->err),
		e->err == EINVAL ? " (the id is not mapped in the user namespace entered;"
				   " see --preserve-credentials, -S, -G)"
				 : "");
}

void report_error(const struct nstk_enter_error *e, const struct target_info *ti,
		  const struct nstk_container_pick *pick)
{
	char kinds[128];
	kinds_text(e->kinds, kinds, sizeof(kinds));
	switch (e->stage) {
	case NSTK_ENTER_STAGE_OPEN_TARGET:
		return report_open_target(e, ti);
	case NSTK_ENTER_STAGE_TARGET_EXITED:
		tool_warn("PID %d exited before its namespaces could be entered",
			(int)ti->pid);
		return;
	case NSTK_ENTER_STAGE_FIND_CONTAINER:
		return report_container(e, ti, pick);
	case NSTK_ENTER_STAGE_READ_NS:
		return report_read_ns(e, ti);
	case NSTK_ENTER_STAGE_OPEN_FILE:
		tool_warn("cannot open %s: %s", e->path, strerror(e->err));
		return;
	case NSTK_ENTER_STAGE_WRONG_KIND:
		tool_warn("%s is not a %s file", e->path, kinds);
		return;
	case NSTK_ENTER_STAGE_SOCKET:
		tool_warn("cannot take the network namespace of %s: %s%s", e->path,
			strerror(e->err),
			e->err == EBADF	     ? " (no such fd)"
			: e->err == ENOTTY   ? " (not a socket)"
			: e->err == ENOTSOCK ? " (not a socket)"
					     : "");
		return;
	case NSTK_ENTER_STAGE_USER_PARENT:
		tool_warn("cannot open the parent of the user namespace: %s%s",
			strerror(e->err),
			e->err == EPERM ? " (it is outside our user namespace, or there is none)" : "");
		return;
	case NSTK_ENTER_STAGE_CONTEXT:
		tool_warn("cannot follow the SELinux context of PID %d (%s): %s",
			(int)ti->pid, e->path, strerror(e->err));
		return;
	case NSTK_ENTER_STAGE_NS_CHANGED:
		tool_warn("PID %d changed its %s while it was being entered",
			(int)ti->pid, kinds);
		return;
	case NSTK_ENTER_STAGE_SETNS:
		return report_setns(e, ti);
	case NSTK_ENTER_STAGE_READ_ENVIRON:
		if (e->err == EFBIG) {
			tool_warn("the environment of PID %d is over %u MiB, more than exec "
				  "can give a process: not taken",
				  (int)ti->pid, (unsigned)(NSTK_ENTER_ENVIRON_MAX >> 20));
			return;
		}
		tool_warn("cannot read the environment of PID %d: %s", (int)ti->pid,
			strerror(e->err));
		return;
	case NSTK_ENTER_STAGE_CGROUP:
		return report_cgroup(e, ti);
	case NSTK_ENTER_STAGE_ROOT:
		if (e->path[0])
			tool_warn("cannot change root to %s: %s", e->path,
				strerror(e->err));
		else
			tool_warn("cannot change root to that of PID %d: %s",
				(int)ti->pid, strerror(e->err));
		return;
	case NSTK_ENTER_STAGE_CWD:
		if (e->path[0])
			tool_warn("cannot change directory to %s: %s", e->path,
				strerror(e->err));
		else
			tool_warn("cannot change directory to that of PID %d: %s",
				(int)ti->pid, strerror(e->err));
		return;
	case NSTK_ENTER_STAGE_CWD_UNREACHABLE:
		tool_warn("refusing to run in a working directory outside the root (getcwd: %s)", e->path);
		return;
	case NSTK_ENTER_STAGE_READ_IDS:
		tool_warn("cannot read the uid and gid of PID %d: %s", (int)ti->pid,
			strerror(e->err));
		return;
	case NSTK_ENTER_STAGE_SETGROUPS:
		return report_id("setgroups", e);
	case NSTK_ENTER_STAGE_SETGID:
		return report_id("setgid", e);
	case NSTK_ENTER_STAGE_SETUID:
		return report_id("setuid", e);
	case NSTK_ENTER_STAGE_KEEP_CAPS:
		tool_warn("cannot keep capabilities: %s", strerror(e->err));
		return;
	case NSTK_ENTER_STAGE_CLOSE_FDS:
		tool_warn("cannot close inherited file descriptors: %s",
			strerror(e->err));
		return;
	case NSTK_ENTER_STAGE_NONE:
		break;
	}
	tool_warn("%s", strerror(e->err));
}

void warn_pid_without_mnt(void)
{
	fputs(PROG ": warning: entering a pid namespace without its mount namespace: "
		   "/proc still shows the host's processes (add -m)\n",
	      stderr);
}

/* ---- -e ------------------------------------------------------------------- */

/* A name as it is safe to show on a terminal: bytes outside ! to ~ as \xHH. */
static void put_name(const char *entry)
{
	for (const unsigned char *p = (const unsigned char *)entry; *p && *p != '='; p++) {
		if (*p > 0x20 && *p < 0x7f && *p != '\\')
			fputc(*p, stderr);
		else
			fprintf(stderr, "\\x%02x", *p);
	}
}

static bool same_name(const char *a, const char *b)
{
	size_t n = strcspn(a, "=");
	return n == strcspn(b, "=") && memcmp(a, b, n) == 0;
}

/*
 * One line naming what -e left out, never the values (they may be secrets,
 * or escape sequences aimed at the admin's terminal). A name given twice is
 * named once; past the first few, the rest are counted.
 */
void warn_env_dropped(const struct target_info *ti, char *const *dropped)
{
	enum { SHOWN_MAX = 16 };
	const char *shown[SHOWN_MAX];
	size_t n_shown = 0, more = 0;
	if (!dropped || !dropped[0])
		return;
	fprintf(stderr, PROG ": not passed from the environment of PID %d:", (int)ti->pid);
	for (char *const *d = dropped; *d; d++) {
		bool seen = false;
		for (size_t i = 0; i < n_shown && !seen; i++)
			seen = same_name(shown[i], *d);
		if (seen)
			continue;
		if (n_shown == SHOWN_MAX) {
			more++;
			continue;
		}
		shown[n_shown++] = *d;
		fputc(' ', stderr);
		put_name(*d);
	}
	if (more)
		fprintf(stderr, " and %zu more", more);
	fputs(" (they change what a program runs before its main; --env-unsafe passes them)\n",
	      stderr);
}

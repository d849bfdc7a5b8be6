/*
 * enter_exec.c — what happens between the last setns and exec: root and
 * working directory, credentials, capabilities, file descriptors; and the
 * small rules (exit statuses, kernel versions, capabilities needed) the tool
 * and the tests share.
 *
 * The one idea: nothing that names a place on the caller's side is opened
 * before entering. Directories are opened after setns, relative to the
 * entered mount namespace or through the pinned /proc/PID, so no host
 * directory "tunnels" into the target (CVE-2024-21626); and whatever cwd
 * results, getcwd(2) must be able to name it from the new root.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "enter_error.h"
#include "nstk/enter.h"
#include "nstk/parse.h"
#include "nstk/span.h"
#include "nstk/util.h"

/* ---- root and working directory --------------------------------------- */

/* The target's root or cwd (link "root"/"cwd"), opened through the pin. */
static int open_target_dir(const struct nstk_enter_target *t, const char *link,
			   enum nstk_enter_stage stage, struct nstk_enter_error *e)
{
	int fd = openat(t->procfd, link, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return nstk_enter_fail(e, stage, errno, 0, NULL);
	if (!nstk_enter_target_alive(t)) {
		close(fd);
		return nstk_enter_fail(e, NSTK_ENTER_STAGE_TARGET_EXITED, ESRCH, 0, NULL);
	}
	return fd;
}

static int change_root(const struct nstk_enter_dirs *d, const struct nstk_enter_target *t,
		       struct nstk_enter_error *e)
{
	_cleanup_close_ int fd = d->root_dir ? open(d->root_dir, O_PATH | O_DIRECTORY | O_CLOEXEC)
					     : open_target_dir(t, "root", NSTK_ENTER_STAGE_ROOT, e);
	if (fd < 0)
		return d->root_dir ? nstk_enter_fail(e, NSTK_ENTER_STAGE_ROOT, errno, 0, d->root_dir) : fd;
	if (fchdir(fd) < 0 || chroot(".") < 0)
		return nstk_enter_fail(e, NSTK_ENTER_STAGE_ROOT, errno, 0, d->root_dir);
	return 0;
}

static int change_wd(const struct nstk_enter_dirs *d, const struct nstk_enter_target *t,
		     struct nstk_enter_error *e)
{
	if (d->wd_dir) {
		/* Relative to the (new) root, as nsenter's --wdns. */
		if (chdir("/") < 0 || chdir(d->wd_dir) < 0)
			return nstk_enter_fail(e, NSTK_ENTER_STAGE_CWD, errno, 0, d->wd_dir);
		return 0;
	}
	_cleanup_close_ int fd = open_target_dir(t, "cwd", NSTK_ENTER_STAGE_CWD, e);
	if (fd < 0)
		return fd;
	return fchdir(fd) < 0 ? nstk_enter_fail(e, NSTK_ENTER_STAGE_CWD, errno, 0, NULL) : 0;
}

/* The kernel's getcwd, which says "(unreachable)" where glibc's says ENOENT. */
static int check_cwd_reachable(struct nstk_enter_error *e)
{
	char buf[PATH_MAX];
	if (syscall(SYS_getcwd, buf, sizeof(buf)) < 0)
		return nstk_enter_fail(e, NSTK_ENTER_STAGE_CWD, errno, 0, NULL);
	if (buf[0] != '/')
		return nstk_enter_fail(e, NSTK_ENTER_STAGE_CWD_UNREACHABLE, EXDEV, 0, buf);
	return 0;
}

int nstk_enter_set_root_and_cwd(const struct nstk_enter_dirs *d, const struct nstk_enter_target *t,
				bool mnt_entered, struct nstk_enter_error *e)
{
	int r;
	if (d->root && (r = change_root(d, t, e)) < 0)
		return r;
	if (d->wd)
		r = change_wd(d, t, e);
	else if (d->root || mnt_entered)
		r = chdir("/") < 0 ? nstk_enter_fail(e, NSTK_ENTER_STAGE_CWD, errno, 0, "/") : 0;
	else
		r = 0;
	return r < 0 ? r : check_cwd_reachable(e);
}

/* ---- credentials ---------------------------------------------------------- */

void nstk_enter_creds_decide(struct nstk_enter_creds *c, bool user_entered, bool preserve)
{
	if (!user_entered || preserve)
		return;
	if (!c->set_uid) {
		c->set_uid = true;
		c->uid = 0;
	}
	if (!c->set_gid) {
		c->set_gid = true;
		c->gid = 0;
	}
}

void nstk_enter_creds_prepare(struct nstk_enter_creds *c)
{
	c->groups_cleared = c->set_gid && setgroups(0, NULL) == 0;
}

/* The second field (effective) of the status line starting with key. */
static int status_field(const char *text, size_t len, const char *key, uint64_t *value)
{
	size_t key_len = strlen(key);
	struct nstk_span line;
	for (size_t at = 0; nstk_next_line(text, len, &at, &line) > 0;) {
		if (line.len <= key_len || !nstk_span_starts(line, key))
			continue;
		/* "Uid:\treal\teffective\tsaved\tfs" */
		const char *p = line.s + key_len, *end = line.s + line.len;
		for (int field = 0; field < 2; field++) {
			while (p < end && (*p == '\t' || *p == ' '))
				p++;
			const char *start = p;
			while (p < end && *p != '\t' && *p != ' ')
				p++;
			if (field == 1)
				return nstk_parse_u64(start, (size_t)(p - start), value);
		}
		return -EINVAL;
	}
	return -EINVAL;
}

int nstk_enter_parse_status_ids(const char *text, size_t len, uid_t *uid, gid_t *gid)
{
	uint64_t u, g;
	if (status_field(text, len, "Uid:", &u) < 0 || status_field(text, len, "Gid:", &g) < 0 ||
	    u > UINT32_MAX || g > UINT32_MAX)
		return -EINVAL;
	*uid = (uid_t)u;
	*gid = (gid_t)g;
	return 0;
}

static int read_target_ids(struct nstk_enter_creds *c, const struct nstk_enter_target *t,
			   struct nstk_enter_error *e)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	uid_t uid;
	gid_t gid;
	int r = nstk_read_file_at(t->procfd, "status", &text, &len);
	if (r < 0)
		return nstk_enter_fail(e, NSTK_ENTER_STAGE_READ_IDS, -r, 0, "status");
	if (!nstk_enter_target_alive(t))
		return nstk_enter_fail(e, NSTK_ENTER_STAGE_TARGET_EXITED, ESRCH, 0, NULL);
	if (nstk_enter_parse_status_ids(text, len, &uid, &gid) < 0)
		return nstk_enter_fail(e, NSTK_ENTER_STAGE_READ_IDS, EPROTO, 0, "status");
	if (c->uid_follow)
		c->uid = uid;
	if (c->gid_follow)
		c->gid = gid;
	return 0;
}

/* Permitted -> inheritable -> ambient: what the command keeps across exec. */
static int raise_permitted_to_ambient(void)
{
	cap_t caps = cap_get_proc();
	if (!caps)
		return -errno;
	cap_value_t max = cap_max_bits();
	int r = 0;
	for (cap_value_t v = 0; v < max; v++) {
		cap_flag_value_t permitted = CAP_CLEAR;
		if (cap_get_flag(caps, v, CAP_PERMITTED, &permitted) == 0 && permitted == CAP_SET)
			cap_set_flag(caps, CAP_INHERITABLE, 1, &v, CAP_SET);
	}
	if (cap_set_proc(caps) < 0)
		r = -errno;
	for (cap_value_t v = 0; r == 0 && v < max; v++) {
		cap_flag_value_t permitted = CAP_CLEAR;
		if (cap_get_flag(caps, v, CAP_PERMITTED, &permitted) == 0 && permitted == CAP_SET &&
		    cap_set_ambient(v, CAP_SET) < 0)
			r = -errno;
	}
	cap_free(caps);
	return r;
}

int nstk_enter_set_credentials(struct nstk_enter_creds *c, const struct nstk_enter_target *t,
			       struct nstk_enter_error *e)
{
	int r;
	if ((c->uid_follow || c->gid_follow) && (r = read_target_ids(c, t, e)) < 0)
		return r;
	if (c->set_gid && setgroups(0, NULL) < 0 && !c->groups_cleared)
		return nstk_enter_fail(e, NSTK_ENTER_STAGE_SETGROUPS, errno, 0, NULL);
	if (c->set_gid && setgid(c->gid) < 0)
		return nstk_enter_fail(e, NSTK_ENTER_STAGE_SETGID, errno, 0, NULL);
	/* Keep the permitted set through a setuid away from 0. */
	if (c->keep_caps && c->set_uid && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return nstk_enter_fail(e, NSTK_ENTER_STAGE_KEEP_CAPS, errno, 0, NULL);
	if (c->set_uid && setuid(c->uid) < 0)
		return nstk_enter_fail(e, NSTK_ENTER_STAGE_SETUID, errno, 0, NULL);
	if (c->keep_caps && (r = raise_permitted_to_ambient()) < 0)
		return nstk_enter_fail(e, NSTK_ENTER_STAGE_KEEP_CAPS, -r, 0, NULL);
	return 0;
}

/* ---- file descriptors ------------------------------------------------------ */

int nstk_enter_close_fds(void)
{
	if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return 0;
	if (errno != ENOSYS && errno != EINVAL)
		return -errno;
	/* Before Linux 5.11: one fcntl per possible fd. */
	long max = sysconf(_SC_OPEN_MAX);
	for (long fd = 3; fd < (max > 0 ? max : 1024); fd++)
		if (fcntl((int)fd, F_SETFD, FD_CLOEXEC) < 0 && errno != EBADF)
			return -errno;
	return 0;
}

int nstk_enter_open_stdio(void)
{
	for (int fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		/* Not O_CLOEXEC: it is the command's stdio as much as ours. */
		int null = open("/dev/null", O_RDWR);
		if (null < 0)
			return -errno;
		if (null != fd) {
			int r = dup2(null, fd) < 0 ? -errno : 0;
			close(null);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* ---- small pure rules -------------------------------------------------------- */

int nstk_enter_exit_status(int wait_status)
{
	if (WIFEXITED(wait_status))
		return WEXITSTATUS(wait_status);
	if (WIFSIGNALED(wait_status))
		return 128 + WTERMSIG(wait_status);
	return 1;
}

int nstk_enter_exec_status(int err)
{
	return err == ENOENT ? 127 : 126;
}

bool nstk_enter_kernel_has_pidfd_setns(const char *release)
{
	unsigned major = 0, minor = 0;
	if (!release || sscanf(release, "%u.%u", &major, &minor) != 2)
		return false;
	return major > 5 || (major == 5 && minor >= 8);
}

size_t nstk_enter_needed_caps(unsigned kinds, int *caps, size_t max)
{
	size_t n = 0;
	if (kinds && n < max)
		caps[n++] = CAP_SYS_ADMIN;
	if ((kinds & (1u << NSTK_NS_MNT)) && n < max)
		caps[n++] = CAP_SYS_CHROOT;
	return n;
}

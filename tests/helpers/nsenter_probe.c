/*
 * nsenter_probe — what a program started by nsenter-lite (or nsenter) finds
 * itself with, for tests/bats/nsenter.bats. It needs no /proc: a program in
 * a mount namespace whose /proc belongs to a pid namespace it is not in
 * cannot resolve /proc/self.
 *
 *   nsenter_probe ns     "kind:[inode]" for the 8 kinds, one per line, in
 *                        readlink(/proc/self/ns/KIND) form, from the pidfd
 *                        ioctls PIDFD_GET_*_NAMESPACE (Linux 6.11); on an
 *                        older kernel (make check-vm boots 6.1) from the
 *                        ns links of a procfs of its own pid namespace,
 *                        made with fsopen and attached nowhere, else of
 *                        /proc
 *   nsenter_probe fds    the open fds, space-separated (fcntl F_GETFD scan)
 *   nsenter_probe cwd    what the getcwd system call says (not glibc's, which
 *                        hides "(unreachable)")
 *
 * Exit 0, or 1 with a message on stderr. It leaves by _exit: where
 * /proc/self does not resolve, a sanitizer's exit-time leak check (make
 * SAN=1 builds this too) would hang.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PIDFS_IOCTL_MAGIC 0xFF

static const struct {
	const char *name;
	unsigned long request;
} kinds[] = {
	{ "cgroup", _IO(PIDFS_IOCTL_MAGIC, 1) }, { "ipc", _IO(PIDFS_IOCTL_MAGIC, 2) },
	{ "mnt", _IO(PIDFS_IOCTL_MAGIC, 3) },	 { "net", _IO(PIDFS_IOCTL_MAGIC, 4) },
	{ "pid", _IO(PIDFS_IOCTL_MAGIC, 5) },	 { "time", _IO(PIDFS_IOCTL_MAGIC, 7) },
	{ "user", _IO(PIDFS_IOCTL_MAGIC, 9) },	 { "uts", _IO(PIDFS_IOCTL_MAGIC, 10) },
};

#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

/*
 * An O_PATH fd on the ns/ directory of this process in a procfs. The /proc
 * mounted where the probe runs may belong to another pid namespace (nsenter
 * -m without -p), where "self" does not resolve: a procfs instance made
 * with fsopen takes the pid namespace of its maker and, never attached to
 * a mount point, changes nothing. Making one needs CAP_SYS_ADMIN over the
 * mount namespace; without it (a user namespace that kept the host's mount
 * namespace, hence its /proc) the mounted /proc it is.
 */
static int own_proc_ns_dir(void)
{
	int fs = fsopen("proc", FSOPEN_CLOEXEC);
	if (fs >= 0) {
		int mnt = -1;
		if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
			mnt = fsmount(fs, FSMOUNT_CLOEXEC, 0);
		close(fs);
		if (mnt >= 0) {
			int dir = openat(mnt, "self/ns", O_PATH | O_DIRECTORY | O_CLOEXEC);
			close(mnt);
			if (dir >= 0)
				return dir;
		}
	}
	return open("/proc/self/ns", O_PATH | O_DIRECTORY | O_CLOEXEC);
}

/* Before Linux 6.11: the same lines from the ns links of a procfs. */
static int print_namespaces_procfs(void)
{
	int dir = own_proc_ns_dir();
	if (dir < 0) {
		perror("nsenter_probe: no pidfd namespace ioctls, and /proc/self/ns");
		return 1;
	}
	for (size_t i = 0; i < NKINDS; i++) {
		char link[64];
		ssize_t n = readlinkat(dir, kinds[i].name, link, sizeof(link) - 1);
		if (n < 0) {
			fprintf(stderr, "nsenter_probe: %s namespace: %s\n", kinds[i].name,
				strerror(errno));
			close(dir);
			return 1;
		}
		link[n] = '\0';
		puts(link);
	}
	close(dir);
	return 0;
}

static int print_namespaces(void)
{
	int pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	if (pidfd < 0) {
		perror("nsenter_probe: pidfd_open");
		return 1;
	}
	for (size_t i = 0; i < NKINDS; i++) {
		struct stat st;
		int fd = ioctl(pidfd, kinds[i].request, 0);
		/* A pidfd without ioctls (ENOTTY): a kernel before 6.11. */
		if (fd < 0 && i == 0 && errno == ENOTTY) {
			close(pidfd);
			return print_namespaces_procfs();
		}
		if (fd < 0 || fstat(fd, &st) < 0) {
			fprintf(stderr, "nsenter_probe: %s namespace: %s\n", kinds[i].name,
				strerror(errno));
			return 1;
		}
		printf("%s:[%llu]\n", kinds[i].name, (unsigned long long)st.st_ino);
		close(fd);
	}
	close(pidfd);
	return 0;
}

static int print_fds(void)
{
	struct rlimit rl;
	long max = getrlimit(RLIMIT_NOFILE, &rl) == 0 ? (long)rl.rlim_cur : 1024;
	if (max > 65536)
		max = 65536;
	const char *sep = "";
	for (long fd = 0; fd < max; fd++) {
		if (fcntl((int)fd, F_GETFD) >= 0) {
			printf("%s%ld", sep, fd);
			sep = " ";
		}
	}
	putchar('\n');
	return 0;
}

static int print_cwd(void)
{
	char buf[4096];
	if (syscall(SYS_getcwd, buf, sizeof(buf)) < 0) {
		perror("nsenter_probe: getcwd");
		return 1;
	}
	puts(buf);
	return 0;
}

static int probe(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "ns") == 0)
		return print_namespaces();
	if (argc == 2 && strcmp(argv[1], "fds") == 0)
		return print_fds();
	if (argc == 2 && strcmp(argv[1], "cwd") == 0)
		return print_cwd();
	fputs("usage: nsenter_probe ns|fds|cwd\n", stderr);
	return 1;
}

int main(int argc, char **argv)
{
	int status = probe(argc, argv);
	fflush(stdout);
	_exit(status);
}

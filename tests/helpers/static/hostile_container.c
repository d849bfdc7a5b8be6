/*
 * hostile_container.c — a small container that attacks whoever enters it,
 * for tests/bats/nsenter_hostile.bats (issue 17). Built static (and without
 * sanitizers), so the same file runs on the host and, copied to /hostile,
 * inside a rootfs that has no libc.
 *
 * On the host:
 *   hostile_container [-U] [-k CAP]... ROOTFS [NAME=VALUE]... -- PROG [ARG]...
 *     starts PROG (a path inside ROOTFS) as the init of new pid, mount, uts,
 *     ipc and net namespaces (-U: and a user namespace mapping 0-65535 to
 *     host 100000-165535, with every capability in it), pivot_root'ed into
 *     ROOTFS with a fresh /proc, with exactly the environment given, and,
 *     without -U, with Docker's default capability set plus each -k CAP
 *     (a number, e.g. 24 for CAP_SYS_RESOURCE). It waits for PROG and exits
 *     with its status.
 *   hostile_container probe PID
 *     prints "exe=R mem=R": whether /proc/PID/exe (ptrace read access) and
 *     /proc/PID/mem (ptrace attach access) open, R being OK or an errno name.
 *
 * Inside (PROG = /hostile MODE ...):
 *   sleep              sleep forever
 *   env-huge MIB       point its environ at MIB MiB of "HUGE=..." entries
 *                      (PR_SET_MM_MAP: needs no capability), then sleep
 *   env-nonul          overwrite every NUL of its environ, then sleep
 *   env-flip           flip the first byte of its "XD_PRELOAD=" entry between
 *                      X and L for ever, so a reader sees either
 *   watch LOG          for ever: for each other process in its /proc, try to
 *                      open its exe (and that for writing, through
 *                      /proc/self/fd, as the CVE-2019-5736 exploit does) and
 *                      its mem; append a line to LOG whenever what it sees of
 *                      a PID changes: "PID COMM exe=R write=R mem=R DEV:INO"
 *                      (write and DEV:INO only when exe opened). It never
 *                      writes a byte to what it opens.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/prctl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *result(int fd)
{
	return fd >= 0 ? "OK" : strerrorname_np(errno);
}

static void die(const char *what)
{
	fprintf(stderr, "hostile_container: %s: %s\n", what, strerror(errno));
	exit(125);
}

/* ---- inside ------------------------------------------------------------------ */

static void sleep_forever(void)
{
	for (;;)
		pause();
}

/* Fields 3.. of /proc/self/stat, by field number (field[26] is startcode). */
static void read_stat(unsigned long field[53])
{
	char buf[4096];
	int fd = open("/proc/self/stat", O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (n <= 0)
		die("read /proc/self/stat");
	close(fd);
	buf[n] = '\0';
	int k = 2;
	for (char *tok = strtok(strrchr(buf, ')') + 1, " "); tok && k < 52; tok = strtok(NULL, " "))
		field[++k] = strtoul(tok, NULL, 10);
}

/*
 * PR_SET_MM_MAP, not PR_SET_MM_ENV_START: it needs no capability at all
 * (only the single-field calls need CAP_SYS_RESOURCE in the host's user
 * namespace), so any process of any container can do this.
 */
static void env_huge(size_t mib)
{
	size_t size = mib << 20;
	char *area = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		die("mmap");
	for (size_t i = 0; i + 64 <= size; i += 64) {
		memcpy(area + i, "HUGE=", 5);
		memset(area + i + 5, 'x', 58);
		area[i + 63] = '\0';
	}
	unsigned long f[53] = { 0 };
	read_stat(f);
	struct prctl_mm_map map = {
		.start_code = f[26], .end_code = f[27], .start_stack = f[28],
		.start_data = f[45], .end_data = f[46], .start_brk = f[47],
		.brk = (unsigned long)syscall(SYS_brk, 0),
		.arg_start = f[48], .arg_end = f[49],
		.env_start = (unsigned long)area, .env_end = (unsigned long)area + size,
		.exe_fd = (unsigned)-1,
	};
	if (prctl(PR_SET_MM, PR_SET_MM_MAP, &map, sizeof(map), 0) < 0)
		die("prctl(PR_SET_MM_MAP)");
	sleep_forever();
}

static void env_nonul(void)
{
	unsigned long f[53] = { 0 };
	read_stat(f);
	for (char *p = (char *)f[50]; p < (char *)f[51]; p++)
		if (*p == '\0')
			*p = 'A';
	sleep_forever();
}

static void env_flip(void)
{
	extern char **environ;
	volatile char *first = NULL;
	for (char **e = environ; *e; e++)
		if (strncmp(*e, "XD_PRELOAD=", 11) == 0)
			first = *e;
	if (!first)
		die("no XD_PRELOAD= in the environment");
	for (;;)
		*first = *first == 'X' ? 'L' : 'X';
}

struct seen {
	int pid;
	char line[256];
};

static void watch_one(int log, int pid, struct seen *seen, size_t *n_seen)
{
	char path[64], comm[64] = "?", line[256];
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	int fd = open(path, O_RDONLY);
	if (fd >= 0) {
		ssize_t n = read(fd, comm, sizeof(comm) - 1);
		comm[n > 0 ? n - 1 : 0] = '\0';
		close(fd);
	}
	snprintf(path, sizeof(path), "/proc/%d/exe", pid);
	int exe = open(path, O_RDONLY);
	const char *exe_r = result(exe);
	char extra[128] = "";
	if (exe >= 0) {
		struct stat st;
		char fdpath[64];
		snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", exe);
		int w = open(fdpath, O_WRONLY);
		snprintf(extra, sizeof(extra), " write=%s", result(w));
		if (w >= 0)
			close(w);
		if (fstat(exe, &st) == 0)
			snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra), " %lu:%lu",
				 (unsigned long)st.st_dev, (unsigned long)st.st_ino);
		close(exe);
	}
	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	int mem = open(path, O_RDONLY);
	snprintf(line, sizeof(line), "%d %s exe=%s mem=%s%s\n", pid, comm, exe_r, result(mem),
		 extra);
	if (mem >= 0)
		close(mem);
	for (size_t i = 0; i < *n_seen; i++)
		if (seen[i].pid == pid) {
			if (strcmp(seen[i].line, line) != 0) {
				snprintf(seen[i].line, sizeof(seen[i].line), "%s", line);
				(void)!write(log, line, strlen(line));
			}
			return;
		}
	if (*n_seen < 4096) {
		seen[*n_seen].pid = pid;
		snprintf(seen[*n_seen].line, sizeof(seen[*n_seen].line), "%s", line);
		(*n_seen)++;
	}
	(void)!write(log, line, strlen(line));
}

static void watch(const char *log_path)
{
	static struct seen seen[4096];
	size_t n_seen = 0;
	int log = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (log < 0)
		die(log_path);
	(void)!write(log, "watching\n", 9);
	for (;;) {
		DIR *d = opendir("/proc");
		if (!d)
			die("/proc");
		struct dirent *de;
		while ((de = readdir(d))) {
			int pid = atoi(de->d_name);
			if (pid > 0 && pid != getpid())
				watch_one(log, pid, seen, &n_seen);
		}
		closedir(d);
		nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
	}
}

/* ---- on the host ----------------------------------------------------------------- */

static void probe(int pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/exe", pid);
	int exe = open(path, O_RDONLY);
	printf("exe=%s", result(exe));
	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	int mem = open(path, O_RDONLY);
	printf(" mem=%s\n", result(mem));
}

/* Docker's default capabilities (moby's oci/caps/defaults.go). */
static const int docker_caps[] = {
	CAP_CHOWN,	CAP_DAC_OVERRIDE,     CAP_FSETID,   CAP_FOWNER, CAP_MKNOD,
	CAP_NET_RAW,	CAP_SETGID,	      CAP_SETUID,   CAP_SETFCAP, CAP_SETPCAP,
	CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT, CAP_KILL,	    CAP_AUDIT_WRITE,
};

static void keep_only(unsigned long long keep)
{
	for (int c = 0; c <= 63; c++)
		if (!(keep & (1ULL << c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 &&
		    errno != EINVAL)
			die("PR_CAPBSET_DROP");
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = { 0 };
	for (int i = 0; i < 2; i++)
		d[i].effective = d[i].permitted = d[i].inheritable = (unsigned)(keep >> (32 * i));
	if (syscall(SYS_capset, &h, d) < 0)
		die("capset");
}

struct child_args {
	const char *rootfs;
	char **env, **argv;
	int sync[2];
	int userns;
	unsigned long long keep;
};

static int child(void *arg)
{
	struct child_args *a = arg;
	char c;
	/* Never outlive the launcher (a test killed by timeout). */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	close(a->sync[1]);
	if (read(a->sync[0], &c, 1) != 1)
		die("waiting for the uid map");
	if (a->userns && (setgid(0) < 0 || setuid(0) < 0))
		die("setuid in the user namespace");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount(a->rootfs, a->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0 || chdir(a->rootfs) < 0)
		die("bind mount of the rootfs");
	if (syscall(SYS_pivot_root, ".", ".oldroot") < 0 || chdir("/") < 0)
		die("pivot_root");
	/* Before the old root goes: in a user namespace the kernel mounts a
	 * proc only while a fully visible one is in the mount namespace. */
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		die("mount /proc");
	if (umount2("/.oldroot", MNT_DETACH) < 0)
		die("umount the old root");
	if (sethostname("hostile", 7) < 0)
		die("sethostname");
	if (!a->userns)
		keep_only(a->keep);
	execve(a->argv[0], a->argv, a->env);
	die(a->argv[0]);
	return 125;
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		die(path);
	close(fd);
}

static int run(int argc, char **argv)
{
	struct child_args a = { 0 };
	int i = 1;
	for (size_t k = 0; k < sizeof(docker_caps) / sizeof(docker_caps[0]); k++)
		a.keep |= 1ULL << docker_caps[k];
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-U") == 0)
			a.userns = 1;
		else if (strcmp(argv[i], "-k") == 0 && i + 1 < argc)
			a.keep |= 1ULL << atoi(argv[++i]);
		else
			break;
	}
	if (i >= argc)
		return 2;
	a.rootfs = argv[i++];
	int env_start = i;
	while (i < argc && strcmp(argv[i], "--") != 0)
		i++;
	if (i + 1 >= argc)
		return 2;
	argv[i] = NULL;
	a.env = argv + env_start;
	a.argv = argv + i + 1;
	/* Made here, by host root: root of a user namespace may not write
	 * into a rootfs that host root owns. */
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/.oldroot", a.rootfs);
	mkdir(dir, 0700);
	snprintf(dir, sizeof(dir), "%s/proc", a.rootfs);
	mkdir(dir, 0555);
	if (pipe(a.sync) < 0)
		die("pipe");
	static char stack[256 << 10];
	int flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET |
		    (a.userns ? CLONE_NEWUSER : 0) | SIGCHLD;
	pid_t pid = clone(child, stack + sizeof(stack), flags, &a);
	if (pid < 0)
		die("clone");
	close(a.sync[0]);
	if (a.userns) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/uid_map", pid);
		write_file(path, "0 100000 65536\n");
		snprintf(path, sizeof(path), "/proc/%d/gid_map", pid);
		write_file(path, "0 100000 65536\n");
	}
	if (write(a.sync[1], "x", 1) != 1)
		die("start the container");
	close(a.sync[1]);
	int status;
	if (waitpid(pid, &status, 0) < 0)
		die("waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	if (strcmp(mode, "sleep") == 0)
		sleep_forever();
	if (strcmp(mode, "env-huge") == 0 && argc > 2)
		env_huge(strtoul(argv[2], NULL, 10));
	if (strcmp(mode, "env-nonul") == 0)
		env_nonul();
	if (strcmp(mode, "env-flip") == 0)
		env_flip();
	if (strcmp(mode, "watch") == 0 && argc > 2)
		watch(argv[2]);
	if (strcmp(mode, "probe") == 0 && argc > 2) {
		probe(atoi(argv[2]));
		return 0;
	}
	return run(argc, argv);
}

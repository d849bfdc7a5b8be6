/*
 * enter.h — entering another process's namespaces, safely: the library half
 * of nsenter-lite.
 *
 * The one idea: pin the target before looking at it (a pidfd, and a
 * /proc/PID directory fd that the pidfd vouches for), so every later read and
 * the setns itself concern that one process or fail; and make what will be
 * entered a plan — plain data, decided by a pure function — before anything
 * is entered, so --dry-run shows exactly what a real run does.
 *
 * A tool calls, in this order:
 *   nstk_enter_target_open / nstk_enter_find_container   pin the target
 *   nstk_enter_plan_read, nstk_enter_plan_decide          what to enter
 *   nstk_enter_read_environ (+ _sanitize), nstk_enter_join_cgroups
 *                                                        before entering
 *   nstk_enter_namespaces                                 the setns calls
 *   nstk_enter_set_root_and_cwd, nstk_enter_set_credentials,
 *   nstk_enter_close_fds                                  then exec
 *
 * Every function returns 0 or -errno; the ones that touch the system also
 * fill a struct nstk_enter_error saying which stage failed and on what, from
 * which the tool writes its one line. Nothing here prints or exits.
 */
#ifndef NSTK_ENTER_H
#define NSTK_ENTER_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "nstk/container_scan.h"
#include "nstk/ns.h"

/* What failed, for the tool's message. */
enum nstk_enter_stage {
	NSTK_ENTER_STAGE_NONE,
	NSTK_ENTER_STAGE_OPEN_TARGET,	/* pidfd_open, open /proc/PID */
	NSTK_ENTER_STAGE_TARGET_EXITED, /* the target exited (or was reaped) under us */
	NSTK_ENTER_STAGE_FIND_CONTAINER,
	NSTK_ENTER_STAGE_READ_NS,    /* reading the target's ns links (kinds) */
	NSTK_ENTER_STAGE_OPEN_FILE,  /* a --net=FILE (path) */
	NSTK_ENTER_STAGE_WRONG_KIND, /* path is no nsfs file of that kind */
	NSTK_ENTER_STAGE_NS_CHANGED, /* the target changed namespace while we entered */
	NSTK_ENTER_STAGE_SETNS,	     /* setns for kinds */
	NSTK_ENTER_STAGE_READ_ENVIRON,
	NSTK_ENTER_STAGE_CGROUP,	  /* joining: path is the cgroup.procs file */
	NSTK_ENTER_STAGE_ROOT,		  /* path: the directory, or "" for the target's */
	NSTK_ENTER_STAGE_CWD,		  /* likewise */
	NSTK_ENTER_STAGE_CWD_UNREACHABLE, /* path: what getcwd reported */
	NSTK_ENTER_STAGE_READ_IDS,	  /* /proc/PID/status for -S/-G follow */
	NSTK_ENTER_STAGE_SETGROUPS,
	NSTK_ENTER_STAGE_SETGID,
	NSTK_ENTER_STAGE_SETUID,
	NSTK_ENTER_STAGE_KEEP_CAPS,
	NSTK_ENTER_STAGE_CLOSE_FDS,
	NSTK_ENTER_STAGE_SOCKET,      /* -N: the target's socket (pidfd_getfd, SIOCGSKNS) */
	NSTK_ENTER_STAGE_USER_PARENT, /* --user-parent: NS_GET_USERNS */
	NSTK_ENTER_STAGE_CONTEXT,     /* -Z: the target's SELinux context */
};

struct nstk_enter_error {
	enum nstk_enter_stage stage;
	int err;	     /* errno, positive */
	unsigned kinds;	     /* bit (1 << kind) for each namespace kind concerned */
	char path[PATH_MAX]; /* the file concerned, or "" */
};

/* ---- the target ------------------------------------------------------- */

struct nstk_enter_target {
	pid_t pid;  /* 0: none (namespace files only) */
	int pidfd;  /* pins the process (or the thread); -1 without a target */
	int procfd; /* /proc/PID (O_PATH), opened while the pidfd said alive */
	pid_t tgid; /* pid is a thread of process tgid; 0: pid is a process */
	/* setns(pidfd) enters pid's own namespaces: false for a thread pinned
	 * by its process's pidfd (before Linux 6.9's PIDFD_THREAD), whose
	 * namespaces are entered through /proc/TID/ns files instead. */
	bool pidfd_is_target;
};

#define NSTK_ENTER_TARGET_NONE                                                                     \
	{                                                                                          \
		.pid = 0, .pidfd = -1, .procfd = -1, .tgid = 0, .pidfd_is_target = false           \
	}

/*
 * Pin pid: pidfd_open, then open /proc/PID, then check the pidfd still says
 * the process runs, so the directory is that process's and not a successor's
 * with the same number. A thread ID is pinned too, as nsenter and lsns take
 * one (a thread can unshare namespaces of its own): with a PIDFD_THREAD
 * pidfd (Linux 6.9+), else with its process's pidfd and a check that
 * /proc/TID still belongs to that process. Stages: OPEN_TARGET (-ESRCH: no
 * such process), TARGET_EXITED (a zombie).
 */
int nstk_enter_target_open(pid_t pid, struct nstk_enter_target *t, struct nstk_enter_error *e);
void nstk_enter_target_close(struct nstk_enter_target *t);
/* Whether the pinned process has not exited (poll on the pidfd). */
bool nstk_enter_target_alive(const struct nstk_enter_target *t);

/*
 * Scan /proc for the container (nstk_container_scan) and pin its process. -ENOENT: no process
 * names it; -ENOTUNIQ: the prefix names two containers (pick->found and
 * pick->other say which); -ESRCH: only its monitor runs (entering that would
 * land in the host's namespaces). Stage FIND_CONTAINER, or the target_open
 * stages.
 */
int nstk_enter_find_container(const char *id_or_prefix, struct nstk_container_pick *pick,
			      struct nstk_enter_target *t, struct nstk_enter_error *e);

/*
 * The container the pinned target belongs to, from its /proc/PID/cgroup
 * (read through the pinned /proc/PID): 1 and *c, 0 when it names none,
 * -errno when it cannot be read.
 */
int nstk_enter_target_container(const struct nstk_enter_target *t, struct nstk_container *c);

/* ---- the plan ----------------------------------------------------------- */

/* Why a kind is or is not entered. */
enum nstk_enter_reason {
	NSTK_ENTER_NOT_ASKED,	/* no option named it */
	NSTK_ENTER_ASKED,	/* its option was given (-n, --net=FILE) */
	NSTK_ENTER_DIFFERS,	/* -a, and the target's differs from ours */
	NSTK_ENTER_SAME,	/* -a, and it is ours already */
	NSTK_ENTER_OWN_USERNS,	/* our own user namespace: setns(2) refuses it */
	NSTK_ENTER_UNSUPPORTED, /* -a, and this kernel has no such kind */
	NSTK_ENTER_REASON_COUNT
};
/* "asked", "differs", ... as --dry-run -J prints them. */
const char *nstk_enter_reason_name(enum nstk_enter_reason r);

struct nstk_enter_ns {
	bool asked;	     /* its own option was given */
	const char *file;    /* --net=FILE: enter this nsfs file, not the target's */
	int fd;		     /* the file, O_CLOEXEC, or -1 */
	uint64_t target_ino; /* of the file, else of the target's link; 0 unknown */
	uint64_t self_ino;   /* ours; 0 unknown */
	int target_err;	     /* errno that left target_ino unknown, or 0 */
	int self_err;	     /* likewise for self_ino */
	bool enter;
	enum nstk_enter_reason reason;
};

struct nstk_enter_plan {
	struct nstk_enter_ns ns[NSTK_NS_KIND_COUNT];
	/* What ns[k].file says when the fd came from elsewhere (-N, --user-parent). */
	char source[NSTK_NS_KIND_COUNT][64];
	bool all;     /* -a */
	bool no_fork; /* -F */
	/* Decided: */
	bool use_pidfd;	      /* one setns(pidfd, mask), else one fd per kind */
	bool user_first;      /* enter the user namespace before the others */
	bool fork;	      /* a pid namespace is entered and -F was not given */
	bool pid_without_mnt; /* the pid namespace without the mount one: warn */
};

/* Every fd -1, nothing asked. */
void nstk_enter_plan_init(struct nstk_enter_plan *p);
/* Close the fds the plan holds. */
void nstk_enter_plan_close(struct nstk_enter_plan *p);

/*
 * Open the asked files (checking each is an nsfs file of its kind: stage
 * WRONG_KIND) and read the inodes of all eight kinds, ours and the target's
 * (t may be NSTK_ENTER_TARGET_NONE). A target link that cannot be read is
 * recorded (target_err), not fatal; a target that exited meanwhile is
 * (stage TARGET_EXITED).
 */
int nstk_enter_plan_read(struct nstk_enter_plan *p, const struct nstk_enter_target *t,
			 struct nstk_enter_error *e);

/*
 * Decide, from what plan_read found, which kinds to enter and how. Pure.
 *   privileged     the caller has CAP_SYS_ADMIN: then the user namespace is
 *                  entered last (entering it first would drop the privilege
 *                  the other setns calls need), else first (to gain it);
 *                  nsenter's two passes, decided up front;
 *   pidfd_setns    setns(pidfd, mask) can be used (a target, Linux >= 5.8).
 * Errors (stage READ_NS): -a and a target link that could not be read.
 */
int nstk_enter_plan_decide(struct nstk_enter_plan *p, bool privileged, bool pidfd_setns,
			   struct nstk_enter_error *e);

/*
 * -N, --net-socket FD: the plan's network namespace becomes that of socket
 * FD of the target (a copy taken with pidfd_getfd, then SIOCGSKNS; Linux
 * 5.6+), as nsenter 2.42. Call after plan_read. Stage SOCKET.
 */
int nstk_enter_plan_net_socket(struct nstk_enter_plan *p, const struct nstk_enter_target *t,
			       int sockfd, struct nstk_enter_error *e);
/*
 * --user-parent: the plan's user namespace becomes the parent of the one it
 * names (-U FILE's, else the target's), as nsenter 2.42. Call after
 * plan_read. Stage USER_PARENT (-EPERM: the parent is outside our reach).
 */
int nstk_enter_plan_user_parent(struct nstk_enter_plan *p, const struct nstk_enter_target *t,
				struct nstk_enter_error *e);

/*
 * -Z: the target's SELinux context (attr/current) as the context of our
 * next exec (attr/exec). 0, doing nothing, when SELinux is not enabled here
 * (nothing to follow). Stage CONTEXT.
 */
int nstk_enter_follow_context(const struct nstk_enter_target *t, struct nstk_enter_error *e);

/* Bitmask (1 << kind) of the kinds the plan enters. */
unsigned nstk_enter_plan_kinds(const struct nstk_enter_plan *p);

/*
 * The setns calls of a plan, in order: each enters kinds (a bitmask) through
 * the pidfd (fd_kind -1) or through ns[fd_kind].fd. With the pidfd, one call
 * carries every kind the plan does not take from a file, the user namespace
 * first (the kernel enters it first within one call) or in a call of its own
 * at the end; files follow nsenter's order: cgroup ipc uts net pid mnt time.
 * user_first overrides plan->user_first. Returns how many steps (<= max).
 */
struct nstk_enter_step {
	int fd_kind;
	unsigned kinds;
};
#define NSTK_ENTER_MAX_STEPS (NSTK_NS_KIND_COUNT + 1)
size_t nstk_enter_steps(const struct nstk_enter_plan *p, bool user_first,
			struct nstk_enter_step *steps, size_t max);

/* The CLONE_NEW* flags of a kinds bitmask. */
int nstk_enter_clone_flags(unsigned kinds);

/*
 * Enter the plan's namespaces. Without the pidfd path, the target's
 * /proc/PID/ns/<kind> files are opened first and each is checked against the inode
 * planned and the pidfd's liveness, so a target that exits is an error,
 * never another process's namespace. If the first call fails with EPERM and
 * a user namespace is part of the plan, the other order is tried once.
 * Stages: SETNS (-EPERM: privilege; -ESRCH: the target exited),
 * TARGET_EXITED, NS_CHANGED.
 */
int nstk_enter_namespaces(struct nstk_enter_plan *p, const struct nstk_enter_target *t,
			  struct nstk_enter_error *e);

/* ---- before entering ---------------------------------------------------- */

/*
 * The target's environment (/proc/PID/environ) as a NULL-terminated vector
 * of "NAME=value" strings; free with nstk_enter_environ_free. An environ
 * over NSTK_ENTER_ENVIRON_MAX bytes is -EFBIG (stage READ_ENVIRON): exec
 * cannot make one over 6 MiB (3/4 of the kernel's 8 MiB _STK_LIM), so a
 * larger one was pointed at other memory with PR_SET_MM by its process.
 */
#define NSTK_ENTER_ENVIRON_MAX (UINT64_C(8) << 20)
int nstk_enter_read_environ(const struct nstk_enter_target *t, char ***env,
			    struct nstk_enter_error *e);
void nstk_enter_environ_free(char **env);
/* Split NUL-separated "NAME=value" text into a vector (entries without '='
 * are dropped). Pure; the strings are copies. */
int nstk_enter_split_environ(const char *text, size_t len, char ***env);

/*
 * What -e does with a variable of the target's environment, by its name
 * (lib/enter/enter_environ.c has the table and the reason for each group). Pure.
 */
enum nstk_enter_env_rule {
	NSTK_ENTER_ENV_KEEP,		   /* the target's value */
	NSTK_ENTER_ENV_DROP,		   /* changes what runs before main: not passed */
	NSTK_ENTER_ENV_CALLER,		   /* names programs (PATH, SHELL, PAGER): ours */
	NSTK_ENTER_ENV_CALLER_OUTSIDE_MNT, /* names config (HOME, XDG_*): ours unless -m */
};
enum nstk_enter_env_rule nstk_enter_env_rule(const char *name, size_t len);

/*
 * Rewrite a vector from nstk_enter_split_environ for the command: entries
 * the rules drop move to *dropped (a NULL-terminated vector the tool names
 * to the user, then frees with nstk_enter_environ_free), entries the
 * caller's value replaces are freed, and for each of those rules the target
 * had, the caller's values (from caller, a NULL-terminated "NAME=value"
 * vector such as environ, or NULL) are appended: the target's PATH becomes
 * ours, and a target without PATH gets none. mnt_entered: the command runs in the target's mount namespace.
 * *env is replaced (or, on -ENOMEM, freed and NULL). Pure.
 */
int nstk_enter_environ_sanitize(char ***env, char *const *caller, bool mnt_entered,
				char ***dropped);

/*
 * Join the target's cgroups: for each line of /proc/PID/cgroup whose
 * hierarchy is mounted here (v1 hierarchies by their controllers or name=,
 * the unified one as cgroup2), write "0" to <mount><path>/cgroup.procs. On a
 * hybrid host that is every v1 hierarchy and the unified one. Lines whose
 * hierarchy is not mounted are skipped; *joined counts the others. Nothing
 * joined is -ENOENT. Stage CGROUP (path: the cgroup.procs; -EBUSY on the
 * unified hierarchy is v2's no-internal-process rule).
 */
int nstk_enter_join_cgroups(const struct nstk_enter_target *t, size_t *joined,
			    struct nstk_enter_error *e);
/*
 * Where the hierarchy of one /proc/PID/cgroup line is mounted, from
 * mountinfo text: the directory that holds the line's cgroup, written to dir.
 * Returns 1 found, 0 not mounted, -ENAMETOOLONG. Pure.
 */
int nstk_enter_cgroup_dir(const char *mountinfo, size_t len, const char *cgroup_line,
			  size_t line_len, char *dir, size_t size);

/* ---- after entering ----------------------------------------------------- */

struct nstk_enter_dirs {
	bool root;	      /* -r */
	const char *root_dir; /* -rDIR; NULL: the target's root */
	bool wd;	      /* -w */
	const char *wd_dir;   /* -wDIR; NULL: the target's working directory */
};

/*
 * Set root and cwd, all opened after entering, so nothing from the caller's
 * mount namespace tunnels in: -r chroots to DIR (resolved in the entered
 * mount namespace) or the target's root; -w goes to DIR (relative to the new
 * root) or the target's cwd; without -w, cwd is "/" whenever the mount
 * namespace or root changed. Last, a cwd that getcwd(2) reports as
 * "(unreachable)" is refused (stage CWD_UNREACHABLE).
 */
int nstk_enter_set_root_and_cwd(const struct nstk_enter_dirs *d, const struct nstk_enter_target *t,
				bool mnt_entered, struct nstk_enter_error *e);

struct nstk_enter_creds {
	bool set_uid, set_gid; /* -S, -G, or entering a user namespace */
	uid_t uid;
	gid_t gid;
	bool uid_follow, gid_follow; /* -S follow / -G follow: the target's */
	bool keep_caps;		     /* --keep-caps */
	bool groups_cleared;	     /* setgroups(0) worked before entering */
};

/*
 * What credentials the command gets. Pure. As nsenter: entering a user
 * namespace without --preserve-credentials means uid and gid 0 (unless -S/-G
 * say otherwise) with supplementary groups cleared.
 */
void nstk_enter_creds_decide(struct nstk_enter_creds *c, bool user_entered, bool preserve);

/*
 * Clear supplementary groups before entering, while the caller still has its
 * privilege in its own user namespace (records c->groups_cleared); nsenter
 * does the same, because inside a user namespace setgroups is often denied.
 */
void nstk_enter_creds_prepare(struct nstk_enter_creds *c);

/*
 * setgroups (an error only if it failed before entering too), setgid, setuid,
 * then with keep_caps the permitted set raised into the ambient one so the
 * command keeps it across exec. "follow" reads the target's effective ids
 * from /proc/PID/status after entering, so they are mapped into the entered
 * user namespace.
 */
int nstk_enter_set_credentials(struct nstk_enter_creds *c, const struct nstk_enter_target *t,
			       struct nstk_enter_error *e);
/* The effective uid and gid on the Uid:/Gid: lines of /proc/PID/status. Pure. */
int nstk_enter_parse_status_ids(const char *text, size_t len, uid_t *uid, gid_t *gid);

/*
 * Mark every fd from 3 up close-on-exec (close_range(CLOSE_RANGE_CLOEXEC),
 * or one fcntl per fd where the kernel lacks it).
 */
int nstk_enter_close_fds(void);

/*
 * Make sure fds 0, 1 and 2 are open (to /dev/null when not), so no fd opened
 * later takes their number and gets mistaken for stdio. Call first.
 */
int nstk_enter_open_stdio(void);

/* ---- small pure rules ----------------------------------------------------- */

/* Exit status for a wait status: the code, 128+N for signal N, else 1. */
int nstk_enter_exit_status(int wait_status);
/* Exit status when exec fails with err: 127 not found, 126 otherwise. */
int nstk_enter_exec_status(int err);
/* Whether a kernel release ("5.8.0-1-amd64") has setns(pidfd): >= 5.8. */
bool nstk_enter_kernel_has_pidfd_setns(const char *release);
/*
 * The capabilities (CAP_* numbers) setns needs for kinds, written to caps;
 * returns how many: CAP_SYS_ADMIN, and CAP_SYS_CHROOT for a mount namespace.
 */
size_t nstk_enter_needed_caps(unsigned kinds, int *caps, size_t max);

#endif

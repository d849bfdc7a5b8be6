/*
 * nsenter-lite.h — what the files of nsenter-lite share: the parsed command
 * line, and the three helpers main() calls (messages, --dry-run output, the
 * fork that relays signals for a pid namespace).
 */
#ifndef NSENTER_LITE_H
#define NSENTER_LITE_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "nstk/enter.h"

#define PROG "nsenter-lite"
#define TOOL_NAME PROG
#include "../tool.h"

struct options {
	pid_t pid;		       /* -t */
	const char *container;	       /* --container */
	char netns_path[PATH_MAX];     /* --netns NAME, as /run/netns/NAME */
	struct nstk_enter_plan plan;   /* asked kinds, files, -a, -F */
	struct nstk_enter_dirs dirs;   /* -r, -w */
	struct nstk_enter_creds creds; /* -S, -G, --keep-caps */
	bool preserve_credentials;
	int net_socket;	      /* -N FD: the netns of the target's socket FD; -1 none */
	bool user_parent;     /* --user-parent */
	bool follow_context;  /* -Z */
	bool env, env_unsafe, join_cgroup, keep_fds, dry_run, json;
	char **command; /* NULL-terminated; empty: the shell */
};

/* What the target is, for messages: set once it is pinned. */
struct target_info {
	pid_t pid;			      /* 0: no target, namespace files only */
	const char *container;		      /* as typed after --container, or NULL */
	char label[NSTK_CONTAINER_LABEL_MAX]; /* "docker:3f2a1b0c9d8e", or "" */
};

/* report.c: the one line for a failure, and the warnings. */
void report_error(const struct nstk_enter_error *e, const struct target_info *ti,
		  const struct nstk_container_pick *pick);
void warn_pid_without_mnt(void);
/* -e: the names of the variables left out, on one line (nothing when none). */
void warn_env_dropped(const struct target_info *ti, char *const *dropped);

/* dryrun.c: the plan as a table or as JSON (-J); returns the exit status. */
int print_plan(const struct nstk_enter_plan *p, const struct target_info *ti, bool json,
	       bool join_cgroup);

/*
 * relay.c: fork for a pid namespace. In the child: PDEATHSIG set (SIGKILL),
 * signal mask restored, returns 0. In the parent: returns the child's PID;
 * relay_until_exit() then forwards SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1,
 * SIGUSR2 and SIGWINCH to it, mirrors its stops, and returns the exit status.
 * -errno when fork fails.
 */
pid_t fork_relaying(sigset_t *relayed);
int relay_until_exit(pid_t child, const sigset_t *relayed);

#endif

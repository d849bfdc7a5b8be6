/*
 * relay.c — the fork nsenter-lite makes when it enters a pid namespace
 * (setns only moves the children of the caller there).
 *
 * The one idea: the parent never runs a signal handler. It blocks the
 * signals it relays and SIGCHLD before forking and then takes them one at a
 * time with sigwaitinfo(), so a signal can neither arrive before the child's
 * PID is known nor interrupt the bookkeeping. The child learns of its
 * parent's death by PR_SET_PDEATHSIG, checked against a pidfd of the parent
 * taken before the fork (getppid() says 0 across a pid namespace, so it
 * cannot tell).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nsenter-lite.h"
#include "nstk/util.h"

static const int relayed_signals[] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH
};

static bool process_exited(int pidfd)
{
	struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
	return pidfd >= 0 && poll(&pfd, 1, 0) > 0;
}

pid_t fork_relaying(sigset_t *relayed)
{
	sigset_t old;
	sigemptyset(relayed);
	for (size_t i = 0; i < NSTK_ARRAY_SIZE(relayed_signals); i++)
		sigaddset(relayed, relayed_signals[i]);
	sigaddset(relayed, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, relayed, &old) < 0)
		return -errno;
	_cleanup_close_ int parent = (int)syscall(SYS_pidfd_open, getpid(), 0);
	pid_t child = fork();
	if (child < 0)
		return -errno;
	if (child > 0)
		return child;
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || process_exited(parent))
		_exit(1);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return 0;
}

/* Reap what SIGCHLD announced: the exit status, or -1 while it runs. */
static int reap(pid_t child)
{
	int status;
	pid_t w;
	while ((w = waitpid(child, &status, WNOHANG | WUNTRACED)) == child) {
		if (!WIFSTOPPED(status))
			return nstk_enter_exit_status(status);
		/* The child stopped (^Z): stop too, and wake it when we are woken. */
		kill(getpid(), SIGSTOP);
		kill(child, SIGCONT);
	}
	return w < 0 && errno == ECHILD ? 1 : -1;
}

int relay_until_exit(pid_t child, const sigset_t *relayed)
{
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(relayed, &si);
		if (sig < 0)
			continue;
		if (sig == SIGCHLD) {
			int status = reap(child);
			if (status >= 0)
				return status;
			continue;
		}
		/* The terminal signals its whole foreground process group: if the
		 * child is in ours, it has this signal already. */
		if (si.si_code == SI_KERNEL && getpgid(child) == getpgrp())
			continue;
		kill(child, sig);
	}
}

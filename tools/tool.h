/*
 * tool.h — the edge every nstk tool shares: the one-line usage error, the
 * check that stdout was really written, and how a closed stdout ends a
 * tool. Define TOOL_NAME before including it; messages start with it, as
 * err(3)'s do.
 */
#ifndef NSTK_TOOL_H
#define NSTK_TOOL_H

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef TOOL_NAME
#error "define TOOL_NAME before including tool.h"
#endif

#define EXIT_USAGE 2

/* "TOOL: <message>; try 'TOOL --help'" on stderr; returns EXIT_USAGE. */
static inline int usage_error(const char *fmt, const char *arg)
{
	fputs(TOOL_NAME ": ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("; try '" TOOL_NAME " --help'\n", stderr);
	return EXIT_USAGE;
}

/*
 * The one line for what getopt_long refused (run with opterr = 0, so that
 * its own two lines, with the path of argv[0], never appear): word is the
 * argument it stopped at (argv[optind - 1]), opt its optopt.
 */
static inline int option_error(const char *shortopts, const char *word, int opt)
{
	if (opt && strchr(shortopts, opt))
		return usage_error("option '%s' needs an argument", word);
	if (opt)
		return usage_error("unknown option '-%s'", (const char[]){ (char)opt, 0 });
	return usage_error("unknown option '%s'", word);
}

/*
 * A reader that went away (nsls | head -1) ends a tool as it ends cat(1):
 * killed by SIGPIPE at the next write, with nothing on stderr and no half
 * line after it. A caller that ignored or blocked SIGPIPE (Python's
 * subprocess, some CI runners) would instead get EPIPE on every write, a
 * "Broken pipe" message, or with cgtop -b a loop that never ends; so the
 * tools that only write (nsls, cgtop) restore the default first thing.
 * nsenter-lite does not: the program it runs inherits the caller's choice.
 */
static inline void sigpipe_default(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	signal(SIGPIPE, SIG_DFL);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/*
 * 0, or 1 with a message when stdout could not be written (a full disk).
 * A closed pipe (EPIPE: SIGPIPE was ignored) ends the tool by SIGPIPE,
 * quietly, as it would have had SIGPIPE not been ignored.
 */
static inline int flush_stdout(void)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return EXIT_SUCCESS;
	if (errno == EPIPE) {
		sigpipe_default();
		raise(SIGPIPE);
	}
	fprintf(stderr, TOOL_NAME ": write error: %s\n", strerror(errno));
	return EXIT_FAILURE;
}

#endif

/*
 * tool.h — the edge every nstk tool shares: the parse_argv() convention,
 * the one-line warning and usage error, the table of options that exclude
 * each other, the check that stdout was really written, and how a closed
 * stdout ends a tool. Define TOOL_NAME before including it; messages start
 * with it, as err(3)'s do.
 */
#ifndef NSTK_TOOL_H
#define NSTK_TOOL_H

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef TOOL_NAME
#error "define TOOL_NAME before including tool.h"
#endif

#define EXIT_USAGE 2

/*
 * Every tool's main() starts with the same parse_argv() convention (as
 * systemd's tools): it returns 1 to go on, 0 to exit 0 at once (--help and
 * --version printed), or a negative errno after saying why in one line
 * (usage_error), and main() turns that into EXIT_USAGE. Options that
 * cannot be given together are a table (tool_exclusive), not a chain of ifs.
 */

/* "TOOL: <message>" on stderr, one line, as warnx(3). */
__attribute__((format(printf, 1, 2))) static inline void tool_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs(TOOL_NAME ": ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* tool_warn(), then EXIT_FAILURE: the runtime failure of a tool's main(). */
#define tool_fail(...) (tool_warn(__VA_ARGS__), EXIT_FAILURE)

/* "TOOL: <message>; try 'TOOL --help'" on stderr; returns -EINVAL (parse_argv's error). */
__attribute__((format(printf, 1, 2))) static inline int usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs(TOOL_NAME ": ", stderr);
	vfprintf(stderr, fmt, ap);
	fputs("; try '" TOOL_NAME " --help'\n", stderr);
	va_end(ap);
	return -EINVAL;
}

/*
 * The one line for what getopt_long refused (run with opterr = 0, so that
 * its own two lines, with the path of argv[0], never appear): word is the
 * argument it stopped at (argv[optind - 1]), opt its optopt. -EINVAL.
 */
static inline int option_error(const char *shortopts, const char *word, int opt)
{
	if (opt && strchr(shortopts, opt))
		return usage_error("option '%s' needs an argument", word);
	if (opt)
		return usage_error("unknown option '-%c'", opt);
	return usage_error("unknown option '%s'", word);
}

/*
 * Groups of options that exclude each other, as util-linux's
 * err_exclusive_options: each group lists getopt_long values, ended by 0
 * (so up to three per group). The caller marks each option it saw in
 * seen[] (indexed by value, TOOL_OPT_MAX long) and asks once after the
 * loop, so the message does not depend on the order on the command line:
 * "--json and --raw are mutually exclusive", in the group's order.
 */
#define TOOL_OPT_MAX 0x200
struct tool_exclusive {
	int opts[4];
};

static inline const char *tool_option_name(const struct option *longopts, int val)
{
	for (const struct option *o = longopts; o->name; o++)
		if (o->val == val && !o->flag)
			return o->name;
	return "?";
}

static inline int tool_check_exclusive(const struct tool_exclusive *groups, size_t n,
				       const struct option *longopts, const bool seen[TOOL_OPT_MAX])
{
	for (size_t g = 0; g < n; g++) {
		int first = 0;
		for (const int *o = groups[g].opts; *o; o++) {
			if (!seen[*o])
				continue;
			if (first)
				return usage_error("--%s and --%s are mutually exclusive",
						   tool_option_name(longopts, first), tool_option_name(longopts, *o));
			first = *o;
		}
	}
	return 0;
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

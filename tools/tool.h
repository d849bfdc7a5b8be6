/*
 * tool.h — the edge every nstk tool shares: the one-line usage error and the
 * check that stdout was really written. Define TOOL_NAME before including
 * it; messages start with it, as err(3)'s do.
 */
#ifndef NSTK_TOOL_H
#define NSTK_TOOL_H

#include <errno.h>
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

/* 0, or 1 with a message when stdout could not be written (a full disk, a closed pipe). */
static inline int flush_stdout(void)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return EXIT_SUCCESS;
	fprintf(stderr, TOOL_NAME ": write error: %s\n", strerror(errno));
	return EXIT_FAILURE;
}

#endif

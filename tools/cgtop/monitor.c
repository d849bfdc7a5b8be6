/*
 * monitor.c — the cgroup monitor as cgtop opens it (the options' tree, down
 * to a depth, reading what the caller shows), and the one message for each
 * way opening or sampling it fails.
 *
 * The one idea: batch mode and the screen open and sample the same monitor
 * and fail with the same words, so both are written once, here, below the
 * two of them (neither calls the other).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgtop.h"

#include "../tool.h"

struct nstk_cg_monitor_options cgtop_tree_options(const struct cgtop_options *o, int depth)
{
	return (struct nstk_cg_monitor_options){
		.root = o->root,
		.subtree = o->subtree,
		.max_depth = depth,
		.globs = o->globs,
		.nglobs = o->nglobs,
	};
}

int cgtop_monitor_open(const struct cgtop_options *o, int depth, unsigned reads, struct nstk_cg_monitor **m)
{
	struct nstk_cg_monitor_options mo = cgtop_tree_options(o, depth);
	mo.reads = reads;
	mo.procs = o->processes;
	return nstk_cg_monitor_new(&mo, m);
}

int cgtop_monitor_error(const struct cgtop_options *o, int r)
{
	const char *root = o->root ? o->root : "/sys/fs/cgroup";
	if (r == -ENOENT && o->subtree)
		tool_warn("no cgroup %s under %s", o->subtree, root);
	else if (r == -ENOENT)
		tool_warn("no cgroup hierarchy at %s", root);
	else if (r == -EINVAL)
		tool_warn("invalid cgroup path: '%s'", o->subtree);
	else
		tool_warn("cannot read %s: %s", root, strerror(-r));
	return r == -EINVAL ? EXIT_USAGE : EXIT_FAILURE;
}

int cgtop_sample_error(const struct cgtop_options *o, int r)
{
	if (r == -ENOENT)
		tool_warn("cgroup %s is gone", o->subtree ? o->subtree : "/");
	else
		tool_warn("cannot read the cgroup tree: %s%s", strerror(-r),
			r == -EMFILE ? " (raise the limit with ulimit -n)" : "");
	return EXIT_FAILURE;
}

volatile sig_atomic_t cgtop_interrupted;

void cgtop_deadline_add(struct timespec *t, double seconds)
{
	time_t whole = (time_t)seconds;
	t->tv_sec += whole;
	t->tv_nsec += (long)((seconds - (double)whole) * 1e9);
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

void cgtop_sleep_until(const struct timespec *deadline)
{
	while (!cgtop_interrupted && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, deadline, NULL) == EINTR)
		;
}

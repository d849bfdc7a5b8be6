/*
 * history.c — cgtop's memory at the command line: `cgtop record` appends
 * samples to a store, and --since/--until (or --at in batch) print what
 * was recorded in the same formats as live samples (see store.h).
 *
 * The one idea: a recorded moment goes through the same output code as a
 * live one (cgtop_emit over a frame), so the two cannot drift apart; only
 * --check over a span and Prometheus with timestamps need a loop of their
 * own, because they speak about many moments at once.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cgtop.h"
#include "nstk/store.h"
#include "nstk/util.h"

#include "../tool.h"

/* The one line for a store that cannot be used; EXIT_FAILURE. */
int cgtop_store_error(const char *path, int r)
{
	switch (-r) {
	case ENOENT:
		return tool_fail("no store at %s (cgtop record makes one)", path);
	case EMEDIUMTYPE:
		return tool_fail("%s is not a cgtop store", path);
	case EPROTONOSUPPORT:
		return tool_fail("%s was written by a newer cgtop (store schema above %d): not read", path,
				 NSTK_STORE_SCHEMA);
	case EUCLEAN:
		return tool_fail("%s is damaged or cut short: not read", path);
	case EBUSY:
		return tool_fail("%s is locked by another writer", path);
	case ENOSPC:
		return tool_fail("%s: the disk is full; stopped (what was recorded before is kept)", path);
	default:
		return tool_fail("cannot use the store %s: %s", path, strerror(-r));
	}
}

/* The default store's directory, made on first use (the unit has StateDirectory=). */
static void make_default_dir(const char *path)
{
	if (strcmp(path, CGTOP_DEFAULT_STORE) == 0) {
		mkdir("/var/lib/nstk", 0755);
	}
}

int cgtop_record(const struct cgtop_options *o)
{
	make_default_dir(o->store);
	struct nstk_store *store;
	int r = nstk_store_open(o->store, NSTK_STORE_WRITE, &store);
	if (r < 0)
		return cgtop_store_error(o->store, r);
	struct nstk_cg_monitor *m;
	if ((r = cgtop_monitor_open(o, o->depth, NSTK_CG_READ_ALL, &m)) < 0) {
		nstk_store_close(store);
		return cgtop_monitor_error(o, r);
	}
	struct nstk_store_limits limits = { .retain_s = o->retain_s, .max_bytes = o->max_bytes };
	struct timespec next;
	clock_gettime(CLOCK_MONOTONIC, &next);
	int status = EXIT_SUCCESS;
	for (long i = 0; (o->iterations < 0 || i < o->iterations) && !cgtop_interrupted; i++) {
		if (i > 0) {
			cgtop_deadline_add(&next, o->delay_s);
			cgtop_sleep_until(&next);
			if (cgtop_interrupted)
				break;
		}
		if ((r = nstk_cg_monitor_sample(m)) < 0) {
			status = cgtop_sample_error(o, r);
			break;
		}
		struct nstk_cg_frame f;
		nstk_cg_monitor_frame(m, &f);
		if ((r = nstk_store_append(store, &f, &limits)) < 0) {
			status = cgtop_store_error(o->store, r);
			break;
		}
	}
	nstk_cg_monitor_free(m);
	nstk_store_close(store);
	return status;
}

/* "2026-12-07T03:00:05+01:00": local time, as a person reads it. */
static void format_time(double t, char *buf, size_t size)
{
	time_t whole = (time_t)t;
	struct tm tm;
	localtime_r(&whole, &tm);
	size_t n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S%z", &tm);
	/* %z is +0100; ISO 8601's extended form wants +01:00. */
	if (n >= 5 && n + 2 <= size) {
		memmove(buf + n - 1, buf + n - 2, 3);
		buf[n - 2] = ':';
	}
}

/* --check over a span: one line per moment and cgroup that matched. */
static int check_frame(const struct cgtop_options *o, const struct nstk_cg_frame *f, bool *matched)
{
	char when[40];
	format_time(f->time, when, sizeof(when));
	for (size_t i = 0; i < f->n; i++) {
		if (!cgtop_check_matches(o, f->rows[i]))
			continue;
		*matched = true;
		if (o->mode == CGTOP_JSON) {
			json_t *j = json_pack("{s:f, s:s, s:s}", "time", f->time, "recorded_at", when, "cgroup",
					      f->rows[i]->path);
			if (!j)
				return -ENOMEM;
			json_dumpf(j, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
			fputc('\n', stdout);
			json_decref(j);
		} else {
			printf("%s %s\n", when, f->rows[i]->path);
		}
	}
	return ferror(stdout) ? -EIO : 0;
}

int cgtop_replay(const struct cgtop_options *o)
{
	struct nstk_store *store;
	int r = nstk_store_open(o->store, NSTK_STORE_READ, &store);
	if (r < 0)
		return cgtop_store_error(o->store, r);
	struct nstk_cg_monitor_options filter = cgtop_tree_options(o, o->depth);
	struct nstk_store_replay *rp;
	if ((r = nstk_store_replay_new(store, &filter, &rp)) < 0) {
		nstk_store_close(store);
		return cgtop_store_error(o->store, r);
	}
	int64_t from_us = (o->at_given ? o->at_s : o->since_s) * 1000000;
	int64_t until_us = o->at_given ? from_us : o->until_s >= INT64_MAX / 1000000 ? INT64_MAX : o->until_s * 1000000;
	int status = EXIT_SUCCESS;
	bool matched = false, any = false;
	struct cgtop_prometheus_acc *acc = NULL;
	r = nstk_store_replay_seek(rp, from_us);
	/* --since: the first sample at or after it; --at: the one at or before it. */
	if (r == 0 && !o->at_given && nstk_store_replay_time(rp) < from_us)
		r = nstk_store_replay_next_until(rp, until_us);
	if (r == 0 && o->mode == CGTOP_PROMETHEUS && !(acc = cgtop_prometheus_acc_new()))
		r = -ENOMEM;
	for (long i = 0; r == 0 && (o->iterations < 0 || i < o->iterations) && !cgtop_interrupted; i++) {
		struct nstk_cg_frame f;
		nstk_store_replay_frame(rp, &f);
		if (!o->at_given && f.time * 1e6 > (double)until_us)
			break;
		any = true;
		if (o->nchecks)
			r = check_frame(o, &f, &matched);
		else if (acc)
			r = cgtop_prometheus_acc_add(acc, &f);
		else
			r = cgtop_emit(o, &f, i == 0, false);
		if (r < 0) {
			status = tool_fail("cannot write the output: %s", strerror(-r));
			break;
		}
		if (o->at_given)
			break;
		r = nstk_store_replay_next_until(rp, until_us);
	}
	if (r < 0 && r != -ERANGE && status == EXIT_SUCCESS)
		status = r == -ENOENT ? tool_fail("%s holds no sample", o->store) : cgtop_store_error(o->store, r);
	else if (status == EXIT_SUCCESS && !any)
		status = tool_fail("%s holds no sample in that span", o->store);
	if (status == EXIT_SUCCESS && acc) {
		r = cgtop_prometheus_acc_write(acc, o->output_file);
		if (r < 0)
			status = o->output_file ? tool_fail("cannot write %s: %s", o->output_file, strerror(-r))
						: tool_fail("cannot write the output: %s", strerror(-r));
	}
	cgtop_prometheus_acc_free(acc);
	nstk_store_replay_free(rp);
	nstk_store_close(store);
	if (status == EXIT_SUCCESS)
		status = flush_stdout();
	if (status == EXIT_SUCCESS && matched)
		status = EXIT_CHECK_MATCHED;
	return status;
}

/*
 * cgtop — cgroup usage against cpu.max, memory.max and friends, with the
 * ancestor whose limit bites: a table per sample, NDJSON, Prometheus text,
 * or threshold checks for cron.
 *
 * main() parses options and hands them either to the interactive screen
 * (tui.h, when stdout is a terminal), which opens the monitor (libnstk's
 * cgroup model) its columns need, or to the batch loop below: open a
 * monitor, then sample, render, sleep.
 * Exit status: 0 success (or no --check matched), 1 runtime failure, 2 bad
 * usage, 3 a --check matched (so a probe can tell an alert from a failure).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cgtop.h"
#include "tui.h"
#include "nstk/parse.h"
#include "nstk/when.h"
#include "nstk/util.h"

#include "../tool.h"

static void on_signal(int sig)
{
	(void)sig;
	cgtop_interrupted = 1;
}

static void usage(FILE *f)
{
	fputs("Usage:\n"
	      " cgtop [options] [<path>]\n"
	      " cgtop record [--store <file>] [-d <seconds>] [--retain <time>] [--max-size <size>]\n"
	      "              [-n <N>] [--depth <N>] [--filter <glob>] [--root <dir>] [<path>]\n"
	      "\n"
	      "Show cgroup usage against its limits: CPU, memory, pids, I/O and pressure,\n"
	      "with the effective limit and the ancestor that sets it. <path> is a cgroup\n"
	      "(\"/system.slice\") whose subtree is shown; the default is every cgroup.\n"
	      "\n"
	      "Options:\n"
	      " -b, --batch            batch mode: plain text, no screen handling\n"
	      " -n, --iterations <N>   print N samples, then exit (0: until stopped); one\n"
	      "                        table or sample is taken after a first, unprinted one\n"
	      "                        -d earlier, so that it has rates\n"
	      " -d, --delay <seconds>  time between samples (default 1; fractions allowed)\n"
	      " -J, --json             one JSON object per sample (NDJSON)\n"
	      "     --prometheus       Prometheus text exposition format\n"
	      " -o, --output <file>    with --prometheus: write it to <file>, atomically\n"
	      "     --check <expr>     print the cgroups matching <expr> and exit 3, or\n"
	      "                        exit 0 when none does; may be repeated (any matches)\n"
	      "     --depth <N>        show N levels below <path> (default: all)\n"
	      "     --sort <field>     order by a field, largest first (cpu, memory, io,\n"
	      "                        tasks, path, or any JSON field name)\n"
	      "     --filter <glob>    only cgroups whose path, container label or container\n"
	      "                        name matches; may be repeated\n"
	      " -P, --processes        batch text and JSON: each cgroup's processes too (PID,\n"
	      "                        user, state, CPU %, RSS, command), two /proc reads a\n"
	      "                        process a sample; on the screen, Enter shows them\n"
	      "     --root <dir>       read the cgroup tree at <dir> (default /sys/fs/cgroup)\n"
	      "\n"
	      "Recording and looking back (cgtop(1): STORE):\n"
	      " record                 sample every -d seconds (default 5) into the store until\n"
	      "                        stopped; the store keeps --retain (default 7d)\n"
	      "     --store <file>     the store (default " CGTOP_DEFAULT_STORE "); given to the\n"
	      "                        live screen, its trend columns start from it\n"
	      "     --retain <time>    with record: drop what is older (7d, 12h, 90m)\n"
	      "     --max-size <size>  with record: drop the oldest while the store is bigger\n"
	      "                        (512M, 2G; powers of 1024)\n"
	      "     --at <time>        the screen at that recorded moment (one table with -b,\n"
	      "                        -J or --prometheus); <time>: '3m ago', 03:00,\n"
	      "                        'yesterday 03:00', 2026-12-07T03:00:00Z, @<epoch>\n"
	      "     --since <time>     print the recorded samples from <time> on, as -b, -J,\n"
	      "                        --prometheus (timestamped) or --check (one line per\n"
	      "                        moment and cgroup that matched) would\n"
	      "     --until <time>     with --since: up to <time> (default: the last sample)\n"
	      "\n"
	      " -h, --help             display this help\n"
	      " -V, --version          display version\n"
	      "\n"
	      "Columns of the text table:\n",
	      f);
	cgtop_text_columns_help(f);
	fputs("\nFields (JSON, --check, --sort):\n", f);
	for (size_t i = 0; i < cgtop_nfields; i++)
		fprintf(f, " %s\n", cgtop_fields[i].name);
	fputs("\nExit status: 0 success (no --check matched), 1 failure, 2 bad usage,\n"
	      "3 a --check matched. See cgtop(1).\n",
	      f);
}

/* "0.2", "1", "15.5": seconds, no sign, no exponent, not locale-dependent. */
static int parse_seconds(const char *s, double *out)
{
	const char *dot = strchr(s, '.');
	size_t whole_len = dot ? (size_t)(dot - s) : strlen(s);
	uint64_t whole = 0, frac = 0;
	double scale = 1;

	if (whole_len == 0 && !dot)
		return -EINVAL;
	if (whole_len && nstk_parse_u64(s, whole_len, &whole) < 0)
		return -EINVAL;
	if (dot) {
		size_t n = strlen(dot + 1);
		if (n == 0 || n > 9 || nstk_parse_u64(dot + 1, n, &frac) < 0 || (whole_len == 0 && n == 0))
			return -EINVAL;
		for (size_t i = 0; i < n; i++)
			scale *= 10;
	}
	double v = (double)whole + (double)frac / scale;
	if (v <= 0 || v > 86400)
		return -ERANGE;
	*out = v;
	return 0;
}


/* Sample, render, sleep; until -n samples or a signal. Returns an exit status. */
static int run_batch(const struct cgtop_options *o, struct nstk_cg_monitor *m)
{
	struct timespec next;
	bool matched = false;
	clock_gettime(CLOCK_MONOTONIC, &next);

	long total = o->iterations < 0 ? -1 : o->iterations + (o->prime ? 1 : 0);
	for (long i = 0; (total < 0 || i < total) && !cgtop_interrupted; i++) {
		if (i > 0) {
			cgtop_deadline_add(&next, o->delay_s);
			cgtop_sleep_until(&next);
			if (cgtop_interrupted)
				break;
		}
		int r = nstk_cg_monitor_sample(m);
		if (r < 0)
			return cgtop_sample_error(o, r);
		bool last = total >= 0 && i + 1 == total;
		if (o->prime && i == 0)
			continue;
		struct nstk_cg_frame frame;
		nstk_cg_monitor_frame(m, &frame);
		if ((r = cgtop_emit(o, &frame, i == (o->prime ? 1 : 0), last)) < 0) {
			if (o->output_file)
				tool_warn("cannot write %s: %s", o->output_file, strerror(-r));
			else
				tool_warn("cannot write the output: %s", strerror(-r));
			return EXIT_FAILURE;
		}
		if (last && o->nchecks) {
			size_t n;
			const struct nstk_cg_stats *const *rows = nstk_cg_monitor_rows(m, &n);
			for (size_t k = 0; k < n && !matched; k++)
				matched = cgtop_check_matches(o, rows[k]);
		}
	}
	int status = flush_stdout();
	if (status == EXIT_SUCCESS && matched)
		status = EXIT_CHECK_MATCHED;
	return status;
}

/* What batch mode needs read (enum nstk_cg_read): the text columns, --check and --sort. */
static unsigned batch_reads(const struct cgtop_options *o)
{
	if (o->mode != CGTOP_TEXT)
		return NSTK_CG_READ_ALL;
	unsigned reads = cgtop_text_reads();
	bool used[CGTOP_MAX_FIELDS] = { false };
	for (size_t i = 0; i < o->nchecks; i++)
		nstk_filter_columns_used(o->filters[i], used);
	if (o->sort_field >= 0)
		used[o->sort_field] = true;
	for (size_t i = 0; i < cgtop_nfields; i++)
		if (used[i])
			reads |= cgtop_fields[i].reads;
	return reads;
}

/* Descriptors: one per cgroup per hierarchy; a big host needs more than the usual 1024. */
static void raise_fd_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static void free_filters(struct cgtop_options *o)
{
	for (size_t i = 0; i < o->nchecks; i++)
		nstk_filter_free(o->filters[i]);
	o->nchecks = 0;
}

enum {
	OPT_PROMETHEUS = 0x100, OPT_CHECK, OPT_DEPTH, OPT_SORT, OPT_FILTER, OPT_ROOT,
	OPT_STORE, OPT_AT, OPT_SINCE, OPT_UNTIL, OPT_RETAIN, OPT_MAX_SIZE,
};

/* A moment as the user typed it (when.h), against the clock now. */
static int parse_moment(const char *name, const char *text, int64_t *out)
{
	if (nstk_parse_when(text, strlen(text), (int64_t)time(NULL), out) < 0)
		return usage_error("invalid --%s: '%s' (e.g. '3m ago', '03:00', 'yesterday 03:00', ISO 8601)",
				   name, text);
	return 0;
}

/* 1: go on; 0: exit 0 (--help, --version printed); -EINVAL: said why. */
static int parse_argv(int argc, char **argv, struct cgtop_options *o)
{
	static const struct option longopts[] = {
		{ "batch", no_argument, NULL, 'b' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "delay", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'J' },
		{ "prometheus", no_argument, NULL, OPT_PROMETHEUS },
		{ "output", required_argument, NULL, 'o' },
		{ "check", required_argument, NULL, OPT_CHECK },
		{ "depth", required_argument, NULL, OPT_DEPTH },
		{ "sort", required_argument, NULL, OPT_SORT },
		{ "filter", required_argument, NULL, OPT_FILTER },
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "store", required_argument, NULL, OPT_STORE },
		{ "at", required_argument, NULL, OPT_AT },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "until", required_argument, NULL, OPT_UNTIL },
		{ "retain", required_argument, NULL, OPT_RETAIN },
		{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
		{ "processes", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct tool_exclusive exclusive[] = {
		{ { 'J', OPT_PROMETHEUS } },
		{ { OPT_PROMETHEUS, OPT_CHECK } },
		{ { OPT_AT, OPT_SINCE } },
		/* Recorded moments keep cgroups, not their processes. */
		{ { 'P', OPT_AT, OPT_SINCE } },
		{ { OPT_PROMETHEUS, 'P' } },
	};
	bool seen[TOOL_OPT_MAX] = { false };
	const char *names[CGTOP_MAX_FIELDS];
	bool json = false, prometheus = false, iterations_given = false;
	uint64_t v;
	int c;

	for (size_t i = 0; i < cgtop_nfields; i++)
		names[i] = cgtop_fields[i].name;
	/* "cgtop record ...": the recorder, with the options that make sense for it. */
	if (argc > 1 && strcmp(argv[1], "record") == 0) {
		o->record = true;
		o->delay_s = CGTOP_RECORD_DELAY_S;
		o->retain_s = CGTOP_RECORD_RETAIN_S;
		argc--;
		argv++;
	}
	static const char shortopts[] = "bn:d:Jo:PhV";
	opterr = 0; /* option_error says it in one line */
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (c > 0 && c < TOOL_OPT_MAX)
			seen[c] = true;
		switch (c) {
		case 'b':
			o->batch = true;
			break;
		case 'n':
			if (nstk_parse_u64(optarg, strlen(optarg), &v) < 0 || v > LONG_MAX)
				return usage_error("invalid number of iterations: '%s'", optarg);
			o->iterations = v == 0 ? -1 : (long)v;
			iterations_given = true;
			break;
		case 'd':
			if (parse_seconds(optarg, &o->delay_s) < 0)
				return usage_error("invalid delay: '%s' (seconds, more than 0)", optarg);
			break;
		case 'J':
			json = true;
			break;
		case OPT_PROMETHEUS:
			prometheus = true;
			break;
		case 'o':
			if (!optarg[0])
				return usage_error("empty output file name");
			o->output_file = optarg;
			break;
		case OPT_CHECK: {
			char err[256];
			if (o->nchecks == CGTOP_MAX_CHECKS)
				return usage_error("too many --check options");
			if (nstk_filter_parse(optarg, names, cgtop_nfields, &o->filters[o->nchecks], err,
					      sizeof(err)) < 0)
				return usage_error("invalid --check '%s': %s", optarg, err);
			o->checks[o->nchecks++] = optarg;
			break;
		}
		case OPT_DEPTH:
			if (nstk_parse_u64(optarg, strlen(optarg), &v) < 0 || v > 10000)
				return usage_error("invalid depth: '%s'", optarg);
			o->depth = (int)v;
			break;
		case OPT_SORT:
			o->sort = optarg;
			if ((o->sort_field = cgtop_field_find(optarg)) < 0)
				return usage_error("unknown sort field: '%s'", optarg);
			if (cgtop_fields[o->sort_field].kind == CGTOP_F_CONTAINER ||
			    cgtop_fields[o->sort_field].kind == CGTOP_F_FROM)
				return usage_error("cannot sort on '%s'", optarg);
			break;
		case OPT_FILTER:
			if (o->nglobs == CGTOP_MAX_GLOBS)
				return usage_error("too many --filter options");
			o->globs[o->nglobs++] = optarg;
			break;
		case OPT_ROOT:
			o->root = optarg;
			break;
		case OPT_STORE:
			if (!optarg[0])
				return usage_error("empty store file name");
			o->store = optarg;
			break;
		case OPT_AT:
			if (parse_moment("at", optarg, &o->at_s) < 0)
				return -EINVAL;
			break;
		case OPT_SINCE:
			if (parse_moment("since", optarg, &o->since_s) < 0)
				return -EINVAL;
			break;
		case OPT_UNTIL:
			if (parse_moment("until", optarg, &o->until_s) < 0)
				return -EINVAL;
			break;
		case OPT_RETAIN:
			if (nstk_parse_duration(optarg, strlen(optarg), &o->retain_s) < 0)
				return usage_error("invalid --retain: '%s' (e.g. 7d, 12h)", optarg);
			break;
		case OPT_MAX_SIZE:
			if (nstk_parse_size(optarg, strlen(optarg), &o->max_bytes) < 0 || o->max_bytes == 0)
				return usage_error("invalid --max-size: '%s' (e.g. 512M, 2G)", optarg);
			break;
		case 'P':
			o->processes = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("cgtop from nstk %s\n", NSTK_VERSION);
			return 0;
		default:
			return option_error(shortopts, argv[optind - 1], optopt);
		}
	}
	if (optind < argc) {
		if (optind + 1 < argc)
			return usage_error("unexpected argument: '%s'", argv[optind + 1]);
		o->subtree = argv[optind];
		if (o->subtree[0] != '/')
			return usage_error("the cgroup path must start with '/': '%s'", o->subtree);
	}
	int r = tool_check_exclusive(exclusive, NSTK_ARRAY_SIZE(exclusive), longopts, seen);
	if (r < 0)
		return r;
	if (o->output_file && !prometheus)
		return usage_error("option --output needs --prometheus");
	o->mode = json ? CGTOP_JSON : prometheus ? CGTOP_PROMETHEUS : CGTOP_TEXT;
	o->at_given = seen[OPT_AT];
	o->since_given = seen[OPT_SINCE];
	o->until_given = seen[OPT_UNTIL];
	if (o->until_given && !o->since_given)
		return usage_error("option --until needs --since");
	if (o->since_given && !o->until_given)
		o->until_s = INT64_MAX / 1000000;
	if (o->since_given && o->until_s < o->since_s)
		return usage_error("--until is before --since");
	if ((seen[OPT_RETAIN] || seen[OPT_MAX_SIZE]) && !o->record)
		return usage_error("--retain and --max-size go with cgtop record");
	if (o->record) {
		static const int not_recording[] = { 'b', 'J', 'P', OPT_PROMETHEUS, 'o', OPT_CHECK, OPT_SORT,
						     OPT_AT, OPT_SINCE, OPT_UNTIL };
		for (size_t i = 0; i < NSTK_ARRAY_SIZE(not_recording); i++)
			if (seen[not_recording[i]])
				return usage_error("cgtop record does not take --%s",
						   tool_option_name(longopts, not_recording[i]));
	}
	if (!o->store && (o->record || o->at_given || o->since_given))
		o->store = CGTOP_DEFAULT_STORE;
	/* Live, a store only gives the screen's trend columns their last minute. */
	if (o->store && !o->record && !o->at_given && !o->since_given &&
	    (o->batch || o->mode != CGTOP_TEXT || o->nchecks || !isatty(STDOUT_FILENO)))
		return usage_error("--store needs --at or --since (or cgtop record, or the screen)");
	/* Read back, a moment or a span is printed as it was: no extra samples. */
	if (o->record || o->since_given ||
	    (o->at_given && (o->batch || o->mode != CGTOP_TEXT || o->nchecks || !isatty(STDOUT_FILENO)))) {
		if (!iterations_given)
			o->iterations = -1;
		o->prime = false;
		if (o->record || o->since_given)
			return 1;
		o->batch = true;
		return 1;
	}

	/* Without -n: run on under -b or on a terminal, else one sample (a pipe gets one table). */
	if (!iterations_given) {
		if (o->nchecks)
			o->iterations = 2; /* the smallest run that has rates */
		else if (prometheus)
			o->iterations = 1;
		else
			o->iterations = o->batch || isatty(STDOUT_FILENO) ? -1 : 1;
	}
	if (prometheus && !o->output_file && o->iterations != 1)
		return usage_error("--prometheus writes more than one sample only to a file (-o)");
	/* One table (cgtop > file, -b -n 1, a Prometheus scrape) would have no
	 * rates: a first sample, not printed, gives them. --check does the
	 * same with its default of two samples. */
	o->prime = o->iterations == 1;
	return 1;
}

int main(int argc, char **argv)
{
	struct cgtop_options o = { .iterations = -1, .delay_s = 1, .depth = -1, .sort_field = -1 };

	sigpipe_default();
	setlocale(LC_ALL, "");
	o.utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	int r = parse_argv(argc, argv, &o);
	if (r <= 0) {
		free_filters(&o);
		return r < 0 ? EXIT_USAGE : flush_stdout();
	}

	raise_fd_limit();
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	if (o.record || o.since_given || (o.at_given && o.batch)) {
		int status = o.record ? cgtop_record(&o) : cgtop_replay(&o);
		free_filters(&o);
		return status;
	}

	/* Text for a person at a terminal: the screen; anything else: the batch loop. */
	if (o.mode == CGTOP_TEXT && !o.batch && !o.nchecks && isatty(STDOUT_FILENO)) {
		int status = cgtop_interactive(&o);
		free_filters(&o);
		return status;
	}

	struct nstk_cg_monitor *m;
	r = cgtop_monitor_open(&o, o.depth, batch_reads(&o), &m);
	if (r < 0) {
		int status = cgtop_monitor_error(&o, r);
		free_filters(&o);
		return status;
	}
	int status = run_batch(&o, m);
	nstk_cg_monitor_free(m);
	free_filters(&o);
	return status;
}

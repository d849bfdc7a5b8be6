/*
 * nsls — list the namespaces on this host, with lsns's options and output,
 * from a census that is O(processes) and says when it could not see
 * everything.
 *
 * main() parses options, asks libnstk for the census and the rows, renders
 * them, and returns 0, 1 (runtime failure) or 2 (bad usage).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <linux/capability.h>
#include <langinfo.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nstk/caps.h"
#include "nstk/census.h"
#include "nstk/container_scan.h"
#include "nsview.h"
#include "nstk/out.h"
#include "nstk/parse.h"
#include "nstk/util.h"

#define TOOL_NAME "nsls"
#include "../tool.h"

#define MAX_COLUMNS 64

/*
 * lsns's defaults, so scripts keep working: NS TYPE NPROCS PID USER COMMAND,
 * with NETNSID and NSFS before COMMAND when only net namespaces are listed.
 * HOLDERS is asked for (-o +HOLDERS): in JSON it is an object per process
 * per namespace, 40,000 of them at 5,000 processes, which would double the
 * cost of every default run.
 */
static size_t default_columns(int *columns, unsigned kinds)
{
	size_t n = 0;
	columns[n++] = NSTK_NSCOL_NS;
	columns[n++] = NSTK_NSCOL_TYPE;
	columns[n++] = NSTK_NSCOL_NPROCS;
	columns[n++] = NSTK_NSCOL_PID;
	columns[n++] = NSTK_NSCOL_USER;
	if (kinds == 1u << NSTK_NS_NET) {
		columns[n++] = NSTK_NSCOL_NETNSID;
		columns[n++] = NSTK_NSCOL_NSFS;
	}
	columns[n++] = NSTK_NSCOL_COMMAND;
	return n;
}

static void usage(FILE *f)
{
	fputs("Usage:\n"
	      " nsls [options] [<namespace>]\n"
	      "\n"
	      "List the namespaces on this host and the processes in them.\n"
	      "\n"
	      "Options:\n"
	      " -J, --json             use JSON output format\n"
	      " -l, --list             use list format output (no tree)\n"
	      " -n, --noheadings       don't print headings\n"
	      " -o, --output <list>    define which output columns to use (+<list> adds to the default)\n"
	      "     --output-all       output all columns\n"
	      " -p, --task <pid>       print the namespaces of this process (or thread)\n"
	      " -P, --persistent       only namespaces no process sits in\n"
	      " -Q, --filter <expr>    only rows the expression matches, e.g.\n"
	      "                        'TYPE == \"net\" && NPROCS == 0' (see nsls(8))\n"
	      "     --container <id>   only the namespaces of this container (id, id prefix or name;\n"
	      "                        podman's name as its conmon has it)\n"
	      "                        and those of another container it joined\n"
	      "     --no-sockets       do not look for network namespaces held only by sockets\n"
	      "                        (found by default, as lsns 2.41+: a pidfd_getfd and an\n"
	      "                        ioctl per socket); --sockets is accepted, the default\n"
	      " -r, --raw              use the raw output format\n"
	      " -u, --notruncate       don't truncate text in columns\n"
	      " -W, --nowrap           don't use multi-line representation\n"
	      " -t, --type <name>      namespace type (cgroup, ipc, mnt, net, pid, time, user, uts);\n"
	      "                        may be repeated\n"
	      " -T, --tree[=<rel>]     use tree format: process, owner or parent\n"
	      "                        (-T alone means owner; without -T, -l or -J: process)\n"
	      "                        process: processes between a row and its parent row\n"
	      "                        (conmon, containerd-shim, ...) are drawn as rows of their\n"
	      "                        own, and are each row's \"via\" in JSON\n"
	      "\n"
	      " -h, --help             display this help\n"
	      " -V, --version          display version\n"
	      "\n"
	      "Available output columns:\n",
	      f);
	for (size_t i = 0; i < NSTK_NSCOL_COUNT; i++)
		fprintf(f, " %12s  %s\n", nstk_nscols[i].name, nstk_nscols[i].help);
	fputs("\nExit status: 0 success, 1 failure, 2 bad usage.\n"
	      "See nsls(8) for the JSON schema.\n",
	      f);
}

/*
 * One line naming the processes we could not inspect, and why: for a person
 * at a terminal only. lsns says nothing, and scripts, cron and tests that
 * read stderr take any line there for an error; JSON always has "partial"
 * and "denied".
 */
static void report_partial(const struct nstk_census *c)
{
	if (c->n_denied == 0 || !isatty(STDERR_FILENO))
		return;
	fprintf(stderr, "nsls: %zu process%s not inspected (permission denied: PID", c->n_denied,
		c->n_denied == 1 ? "" : "es");
	size_t show = c->n_denied < 5 ? c->n_denied : 5;
	for (size_t i = 0; i < show; i++)
		fprintf(stderr, "%s %d", i ? "," : "", (int)c->denied[i]);
	if (show < c->n_denied)
		fprintf(stderr, " and %zu more", c->n_denied - show);
	fputs(")", stderr);
	static const int needed[] = { CAP_SYS_PTRACE };
	char missing[64];
	if (nstk_caps_missing(needed, NSTK_ARRAY_SIZE(needed), missing, sizeof(missing)) > 0)
		fprintf(stderr, "; lacking %s", missing);
	fputs("; counts leave them out\n", stderr);
}

enum { OPT_OUTPUT_ALL = 0x100, OPT_CONTAINER, OPT_SOCKETS, OPT_NO_SOCKETS };

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "list", no_argument, NULL, 'l' },
		{ "noheadings", no_argument, NULL, 'n' },
		{ "output", required_argument, NULL, 'o' },
		{ "output-all", no_argument, NULL, OPT_OUTPUT_ALL },
		{ "task", required_argument, NULL, 'p' },
		{ "persistent", no_argument, NULL, 'P' },
		{ "filter", required_argument, NULL, 'Q' },
		{ "container", required_argument, NULL, OPT_CONTAINER },
		{ "sockets", no_argument, NULL, OPT_SOCKETS },
		{ "no-sockets", no_argument, NULL, OPT_NO_SOCKETS },
		{ "raw", no_argument, NULL, 'r' },
		{ "notruncate", no_argument, NULL, 'u' },
		{ "nowrap", no_argument, NULL, 'W' },
		{ "type", required_argument, NULL, 't' },
		{ "tree", optional_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct nstk_out_text_options text = { 0 };
	struct nstk_nsview_options view = { 0 };
	int columns[MAX_COLUMNS];
	size_t ncols = 0;
	const char *outputs[16];
	size_t n_outputs = 0;
	bool json = false, list = false, tree_given = false, output_all = false;
	pid_t task = 0;
	unsigned sources = NSTK_SOURCE_ALL | NSTK_SOURCE_SOCKETS;
	const char *filter_expr = NULL;
	struct nstk_filter *filter = NULL;
	uint64_t task_ns[NSTK_NS_KIND_COUNT];
	int c;

	sigpipe_default();
	/* libsmartcols draws tree lines in UTF-8 only when the locale says so. */
	setlocale(LC_ALL, "");
	static const char shortopts[] = "Jlno:p:PQ:ruWt:T::hV";
	opterr = 0; /* option_error says it in one line */
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case 'J':
			json = true;
			break;
		case 'l':
			list = true;
			break;
		case 'n':
			text.noheadings = true;
			break;
		case 'o':
			if (n_outputs == NSTK_ARRAY_SIZE(outputs))
				return usage_error("%s", "too many -o options");
			outputs[n_outputs++] = optarg;
			break;
		case OPT_OUTPUT_ALL:
			output_all = true;
			break;
		case OPT_SOCKETS:
			sources |= NSTK_SOURCE_SOCKETS;
			break;
		case OPT_NO_SOCKETS:
			sources &= ~(unsigned)NSTK_SOURCE_SOCKETS;
			break;
		case OPT_CONTAINER:
			if (!optarg[0])
				return usage_error("%s", "empty container id");
			view.container = optarg;
			break;
		case 'p':
			if (nstk_parse_pid(optarg, strlen(optarg), &task) < 0)
				return usage_error("invalid PID: '%s'", optarg);
			break;
		case 'P':
			view.persistent_only = true;
			break;
		case 'Q':
			filter_expr = optarg;
			break;
		case 'r':
			text.raw = true;
			break;
		case 'u':
			text.notruncate = true;
			break;
		case 'W':
			text.nowrap = true;
			break;
		case 't': {
			int k = nstk_ns_kind_from_name(optarg);
			if (k < 0)
				return usage_error("unknown namespace type: '%s'", optarg);
			view.kinds |= 1u << k;
			break;
		}
		case 'T': {
			/* Also take the mode as the next word ("-T owner"), which lsns cannot. */
			const char *mode = optarg;
			/* A following word that is not an inode must be meant as the relation. */
			uint64_t ino;
			if (!mode && optind < argc && argv[optind][0] != '-' &&
			    nstk_parse_u64(argv[optind], strlen(argv[optind]), &ino) < 0)
				mode = argv[optind++];
			int m = mode ? nstk_nstree_from_name(mode) : NSTK_NSTREE_OWNER;
			if (m < 0)
				return usage_error("unknown tree relation: '%s' (process, owner or parent)",
						   mode);
			view.tree = m;
			tree_given = true;
			break;
		}
		case 'h':
			usage(stdout);
			return flush_stdout();
		case 'V':
			printf("nsls from nstk %s\n", NSTK_VERSION);
			return flush_stdout();
		default:
			return option_error(shortopts, argv[optind - 1], optopt);
		}
	}
	if (optind < argc) {
		if (optind + 1 < argc)
			return usage_error("unexpected argument: '%s'", argv[optind + 1]);
		if (nstk_parse_u64(argv[optind], strlen(argv[optind]), &view.ino) < 0 || !view.ino)
			return usage_error("invalid namespace inode: '%s'", argv[optind]);
	}
	if (json && text.raw)
		return usage_error("%s", "options --json and --raw are mutually exclusive");
	if (list && tree_given)
		return usage_error("%s", "options --list and --tree are mutually exclusive");
	if (!tree_given)
		view.tree = (list || json || output_all) ? NSTK_NSTREE_NONE : NSTK_NSTREE_PROCESS;
	if (task && view.persistent_only)
		return usage_error("%s", "options --task and --persistent are mutually exclusive");
	if (!view.kinds)
		view.kinds = NSTK_NS_ALL_KINDS;

	if (output_all) {
		for (ncols = 0; ncols < NSTK_NSCOL_COUNT; ncols++)
			columns[ncols] = (int)ncols;
	} else if (n_outputs == 0 || outputs[0][0] == '+') {
		ncols = default_columns(columns, view.kinds);
	}
	/* Each -o replaces the list, or with '+' adds to it, in order. */
	for (size_t i = 0; i < n_outputs; i++) {
		char bad[64];
		int r = nstk_out_columns_parse(nstk_nscols, NSTK_NSCOL_COUNT, outputs[i], columns,
					       MAX_COLUMNS, &ncols, bad, sizeof(bad));
		if (r == -E2BIG)
			return usage_error("too many columns in '%s'", outputs[i]);
		if (r < 0)
			return usage_error("unknown column: '%s'", bad);
	}
	/* JSON asked for one container's namespaces says which container. */
	if (json && view.container) {
		bool shown = false;
		for (size_t i = 0; i < ncols; i++)
			shown |= columns[i] == NSTK_NSCOL_CONTAINER;
		if (!shown && ncols < MAX_COLUMNS)
			columns[ncols++] = NSTK_NSCOL_CONTAINER;
	}
	if (filter_expr) {
		char err[160];
		const char *names[NSTK_NSCOL_COUNT];
		for (size_t i = 0; i < NSTK_NSCOL_COUNT; i++)
			names[i] = nstk_nscols[i].name;
		if (nstk_filter_parse(filter_expr, names, NSTK_NSCOL_COUNT, &filter, err, sizeof(err)) < 0)
			return usage_error("bad filter: %s", err);
		view.filter = filter;
	}
	view.columns = columns;
	view.ncols = ncols;
	view.mark_no_process = !json;
	/* Raw output is for scripts: one line per namespace, as lsns. */
	view.via = json ? NSTK_NSVIEW_VIA_COLUMN : text.raw ? NSTK_NSVIEW_VIA_NONE : NSTK_NSVIEW_VIA_ROWS;
	view.task = task;
	view.utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	text.tree = view.tree != NSTK_NSTREE_NONE;

	/* What can fail without the scan fails before it (the scan is the cost). */
	char proc_path[32];
	snprintf(proc_path, sizeof(proc_path), "/proc/%d", (int)task);
	if (task && access(proc_path, F_OK) < 0 && errno == ENOENT) {
		fprintf(stderr, "nsls: no process with PID %d\n", (int)task);
		nstk_filter_free(filter);
		return EXIT_FAILURE;
	}
	if (view.container) {
		/* The rule nsenter-lite --container has: a prefix that names two
		 * containers is refused, never a list of both. */
		struct nstk_container_pick pick;
		if (nstk_container_scan(view.container, &pick) == 0 && pick.ambiguous) {
			char a[NSTK_CONTAINER_LABEL_MAX], b[NSTK_CONTAINER_LABEL_MAX];
			nstk_container_label(&pick.found, a, sizeof(a));
			nstk_container_label(&pick.other, b, sizeof(b));
			fprintf(stderr, "nsls: '%s' matches more than one container (%s, %s): give more of the id\n",
				view.container, a, b);
			nstk_filter_free(filter);
			return EXIT_FAILURE;
		}
	}

	struct nstk_census census = { 0 };
	int r = nstk_census_scan(&census, "/proc", sources);
	if (r < 0) {
		fprintf(stderr, "nsls: cannot read /proc: %s\n", strerror(-r));
		nstk_census_free(&census);
		return EXIT_FAILURE;
	}

	/* Said first, so it also explains a failure below. */
	report_partial(&census);

	int status = EXIT_SUCCESS;
	struct nstk_out_table *table = NULL;
	if (task) {
		r = nstk_census_task_namespaces(&census, task, task_ns);
		if (r == -ESRCH) {
			fprintf(stderr, "nsls: no process with PID %d\n", (int)task);
			status = EXIT_FAILURE;
			goto out;
		}
		if (r < 0) {
			fprintf(stderr, "nsls: cannot read /proc/%d/ns: %s\n", (int)task, strerror(-r));
			status = EXIT_FAILURE;
			goto out;
		}
		view.task_ns = task_ns;
	}

	r = nstk_nsview_build(&census, &view, &table);
	if (r < 0) {
		fprintf(stderr, "nsls: cannot build the namespace list: %s\n", strerror(-r));
		status = EXIT_FAILURE;
		goto out;
	}
	if (view.container && table->nrows == 0) {
		fprintf(stderr, "nsls: no container matches '%s'\n", view.container);
		status = EXIT_FAILURE;
		goto out;
	}
	if (view.ino && table->nrows == 0) {
		fprintf(stderr, "nsls: no namespace with inode %s%s\n", argv[optind],
			task ? " among the task's" : "");
		status = EXIT_FAILURE;
		goto out;
	}
	if (json) {
		json_t *doc;
		r = nstk_nsview_json(&census, table, view.tree, &doc);
		if (r == 0) {
			/* One string and one write: json_dumpf writes token by token. */
			char *dumped = json_dumps(doc, JSON_INDENT(2));
			if (dumped) {
				fputs(dumped, stdout);
				fputc('\n', stdout);
			}
			r = dumped ? 0 : -ENOMEM;
			free(dumped);
			json_decref(doc);
		}
	} else {
		_cleanup_free_ char *out = NULL;
		r = nstk_out_render_text(table, &text, &out);
		if (r == 0 && out[0])
			puts(out);
	}
	if (r < 0) {
		fprintf(stderr, "nsls: cannot render output: %s\n", strerror(-r));
		status = EXIT_FAILURE;
	}
out:
	nstk_out_table_free(table);
	nstk_census_free(&census);
	nstk_filter_free(filter);
	if (status == EXIT_SUCCESS)
		status = flush_stdout();
	return status;
}

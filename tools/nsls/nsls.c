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
#include "nstk/expo.h"
#include "graph.h"
#include "nstk/out.h"
#include "nstk/parse.h"
#include "nstk/util.h"
#include "nsview.h"
#include "prometheus.h"

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
	      "     --prometheus       the inventory as Prometheus text (nstk_namespace_*: counts\n"
	      "                        by kind and container, processes, and leaks: namespaces\n"
	      "                        no process sits in, kept by a mount, fd or socket);\n"
	      "                        -o <file> then writes it to <file>, atomically\n"
	      " -r, --raw              use the raw output format\n"
	      " -u, --notruncate       don't truncate text in columns\n"
	      " -W, --nowrap           don't use multi-line representation\n"
	      " -t, --type <name>      namespace type (cgroup, ipc, mnt, net, pid, time, user, uts);\n"
	      "                        may be repeated\n"
	      "     --graph[=dot]      the network namespaces, bridges and veth pairs as a\n"
	      "                        Graphviz DOT graph (nsls --graph | dot -Tsvg >net.svg);\n"
	      "                        -t net implied; not with the output options\n"
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
	fprintf(stderr, TOOL_NAME ": %zu process%s not inspected (permission denied: PID", c->n_denied,
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

enum { OPT_OUTPUT_ALL = 0x100, OPT_CONTAINER, OPT_SOCKETS, OPT_NO_SOCKETS, OPT_PROMETHEUS, OPT_GRAPH };

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
	{ "prometheus", no_argument, NULL, OPT_PROMETHEUS },
	{ "raw", no_argument, NULL, 'r' },
	{ "notruncate", no_argument, NULL, 'u' },
	{ "nowrap", no_argument, NULL, 'W' },
	{ "type", required_argument, NULL, 't' },
	{ "tree", optional_argument, NULL, 'T' },
	{ "graph", optional_argument, NULL, OPT_GRAPH },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* What the command line asked for. */
struct nsls_args {
	struct nstk_out_text_options text;
	struct nstk_nsview_options view;
	int columns[MAX_COLUMNS];
	bool json;
	bool prometheus;
	const char *prometheus_file; /* -o FILE with --prometheus; NULL: stdout */
	bool graph; /* --graph: DOT from the JSON document */
	unsigned sources;
	const char *ino_text; /* the <namespace> argument as typed */
	struct nstk_filter *filter;
};

/* -o lists (each replaces the list, or with '+' adds to it, in order) and
 * --output-all into a->columns. */
static int parse_columns(struct nsls_args *a, const char *const *outputs, size_t n_outputs, bool output_all)
{
	/* --graph and --prometheus read fixed columns; -o is not theirs. */
	static const int graph_columns[] = { NSLS_GRAPH_COLUMNS };
	static const int metric_columns[] = { NSLS_PROMETHEUS_COLUMNS };
	const int *fixed = a->graph ? graph_columns : a->prometheus ? metric_columns : NULL;
	size_t nfixed = a->graph ? NSTK_ARRAY_SIZE(graph_columns) : NSTK_ARRAY_SIZE(metric_columns);
	size_t ncols = 0;
	if (fixed) {
		for (ncols = 0; ncols < nfixed; ncols++)
			a->columns[ncols] = fixed[ncols];
		n_outputs = 0;
	} else if (output_all) {
		for (ncols = 0; ncols < NSTK_NSCOL_COUNT; ncols++)
			a->columns[ncols] = (int)ncols;
	} else if (n_outputs == 0 || outputs[0][0] == '+') {
		ncols = default_columns(a->columns, a->view.kinds);
	}
	for (size_t i = 0; i < n_outputs; i++) {
		char bad[64];
		int r = nstk_out_columns_parse(nstk_nscols, NSTK_NSCOL_COUNT, outputs[i], a->columns,
					       MAX_COLUMNS, &ncols, bad, sizeof(bad));
		if (r == -E2BIG)
			return usage_error("too many columns in '%s'", outputs[i]);
		if (r < 0)
			return usage_error("unknown column: '%s'", bad);
	}
	/* JSON asked for one container's namespaces says which container. */
	if (a->json && a->view.container) {
		bool shown = false;
		for (size_t i = 0; i < ncols; i++)
			shown |= a->columns[i] == NSTK_NSCOL_CONTAINER;
		if (!shown && ncols < MAX_COLUMNS)
			a->columns[ncols++] = NSTK_NSCOL_CONTAINER;
	}
	a->view.columns = a->columns;
	a->view.ncols = ncols;
	return 0;
}

/* 1: go on; 0: exit 0 (--help, --version printed); -EINVAL: said why. */
static int parse_argv(int argc, char **argv, struct nsls_args *a)
{
	static const char shortopts[] = "Jlno:p:PQ:ruWt:T::hV";
	static const struct tool_exclusive exclusive[] = {
		{ { 'J', 'r' } },
		{ { 'l', 'T' } },
		{ { 'p', 'P' } },
		{ { 'J', OPT_PROMETHEUS } },
		{ { 'r', OPT_PROMETHEUS } },
		{ { 'T', OPT_PROMETHEUS } },
		{ { OPT_OUTPUT_ALL, OPT_PROMETHEUS } },
		/* --graph draws; the options of the table and JSON have no say in it. */
		{ { OPT_GRAPH, 'J' } },
		{ { OPT_GRAPH, 'r' } },
		{ { OPT_GRAPH, 'l' } },
		{ { OPT_GRAPH, 'T' } },
		{ { OPT_GRAPH, 'o' } },
		{ { OPT_GRAPH, OPT_OUTPUT_ALL } },
		{ { OPT_GRAPH, 'n' } },
		{ { OPT_GRAPH, 'u' } },
		{ { OPT_GRAPH, 'W' } },
		{ { OPT_GRAPH, OPT_PROMETHEUS } },
	};
	bool seen[TOOL_OPT_MAX] = { false };
	const char *outputs[16];
	size_t n_outputs = 0;
	const char *filter_expr = NULL;
	int c;

	a->sources = NSTK_SOURCE_ALL | NSTK_SOURCE_SOCKETS;
	opterr = 0; /* option_error says it in one line */
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (c > 0 && c < TOOL_OPT_MAX)
			seen[c] = true;
		switch (c) {
		case 'J':
			a->json = true;
			break;
		case 'l':
			break;
		case 'n':
			a->text.noheadings = true;
			break;
		case 'o':
			if (n_outputs == NSTK_ARRAY_SIZE(outputs))
				return usage_error("too many -o options");
			outputs[n_outputs++] = optarg;
			break;
		case OPT_OUTPUT_ALL:
			break;
		case OPT_SOCKETS:
			a->sources |= NSTK_SOURCE_SOCKETS;
			break;
		case OPT_NO_SOCKETS:
			a->sources &= ~(unsigned)NSTK_SOURCE_SOCKETS;
			break;
		case OPT_PROMETHEUS:
			a->prometheus = true;
			break;
		case OPT_CONTAINER:
			if (!optarg[0])
				return usage_error("empty container id");
			a->view.container = optarg;
			break;
		case 'p':
			if (nstk_parse_pid(optarg, strlen(optarg), &a->view.task) < 0)
				return usage_error("invalid PID: '%s'", optarg);
			break;
		case 'P':
			a->view.persistent_only = true;
			break;
		case 'Q':
			filter_expr = optarg;
			break;
		case 'r':
			a->text.raw = true;
			break;
		case 'u':
			a->text.notruncate = true;
			break;
		case 'W':
			a->text.nowrap = true;
			break;
		case 't': {
			int k = nstk_ns_kind_from_name(optarg);
			if (k < 0)
				return usage_error("unknown namespace type: '%s'", optarg);
			a->view.kinds |= 1u << k;
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
				return usage_error("unknown tree relation: '%s' (process, owner or parent)", mode);
			a->view.tree = m;
			break;
		}
		case OPT_GRAPH: {
			/* As -T: "--graph dot" too, when the word is not an inode. */
			const char *format = optarg;
			uint64_t ino;
			if (!format && optind < argc && argv[optind][0] != '-' &&
			    nstk_parse_u64(argv[optind], strlen(argv[optind]), &ino) < 0)
				format = argv[optind++];
			if (format && strcmp(format, "dot") != 0)
				return usage_error("unknown graph format: '%s' (dot)", format);
			a->graph = true;
			break;
		}
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("nsls from nstk %s\n", NSTK_VERSION);
			return 0;
		default:
			return option_error(shortopts, argv[optind - 1], optopt);
		}
	}
	if (optind < argc) {
		if (optind + 1 < argc)
			return usage_error("unexpected argument: '%s'", argv[optind + 1]);
		a->ino_text = argv[optind];
		if (nstk_parse_u64(a->ino_text, strlen(a->ino_text), &a->view.ino) < 0 || !a->view.ino)
			return usage_error("invalid namespace inode: '%s'", a->ino_text);
	}
	int r = tool_check_exclusive(exclusive, NSTK_ARRAY_SIZE(exclusive), longopts, seen);
	if (r < 0)
		return r;
	if (a->graph) {
		/* Only network namespaces are drawn: -t net is implied, any other kind refused. */
		if (a->view.kinds & ~(1u << NSTK_NS_NET))
			return usage_error("--graph draws network namespaces only: -t net or no -t");
		a->view.kinds = 1u << NSTK_NS_NET;
	}
	if (!seen['T'])
		a->view.tree = (seen['l'] || a->json || a->graph || a->prometheus || seen[OPT_OUTPUT_ALL])
				       ? NSTK_NSTREE_NONE
				       : NSTK_NSTREE_PROCESS;
	if (!a->view.kinds)
		a->view.kinds = NSTK_NS_ALL_KINDS;
	if (a->prometheus) {
		/* Metrics have no columns: -o names the file, as cgtop's. */
		if (n_outputs > 1)
			return usage_error("--prometheus takes one -o FILE");
		if (n_outputs == 1 && !outputs[0][0])
			return usage_error("empty file name for -o");
		a->prometheus_file = n_outputs ? outputs[0] : NULL;
	}
	r = parse_columns(a, outputs, n_outputs, seen[OPT_OUTPUT_ALL]);
	if (r < 0)
		return r;
	if (filter_expr) {
		char err[160];
		const char *names[NSTK_NSCOL_COUNT];
		for (size_t i = 0; i < NSTK_NSCOL_COUNT; i++)
			names[i] = nstk_nscols[i].name;
		if (nstk_filter_parse(filter_expr, names, NSTK_NSCOL_COUNT, &a->filter, err, sizeof(err)) < 0)
			return usage_error("bad filter: %s", err);
		a->view.filter = a->filter;
	}
	a->view.mark_no_process = !a->json && !a->prometheus && !a->graph;
	/* Raw output is for scripts: one line per namespace, as lsns; metrics and a graph need none. */
	a->view.via = a->json ? NSTK_NSVIEW_VIA_COLUMN
		      : a->text.raw || a->prometheus || a->graph ? NSTK_NSVIEW_VIA_NONE
								 : NSTK_NSVIEW_VIA_ROWS;
	a->view.utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	a->text.tree = a->view.tree != NSTK_NSTREE_NONE;
	return 1;
}

static int no_such_task(pid_t pid)
{
	return tool_fail("no process with PID %d", (int)pid);
}

/* The checks that can fail without the census, before it (the scan is the cost). */
static int precheck(const struct nstk_nsview_options *view)
{
	char proc_path[32];
	snprintf(proc_path, sizeof(proc_path), "/proc/%d", (int)view->task);
	if (view->task && access(proc_path, F_OK) < 0 && errno == ENOENT)
		return no_such_task(view->task);
	if (view->container) {
		/* The rule nsenter-lite --container has: a prefix that names two
		 * containers is refused, never a list of both. */
		struct nstk_container_pick pick;
		if (nstk_container_scan(view->container, &pick) == 0 && pick.ambiguous) {
			char one[NSTK_CONTAINER_LABEL_MAX], two[NSTK_CONTAINER_LABEL_MAX];
			nstk_container_label(&pick.found, one, sizeof(one));
			nstk_container_label(&pick.other, two, sizeof(two));
			return tool_fail("'%s' matches more than one container (%s, %s): give more of the id",
					 view->container, one, two);
		}
	}
	return EXIT_SUCCESS;
}

/* The table as JSON, Prometheus text, DOT or text on stdout (or -o FILE): 0 or -errno. */
static int render(const struct nsls_args *a, const struct nstk_census *census,
		  const struct nstk_out_table *table)
{
	if (a->prometheus) {
		_cleanup_free_ char *text = NULL;
		size_t len;
		int r = nsls_prometheus(table, census->n_denied, &text, &len);
		if (r < 0)
			return r;
		if (a->prometheus_file)
			return nstk_expo_write_atomic(a->prometheus_file, text, len);
		fwrite(text, 1, len, stdout);
		return 0;
	}
	if (!a->json && !a->graph) {
		_cleanup_free_ char *out = NULL;
		int r = nstk_out_render_text(table, &a->text, &out);
		if (r == 0 && out[0])
			puts(out);
		return r;
	}
	json_t *doc;
	int r = nstk_nsview_json(census, table, a->view.tree, &doc);
	if (r < 0)
		return r;
	if (a->graph) {
		/* Drawn from the document -J would print: the same rows, the same values. */
		char *dot;
		size_t len;
		r = nsls_graph_dot(doc, &dot, &len);
		json_decref(doc);
		if (r < 0)
			return r;
		fwrite(dot, 1, len, stdout);
		free(dot);
		return 0;
	}
	/* One string and one write: json_dumpf writes token by token. */
	char *dumped = json_dumps(doc, JSON_INDENT(2));
	json_decref(doc);
	if (!dumped)
		return -ENOMEM;
	fputs(dumped, stdout);
	fputc('\n', stdout);
	free(dumped);
	return 0;
}

/* Census, rows, output: EXIT_SUCCESS or EXIT_FAILURE (said why). */
static int list_namespaces(struct nsls_args *a, struct nstk_census *census, struct nstk_out_table **table)
{
	int r = nstk_census_scan(census, "/proc", a->sources);
	if (r < 0)
		return tool_fail("cannot read /proc: %s", strerror(-r));
	/* Said first, so it also explains a failure below. */
	report_partial(census);

	uint64_t task_ns[NSTK_NS_KIND_COUNT];
	if (a->view.task) {
		r = nstk_census_task_namespaces(census, a->view.task, task_ns);
		if (r == -ESRCH)
			return no_such_task(a->view.task);
		if (r < 0)
			return tool_fail("cannot read /proc/%d/ns: %s", (int)a->view.task, strerror(-r));
		a->view.task_ns = task_ns;
	}
	r = nstk_nsview_build(census, &a->view, table);
	a->view.task_ns = NULL;
	if (r < 0)
		return tool_fail("cannot build the namespace list: %s", strerror(-r));
	if (a->view.container && (*table)->nrows == 0)
		return tool_fail("no container matches '%s'", a->view.container);
	if (a->view.ino && (*table)->nrows == 0)
		return tool_fail("no namespace with inode %s%s", a->ino_text,
				 a->view.task ? " among the task's" : "");
	r = render(a, census, *table);
	if (r < 0 && a->prometheus_file)
		return tool_fail("cannot write %s: %s", a->prometheus_file, strerror(-r));
	if (r < 0)
		return tool_fail("cannot render output: %s", strerror(-r));
	return EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
	sigpipe_default();
	/* libsmartcols draws tree lines in UTF-8 only when the locale says so. */
	setlocale(LC_ALL, "");

	struct nsls_args args = { 0 };
	int r = parse_argv(argc, argv, &args);
	int status = r < 0 ? EXIT_USAGE : r == 0 ? flush_stdout() : precheck(&args.view);
	if (r > 0 && status == EXIT_SUCCESS) {
		struct nstk_census census = { 0 };
		struct nstk_out_table *table = NULL;
		status = list_namespaces(&args, &census, &table);
		nstk_out_table_free(table);
		nstk_census_free(&census);
		if (status == EXIT_SUCCESS)
			status = flush_stdout();
	}
	nstk_filter_free(args.filter);
	return status;
}

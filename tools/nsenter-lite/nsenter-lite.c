/*
 * nsenter-lite — run a program in the namespaces of another process, with
 * util-linux nsenter's options and the safety container runtimes learned the
 * hard way: the target pinned by a pidfd, no inherited fd reaching the
 * command, no host directory tunnelled in, non-dumpable until exec.
 *
 * main() reads like the order of events: options; stdio and dumpability made
 * safe; the target pinned; the plan read and decided (and printed, for
 * --dry-run); environment and cgroups taken; namespaces entered; a fork for a
 * pid namespace; root, cwd, credentials, fds; exec. Exit status: the
 * command's, 126/127 when it cannot be run, 128+N when it dies of signal N,
 * 1 for our own failures, 2 for bad usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "nsenter-lite.h"
#include "nstk/caps.h"
#include "nstk/parse.h"
#include "nstk/util.h"

static void usage(FILE *f)
{
	fputs("Usage:\n"
	      " " PROG " [options] [<program> [<argument>...]]\n"
	      "\n"
	      "Run a program in the namespaces of another process, safely.\n"
	      "\n"
	      "Target:\n"
	      " -t, --target <pid>          the process whose namespaces to enter\n"
	      "     --container <id>        the init process of a container (id, prefix or name)\n"
	      "     --netns <name>          the network namespace /run/netns/<name> (ip netns)\n"
	      "\n"
	      "Namespaces (FILE: enter that namespace file instead of the target's):\n"
	      " -a, --all                   every namespace of the target that differs from ours\n"
	      " -m, --mount[=<file>]        mount namespace\n"
	      " -u, --uts[=<file>]          UTS namespace (hostname)\n"
	      " -i, --ipc[=<file>]          System V IPC namespace\n"
	      " -n, --net[=<file>]          network namespace\n"
	      " -N, --net-socket <fd>       the network namespace of the target's socket <fd>\n"
	      " -p, --pid[=<file>]          pid namespace (forks, unless -F)\n"
	      " -U, --user[=<file>]         user namespace\n"
	      "     --user-parent           the parent of that user namespace (of the target's\n"
	      "                             without -U)\n"
	      " -C, --cgroup[=<file>]       cgroup namespace\n"
	      " -T, --time[=<file>]         time namespace\n"
	      "\n"
	      "In there:\n"
	      " -r, --root[=<dir>]          root: <dir> (looked up inside), else the target's\n"
	      " -w, --wd[=<dir>]            working directory: <dir> (inside), else the target's\n"
	      " -W, --wdns[=<dir>]          the same (nsenter's -w opens <dir> before entering;\n"
	      "                             nsenter-lite's -w, like --wdns, always inside)\n"
	      " -S, --setuid <uid>|follow   set the uid (follow: the target's)\n"
	      " -G, --setgid <gid>|follow   set the gid, clearing supplementary groups\n"
	      "     --preserve-credentials  keep our uid, gid and groups when entering a user ns\n"
	      "     --keep-caps             keep our permitted capabilities across exec (ambient)\n"
	      " -e, --env                   take the target's environment, but for what\n"
	      "                             changes what runs (LD_*, BASH_ENV, ...; PATH,\n"
	      "                             SHELL are ours; HOME is ours unless -m)\n"
	      "     --env-unsafe            with -e: take all of it, as nsenter -e does\n"
	      " -c, --join-cgroup           join the target's cgroups (every hierarchy mounted)\n"
	      " -Z, --follow-context        run in the target's SELinux context (when enabled)\n"
	      " -F, --no-fork               do not fork for a pid namespace\n"
	      "     --keep-fds              let the program inherit our fds above 2\n"
	      "\n"
	      "     --dry-run               print what would be entered, enter nothing\n"
	      " -J, --json                  with --dry-run: as JSON\n"
	      " -h, --help                  display this help\n"
	      " -V, --version               display version\n"
	      "\n"
	      "Without a program, runs $SHELL (else /bin/sh). Exit status: the program's;\n"
	      "126 cannot run it, 127 not found, 128+N killed by signal N; 1 failure;\n"
	      "2 bad usage. See nsenter-lite(1).\n",
	      f);
}

/* ---- options ---------------------------------------------------------------- */

enum {
	OPT_CONTAINER = 0x100,
	OPT_NETNS,
	OPT_PRESERVE,
	OPT_KEEP_CAPS,
	OPT_KEEP_FDS,
	OPT_DRY_RUN,
	OPT_ENV_UNSAFE,
	OPT_USER_PARENT,
};

/* The kind of a namespace option letter, or -1. */
static int kind_of_option(int c)
{
	switch (c) {
	case 'm':
		return NSTK_NS_MNT;
	case 'u':
		return NSTK_NS_UTS;
	case 'i':
		return NSTK_NS_IPC;
	case 'n':
		return NSTK_NS_NET;
	case 'p':
		return NSTK_NS_PID;
	case 'U':
		return NSTK_NS_USER;
	case 'C':
		return NSTK_NS_CGROUP;
	case 'T':
		return NSTK_NS_TIME;
	default:
		return -1;
	}
}

/* -S/-G: a number, or "follow" (the target's). Returns 0 or -EINVAL. */
static int parse_id(const char *arg, uint32_t *id, bool *follow)
{
	uint64_t v;
	if (strcmp(arg, "follow") == 0) {
		*follow = true;
		return 0;
	}
	if (nstk_parse_u64(arg, strlen(arg), &v) < 0 || v >= UINT32_MAX)
		return -EINVAL;
	*id = (uint32_t)v;
	*follow = false;
	return 0;
}

static int set_netns(struct options *o, const char *name)
{
	if (!name[0] || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return usage_error("invalid network namespace name: '%s'", name);
	snprintf(o->netns_path, sizeof(o->netns_path), "/run/netns/%s", name);
	o->plan.ns[NSTK_NS_NET].asked = true;
	o->plan.ns[NSTK_NS_NET].file = o->netns_path;
	return 1;
}

/* One option: parse_argv()'s 1 (go on), 0 (exit 0) or -EINVAL. */
static int take_option(struct options *o, int c, const char *arg)
{
	int k = kind_of_option(c);
	if (k >= 0) {
		if (arg && !arg[0])
			return usage_error("empty file name for --%s", nstk_ns_kind_name(k));
		o->plan.ns[k].asked = true;
		o->plan.ns[k].file = arg;
		return 1;
	}
	switch (c) {
	case 't':
		if (o->pid)
			return usage_error("option --target may be given only once");
		if (nstk_parse_pid(arg, strlen(arg), &o->pid) < 0)
			return usage_error("invalid PID: '%s'", arg);
		return 1;
	case OPT_CONTAINER:
		if (!arg[0])
			return usage_error("empty container id");
		o->container = arg;
		return 1;
	case OPT_NETNS:
		return set_netns(o, arg);
	case 'a':
		o->plan.all = true;
		return 1;
	case 'F':
		o->plan.no_fork = true;
		return 1;
	case 'r':
		o->dirs.root = true;
		o->dirs.root_dir = arg;
		return arg && !arg[0] ? usage_error("empty directory for --root") : 1;
	case 'w':
	case 'W':
		o->dirs.wd = true;
		o->dirs.wd_dir = arg;
		return arg && !arg[0] ? usage_error("empty directory for --wd") : 1;
	case 'N': {
		uint64_t fd;
		if (nstk_parse_u64(arg, strlen(arg), &fd) < 0 || fd > INT_MAX)
			return usage_error("invalid file descriptor: '%s'", arg);
		o->net_socket = (int)fd;
		return 1;
	}
	case OPT_USER_PARENT:
		o->user_parent = true;
		return 1;
	case 'Z':
		o->follow_context = true;
		return 1;
	case 'S':
		o->creds.set_uid = true;
		return parse_id(arg, &o->creds.uid, &o->creds.uid_follow) < 0
			       ? usage_error("invalid uid: '%s'", arg)
			       : 1;
	case 'G':
		o->creds.set_gid = true;
		return parse_id(arg, &o->creds.gid, &o->creds.gid_follow) < 0
			       ? usage_error("invalid gid: '%s'", arg)
			       : 1;
	case OPT_PRESERVE:
		o->preserve_credentials = true;
		return 1;
	case OPT_KEEP_CAPS:
		o->creds.keep_caps = true;
		return 1;
	case 'e':
		o->env = true;
		return 1;
	case OPT_ENV_UNSAFE:
		o->env_unsafe = true;
		return 1;
	case 'c':
		o->join_cgroup = true;
		return 1;
	case OPT_KEEP_FDS:
		o->keep_fds = true;
		return 1;
	case OPT_DRY_RUN:
		o->dry_run = true;
		return 1;
	case 'J':
		o->json = true;
		return 1;
	case 'h':
		usage(stdout);
		return 0;
	case 'V':
		printf(PROG " from nstk %s\n", NSTK_VERSION);
		return 0;
	default:
		fputs("Try '" PROG " --help' for more information.\n", stderr);
		return -EINVAL;
	}
}

/* What needs a target, and whether there is anything to do at all: 1 or -EINVAL. */
static int check_options(const struct options *o)
{
	bool target = o->pid || o->container, anything = o->plan.all;
	for (int k = 0; k < NSTK_NS_KIND_COUNT; k++) {
		const struct nstk_enter_ns *ns = &o->plan.ns[k];
		anything |= ns->asked;
		if (ns->asked && !ns->file && !target)
			return usage_error("--%s needs a target (-t or --container) or a file",
					   nstk_ns_kind_name(k));
	}
	const char *needs_target = o->plan.all ? "--all"
				   : o->dirs.root && !o->dirs.root_dir
					   ? "--root without a directory"
				   : o->dirs.wd && !o->dirs.wd_dir ? "--wd without a directory"
				   : o->env			   ? "--env"
				   : o->join_cgroup		   ? "--join-cgroup"
				   : o->net_socket >= 0		   ? "--net-socket"
				   : o->follow_context		   ? "--follow-context"
				   : o->user_parent && !o->plan.ns[NSTK_NS_USER].file
					   ? "--user-parent without -U FILE"
				   : o->creds.uid_follow || o->creds.gid_follow ? "follow"
										: NULL;
	if (needs_target && !target)
		return usage_error("%s needs a target (-t or --container)", needs_target);
	anything |= o->dirs.root || o->dirs.wd || o->env || o->join_cgroup || o->creds.set_uid ||
		    o->creds.set_gid || o->net_socket >= 0 || o->user_parent;
	if (!anything)
		return usage_error("nothing to enter: give -a or -m -u -i -n -p -U -C -T");
	if (o->env_unsafe && !o->env)
		return usage_error("--env-unsafe goes with -e");
	if (o->json && !o->dry_run)
		return usage_error("--json goes with --dry-run");
	return 1;
}

static int parse_argv(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "target", required_argument, NULL, 't' },
		{ "container", required_argument, NULL, OPT_CONTAINER },
		{ "netns", required_argument, NULL, OPT_NETNS },
		{ "all", no_argument, NULL, 'a' },
		{ "mount", optional_argument, NULL, 'm' },
		{ "uts", optional_argument, NULL, 'u' },
		{ "ipc", optional_argument, NULL, 'i' },
		{ "net", optional_argument, NULL, 'n' },
		{ "net-socket", required_argument, NULL, 'N' },
		{ "pid", optional_argument, NULL, 'p' },
		{ "user", optional_argument, NULL, 'U' },
		{ "user-parent", no_argument, NULL, OPT_USER_PARENT },
		{ "cgroup", optional_argument, NULL, 'C' },
		{ "time", optional_argument, NULL, 'T' },
		{ "root", optional_argument, NULL, 'r' },
		{ "wd", optional_argument, NULL, 'w' },
		{ "wdns", optional_argument, NULL, 'W' },
		{ "setuid", required_argument, NULL, 'S' },
		{ "setgid", required_argument, NULL, 'G' },
		{ "preserve-credentials", no_argument, NULL, OPT_PRESERVE },
		{ "keep-caps", no_argument, NULL, OPT_KEEP_CAPS },
		{ "env", no_argument, NULL, 'e' },
		{ "env-unsafe", no_argument, NULL, OPT_ENV_UNSAFE },
		{ "join-cgroup", no_argument, NULL, 'c' },
		{ "follow-context", no_argument, NULL, 'Z' },
		{ "no-fork", no_argument, NULL, 'F' },
		{ "keep-fds", no_argument, NULL, OPT_KEEP_FDS },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct tool_exclusive exclusive[] = {
		{ { 't', OPT_CONTAINER } },
		{ { 'w', 'W' } },
		{ { 'N', 'n', OPT_NETNS } },
	};
	bool seen[TOOL_OPT_MAX] = { false };
	int c;
	/* '+': the first non-option word starts the program's own arguments. */
	static const char shortopts[] = "+t:am::u::i::n::N:p::U::C::T::r::w::W::S:G:ecZFJhV";
	opterr = 0; /* option_error says it in one line */
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (c == '?')
			return option_error(shortopts, argv[optind - 1], optopt);
		if (c > 0 && c < TOOL_OPT_MAX)
			seen[c] = true;
		int r = take_option(o, c, optarg);
		if (r <= 0)
			return r;
	}
	o->command = argv + optind;
	int r = tool_check_exclusive(exclusive, NSTK_ARRAY_SIZE(exclusive), longopts, seen);
	return r < 0 ? r : check_options(o);
}

/* ---- running ------------------------------------------------------------------ */

/*
 * Exit once namespaces may have been entered: after setns into a mount
 * namespace, /proc may belong to a pid namespace we are not in, so atexit
 * work that reads /proc/self (a sanitizer's leak check) must not run.
 */
static _Noreturn void exit_entered(int status)
{
	fflush(stdout);
	_exit(status);
}

static bool has_cap_sys_admin(void)
{
	static const int admin[] = { CAP_SYS_ADMIN };
	char names[32];
	return nstk_caps_missing(admin, 1, names, sizeof(names)) == 0;
}

/* setns(pidfd, mask) on this kernel, unless NSENTER_LITE_PROC_NS asks for files. */
static bool can_setns_pidfd(void)
{
	struct utsname u;
	const char *force_files = getenv("NSENTER_LITE_PROC_NS");
	if (force_files && force_files[0] && strcmp(force_files, "0") != 0)
		return false;
	return uname(&u) == 0 && nstk_enter_kernel_has_pidfd_setns(u.release);
}

static int pin_target(const struct options *o, struct nstk_enter_target *t, struct target_info *ti,
		      struct nstk_container_pick *pick, struct nstk_enter_error *e)
{
	ti->pid = o->pid;
	ti->container = o->container;
	if (o->pid) {
		int r = nstk_enter_target_open(o->pid, t, e);
		/* -t PID in a container is that container's, as --container says. */
		struct nstk_container c;
		if (r == 0 && nstk_enter_target_container(t, &c) == 1)
			nstk_container_label(&c, ti->label, sizeof(ti->label));
		return r;
	}
	if (!o->container)
		return 0;
	int r = nstk_enter_find_container(o->container, pick, t, e);
	ti->pid = t->pid ? t->pid : pick->pid;
	nstk_container_label(&pick->found, ti->label, sizeof(ti->label));
	return r;
}

/*
 * The program to run: the command, or our $SHELL (else /bin/sh). Decided
 * before -e swaps the environment, so the target never picks it.
 */
static const char *program_of(char **command)
{
	if (command[0])
		return command[0];
	const char *shell = getenv("SHELL");
	return shell && shell[0] ? shell : "/bin/sh";
}

static _Noreturn void exec_command(char **command, const char *program)
{
	const char *file = program;
	if (command[0]) {
		execvp(file, command);
	} else {
		const char *shell = program;
		/* A login shell, as nsenter starts it: argv[0] is "-sh". */
		char copy[PATH_MAX], argv0[PATH_MAX + 1];
		snprintf(copy, sizeof(copy), "%s", shell);
		snprintf(argv0, sizeof(argv0), "-%s", basename(copy));
		file = shell;
		execl(shell, argv0, (char *)NULL);
	}
	int err = errno;
	tool_warn("cannot run '%s': %s", file, strerror(err));
	exit_entered(nstk_enter_exec_status(err));
}

/* In the process that will exec: directories, environment, ids, fds. */
static _Noreturn void become_command(struct options *o, const struct nstk_enter_target *t,
				     const struct target_info *ti, char **env)
{
	struct nstk_enter_error e = { 0 };
	if (nstk_enter_set_root_and_cwd(&o->dirs, t, o->plan.ns[NSTK_NS_MNT].enter, &e) < 0 ||
	    nstk_enter_set_credentials(&o->creds, t, &e) < 0) {
		report_error(&e, ti, NULL);
		exit_entered(EXIT_FAILURE);
	}
	const char *program = program_of(o->command);
	if (env)
		environ = env;
	int r = o->keep_fds ? 0 : nstk_enter_close_fds();
	if (r < 0) {
		e = (struct nstk_enter_error){ .stage = NSTK_ENTER_STAGE_CLOSE_FDS, .err = -r };
		report_error(&e, ti, NULL);
		exit_entered(EXIT_FAILURE);
	}
	exec_command(o->command, program);
}

/*
 * -e: the target's environment, made safe for a program that runs as us
 * unless --env-unsafe (lib/enter/enter_environ.c says what is left out and why).
 */
static int take_environ(const struct options *o, const struct nstk_enter_target *t,
			const struct target_info *ti, char ***env, struct nstk_enter_error *e)
{
	if (nstk_enter_read_environ(t, env, e) < 0)
		return -1;
	if (o->env_unsafe)
		return 0;
	char **dropped = NULL;
	int r = nstk_enter_environ_sanitize(env, environ, o->plan.ns[NSTK_NS_MNT].enter, &dropped);
	if (r < 0) {
		*e = (struct nstk_enter_error){ .stage = NSTK_ENTER_STAGE_READ_ENVIRON, .err = -r };
		return -1;
	}
	warn_env_dropped(ti, dropped);
	nstk_enter_environ_free(dropped);
	return 0;
}

/* Everything before the first setns that needs the target: -e, -c, -Z. */
static int take_from_target(const struct options *o, const struct nstk_enter_target *t,
			    const struct target_info *ti, char ***env, struct nstk_enter_error *e)
{
	size_t joined;
	if (o->env && take_environ(o, t, ti, env, e) < 0)
		return -1;
	if (o->join_cgroup && nstk_enter_join_cgroups(t, &joined, e) < 0)
		return -1;
	if (o->follow_context && nstk_enter_follow_context(t, e) < 0)
		return -1;
	return 0;
}

static _Noreturn void enter_and_run(struct options *o, struct nstk_enter_target *t,
				    const struct target_info *ti)
{
	struct nstk_enter_error e = { 0 };
	char **env = NULL;
	if (o->plan.pid_without_mnt)
		warn_pid_without_mnt();
	if (take_from_target(o, t, ti, &env, &e) < 0) {
		report_error(&e, ti, NULL);
		nstk_enter_environ_free(env);
		nstk_enter_plan_close(&o->plan);
		nstk_enter_target_close(t);
		exit(EXIT_FAILURE);
	}
	nstk_enter_creds_decide(&o->creds, o->plan.ns[NSTK_NS_USER].enter, o->preserve_credentials);
	nstk_enter_creds_prepare(&o->creds);
	if (nstk_enter_namespaces(&o->plan, t, &e) < 0) {
		report_error(&e, ti, NULL);
		exit_entered(EXIT_FAILURE);
	}
	nstk_enter_plan_close(&o->plan);
	if (o->plan.fork) {
		sigset_t relayed;
		pid_t child = fork_relaying(&relayed);
		if (child < 0) {
			tool_warn("fork failed: %s", strerror((int)-child));
			exit_entered(EXIT_FAILURE);
		}
		if (child > 0) {
			nstk_enter_target_close(t);
			exit_entered(relay_until_exit(child, &relayed));
		}
	}
	become_command(o, t, ti, env);
}

int main(int argc, char **argv)
{
	/* First, so no fd we open can take the number of a closed stdio one. */
	if (nstk_enter_open_stdio() < 0)
		return EXIT_FAILURE;
	struct options o = { .net_socket = -1 };
	nstk_enter_plan_init(&o.plan);
	int r = parse_argv(argc, argv, &o);
	if (r <= 0)
		return r < 0 ? EXIT_USAGE : flush_stdout();
	int status;
	/* Nobody may ptrace or read us while we hold host fds in the target's namespaces. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
		tool_warn("cannot make the process non-dumpable: %s",
			strerror(errno));
		return EXIT_FAILURE;
	}
	signal(SIGCHLD, SIG_DFL);

	struct nstk_enter_target t = NSTK_ENTER_TARGET_NONE;
	struct target_info ti = { 0 };
	struct nstk_container_pick pick = { 0 };
	struct nstk_enter_error e = { 0 };
	if (pin_target(&o, &t, &ti, &pick, &e) < 0 || nstk_enter_plan_read(&o.plan, &t, &e) < 0 ||
	    (o.net_socket >= 0 && nstk_enter_plan_net_socket(&o.plan, &t, o.net_socket, &e) < 0) ||
	    (o.user_parent && nstk_enter_plan_user_parent(&o.plan, &t, &e) < 0) ||
	    nstk_enter_plan_decide(&o.plan, has_cap_sys_admin(),
				   t.pidfd >= 0 && t.pidfd_is_target && can_setns_pidfd(), &e) < 0) {
		report_error(&e, &ti, &pick);
		nstk_enter_plan_close(&o.plan);
		nstk_enter_target_close(&t);
		return EXIT_FAILURE;
	}
	if (o.dry_run) {
		status = print_plan(&o.plan, &ti, o.json, o.join_cgroup);
		nstk_enter_plan_close(&o.plan);
		nstk_enter_target_close(&t);
		return status;
	}
	enter_and_run(&o, &t, &ti);
}

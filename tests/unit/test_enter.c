/*
 * test_enter.c — the pure parts of nsenter-lite's library (the files of lib/enter/):
 * which namespaces an option set enters and why, the order of the setns
 * calls (user namespace first to gain privilege, last to keep it), exit
 * statuses, kernel versions, cgroup mounts on hybrid and unified hosts,
 * environ and status parsing, and the --container pick.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "nstk/enter.h"
#include "nstk/util.h"

#define BIT(k) (1u << (k))
#define USER BIT(NSTK_NS_USER)

/* A plan as plan_read would leave it: the target differs from us in every
 * kind but user, and nothing was asked. */
static void plan_with_target(struct nstk_enter_plan *p)
{
	nstk_enter_plan_init(p);
	for (int k = 0; k < NSTK_NS_KIND_COUNT; k++) {
		p->ns[k].self_ino = 4026531830 + (uint64_t)k;
		p->ns[k].target_ino =
			k == NSTK_NS_USER ? p->ns[k].self_ino : 4026532000 + (uint64_t)k;
	}
}

static int decide(struct nstk_enter_plan *p, bool privileged)
{
	struct nstk_enter_error e = { 0 };
	return nstk_enter_plan_decide(p, privileged, true, &e);
}

/* ---- option -> plan ------------------------------------------------------------ */

static void one_option_enters_one_kind(void **state)
{
	(void)state;
	struct nstk_enter_plan p;
	plan_with_target(&p);
	p.ns[NSTK_NS_NET].asked = true;
	assert_int_equal(decide(&p, true), 0);
	assert_int_equal(nstk_enter_plan_kinds(&p), BIT(NSTK_NS_NET));
	assert_int_equal(p.ns[NSTK_NS_NET].reason, NSTK_ENTER_ASKED);
	assert_int_equal(p.ns[NSTK_NS_UTS].reason, NSTK_ENTER_NOT_ASKED);
	assert_false(p.fork);
	assert_false(p.pid_without_mnt);
}

static void all_enters_what_differs_and_skips_own_userns(void **state)
{
	(void)state;
	struct nstk_enter_plan p;
	plan_with_target(&p);
	p.all = true;
	p.ns[NSTK_NS_UTS].target_ino = p.ns[NSTK_NS_UTS].self_ino;
	assert_int_equal(decide(&p, true), 0);
	assert_int_equal(nstk_enter_plan_kinds(&p),
			 (unsigned)NSTK_NS_ALL_KINDS & ~USER & ~BIT(NSTK_NS_UTS));
	assert_int_equal(p.ns[NSTK_NS_USER].reason, NSTK_ENTER_OWN_USERNS);
	assert_int_equal(p.ns[NSTK_NS_UTS].reason, NSTK_ENTER_SAME);
	assert_int_equal(p.ns[NSTK_NS_NET].reason, NSTK_ENTER_DIFFERS);
	assert_true(p.fork);
}

static void all_skips_kinds_the_kernel_lacks(void **state)
{
	(void)state;
	struct nstk_enter_plan p;
	plan_with_target(&p);
	p.all = true;
	p.ns[NSTK_NS_TIME].self_ino = p.ns[NSTK_NS_TIME].target_ino = 0;
	p.ns[NSTK_NS_TIME].self_err = p.ns[NSTK_NS_TIME].target_err = ENOENT;
	assert_int_equal(decide(&p, true), 0);
	assert_false(p.ns[NSTK_NS_TIME].enter);
	assert_int_equal(p.ns[NSTK_NS_TIME].reason, NSTK_ENTER_UNSUPPORTED);
}

static void all_fails_on_an_unreadable_target(void **state)
{
	(void)state;
	struct nstk_enter_plan p;
	struct nstk_enter_error e = { 0 };
	plan_with_target(&p);
	p.all = true;
	for (int k = 0; k < NSTK_NS_KIND_COUNT; k++) {
		p.ns[k].target_ino = 0;
		p.ns[k].target_err = EACCES;
	}
	p.ns[NSTK_NS_NET].asked = true; /* an asked kind needs no inode */
	assert_int_equal(nstk_enter_plan_decide(&p, false, true, &e), -EACCES);
	assert_int_equal(e.stage, NSTK_ENTER_STAGE_READ_NS);
	assert_int_equal(e.kinds, (unsigned)NSTK_NS_ALL_KINDS & ~BIT(NSTK_NS_NET));
}

static void asked_kind_is_entered_even_unreadable_or_same(void **state)
{
	(void)state;
	struct nstk_enter_plan p;
	plan_with_target(&p);
	p.ns[NSTK_NS_NET].asked = true;
	p.ns[NSTK_NS_NET].target_ino = 0;
	p.ns[NSTK_NS_NET].target_err = EACCES;
	p.ns[NSTK_NS_IPC].asked = true;
	p.ns[NSTK_NS_IPC].target_ino = p.ns[NSTK_NS_IPC].self_ino;
	assert_int_equal(decide(&p, false), 0);
	assert_int_equal(nstk_enter_plan_kinds(&p), BIT(NSTK_NS_NET) | BIT(NSTK_NS_IPC));
}

static void asked_own_user_namespace_is_skipped(void **state)
{
	(void)state;
	struct nstk_enter_plan p;
	plan_with_target(&p);
	p.ns[NSTK_NS_USER].asked = true;
	assert_int_equal(decide(&p, true), 0);
	assert_false(p.ns[NSTK_NS_USER].enter);
	assert_int_equal(p.ns[NSTK_NS_USER].reason, NSTK_ENTER_OWN_USERNS);
}

static void pid_forks_unless_no_fork_and_warns_without_mnt(void **state)
{
	(void)state;
	struct nstk_enter_plan p;
	plan_with_target(&p);
	p.ns[NSTK_NS_PID].asked = true;
	assert_int_equal(decide(&p, true), 0);
	assert_true(p.fork);
	assert_true(p.pid_without_mnt);

	plan_with_target(&p);
	p.ns[NSTK_NS_PID].asked = p.ns[NSTK_NS_MNT].asked = true;
	p.no_fork = true;
	assert_int_equal(decide(&p, true), 0);
	assert_false(p.fork);
	assert_false(p.pid_without_mnt);
}

static void user_first_only_without_privilege(void **state)
{
	(void)state;
	struct nstk_enter_plan p;
	plan_with_target(&p);
	assert_int_equal(decide(&p, false), 0);
	assert_true(p.user_first);
	assert_int_equal(decide(&p, true), 0);
	assert_false(p.user_first);
}

/* ---- plan -> setns calls --------------------------------------------------------- */

static void all_by_pidfd_user(struct nstk_enter_plan *p)
{
	plan_with_target(p);
	p->ns[NSTK_NS_USER].target_ino = 4026532999;
	p->all = true;
	assert_int_equal(decide(p, true), 0);
}

static void pidfd_user_first_is_one_call(void **state)
{
	(void)state;
	struct nstk_enter_plan p;
	struct nstk_enter_step s[NSTK_ENTER_MAX_STEPS];
	all_by_pidfd_user(&p);
	assert_int_equal(nstk_enter_steps(&p, true, s, NSTK_ENTER_MAX_STEPS), 1);
	assert_int_equal(s[0].fd_kind, -1);
	assert_int_equal(s[0].kinds, NSTK_NS_ALL_KINDS);
}

static void pidfd_user_last_is_a_second_call(void **state)
{
	(void)state;
	struct nstk_enter_plan p;
	struct nstk_enter_step s[NSTK_ENTER_MAX_STEPS];
	all_by_pidfd_user(&p);
	assert_int_equal(nstk_enter_steps(&p, false, s, NSTK_ENTER_MAX_STEPS), 2);
	assert_int_equal(s[0].fd_kind, -1);
	assert_int_equal(s[0].kinds, (unsigned)NSTK_NS_ALL_KINDS & ~USER);
	assert_int_equal(s[1].fd_kind, -1);
	assert_int_equal(s[1].kinds, USER);
}

/* Kinds of the steps, as "user ipc ..." with '*' for the pidfd call. */
static void steps_text(const struct nstk_enter_step *s, size_t n, char *buf, size_t size)
{
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i)
			strncat(buf, " ", size - strlen(buf) - 1);
		strncat(buf, s[i].fd_kind < 0 ? "*" : nstk_ns_kind_name(s[i].fd_kind),
			size - strlen(buf) - 1);
	}
}

static void files_follow_nsenter_order_user_first_or_last(void **state)
{
	(void)state;
	struct nstk_enter_plan p;
	struct nstk_enter_step s[NSTK_ENTER_MAX_STEPS];
	char text[128];
	all_by_pidfd_user(&p);
	p.use_pidfd = false; /* the /proc/PID/ns path: every kind by its fd */
	size_t n = nstk_enter_steps(&p, true, s, NSTK_ENTER_MAX_STEPS);
	steps_text(s, n, text, sizeof(text));
	assert_string_equal(text, "user cgroup ipc uts net pid mnt time");
	n = nstk_enter_steps(&p, false, s, NSTK_ENTER_MAX_STEPS);
	steps_text(s, n, text, sizeof(text));
	assert_string_equal(text, "cgroup ipc uts net pid mnt time user");
	for (size_t i = 0; i < n; i++)
		assert_int_equal(s[i].kinds, BIT(s[i].fd_kind));
}

static void a_file_goes_after_the_pidfd_call(void **state)
{
	(void)state;
	struct nstk_enter_plan p;
	struct nstk_enter_step s[NSTK_ENTER_MAX_STEPS];
	char text[128];
	all_by_pidfd_user(&p);
	p.ns[NSTK_NS_NET].file = "/run/netns/x";
	p.ns[NSTK_NS_USER].file = "/proc/1/ns/user";
	size_t n = nstk_enter_steps(&p, true, s, NSTK_ENTER_MAX_STEPS);
	steps_text(s, n, text, sizeof(text));
	assert_string_equal(text, "user * net");
	assert_int_equal(s[1].kinds, (unsigned)NSTK_NS_ALL_KINDS & ~USER & ~BIT(NSTK_NS_NET));
	n = nstk_enter_steps(&p, false, s, NSTK_ENTER_MAX_STEPS);
	steps_text(s, n, text, sizeof(text));
	assert_string_equal(text, "* net user");
}

static void nothing_to_enter_is_no_call(void **state)
{
	(void)state;
	struct nstk_enter_plan p;
	struct nstk_enter_step s[NSTK_ENTER_MAX_STEPS];
	plan_with_target(&p);
	assert_int_equal(decide(&p, true), 0);
	assert_int_equal(nstk_enter_steps(&p, true, s, NSTK_ENTER_MAX_STEPS), 0);
}

static void clone_flags_of_kinds(void **state)
{
	(void)state;
	assert_int_equal(nstk_enter_clone_flags(BIT(NSTK_NS_NET) | BIT(NSTK_NS_MNT)),
			 CLONE_NEWNET | CLONE_NEWNS);
	assert_int_equal(nstk_enter_clone_flags(0), 0);
}

/* ---- small rules ---------------------------------------------------------------------- */

static void exit_status_mapping(void **state)
{
	(void)state;
	assert_int_equal(nstk_enter_exit_status(W_EXITCODE(0, 0)), 0);
	assert_int_equal(nstk_enter_exit_status(W_EXITCODE(3, 0)), 3);
	assert_int_equal(nstk_enter_exit_status(W_EXITCODE(0, 9)), 137);
	assert_int_equal(nstk_enter_exit_status(W_EXITCODE(0, 15)), 143);
	assert_int_equal(nstk_enter_exit_status(W_STOPCODE(19)), 1);
	assert_int_equal(nstk_enter_exec_status(ENOENT), 127);
	assert_int_equal(nstk_enter_exec_status(EACCES), 126);
	assert_int_equal(nstk_enter_exec_status(ENOEXEC), 126);
}

static void kernel_release_has_pidfd_setns(void **state)
{
	(void)state;
	assert_true(nstk_enter_kernel_has_pidfd_setns("5.8.0"));
	assert_true(nstk_enter_kernel_has_pidfd_setns("6.18.44-fc-v595"));
	assert_true(nstk_enter_kernel_has_pidfd_setns("10.0.0"));
	assert_false(nstk_enter_kernel_has_pidfd_setns("5.7.19-amd64"));
	assert_false(nstk_enter_kernel_has_pidfd_setns("4.19.0"));
	assert_false(nstk_enter_kernel_has_pidfd_setns("garbage"));
	assert_false(nstk_enter_kernel_has_pidfd_setns(NULL));
}

static void needed_capabilities(void **state)
{
	(void)state;
	int caps[2];
	assert_int_equal(nstk_enter_needed_caps(BIT(NSTK_NS_NET), caps, 2), 1);
	assert_int_equal(caps[0], CAP_SYS_ADMIN);
	assert_int_equal(nstk_enter_needed_caps(BIT(NSTK_NS_MNT) | BIT(NSTK_NS_NET), caps, 2), 2);
	assert_int_equal(caps[1], CAP_SYS_CHROOT);
	assert_int_equal(nstk_enter_needed_caps(0, caps, 2), 0);
}

static void reason_names(void **state)
{
	(void)state;
	assert_string_equal(nstk_enter_reason_name(NSTK_ENTER_DIFFERS), "differs");
	assert_string_equal(nstk_enter_reason_name(NSTK_ENTER_OWN_USERNS), "own-userns");
	assert_null(nstk_enter_reason_name(NSTK_ENTER_REASON_COUNT));
}

static void creds_for_a_user_namespace(void **state)
{
	(void)state;
	struct nstk_enter_creds c = { 0 };
	nstk_enter_creds_decide(&c, true, false);
	assert_true(c.set_uid && c.set_gid);
	assert_int_equal(c.uid, 0);
	c = (struct nstk_enter_creds){ .set_uid = true, .uid = 1000 };
	nstk_enter_creds_decide(&c, true, false);
	assert_int_equal(c.uid, 1000);
	assert_true(c.set_gid);
	c = (struct nstk_enter_creds){ 0 };
	nstk_enter_creds_decide(&c, true, true);
	assert_false(c.set_uid || c.set_gid);
	nstk_enter_creds_decide(&c, false, false);
	assert_false(c.set_uid || c.set_gid);
}

/* ---- cgroups --------------------------------------------------------------------------- */

static const char hybrid[] =
	"31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
	"32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct\n"
	"39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
	"40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd\n"
	"41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

static int dir_for(const char *mountinfo, const char *line, char *dir)
{
	return nstk_enter_cgroup_dir(mountinfo, strlen(mountinfo), line, strlen(line), dir,
				     PATH_MAX);
}

static void cgroup_dirs_on_a_hybrid_host(void **state)
{
	(void)state;
	char dir[PATH_MAX];
	assert_int_equal(dir_for(hybrid, "8:pids:/nstk/a", dir), 1);
	assert_string_equal(dir, "/sys/fs/cgroup/pids/nstk/a");
	assert_int_equal(dir_for(hybrid, "0::/", dir), 1);
	assert_string_equal(dir, "/sys/fs/cgroup/unified");
	assert_int_equal(dir_for(hybrid, "2:cpu,cpuacct:/x", dir), 1);
	assert_string_equal(dir, "/sys/fs/cgroup/cpu,cpuacct/x");
	assert_int_equal(dir_for(hybrid, "9:name=systemd:/user.slice", dir), 1);
	assert_string_equal(dir, "/sys/fs/cgroup/systemd/user.slice");
	/* A controller is in one hierarchy only, so naming a subset finds it. */
	assert_int_equal(dir_for(hybrid, "2:cpuacct,cpu:/", dir), 1);
	assert_string_equal(dir, "/sys/fs/cgroup/cpu,cpuacct");
	assert_int_equal(dir_for(hybrid, "12:name=other:/", dir), 0);
	assert_int_equal(dir_for(hybrid, "5:devices:/", dir), 0); /* not mounted */
	assert_int_equal(dir_for(hybrid, "garbage", dir), 0);
}

static void cgroup_dirs_on_a_unified_host_and_a_subtree_mount(void **state)
{
	(void)state;
	char dir[PATH_MAX];
	static const char unified[] =
		"30 23 0:27 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n";
	assert_int_equal(dir_for(unified, "0::/system.slice/a b.service", dir), 1);
	assert_string_equal(dir, "/sys/fs/cgroup/system.slice/a b.service");
	assert_int_equal(dir_for(unified, "4:memory:/", dir), 0);
	static const char subtree[] = "50 23 0:27 /kube /mnt/cg\\040x rw - cgroup2 cgroup2 rw\n";
	assert_int_equal(dir_for(subtree, "0::/kube/pod1", dir), 1);
	assert_string_equal(dir, "/mnt/cg x/pod1");
	assert_int_equal(dir_for(subtree, "0::/kube", dir), 1);
	assert_string_equal(dir, "/mnt/cg x");
	assert_int_equal(dir_for(subtree, "0::/kubelet", dir), 0);
}

/* ---- environ, status, containers ---------------------------------------------------- */

static void environ_is_split_at_nuls(void **state)
{
	(void)state;
	static const char text[] = "PATH=/bin\0junk\0=x\0\0EMPTY=\0LAST=1";
	char **env = NULL;
	assert_int_equal(nstk_enter_split_environ(text, sizeof(text) - 1, &env), 0);
	assert_string_equal(env[0], "PATH=/bin");
	assert_string_equal(env[1], "EMPTY=");
	assert_string_equal(env[2], "LAST=1");
	assert_null(env[3]);
	nstk_enter_environ_free(env);
	assert_int_equal(nstk_enter_split_environ("", 0, &env), 0);
	assert_null(env[0]);
	nstk_enter_environ_free(env);
}

static void env_rules_drop_what_runs_before_main(void **state)
{
	(void)state;
#define RULE(name) nstk_enter_env_rule(name, strlen(name))
	static const char *const dropped[] = { "LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT",
					       "LD_", "LD_SOMETHING_NEW", "GCONV_PATH",
					       "GLIBC_TUNABLES", "BASH_ENV", "ENV",
					       "BASH_FUNC_true%%", "PS4", "SHELLOPTS",
					       "BASHOPTS", "PROMPT_COMMAND", "IFS",
					       "TMPDIR", "TZDIR", "NLSPATH", "PYTHONPATH",
					       "PERL5OPT", "NODE_OPTIONS", "TERMINFO" };
	for (size_t i = 0; i < NSTK_ARRAY_SIZE(dropped); i++)
		assert_int_equal(RULE(dropped[i]), NSTK_ENTER_ENV_DROP);
	static const char *const kept[] = { "LANG", "TERM", "APP_TOKEN", "LD", "LDFLAGS",
					    "ENVIRONMENT", "PATH_INFO", "BASH", "HOMEDIR",
					    "PS5", "IFS2", "MY_LD_PRELOAD" };
	for (size_t i = 0; i < NSTK_ARRAY_SIZE(kept); i++)
		assert_int_equal(RULE(kept[i]), NSTK_ENTER_ENV_KEEP);
	assert_int_equal(RULE("PATH"), NSTK_ENTER_ENV_CALLER);
	assert_int_equal(RULE("SHELL"), NSTK_ENTER_ENV_CALLER);
	assert_int_equal(RULE("PAGER"), NSTK_ENTER_ENV_CALLER);
	assert_int_equal(RULE("GIT_SSH_COMMAND"), NSTK_ENTER_ENV_CALLER);
	assert_int_equal(RULE("HOME"), NSTK_ENTER_ENV_CALLER_OUTSIDE_MNT);
	assert_int_equal(RULE("XDG_CONFIG_HOME"), NSTK_ENTER_ENV_CALLER_OUTSIDE_MNT);
	/* Only the name counts: the length given, not a NUL. */
	assert_int_equal(nstk_enter_env_rule("LD_PRELOAD=x", 10), NSTK_ENTER_ENV_DROP);
	assert_int_equal(nstk_enter_env_rule("PATHX", 4), NSTK_ENTER_ENV_CALLER);
#undef RULE
}

/* The vector sanitize gives for a target's text and a caller's environment. */
static char **sanitized(const char *text, size_t len, char *const *caller, bool mnt,
			char ***dropped)
{
	char **env = NULL;
	assert_int_equal(nstk_enter_split_environ(text, len, &env), 0);
	assert_int_equal(nstk_enter_environ_sanitize(&env, caller, mnt, dropped), 0);
	assert_non_null(env);
	assert_non_null(*dropped);
	return env;
}

static void environ_sanitize_keeps_the_application_and_takes_ours(void **state)
{
	(void)state;
	static const char text[] = "HOME=/root\0LD_PRELOAD=/x.so\0LANG=C.UTF-8\0"
				   "PATH=/evil\0BASH_FUNC_ls%%=() { :; }\0APP=1\0LD_PRELOAD=/y\0"
				   "SHELL=/evil/sh\0TERM=xterm";
	char *caller[] = { "PATH=/usr/bin:/bin", "HOME=/home/admin", "SHELL=/bin/bash",
			   "LANG=de_DE.UTF-8", "LD_PRELOAD=/ours.so", "noequals", NULL };
	char **dropped;
	char **env = sanitized(text, sizeof(text) - 1, caller, false, &dropped);
	const char *want[] = { "LANG=C.UTF-8", "APP=1", "TERM=xterm", "PATH=/usr/bin:/bin",
			       "HOME=/home/admin", "SHELL=/bin/bash", NULL };
	for (size_t i = 0; want[i]; i++)
		assert_string_equal(env[i], want[i]);
	assert_null(env[6]);
	const char *gone[] = { "LD_PRELOAD=/x.so", "BASH_FUNC_ls%%=() { :; }", "LD_PRELOAD=/y",
			       NULL };
	for (size_t i = 0; gone[i]; i++)
		assert_string_equal(dropped[i], gone[i]);
	assert_null(dropped[3]);
	nstk_enter_environ_free(env);
	nstk_enter_environ_free(dropped);

	/* With -m, HOME names the target's own directory: kept. PATH is ours still. */
	env = sanitized(text, sizeof(text) - 1, caller, true, &dropped);
	assert_string_equal(env[0], "HOME=/root");
	assert_string_equal(env[4], "PATH=/usr/bin:/bin");
	assert_string_equal(env[5], "SHELL=/bin/bash");
	assert_null(env[6]);
	nstk_enter_environ_free(env);
	nstk_enter_environ_free(dropped);

	/* A caller without PATH: the command gets none (execvp's default), not the target's. */
	char *bare[] = { NULL };
	env = sanitized(text, sizeof(text) - 1, bare, false, &dropped);
	for (char **v = env; *v; v++)
		assert_false(strncmp(*v, "PATH=", 5) == 0 || strncmp(*v, "HOME=", 5) == 0);
	nstk_enter_environ_free(env);
	nstk_enter_environ_free(dropped);

	/* Ours only where the target had one: no HOME of ours for a target without. */
	static const char no_home[] = "PATH=/evil\0APP=2";
	env = sanitized(no_home, sizeof(no_home) - 1, caller, false, &dropped);
	assert_string_equal(env[0], "APP=2");
	assert_string_equal(env[1], "PATH=/usr/bin:/bin");
	assert_null(env[2]);
	nstk_enter_environ_free(env);
	nstk_enter_environ_free(dropped);

	/* An empty environment and no caller: two empty vectors. */
	env = sanitized("", 0, NULL, false, &dropped);
	assert_null(env[0]);
	assert_null(dropped[0]);
	nstk_enter_environ_free(env);
	nstk_enter_environ_free(dropped);
}

static void status_ids_are_the_effective_ones(void **state)
{
	(void)state;
	static const char status[] = "Name:\tsleep\nUid:\t1000\t1001\t1002\t1003\n"
				     "Gid:\t100\t101\t102\t103\nGroups:\t4 24\n";
	uid_t uid;
	gid_t gid;
	assert_int_equal(nstk_enter_parse_status_ids(status, strlen(status), &uid, &gid), 0);
	assert_int_equal(uid, 1001);
	assert_int_equal(gid, 101);
	assert_int_equal(nstk_enter_parse_status_ids("Uid:\t1\n", 7, &uid, &gid), -EINVAL);
	assert_int_equal(nstk_enter_parse_status_ids("Uid:\nGid:\t1\t1\n", 14, &uid, &gid),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_option_enters_one_kind),
		cmocka_unit_test(all_enters_what_differs_and_skips_own_userns),
		cmocka_unit_test(all_skips_kinds_the_kernel_lacks),
		cmocka_unit_test(all_fails_on_an_unreadable_target),
		cmocka_unit_test(asked_kind_is_entered_even_unreadable_or_same),
		cmocka_unit_test(asked_own_user_namespace_is_skipped),
		cmocka_unit_test(pid_forks_unless_no_fork_and_warns_without_mnt),
		cmocka_unit_test(user_first_only_without_privilege),
		cmocka_unit_test(pidfd_user_first_is_one_call),
		cmocka_unit_test(pidfd_user_last_is_a_second_call),
		cmocka_unit_test(files_follow_nsenter_order_user_first_or_last),
		cmocka_unit_test(a_file_goes_after_the_pidfd_call),
		cmocka_unit_test(nothing_to_enter_is_no_call),
		cmocka_unit_test(clone_flags_of_kinds),
		cmocka_unit_test(exit_status_mapping),
		cmocka_unit_test(kernel_release_has_pidfd_setns),
		cmocka_unit_test(needed_capabilities),
		cmocka_unit_test(reason_names),
		cmocka_unit_test(creds_for_a_user_namespace),
		cmocka_unit_test(cgroup_dirs_on_a_hybrid_host),
		cmocka_unit_test(cgroup_dirs_on_a_unified_host_and_a_subtree_mount),
		cmocka_unit_test(environ_is_split_at_nuls),
		cmocka_unit_test(env_rules_drop_what_runs_before_main),
		cmocka_unit_test(environ_sanitize_keeps_the_application_and_takes_ours),
		cmocka_unit_test(status_ids_are_the_effective_ones),
	};
	return cmocka_run_group_tests_name("enter", tests, NULL, NULL);
}

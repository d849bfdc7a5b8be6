/*
 * enter_environ.c — the target's environment for nsenter-lite -e, made safe
 * to hand to a command that runs as the caller (usually root).
 *
 * The threat: the target is often a container, and its environment is text
 * the container wrote. Copied as it is, it chooses what the dynamic loader
 * preloads (LD_PRELOAD), what a shell runs before its first line (BASH_ENV,
 * exported functions), which binary "ip" is (PATH); with /proc/PID/root/...
 * or its overlay upper directory it can name its own files by a host path,
 * so a command run without -m would run the container's code as root on the
 * host. The one idea: every variable is classified by name against one
 * table, and only what the table calls harmless is kept; the rest is
 * dropped (and named to the user) or taken from the caller instead. The
 * classification and the rewrite are pure; only the read touches the target.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "enter_error.h"
#include "nstk/enter.h"
#include "nstk/util.h"

/* ---- the table ------------------------------------------------------------ */

struct env_rule {
	const char *name;
	bool prefix; /* name is a prefix: "LD_" matches LD_PRELOAD */
	enum nstk_enter_env_rule rule;
};

/*
 * Each group says why. DROP: changes what a program loads or runs before its
 * main (or, for a shell, before its first command), whatever mount namespace
 * it runs in. CALLER: names programs or the directories they are looked up
 * in; the caller's value is used. CALLER_OUTSIDE_MNT: names where programs
 * read their configuration; without -m that is the host's file system, where
 * the target's value means nothing good, so the caller's is used; with -m it
 * is the target's own, and kept.
 */
static const struct env_rule env_rules[] = {
	/* The dynamic loader: every LD_ variable (ld.so(8)), not only the ones
	 * glibc drops for setuid programs (a later ld.so adds more). */
	{ "LD_", true, NSTK_ENTER_ENV_DROP },
	/* glibc's own list of variables it removes for setuid programs
	 * (sysdeps/generic/unsecvars.h, UNSECURE_ENVVARS, glibc 2.36-2.40), but
	 * for the LD_ ones above; GLIBC_TUNABLES is the list's entry on builds
	 * without tunables and, on builds with them, the variable of
	 * CVE-2023-4911; LD_AOUT_* of the i386 extra list are LD_ too. */
	{ "GCONV_PATH", false, NSTK_ENTER_ENV_DROP },
	{ "GETCONF_DIR", false, NSTK_ENTER_ENV_DROP },
	{ "GLIBC_TUNABLES", false, NSTK_ENTER_ENV_DROP },
	{ "HOSTALIASES", false, NSTK_ENTER_ENV_DROP },
	{ "LOCALDOMAIN", false, NSTK_ENTER_ENV_DROP },
	{ "LOCPATH", false, NSTK_ENTER_ENV_DROP },
	{ "MALLOC_TRACE", false, NSTK_ENTER_ENV_DROP },
	{ "NIS_PATH", false, NSTK_ENTER_ENV_DROP },
	{ "NLSPATH", false, NSTK_ENTER_ENV_DROP },
	{ "RESOLV_HOST_CONF", false, NSTK_ENTER_ENV_DROP },
	{ "RES_OPTIONS", false, NSTK_ENTER_ENV_DROP },
	{ "TMPDIR", false, NSTK_ENTER_ENV_DROP },
	{ "TZDIR", false, NSTK_ENTER_ENV_DROP },
	/* ncurses reads terminal descriptions from these, and ignores them in
	 * setuid programs for the same reason (a crafted entry: CVE-2023-29491). */
	{ "TERMINFO", false, NSTK_ENTER_ENV_DROP },
	{ "TERMINFO_DIRS", false, NSTK_ENTER_ENV_DROP },
	{ "TERMCAP", false, NSTK_ENTER_ENV_DROP },
	/* Shell start-up: files sourced (BASH_ENV, ENV, ZDOTDIR), functions
	 * imported (BASH_FUNC_name%%), options set (SHELLOPTS, BASHOPTS: xtrace
	 * with PS4), prompt strings and PROMPT_COMMAND (command substitutions run
	 * when expanded), word splitting (IFS). */
	{ "BASH_ENV", false, NSTK_ENTER_ENV_DROP },
	{ "ENV", false, NSTK_ENTER_ENV_DROP },
	{ "ZDOTDIR", false, NSTK_ENTER_ENV_DROP },
	{ "BASH_FUNC_", true, NSTK_ENTER_ENV_DROP },
	{ "SHELLOPTS", false, NSTK_ENTER_ENV_DROP },
	{ "BASHOPTS", false, NSTK_ENTER_ENV_DROP },
	{ "PS0", false, NSTK_ENTER_ENV_DROP },
	{ "PS1", false, NSTK_ENTER_ENV_DROP },
	{ "PS2", false, NSTK_ENTER_ENV_DROP },
	{ "PS3", false, NSTK_ENTER_ENV_DROP },
	{ "PS4", false, NSTK_ENTER_ENV_DROP },
	{ "PROMPT_COMMAND", false, NSTK_ENTER_ENV_DROP },
	{ "IFS", false, NSTK_ENTER_ENV_DROP },
	/* Interpreters' start-up: code run or modules searched before the
	 * script's first line. */
	{ "PYTHONSTARTUP", false, NSTK_ENTER_ENV_DROP },
	{ "PYTHONPATH", false, NSTK_ENTER_ENV_DROP },
	{ "PYTHONHOME", false, NSTK_ENTER_ENV_DROP },
	{ "PYTHONUSERBASE", false, NSTK_ENTER_ENV_DROP },
	{ "PERL5OPT", false, NSTK_ENTER_ENV_DROP },
	{ "PERL5LIB", false, NSTK_ENTER_ENV_DROP },
	{ "PERLLIB", false, NSTK_ENTER_ENV_DROP },
	{ "PERL5DB", false, NSTK_ENTER_ENV_DROP },
	{ "RUBYOPT", false, NSTK_ENTER_ENV_DROP },
	{ "RUBYLIB", false, NSTK_ENTER_ENV_DROP },
	{ "NODE_OPTIONS", false, NSTK_ENTER_ENV_DROP },
	{ "NODE_PATH", false, NSTK_ENTER_ENV_DROP },
	{ "LUA_INIT", true, NSTK_ENTER_ENV_DROP },
	{ "LUA_PATH", true, NSTK_ENTER_ENV_DROP },
	{ "LUA_CPATH", true, NSTK_ENTER_ENV_DROP },
	/* Programs that programs run (a pager for systemctl, git and man, less's
	 * input filters, editors, password prompts, git's helpers and transport),
	 * and where programs are found: always the caller's. */
	{ "PAGER", false, NSTK_ENTER_ENV_CALLER },
	{ "MANPAGER", false, NSTK_ENTER_ENV_CALLER },
	{ "SYSTEMD_PAGER", false, NSTK_ENTER_ENV_CALLER },
	{ "GIT_PAGER", false, NSTK_ENTER_ENV_CALLER },
	{ "LESSOPEN", false, NSTK_ENTER_ENV_CALLER },
	{ "LESSCLOSE", false, NSTK_ENTER_ENV_CALLER },
	{ "EDITOR", false, NSTK_ENTER_ENV_CALLER },
	{ "VISUAL", false, NSTK_ENTER_ENV_CALLER },
	{ "SUDO_ASKPASS", false, NSTK_ENTER_ENV_CALLER },
	{ "SSH_ASKPASS", false, NSTK_ENTER_ENV_CALLER },
	{ "GIT_", true, NSTK_ENTER_ENV_CALLER },
	{ "PATH", false, NSTK_ENTER_ENV_CALLER },
	{ "SHELL", false, NSTK_ENTER_ENV_CALLER },
	/* Where configuration is read from: the caller's unless -m. */
	{ "HOME", false, NSTK_ENTER_ENV_CALLER_OUTSIDE_MNT },
	{ "XDG_CONFIG_HOME", false, NSTK_ENTER_ENV_CALLER_OUTSIDE_MNT },
	{ "XDG_CONFIG_DIRS", false, NSTK_ENTER_ENV_CALLER_OUTSIDE_MNT },
	{ "XDG_DATA_HOME", false, NSTK_ENTER_ENV_CALLER_OUTSIDE_MNT },
	{ "XDG_DATA_DIRS", false, NSTK_ENTER_ENV_CALLER_OUTSIDE_MNT },
	{ "XDG_STATE_HOME", false, NSTK_ENTER_ENV_CALLER_OUTSIDE_MNT },
	{ "XDG_CACHE_HOME", false, NSTK_ENTER_ENV_CALLER_OUTSIDE_MNT },
	{ "XDG_RUNTIME_DIR", false, NSTK_ENTER_ENV_CALLER_OUTSIDE_MNT },
	{ "INPUTRC", false, NSTK_ENTER_ENV_CALLER_OUTSIDE_MNT },
};

/* The index of the rule for a name in env_rules, or -1: none, keep it. */
static int rule_index(const char *name, size_t len)
{
	for (size_t i = 0; i < NSTK_ARRAY_SIZE(env_rules); i++) {
		const struct env_rule *r = &env_rules[i];
		size_t n = strlen(r->name);
		if (r->prefix ? len >= n && memcmp(name, r->name, n) == 0
			      : len == n && memcmp(name, r->name, n) == 0)
			return (int)i;
	}
	return -1;
}

enum nstk_enter_env_rule nstk_enter_env_rule(const char *name, size_t len)
{
	int i = rule_index(name, len);
	return i < 0 ? NSTK_ENTER_ENV_KEEP : env_rules[i].rule;
}

/* The length of the name of a "NAME=value" entry. */
static size_t name_len(const char *entry)
{
	const char *eq = strchr(entry, '=');
	return eq ? (size_t)(eq - entry) : strlen(entry);
}

/* Whether the caller's value replaces an entry named so. */
static bool callers_wins(enum nstk_enter_env_rule rule, bool mnt_entered)
{
	return rule == NSTK_ENTER_ENV_CALLER ||
	       (rule == NSTK_ENTER_ENV_CALLER_OUTSIDE_MNT && !mnt_entered);
}

/* ---- vectors -------------------------------------------------------------- */

struct env_vec {
	char **v;
	size_t n, cap;
};

/* Append s (owned) and keep the vector NULL-terminated. */
static int vec_push(struct env_vec *vec, char *s)
{
	if (NSTK_GROW(vec->v, vec->cap, vec->n + 1) < 0)
		return -ENOMEM;
	vec->v[vec->n++] = s;
	vec->v[vec->n] = NULL;
	return 0;
}

/* A NULL-terminated (possibly empty) vector out of vec; NULL on ENOMEM. */
static char **vec_take(struct env_vec *vec)
{
	if (!vec->v && NSTK_GROW(vec->v, vec->cap, 0) < 0)
		return NULL;
	if (vec->n == 0)
		vec->v[0] = NULL;
	char **v = vec->v;
	*vec = (struct env_vec){ 0 };
	return v;
}

void nstk_enter_environ_free(char **env)
{
	if (!env)
		return;
	for (char **v = env; *v; v++)
		free(*v);
	free(env);
}

static void vec_free(struct env_vec *vec)
{
	for (size_t i = 0; i < vec->n; i++)
		free(vec->v[i]);
	free(vec->v);
	*vec = (struct env_vec){ 0 };
}

/* ---- splitting and rewriting ---------------------------------------------- */

int nstk_enter_split_environ(const char *text, size_t len, char ***env)
{
	struct env_vec vec = { 0 };
	for (size_t i = 0; i < len;) {
		const char *s = text + i;
		const char *nul = memchr(s, '\0', len - i);
		size_t slen = nul ? (size_t)(nul - s) : len - i;
		i += slen + 1;
		if (slen == 0 || s[0] == '=' || !memchr(s, '=', slen))
			continue;
		char *copy = strndup(s, slen);
		if (!copy || vec_push(&vec, copy) < 0) {
			free(copy);
			vec_free(&vec);
			return -ENOMEM;
		}
	}
	char **v = vec_take(&vec);
	if (!v)
		return -ENOMEM;
	*env = v;
	return 0;
}

int nstk_enter_environ_sanitize(char ***env, char *const *caller, bool mnt_entered,
				char ***dropped)
{
	struct env_vec kept = { 0 }, gone = { 0 };
	bool had[NSTK_ARRAY_SIZE(env_rules)] = { false };
	char **in = *env;
	int r = 0;
	size_t i = 0;
	/* Each target entry is moved to kept or gone, or freed (the caller's
	 * value replaces it); on ENOMEM the ones not moved yet are freed. */
	for (; in[i] && r == 0; i++) {
		int at = rule_index(in[i], name_len(in[i]));
		enum nstk_enter_env_rule rule = at < 0 ? NSTK_ENTER_ENV_KEEP : env_rules[at].rule;
		if (callers_wins(rule, mnt_entered)) {
			had[at] = true;
			free(in[i]);
			continue;
		}
		r = vec_push(rule == NSTK_ENTER_ENV_DROP ? &gone : &kept, in[i]);
		if (r < 0)
			free(in[i]);
	}
	for (; in[i]; i++)
		free(in[i]);
	free(in);
	*env = NULL;
	/* Our values for what the target had (PATH for its PATH, our GIT_* for
	 * any GIT_* of its): the shape of its environment stays, the choice of
	 * programs is ours. */
	for (char *const *c = caller; c && *c && r == 0; c++) {
		int at = strchr(*c, '=') ? rule_index(*c, name_len(*c)) : -1;
		if (at < 0 || !had[at])
			continue;
		char *copy = strdup(*c);
		r = copy ? vec_push(&kept, copy) : -ENOMEM;
		if (r < 0)
			free(copy);
	}
	char **k = r == 0 ? vec_take(&kept) : NULL;
	char **g = k ? vec_take(&gone) : NULL;
	if (!k || !g) {
		nstk_enter_environ_free(k);
		vec_free(&kept);
		vec_free(&gone);
		return -ENOMEM;
	}
	*env = k;
	*dropped = g;
	return 0;
}

/* ---- reading -------------------------------------------------------------- */

int nstk_enter_read_environ(const struct nstk_enter_target *t, char ***env,
			    struct nstk_enter_error *e)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r = nstk_enter_read_target_file(t, "environ", NSTK_ENTER_ENVIRON_MAX, &text, &len,
					    NSTK_ENTER_STAGE_READ_ENVIRON, e);
	if (r < 0)
		return r;
	/* From here on only our copy is looked at: a target that rewrites its
	 * environment while we read gets some mix of its versions, and the
	 * filter judges that mix, once. */
	r = nstk_enter_split_environ(text, len, env);
	return r < 0 ? nstk_enter_fail(e, NSTK_ENTER_STAGE_READ_ENVIRON, -r, 0, "environ") : 0;
}

/*
 * fuzz_enter.c — libFuzzer harness for nsenter-lite's parsers of what a
 * target process shows (the files of lib/enter/): its environ (-e), the Uid:/Gid:
 * lines of its status (-S/-G follow), one /proc/PID/cgroup line matched
 * against mountinfo text (-c), and a kernel release string. A container
 * controls all of these but the release, so they must hold against any
 * bytes. The first byte picks the parser, the rest is the text; for the
 * cgroup case the text is "cgroup line" NUL "mountinfo", and the selector's
 * high bits pick the size of the output buffer, so a too-small one is tried
 * as often as a roomy one.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nstk/enter.h"
#include "fuzz_input.h"

/* Each entry is a whole NUL-free "NAME=value" of the input, in order. */
static void check_environ(const char *text, size_t len, char **env)
{
	size_t at = 0;
	for (char **v = env; *v; v++) {
		size_t n = strlen(*v);
		if (n == 0 || (*v)[0] == '=' || !memchr(*v, '=', n))
			abort();
		/* Find it as an entry at or after at: bounded by NULs or the ends. */
		for (;;) {
			if (at >= len)
				abort();
			const char *nul = memchr(text + at, '\0', len - at);
			size_t elen = nul ? (size_t)(nul - (text + at)) : len - at;
			size_t start = at;
			at += elen + 1;
			if (elen == n && memcmp(text + start, *v, n) == 0)
				break;
		}
	}
}

static enum nstk_enter_env_rule rule_of(const char *entry)
{
	return nstk_enter_env_rule(entry, strcspn(entry, "="));
}

/*
 * -e's rewrite of the same vector: nothing the rules drop survives, every
 * dropped entry is one they drop, and PATH/HOME come from the caller only.
 */
static void check_sanitize(char **env, bool mnt)
{
	static char *const caller[] = { "PATH=/caller/bin", "HOME=/caller", NULL };
	size_t n_in = 0;
	for (char **v = env; *v; v++)
		n_in++;
	char **dropped = NULL;
	if (nstk_enter_environ_sanitize(&env, caller, mnt, &dropped) < 0) {
		if (env)
			abort();
		return;
	}
	size_t n_out = 0, n_dropped = 0;
	for (char **v = env; *v; v++, n_out++) {
		enum nstk_enter_env_rule r = rule_of(*v);
		if (r == NSTK_ENTER_ENV_DROP)
			abort();
		if ((r == NSTK_ENTER_ENV_CALLER ||
		     (r == NSTK_ENTER_ENV_CALLER_OUTSIDE_MNT && !mnt)) &&
		    strcmp(*v, "PATH=/caller/bin") != 0 && strcmp(*v, "HOME=/caller") != 0)
			abort();
	}
	for (char **v = dropped; *v; v++, n_dropped++)
		if (rule_of(*v) != NSTK_ENTER_ENV_DROP)
			abort();
	/* Nothing appears from nowhere: at most the caller's two are added. */
	if (n_out + n_dropped > n_in + 2)
		abort();
	nstk_enter_environ_free(env);
	nstk_enter_environ_free(dropped);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned which;
	char *text;
	size_t len;
	if (!fuzz_input_split(data, size, &which, &text, &len))
		return 0;

	switch (which % 4) {
	case 0: {
		char **env = NULL;
		int r = nstk_enter_split_environ(text, len, &env);
		if (r == 0) {
			if (!env)
				abort();
			check_environ(text, len, env);
			check_sanitize(env, which & 4);
		} else if (r != -ENOMEM) {
			abort();
		}
		break;
	}
	case 1: {
		uid_t uid = 7;
		gid_t gid = 7;
		int r = nstk_enter_parse_status_ids(text, len, &uid, &gid);
		if (r != 0 && r != -EINVAL)
			abort();
		/* Without both keys there is nothing to find. */
		if (r == 0 && (!memmem(text, len, "Uid:", 4) || !memmem(text, len, "Gid:", 4)))
			abort();
		if (r != 0 && (uid != 7 || gid != 7))
			abort(); /* a failure leaves the outputs alone */
		break;
	}
	case 2: {
		const char *nul = memchr(text, '\0', len);
		size_t line_len = nul ? (size_t)(nul - text) : len;
		const char *mi = nul ? nul + 1 : text + len;
		size_t mi_len = len - (size_t)(mi - text);
		static const size_t sizes[] = { 1, 2, 16, 64, PATH_MAX };
		size_t dsize = sizes[(which / 4) % (sizeof(sizes) / sizeof(sizes[0]))];
		char *dir = malloc(dsize);
		if (!dir)
			break;
		int r = nstk_enter_cgroup_dir(mi, mi_len, text, line_len, dir, dsize);
		if (r == 1) {
			/* Terminated inside the buffer, whatever the paths held. */
			if (strnlen(dir, dsize) == dsize)
				abort();
		} else if (r != 0 && r != -ENAMETOOLONG) {
			abort();
		}
		free(dir);
		break;
	}
	case 3: {
		/* uname's release is a C string: give it one. */
		char *release = malloc(len + 1);
		if (!release)
			break;
		memcpy(release, text, len);
		release[len] = '\0';
		(void)nstk_enter_kernel_has_pidfd_setns(release);
		free(release);
		break;
	}
	}
	free(text);
	return 0;
}

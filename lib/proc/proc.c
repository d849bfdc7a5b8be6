/*
 * proc.c — libproc2 for the rows shown. procps_pids_select() takes at most
 * a fixed number of PIDs per call (FILL_ID_MAX in procps), so PIDs go in
 * batches; results are copied out because libproc2 reuses its buffers.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <libproc2/pids.h>
#include <stdio.h>
#include <string.h>

#include "nstk/proc.h"
#include "nstk/util.h"

#define SELECT_BATCH 255

enum { I_PID, I_PPID, I_EUID, I_EUSER, I_CMD, I_CMDLINE_V };
static enum pids_item items[] = {
	[I_PID] = PIDS_ID_PID,	   [I_PPID] = PIDS_ID_PPID, [I_EUID] = PIDS_ID_EUID,
	[I_EUSER] = PIDS_ID_EUSER, [I_CMD] = PIDS_CMD,	    [I_CMDLINE_V] = PIDS_CMDLINE_V,
};

/*
 * argv joined by single spaces, as lsns prints it. NULL for an empty command
 * line, which libproc2 reports as the one-word vector "-" (kernel threads,
 * zombies): the caller shows the comm instead, as lsns and ps do.
 */
static char *join_argv(char **argv)
{
	size_t len = 0;
	if (!argv || !argv[0] || !argv[0][0] || (strcmp(argv[0], "-") == 0 && !argv[1]))
		return NULL;
	for (char **a = argv; *a; a++)
		len += strlen(*a) + 1;
	char *s = malloc(len);
	if (!s)
		return NULL;
	char *p = s;
	for (char **a = argv; *a; a++) {
		size_t l = strlen(*a);
		memcpy(p, *a, l);
		p += l;
		*p++ = ' ';
	}
	p[-1] = '\0';
	return s;
}

static int add_facts(struct nstk_proc_table *t, struct pids_stack *st)
{
	int r = NSTK_GROW(t->facts, t->cap, t->n);
	if (r < 0)
		return r;
	struct nstk_proc_facts f = {
		.pid = PIDS_VAL(I_PID, s_int, st, NULL),
		.ppid = PIDS_VAL(I_PPID, s_int, st, NULL),
		.euid = PIDS_VAL(I_EUID, u_int, st, NULL),
	};
	const char *user = PIDS_VAL(I_EUSER, str, st, NULL);
	f.user = user && *user ? strdup(user) : NULL;
	if (!f.user && asprintf(&f.user, "%u", (unsigned)f.euid) < 0)
		f.user = NULL;
	f.command = join_argv(PIDS_VAL(I_CMDLINE_V, strv, st, NULL));
	if (!f.command)
		f.command = strdup(PIDS_VAL(I_CMD, str, st, NULL));
	if (!f.user || !f.command) {
		free(f.user);
		free(f.command);
		return -ENOMEM;
	}
	r = nstk_hash_put(&t->index, (uint64_t)f.pid, (uint32_t)t->n);
	if (r < 0) {
		free(f.user);
		free(f.command);
		return r;
	}
	t->facts[t->n++] = f;
	return 0;
}

int nstk_proc_load(struct nstk_proc_table *t, const pid_t *pids, size_t n)
{
	_cleanup_free_ unsigned *todo = malloc((n ? n : 1) * sizeof(*todo));
	if (!todo)
		return -ENOMEM;
	size_t n_todo = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t ignored;
		if (pids[i] > 0 && !nstk_hash_get(&t->index, (uint64_t)pids[i], &ignored))
			todo[n_todo++] = (unsigned)pids[i];
	}
	if (n_todo == 0)
		return 0;

	struct pids_info *info = NULL;
	int r = procps_pids_new(&info, items, (int)NSTK_ARRAY_SIZE(items));
	if (r < 0)
		return r;
	for (size_t off = 0; off < n_todo && r >= 0; off += SELECT_BATCH) {
		size_t batch = n_todo - off < SELECT_BATCH ? n_todo - off : SELECT_BATCH;
		struct pids_fetch *fetch =
			procps_pids_select(info, todo + off, (int)batch, PIDS_SELECT_PID);
		/* NULL also means "none of these exist any more". */
		if (!fetch)
			continue;
		for (int i = 0; i < fetch->counts->total && r >= 0; i++) {
			uint32_t ignored;
			pid_t pid = PIDS_VAL(I_PID, s_int, fetch->stacks[i], NULL);
			if (!nstk_hash_get(&t->index, (uint64_t)pid, &ignored))
				r = add_facts(t, fetch->stacks[i]);
		}
	}
	procps_pids_unref(&info);
	return r < 0 ? r : 0;
}

const struct nstk_proc_facts *nstk_proc_find(const struct nstk_proc_table *t, pid_t pid)
{
	uint32_t idx;
	if (!nstk_hash_get(&t->index, (uint64_t)pid, &idx))
		return NULL;
	return &t->facts[idx];
}

void nstk_proc_table_free(struct nstk_proc_table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->facts[i].user);
		free(t->facts[i].command);
	}
	free(t->facts);
	nstk_hash_free(&t->index);
	*t = (struct nstk_proc_table){ 0 };
}

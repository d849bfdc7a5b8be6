/*
 * proc.h — facts about the few processes a tool shows (user, command line,
 * parent), loaded through libproc2 in one batch for a list of PIDs.
 *
 * The census never calls this: the bulk /proc walk stays on raw syscalls,
 * and only the rows on screen pay for user names and command lines.
 */
#ifndef NSTK_PROC_H
#define NSTK_PROC_H

#include <stddef.h>
#include <sys/types.h>

#include "nstk/hash.h"

struct nstk_proc_facts {
	pid_t pid;
	pid_t ppid;
	uid_t euid;
	char *user;    /* effective user's name, or the uid in decimal */
	char *command; /* command line joined by spaces; the comm for kernel threads */
};

struct nstk_proc_table {
	struct nstk_proc_facts *facts;
	size_t n, cap;
	struct nstk_hash index; /* pid -> index in facts */
};

/*
 * Load facts for pids into *t (zeroed the first time; later calls add).
 * PIDs already loaded are skipped; PIDs that vanished are simply absent.
 * Returns 0 or -errno (-ENOMEM, or libproc2's failure to start).
 */
int nstk_proc_load(struct nstk_proc_table *t, const pid_t *pids, size_t n);
/* The facts of pid, or NULL if it was not loaded or had vanished. */
const struct nstk_proc_facts *nstk_proc_find(const struct nstk_proc_table *t, pid_t pid);
void nstk_proc_table_free(struct nstk_proc_table *t);

#endif

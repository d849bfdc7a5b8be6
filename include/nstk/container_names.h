/*
 * container_names.h — the names that no path holds, looked up in /proc
 * once per container: a podman container's name is conmon's "-n", and
 * conmon is the parent of the container's processes. nsls, nsenter-lite and
 * cgtop ask the same lookup through one cache, so a name means the same
 * container in every tool.
 */
#ifndef NSTK_CONTAINER_NAMES_H
#define NSTK_CONTAINER_NAMES_H

#include <stdbool.h>
#include <sys/types.h>

#include "nstk/container.h"
#include "nstk/hash.h"

struct nstk_container_names {
	struct nstk_hash by_id; /* the id's first 16 hex digits -> entries[] */
	struct nstk_container_name_entry {
		char id[NSTK_CONTAINER_ID_MAX];
		char name[NSTK_CONTAINER_ID_MAX]; /* "" when conmon names none */
	} *entries;
	size_t n, cap;
};

/*
 * Fill c->name for a podman payload container c (not its monitor) from
 * conmon, the parent of pid, a process in it; the answer is cached by id.
 * Only a definite answer is cached (conmon's command line read): a pid that
 * vanished leaves the next call to ask again. proc_dir: a directory fd of
 * /proc, or -1 for "/proc". Returns 1 when c->name was set, 0 when it is
 * not known, -ENOMEM.
 */
int nstk_container_names_lookup(struct nstk_container_names *cache, int proc_dir, pid_t pid,
				struct nstk_container *c);
void nstk_container_names_free(struct nstk_container_names *cache);

#endif

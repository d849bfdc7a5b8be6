/*
 * census_walk.h — private to the census: the /proc walk that reads what the
 * kernel says about each process (its ns links, its threads' links where they
 * differ, its nsfs fds) into plain records, on several cores at once.
 *
 * The walk touches no shared table: each worker fills its own arrays and the
 * census merges them afterwards, in PID order, on one thread. That keeps the
 * hash tables and the nsfs ioctls single-threaded and the walk lock-free.
 */
#ifndef NSTK_CENSUS_WALK_H
#define NSTK_CENSUS_WALK_H

#include "nstk/census.h"

/* A thread or fd found holding a namespace; processes are census records. */
struct nstk_sighting {
	enum nstk_holder_kind kind; /* NSTK_HOLDER_THREAD, _FD or _SOCKET */
	enum nstk_ns_kind ns_kind;
	uint64_t ino;
	pid_t pid, tid;
	int fd;
};

struct nstk_walk {
	struct nstk_census_process *procs;
	size_t n_procs, cap_procs;
	struct nstk_sighting *sightings;
	size_t n_sightings, cap_sightings;
	pid_t *denied;
	size_t n_denied, cap_denied;
	size_t n_vanished;
};

/*
 * Walk every process under procfd. kinds is the bit set of namespace kinds
 * the kernel has; sources says whether to look at threads and fds.
 * Returns 0 or -errno (-ENOMEM, or /proc unreadable).
 */
int nstk_walk_proc(int procfd, unsigned kinds, unsigned sources, struct nstk_walk *out);
void nstk_walk_free(struct nstk_walk *w);

#endif

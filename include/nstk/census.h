/*
 * census.h — the namespace census: every namespace that processes sit in,
 * with how many processes hold it, its lowest PID, and its owner and parent
 * (including ancestors that no process sits in).
 *
 * The census is built in one pass over /proc and is O(processes): raw
 * readlinkat on the ns links, hash tables keyed on (kind, inode), and nsfs
 * ioctls once per distinct namespace, never per process. It knows nothing of
 * output or of the command line.
 */
#ifndef NSTK_CENSUS_H
#define NSTK_CENSUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "nstk/hash.h"
#include "nstk/ns.h"

struct nstk_namespace {
	enum nstk_ns_kind kind;
	uint64_t ino;
	uint32_t nprocs;     /* processes whose ns link names it */
	pid_t lowest_pid;    /* 0 when no process sits in it */
	uint64_t owner_ino;  /* owning user namespace (NS_GET_USERNS); 0 unknown */
	uint64_t parent_ino; /* parent (NS_GET_PARENT, pid and user); 0 none */
	bool ancestor_only;  /* reached only as another's owner or parent */
};

struct nstk_census_process {
	pid_t pid;
	uint64_t ns[NSTK_NS_KIND_COUNT]; /* 0 where the kernel has no such kind */
};

struct nstk_census {
	struct nstk_namespace *namespaces;
	size_t n_namespaces, cap_namespaces;
	struct nstk_census_process *processes;
	size_t n_processes, cap_processes;
	/* Processes whose links we may not read (EACCES): counted, not lost. */
	pid_t *denied;
	size_t n_denied, cap_denied;
	/* Processes that exited between readdir and reading their links. */
	size_t n_vanished;
	unsigned kinds_supported; /* bit per kind the running kernel has */

	struct nstk_hash ns_index;  /* (kind, inode) -> index in namespaces */
	struct nstk_hash pid_index; /* pid -> index in processes */
};

/*
 * Scan proc_path ("/proc" unless testing) into *c, which must be zeroed.
 * Returns 0, or -errno when /proc itself cannot be read. Processes that
 * vanish or deny access mid-scan are counted, not errors.
 */
int nstk_census_scan(struct nstk_census *c, const char *proc_path);
void nstk_census_free(struct nstk_census *c);

/* The namespace (kind, ino), or NULL. */
const struct nstk_namespace *nstk_census_find(const struct nstk_census *c,
					      enum nstk_ns_kind kind, uint64_t ino);
/*
 * The process pid as scanned: 0 and *out set, -EACCES when its links were
 * denied, -ESRCH when the scan did not see it.
 */
int nstk_census_find_process(const struct nstk_census *c, pid_t pid,
			     const struct nstk_census_process **out);

/* The hash key of a namespace: kinds fit in the low 3 bits. */
static inline uint64_t nstk_census_ns_key(enum nstk_ns_kind kind, uint64_t ino)
{
	return (ino << 3) | (uint64_t)kind;
}

#endif

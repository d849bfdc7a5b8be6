/*
 * census.h — the namespace census: every namespace on the host and what
 * keeps it alive. Holders are processes, threads whose namespace differs
 * from their process's, open nsfs file descriptors, nsfs bind mounts (read
 * from the mountinfo of every distinct mount namespace), and, for a
 * namespace nothing else holds, the namespaces it is owner or parent of.
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

#define NSTK_NO_HOLDER UINT32_MAX

struct nstk_namespace {
	enum nstk_ns_kind kind;
	uint64_t ino;
	uint32_t nprocs;     /* processes whose ns link names it */
	pid_t lowest_pid;    /* 0 when no process sits in it */
	uint64_t owner_ino;  /* owning user namespace (NS_GET_USERNS); 0 unknown */
	uint64_t parent_ino; /* parent (NS_GET_PARENT, pid and user); 0 none */
	bool ancestor_only;  /* reached only as another's owner or parent */
	bool relations_read; /* owner and parent asked (an nsfs file could be opened) */
	/* Holders other than processes, as a list through census->holders. */
	uint32_t first_holder;
	uint32_t last_holder; /* its tail, where the next one is appended; unset while the list is empty */
	uint32_t nthreads, nfds, nmounts, nchildren, nlisted, nsockets;
};

enum nstk_holder_kind {
	NSTK_HOLDER_PROCESS,
	NSTK_HOLDER_THREAD, /* a thread in a namespace its process is not in */
	NSTK_HOLDER_FD,	    /* an open file descriptor on the nsfs file */
	NSTK_HOLDER_MOUNT,  /* an nsfs bind mount (ip netns add, runtimes) */
	NSTK_HOLDER_PARENT, /* the owner or parent of a namespace that is held */
	NSTK_HOLDER_LISTED, /* listed by listns(2) only: its holder is out of /proc's sight */
	NSTK_HOLDER_SOCKET, /* a socket whose network namespace is not its process's */
};

struct nstk_holder {
	enum nstk_holder_kind kind;
	uint32_t next; /* next holder of the same namespace, or NSTK_NO_HOLDER */
	pid_t pid;     /* thread, fd: the process; mount: whose mountinfo showed it */
	pid_t tid;     /* thread */
	int fd;	       /* fd, socket */
	uint64_t mntns;		    /* mount: the mount namespace the mount is in */
	char *path;		    /* mount: the mount point there, unescaped */
	enum nstk_ns_kind of_kind;  /* parent: the namespace it is owner/parent of */
	uint64_t of_ino;
};

/* Where the census looks. Every source is on unless a test turns it off. */
enum nstk_census_source {
	NSTK_SOURCE_THREADS = 1 << 0,
	NSTK_SOURCE_FDS = 1 << 1,
	NSTK_SOURCE_MOUNTS = 1 << 2,
	NSTK_SOURCE_LISTNS = 1 << 3, /* where the kernel has it and shows us everything */
	NSTK_SOURCE_ALL = (1 << 4) - 1,
	/* Not in ALL: a pidfd_getfd and an ioctl per socket (nsls --sockets). */
	NSTK_SOURCE_SOCKETS = 1 << 4,
};

struct nstk_census_process {
	pid_t pid;
	uint64_t ns[NSTK_NS_KIND_COUNT]; /* 0 where unknown: no such kind, or a zombie's */
};

struct nstk_census {
	struct nstk_namespace *namespaces;
	size_t n_namespaces, cap_namespaces;
	struct nstk_census_process *processes;
	size_t n_processes, cap_processes;
	struct nstk_holder *holders; /* all but processes */
	size_t n_holders, cap_holders;
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
 * Scan proc_path ("/proc" unless testing) into *c, which must be zeroed,
 * looking in the given sources (NSTK_SOURCE_ALL). Returns 0, or -errno when
 * /proc itself cannot be read. Processes that vanish or deny access mid-scan
 * are counted, not errors.
 */
int nstk_census_scan(struct nstk_census *c, const char *proc_path, unsigned sources);
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

/*
 * The namespaces of a process or thread: from the census when the scan saw
 * the process, else read now from /proc/PID/ns (a thread ID, or a process
 * born after the scan). Returns 0, -ESRCH (no such task) or -EACCES.
 */
int nstk_census_task_namespaces(const struct nstk_census *c, pid_t pid,
				uint64_t ns[NSTK_NS_KIND_COUNT]);

/*
 * A new O_RDONLY|O_CLOEXEC fd on the namespace's nsfs file, opened through
 * whatever holds it: its lowest process, else a thread, fd or mount holder.
 * Returns the fd or -errno (-ESRCH when every holder is gone).
 */
int nstk_census_open_ns(const struct nstk_census *c, const struct nstk_namespace *ns);

/* The hash key of a namespace: kinds fit in the low 3 bits. */
static inline uint64_t nstk_census_ns_key(enum nstk_ns_kind kind, uint64_t ino)
{
	return (ino << 3) | (uint64_t)kind;
}

#endif

/*
 * container_scan.h — finding a container's processes in /proc, and the one
 * rule for "the same container" that every tool uses: nsenter-lite and
 * nsls's --container pick a container's init with it, nsls groups
 * namespaces by it.
 */
#ifndef NSTK_CONTAINER_SCAN_H
#define NSTK_CONTAINER_SCAN_H

#include <stdbool.h>
#include <sys/types.h>

#include "nstk/container.h"

/*
 * The same container: same runtime, containerd namespace and id. A ctr id
 * repeats in each containerd namespace, so the namespace counts; a runtime's
 * monitor beside the container (conmon, lxc.monitor) is the same container,
 * so callers that must tell them apart look at ->monitor.
 */
bool nstk_container_same(const struct nstk_container *a, const struct nstk_container *b);

/*
 * The container /proc/PID/cgroup names, read at dirfd + name ("" when dirfd
 * is the pinned /proc/PID itself, "1234" when it is /proc). 1 and *c, 0 when
 * it names none, -errno when the file cannot be read (a process gone).
 */
int nstk_container_of_proc(int dirfd, const char *name, struct nstk_container *c);

/*
 * A container's init: the lowest PID whose cgroup names a container matching
 * id_or_prefix (nstk_container_matches, or its podman name), payload
 * processes before the runtime's monitor.
 */
struct nstk_container_pick {
	pid_t pid;		     /* the chosen payload process, or 0 */
	pid_t monitor_pid;	     /* the lowest monitor process, or 0 */
	struct nstk_container found; /* the container matched first */
	struct nstk_container other; /* a second, different container, if any */
	bool ambiguous;		     /* id_or_prefix matches two containers */
};

/* Feed one process (its decoded cgroup) that matched to the pick. Pure. */
void nstk_container_pick_consider(struct nstk_container_pick *pick, pid_t pid,
				  const struct nstk_container *c);

/*
 * Scan /proc once, pinning nothing: pick says what matched (pick->ambiguous
 * when id_or_prefix names two containers). A process that vanishes mid-scan
 * is skipped. 0 or -errno (opening /proc).
 */
int nstk_container_scan(const char *id_or_prefix, struct nstk_container_pick *pick);

#endif

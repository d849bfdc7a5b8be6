/*
 * nsinfo_child.h — private to nsinfo: the details only visible from inside
 * a namespace, gathered by one short-lived child that setns()'s around.
 */
#ifndef NSTK_NSINFO_CHILD_H
#define NSTK_NSINFO_CHILD_H

#include "nstk/nsinfo.h"

/* Computes a cgroup namespace's root from the host's and the inside view. */
typedef void (*nstk_cgroup_root_fn)(const char *host_path, const char *inside_path,
				    struct nstk_nsinfo *info);

int nstk_nsinfo_from_inside(const struct nstk_census *c,
			    const struct nstk_namespace *const *namespaces, size_t n, unsigned kinds,
			    struct nstk_nsinfo *info, nstk_cgroup_root_fn cgroup_root);

#endif

/*
 * nsinfo.h — what is inside a namespace: a network namespace's interfaces,
 * addresses and veth peers, a uts namespace's names, a user namespace's id
 * maps, a pid namespace's init and depth, a mount namespace's root
 * filesystem (overlay layers included), a cgroup namespace's root, a time
 * namespace's offsets.
 *
 * What the host can read it reads from /proc and nsfs. What can only be
 * seen from inside (interfaces, hostname, the cgroup root) a short-lived
 * child gathers: it setns()'s into each namespace in turn, answers over a
 * pipe, and exits; it never execs, and no fd of it outlives it.
 */
#ifndef NSTK_NSINFO_H
#define NSTK_NSINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "nstk/census.h"
#include "nstk/netlink.h"
#include "nstk/parse.h"

#define NSTK_IFACE_MAX_ADDRS 8

struct nstk_nsinfo_iface {
	struct nstk_netif link;
	char addrs[NSTK_IFACE_MAX_ADDRS][52]; /* "10.0.0.2/24" */
	size_t n_addrs;
	uint64_t peer_ns;		 /* a veth's peer: the net namespace it is in; 0 unknown */
	char peer_name[IF_NAMESIZE];	 /* and its name there, "" if unknown */
	char peer_master[IF_NAMESIZE];	 /* and the device it is enslaved to there, "" if none */
	bool peer_master_is_bridge;	 /* that device is a bridge (kind "bridge") */
	char master_name[IF_NAMESIZE];	 /* the bridge this one is enslaved to, "" if none */
};

struct nstk_nsinfo {
	pid_t member; /* whose view of the namespace was read (its /proc files); 0 none */
	/* net */
	int netnsid; /* as this process's network namespace names it; NSTK_NETNSID_NONE */
	bool netnsid_known; /* the kernel answered: NSTK_NETNSID_NONE is "unassigned" */
	int initial; /* 1 the host's (initial) network namespace, 0 another, -1 unknown */
	bool ifaces_known;
	struct nstk_nsinfo_iface *ifaces;
	size_t n_ifaces;
	/* uts */
	bool uts_known;
	char hostname[65], domainname[65];
	/* user */
	bool owner_uid_known;
	uid_t owner_uid;
	struct nstk_id_range *uid_map, *gid_map; /* NULL when unreadable */
	size_t n_uid_map, n_gid_map;
	int setgroups; /* 1 allow, 0 deny, -1 unknown */
	/* pid */
	pid_t init_pid; /* host PID of the namespace's PID 1; 0 unknown */
	int level;	/* 0 for this process's own; -1 unknown */
	/* mnt */
	char *root_fstype, *root_source;
	char **lowerdirs; /* overlayfs only */
	size_t n_lowerdirs;
	char *upperdir, *workdir;
	/* cgroup */
	char *cgroup_root;
	/* time */
	bool offsets_known;
	struct nstk_time_offsets offsets;
};

/*
 * Fill info[i] for namespaces[i] (n of them). Only kinds in `kinds` (bit per
 * enum nstk_ns_kind) are looked at; the child is started only when a net,
 * uts or cgroup namespace needs it. Fields that cannot be read stay unknown.
 * A namespace is seen as its member process sees it (its root filesystem,
 * its cgroup): the task when one is given (task_ns: its inode per kind) and
 * it is in that namespace, else the lowest PID in it.
 * Returns 0 or -errno (-ENOMEM, or no child could be started).
 */
int nstk_nsinfo_read(const struct nstk_census *c, const struct nstk_namespace *const *namespaces,
		     size_t n, unsigned kinds, pid_t task, const uint64_t *task_ns,
		     struct nstk_nsinfo *info);
void nstk_nsinfo_free(struct nstk_nsinfo *info, size_t n);

/*
 * The inode of the host's (initial) network namespace, where it can be
 * known without /proc/1 (which sandboxes may deny): the namespace of
 * kthreadd, PID 2, when that is a kernel thread (kernel threads live in the
 * initial namespaces; it is one only in the initial pid namespace); else,
 * on Linux 6.18 and later, the fixed inode the kernel gives it. Returns 0,
 * or -ENOENT when neither source answers (nsls in a child pid namespace of
 * an older kernel).
 */
int nstk_nsinfo_initial_net(const struct nstk_census *c, uint64_t *ino);

/* The kernel's fixed inode for the initial network namespace (nsfs.h's
 * NET_NS_INIT_INO; given from 6.18 on at the latest, numbered like any other
 * before). Other namespaces' inodes are allocated from 0xF0000000 up. */
#define NSTK_NET_INIT_INO 0xEFFFFFF9u

/* Whether a uname release ("6.18.4-arch1") is at least major.minor. Pure. */
bool nstk_nsinfo_release_at_least(const char *release, unsigned major, unsigned minor);

#endif

/*
 * ns.h — the eight kinds of Linux namespace and the nsfs operations on them.
 *
 * A namespace is named by (kind, inode of its nsfs file). This module knows
 * the kinds (name, CLONE_ flag, /proc link name), reads a process's links, and
 * asks nsfs about one namespace through its ioctls (owner, parent, type,
 * owner uid). It knows nothing of output.
 */
#ifndef NSTK_NS_H
#define NSTK_NS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Alphabetical, as the kernel's documentation and lsns's -t list them. */
enum nstk_ns_kind {
	NSTK_NS_CGROUP,
	NSTK_NS_IPC,
	NSTK_NS_MNT,
	NSTK_NS_NET,
	NSTK_NS_PID,
	NSTK_NS_TIME,
	NSTK_NS_USER,
	NSTK_NS_UTS,
	NSTK_NS_KIND_COUNT
};

#define NSTK_NS_ALL_KINDS ((1u << NSTK_NS_KIND_COUNT) - 1)

/* Name as in /proc/PID/ns/<name> and in "name:[inode]" link text. */
const char *nstk_ns_kind_name(enum nstk_ns_kind kind);
/* The CLONE_NEW* flag of a kind, as setns(2) and unshare(2) take it. */
int nstk_ns_kind_clone_flag(enum nstk_ns_kind kind);
/* Kind from a name ("net"); -EINVAL for an unknown name. */
int nstk_ns_kind_from_name(const char *name);
/* Kind from a CLONE_NEW* flag (as NS_GET_NSTYPE returns); -EINVAL if none. */
int nstk_ns_kind_from_clone_flag(int flag);

/* "net:[4026531840]" -> (NSTK_NS_NET, 4026531840): an nsfs link's text,
 * length-bounded, pure (fuzzed with the parsers). */
int nstk_parse_ns_link(const char *text, size_t len, enum nstk_ns_kind *kind, uint64_t *ino);
/* Whether the kind has a parent (NS_GET_PARENT): pid and user only. */
bool nstk_ns_kind_is_hierarchical(enum nstk_ns_kind kind);

/*
 * Read the inode of a process's namespace of one kind, from "ns/<kind>"
 * relative to proc_dirfd (an fd on /proc/PID or /proc/PID/task/TID).
 * Returns 0, or -errno of readlinkat (-ENOENT: gone, -EACCES: not allowed),
 * or -EPROTO when the link text is not "kind:[inode]".
 */
int nstk_ns_read_link(int proc_dirfd, enum nstk_ns_kind kind, uint64_t *ino);

/*
 * Read every link of the kinds in `wanted` (bit per kind) under proc_dirfd
 * into ns[]. Returns 0 when at least one could be read (a zombie keeps only
 * its pid and user links: the others are left 0, as the kernel has dropped
 * them), -EACCES when denied, or -ENOENT when none could: the task is gone.
 */
int nstk_ns_read_links(int proc_dirfd, unsigned wanted, uint64_t ns[NSTK_NS_KIND_COUNT]);

/* The inode of an nsfs fd (fstat). Returns 0 or -errno. */
int nstk_ns_fd_inode(int nsfd, uint64_t *ino);

/*
 * Relations of the namespace behind nsfd, each as a new O_CLOEXEC fd the
 * caller closes, or -errno: -EPERM when it lies outside what the caller may
 * see (the owner of the initial user namespace), -EINVAL when the kind has no
 * parent.
 */
int nstk_ns_open_owner(int nsfd);
int nstk_ns_open_parent(int nsfd);
/* The kind of the namespace behind nsfd (NS_GET_NSTYPE). */
int nstk_ns_fd_kind(int nsfd);
/* The uid that created a user namespace (NS_GET_OWNER_UID). */
int nstk_ns_owner_uid(int userns_fd, uid_t *uid);
/*
 * The network namespace of socket fd of the process pidfd pins: a copy of
 * the socket taken with pidfd_getfd (Linux 5.6), then SIOCGSKNS. A new
 * O_CLOEXEC fd, or -errno (-EBADF: no such fd; -ENOTTY: not a socket).
 */
int nstk_ns_open_socket_netns(int pidfd, int fd);

#endif

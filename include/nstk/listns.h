/*
 * listns.h — namespaces listed by the kernel itself: listns(2), Linux 6.19.
 *
 * listns returns the 64-bit ids of every active namespace the caller may
 * see, including those a /proc walk cannot reach (held only by an fd in a
 * process whose /proc we may not read, or by a bind mount in a mount
 * namespace no process is in). An id becomes an nsfs fd through a namespace
 * file handle, and the fd gives the (kind, inode) the rest of nstk keys on.
 *
 * The census asks nstk_listns_supported() and nstk_listns_sees_all() once,
 * lets nstk_listns_decide() choose, and otherwise walks /proc as before.
 * Facts, sources and kernel versions are in the comment atop lib/ns/listns.c.
 */
#ifndef NSTK_LISTNS_H
#define NSTK_LISTNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nstk/ns.h"

/*
 * struct ns_id_req of include/uapi/linux/nsfs.h, version 0 (32 bytes), under
 * our own name so that it never collides with the kernel's when a newer
 * <linux/nsfs.h> is included too. The kernel groups the last three fields in
 * an anonymous struct; the layout is the same.
 */
struct nstk_ns_id_req {
	uint32_t size;	     /* sizeof(struct nstk_ns_id_req) */
	uint32_t spare;	     /* must be 0 (EINVAL) */
	uint64_t ns_id;	     /* 0, or the last id already returned */
	uint32_t ns_type;    /* CLONE_NEW* bits to list; 0 lists every kind */
	uint32_t spare2;     /* reserved; write 0 */
	uint64_t user_ns_id; /* 0, or list only namespaces this user ns owns */
};

#define NSTK_NS_ID_REQ_SIZE_VER0 32

/* The f_handle of a FILEID_NSFS handle: struct nsfs_file_handle, 16 bytes. */
struct nstk_nsfs_file_handle {
	uint64_t ns_id;
	uint32_t ns_type; /* CLONE_NEW*; 0 together with ns_inum 0: "any kind" */
	uint32_t ns_inum; /* nsfs inode; checked by the kernel when not 0 */
};

#define NSTK_NSFS_FILE_HANDLE_SIZE_VER0 16

/* The most ids one listns call may ask for; more is EOVERFLOW. */
#define NSTK_LISTNS_MAX_PER_CALL 1000000
/* The first page nstk_listns_collect() asks for: most hosts fit in it. */
#define NSTK_LISTNS_FIRST_PAGE 1024

/* Where the census finds namespaces. */
enum nstk_ns_source {
	NSTK_NS_SOURCE_PROC_WALK, /* census.c: /proc links, fds, mounts, relations */
	NSTK_NS_SOURCE_LISTNS,	  /* listns(2): every active namespace, directly */
};

/* One listns(2) call: the number of ids written to ids, or -errno. */
long nstk_listns_call(const struct nstk_ns_id_req *req, uint64_t *ids, size_t n);

/*
 * What a probe's result (listns's count, or -errno) says; pure. 1: listns
 * works. 0: this kernel, or the sandbox around us, has no listns we can use
 * (-ENOSYS, -EPERM, -EACCES, -EINVAL, -E2BIG, -EOPNOTSUPP). Anything else is
 * returned as the -errno it is: the probe itself failed (-EFAULT, -ENOMEM).
 */
int nstk_listns_classify(long probe);

/*
 * Probe once, with a call that reads our request and writes nothing, and
 * remember the answer when it is 1 or 0. Returns nstk_listns_classify()'s.
 */
int nstk_listns_supported(void);

/*
 * Whether listns will show this caller every namespace: it lists, besides
 * the caller's own namespaces, only what the kernel's
 * may_see_all_namespaces() allows, i.e. being in the initial pid namespace
 * with CAP_SYS_ADMIN in the initial user namespace. 1, 0, or -errno when
 * /proc/self/ns cannot be read.
 */
int nstk_listns_sees_all(void);

/*
 * Pure: which source to use, from nstk_listns_supported()'s answer and
 * nstk_listns_sees_all()'s. listns only when it works and sees everything.
 */
enum nstk_ns_source nstk_listns_decide(int supported, bool sees_all);

/* The listns call nstk_listns_collect() makes; tests pass a model kernel. */
typedef long nstk_listns_lister(const struct nstk_ns_id_req *req, uint64_t *ids, size_t n,
				void *ctx);

/*
 * All namespace ids, ascending, into a malloc'd *ids of *n: one call when
 * they fit, a bigger call from the start when a page comes back full, and
 * the ns_id cursor only beyond NSTK_LISTNS_MAX_PER_CALL (see listns.c for
 * why). Returns 0 or the lister's -errno; -EPROTO if it misbehaves.
 */
int nstk_listns_collect(nstk_listns_lister *list, void *ctx, uint64_t **ids, size_t *n);

/*
 * For each namespace listns shows: open it (O_CLOEXEC), read its kind and
 * inode, call fn with an nsfd that is closed when fn returns. A namespace
 * that is gone or may not be opened by the time we get to it, or whose kind
 * nstk does not know, is skipped. fn returns 0 to go on or -errno to stop.
 * Returns 0, fn's -errno, or listns's (-ENOSYS before Linux 6.19).
 */
int nstk_listns_each(int (*fn)(void *ctx, enum nstk_ns_kind kind, uint64_t ino, int nsfd),
		     void *ctx);

/* The 64-bit id of the namespace behind nsfd (NS_GET_ID, Linux 6.18). */
int nstk_listns_fd_id(int nsfd, uint64_t *id);

/* The FILEID_NSFS file handle of nsfd (name_to_handle_at, Linux 6.18). */
int nstk_listns_fd_handle(int nsfd, struct nstk_nsfs_file_handle *h);

/*
 * Open a namespace from its file handle, without any nsfs fd in hand
 * (FD_NSFS_ROOT). Returns an O_CLOEXEC fd, or -errno: -ESTALE when no active
 * namespace matches, -EPERM when it is not ours and we may not see all.
 */
int nstk_listns_open_handle(const struct nstk_nsfs_file_handle *h);

/* Open a namespace from its id alone (type and inode 0: Linux 6.19). */
int nstk_listns_open_id(uint64_t ns_id);

#endif

/*
 * listns.c — finding namespaces with listns(2) instead of walking /proc.
 *
 * The one idea: listns gives ids, not files; a namespace file handle made
 * from the id alone turns each into an nsfs fd, and fstat + NS_GET_NSTYPE on
 * that fd give the (kind, inode) every other part of nstk keys on.
 *
 * The kernel facts this file is built on (Debian 12's headers, Linux 6.1,
 * have none of them; hence the definitions below):
 *
 * - listns(2): Linux 6.19, commit 76b6f5dfb3fd "nstree: add listns()", in
 *   Christian Brauner's series "nstree: listns()" (lore msgid
 *   20251029-work-namespace-nstree-listns-v4-*@kernel.org). Syscall 470 in
 *   the generic table, on x86_64 ("common", so x32 too), i386 and arm64;
 *   alpha 580, mips o32/n32/n64 4470/6470/5470 (arch syscall tables and
 *   tools/testing/selftests/namespaces/wrappers.h).
 *     ssize_t listns(const struct ns_id_req *req, u64 *ns_ids,
 *                    size_t nr_ns_ids, unsigned int flags);
 *   Returns how many ids it wrote (at most nr_ns_ids), ascending. flags must
 *   be 0, else EINVAL; nr_ns_ids > 1000000 is EOVERFLOW; a bad buffer EFAULT.
 * - struct ns_id_req (include/uapi/linux/nsfs.h): { u32 size; u32 spare;
 *   u64 ns_id; u32 ns_type; u32 spare2; u64 user_ns_id; }, 32 bytes
 *   (NS_ID_REQ_SIZE_VER0), extensible: size < 32 is EINVAL, size > PAGE_SIZE
 *   or non-zero bytes past what the kernel knows E2BIG, spare != 0 EINVAL,
 *   unknown ns_type bits EOPNOTSUPP (kernel/nstree.c, copy_ns_id_req).
 *   ns_type is a mask of CLONE_NEW* flags, 0 for all; user_ns_id 0 lists
 *   all, LISTNS_CURRENT_USER (~0) those owned by the caller's user namespace.
 * - Pagination: ns_id is the last id already returned. When it is not 0 the
 *   kernel starts at the first namespace with id >= ns_id + 1, and answers
 *   ENOENT if there is none, or if that one is inactive (lookup_ns_id_at
 *   ends in ns_get_unless_inactive). So a dying namespace just past a page
 *   boundary ends a cursor walk early; nstk_listns_collect() avoids the
 *   cursor until a single call cannot hold everything.
 * - Visibility: only active namespaces (used by a task, pinned by an nsfs fd
 *   or bind mount, or parent of an active one); never those kept only by
 *   internal references. Permission, per namespace, skipping the rest: one
 *   of the caller's own namespaces, or may_see_all_namespaces() = in the
 *   initial pid namespace with CAP_SYS_ADMIN in the initial user namespace
 *   ("nstree: tighten permission checks for listing", lore msgid
 *   20260226-work-visibility-fixes-v1-3, stable 6.19+). Plain 6.19.0 also
 *   listed namespaces whose owning user namespace the caller has
 *   CAP_SYS_ADMIN in. Unprivileged, listns shows less than the /proc walk.
 * - Namespace ids: 64-bit, one id space for every kind, never reused until
 *   reboot; NS_GET_ID = _IOR(0xb7, 13, __u64) on an nsfs fd, Linux 6.18 (not
 *   in 6.17's uapi header; answers on this 6.18 kernel). Since 6.19 the
 *   initial namespaces have fixed ids 1..8 (enum init_ns_id).
 * - Namespace file handles: Linux 6.18, commits 5222470b2fbb "nsfs: support
 *   file handles" and e83f0b5d10dc "nsfs: support exhaustive file handles"
 *   (FD_NSFS_ROOT = -10003 in uapi fcntl.h, so no nsfs fd is needed as
 *   mount_fd). handle_type FILEID_NSFS = 0xf1 (kernel-internal exportfs.h),
 *   f_handle = struct nsfs_file_handle { u64 ns_id; u32 ns_type; u32
 *   ns_inum; }, 16 bytes. Userspace may build handles itself; with ns_type
 *   and ns_inum both 0 the id alone is looked up in the unified tree since
 *   6.19 ("nstree: allow lookup solely based on inode", same series). Opening
 *   needs no CAP_DAC_READ_SEARCH: the caller must be in the namespace or pass
 *   may_see_all_namespaces() (stable 6.18+, commit d2324a9317f0; before it,
 *   CAP_SYS_ADMIN over the owner), else EPERM; a namespace that is gone or
 *   inactive gives ESTALE.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/nsfs.h>
#include <linux/types.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "nstk/caps.h"
#include "nstk/listns.h"
#include "nstk/util.h"

#ifndef __NR_listns
#if defined(__alpha__)
#define __NR_listns 580
#elif defined(_MIPS_SIM) && _MIPS_SIM == _MIPS_SIM_ABI32
#define __NR_listns 4470
#elif defined(_MIPS_SIM) && _MIPS_SIM == _MIPS_SIM_NABI32
#define __NR_listns 6470
#elif defined(_MIPS_SIM) && _MIPS_SIM == _MIPS_SIM_ABI64
#define __NR_listns 5470
#elif defined(__x86_64__) && defined(__ILP32__)
#define __NR_listns (0x40000000 + 470) /* x32: __X32_SYSCALL_BIT */
#else
#define __NR_listns 470
#endif
#endif

#ifndef NS_GET_ID
#define NS_GET_ID _IOR(NSIO, 13, __u64)
#endif
#ifndef FD_NSFS_ROOT
#define FD_NSFS_ROOT -10003
#endif
#ifndef FILEID_NSFS
#define FILEID_NSFS 0xf1
#endif

/* Fixed since Linux 3.8 (enum init_ns_ino in uapi nsfs.h). */
#define INIT_USER_NS_INO 0xEFFFFFFDu
#define INIT_PID_NS_INO 0xEFFFFFFCu

_Static_assert(sizeof(struct nstk_ns_id_req) == NSTK_NS_ID_REQ_SIZE_VER0, "ns_id_req is 32 bytes");
_Static_assert(sizeof(struct nstk_nsfs_file_handle) == NSTK_NSFS_FILE_HANDLE_SIZE_VER0,
	       "nsfs_file_handle is 16 bytes");

long nstk_listns_call(const struct nstk_ns_id_req *req, uint64_t *ids, size_t n)
{
	long r = syscall(__NR_listns, req, ids, n, 0u);
	return r < 0 ? -errno : r;
}

int nstk_listns_classify(long probe)
{
	if (probe >= 0)
		return 1;
	switch (probe) {
	/* No syscall 470: a kernel before 6.19, or a seccomp filter that
	 * answers syscalls newer than its profile with ENOSYS (runc does). */
	case -ENOSYS:
	/* listns never answers these itself (it skips what we may not see):
	 * a seccomp profile or an LSM refuses the call. */
	case -EPERM:
	case -EACCES:
	/* Our request is version 0 with every reserved field zero, flags 0 and
	 * ns_type 0, so a syscall 470 that rejects it is not the listns this
	 * file was written against. */
	case -EINVAL:
	case -E2BIG:
	case -EOPNOTSUPP:
		return 0;
	default:
		/* -EFAULT: our probe is wrong; -ENOMEM: the kernel is short. Say
		 * so; the caller still has the /proc walk. */
		return (int)probe;
	}
}

#define UNPROBED INT_MIN

int nstk_listns_supported(void)
{
	static int verdict = UNPROBED;
	int v = __atomic_load_n(&verdict, __ATOMIC_RELAXED);
	if (v != UNPROBED)
		return v;
	/* No buffer and no room: the kernel reads the request, writes nothing. */
	struct nstk_ns_id_req req = { .size = sizeof(req) };
	v = nstk_listns_classify(nstk_listns_call(&req, NULL, 0));
	/* Threads racing here compute the same answer; a failure is not kept. */
	if (v >= 0)
		__atomic_store_n(&verdict, v, __ATOMIC_RELAXED);
	return v;
}

int nstk_listns_sees_all(void)
{
	_cleanup_close_ int self = open("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (self < 0)
		return -errno;
	uint64_t pid_ino = 0, user_ino = 0;
	int r = nstk_ns_read_link(self, NSTK_NS_PID, &pid_ino);
	if (r >= 0)
		r = nstk_ns_read_link(self, NSTK_NS_USER, &user_ino);
	if (r < 0)
		return r;
	if (pid_ino != INIT_PID_NS_INO || user_ino != INIT_USER_NS_INO)
		return 0;
	/* In the initial user namespace, effective capabilities are what
	 * ns_capable(&init_user_ns, ...) checks. */
	const int sys_admin = CAP_SYS_ADMIN;
	char missing[32];
	r = nstk_caps_missing(&sys_admin, 1, missing, sizeof(missing));
	if (r < 0)
		return r;
	return r == 0;
}

enum nstk_ns_source nstk_listns_decide(int supported, bool sees_all)
{
	/*
	 * Without listns, or when the probe failed, the walk is all there is.
	 * Without may_see_all_namespaces(), listns shows only the caller's own
	 * namespaces, while the walk also reads every process whose /proc the
	 * caller may read: the walk sees more.
	 */
	if (supported != 1 || !sees_all)
		return NSTK_NS_SOURCE_PROC_WALK;
	return NSTK_NS_SOURCE_LISTNS;
}

int nstk_listns_collect(nstk_listns_lister *list, void *ctx, uint64_t **ids, size_t *n)
{
	_cleanup_free_ uint64_t *buf = NULL;
	size_t cap = 0, have = 0, page = NSTK_LISTNS_FIRST_PAGE;
	uint64_t cursor = 0;

	for (;;) {
		if (cap < have + page) {
			uint64_t *bigger = realloc(buf, (have + page) * sizeof(*buf));
			if (!bigger)
				return -ENOMEM;
			buf = bigger;
			cap = have + page;
		}
		struct nstk_ns_id_req req = { .size = sizeof(req), .ns_id = cursor };
		long r = list(&req, buf + have, page, ctx);
		/* After a cursor, ENOENT is the end (or a dying namespace next). */
		if (r == -ENOENT && cursor)
			break;
		if (r < 0)
			return (int)r;
		if ((size_t)r > page)
			return -EPROTO;
		/* Ascending and past the cursor, or a loop could never end. */
		for (uint64_t prev = cursor, *id = buf + have; id < buf + have + r; prev = *id++)
			if (*id <= prev)
				return -EPROTO;
		have += (size_t)r;
		if ((size_t)r < page)
			break;
		if (page < NSTK_LISTNS_MAX_PER_CALL) {
			/*
			 * A full page: list again from the start in one bigger
			 * call, rather than continue from a cursor whose ENOENT
			 * cannot tell the end from a dying namespace.
			 */
			page *= 8;
			if (page > NSTK_LISTNS_MAX_PER_CALL)
				page = NSTK_LISTNS_MAX_PER_CALL;
			have = 0;
			continue;
		}
		cursor = buf[have - 1];
	}
	*ids = NSTK_TAKE_PTR(buf);
	*n = have;
	return 0;
}

static long kernel_lister(const struct nstk_ns_id_req *req, uint64_t *ids, size_t n, void *ctx)
{
	(void)ctx;
	return nstk_listns_call(req, ids, n);
}

int nstk_listns_each(int (*fn)(void *ctx, enum nstk_ns_kind kind, uint64_t ino, int nsfd),
		     void *ctx)
{
	_cleanup_free_ uint64_t *ids = NULL;
	size_t n;
	int r = nstk_listns_collect(kernel_lister, NULL, &ids, &n);
	if (r < 0)
		return r;

	for (size_t i = 0; i < n; i++) {
		_cleanup_close_ int nsfd = nstk_listns_open_id(ids[i]);
		/*
		 * Listed is not always openable: ESTALE, it went inactive
		 * since; EPERM, it is not ours and we may not open it (a
		 * kernel with only one of the two visibility fixes lists more
		 * than it opens); EOPNOTSUPP, a kind nsfs cannot open by
		 * handle.
		 */
		if (nsfd == -ESTALE || nsfd == -EPERM || nsfd == -EOPNOTSUPP)
			continue;
		if (nsfd < 0)
			return nsfd;
		int kind = nstk_ns_fd_kind(nsfd);
		/* A kind newer than nstk (-EINVAL) has no name to show. */
		if (kind == -EINVAL)
			continue;
		if (kind < 0)
			return kind;
		uint64_t ino;
		r = nstk_ns_fd_inode(nsfd, &ino);
		if (r < 0)
			return r;
		r = fn(ctx, (enum nstk_ns_kind)kind, ino, nsfd);
		if (r < 0)
			return r;
	}
	return 0;
}

int nstk_listns_fd_id(int nsfd, uint64_t *id)
{
	__u64 v;
	if (ioctl(nsfd, NS_GET_ID, &v) < 0)
		return -errno;
	*id = v;
	return 0;
}

int nstk_listns_fd_handle(int nsfd, struct nstk_nsfs_file_handle *h)
{
	/* Room for a future, longer nsfs handle; its first 16 bytes are ours. */
	_Alignas(struct file_handle) char buf[sizeof(struct file_handle) + MAX_HANDLE_SZ];
	struct file_handle *fh = (struct file_handle *)buf;
	int mount_id;

	fh->handle_bytes = MAX_HANDLE_SZ;
	if (name_to_handle_at(nsfd, "", fh, &mount_id, AT_EMPTY_PATH) < 0)
		return -errno;
	if (fh->handle_type != FILEID_NSFS || fh->handle_bytes < sizeof(*h))
		return -EPROTO;
	memcpy(h, fh->f_handle, sizeof(*h));
	return 0;
}

int nstk_listns_open_handle(const struct nstk_nsfs_file_handle *h)
{
	_Alignas(struct file_handle) char buf[sizeof(struct file_handle) + sizeof(*h)];
	struct file_handle *fh = (struct file_handle *)buf;

	fh->handle_bytes = sizeof(*h);
	fh->handle_type = FILEID_NSFS;
	memcpy(fh->f_handle, h, sizeof(*h));
	int fd = open_by_handle_at(FD_NSFS_ROOT, fh, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int nstk_listns_open_id(uint64_t ns_id)
{
	return nstk_listns_open_handle(&(struct nstk_nsfs_file_handle){ .ns_id = ns_id });
}

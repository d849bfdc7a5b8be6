/*
 * test_listns.c — listns(2) support: the uapi layouts, what each probe
 * outcome decides, paging against a model of the kernel's listns (so the
 * 6.19 code path is exercised on any kernel), and the running kernel itself:
 * before 6.19 no listns (ENOSYS), from 6.18 namespace ids and file handles.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cmocka.h>

#include "nstk/listns.h"

/* The uapi offsets (include/uapi/linux/nsfs.h); a mistake here is an ABI break. */
_Static_assert(offsetof(struct nstk_ns_id_req, size) == 0, "size");
_Static_assert(offsetof(struct nstk_ns_id_req, spare) == 4, "spare");
_Static_assert(offsetof(struct nstk_ns_id_req, ns_id) == 8, "ns_id");
_Static_assert(offsetof(struct nstk_ns_id_req, ns_type) == 16, "ns_type");
_Static_assert(offsetof(struct nstk_ns_id_req, spare2) == 20, "spare2");
_Static_assert(offsetof(struct nstk_ns_id_req, user_ns_id) == 24, "user_ns_id");
_Static_assert(offsetof(struct nstk_nsfs_file_handle, ns_id) == 0, "handle ns_id");
_Static_assert(offsetof(struct nstk_nsfs_file_handle, ns_type) == 8, "handle ns_type");
_Static_assert(offsetof(struct nstk_nsfs_file_handle, ns_inum) == 12, "handle ns_inum");

static bool kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;
	if (uname(&u) < 0 || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return false;
	return ma > major || (ma == major && mi >= minor);
}

static uint64_t inode_of(const char *path)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	return st.st_ino;
}

static void struct_layouts_are_the_uapi(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct nstk_ns_id_req), 32);
	assert_int_equal(NSTK_NS_ID_REQ_SIZE_VER0, 32);
	assert_int_equal(sizeof(struct nstk_nsfs_file_handle), 16);
	assert_int_equal(NSTK_NSFS_FILE_HANDLE_SIZE_VER0, 16);
	assert_int_equal(NSTK_LISTNS_MAX_PER_CALL, 1000000);
}

static void probe_outcomes_classified(void **state)
{
	(void)state;
	/* Success: the probe asks for no ids, so 0; any count means it works. */
	assert_int_equal(nstk_listns_classify(0), 1);
	assert_int_equal(nstk_listns_classify(3), 1);
	/* No listns here, or none we may use: fall back quietly. */
	static const int absent[] = { ENOSYS, EPERM, EACCES, EINVAL, E2BIG, EOPNOTSUPP };
	for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
		assert_int_equal(nstk_listns_classify(-absent[i]), 0);
	/* The probe itself failed: said as it is. */
	static const int failed[] = { EFAULT, ENOMEM, ENOENT, EOVERFLOW, EINTR };
	for (size_t i = 0; i < sizeof(failed) / sizeof(failed[0]); i++)
		assert_int_equal(nstk_listns_classify(-failed[i]), -failed[i]);
}

static void decision_for_every_outcome(void **state)
{
	(void)state;
	static const struct {
		long probe;
		enum nstk_ns_source privileged, unprivileged;
	} table[] = {
		{ 0, NSTK_NS_SOURCE_LISTNS, NSTK_NS_SOURCE_PROC_WALK },
		{ -ENOSYS, NSTK_NS_SOURCE_PROC_WALK, NSTK_NS_SOURCE_PROC_WALK },
		{ -EPERM, NSTK_NS_SOURCE_PROC_WALK, NSTK_NS_SOURCE_PROC_WALK },
		{ -EACCES, NSTK_NS_SOURCE_PROC_WALK, NSTK_NS_SOURCE_PROC_WALK },
		{ -EINVAL, NSTK_NS_SOURCE_PROC_WALK, NSTK_NS_SOURCE_PROC_WALK },
		{ -E2BIG, NSTK_NS_SOURCE_PROC_WALK, NSTK_NS_SOURCE_PROC_WALK },
		{ -EOPNOTSUPP, NSTK_NS_SOURCE_PROC_WALK, NSTK_NS_SOURCE_PROC_WALK },
		{ -EFAULT, NSTK_NS_SOURCE_PROC_WALK, NSTK_NS_SOURCE_PROC_WALK },
		{ -ENOMEM, NSTK_NS_SOURCE_PROC_WALK, NSTK_NS_SOURCE_PROC_WALK },
	};
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		int supported = nstk_listns_classify(table[i].probe);
		assert_int_equal(nstk_listns_decide(supported, true), table[i].privileged);
		assert_int_equal(nstk_listns_decide(supported, false), table[i].unprivileged);
	}
}

/*
 * The kernel's listns as kernel/nstree.c has it: ids ascending; inactive
 * namespaces skipped; a cursor starts at the first id >= ns_id + 1 and is
 * ENOENT when there is none or that one is inactive.
 */
struct model {
	uint64_t *ids;
	bool *inactive; /* NULL: all active */
	size_t n;
	size_t calls;
	uint64_t last_cursor;
	size_t last_asked;
};

static long model_listns(const struct nstk_ns_id_req *req, uint64_t *out, size_t n, void *ctx)
{
	struct model *m = ctx;
	m->calls++;
	m->last_cursor = req->ns_id;
	m->last_asked = n;
	if (n > NSTK_LISTNS_MAX_PER_CALL)
		return -EOVERFLOW;
	if (req->size != NSTK_NS_ID_REQ_SIZE_VER0 || req->spare || req->spare2 || req->ns_type ||
	    req->user_ns_id)
		return -EINVAL;
	size_t i = 0;
	if (req->ns_id) {
		size_t lo = 0, hi = m->n;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (m->ids[mid] < req->ns_id + 1)
				lo = mid + 1;
			else
				hi = mid;
		}
		i = lo;
		if (i == m->n || (m->inactive && m->inactive[i]))
			return -ENOENT;
	}
	size_t written = 0;
	for (; i < m->n && written < n; i++)
		if (!m->inactive || !m->inactive[i])
			out[written++] = m->ids[i];
	return (long)written;
}

static struct model model_of(size_t n)
{
	struct model m = { .ids = malloc((n ? n : 1) * sizeof(uint64_t)), .n = n };
	assert_non_null(m.ids);
	for (size_t i = 0; i < n; i++)
		m.ids[i] = 1 + 3 * (uint64_t)i; /* gaps, as ids of freed namespaces leave */
	return m;
}

static void model_free(struct model *m)
{
	free(m->ids);
	free(m->inactive);
}

static void assert_collects_all_active(struct model *m)
{
	uint64_t *ids = NULL;
	size_t n = 0;
	assert_int_equal(nstk_listns_collect(model_listns, m, &ids, &n), 0);
	size_t k = 0;
	for (size_t i = 0; i < m->n; i++) {
		if (m->inactive && m->inactive[i])
			continue;
		assert_true(k < n);
		assert_true(ids[k] == m->ids[i]);
		k++;
	}
	assert_int_equal(k, n);
	free(ids);
}

static void collect_fits_in_one_call(void **state)
{
	(void)state;
	struct model m = model_of(40);
	assert_collects_all_active(&m);
	assert_int_equal(m.calls, 1);
	assert_int_equal(m.last_cursor, 0);
	model_free(&m);

	m = model_of(0);
	assert_collects_all_active(&m);
	assert_int_equal(m.calls, 1);
	model_free(&m);
}

static void collect_full_page_lists_again_bigger(void **state)
{
	(void)state;
	struct model m = model_of(NSTK_LISTNS_FIRST_PAGE);
	assert_collects_all_active(&m);
	/* The full first page cannot say whether more follow: ask again. */
	assert_int_equal(m.calls, 2);
	assert_int_equal(m.last_cursor, 0);
	assert_true(m.last_asked > NSTK_LISTNS_FIRST_PAGE);
	model_free(&m);
}

static void collect_survives_a_dying_namespace_at_a_page_boundary(void **state)
{
	(void)state;
	struct model m = model_of(3000);
	m.inactive = calloc(m.n, sizeof(bool));
	assert_non_null(m.inactive);
	m.inactive[NSTK_LISTNS_FIRST_PAGE] = true;

	/* What a cursor walk would meet: ENOENT after one page of 3000. */
	struct nstk_ns_id_req req = { .size = sizeof(req) };
	req.ns_id = m.ids[NSTK_LISTNS_FIRST_PAGE - 1];
	uint64_t out[4];
	assert_int_equal(model_listns(&req, out, 4, &m), -ENOENT);

	m.calls = 0;
	assert_collects_all_active(&m);
	assert_int_equal(m.calls, 2);
	model_free(&m);
}

static void collect_pages_with_the_cursor_beyond_the_kernel_cap(void **state)
{
	(void)state;
	struct model m = model_of(NSTK_LISTNS_MAX_PER_CALL + 5);
	assert_collects_all_active(&m);
	/* The last call continued after the millionth id and got the rest. */
	assert_int_equal(m.last_cursor, m.ids[NSTK_LISTNS_MAX_PER_CALL - 1]);
	assert_int_equal(m.last_asked, NSTK_LISTNS_MAX_PER_CALL);
	model_free(&m);

	/* Exactly a full last page: the continuation's ENOENT is the end. */
	m = model_of(NSTK_LISTNS_MAX_PER_CALL);
	assert_collects_all_active(&m);
	assert_int_equal(m.last_cursor, m.ids[NSTK_LISTNS_MAX_PER_CALL - 1]);
	model_free(&m);
}

static long fails_with(const struct nstk_ns_id_req *req, uint64_t *ids, size_t n, void *ctx)
{
	(void)req, (void)ids, (void)n;
	return -*(int *)ctx;
}

static long descends(const struct nstk_ns_id_req *req, uint64_t *ids, size_t n, void *ctx)
{
	(void)req, (void)ctx;
	assert_true(n >= 2);
	ids[0] = 9;
	ids[1] = 4;
	return 2;
}

static long overfills(const struct nstk_ns_id_req *req, uint64_t *ids, size_t n, void *ctx)
{
	(void)req, (void)ids, (void)ctx;
	return (long)n + 1;
}

static void collect_passes_errors_and_rejects_nonsense(void **state)
{
	(void)state;
	uint64_t *ids = NULL;
	size_t n = 0;
	static const int errs[] = { ENOSYS, EPERM, EFAULT, ENOMEM };
	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		int e = errs[i];
		assert_int_equal(nstk_listns_collect(fails_with, &e, &ids, &n), -e);
	}
	/* ENOENT with no cursor is not an end, it is an error. */
	int enoent = ENOENT;
	assert_int_equal(nstk_listns_collect(fails_with, &enoent, &ids, &n), -ENOENT);
	assert_int_equal(nstk_listns_collect(descends, NULL, &ids, &n), -EPROTO);
	assert_int_equal(nstk_listns_collect(overfills, NULL, &ids, &n), -EPROTO);
	assert_null(ids);
}

struct find_net {
	uint64_t ino;
	int seen, found;
};

static int look_for_net(void *ctx, enum nstk_ns_kind kind, uint64_t ino, int nsfd)
{
	struct find_net *f = ctx;
	struct stat st;
	assert_int_equal(fstat(nsfd, &st), 0);
	assert_true(st.st_ino == ino);
	f->seen++;
	if (kind == NSTK_NS_NET && ino == f->ino)
		f->found++;
	return 0;
}

static void this_kernel(void **state)
{
	(void)state;
	struct find_net f = { .ino = inode_of("/proc/self/ns/net") };
	if (kernel_at_least(6, 19)) {
		/* Our own namespaces are always listed and always openable. */
		assert_int_equal(nstk_listns_supported(), 1);
		assert_int_equal(nstk_listns_each(look_for_net, &f), 0);
		assert_int_equal(f.found, 1);
	} else {
		assert_int_equal(nstk_listns_supported(), 0);
		assert_int_equal(nstk_listns_each(look_for_net, &f), -ENOSYS);
		assert_int_equal(f.seen, 0);
		assert_int_equal(nstk_listns_decide(nstk_listns_supported(), true),
				 NSTK_NS_SOURCE_PROC_WALK);
	}
	/* Asked again, the remembered answer. */
	assert_int_equal(nstk_listns_supported(), kernel_at_least(6, 19) ? 1 : 0);
}

static void ids_and_handles_on_this_kernel(void **state)
{
	(void)state;
	if (!kernel_at_least(6, 18))
		skip();
	int net = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	int net2 = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	int user = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
	assert_true(net >= 0 && net2 >= 0 && user >= 0);

	uint64_t id, id2, user_id;
	assert_int_equal(nstk_listns_fd_id(net, &id), 0);
	assert_int_equal(nstk_listns_fd_id(net2, &id2), 0);
	assert_int_equal(nstk_listns_fd_id(user, &user_id), 0);
	assert_true(id != 0);
	assert_true(id == id2);
	assert_true(id != user_id); /* one id space for every kind */

	/* The kernel's own handle has our layout: id, CLONE_NEWNET, inode. */
	struct nstk_nsfs_file_handle h;
	assert_int_equal(nstk_listns_fd_handle(net, &h), 0);
	assert_true(h.ns_id == id);
	assert_int_equal(h.ns_type, CLONE_NEWNET);
	assert_int_equal(h.ns_inum, inode_of("/proc/self/ns/net"));

	/* And opens again through FD_NSFS_ROOT, close-on-exec. */
	int fd = nstk_listns_open_handle(&h);
	assert_true(fd >= 0);
	struct stat st;
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_ino, h.ns_inum);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);

	/* The id alone finds it from 6.19 (the unified tree); not before. */
	fd = nstk_listns_open_id(id);
	if (kernel_at_least(6, 19)) {
		assert_true(fd >= 0);
		assert_int_equal(fstat(fd, &st), 0);
		assert_int_equal(st.st_ino, h.ns_inum);
		close(fd);
	} else {
		assert_true(fd < 0);
	}
	close(net);
	close(net2);
	close(user);
}

static void sees_all_agrees_with_the_namespaces_we_are_in(void **state)
{
	(void)state;
	int r = nstk_listns_sees_all();
	assert_true(r == 0 || r == 1);
	/* Seeing all needs the initial pid and user namespaces. */
	if (r == 1) {
		assert_true(inode_of("/proc/self/ns/pid") == 0xEFFFFFFCu);
		assert_true(inode_of("/proc/self/ns/user") == 0xEFFFFFFDu);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(struct_layouts_are_the_uapi),
		cmocka_unit_test(probe_outcomes_classified),
		cmocka_unit_test(decision_for_every_outcome),
		cmocka_unit_test(collect_fits_in_one_call),
		cmocka_unit_test(collect_full_page_lists_again_bigger),
		cmocka_unit_test(collect_survives_a_dying_namespace_at_a_page_boundary),
		cmocka_unit_test(collect_pages_with_the_cursor_beyond_the_kernel_cap),
		cmocka_unit_test(collect_passes_errors_and_rejects_nonsense),
		cmocka_unit_test(this_kernel),
		cmocka_unit_test(ids_and_handles_on_this_kernel),
		cmocka_unit_test(sees_all_agrees_with_the_namespaces_we_are_in),
	};
	return cmocka_run_group_tests_name("listns", tests, NULL, NULL);
}

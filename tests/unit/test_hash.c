/*
 * test_hash.c — the (kind, inode) and pid hash map: inserts, overwrites,
 * misses, growth, and keys that differ only in the kind bits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "nstk/census.h"
#include "nstk/hash.h"

static void empty_map_misses(void **state)
{
	(void)state;
	struct nstk_hash h = { 0 };
	uint32_t v;
	assert_false(nstk_hash_get(&h, 0, &v));
	assert_false(nstk_hash_get(&h, 12345, &v));
	nstk_hash_free(&h);
}

static void put_get_overwrite(void **state)
{
	(void)state;
	struct nstk_hash h = { 0 };
	uint32_t v = 0;
	assert_int_equal(nstk_hash_put(&h, 7, 70), 0);
	assert_int_equal(nstk_hash_put(&h, 0, 1), 0);
	assert_true(nstk_hash_get(&h, 7, &v));
	assert_int_equal(v, 70);
	assert_true(nstk_hash_get(&h, 0, &v));
	assert_int_equal(v, 1);
	assert_int_equal(nstk_hash_put(&h, 7, 71), 0);
	assert_true(nstk_hash_get(&h, 7, &v));
	assert_int_equal(v, 71);
	assert_int_equal(h.count, 2);
	assert_false(nstk_hash_get(&h, 8, &v));
	nstk_hash_free(&h);
}

static void grows_past_many_namespace_keys(void **state)
{
	(void)state;
	struct nstk_hash h = { 0 };
	/* Consecutive inodes of all kinds: the shape the census produces. */
	for (uint32_t i = 0; i < 20000; i++)
		for (int k = 0; k < NSTK_NS_KIND_COUNT; k++)
			assert_int_equal(nstk_hash_put(&h, nstk_census_ns_key(k, 4026531840u + i),
						       i * NSTK_NS_KIND_COUNT + (uint32_t)k),
					 0);
	assert_int_equal(h.count, 20000 * NSTK_NS_KIND_COUNT);
	assert_true(h.count * 2 <= h.cap);
	for (uint32_t i = 0; i < 20000; i++)
		for (int k = 0; k < NSTK_NS_KIND_COUNT; k++) {
			uint32_t v;
			assert_true(nstk_hash_get(&h, nstk_census_ns_key(k, 4026531840u + i), &v));
			assert_int_equal(v, i * NSTK_NS_KIND_COUNT + (uint32_t)k);
		}
	uint32_t v;
	assert_false(nstk_hash_get(&h, nstk_census_ns_key(NSTK_NS_NET, 4026531839u), &v));
	nstk_hash_free(&h);
	assert_int_equal(h.cap, 0);
}

static void same_inode_different_kind_are_different_keys(void **state)
{
	(void)state;
	assert_true(nstk_census_ns_key(NSTK_NS_NET, 5) != nstk_census_ns_key(NSTK_NS_UTS, 5));
	assert_true(nstk_census_ns_key(NSTK_NS_CGROUP, 6) != nstk_census_ns_key(NSTK_NS_UTS, 5));
}

static void string_keys_follow_the_bytes(void **state)
{
	(void)state;
	char a[] = "/system.slice/nginx.service", b[] = "/system.slice/nginx.service";
	assert_true(nstk_hash_string(a) == nstk_hash_string(b));
	assert_true(nstk_hash_string("/a/b") != nstk_hash_string("/a/c"));
	assert_true(nstk_hash_string("/ab") != nstk_hash_string("/ba"));
	assert_true(nstk_hash_string("") != nstk_hash_string("/"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_map_misses),
		cmocka_unit_test(put_get_overwrite),
		cmocka_unit_test(grows_past_many_namespace_keys),
		cmocka_unit_test(same_inode_different_kind_are_different_keys),
		cmocka_unit_test(string_keys_follow_the_bytes),
	};
	return cmocka_run_group_tests_name("hash", tests, NULL, NULL);
}

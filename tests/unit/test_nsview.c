/*
 * test_nsview.c — from a census to nsls's rows, on hand-built censuses:
 * filters, sorting, the owner and parent trees, ancestor-only rows, and the
 * JSON document's top-level keys. PIDs are above pid_max, so no process
 * facts are found and those cells must come out null.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "nstk/nsview.h"
#include "nstk/util.h"

#define NO_SUCH_PID 2000000000

static void add_ns(struct nstk_census *c, enum nstk_ns_kind kind, uint64_t ino, uint32_t nprocs,
		   uint64_t owner, uint64_t parent)
{
	assert_int_equal(NSTK_GROW(c->namespaces, c->cap_namespaces, c->n_namespaces), 0);
	c->namespaces[c->n_namespaces] = (struct nstk_namespace){
		.kind = kind, .ino = ino, .nprocs = nprocs,
		.lowest_pid = nprocs ? NO_SUCH_PID : 0,
		.owner_ino = owner, .parent_ino = parent, .ancestor_only = nprocs == 0,
		.first_holder = NSTK_NO_HOLDER,
	};
	assert_int_equal(nstk_hash_put(&c->ns_index, nstk_census_ns_key(kind, ino),
				       (uint32_t)c->n_namespaces), 0);
	c->n_namespaces++;
}

/* init user 100 owns net 300 and user 200 (no process); user 200 owns user 250 and net 400. */
static void sample(struct nstk_census *c)
{
	*c = (struct nstk_census){ 0 };
	add_ns(c, NSTK_NS_NET, 400, 1, 250, 0);
	add_ns(c, NSTK_NS_USER, 250, 1, 200, 200);
	add_ns(c, NSTK_NS_USER, 100, 5, 0, 0);
	add_ns(c, NSTK_NS_NET, 300, 4, 100, 0);
	add_ns(c, NSTK_NS_USER, 200, 0, 100, 100);
}

static const int cols[] = { NSTK_NSCOL_NS, NSTK_NSCOL_TYPE, NSTK_NSCOL_NPROCS, NSTK_NSCOL_PID,
			    NSTK_NSCOL_COMMAND, NSTK_NSCOL_PNS, NSTK_NSCOL_ONS };

static json_t *build_json(struct nstk_census *c, enum nstk_nstree tree, unsigned kinds)
{
	struct nstk_nsview_options o = {
		.kinds = kinds, .tree = tree, .columns = cols, .ncols = NSTK_ARRAY_SIZE(cols),
	};
	struct nstk_out_table *t;
	assert_int_equal(nstk_nsview_build(c, &o, &t), 0);
	json_t *doc;
	assert_int_equal(nstk_nsview_json(c, t, tree, &doc), 0);
	nstk_out_table_free(t);
	return doc;
}

static uint64_t ns_of(json_t *row)
{
	return (uint64_t)json_integer_value(json_object_get(row, "ns"));
}

static void list_is_sorted_and_includes_ancestors(void **state)
{
	(void)state;
	struct nstk_census c;
	sample(&c);
	json_t *doc = build_json(&c, NSTK_NSTREE_NONE, NSTK_NS_ALL_KINDS);
	json_t *rows = json_object_get(doc, "namespaces");
	assert_int_equal(json_array_size(rows), 5);
	assert_int_equal(ns_of(json_array_get(rows, 0)), 100);
	assert_int_equal(ns_of(json_array_get(rows, 1)), 200);
	assert_int_equal(ns_of(json_array_get(rows, 4)), 400);
	assert_null(json_object_get(doc, "tree"));
	assert_int_equal(json_integer_value(json_object_get(doc, "schema")), 1);
	assert_true(json_is_false(json_object_get(doc, "partial")));
	/* The initial user namespace has no owner and no parent: null, not 0. */
	json_t *init = json_array_get(rows, 0);
	assert_true(json_is_null(json_object_get(init, "ons")));
	assert_true(json_is_null(json_object_get(init, "pns")));
	/* Its process vanished before facts were read: command is null too. */
	assert_true(json_is_null(json_object_get(init, "command")));
	json_decref(doc);
	nstk_census_free(&c);
}

static void owner_tree_draws_the_ancestor(void **state)
{
	(void)state;
	struct nstk_census c;
	sample(&c);
	json_t *doc = build_json(&c, NSTK_NSTREE_OWNER, NSTK_NS_ALL_KINDS);
	assert_string_equal(json_string_value(json_object_get(doc, "tree")), "owner");
	json_t *roots = json_object_get(doc, "namespaces");
	assert_int_equal(json_array_size(roots), 1);
	json_t *init = json_array_get(roots, 0);
	assert_int_equal(ns_of(init), 100);
	json_t *kids = json_object_get(init, "children");
	assert_int_equal(json_array_size(kids), 2); /* user 200, net 300 by inode */
	json_t *ghost = json_array_get(kids, 0);
	assert_int_equal(ns_of(ghost), 200);
	assert_int_equal(json_integer_value(json_object_get(ghost, "nprocs")), 0);
	assert_true(json_is_null(json_object_get(ghost, "pid")));
	/* JSON carries no text marker: mark_no_process was not asked for. */
	assert_true(json_is_null(json_object_get(ghost, "command")));
	json_t *grand = json_object_get(ghost, "children");
	assert_int_equal(json_array_size(grand), 1);
	assert_int_equal(ns_of(json_array_get(grand, 0)), 250);
	json_t *great = json_object_get(json_array_get(grand, 0), "children");
	assert_int_equal(ns_of(json_array_get(great, 0)), 400);
	json_decref(doc);
	nstk_census_free(&c);
}

static void parent_tree_nests_only_hierarchical_kinds(void **state)
{
	(void)state;
	struct nstk_census c;
	sample(&c);
	json_t *doc = build_json(&c, NSTK_NSTREE_PARENT, NSTK_NS_ALL_KINDS);
	json_t *roots = json_object_get(doc, "namespaces");
	/* user 100 (with 200 -> 250 below), net 300, net 400: nets have no parent. */
	assert_int_equal(json_array_size(roots), 3);
	assert_int_equal(ns_of(json_array_get(roots, 0)), 100);
	assert_int_equal(ns_of(json_array_get(roots, 1)), 300);
	assert_int_equal(ns_of(json_array_get(roots, 2)), 400);
	json_decref(doc);
	nstk_census_free(&c);
}

static void type_filter_and_inode_filter(void **state)
{
	(void)state;
	struct nstk_census c;
	sample(&c);
	json_t *doc = build_json(&c, NSTK_NSTREE_NONE, 1u << NSTK_NS_NET);
	json_t *rows = json_object_get(doc, "namespaces");
	assert_int_equal(json_array_size(rows), 2);
	for (size_t i = 0; i < 2; i++)
		assert_string_equal(json_string_value(json_object_get(json_array_get(rows, i), "type")), "net");
	json_decref(doc);

	struct nstk_nsview_options o = { .kinds = NSTK_NS_ALL_KINDS, .ino = 250,
					 .columns = cols, .ncols = NSTK_ARRAY_SIZE(cols) };
	struct nstk_out_table *t;
	assert_int_equal(nstk_nsview_build(&c, &o, &t), 0);
	assert_int_equal(t->nrows, 1);
	nstk_out_table_free(t);
	nstk_census_free(&c);
}

static void text_marks_ancestors_when_asked(void **state)
{
	(void)state;
	struct nstk_census c;
	sample(&c);
	struct nstk_nsview_options o = { .kinds = NSTK_NS_ALL_KINDS, .tree = NSTK_NSTREE_OWNER,
					 .columns = cols, .ncols = NSTK_ARRAY_SIZE(cols),
					 .mark_no_process = true };
	struct nstk_out_table *t;
	assert_int_equal(nstk_nsview_build(&c, &o, &t), 0);
	char *text;
	struct nstk_out_text_options to = { .tree = true, .notruncate = true };
	assert_int_equal(nstk_out_render_text(t, &to, &text), 0);
	assert_non_null(strstr(text, "(no process: ancestor)"));
	free(text);
	nstk_out_table_free(t);
	nstk_census_free(&c);
}

static void holders_shown_twice_are_the_same_list(void **state)
{
	(void)state;
	struct nstk_census c;
	sample(&c);
	/* One process, in net 400 and user 250. */
	assert_int_equal(NSTK_GROW(c.processes, c.cap_processes, c.n_processes), 0);
	c.processes[c.n_processes++] = (struct nstk_census_process){
		.pid = NO_SUCH_PID, .ns = { [NSTK_NS_NET] = 400, [NSTK_NS_USER] = 250 } };
	static const int twice[] = { NSTK_NSCOL_NS, NSTK_NSCOL_HOLDERS, NSTK_NSCOL_HOLDERS };
	struct nstk_nsview_options o = { .kinds = 1u << NSTK_NS_NET, .columns = twice, .ncols = 3 };
	struct nstk_out_table *t;
	assert_int_equal(nstk_nsview_build(&c, &o, &t), 0);
	assert_int_equal(t->nrows, 2);
	const struct nstk_out_row *net400 = t->rows[1];
	assert_int_equal(net400->cells[1].type, NSTK_VALUE_JSON);
	assert_true(json_equal(net400->cells[1].json, net400->cells[2].json));
	assert_int_equal(json_array_size(net400->cells[1].json), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(net400->cells[1].json, 0),
							      "kind")), "process");
	nstk_out_table_free(t);
	nstk_census_free(&c);
}

static void tree_names(void **state)
{
	(void)state;
	assert_int_equal(nstk_nstree_from_name("process"), NSTK_NSTREE_PROCESS);
	assert_int_equal(nstk_nstree_from_name("owner"), NSTK_NSTREE_OWNER);
	assert_int_equal(nstk_nstree_from_name("parent"), NSTK_NSTREE_PARENT);
	assert_int_equal(nstk_nstree_from_name("none"), -EINVAL);
	assert_int_equal(nstk_nstree_from_name("Owner"), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(list_is_sorted_and_includes_ancestors),
		cmocka_unit_test(owner_tree_draws_the_ancestor),
		cmocka_unit_test(parent_tree_nests_only_hierarchical_kinds),
		cmocka_unit_test(type_filter_and_inode_filter),
		cmocka_unit_test(text_marks_ancestors_when_asked),
		cmocka_unit_test(holders_shown_twice_are_the_same_list),
		cmocka_unit_test(tree_names),
	};
	return cmocka_run_group_tests_name("nsview", tests, NULL, NULL);
}

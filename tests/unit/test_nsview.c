/*
 * test_nsview.c — from a census to nsls's rows, on hand-built censuses:
 * filters, sorting, the owner and parent trees, ancestor-only rows, and the
 * JSON document's top-level keys, and the process rows a table draws for
 * a row's via. PIDs are above pid_max, so no process
 * facts are found and those cells must come out null. Also NETMODE's
 * decision (nstk_netmode) on hand-built interface lists, and the kernel
 * release test behind its host detection.
 */
#include <errno.h>
#include <net/if.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../tools/nsls/nsview.h"
#include "nstk/util.h"
#include "../../tools/nsls/nsview_via.h"

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
	/* The initial user namespace has no owner and no parent: 0, as lsns. */
	json_t *init = json_array_get(rows, 0);
	assert_int_equal(json_integer_value(json_object_get(init, "ons")), 0);
	assert_int_equal(json_integer_value(json_object_get(init, "pns")), 0);
	assert_true(json_is_integer(json_object_get(init, "pns")));
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

/* An interface for nstk_netmode: kind "" is a plain device. */
static struct nstk_nsinfo_iface iface(const char *name, const char *kind, unsigned flags, const char *peer,
				      const char *peer_master, bool bridge)
{
	struct nstk_nsinfo_iface f = { 0 };
	snprintf(f.link.name, sizeof(f.link.name), "%s", name);
	snprintf(f.link.kind, sizeof(f.link.kind), "%s", kind);
	f.link.flags = flags;
	if (peer) {
		f.link.link_ifindex = 7;
		f.peer_ns = 4026532000;
		snprintf(f.peer_name, sizeof(f.peer_name), "%s", peer);
	}
	snprintf(f.peer_master, sizeof(f.peer_master), "%s", peer_master ? peer_master : "");
	f.peer_master_is_bridge = bridge;
	return f;
}

/* nstk_netmode over the n interfaces; the mode, or "?reason" when it cannot tell. */
static void assert_netmode(int initial, const struct nstk_nsinfo_iface *ifaces, size_t n, const char *want)
{
	struct nstk_nsinfo in = { .initial = initial, .ifaces_known = true,
				  .ifaces = (struct nstk_nsinfo_iface *)ifaces, .n_ifaces = n };
	char *mode;
	const char *reason;
	int r = nstk_netmode(&in, &mode, &reason);
	if (want[0] == '?') {
		assert_int_equal(r, -ENODATA);
		assert_null(mode);
		assert_string_equal(reason, want + 1);
		return;
	}
	assert_int_equal(r, 0);
	assert_string_equal(mode, want);
	free(mode);
}

static void netmode_decisions(void **state)
{
	(void)state;
	const struct nstk_nsinfo_iface lo = iface("lo", "", IFF_LOOPBACK | IFF_UP, NULL, NULL, false);
	const struct nstk_nsinfo_iface tunl0 = iface("tunl0", "ipip", 0, NULL, NULL, false);
	const struct nstk_nsinfo_iface sit0 = iface("sit0", "sit", 0, NULL, NULL, false);
	const struct nstk_nsinfo_iface tun5 = iface("tun5", "ipip", 0, NULL, NULL, false);
	const struct nstk_nsinfo_iface eth0 = iface("eth0", "", IFF_UP, NULL, NULL, false);
	const struct nstk_nsinfo_iface br_a = iface("eth0", "veth", IFF_UP, "veth1a", "podman0", true);
	const struct nstk_nsinfo_iface br_b = iface("eth1", "veth", IFF_UP, "veth2b", "br1", true);
	const struct nstk_nsinfo_iface br_a2 = iface("eth2", "veth", IFF_UP, "veth3c", "podman0", true);
	const struct nstk_nsinfo_iface loose = iface("eth0", "veth", IFF_UP, "veth9", NULL, false);
	const struct nstk_nsinfo_iface bonded = iface("eth0", "veth", IFF_UP, "veth9", "bond0", false);
	const struct nstk_nsinfo_iface unplaced = iface("eth0", "veth", IFF_UP, NULL, NULL, false);
	const struct nstk_nsinfo_iface bridge = iface("br0", "bridge", IFF_UP, NULL, NULL, false);

	/* The host's is "host" whatever it holds. */
	assert_netmode(1, (struct nstk_nsinfo_iface[]){ lo, eth0, br_a }, 3, "host");
	assert_netmode(0, (struct nstk_nsinfo_iface[]){ lo }, 1, "none");
	/* Fallback tunnels are made in every namespace: still none. */
	assert_netmode(0, (struct nstk_nsinfo_iface[]){ lo, tunl0, sit0 }, 3, "none");
	/* The same kind under another name is a tunnel someone made. */
	assert_netmode(0, (struct nstk_nsinfo_iface[]){ lo, tun5 }, 2, "other");
	assert_netmode(0, (struct nstk_nsinfo_iface[]){ lo, br_a }, 2, "bridge:podman0");
	/* Several bridges in interface order, each once; a bridged veth wins over the rest. */
	assert_netmode(0, (struct nstk_nsinfo_iface[]){ lo, br_a, eth0, br_b, br_a2 }, 5,
		       "bridge:podman0,br1");
	assert_netmode(0, (struct nstk_nsinfo_iface[]){ lo, loose }, 2, "other");
	/* A peer enslaved to something that is not a bridge (a bond, a VRF). */
	assert_netmode(0, (struct nstk_nsinfo_iface[]){ lo, bonded }, 2, "other");
	/* The bridge's own side: a bridge and an enslaved veth whose peer is loose. */
	assert_netmode(0, (struct nstk_nsinfo_iface[]){ lo, bridge, loose }, 3, "other");
	assert_netmode(0, (struct nstk_nsinfo_iface[]){ lo, eth0 }, 2, "other");
	/* A veth whose peer was not found could be bridged: unknown, unless another is. */
	assert_netmode(0, (struct nstk_nsinfo_iface[]){ lo, eth0, unplaced }, 3, "?veth peer not found");
	assert_netmode(0, (struct nstk_nsinfo_iface[]){ lo, unplaced, br_b }, 3, "bridge:br1");
	assert_netmode(-1, (struct nstk_nsinfo_iface[]){ lo }, 1, "?host's network namespace not known");

	struct nstk_nsinfo unread = { .initial = 0 };
	char *mode;
	const char *reason;
	assert_int_equal(nstk_netmode(&unread, &mode, &reason), -ENODATA);
	assert_string_equal(reason, "interfaces not read");
	/* Known to be the host's: interfaces are not needed. */
	unread.initial = 1;
	assert_int_equal(nstk_netmode(&unread, &mode, &reason), 0);
	assert_string_equal(mode, "host");
	free(mode);
}

static void kernel_release_compare(void **state)
{
	(void)state;
	assert_true(nstk_nsinfo_release_at_least("6.18.44-fc-v595", 6, 18));
	assert_true(nstk_nsinfo_release_at_least("6.18", 6, 18));
	assert_true(nstk_nsinfo_release_at_least("6.19.0-rc1", 6, 18));
	assert_true(nstk_nsinfo_release_at_least("7.0.1", 6, 18));
	assert_true(nstk_nsinfo_release_at_least("10.1", 6, 18));
	assert_false(nstk_nsinfo_release_at_least("6.17.9-arch1", 6, 18));
	assert_false(nstk_nsinfo_release_at_least("6.1.0-28-amd64", 6, 18));
	/* setarch --uname-2.6 on a 6.18 kernel */
	assert_false(nstk_nsinfo_release_at_least("2.6.78-fc-v595", 6, 18));
	assert_false(nstk_nsinfo_release_at_least("6", 6, 18));
	assert_false(nstk_nsinfo_release_at_least("", 6, 18));
	assert_false(nstk_nsinfo_release_at_least("v6.18", 6, 18));
	assert_false(nstk_nsinfo_release_at_least(NULL, 6, 18));
}

/* On rows of other kinds NETMODE is null; on net rows nothing could open, null too. */
static void netmode_null_where_not_known(void **state)
{
	(void)state;
	struct nstk_census c;
	sample(&c);
	static const int nm[] = { NSTK_NSCOL_NS, NSTK_NSCOL_NETMODE };
	struct nstk_nsview_options o = { .kinds = NSTK_NS_ALL_KINDS, .columns = nm, .ncols = 2,
					 .mark_no_process = true };
	struct nstk_out_table *t;
	assert_int_equal(nstk_nsview_build(&c, &o, &t), 0);
	json_t *doc;
	assert_int_equal(nstk_nsview_json(&c, t, NSTK_NSTREE_NONE, &doc), 0);
	json_t *rows = json_object_get(doc, "namespaces");
	assert_int_equal(json_array_size(rows), 5);
	for (size_t i = 0; i < 5; i++) {
		json_t *row = json_array_get(rows, i);
		assert_non_null(json_object_get(row, "netmode"));
		assert_true(json_is_null(json_object_get(row, "netmode")));
	}
	json_decref(doc);
	/* Tables say why for the net rows (no holder to open: interfaces unread). */
	char *text;
	struct nstk_out_text_options to = { .notruncate = true };
	assert_int_equal(nstk_out_render_text(t, &to, &text), 0);
	assert_non_null(strstr(text, "(unknown: "));
	free(text);
	nstk_out_table_free(t);
	nstk_census_free(&c);
}

/*
 * via: two namespace rows under one parent row through the same process
 * (two containers under one shim) share its row; a third has its own chain
 * of two; a root keeps none; the hidden column goes.
 */
static void via_becomes_process_rows(void **state)
{
	(void)state;
	const struct nstk_out_column *vcols[] = { &nstk_nscols[NSTK_NSCOL_NS], &nstk_nscols[NSTK_NSCOL_PID],
						 &nstk_nscols[NSTK_NSCOL_COMMAND], &nstk_nsview_via_column };
	struct nstk_out_table *t = nstk_out_table_new(vcols, 4);
	assert_non_null(t);
	struct nstk_out_row *r[4];
	for (int i = 0; i < 4; i++) {
		r[i] = nstk_out_row_add(t);
		assert_non_null(r[i]);
		nstk_out_set_u64(r[i], 0, 100 + (uint64_t)i);
		nstk_out_set_i64(r[i], 1, 10 + i);
	}
	r[1]->parent = r[2]->parent = r[3]->parent = r[0];
	struct nstk_proc_facts shim = { .pid = 50, .ppid = 1, .user = "root", .command = "containerd-shim" };
	struct nstk_proc_facts sh = { .pid = 60, .ppid = 1, .user = "root", .command = "bash" };
	struct nstk_proc_facts un = { .pid = 61, .ppid = 60, .user = "root", .command = "unshare -f" };
	const struct nstk_proc_facts *one[] = { &shim }, *two[] = { &sh, &un };
	assert_int_equal(nstk_nsview_via_set(r[1], 3, one, 1), 0);
	assert_int_equal(nstk_nsview_via_set(r[2], 3, two, 2), 0);
	assert_int_equal(nstk_nsview_via_set(r[3], 3, one, 1), 0);
	assert_int_equal(nstk_nsview_via_set(r[0], 3, one, 1), 0); /* a root: ignored */
	json_t *j;
	assert_int_equal(nstk_out_render_json(t, true, &j), 0);
	json_t *via = json_object_get(json_array_get(json_object_get(json_array_get(j, 0), "children"), 1), "via");
	assert_int_equal(json_array_size(via), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(via, 0), "pid")), 60);
	assert_string_equal(json_string_value(json_object_get(json_array_get(via, 1), "command")), "unshare -f");
	json_decref(j);

	const int ids[] = { NSTK_NSCOL_NS, NSTK_NSCOL_PID, NSTK_NSCOL_COMMAND };
	assert_int_equal(nstk_nsview_via_rows(t, 3, ids), 0);
	assert_int_equal(t->ncols, 3);
	/* 100, shim 50, 101, bash 60, unshare 61, 102, 103: each process row just before its first child. */
	assert_int_equal(t->nrows, 7);
	const int64_t pids[] = { 10, 50, 11, 60, 61, 12, 13 };
	for (size_t i = 0; i < 7; i++) {
		assert_int_equal(t->rows[i]->index, i);
		assert_int_equal(t->rows[i]->cells[1].i64, pids[i]);
	}
	assert_null(t->rows[0]->parent);
	assert_ptr_equal(t->rows[1]->parent, t->rows[0]);
	assert_ptr_equal(t->rows[2]->parent, t->rows[1]);
	assert_ptr_equal(t->rows[3]->parent, t->rows[0]);
	assert_ptr_equal(t->rows[4]->parent, t->rows[3]);
	assert_ptr_equal(t->rows[5]->parent, t->rows[4]);
	assert_ptr_equal(t->rows[6]->parent, t->rows[1]);
	/* A process row: no NS, its PID and command. */
	assert_int_equal(t->rows[1]->cells[0].type, NSTK_VALUE_NULL);
	assert_string_equal(t->rows[1]->cells[2].str, "containerd-shim");

	struct nstk_out_text_options o = { .tree = true, .notruncate = true };
	t->tree_column = 2;
	char *text;
	assert_int_equal(nstk_out_render_text(t, &o, &text), 0);
	assert_non_null(strstr(text, "containerd-shim\n"));
	free(text);
	nstk_out_table_free(t);
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
		cmocka_unit_test(via_becomes_process_rows),
		cmocka_unit_test(netmode_decisions),
		cmocka_unit_test(kernel_release_compare),
		cmocka_unit_test(netmode_null_where_not_known),
	};
	return cmocka_run_group_tests_name("nsview", tests, NULL, NULL);
}

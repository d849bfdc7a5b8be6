/*
 * test_nsls_prometheus.c — nsls --prometheus's renderer on hand-made rows:
 * which namespaces are leaks (a mount, fd or socket and no process; not a
 * parent of others), the holder's path as a label, escaping, counts by kind
 * and container, and columns in any order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../tools/nsls/prometheus.h"
#include "nstk/util.h"

/* Columns out of nsls's order, to show the renderer reads them by id. */
static const struct nstk_out_column *cols[] = {
	&nstk_nscols[NSTK_NSCOL_HOLDERS], &nstk_nscols[NSTK_NSCOL_TYPE],	&nstk_nscols[NSTK_NSCOL_NS],
	&nstk_nscols[NSTK_NSCOL_NETNS],	  &nstk_nscols[NSTK_NSCOL_CONTAINER], &nstk_nscols[NSTK_NSCOL_NPROCS],
};
enum { C_HOLDERS, C_TYPE, C_NS, C_NETNS, C_CONTAINER, C_NPROCS };

static void add(struct nstk_out_table *t, uint64_t ns, const char *type, uint64_t nprocs, const char *netns,
		const char *container, const char *holders_json)
{
	struct nstk_out_row *r = nstk_out_row_add(t);
	assert_non_null(r);
	nstk_out_set_u64(r, C_NS, ns);
	assert_int_equal(nstk_out_set_str(r, C_TYPE, type), 0);
	nstk_out_set_u64(r, C_NPROCS, nprocs);
	assert_int_equal(nstk_out_set_str(r, C_NETNS, netns), 0);
	if (container)
		assert_int_equal(nstk_out_set_json(r, C_CONTAINER, container, json_pack("{s:s}", "runtime", "podman")), 0);
	json_error_t err;
	json_t *h = json_loads(holders_json, 0, &err);
	assert_non_null(h);
	assert_int_equal(nstk_out_set_json(r, C_HOLDERS, "x", h), 0);
}

static char *render(const struct nstk_out_table *t, size_t denied)
{
	char *text;
	size_t len;
	assert_int_equal(nsls_prometheus(t, denied, &text, &len), 0);
	assert_int_equal(strlen(text), len);
	return text;
}

static void leaks_and_counts(void **state)
{
	(void)state;
	struct nstk_out_table *t = nstk_out_table_new(cols, NSTK_ARRAY_SIZE(cols));
	assert_non_null(t);
	/* A netns kept by an ip netns mount: a leak, with the mount's path. */
	add(t, 11, "net", 0, "cni-1", NULL, "[{\"kind\":\"mount\",\"path\":\"/run/netns/cni-1\",\"mntns\":1,\"pid\":2}]");
	/* The same with a process in it too: not a leak. */
	add(t, 12, "net", 1, "busy", NULL,
	    "[{\"kind\":\"process\",\"pid\":7},{\"kind\":\"mount\",\"path\":\"/run/netns/busy\",\"mntns\":1,\"pid\":2}]");
	/* A user namespace kept only by its children: not a leak. */
	add(t, 13, "user", 0, NULL, NULL, "[{\"kind\":\"parent\",\"of_type\":\"pid\",\"of_ns\":99}]");
	/* A uts kept by an fd, a netns by a socket and a mount; in a container. */
	add(t, 14, "uts", 0, NULL, "podman:abc", "[{\"kind\":\"fd\",\"pid\":40,\"fd\":9}]");
	add(t, 15, "net", 0, "we\"ird\\", "podman:abc",
	    "[{\"kind\":\"socket\",\"pid\":41,\"fd\":3},{\"kind\":\"mount\",\"path\":\"/run/netns/we\\\"ird\\\\\",\"mntns\":1,\"pid\":2}]");
	/* A thread alone is someone sitting in it. */
	add(t, 16, "net", 0, NULL, NULL, "[{\"kind\":\"thread\",\"pid\":5,\"tid\":6},{\"kind\":\"fd\",\"pid\":5,\"fd\":4}]");
	char *text = render(t, 3);

	assert_non_null(strstr(text, "nstk_namespace_leaked{ns=\"11\",type=\"net\",container=\"\",netns=\"cni-1\","
				     "holder=\"mount\",path=\"/run/netns/cni-1\"} 1\n"));
	assert_null(strstr(text, "nstk_namespace_leaked{ns=\"12\""));
	assert_null(strstr(text, "nstk_namespace_leaked{ns=\"13\""));
	assert_null(strstr(text, "nstk_namespace_leaked{ns=\"16\""));
	assert_non_null(strstr(text, "nstk_namespace_leaked{ns=\"14\",type=\"uts\",container=\"podman:abc\",netns=\"\","
				     "holder=\"fd\",path=\"/proc/40/fd/9\"} 1\n"));
	assert_non_null(strstr(text, "nstk_namespace_leaked{ns=\"15\",type=\"net\",container=\"podman:abc\","
				     "netns=\"we\\\"ird\\\\\",holder=\"socket\",path=\"/proc/41/fd/3\"} 1\n"));
	assert_non_null(strstr(text, "holder=\"mount\",path=\"/run/netns/we\\\"ird\\\\\"} 1\n"));
	assert_non_null(strstr(text, "nstk_namespace_leaked_namespaces{type=\"net\"} 2\n"));
	assert_non_null(strstr(text, "nstk_namespace_leaked_namespaces{type=\"uts\"} 1\n"));
	assert_non_null(strstr(text, "nstk_namespace_leaked_namespaces{type=\"user\"} 0\n"));
	assert_non_null(strstr(text, "nstk_namespace_namespaces{type=\"net\",container=\"\"} 3\n"));
	assert_non_null(strstr(text, "nstk_namespace_namespaces{type=\"net\",container=\"podman:abc\"} 1\n"));
	assert_non_null(strstr(text, "nstk_namespace_processes{ns=\"12\",type=\"net\",container=\"\",netns=\"busy\"} 1\n"));
	assert_non_null(strstr(text, "nstk_namespace_scan_denied_processes 3\n"));
	/* Each family's HELP and TYPE once. */
	const char *p = text;
	int types = 0;
	while ((p = strstr(p, "# TYPE ")) != NULL) {
		types++;
		p++;
	}
	assert_int_equal(types, 5);
	free(text);
	nstk_out_table_free(t);
}

static void empty_table(void **state)
{
	(void)state;
	struct nstk_out_table *t = nstk_out_table_new(cols, NSTK_ARRAY_SIZE(cols));
	char *text = render(t, 0);
	assert_null(strstr(text, "nstk_namespace_namespaces{"));
	assert_non_null(strstr(text, "nstk_namespace_leaked_namespaces{type=\"cgroup\"} 0\n"));
	free(text);
	nstk_out_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(leaks_and_counts),
		cmocka_unit_test(empty_table),
	};
	return cmocka_run_group_tests_name("nsls_prometheus", tests, NULL, NULL);
}

/*
 * test_graph.c — nsls --graph's DOT (tools/nsls/graph.c) from hand-made
 * JSON documents shaped as nsls -J's: a whole small scene compared byte for
 * byte (two namespaces joined by veth to a bridge in a third, each pair seen
 * from both ends and drawn once), far ends the document does not show,
 * ports that are not veths, masters that are not bridges, escaping of odd
 * interface names and the ids made of them, container labels, and the
 * documents it refuses.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../tools/nsls/graph.h"

static char *dot_of(const char *json)
{
	json_error_t err;
	json_t *doc = json_loads(json, 0, &err);
	if (!doc)
		fail_msg("bad test JSON: %s at %d", err.text, err.line);
	char *text = NULL;
	size_t len = 0;
	assert_int_equal(nsls_graph_dot(doc, &text, &len), 0);
	json_decref(doc);
	assert_non_null(text);
	assert_int_equal(strlen(text), len);
	return text;
}

static void assert_contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("missing:\n%s\nin:\n%s", needle, hay);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* net 10 (netns "a", a podman container) and 20 ("b") each have eth0, a
 * veth whose peer (va, vb) is a port of br0 in 30; 30 lists both ends. */
static const char scene[] =
	"{\"schema\": 1, \"namespaces\": ["
	" {\"ns\": 10, \"type\": \"net\", \"netns\": \"a\", \"netmode\": \"bridge:br0\","
	"  \"container\": {\"runtime\": \"podman\", \"id\": \"e38e924327e3aaaabbbbccccddddeeeeffff0000111122223333444455556666\","
	"   \"name\": \"web\", \"namespace\": null, \"pod\": null, \"monitor\": false},"
	"  \"ifaces\": ["
	"   {\"name\": \"lo\", \"index\": 1, \"kind\": null, \"addresses\": [\"127.0.0.1/8\"], \"master\": null},"
	"   {\"name\": \"eth0\", \"index\": 2, \"kind\": \"veth\", \"addresses\": [\"10.9.0.2/24\", \"fe80::1/64\"],"
	"    \"master\": null, \"peer\": {\"name\": \"va\", \"index\": 5, \"ns\": 30, \"master\": \"br0\"}}]},"
	" {\"ns\": 20, \"type\": \"net\", \"netns\": \"b\", \"container\": null, \"ifaces\": ["
	"   {\"name\": \"eth0\", \"index\": 2, \"kind\": \"veth\", \"addresses\": [],"
	"    \"master\": null, \"peer\": {\"name\": \"vb\", \"index\": 6, \"ns\": 30, \"master\": \"br0\"}}]},"
	" {\"ns\": 30, \"type\": \"net\", \"netns\": null, \"netmode\": \"host\", \"container\": null, \"ifaces\": ["
	"   {\"name\": \"br0\", \"index\": 4, \"kind\": \"bridge\", \"addresses\": [\"10.9.0.1/24\"], \"master\": null},"
	"   {\"name\": \"va\", \"index\": 5, \"kind\": \"veth\", \"addresses\": [], \"master\": \"br0\","
	"    \"peer\": {\"name\": \"eth0\", \"index\": 2, \"ns\": 10, \"master\": null}},"
	"   {\"name\": \"vb\", \"index\": 6, \"kind\": \"veth\", \"addresses\": [], \"master\": \"br0\","
	"    \"peer\": {\"name\": \"eth0\", \"index\": 2, \"ns\": 20, \"master\": null}}]},"
	" {\"ns\": 40, \"type\": \"uts\", \"hostname\": \"x\"}"
	"]}";

static void scene_byte_for_byte(void **state)
{
	(void)state;
	char *dot = dot_of(scene);
	assert_string_equal(dot,
			    "graph \"nsls\" {\n"
			    "\tnode [fontname=\"sans-serif\", fontsize=10];\n"
			    "\tedge [fontname=\"sans-serif\", fontsize=9];\n"
			    "\t\"ns_10\" [shape=box, style=rounded, label=\"net 10\\nnetns a\\npodman:e38e924327e3 "
			    "(web)\\neth0 10.9.0.2/24\"];\n"
			    "\t\"ns_20\" [shape=box, style=rounded, label=\"net 20\\nnetns b\"];\n"
			    "\tsubgraph \"cluster_ns_30\" {\n"
			    "\t\tlabel=\"\";\n"
			    "\t\tstyle=rounded;\n"
			    "\t\tcolor=gray;\n"
			    "\t\t\"ns_30\" [shape=box, style=rounded, label=\"net 30 (host)\"];\n"
			    "\t\t\"br_30_br0\" [shape=ellipse, label=\"bridge br0\\n10.9.0.1/24\"];\n"
			    "\t}\n"
			    "\t\"ns_10\" -- \"br_30_br0\" [label=\"eth0 \xe2\x80\x94 va\"];\n"
			    "\t\"ns_20\" -- \"br_30_br0\" [label=\"eth0 \xe2\x80\x94 vb\"];\n"
			    "}\n");
	free(dot);
}

/* The same scene nested as a tree (-T would nest it): the same graph. */
static void nested_rows_are_the_same_graph(void **state)
{
	(void)state;
	char *flat = dot_of(scene);
	char *nested = dot_of("{\"namespaces\": [{\"ns\": 1, \"type\": \"user\", \"children\": ["
			      " {\"ns\": 30, \"type\": \"net\", \"netmode\": \"host\", \"ifaces\": ["
			      "   {\"name\": \"br0\", \"index\": 4, \"kind\": \"bridge\", \"addresses\": [\"10.9.0.1/24\"]},"
			      "   {\"name\": \"vb\", \"index\": 6, \"kind\": \"veth\", \"master\": \"br0\","
			      "    \"peer\": {\"name\": \"eth0\", \"index\": 2, \"ns\": 20}},"
			      "   {\"name\": \"va\", \"index\": 5, \"kind\": \"veth\", \"master\": \"br0\","
			      "    \"peer\": {\"name\": \"eth0\", \"index\": 2, \"ns\": 10}}],"
			      "  \"children\": ["
			      "   {\"ns\": 20, \"type\": \"net\", \"netns\": \"b\", \"ifaces\": ["
			      "     {\"name\": \"eth0\", \"index\": 2, \"kind\": \"veth\","
			      "      \"peer\": {\"name\": \"vb\", \"index\": 6, \"ns\": 30, \"master\": \"br0\"}}]},"
			      "   {\"ns\": 10, \"type\": \"net\", \"netns\": \"a\","
			      "    \"container\": {\"runtime\": \"podman\", \"id\": \"e38e924327e3aaaabbbb\", \"name\": \"web\"},"
			      "    \"ifaces\": [{\"name\": \"eth0\", \"index\": 2, \"kind\": \"veth\","
			      "      \"addresses\": [\"10.9.0.2/24\"],"
			      "      \"peer\": {\"name\": \"va\", \"index\": 5, \"ns\": 30, \"master\": \"br0\"}}]}]}]}]}");
	assert_string_equal(nested, flat);
	free(flat);
	free(nested);
}

/* --container shows the container's netns only: the host end is drawn
 * dashed, by inode, and the bridge it is on by name; an end with no
 * master ends at its namespace. */
static void far_ends_not_in_the_document(void **state)
{
	(void)state;
	char *dot = dot_of("{\"namespaces\": [{\"ns\": 10, \"type\": \"net\", \"ifaces\": ["
			   " {\"name\": \"eth0\", \"index\": 2, \"kind\": \"veth\", \"addresses\": [],"
			   "  \"peer\": {\"name\": \"veth1\", \"index\": 9, \"ns\": 7, \"master\": \"podman0\"}},"
			   " {\"name\": \"eth1\", \"index\": 3, \"kind\": \"veth\", \"addresses\": [],"
			   "  \"peer\": {\"name\": \"veth2\", \"index\": 11, \"ns\": 7, \"master\": \"podman0\"}},"
			   " {\"name\": \"eth2\", \"index\": 4, \"kind\": \"veth\", \"addresses\": [],"
			   "  \"peer\": {\"name\": null, \"index\": 3, \"ns\": 8, \"master\": null}}]}]}");
	assert_contains(dot, "\tsubgraph \"cluster_ns_7\" {\n\t\tlabel=\"\";\n\t\tstyle=\"rounded,dashed\";\n");
	assert_contains(dot, "\t\t\"ns_7\" [shape=box, style=\"rounded,dashed\", label=\"net 7\"];\n");
	assert_int_equal(count(dot, "\"br_7_podman0\" [shape=ellipse, style=dashed, label=\"bridge podman0\"]"), 1);
	assert_contains(dot, "\t\"ns_8\" [shape=box, style=\"rounded,dashed\", label=\"net 8\"];\n");
	/* Tail first: the end with the lower inode. */
	assert_contains(dot, "\t\"br_7_podman0\" -- \"ns_10\" [label=\"veth1 \xe2\x80\x94 eth0\"];\n");
	assert_contains(dot, "\t\"br_7_podman0\" -- \"ns_10\" [label=\"veth2 \xe2\x80\x94 eth1\"];\n");
	assert_contains(dot, "\t\"ns_8\" -- \"ns_10\" [label=\"? \xe2\x80\x94 eth2\"];\n");
	free(dot);
}

/* A port that is no veth end is a node with an edge to its bridge; a
 * veth enslaved to a bond (no bridge) ends at its namespace, also where
 * the far side's master is not a bridge. */
static void ports_and_masters_that_are_not_bridges(void **state)
{
	(void)state;
	char *dot = dot_of("{\"namespaces\": ["
			   " {\"ns\": 5, \"type\": \"net\", \"ifaces\": ["
			   "  {\"name\": \"br0\", \"index\": 2, \"kind\": \"bridge\", \"addresses\": []},"
			   "  {\"name\": \"dummy0\", \"index\": 3, \"kind\": \"dummy\", \"addresses\": [\"192.0.2.9/32\"],"
			   "   \"master\": \"br0\"},"
			   "  {\"name\": \"bond0\", \"index\": 4, \"kind\": \"bond\", \"addresses\": [\"192.0.2.1/24\"]},"
			   "  {\"name\": \"v0\", \"index\": 6, \"kind\": \"veth\", \"master\": \"bond0\","
			   "   \"peer\": {\"name\": \"p0\", \"index\": 2, \"ns\": 9, \"master\": \"bond1\"}}]},"
			   " {\"ns\": 9, \"type\": \"net\", \"ifaces\": ["
			   "  {\"name\": \"bond1\", \"index\": 7, \"kind\": \"bond\"},"
			   "  {\"name\": \"p0\", \"index\": 2, \"kind\": \"veth\", \"master\": \"bond1\","
			   "   \"peer\": {\"name\": \"v0\", \"index\": 6, \"ns\": 5, \"master\": \"bond0\"}}]}]}");
	assert_contains(dot, "\t\t\"if_5_dummy0\" [shape=plaintext, label=\"dummy0\\n192.0.2.9/32\"];\n");
	assert_contains(dot, "\t\"br_5_br0\" -- \"if_5_dummy0\";\n");
	/* The port's address is on its node, not its namespace's; the bond's is. */
	assert_contains(dot, "label=\"net 5\\nbond0 192.0.2.1/24\"]");
	assert_int_equal(count(dot, " -- "), 2);
	assert_contains(dot, "\t\"ns_5\" -- \"ns_9\" [label=\"v0 \xe2\x80\x94 p0\"];\n");
	free(dot);
}

/* Interface names may hold any byte but '/', ':', NUL and blanks: labels
 * keep them as they are, ids spell them in ASCII, one id per name. */
static void odd_names_are_escaped(void **state)
{
	(void)state;
	char *dot = dot_of("{\"namespaces\": [{\"ns\": 3, \"type\": \"net\", \"netns\": \"n\\\"&\\\\\", \"ifaces\": ["
			   " {\"name\": \"b\\\"r\\\\&\\u0001\", \"index\": 2, \"kind\": \"bridge\", \"addresses\": []},"
			   " {\"name\": \"br_0\", \"index\": 3, \"kind\": \"bridge\", \"addresses\": []},"
			   " {\"name\": \"br\\u00e9\", \"index\": 4, \"kind\": \"bridge\", \"addresses\": []}]}]}");
	/* netns n"&\ */
	assert_contains(dot, "label=\"net 3\\nnetns n\\\"&amp;\\\\\"]");
	/* b"r\&^A: the control byte shown as \x01 (an escaped backslash). */
	assert_contains(dot, "\"br_3_b_22r_5c_26_01\" [shape=ellipse, label=\"bridge b\\\"r\\\\&amp;\\\\x01\"];\n");
	assert_contains(dot, "\"br_3_br_5f0\" [shape=ellipse, label=\"bridge br_0\"];\n");
	assert_contains(dot, "\"br_3_br_c3_a9\" [shape=ellipse, label=\"bridge br\xc3\xa9\"];\n");
	free(dot);

	char id[32];
	assert_int_equal(nsls_graph_node_id("br", 4026532001ULL, "cni-podman0", id, sizeof(id)), 0);
	assert_string_equal(id, "br_4026532001_cni-podman0");
	assert_int_equal(nsls_graph_node_id("ns", 7, NULL, id, sizeof(id)), 0);
	assert_string_equal(id, "ns_7");
	assert_int_equal(nsls_graph_node_id("br", 7, "a b", id, 10), -ERANGE);
	assert_int_equal(nsls_graph_node_id("br", 7, "a b", id, 11), 0);
	assert_string_equal(id, "br_7_a_20b");
}

static void container_labels(void **state)
{
	(void)state;
	char *dot = dot_of(
		"{\"namespaces\": ["
		" {\"ns\": 1, \"type\": \"net\", \"container\": {\"runtime\": \"containerd\", \"id\": \"api-server-1\","
		"  \"namespace\": \"default\"}},"
		" {\"ns\": 2, \"type\": \"net\", \"container\": {\"runtime\": \"kubernetes\","
		"  \"id\": \"0123456789abcdef0123\", \"pod\": \"5b8e1c2a-1111-2222-3333-444455556666\"}},"
		" {\"ns\": 3, \"type\": \"net\", \"container\": {\"runtime\": \"cni\","
		"  \"id\": \"0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\"}},"
		" {\"ns\": 4, \"type\": \"net\", \"container\": {\"runtime\": \"docker\","
		"  \"id\": \"3f2a1b0c9d8e7f6a\", \"monitor\": true}}]}");
	assert_contains(dot, "label=\"net 1\\ncontainerd:default/api-server-1\"");
	assert_contains(dot, "label=\"net 2\\nk8s:5b8e1c2a/0123456789ab\"");
	assert_contains(dot, "label=\"net 3\\ncni:0f1e2d3c\"");
	assert_contains(dot, "label=\"net 4\\ndocker:3f2a1b0c9d8e/monitor\"");
	free(dot);
}

static void refused_documents(void **state)
{
	(void)state;
	char *text = (char *)"untouched";
	size_t len = 0;
	json_t *doc = json_pack("{s:i}", "schema", 1);
	assert_int_equal(nsls_graph_dot(doc, &text, &len), -EINVAL);
	json_decref(doc);
	doc = json_pack("{s:s}", "namespaces", "x");
	assert_int_equal(nsls_graph_dot(doc, &text, &len), -EINVAL);
	json_decref(doc);
	assert_int_equal(nsls_graph_dot(NULL, &text, &len), -EINVAL);

	/* No net rows (or rows without an inode): an empty graph. */
	char *dot = dot_of("{\"namespaces\": [{\"ns\": 1, \"type\": \"pid\"}, {\"type\": \"net\"}, 7]}");
	assert_int_equal(count(dot, "["), 2); /* the node and edge defaults only */
	free(dot);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scene_byte_for_byte),
		cmocka_unit_test(nested_rows_are_the_same_graph),
		cmocka_unit_test(far_ends_not_in_the_document),
		cmocka_unit_test(ports_and_masters_that_are_not_bridges),
		cmocka_unit_test(odd_names_are_escaped),
		cmocka_unit_test(container_labels),
		cmocka_unit_test(refused_documents),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

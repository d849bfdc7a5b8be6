#!/usr/bin/env bats
# Integration tests of nsls --graph (Graphviz DOT) against a real scene: two
# network namespaces whose eth0 are veths to ports of a bridge in a third,
# plus a port that is no veth (an ifb). What the graph must hold is worked
# out from what the kernel says (ip -j link, ip netns list-id, the inodes of
# /run/netns/*), never written down; then dot -Tsvg (Debian's graphviz) must
# draw it, and the SVG must have those nodes and edges. The podman case is
# in containers.bats. Everything made is deleted in teardown.
# Run from the repo root:
#   NSTK_BUILD=build bats tests/bats/nsls_graph.bats
#
# Needs root, iproute2 (veth, bridge, ifb), jq and graphviz (dot).

load helpers
load graph_helpers

setup() {
	[ -x "$NSLS" ] || fail "no nsls at $NSLS: run make (or make SAN=1) first"
	command -v dot >/dev/null || fail "no dot: install graphviz (scripts/install-deps.sh)"
	# Unique per run and test: another run (or suite) may be going on too.
	G_TAG="gr$$x$BATS_TEST_NUMBER"
}

teardown() {
	nstk_cleanup
}

# A netns named $G_TAG-SUFFIX, deleted in teardown.
g_netns_add() {
	NSTK_NETNS+=("$G_TAG-$1")
	ip netns add "$G_TAG-$1"
}

# The scene: A ($G_TAG-a) and B ($G_TAG-b) each with eth0 10.77.0.2,3/24, a
# veth whose other end (va, vb) is a port of br0 (10.77.0.1/24) in S
# ($G_TAG-s); S's br0 also has p0, an ifb. Inodes in A, B, S.
g_scene() {
	local x
	for x in a b s; do
		g_netns_add "$x"
	done
	S="$G_TAG-s"
	ip -n "$S" link add br0 type bridge
	ip -n "$S" addr add 10.77.0.1/24 dev br0
	ip -n "$S" link add p0 type ifb
	ip -n "$S" link set p0 master br0
	for x in a b; do
		ip -n "$S" link add "v$x" type veth peer name eth0 netns "$G_TAG-$x"
		ip -n "$S" link set "v$x" master br0
		ip -n "$S" link set "v$x" up
		ip -n "$G_TAG-$x" link set eth0 up
	done
	ip -n "$G_TAG-a" addr add 10.77.0.2/24 dev eth0
	ip -n "$G_TAG-b" addr add 10.77.0.3/24 dev eth0
	ip -n "$S" link set br0 up
	A=$(nstk_netns_inode "$G_TAG-a")
	B=$(nstk_netns_inode "$G_TAG-b")
	S_INO=$(nstk_netns_inode "$S")
}

# The lines of $output that name one of our namespaces' nodes.
g_ours() {
	grep -E "\"(ns|br|if)_($A|$B|$S_INO)(_[^\"]*)?\"" <<<"$output" || true
}

@test "--graph: a node per namespace (the kernel's inodes), the bridge in its namespace's cluster, each veth pair once, the port" {
	g_scene
	nsls_run --graph
	assert_success
	[ -z "$stderr" ] || fail "stderr: $stderr"
	[[ "${lines[0]}" == 'graph "nsls" {' ]] || fail "first line: ${lines[0]}"
	assert_equal "${lines[-1]}" "}"

	# A and B: a box each with its ip netns name and eth0's address.
	assert_output --partial "	\"ns_$A\" [shape=box, style=rounded, label=\"net $A\\nnetns $G_TAG-a\\neth0 $(g_addrs "$G_TAG-a" eth0)\"];"
	assert_output --partial "	\"ns_$B\" [shape=box, style=rounded, label=\"net $B\\nnetns $G_TAG-b\\neth0 $(g_addrs "$G_TAG-b" eth0)\"];"
	# S's box, its bridge and its ifb port, in S's cluster: the lines
	# between its subgraph line and the cluster's closing brace.
	local cluster
	cluster="$(sed -n "/^	subgraph \"cluster_ns_$S_INO\" {\$/,/^	}\$/p" <<<"$output")"
	[ -n "$cluster" ] || fail "no cluster for S ($S_INO): $output"
	grep -qxF "		\"ns_$S_INO\" [shape=box, style=rounded, label=\"net $S_INO\\nnetns $S\"];" <<<"$cluster" ||
		fail "S's node is not in its cluster: $cluster"
	grep -qxF "		\"br_${S_INO}_br0\" [shape=ellipse, label=\"bridge br0\\n$(g_addrs "$S" br0)\"];" <<<"$cluster" ||
		fail "br0 is not in S's cluster: $cluster"
	grep -qxF "		\"if_${S_INO}_p0\" [shape=plaintext, label=\"p0\"];" <<<"$cluster" ||
		fail "p0 is not in S's cluster: $cluster"

	# Each veth pair once, though nsls saw it from both ends, as the kernel
	# links them: A's and B's eth0 to br0, where va and vb are ports.
	local ea eb
	ea="$(g_veth_edge "$G_TAG-a" eth0)"
	eb="$(g_veth_edge "$G_TAG-b" eth0)"
	[[ "$ea" == *"\"br_${S_INO}_br0\""* && "$ea" == *"\"ns_$A\""* ]] || fail "the kernel says: $ea"
	assert_equal "$(grep -cxF "$ea" <<<"$output")" 1
	assert_equal "$(grep -cxF "$eb" <<<"$output")" 1
	assert_equal "$(grep -cxF "	\"br_${S_INO}_br0\" -- \"if_${S_INO}_p0\";" <<<"$output")" 1
	# Our namespaces' lines: 3 nodes, the bridge, the port, 3 edges, nothing else.
	assert_equal "$(g_ours | grep -c -- ' -- ')" 3
	assert_equal "$(g_ours | wc -l)" 8

	# dot draws it: every node and edge is in the SVG, with its labels.
	g_svg
	local t
	for t in "ns_$A" "ns_$B" "ns_$S_INO" "br_${S_INO}_br0" "if_${S_INO}_p0" "cluster_ns_$S_INO" \
		"br_${S_INO}_br0--if_${S_INO}_p0"; do
		grep -qxF "$t" <<<"$G_TITLES" || fail "no <title>$t</title> in the SVG: $G_TITLES"
	done
	for t in "$ea" "$eb"; do
		[[ "$t" =~ \"([^\"]+)\"\ --\ \"([^\"]+)\"\ \[label=\"(.*)\"\]\; ]] || fail "edge line: $t"
		grep -qxF "${BASH_REMATCH[1]}--${BASH_REMATCH[2]}" <<<"$G_TITLES" ||
			fail "no edge ${BASH_REMATCH[1]}--${BASH_REMATCH[2]} in the SVG: $G_TITLES"
		assert_equal "$(g_svg_edge_text "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}")" "${BASH_REMATCH[3]}"
	done
	for t in "net $A" "netns $G_TAG-a" "eth0 $(g_addrs "$G_TAG-a" eth0)" "bridge br0" "$(g_addrs "$S" br0)" p0; do
		grep -qxF "$t" <<<"$G_TEXTS" || fail "'$t' is not drawn: $G_TEXTS"
	done
}

@test "--graph with -Q or an inode draws only those rows; a veth's far end is drawn dashed, by inode and bridge" {
	g_scene
	local ea
	ea="$(g_veth_edge "$G_TAG-a" eth0)"
	nsls_run --graph -Q "NETNS == \"$G_TAG-a\""
	assert_success
	local q="$output"
	assert_output --partial "	\"ns_$A\" [shape=box, style=rounded, label=\"net $A\\nnetns $G_TAG-a\\neth0 $(g_addrs "$G_TAG-a" eth0)\"];"
	# S is not a row: its node says only its inode; br0 by name; both dashed.
	assert_output --partial "	subgraph \"cluster_ns_$S_INO\" {"
	assert_output --partial "		\"ns_$S_INO\" [shape=box, style=\"rounded,dashed\", label=\"net $S_INO\"];"
	assert_output --partial "		\"br_${S_INO}_br0\" [shape=ellipse, style=dashed, label=\"bridge br0\"];"
	assert_equal "$(grep -cxF "$ea" <<<"$output")" 1
	# B, vb and the port p0 are nowhere.
	refute_output --partial "$B"
	refute_output --partial "p0"
	assert_equal "$(g_ours | wc -l)" 4
	# Only net rows: the host's and the others' nodes are not there either.
	assert_equal "$(grep -c 'shape=box' <<<"$output")" 2

	# The namespace as an argument is the same graph; so is -t net.
	nsls_run --graph "$A"
	assert_success
	assert_equal "$output" "$q"
	nsls_run --graph=dot -t net -Q "NS == $A"
	assert_success
	assert_equal "$output" "$q"
	nsls_run --graph dot "$A"
	assert_success
	assert_equal "$output" "$q"

	g_svg
	grep -qxF "ns_$S_INO" <<<"$G_TITLES" || fail "no node for S in the SVG"
	# A filter that matches nothing: an empty graph, and dot takes it.
	nsls_run --graph -Q "NS == 1"
	assert_success
	assert_equal "$(grep -c -- ' -- ' <<<"$output")" 0
	g_svg
}

@test "--graph: an interface name with a quote, a backslash and & is escaped; dot draws it as the kernel has it" {
	g_netns_add s
	local name='q"&\x' ino
	ip -n "$G_TAG-s" link add "$name" type bridge
	# The kernel has it so: ip -j says the very bytes.
	assert_equal "$(ip -n "$G_TAG-s" -j link show | jq -r '.[].ifname' | grep -cxF "$name")" 1
	ino=$(nstk_netns_inode "$G_TAG-s")
	nsls_run --graph "$ino"
	assert_success
	# The id spells the bytes in ASCII; the label keeps them, DOT-escaped.
	assert_output --partial "		\"br_${ino}_q_22_26_5cx\" [shape=ellipse, label=\"bridge q\\\"&amp;\\\\x\"];"
	g_svg
	grep -qxF "br_${ino}_q_22_26_5cx" <<<"$G_TITLES" || fail "no node for the bridge in the SVG: $G_TITLES"
	assert_equal "$(grep '^bridge ' <<<"$G_TEXTS")" "bridge $name"
}

@test "--graph: a format but dot, the output options and another -t are usage errors" {
	nsls_assert_usage_with "unknown graph format: 'svg' (dot)" --graph=svg
	nsls_assert_usage_with "unknown graph format: 'png' (dot)" --graph png
	nsls_assert_usage_with "--graph and --json are mutually exclusive" --graph -J
	nsls_assert_usage_with "--graph and --json are mutually exclusive" --json --graph
	nsls_assert_usage_with "--graph and --raw are mutually exclusive" --graph -r
	nsls_assert_usage_with "--graph and --tree are mutually exclusive" --graph -T owner
	nsls_assert_usage_with "--graph and --output are mutually exclusive" --graph -o NS
	nsls_assert_usage_with "--graph and --list are mutually exclusive" -l --graph
	nsls_assert_usage_with "--graph and --prometheus are mutually exclusive" --prometheus --graph
	nsls_assert_usage_with "--graph draws network namespaces only: -t net or no -t" --graph -t pid
	nsls_assert_usage_with "--graph draws network namespaces only: -t net or no -t" --graph -t net -t uts
	nsls_run --graph -t net -Q 'NS == 1'
	assert_success
}

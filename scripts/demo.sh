#!/usr/bin/env bash
# demo.sh — what `make demo` shows: a small scene of namespaces built for the
# occasion (two `ip netns`, each with a veth pair to a port of a bridge in
# the host; a process in new user, uts, pid and mount namespaces), nsls's
# views of it, then the scene taken down again, whatever happens.
# NSTK_DEMO_SVG=FILE also draws the network with nsls --graph | dot -Tsvg
# into FILE (README's picture, docs/demo-net.svg).
set -euo pipefail
cd "$(dirname "$0")/.."
NSLS="${NSTK_BUILD:-build}/nsls"
name="nstk-demo-$$"
name2="nstk-demo-$$-2"
bridge="nstkd$$b"
veth_host="nstkd$$h"
veth_host2="nstkd$$i"
pgid=""

cleanup() {
	if [ -n "$pgid" ]; then
		kill -KILL -- "-$pgid" 2>/dev/null || true
		wait "$pgid" 2>/dev/null || true
	fi
	ip link del "$veth_host" 2>/dev/null || true
	ip link del "$veth_host2" 2>/dev/null || true
	ip link del "$bridge" 2>/dev/null || true
	ip netns del "$name" 2>/dev/null || true
	ip netns del "$name2" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

ip link add "$bridge" type bridge
ip addr add 10.213.0.1/24 dev "$bridge"
ip link set "$bridge" up
i=2
for pair in "$name:$veth_host" "$name2:$veth_host2"; do
	ns=${pair%%:*} host_end=${pair#*:}
	ip netns add "$ns"
	ip link add "$host_end" type veth peer name eth0 netns "$ns"
	ip link set "$host_end" master "$bridge"
	ip link set "$host_end" up
	ip -n "$ns" addr add "10.213.0.$i/24" dev eth0
	ip -n "$ns" link set eth0 up
	i=$((i + 1))
done
setsid unshare --user --map-root-user --uts --pid --fork --mount --mount-proc \
	sh -c 'hostname nstk-demo; exec sleep 600' </dev/null >/dev/null 2>&1 &
pgid=$!
sleep 0.3

run() {
	echo "\$ nsls $*"
	"$NSLS" "$@" 2>&1
	echo
}
run --tree
run -t net -o NS,NETNS,NPROCS,IFACES
run -t uts -o NS,HOSTNAME,NPROCS,PID,COMMAND
# The demo's network namespaces and the host's, as Graphviz DOT.
graph_filter="NETNS =~ \"^nstk-demo-$$\" || NETMODE == \"host\""
run --graph -Q "$graph_filter"
if [ -n "${NSTK_DEMO_SVG:-}" ]; then
	"$NSLS" --graph -Q "$graph_filter" | dot -Tsvg >"$NSTK_DEMO_SVG"
	echo "(drawn into $NSTK_DEMO_SVG)"
	echo
fi
userns=$(stat -L -c %i "/proc/$pgid/ns/user")
run -J -o NS,TYPE,NPROCS,PID,OWNERUID,UIDMAP,HOLDERS "$userns"

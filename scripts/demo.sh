#!/usr/bin/env bash
# demo.sh — what `make demo` shows: a small scene of namespaces built for the
# occasion (an `ip netns` with a veth pair to the host, a process in new
# user, uts, pid and mount namespaces), nsls's views of it, then the scene
# taken down again, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
NSLS="${NSTK_BUILD:-build}/nsls"
name="nstk-demo-$$"
veth_host="nstkd$$h"
veth_ns="nstkd$$n"
pgid=""

cleanup() {
	if [ -n "$pgid" ]; then
		kill -KILL -- "-$pgid" 2>/dev/null || true
		wait "$pgid" 2>/dev/null || true
	fi
	ip link del "$veth_host" 2>/dev/null || true
	ip netns del "$name" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

ip netns add "$name"
ip link add "$veth_host" type veth peer name "$veth_ns" netns "$name"
ip addr add 10.213.0.1/30 dev "$veth_host"
ip link set "$veth_host" up
ip -n "$name" addr add 10.213.0.2/30 dev "$veth_ns"
ip -n "$name" link set "$veth_ns" up
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
userns=$(stat -L -c %i "/proc/$pgid/ns/user")
run -J -o NS,TYPE,NPROCS,PID,OWNERUID,UIDMAP,HOLDERS "$userns"

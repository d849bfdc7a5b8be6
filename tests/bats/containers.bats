#!/usr/bin/env bats
# containers.bats — nsls, nsenter-lite and cgtop against containers started by
# real runtimes: podman 4 (runc, cgroupfs manager), runc with an OCI bundle,
# containerd's ctr. One container per runtime for the whole file
# (setup_file); every claim is checked against what the runtime itself
# reports (podman inspect, runc state, ctr task ls) and the kernel.

load helpers
load containers_helpers
load graph_helpers

setup_file() {
	ctr_setup_all
}

teardown_file() {
	ctr_teardown_all
}

# A test's own podman containers ($CTR_PODMAN-<what>) go when it ends, also
# when it fails: one left running would hold the shared container's
# namespaces for the tests after it.
teardown() {
	[ -e "${CTR_DIR:-}/podman/containers.conf" ] || return 0
	local extra
	extra=$(ctr_podman ps -a --format '{{.Names}}' 2>/dev/null | grep "^$CTR_PODMAN-") || return 0
	# shellcheck disable=SC2086 # one name per word
	ctr_podman rm -f -t 0 $extra >/dev/null 2>&1 || true
}

# Facts about the podman container, from podman.
podman_facts() {
	ctr_need podman
	local f
	f="$(ctr_podman inspect -f '{{.Id}} {{.State.Pid}} {{.State.ConmonPid}} {{.State.CgroupPath}} {{.NetworkSettings.IPAddress}} {{.NetworkSettings.IPPrefixLen}}' "$CTR_PODMAN")"
	read -r POD_ID POD_PID POD_CONMON POD_CGROUP POD_IP POD_PREFIX <<<"$f"
	[ -n "$POD_PID" ] && [ "$POD_PID" -gt 0 ] || fail "podman inspect: no PID for $CTR_PODMAN: $f"
	# The bridge of podman's default network, as this podman's network
	# backend names it: cni-podman0 with CNI (containernetworking-plugins,
	# what install-deps.sh installs), podman0 with netavark.
	POD_BACKEND="$(ctr_podman info -f '{{.Host.NetworkBackend}}')"
	POD_BRIDGE="$(ctr_podman network inspect podman -f '{{.NetworkInterface}}')"
	[ -n "$POD_BRIDGE" ] && ip link show "$POD_BRIDGE" >/dev/null ||
		fail "podman ($POD_BACKEND) names the bridge '$POD_BRIDGE', and the host has no such link"
}

runc_facts() {
	ctr_need runc
	RUNC_PID="$(ctr_runc state "$CTR_RUNC" | jq -r 'select(.status == "running") | .pid')"
	[ -n "$RUNC_PID" ] && [ "$RUNC_PID" -gt 0 ] || fail "runc state: $CTR_RUNC is not running"
}

ctrd_facts() {
	ctr_need containerd
	CTRD_PID="$(ctr_ctr task ls | awk -v id="$CTR_CTRD" '$1 == id && $3 == "RUNNING" { print $2 }')"
	[ -n "$CTRD_PID" ] && [ "$CTRD_PID" -gt 0 ] || fail "ctr task ls: $CTR_CTRD is not running"
}

# The "kind:inode" set of the namespaces nsls names ARGS's container in
# (CONTAINER column, JSON), and that --container shows, must both be exactly
# the namespaces PID holds apart from the host's, labelled LABEL.
assert_container_rows() {
	local pid="$1" label="$2" id="$3" prefix="$4" want got
	want="$(ctr_ns_set "$pid")"
	[ -n "$want" ] || fail "PID $pid holds no namespace of its own"

	got="$(ctr_nsls_set --container "$prefix")"
	assert_equal "$got" "$want"
	# Every row it shows names the container, in the table and in JSON.
	nsls_json --container "$prefix" -o NS,TYPE,PID,CONTAINER
	assert_equal "$(jqn '[.namespaces[].container.id] | unique | join(" ")')" "$id"
	nsls_run --container "$prefix" -l -n -o CONTAINER
	assert_success
	assert_equal "$(sort -u <<<"$output")" "$label"

	# In the whole listing, the rows labelled so are exactly these.
	nsls_json -l -o NS,TYPE,CONTAINER
	got="$(jqn '.namespaces[] | select(.container.id? == $id) | "\(.type):\(.ns)"' --arg id "$id" | sort)"
	assert_equal "$got" "$want"
}

@test "podman: CONTAINER and --container name exactly the container's own namespaces" {
	podman_facts
	assert_container_rows "$POD_PID" "podman:${POD_ID:0:12}" "$POD_ID" "${POD_ID:0:12}"
	# Any prefix and the whole id work; the rows' runtime is podman's.
	assert_equal "$(ctr_nsls_set --container "${POD_ID:0:3}")" "$(ctr_ns_set "$POD_PID")"
	assert_equal "$(ctr_nsls_set --container "$POD_ID")" "$(ctr_ns_set "$POD_PID")"
	nsls_json --container "$POD_ID" -o NS,CONTAINER
	assert_equal "$(jqn '[.namespaces[].container.runtime] | unique | join(" ")')" podman
	# The cgroup podman reports is the one nsls read the id from.
	assert_equal "$POD_CGROUP" "/libpod_parent/libpod-$POD_ID"
	nsls_assert_failure_with "nsls: no container matches 'nstk-no-such-container'" --container nstk-no-such-container
}

@test "podman: every process of the container holds rows named after it" {
	podman_facts
	ctr_podman exec -d "$CTR_PODMAN" /bin/sleep 600
	local second="" p i
	for ((i = 0; i < 50; i++)); do
		for p in $(cat "/sys/fs/cgroup/pids$POD_CGROUP/cgroup.procs"); do
			[ "$p" != "$POD_PID" ] && second="$p"
		done
		[ -n "$second" ] && break
		sleep 0.1
	done
	[ -n "$second" ] || fail "podman exec started nothing in $POD_CGROUP"
	assert_equal "$(ctr_ns_set "$second")" "$(ctr_ns_set "$POD_PID")"
	nsls_json --container "${POD_ID:0:12}" -o NS,TYPE,NPROCS,CONTAINER
	kill -KILL "$second"
	# Both processes are counted on each of the container's rows.
	assert_equal "$(jqn '[.namespaces[].nprocs] | unique | join(" ")')" 2
}

@test "podman: the net row shows the address, the host veth peer and podman's bridge (CNI or netavark)" {
	podman_facts
	local host_ino peer_index peer_name peer_master
	host_ino="$(nstk_ns_ino $$ net)"
	# The kernel's answer: eth0's link index inside is the host veth's index.
	peer_index="$(nsenter -t "$POD_PID" -n ip -j link show eth0 | jq -r '.[0].link_index')"
	peer_name="$(ip -j link show | jq -r --argjson i "$peer_index" '.[] | select(.ifindex == $i) | .ifname')"
	peer_master="$(ip -j link show "$peer_name" | jq -r '.[0].master')"
	assert_equal "$peer_master" "$POD_BRIDGE"

	nsls_json -p "$POD_PID" -t net -o NS,IFACES,CONTAINER
	assert_equal "$(jqn '.namespaces | length')" 1
	assert_equal "$(jqn '.namespaces[0].container.id')" "$POD_ID"
	assert_equal "$(jqn '.namespaces[0].ifaces[] | select(.name == "eth0") | .addresses | index($a) != null' --arg a "$POD_IP/$POD_PREFIX")" true
	assert_equal "$(jqn '.namespaces[0].ifaces[] | select(.name == "eth0") | "\(.kind) \(.peer.name) \(.peer.index) \(.peer.ns) \(.peer.master)"')" \
		"veth $peer_name $peer_index $host_ino $POD_BRIDGE"
	# The table says the same in one cell.
	nsls_run -p "$POD_PID" -t net -n -u -o IFACES
	assert_success
	assert_output --partial "eth0 $POD_IP/$POD_PREFIX"
	assert_output --partial "peer $peer_name@$host_ino on $POD_BRIDGE"
	# And the host's row shows the other end on the bridge.
	nsls_run -p $$ -t net -n -u -o IFACES
	assert_output --partial "$peer_name"
	assert_output --regexp "$peer_name [^;]*master $POD_BRIDGE peer eth0@$(nstk_ns_ino "$POD_PID" net)"
}

@test "podman: nsls --graph draws the container's netns joined by its veth to podman's bridge in the host; dot draws it" {
	podman_facts
	command -v dot >/dev/null || fail "no dot: install graphviz (scripts/install-deps.sh)"
	local c host edge netns label cluster
	c="$(nstk_ns_ino "$POD_PID" net)"
	host="$(nstk_ns_ino $$ net)"
	# The kernel's answer: eth0's peer is a port of podman's bridge in the host.
	edge="$(g_veth_edge "pid:$POD_PID" eth0)"
	[[ "$edge" == *"\"br_${host}_$POD_BRIDGE\""* && "$edge" == *"\"ns_$c\""* ]] || fail "the kernel says: $edge"
	# The container's box: inode, the netns pin podman made (if any), the
	# container as CONTAINER labels it with podman's name, eth0's addresses.
	netns="$(g_netns_name "$c")"
	label="net $c${netns:+\\nnetns $netns}\\npodman:${POD_ID:0:12} ($CTR_PODMAN)\\neth0 $(g_addrs "pid:$POD_PID" eth0)"
	[[ "$label" == *"$POD_IP/$POD_PREFIX"* ]] || fail "podman's address $POD_IP/$POD_PREFIX is not eth0's: $label"

	nsls_run --graph -Q "NS == $c || NS == $host"
	assert_success
	assert_output --partial "	\"ns_$c\" [shape=box, style=rounded, label=\"$label\"];"
	# podman's bridge in the host's cluster, with the address it has there.
	cluster="$(sed -n "/^	subgraph \"cluster_ns_$host\" {\$/,/^	}\$/p" <<<"$output")"
	grep -qxF "		\"br_${host}_$POD_BRIDGE\" [shape=ellipse, label=\"bridge $POD_BRIDGE\\n$(g_addrs "" "$POD_BRIDGE")\"];" \
		<<<"$cluster" || fail "no $POD_BRIDGE in the host's cluster: $output"
	grep -qF "		\"ns_$host\" [shape=box, style=rounded, label=\"net $host (host)" <<<"$cluster" ||
		fail "the host's box is not in its cluster, or not (host): $cluster"
	assert_equal "$(grep -cxF "$edge" <<<"$output")" 1
	g_svg
	local t
	for t in "ns_$c" "ns_$host" "br_${host}_$POD_BRIDGE" "cluster_ns_$host"; do
		grep -qxF "$t" <<<"$G_TITLES" || fail "no <title>$t</title> in the SVG: $G_TITLES"
	done
	[[ "$edge" =~ \"([^\"]+)\"\ --\ \"([^\"]+)\"\ \[label=\"(.*)\"\]\; ]] || fail "edge line: $edge"
	grep -qxF "${BASH_REMATCH[1]}--${BASH_REMATCH[2]}" <<<"$G_TITLES" || fail "no edge in the SVG: $G_TITLES"
	assert_equal "$(g_svg_edge_text "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}")" "${BASH_REMATCH[3]}"
	grep -qxF "podman:${POD_ID:0:12} ($CTR_PODMAN)" <<<"$G_TEXTS" || fail "the container is not drawn: $G_TEXTS"

	# --container: only the container's netns is a row; the host end is
	# drawn dashed, by inode, and the bridge by name; the same edge.
	nsls_run --graph --container "$CTR_PODMAN"
	assert_success
	assert_output --partial "	\"ns_$c\" [shape=box, style=rounded, label=\"$label\"];"
	assert_output --partial "		\"ns_$host\" [shape=box, style=\"rounded,dashed\", label=\"net $host\"];"
	assert_output --partial "		\"br_${host}_$POD_BRIDGE\" [shape=ellipse, style=dashed, label=\"bridge $POD_BRIDGE\"];"
	assert_equal "$(grep -cxF "$edge" <<<"$output")" 1
	assert_equal "$(grep -c 'shape=box' <<<"$output")" 2
	g_svg
}

netmode_of() {
	nsls_json -p "$1" -t net -o NS,NETMODE
	jqn '.namespaces[0].netmode'
}

@test "podman: NETMODE says bridge, none, host and container:<id> as podman set them up" {
	podman_facts
	local c id
	for c in none host; do
		ctr_podman run -d --name "$CTR_PODMAN-$c" --network "$c" --rootfs "$CTR_DIR/podman/rootfs" /bin/sleep 600
		ctr_podman_record "$CTR_PODMAN-$c"
	done
	ctr_podman run -d --name "$CTR_PODMAN-joined" --network "container:$CTR_PODMAN" \
		--rootfs "$CTR_DIR/podman/rootfs" /bin/sleep 600
	ctr_podman_record "$CTR_PODMAN-joined"

	assert_equal "$(netmode_of "$POD_PID")" "bridge:$POD_BRIDGE"
	assert_equal "$(netmode_of "$(ctr_podman inspect -f '{{.State.Pid}}' "$CTR_PODMAN-none")")" none
	assert_equal "$(netmode_of "$(ctr_podman inspect -f '{{.State.Pid}}' "$CTR_PODMAN-host")")" host
	# The joined container shares the first one's netns: the kernel agrees.
	local joined
	joined="$(ctr_podman inspect -f '{{.State.Pid}}' "$CTR_PODMAN-joined")"
	assert_equal "$(nstk_ns_ino "$joined" net)" "$(nstk_ns_ino "$POD_PID" net)"
	id="$(netmode_of "$joined")"
	[[ "$id" == container:* ]] || fail "NETMODE of the joined container is '$id'"
	[[ "$POD_ID" == "${id#container:}"* ]] || fail "NETMODE '$id' does not name $POD_ID"
	local pids
	pids="$(ctr_podman inspect -f '{{.State.Pid}}' "$CTR_PODMAN-none" "$CTR_PODMAN-host") $joined"
	ctr_podman rm -f -t 0 "$CTR_PODMAN-none" "$CTR_PODMAN-host" "$CTR_PODMAN-joined" >/dev/null
	# Gone before the next test: a joined sleep left behind would hold the
	# shared net namespace (the lowest PID after a PID wrap names its row).
	local p
	for p in $pids; do
		_ctr_poll sh -c "[ ! -e /proc/$p ] || [ \"\$(awk '{ print \$3 }' /proc/$p/stat 2>/dev/null)\" = Z ]" ||
			fail "PID $p of a removed container is still running"
	done
}

@test "podman: nsenter-lite --container -n ip -o addr shows the container's address" {
	podman_facts
	run --separate-stderr "$NSENTER_LITE" --container "${POD_ID:0:12}" -n ip -o addr
	assert_success
	assert_output --regexp "eth0 +inet $POD_IP/$POD_PREFIX "
	# The same as the kernel shows through util-linux nsenter.
	assert_equal "$(grep -o 'inet [^ ]*' <<<"$output" | sort)" \
		"$(nsenter -t "$POD_PID" -n ip -o addr | grep -o 'inet [^ ]*' | sort)"
}

# The namespaces a shell run by CMD... sees as its own, "kind:inode" sorted.
ns_seen_by() {
	"$@" /bin/sh -c 'for k in cgroup ipc mnt net pid time user uts; do echo "$k:$(readlink /proc/self/ns/$k)"; done' |
		sed 's/:[a-z]*:\[\([0-9]*\)\]$/:\1/' | sort
}

ns_of_pid() {
	local k
	for k in "${NSTK_KINDS[@]}"; do
		echo "$k:$(nstk_ns_ino "$1" "$k")"
	done | sort
}

@test "podman: nsenter-lite --container -a lands in exactly the container's namespaces" {
	podman_facts
	local want inside
	want="$(ns_of_pid "$POD_PID")"
	inside="$(ns_seen_by ctr_podman exec "$CTR_PODMAN")"
	assert_equal "$inside" "$want"
	assert_equal "$(ns_seen_by "$NSENTER_LITE" --container "${POD_ID:0:12}" -a)" "$want"
	run --separate-stderr "$NSENTER_LITE" --container "${POD_ID:0:12}" -a --dry-run -J true
	assert_success
	assert_equal "$(jq -r '"\(.target.pid) \(.target.container)"' <<<"$output")" "$POD_PID podman:${POD_ID:0:12}"
	# -t PID of the container's process names the container too.
	run --separate-stderr "$NSENTER_LITE" -t "$POD_PID" -a --dry-run -J true
	assert_success
	assert_equal "$(jq -r '"\(.target.pid) \(.target.container)"' <<<"$output")" "$POD_PID podman:${POD_ID:0:12}"
	# And a host process none.
	run --separate-stderr "$NSENTER_LITE" -t $$ -a --dry-run -J true
	assert_success
	assert_equal "$(jq -r '.target.container' <<<"$output")" null
}

# One cgtop JSON sample (the last of N) of the cgroup at PATH.
cgtop_json() {
	local path="$1" n="$2"
	run --separate-stderr "$CGTOP" -J -n "$n" -d 0.5 --depth 0 "$path"
	assert_success
	CG_JSON="$(tail -n 1 <<<"$output" | jq -c --arg p "$path" '.cgroups[] | select(.path == $p)')"
	[ -n "$CG_JSON" ] || fail "cgtop has no row for $path: $output"
}

cg() {
	jq -r "$@" <<<"$CG_JSON"
}

# The row of cgroup PATH shows LABEL and 0.5 cores, 64 MiB, as the kernel has them.
assert_limits_row() {
	local path="$1" label="$2"
	assert_equal "$(cat "/sys/fs/cgroup/cpu$path/cpu.cfs_quota_us") $(cat "/sys/fs/cgroup/cpu$path/cpu.cfs_period_us")" "50000 100000"
	assert_equal "$(cat "/sys/fs/cgroup/memory$path/memory.limit_in_bytes")" 67108864
	cgtop_json "$path" 1
	assert_equal "$(cg '.container.label')" "$label"
	assert_equal "$(cg '"\(.cpu.limit_cores) \(.cpu.quota_usec) \(.cpu.period_usec) \(.memory.max)"')" "0.5 50000 100000 67108864"
	assert_equal "$(cg '"\(.cpu.effective.from) \(.memory.effective.from)"')" "$path $path"
	run --separate-stderr "$CGTOP" -b -n 1 --depth 0 "$path"
	assert_success
	assert_line --regexp "^$path +$label +1 .* 0\.50 .* 64\.0M "
}

@test "podman: cgtop shows the container's row with the limits podman set" {
	podman_facts
	assert_limits_row "$POD_CGROUP" "podman:${POD_ID:0:12}"
	assert_equal "$(cg '.container.id')" "$POD_ID"
	assert_equal "$(cg '.pids.max')" "$(cat "/sys/fs/cgroup/pids$POD_CGROUP/pids.max")"
}

@test "podman: cgtop shows a hog from podman exec throttled at 0.5 cores, its memory share, and --check finds it" {
	podman_facts
	local before after hog="" p i usage thr
	ctr_podman exec -d "$CTR_PODMAN" /bin/sh -c 'while :; do :; done'
	for ((i = 0; i < 50; i++)); do
		for p in $(cat "/sys/fs/cgroup/cpu$POD_CGROUP/cgroup.procs"); do
			[ "$p" != "$POD_PID" ] && [ "$(cat "/proc/$p/comm" 2>/dev/null)" = sh ] && hog="$p"
		done
		[ -n "$hog" ] && break
		sleep 0.1
	done
	[ -n "$hog" ] || fail "no hog in $POD_CGROUP"
	echo "$hog" >>"$CTR_DIR/podman/pids"

	# Throttling needs a few periods of a busy hog: poll, up to about 10 s.
	before="$(awk '$1 == "nr_throttled" { print $2 }' "/sys/fs/cgroup/cpu$POD_CGROUP/cpu.stat")"
	for ((i = 0; i < 10; i++)); do
		cgtop_json "$POD_CGROUP" 2
		thr="$(cg '.cpu.throttled_pct')"
		awk -v t="$thr" 'BEGIN { exit !(t > 10) }' && break
	done
	after="$(awk '$1 == "nr_throttled" { print $2 }' "/sys/fs/cgroup/cpu$POD_CGROUP/cpu.stat")"
	usage="$(cg '.cpu.usage_pct')"
	echo "# hog: usage $usage %, throttled $thr % of periods" >&3
	# The quota caps it at 50 % of a CPU (loose: timing on a shared machine);
	# the kernel counted throttled periods, and cgtop's count is among them.
	awk -v u="$usage" 'BEGIN { exit !(u > 5 && u < 65) }' || fail "usage $usage % outside 5..65"
	awk -v t="$thr" 'BEGIN { exit !(t > 10) }' || fail "throttled $thr % of periods"
	[ "$after" -gt "$before" ] || fail "the kernel counted no throttling ($before -> $after)"
	local n
	n="$(cg '.cpu.nr_throttled')"
	[ "$n" -ge "$before" ] && [ "$n" -le "$after" ] || fail "cgtop nr_throttled $n not in $before..$after"
	# Memory share: working set over the 64 MiB limit, as a percentage.
	awk -v w="$(cg '.memory.working_set')" -v p="$(cg '.memory.pct_of_max')" \
		'BEGIN { want = w * 100 / 67108864; exit !(p > 0 && p < 100 && p - want < 0.01 && want - p < 0.01) }' ||
		fail "memory.pct_of_max $(cg '.memory.pct_of_max') is not working_set $(cg '.memory.working_set') / 64 MiB"

	run --separate-stderr "$CGTOP" -J -d 0.5 --check "cpu.throttled_pct > 5 && container == \"podman:${POD_ID:0:12}\""
	[ "$status" -eq 3 ] || fail "--check exited $status: $stderr"
	assert_equal "$(jq -r '.cgroups[].path' <<<"$output")" "$POD_CGROUP"
	run --separate-stderr "$CGTOP" -d 0.5 --check "cpu.limit_cores > 0.5 && container == \"podman:${POD_ID:0:12}\""
	assert_success
	assert_output ""

	kill -KILL "$hog"
}

# The container's rows of kind KIND hang under the host's row through the
# one process PARENT (conmon, the shim): JSON via, and a process row in the
# table right above the row, as the kernel's PPid says.
assert_via() {
	local pid="$1" parent="$2" comm="$3" kind ino host
	assert_equal "$(awk '/^PPid:/ { print $2 }' "/proc/$pid/status")" "$parent"
	assert_equal "$(cat "/proc/$parent/comm")" "$comm"
	nsls_json -T process -o NS,TYPE,PID,PPID,COMMAND
	for kind in $(ctr_ns_set "$pid" | cut -d: -f1); do
		[ "$kind" = user ] && continue
		ino=$(nstk_ns_ino "$pid" "$kind")
		host=$(nstk_ns_ino $$ "$kind")
		assert_equal "$(jqn 'node($k; $n) | "\(.pid) \(.ppid) \([.via[]?.pid] | join(","))"' --arg k "$kind" --argjson n "$ino")" \
			"$pid $parent $parent"
		# comm is cut to 15 bytes ("containerd-shim" of containerd-shim-runc-v2).
		assert_equal "$(jqn 'node($k; $n) | .via[0].command | split(" ")[0] | split("/")[-1] | startswith($c)' \
			--arg k "$kind" --argjson n "$ino" --arg c "$comm")" true
		assert_equal "$(jqn 'node($k; $h) | [.children[]?.ns] | index($n) != null' --arg k "$kind" \
			--argjson h "$host" --argjson n "$ino")" true
	done
	# The table: the runtime's process row, then the container's row under it.
	nsls_run -T process -u -t pid -o NS,TYPE,PID,PPID,COMMAND
	assert_success
	ino=$(nstk_ns_ino "$pid" pid)
	assert_output --regexp "(^|"$'\n'") +$parent +[0-9]+ [│ ]*[├└]─[^"$'\n'"]*$comm[^"$'\n'"]*"$'\n'" *$ino +pid +$pid +$parent +[│ ]*└─/bin/sleep 600"
}

@test "podman: nsls --tree=process shows conmon above the container's rows" {
	podman_facts
	assert_via "$POD_PID" "$POD_CONMON" conmon
}

@test "podman: the container's name, from conmon's command line, in JSON and for --container" {
	podman_facts
	# The cgroup path has only the id: the name is conmon's "-n".
	[[ "$POD_CGROUP" != *"$CTR_PODMAN"* ]] || fail "the cgroup path holds the name: $POD_CGROUP"
	tr '\0' '\n' <"/proc/$POD_CONMON/cmdline" | grep -qxF -- "$CTR_PODMAN"
	assert_equal "$(ctr_podman inspect -f '{{.Name}}' "$POD_ID")" "$CTR_PODMAN"
	nsls_json --container "$CTR_PODMAN" -o NS,TYPE,CONTAINER
	assert_equal "$(jqn '[.namespaces[].container | "\(.id) \(.name)"] | unique | join(",")')" "$POD_ID $CTR_PODMAN"
	assert_equal "$(jqn '.namespaces[] | "\(.type):\(.ns)"' | sort)" "$(ctr_ns_set "$POD_PID")"
	# The label stays the id's: it is what -Q and cgtop --check compare.
	nsls_run --container "$CTR_PODMAN" -l -n -o CONTAINER
	assert_success
	assert_equal "$(sort -u <<<"$output")" "podman:${POD_ID:0:12}"
	# A name is matched whole.
	nsls_assert_failure_with "nsls: no container matches '${CTR_PODMAN%?}'" --container "${CTR_PODMAN%?}"
	# nsenter-lite lands in the same container by its name.
	assert_equal "$(ns_seen_by "$NSENTER_LITE" --container "$CTR_PODMAN" -a)" "$(ns_of_pid "$POD_PID")"
	run --separate-stderr "$NSENTER_LITE" --container "$CTR_PODMAN" -a --dry-run -J true
	assert_success
	assert_equal "$(jq -r '"\(.target.pid) \(.target.container)"' <<<"$output")" "$POD_PID podman:${POD_ID:0:12}"
	# cgtop has the same name for the container's cgroup, and --filter takes it.
	cgtop_json "$POD_CGROUP" 1
	assert_equal "$(cg '.container.name')" "$CTR_PODMAN"
	run --separate-stderr "$CGTOP" -J -n 1 --filter "$CTR_PODMAN"
	assert_success
	assert_equal "$(jq -r '[.cgroups[].path] | join(",")' <<<"$output")" "$POD_CGROUP"
	# Not a prefix: a name is matched whole, as nsls --container matches it.
	run --separate-stderr "$CGTOP" -J -n 1 --filter "${CTR_PODMAN%?}"
	assert_success
	assert_equal "$(jq '.cgroups | length' <<<"$output")" 0
}

@test "runc: CONTAINER and --container name the container from its cgroupsPath" {
	runc_facts
	assert_equal "$(cat "$CTR_DIR/runc/pid")" "$RUNC_PID"
	assert_equal "$(sed -n 's/^[0-9]*:memory://p' "/proc/$RUNC_PID/cgroup")" "/:runc:$CTR_RUNC"
	assert_container_rows "$RUNC_PID" "runc:$CTR_RUNC" "$CTR_RUNC" "$CTR_RUNC"
	# A name is matched whole.
	nsls_assert_failure_with "nsls: no container matches '${CTR_RUNC%?}'" --container "${CTR_RUNC%?}"
}

@test "runc: nsenter-lite --container -a lands in its namespaces; cgtop shows its limits" {
	runc_facts
	assert_equal "$(ns_seen_by "$NSENTER_LITE" --container "$CTR_RUNC" -a)" "$(ns_of_pid "$RUNC_PID")"
	assert_limits_row "/:runc:$CTR_RUNC" "runc:$CTR_RUNC"
}

@test "containerd: CONTAINER names <namespace>/<id>; --container takes either" {
	ctrd_facts
	assert_equal "$(cat "$CTR_DIR/containerd/pid")" "$CTRD_PID"
	assert_container_rows "$CTRD_PID" "containerd:default/$CTR_CTRD" "$CTR_CTRD" "$CTR_CTRD"
	assert_equal "$(ctr_nsls_set --container "default/$CTR_CTRD")" "$(ctr_ns_set "$CTRD_PID")"
	nsls_assert_failure_with "nsls: no container matches 'k8s.io/$CTR_CTRD'" --container "k8s.io/$CTR_CTRD"
}

@test "containerd: nsenter-lite --container -a lands in its namespaces; cgtop shows its limits; the shim is its parent" {
	ctrd_facts
	assert_equal "$(ns_seen_by "$NSENTER_LITE" --container "default/$CTR_CTRD" -a)" "$(ns_of_pid "$CTRD_PID")"
	assert_limits_row "/default/$CTR_CTRD" "containerd:default/$CTR_CTRD"
	local shim
	shim="$(awk '/^PPid:/ { print $2 }' "/proc/$CTRD_PID/status")"
	assert_equal "$(cat "/proc/$shim/comm")" containerd-shim
	nsls_json -p "$CTRD_PID" -t pid -o NS,PID,PPID
	assert_equal "$(jqn '.namespaces[0].ppid')" "$shim"
}

@test "containerd: nsls --tree=process shows containerd-shim above the container's rows" {
	ctrd_facts
	local shim
	shim="$(awk '/^PPid:/ { print $2 }' "/proc/$CTRD_PID/status")"
	assert_via "$CTRD_PID" "$shim" containerd-shim
}

@test "containerd: JSON's container object has its namespace, in nsls and cgtop" {
	ctrd_facts
	nsls_json --container "default/$CTR_CTRD" -o NS,CONTAINER
	assert_equal "$(jqn '[.namespaces[].container | "\(.namespace) \(.id) \(.name)"] | unique | join(",")')" \
		"default $CTR_CTRD null"
	cgtop_json "/default/$CTR_CTRD" 1
	assert_equal "$(cg '"\(.container.namespace) \(.container.id)"')" "default $CTR_CTRD"
	# Other runtimes have none.
	runc_facts
	nsls_json --container "$CTR_RUNC" -o NS,CONTAINER
	assert_equal "$(jqn '[.namespaces[].container.namespace] | unique | join(",")')" ""
	assert_equal "$(jqn '[.namespaces[].container | has("namespace")] | all')" true
}

@test "a prefix that names two containers is refused by nsls and nsenter-lite alike; nsls --container -J says the container" {
	podman_facts
	# Podman's ids are random: start containers until two share a first
	# digit (at most 17, by pigeonhole; 16 hex digits).
	local ids=("$POD_ID") k id prefix=""
	for ((k = 1; k <= 16; k++)); do
		[ -z "$prefix" ] || break
		ctr_podman run -d --name "$CTR_PODMAN-amb$k" --network none \
			--rootfs "$CTR_DIR/podman/rootfs" /bin/sleep 600 >/dev/null
		ctr_podman_record "$CTR_PODMAN-amb$k"
		id=$(ctr_podman inspect -f '{{.Id}}' "$CTR_PODMAN-amb$k")
		local other
		for other in "${ids[@]}"; do
			[ "${other:0:1}" = "${id:0:1}" ] && prefix=${id:0:1} && break
		done
		ids+=("$id")
	done
	[ -n "$prefix" ] || fail "17 podman ids and no two share a first digit"
	nsls_run --container "$prefix"
	assert_failure 1
	assert_equal "$output" ""
	[[ "$stderr" =~ ^nsls:\ \'$prefix\'\ matches\ more\ than\ one\ container\ \(podman:$prefix[0-9a-f]{11},\ podman:$prefix[0-9a-f]{11}\):\ give\ more\ of\ the\ id$ ]] ||
		fail "not the one line: $stderr"
	run --separate-stderr "$NSENTER_LITE" --container "$prefix" -n true
	assert_failure 1
	[[ "$stderr" =~ ^nsenter-lite:\ \'$prefix\'\ matches\ more\ than\ one\ container ]] || fail "nsenter-lite: $stderr"
	# The whole id is one container; -J names it without -o +CONTAINER.
	nsls_json --container "$POD_ID"
	assert_equal "$(jqn '[.namespaces[].container.id] | unique | join(" ")')" "$POD_ID"
	# The extra containers go now, not all at once in teardown_file.
	local names=()
	for ((k = 1; k < ${#ids[@]}; k++)); do names+=("$CTR_PODMAN-amb$k"); done
	ctr_podman rm -f -t 0 "${names[@]}" >/dev/null
}

#!/usr/bin/env bats
# Integration tests of nsls's NETMODE column (host, none, bridge:<name>,
# container:<id>, other) against real network namespaces, veth pairs and
# bridges. The expected mode of a namespace is worked out from what
# iproute2 says about it (ip -j -d link, ip netns list-id), never written
# down; the host's namespace is kthreadd's (PID 2), as the kernel shows it.
# "Containers" are real processes in v1 cgroups named as podman names them
# (<unique parent>/libpod-<64 hex>). Everything made (processes, netns,
# host links, cgroups) is undone in teardown, also when a test fails.
# Run from the repo root:
#   NSTK_BUILD=build bats tests/bats/nsls_netmode.bats
#
# Needs root, iproute2 (veth, bridge), util-linux (unshare, nsenter,
# setarch), jq and cgroup v1 pids at /sys/fs/cgroup/pids.

load helpers

setup() {
	[ -x "$NSLS" ] || fail "no nsls at $NSLS: run make (or make SAN=1) first"
	# Unique per run and test: another run (or suite) may be going on too.
	# Short: interface names have 15 characters at most.
	M_TAG="nm$$x$BATS_TEST_NUMBER"
}

teardown() {
	nstk_cleanup
}

# ---------------------------------------------------------------------------
# Helpers of this file (m_*)

# A netns named $M_TAG-SUFFIX, deleted in teardown; its name in $M_NS.
m_netns_add() {
	M_NS="$M_TAG-$1"
	NSTK_NETNS+=("$M_NS")
	ip netns add "$M_NS"
}


# NETMODE as iproute2 describes namespace NS (nstk_netns_ip's forms), for the
# namespaces these tests make: lo and the kernel's fallback tunnels aside,
# "bridge:B[,B2...]" for veths whose peer (in this namespace, or the one
# link-netnsid names through ip netns list-id; a peer namespace with no
# name is this test's own) is enslaved to a bridge, in interface order;
# "other" when anything else is left; "none" when nothing is.
m_oracle() {
	local ns="$1" links ids idx name kind ltype pidx nsid pname peer_ns plinks master mkind
	local bridges=() other=0 b dup
	links="$(nstk_netns_ip "$ns" -j -d link show)" || return 1
	ids="$(nstk_netns_ip "$ns" -j netns list-id)" || return 1
	# Fields split on US (0x1f), which is not blank: empty fields stay fields.
	while IFS=$'\x1f' read -r idx name kind ltype pidx nsid pname; do
		[ "$ltype" = loopback ] && continue
		case "$kind/$name" in
		ipip/tunl0 | sit/sit0 | ip6tnl/ip6tnl0 | gre/gre0 | gretap/gretap0 | erspan/erspan0 | \
			ip6gre/ip6gre0 | vti/ip_vti0 | vti6/ip6_vti0) continue ;;
		esac
		if [ "$kind" != veth ]; then
			other=1
			continue
		fi
		if [ -n "$nsid" ]; then
			peer_ns="$(jq -r --argjson n "$nsid" '.[] | select(.nsid == $n) | .name // ""' <<<"$ids")"
			plinks="$(nstk_netns_ip "$peer_ns" -j -d link show)" || return 1
			master="$(jq -r --argjson i "$pidx" '.[] | select(.ifindex == $i) | .master // ""' <<<"$plinks")"
		else
			plinks=$links
			master="$(jq -r --arg p "$pname" '.[] | select(.ifname == $p) | .master // ""' <<<"$plinks")"
		fi
		mkind="$(jq -r --arg m "$master" '.[] | select(.ifname == $m) | .linkinfo.info_kind // ""' <<<"$plinks")"
		if [ -z "$master" ] || [ "$mkind" != bridge ]; then
			other=1
			continue
		fi
		dup=0
		for b in "${bridges[@]}"; do
			[ "$b" = "$master" ] && dup=1
		done
		[ "$dup" = 1 ] || bridges+=("$master")
	done < <(jq -r '.[] | [.ifindex, .ifname, (.linkinfo.info_kind // ""), .link_type,
		(.link_index // ""), (.link_netnsid // ""), (.link // "")] | map(tostring) | join("\u001f")' \
		<<<"$links")
	if [ "${#bridges[@]}" -gt 0 ]; then
		local IFS=,
		echo "bridge:${bridges[*]}"
	elif [ "$other" = 1 ]; then
		echo other
	else
		echo none
	fi
}

# The netmode nsls gives namespace INO in $NSTK_JSON ("null" for null);
# inodes of all kinds come from one allocator, so INO alone names it.
m_mode() {
	jqn '.namespaces[] | select(.ns == $i) | .netmode' --argjson i "$1"
}

# The inode of the host's network namespace as the kernel shows it:
# kthreadd's, checked to be a kernel thread (PF_KTHREAD in /proc/2/stat).
m_host_ino() {
	local stat flags
	stat="$(cat /proc/2/stat)" || return 1
	stat="${stat##*) }"
	read -r _ _ _ _ _ _ flags _ <<<"$stat"
	((flags & 0x200000)) || {
		echo "m_host_ino: PID 2 is not a kernel thread (a child pid namespace?)" >&2
		return 1
	}
	nstk_ns_ino 2 net
}

# A v1 pids cgroup under a unique parent, named as podman names a
# container's: its path in $M_CG, its id (64 hex) in $M_ID.
m_fake_container() {
	local pids=/sys/fs/cgroup/pids parent
	[ "$(stat -f -c %T "$pids" 2>/dev/null)" = cgroupfs ] || fail "no cgroup v1 pids hierarchy at $pids"
	parent="$pids/nstk-test-$M_TAG"
	[ -d "$parent" ] || nstk_cgroup_mkdir "$parent"
	M_ID="$(printf '%s' "$M_TAG-$1-$(date +%s%N)-$RANDOM" | sha256sum | cut -c1-64)"
	M_CG="$parent/libpod-$M_ID"
	nstk_cgroup_mkdir "$M_CG"
}

# Move PID into the cgroup $2 and check the kernel shows it there.
m_join_cgroup() {
	echo "$1" >"$2/cgroup.procs"
	grep -qx "[0-9]*:pids:/${2#/sys/fs/cgroup/pids/}" "/proc/$1/cgroup" || fail "PID $1 is not in $2"
}

# ---------------------------------------------------------------------------

@test "a namespace with only lo is none, and -Q finds it by NETMODE" {
	local ino
	m_netns_add lo
	ino=$(nstk_netns_inode "$M_NS")
	assert_equal "$(m_oracle "$M_NS")" none
	# Only lo, as ip -o link lists it.
	assert_equal "$(nstk_netns_ip "$M_NS" -o link show | awk -F': ' '{print $2}' | paste -sd ' ')" lo

	nsls_json -t net -o NS,TYPE,NETMODE
	assert_equal "$(m_mode "$ino")" "$(m_oracle "$M_NS")"

	nsls_json -t net -o NS -Q "NETMODE == \"none\" && NS == $ino"
	assert_equal "$(jqn '[.namespaces[].ns] | map(tostring) | join(" ")')" "$ino"
	nsls_json -t net -o NS -Q "NETMODE == \"host\" && NS == $ino"
	assert_equal "$(jqn '.namespaces | length')" 0

	nsls_run -l -n -u -o NS,NETMODE "$ino"
	assert_success
	assert_output --regexp "^ *$ino +none *\$"
}

@test "a veth whose peer is on a bridge in the host is bridge:<bridge>; the host's side is host" {
	local ino host br="${M_TAG}b" v="${M_TAG}v"
	host=$(m_host_ino)
	m_netns_add c
	ino=$(nstk_netns_inode "$M_NS")
	NSTK_LINKS+=("$v" "$br")
	ip link add "$br" type bridge
	ip link add "$v" type veth peer name eth0 netns "$M_NS"
	ip link set "$v" master "$br"
	assert_equal "$(m_oracle "$M_NS")" "bridge:$br"

	nsls_json -t net -o NS,NETMODE,IFACES
	assert_equal "$(m_mode "$ino")" "$(m_oracle "$M_NS")"
	assert_equal "$(m_mode "$host")" host
	# The column agrees with the IFACES that it is made from.
	assert_equal "$(jqn '.namespaces[] | select(.ns == $i) | .ifaces[] | select(.name == "eth0") | .peer.master' \
		--argjson i "$ino")" "$br"

	nsls_run -l -n -u -o NS,NETMODE "$ino"
	assert_success
	assert_output --regexp "^ *$ino +bridge:$br *\$"
}

@test "the host's network namespace is host, as kthreadd's; no other row is" {
	local host self
	host=$(m_host_ino)
	self=$(nstk_ns_ino self net)
	nsls_json -t net -o NS,NETMODE
	assert_equal "$(jqn '[.namespaces[] | select(.netmode == "host") | .ns] | map(tostring) | join(" ")')" "$host"
	# nsls's own (this test's) namespace: host exactly when it is kthreadd's.
	if [ "$self" = "$host" ]; then
		assert_equal "$(m_mode "$self")" host
	else
		[ "$(m_mode "$self")" != host ] || fail "own netns $self is not kthreadd's $host but says host"
	fi
	# Detail of net rows only: null on every other kind.
	nsls_json -o NS,TYPE,NETMODE
	assert_equal "$(jqn '[.namespaces[] | select(.type != "net" and .netmode != null)] | length')" 0
	assert_equal "$(jqn '[.namespaces[] | select(.type != "net") | has("netmode")] | all')" true
}

@test "bridges in other namespaces count too; the bridge's own namespace is other; a loose veth is other" {
	local a b c d ia ib ic id
	m_netns_add a
	a=$M_NS
	m_netns_add b
	b=$M_NS
	m_netns_add c
	c=$M_NS
	m_netns_add d
	d=$M_NS
	# a's eth0 -> b's v1 on br0 (b); c's eth0 <-> d's eth0, on no bridge.
	ip -n "$b" link add br0 type bridge
	ip -n "$a" link add eth0 type veth peer name v1 netns "$b"
	ip -n "$b" link set v1 master br0
	ip -n "$c" link add eth0 type veth peer name eth0 netns "$d"
	# b also has a veth pair of its own, one end on a second bridge there:
	# its other end then has its peer on br1 in the same namespace.
	ip -n "$b" link add br1 type bridge
	ip -n "$b" link add s0 type veth peer name s1
	ip -n "$b" link set s1 master br1
	ia=$(nstk_netns_inode "$a") ib=$(nstk_netns_inode "$b") ic=$(nstk_netns_inode "$c") id=$(nstk_netns_inode "$d")
	assert_equal "$(m_oracle "$a")" bridge:br0
	assert_equal "$(m_oracle "$c")" other

	nsls_json -t net -o NS,NETMODE
	assert_equal "$(m_mode "$ia")" "$(m_oracle "$a")"
	assert_equal "$(m_mode "$ib")" "$(m_oracle "$b")"
	assert_equal "$(m_mode "$ic")" "$(m_oracle "$c")"
	assert_equal "$(m_mode "$id")" "$(m_oracle "$d")"
	assert_equal "$(m_mode "$ib")" bridge:br1

	# A second veth onto another bridge: both bridges, in interface order.
	ip -n "$a" link add eth1 type veth peer name v2 netns "$b"
	ip -n "$b" link set v2 master br1
	assert_equal "$(m_oracle "$a")" bridge:br0,br1
	nsls_json -t net -o NS,NETMODE
	assert_equal "$(m_mode "$ia")" "$(m_oracle "$a")"
}

# m_next_pid N: the next process made on the host gets the first free PID
# after N (ns_last_pid: how CRIU restores PIDs); a fork elsewhere between
# the write and our fork only moves it a little.
m_next_pid() {
	echo "$1" >/proc/sys/kernel/ns_last_pid
}

# The joined-namespace case; with "wrapped", PIDs wrap between the two
# containers, so the one that joined holds the lower PID.
m_joined_case() {
	local wrapped="$1" brns y x ny nx ino owner joiner owner_pid joiner_pid k lowest want=() got max
	max=$(cat /proc/sys/kernel/pid_max)
	m_fake_container y
	local cg_y=$M_CG id_y=$M_ID
	m_fake_container x
	local cg_x=$M_CG id_x=$M_ID

	# y: its own net and uts namespaces, eth0 on br0 in a namespace of its own.
	[ "$wrapped" = wrapped ] && m_next_pid $((max - 3000 - RANDOM % 1000))
	nstk_spawn unshare --net --uts sleep 1000
	y=$NSTK_PID
	nstk_wait_comm "$y" sleep
	m_join_cgroup "$y" "$cg_y"
	m_netns_add br
	brns=$M_NS
	ip -n "$brns" link add br0 type bridge
	ip -n "$brns" link add vy type veth peer name eth0 netns "$y"
	ip -n "$brns" link set vy master br0
	# x: its own uts namespace, y's network (podman run --network container:y).
	[ "$wrapped" = wrapped ] && m_next_pid $((300 + RANDOM % 1000))
	nstk_spawn nsenter -t "$y" -n unshare --uts sleep 1000
	x=$NSTK_PID
	nstk_wait_comm "$x" sleep
	m_join_cgroup "$x" "$cg_x"
	ino=$(nstk_ns_ino "$y" net)
	assert_equal "$(nstk_ns_ino "$x" net)" "$ino"
	assert_equal "$(m_oracle "pid:$y")" bridge:br0

	# The namespace belongs to the container of its oldest process, y,
	# whichever holds the lower PID.
	if [ "$wrapped" = wrapped ]; then
		[ "$x" -lt "$y" ] || fail "PIDs did not wrap: joiner $x, owner $y"
	else
		[ "$x" -gt "$y" ] || skip "PIDs wrapped by themselves between $y and $x"
	fi
	owner=$id_y owner_pid=$y joiner=$id_x joiner_pid=$x

	# Listed as a namespace: its own mode, and its owner.
	nsls_json -t net -o NS,CONTAINER,NETMODE
	assert_equal "$(m_mode "$ino")" "$(m_oracle "pid:$y")"
	assert_equal "$(jqn '.namespaces[] | select(.ns == $i) | .container.id' --argjson i "$ino")" "$owner"

	# Seen from the container that joined: its rows are its own namespaces
	# and the one it joined; the host's are not listed.
	for k in "${NSTK_KINDS[@]}"; do
		lowest=$(find /proc/[0-9]*/ns/"$k" -maxdepth 0 -lname "$k:\\[$(nstk_ns_ino "$joiner_pid" "$k")\\]" \
			2>/dev/null | cut -d/ -f3 | sort -n | head -n 1)
		if [ "$lowest" = "$joiner_pid" ] || [ "$lowest" = "$owner_pid" ]; then
			want+=("$k:$(nstk_ns_ino "$joiner_pid" "$k")")
		fi
	done
	nsls_json --container "${joiner:0:12}" -o NS,TYPE,CONTAINER,NETMODE
	assert_equal "$(jqn '[.namespaces[] | "\(.type):\(.ns)"] | sort | join(" ")')" \
		"$(printf '%s\n' "${want[@]}" | sort | paste -sd ' ')"
	assert_equal "$(m_mode "$ino")" "container:$owner"
	assert_equal "$(jqn '.namespaces[] | select(.ns == $i) | .container.id' --argjson i "$ino")" "$owner"
	# Its own namespaces have no NETMODE (uts), or their own (none here).
	assert_equal "$(jqn '[.namespaces[] | select(.type != "net") | .netmode] | unique | map(tostring) | join(" ")')" null

	# Seen from the owner: its own mode.
	nsls_json --container "${owner:0:12}" -t net -o NS,NETMODE
	assert_equal "$(m_mode "$ino")" "$(m_oracle "pid:$y")"

	# -p: the same, from a process's point of view.
	nsls_json -p "$joiner_pid" -t net -o NS,NETMODE
	assert_equal "$(m_mode "$ino")" "container:$owner"
	nsls_json -p "$owner_pid" -t net -o NS,NETMODE
	assert_equal "$(m_mode "$ino")" "$(m_oracle "pid:$y")"

	nsls_run -l -n -u --container "${joiner:0:12}" -t net -o NS,NETMODE
	assert_success
	assert_output --regexp "^ *$ino +container:$owner *\$"
}

@test "a container that joined another's network namespace shows container:<owner id>" {
	m_joined_case ordered
}

@test "after a PID wrap the joiner holds the lower PID: the namespace is still the owner's" {
	m_joined_case wrapped
}

@test "where the host's network namespace cannot be known, NETMODE is null with a reason" {
	local out release
	release=$(uname -r)
	# In a child pid namespace with its own /proc, PID 2 is no kernel thread;
	# setarch --uname-2.6 hides the 6.18 release that fixes the host's inode;
	# a new network namespace is not the host's fixed-inode one either. The
	# rows: nsls's own namespace, and those bind mounts hold (the mount
	# namespace is a copy of this one's).
	run --separate-stderr unshare --net --pid --fork --mount-proc setarch "$(uname -m)" --uname-2.6 \
		"$NSLS" -J -t net -o NS,NPROCS,NETMODE
	assert_success
	assert_equal "$(jq -r '[.namespaces[] | select(.nprocs == 1)] | length' <<<"$output")" 1
	assert_equal "$(jq -r '[.namespaces[] | .netmode] | unique | map(tostring) | join(" ")' <<<"$output")" null
	run --separate-stderr unshare --net --pid --fork --mount-proc setarch "$(uname -m)" --uname-2.6 \
		"$NSLS" -l -o NPROCS,NETMODE -t net
	assert_success
	# The reason is a note for people: a table with headings shows it.
	assert_line --index 0 --regexp "^NPROCS +NETMODE\$"
	assert_line --regexp "^ +1 \(unknown: host's network namespace not known\)\$"
	local body=("${lines[@]:1}")
	printf '%s\n' "${body[@]}" | grep -qv ')$' && fail "a row without the reason: $output"

	# Without hiding the release: on 6.18 and later the host's inode is fixed,
	# so a namespace that is not it is known not to be the host's.
	run --separate-stderr unshare --net --pid --fork --mount-proc "$NSLS" -J -t net -o NS,NPROCS,NETMODE
	assert_success
	out=$output
	if [ "$(printf '%s\n' 6.18 "${release%%-*}" | sort -V | head -n 1)" = 6.18 ]; then
		assert_equal "$(jq -r '.namespaces[] | select(.nprocs == 1) | .netmode' <<<"$out")" none
	else
		assert_equal "$(jq -r '.namespaces[] | select(.nprocs == 1) | .netmode' <<<"$out")" null
	fi
}

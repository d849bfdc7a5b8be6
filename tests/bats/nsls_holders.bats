#!/usr/bin/env bats
# Integration tests of nsls's holders (what keeps a namespace alive: threads,
# fds, bind mounts in any mount namespace) and of its "what is inside"
# columns (interfaces and veth peers, host names, id maps, pid init and
# level, root fs and overlay layers, container labels, cgroup root, time
# offsets), against real kernel objects. Each test builds its case for real,
# asks the kernel (readlink, stat, /proc files, ip, nsenter) what it made,
# and checks nsls against that. Everything made is undone in teardown, also
# when a test fails. Run from the repo root:
#   NSTK_BUILD=build bats tests/bats/nsls_holders.bats
#
# Needs root, iproute2, util-linux (unshare, nsenter, lsns, setpriv), busybox-static,
# jq, cgroup v1 pids at /sys/fs/cgroup/pids and a cgroup2 hierarchy at
# /sys/fs/cgroup/unified (or /sys/fs/cgroup), and the test helper
# $NSTK_BUILD/helpers/unshare_thread (make $NSTK_BUILD/helpers/unshare_thread).

load helpers

setup() {
	[ -x "$NSLS" ] || fail "no nsls at $NSLS: run make (or make SAN=1) first"
	# Unique per run and test: another run (or suite) may be going on too.
	H_NAME="nstk-h-$$-$BATS_TEST_NUMBER"
	H_MOUNTS=()  # host mount points to unmount, in order made
	H_DIR="$BATS_TEST_TMPDIR/$H_NAME"
	mkdir -p "$H_DIR"
}

teardown() {
	local rc=0 x i n
	# Processes first: they pin mounts, cgroups and namespaces.
	nstk_cleanup || rc=1
	for ((i = ${#H_MOUNTS[@]} - 1; i >= 0; i--)); do
		x=${H_MOUNTS[i]}
		mountpoint -q "$x" || continue
		umount "$x" 2>/dev/null || umount -l "$x" 2>/dev/null || true
		if mountpoint -q "$x"; then
			echo "teardown: $x still mounted" >&2
			rc=1
		fi
	done
	return "$rc"
}

# ---------------------------------------------------------------------------
# Helpers of this file (h_*)

# A netns named NAME, deleted in teardown.
h_netns_add() {
	NSTK_NETNS+=("$1")
	ip netns add "$1"
}

# The inode of what PATH leads to (an nsfs file, a magic link).
h_ino() {
	stat -L -c %i "$1"
}

# Wait (max 5 s) until FILE holds a complete line; print that line.
h_wait_line() {
	local f="$1" i line
	for ((i = 0; i < 250; i++)); do
		if [ -s "$f" ] && [ "$(tail -c 1 "$f" | od -An -c | tr -d ' ')" = '\n' ]; then
			read -r line <"$f"
			echo "$line"
			return 0
		fi
		sleep 0.02
	done
	echo "h_wait_line: nothing in $f after 5 s" >&2
	return 1
}

# The lowest PID whose KIND namespace link names INO, as the kernel says; "" if none.
h_lowest_pid() {
	local kind="$1" ino="$2"
	find /proc/[0-9]*/ns/"$kind" -maxdepth 0 -lname "$kind:\\[$ino\\]" 2>/dev/null |
		cut -d/ -f3 | sort -n | head -n 1
}

# The one text line of the last nsls_run that starts with INO (after padding).
h_line_of() {
	local ino="$1" l found=
	for l in "${lines[@]}"; do
		if [[ "$l" =~ ^\ *$ino\  ]]; then
			[ -z "$found" ] || {
				echo "h_line_of: two lines for $ino" >&2
				return 1
			}
			found=$l
		fi
	done
	[ -n "$found" ] || {
		echo "h_line_of: no line for $ino in: $output" >&2
		return 1
	}
	echo "$found"
}

# The cgroup2 hierarchy of this host: /sys/fs/cgroup/unified on a hybrid one.
h_cgroup2_root() {
	local d
	for d in /sys/fs/cgroup/unified /sys/fs/cgroup; do
		if [ "$(stat -f -c %T "$d" 2>/dev/null)" = cgroup2fs ]; then
			echo "$d"
			return 0
		fi
	done
	echo "h_cgroup2_root: no cgroup2 hierarchy mounted" >&2
	return 1
}

# An overlay of two lower layers (the second holding a static busybox) in
# H_DIR, mounted on $H_DIR/merged in the host's mount namespace; the paths
# land in L1 L2 UP WORK MERGED.
h_overlay() {
	# It runs chrooted, with no libraries: it must be static (ldd says no).
	if [ ! -x /bin/busybox ] || ldd /bin/busybox >/dev/null 2>&1; then
		fail "no static /bin/busybox: apt-get install busybox-static"
	fi
	L1=$H_DIR/lower1 L2=$H_DIR/lower2 UP=$H_DIR/upper WORK=$H_DIR/work MERGED=$H_DIR/merged
	mkdir -p "$L1" "$L2/bin" "$UP" "$WORK" "$MERGED"
	cp /bin/busybox "$L2/bin/busybox"
	echo top >"$L1/which-layer"
	H_MOUNTS+=("$MERGED")
	mount -t overlay overlay -o "lowerdir=$L1:$L2,upperdir=$UP,workdir=$WORK" "$MERGED"
	# The kernel says the lower layers are stacked as asked.
	assert_equal "$(cat "$MERGED/which-layer")" top
}

# The mountinfo line of the mount at "/" as PID sees it (the last one).
h_root_mount() {
	awk '$5 == "/"' "/proc/$1/mountinfo" | tail -n 1
}

# ---------------------------------------------------------------------------
# Holders: what keeps a namespace alive when no process sits in it

@test "a thread that unshares its own namespace is found, with its host name" {
	local helper="$NSTK_HELPERS/unshare_thread" out="$H_DIR/tid" tid u host_u
	[ -x "$helper" ] || fail "no $helper: run make ${NSTK_BUILD:-build}/helpers/unshare_thread"
	nstk_spawn sh -c 'exec "$0" "$1" >"$2"' "$helper" "$H_NAME" "$out"
	local p=$NSTK_PID
	nstk_wait_comm "$p" unshare_thread
	tid=$(h_wait_line "$out")
	[ -d "/proc/$p/task/$tid" ] || fail "TID $tid is not a thread of PID $p"
	u=$(nstk_ns_ino "$p/task/$tid" uts)
	host_u=$(nstk_ns_ino "$p" uts)
	[ "$u" != "$host_u" ] || fail "the thread did not leave its process's uts namespace"
	# The kernel's own answer for the thread's host name.
	assert_equal "$(nsenter --target "$tid" --uts hostname)" "$H_NAME"

	nsls_json -o +HOLDERS
	assert_equal "$(jqn '[.namespaces[] | select(.ns == $u)] | length' --argjson u "$u")" 1
	assert_equal "$(jqn 'node("uts"; $u) | "\(.nprocs) \(.pid)"' --argjson u "$u")" "0 null"
	assert_equal "$(jqn 'node("uts"; $u) | .holders' -c --argjson u "$u")" \
		"[{\"kind\":\"thread\",\"pid\":$p,\"tid\":$tid}]"

	nsls_json -o NS,TYPE,HOSTNAME -t uts
	assert_equal "$(jqn 'node("uts"; $u) | .hostname' --argjson u "$u")" "$H_NAME"
	assert_equal "$(jqn 'node("uts"; $h) | .hostname' --argjson h "$host_u")" "$(hostname)"

	nsls_run -l -u -W -o NS,HOSTNAME -t uts
	assert_success
	[[ "$(h_line_of "$u")" =~ ^\ *$u\ +$H_NAME\ *$ ]] || fail "no '$u $H_NAME' line in: $output"
	nsls_run -l -u -W -o NS,NPROCS,COMMAND "$u"
	assert_success
	[[ "$(h_line_of "$u")" =~ ^\ *$u\ +0\ +\(no\ process:\ held\ by\ 1\ thread\)\ *$ ]] ||
		fail "no '(no process: held by 1 thread)' line in: $output"

	# What nsls adds over lsns, as a fact of the comparison: lsns walks
	# processes only.
	run lsns -J -t uts
	assert_success
	assert_equal "$(jq --argjson u "$u" '[.namespaces[] | select(.ns == $u)] | length' <<<"$output")" 0
}

@test "a netns held only by an fd is found (fd opened on the ip netns file, then ip netns del)" {
	local name="$H_NAME" n p
	h_netns_add "$name"
	n=$(h_ino "/run/netns/$name")
	[ "$n" != "$(nstk_ns_ino self net)" ]
	nstk_spawn sh -c 'exec sleep 1000 <"$1"' sh "/run/netns/$name"
	p=$NSTK_PID
	nstk_wait_comm "$p" sleep
	assert_equal "$(h_ino "/proc/$p/fd/0")" "$n"
	# While the bind mount is there, both hold it.
	nsls_json -t net -o +HOLDERS
	assert_equal "$(jqn 'node("net"; $n) | [any(.holders[]; . == {kind: "fd", pid: $p, fd: 0}),
		any(.holders[]; .kind == "mount" and .path == $path)] | map(tostring) | join(" ")' \
		--argjson n "$n" --argjson p "$p" --arg path "/run/netns/$name")" "true true"
	ip netns del "$name"
	# The kernel: the bind mount is gone, the fd still names the namespace.
	[ ! -e "/run/netns/$name" ]
	! grep -qF "/run/netns/$name " /proc/self/mountinfo || fail "the bind mount is still there"
	assert_equal "$(h_ino "/proc/$p/fd/0")" "$n"
	[ "$(nstk_ns_ino "$p" net)" != "$n" ]

	nsls_json -o +HOLDERS
	assert_equal "$(jqn '[.namespaces[] | select(.ns == $n)] | length' --argjson n "$n")" 1
	assert_equal "$(jqn 'node("net"; $n) | "\(.nprocs) \(.pid)"' --argjson n "$n")" "0 null"
	assert_equal "$(jqn 'node("net"; $n) | .holders' -c --argjson n "$n")" \
		"[{\"kind\":\"fd\",\"pid\":$p,\"fd\":0}]"
	nsls_run -l -u -W -o NS,NPROCS,COMMAND "$n"
	assert_success
	[[ "$(h_line_of "$n")" =~ ^\ *$n\ +0\ +\(no\ process:\ held\ by\ 1\ fd\)\ *$ ]] ||
		fail "no '(no process: held by 1 fd)' line in: $output"
}

@test "a netns held only by an fd opened on /proc/PID/ns/net is found" {
	local n owner p
	nstk_spawn unshare --net sleep 1000
	owner=$NSTK_PID
	nstk_wait_comm "$owner" sleep
	n=$(nstk_ns_ino "$owner" net)
	[ "$n" != "$(nstk_ns_ino self net)" ]
	nstk_spawn sh -c 'exec 7<"/proc/$1/ns/net" && exec sleep 1000' sh "$owner"
	p=$NSTK_PID
	nstk_wait_comm "$p" sleep
	# The last process leaves it: only the fd holds it now.
	kill -KILL "$owner"
	wait "$owner" 2>/dev/null || true
	[ ! -e "/proc/$owner" ]
	assert_equal "$(h_ino "/proc/$p/fd/7")" "$n"

	nsls_json -o +HOLDERS
	assert_equal "$(jqn 'node("net"; $n) | "\(.nprocs) \(.pid)"' --argjson n "$n")" "0 null"
	assert_equal "$(jqn 'node("net"; $n) | .holders' -c --argjson n "$n")" \
		"[{\"kind\":\"fd\",\"pid\":$p,\"fd\":7}]"
	nsls_run -l -u -W -o NS,NPROCS,COMMAND "$n"
	assert_success
	[[ "$(h_line_of "$n")" =~ ^\ *$n\ +0\ +\(no\ process:\ held\ by\ 1\ fd\)\ *$ ]] ||
		fail "no '(no process: held by 1 fd)' line in: $output"
}

@test "a netns bind-mounted inside a private mount namespace is found" {
	local d="$H_DIR/private" p m n
	mkdir -p "$d"
	# A new private mount namespace: a tmpfs on $d, a new netns bind-mounted
	# on $d/netns by unshare --net=FILE; a sleep keeps the mount ns alive.
	nstk_spawn unshare --mount --propagation private sh -c \
		'mount -t tmpfs nstk-h "$1" && touch "$1/netns" && unshare --net="$1/netns" true && exec sleep 1000' \
		sh "$d"
	p=$NSTK_PID
	nstk_wait_comm "$p" sleep
	m=$(nstk_ns_ino "$p" mnt)
	[ "$m" != "$(nstk_ns_ino self mnt)" ]
	n=$(h_ino "/proc/$p/root$d/netns")
	[ "$n" != "$(nstk_ns_ino "$p" net)" ] || fail "the bind mount holds the sleep's own netns"
	# The kernel: the mount is in the private namespace only.
	grep -qF " $d/netns " "/proc/$p/mountinfo" || fail "no bind mount in the private mount namespace"
	! grep -qF "$d" /proc/self/mountinfo || fail "the host's mountinfo shows $d"

	nsls_json -o NS,TYPE,NPROCS,NETNS,NSFS,HOLDERS
	assert_equal "$(jqn 'node("net"; $n) | "\(.type) \(.nprocs) \(.netns)"' --argjson n "$n")" "net 0 null"
	assert_equal "$(jqn 'node("net"; $n) | [.holders[] | {kind, path, mntns}]' -c --argjson n "$n")" \
		"[{\"kind\":\"mount\",\"path\":\"$d/netns\",\"mntns\":$m}]"
	assert_equal "$(jqn 'node("net"; $n) | .nsfs' -c --argjson n "$n")" "[\"$d/netns\"]"

	nsls_run -l -u -W -o NS,NPROCS,NSFS,COMMAND "$n"
	assert_success
	[[ "$(h_line_of "$n")" =~ ^\ *$n\ +0\ +$d/netns\ +\(no\ process:\ held\ by\ 1\ mount\)\ *$ ]] ||
		fail "no '$d/netns (no process: held by 1 mount)' line in: $output"
}

@test "-P lists only namespaces without processes, with what holds them" {
	local idle="$H_NAME-idle" busy="$H_NAME-busy" ni nb host_mnt
	h_netns_add "$idle"
	h_netns_add "$busy"
	ni=$(h_ino "/run/netns/$idle")
	nb=$(h_ino "/run/netns/$busy")
	host_mnt=$(nstk_ns_ino self mnt)
	nstk_spawn ip netns exec "$busy" sleep 1000
	nstk_wait_comm "$NSTK_PID" sleep
	assert_equal "$(nstk_ns_ino "$NSTK_PID" net)" "$nb"

	nsls_json -P -o +HOLDERS
	assert_equal "$(jqn '[.namespaces[] | select(.nprocs != 0)] | length')" 0
	assert_equal "$(jqn '[.namespaces[] | select(.ns == $n)] | length' --argjson n "$nb")" 0
	assert_equal "$(jqn 'node("net"; $n) | "\(.nprocs) \(.pid) \(.command)"' --argjson n "$ni")" "0 null null"
	# Held by its bind mount (a mount namespace copied since may hold a copy).
	assert_equal "$(jqn 'node("net"; $n) | [.holders[].kind] | unique' -c --argjson n "$ni")" '["mount"]'
	assert_equal "$(jqn 'node("net"; $n) | any(.holders[]; .path == $p and .mntns == $m)' \
		--argjson n "$ni" --arg p "/run/netns/$idle" --argjson m "$host_mnt")" true
	# Without -P both are there.
	nsls_json -t net -o +HOLDERS
	assert_equal "$(jqn 'node("net"; $n) | "\(.nprocs) \(.pid)"' --argjson n "$nb")" "1 $NSTK_PID"

	nsls_run -P -l -u -W -o NS,TYPE,NPROCS,COMMAND
	assert_success
	[[ "$(h_line_of "$ni")" =~ ^\ *$ni\ +net\ +0\ +\(no\ process:\ held\ by\ [0-9]+\ mounts?\)\ *$ ]] ||
		fail "no '$ni net 0 (no process: held by N mount(s))' line in: $output"
	refute_line --regexp "^ *$nb "
}

# ---------------------------------------------------------------------------
# What is inside

# bats test_tags=vm
@test "a veth pair names its peer and the peer's namespace; NETNS and NETNSID" {
	local a="$H_NAME-a" b="$H_NAME-b" host_if="nstkh$$" ns_if="nstkc$$" na nb nh id
	local oct=$(($$ % 250 + 1))
	local host_addr="198.18.$oct.1/30" ns_addr="198.18.$oct.2/30"
	h_netns_add "$a"
	h_netns_add "$b"
	na=$(h_ino "/run/netns/$a")
	nb=$(h_ino "/run/netns/$b")
	nh=$(nstk_ns_ino self net)
	# An id for A as the host names it, before the veth would allocate one.
	for ((id = 100 + $$ % 1000; id < 2000; id++)); do
		ip netns set "$a" "$id" 2>/dev/null && break
	done
	NSTK_LINKS+=("$host_if")
	ip link add "$host_if" type veth peer name "$ns_if" netns "$a"
	ip addr add "$host_addr" dev "$host_if"
	ip -n "$a" addr add "$ns_addr" dev "$ns_if"
	ip link set "$host_if" up
	ip -n "$a" link set "$ns_if" up
	# The kernel's view: ids, ifindexes.
	assert_equal "$(ip -j netns list-id | jq --arg a "$a" '.[] | select(.name == $a) | .nsid')" "$id"
	[ -z "$(ip -j netns list-id | jq --arg b "$b" '.[] | select(.name == $b) | .nsid')" ]
	local host_idx ns_idx
	host_idx=$(ip -j link show "$host_if" | jq '.[0].ifindex')
	ns_idx=$(ip -n "$a" -j link show "$ns_if" | jq '.[0].ifindex')

	nsls_json -t net -o NS,TYPE,NETNS,NETNSID,IFACES
	assert_equal "$(jqn 'node("net"; $n) | "\(.netns) \(.netnsid)"' --argjson n "$na")" "$a $id"
	assert_equal "$(jqn 'node("net"; $n) | "\(.netns) \(.netnsid)"' --argjson n "$nb")" "$b null"
	assert_equal "$(jqn 'node("net"; $n) | "\(.netns) \(.netnsid)"' --argjson n "$nh")" "null null"
	# In A: the veth end, its address, its peer on the host.
	assert_equal "$(jqn 'node("net"; $n) | .ifaces[] | select(.name == $i) |
		{kind, index, up, has_addr: (.addresses | index($addr) != null),
		 peer: {name: .peer.name, index: .peer.index, ns: .peer.ns}}' -c \
		--argjson n "$na" --arg i "$ns_if" --arg addr "$ns_addr")" \
		"{\"kind\":\"veth\",\"index\":$ns_idx,\"up\":true,\"has_addr\":true,\"peer\":{\"name\":\"$host_if\",\"index\":$host_idx,\"ns\":$nh}}"
	# On the host: the other end, its peer in A.
	assert_equal "$(jqn 'node("net"; $n) | .ifaces[] | select(.name == $i) |
		{kind, index, up, has_addr: (.addresses | index($addr) != null),
		 peer: {name: .peer.name, index: .peer.index, ns: .peer.ns}}' -c \
		--argjson n "$nh" --arg i "$host_if" --arg addr "$host_addr")" \
		"{\"kind\":\"veth\",\"index\":$host_idx,\"up\":true,\"has_addr\":true,\"peer\":{\"name\":\"$ns_if\",\"index\":$ns_idx,\"ns\":$na}}"
	# B has only its loopback, down, no peer.
	assert_equal "$(jqn 'node("net"; $n) | [.ifaces[] | {name, up, peer}]' -c --argjson n "$nb")" \
		'[{"name":"lo","up":false,"peer":null}]'

	nsls_run -t net -l -u -W -o NS,NETNS,IFACES
	assert_success
	local la lh
	la=$(h_line_of "$na")
	lh=$(h_line_of "$nh")
	[[ "$la" == *" $a "* ]] || fail "no NETNS $a in: $la"
	[[ "$la" == *"$ns_if ${ns_addr}"*" peer $host_if@$nh"* ]] || fail "no '$ns_if $ns_addr... peer $host_if@$nh' in: $la"
	[[ "$lh" == *"$host_if ${host_addr}"*" peer $ns_if@$na"* ]] || fail "no '$host_if $host_addr... peer $ns_if@$na' in: $lh"
}

@test "a user namespace with a multi-line uid map shows both maps, setgroups and owner" {
	local p u owner=$((40000 + $$ % 20000)) map="$H_DIR/map"
	# Made by an unprivileged UID, so OWNERUID is not just "root".
	nstk_spawn setpriv --reuid "$owner" --regid "$owner" --clear-groups unshare --user sleep 1000
	p=$NSTK_PID
	nstk_wait_comm "$p" sleep
	u=$(nstk_ns_ino "$p" user)
	[ "$u" != "$(nstk_ns_ino self user)" ]
	# Each map in one write(2), as the kernel wants it.
	printf '0 100000 1000\n1000 200000 10\n' >"$map"
	cat "$map" >"/proc/$p/uid_map"
	echo deny >"/proc/$p/setgroups"
	printf '0 300000 500\n' >"$map"
	cat "$map" >"/proc/$p/gid_map"
	assert_equal "$(awk '{print $1, $2, $3}' "/proc/$p/uid_map" | paste -sd ';')" "0 100000 1000;1000 200000 10"
	assert_equal "$(awk '{print $1, $2, $3}' "/proc/$p/gid_map")" "0 300000 500"

	nsls_json -o NS,UIDMAP,GIDMAP,SETGROUPS,OWNERUID "$u"
	assert_equal "$(jqn '.namespaces[0] | del(.ns)' -c)" \
		"{\"uidmap\":[{\"inside\":0,\"outside\":100000,\"count\":1000},{\"inside\":1000,\"outside\":200000,\"count\":10}],\"gidmap\":[{\"inside\":0,\"outside\":300000,\"count\":500}],\"setgroups\":\"deny\",\"owneruid\":$owner}"
	# The host's user namespace: the identity map, setgroups allowed.
	nsls_json -o NS,UIDMAP,SETGROUPS,OWNERUID "$(nstk_ns_ino self user)"
	assert_equal "$(jqn '.namespaces[0] | [.uidmap, .setgroups]' -c)" \
		'[[{"inside":0,"outside":0,"count":4294967295}],"allow"]'

	nsls_run -l -u -W -n -o NS,UIDMAP,GIDMAP,SETGROUPS,OWNERUID "$u"
	assert_success
	assert_output --regexp "^ *$u +0→100000×1000; 1000→200000×10 +0→300000×500 +deny +$owner *\$"
	LC_ALL=C nsls_run -l -u -W -n -o NS,UIDMAP,GIDMAP "$u"
	assert_success
	assert_output --regexp "^ *$u +0->100000x1000; 1000->200000x10 +0->300000x500 *\$"
}

@test "an overlay mount as a chrooted process's root shows its layers (-p the chrooted one)" {
	local u s m
	h_overlay
	# unshare stays, unchrooted, in the new mount namespace: the chrooted
	# busybox is its child and not the namespace's lowest PID.
	nstk_spawn unshare --mount --fork chroot "$MERGED" /bin/busybox sleep 1000
	u=$NSTK_PID
	s=$(nstk_descendant "$u" busybox)
	m=$(nstk_ns_ino "$s" mnt)
	assert_equal "$(nstk_ns_ino "$u" mnt)" "$m"
	# The kernel: the chrooted process sees the overlay at "/".
	local root
	root=$(h_root_mount "$s")
	[[ "$root" == *" - overlay overlay "*"lowerdir=$L1:$L2,upperdir=$UP,workdir=$WORK"* ]] ||
		fail "unexpected / in /proc/$s/mountinfo: $root"

	nsls_json -o NS,TYPE,ROOTFS -p "$s"
	assert_equal "$(jqn 'node("mnt"; $m) | .rootfs | {fstype, source, lowerdirs, upperdir, workdir}' -c \
		--argjson m "$m")" \
		"{\"fstype\":\"overlay\",\"source\":\"overlay\",\"lowerdirs\":[\"$L1\",\"$L2\"],\"upperdir\":\"$UP\",\"workdir\":\"$WORK\"}"
}

@test "an overlay mount as the root of a mount namespace's only process shows its layers" {
	local p m
	h_overlay
	nstk_spawn unshare --mount chroot "$MERGED" /bin/busybox sleep 1000
	p=$NSTK_PID
	nstk_wait_comm "$p" busybox
	m=$(nstk_ns_ino "$p" mnt)
	[ "$m" != "$(nstk_ns_ino self mnt)" ]
	local root
	root=$(h_root_mount "$p")
	[[ "$root" == *" - overlay overlay "*"lowerdir=$L1:$L2,upperdir=$UP,workdir=$WORK"* ]] ||
		fail "unexpected / in /proc/$p/mountinfo: $root"

	nsls_json -o NS,TYPE,ROOTFS -t mnt
	assert_equal "$(jqn 'node("mnt"; $m) | .rootfs | {fstype, source, lowerdirs, upperdir, workdir}' -c \
		--argjson m "$m")" \
		"{\"fstype\":\"overlay\",\"source\":\"overlay\",\"lowerdirs\":[\"$L1\",\"$L2\"],\"upperdir\":\"$UP\",\"workdir\":\"$WORK\"}"
	# The host's root is whatever its own "/" line says, and not an overlay of ours.
	local host_root
	host_root=$(h_root_mount self)
	assert_equal "$(jqn 'node("mnt"; $h) | .rootfs.fstype' --argjson h "$(nstk_ns_ino self mnt)")" \
		"$(awk '{for (i = 7; i < NF; i++) if ($i == "-") {print $(i + 1); exit}}' <<<"$host_root")"

	nsls_run -l -u -W -n -o NS,ROOTFS "$m"
	assert_success
	assert_output --regexp "^ *$m +overlay overlay \(2 lowers, upper $UP\) *\$"
}

@test "a process in a cgroup named like a docker scope is labelled, and --container finds it" {
	local pids=/sys/fs/cgroup/pids hex cg p k ino want=() lowest
	if [ "$(stat -f -c %T "$pids" 2>/dev/null)" != cgroupfs ]; then
		[ -z "${NSTK_IN_VM:-}" ] || skip "the VM is pure cgroup v2: no cgroup v1 pids hierarchy at $pids"
		fail "no cgroup v1 pids hierarchy at $pids"
	fi
	hex=$(printf '%s' "$H_NAME-$(date +%s%N)-$RANDOM" | sha256sum | cut -c1-64)
	cg="$pids/docker-$hex.scope"
	nstk_cgroup_mkdir "$cg"
	nstk_spawn unshare --uts --net sleep 1000
	p=$NSTK_PID
	nstk_wait_comm "$p" sleep
	echo "$p" >"$cg/cgroup.procs"
	grep -qx "[0-9]*:pids:/docker-$hex.scope" "/proc/$p/cgroup" || fail "PID $p is not in $cg"
	# The namespaces the label belongs to: those whose lowest PID is ours.
	for k in "${NSTK_KINDS[@]}"; do
		ino=$(nstk_ns_ino "$p" "$k")
		lowest=$(h_lowest_pid "$k" "$ino")
		[ "$lowest" != "$p" ] || want+=("$k:$ino")
	done
	assert_equal "$(printf '%s\n' "${want[@]}" | cut -d: -f1 | sort | paste -sd ' ')" "net uts"

	nsls_json -o NS,TYPE,CONTAINER -p "$p"
	for k in uts net; do
		ino=$(nstk_ns_ino "$p" "$k")
		assert_equal "$(jqn 'node($k; $i) | .container | {runtime, id, unit}' -c --arg k "$k" --argjson i "$ino")" \
			"{\"runtime\":\"docker\",\"id\":\"$hex\",\"unit\":\"docker-$hex.scope\"}"
	done
	# The sleep's other namespaces are the host's: not this container's.
	assert_equal "$(jqn '[.namespaces[] | select(.type != "uts" and .type != "net") | .container.id?] | index($h)' \
		--arg h "$hex")" null

	nsls_run -l -u -W -n -o NS,TYPE,CONTAINER -p "$p"
	assert_success
	for k in uts net; do
		ino=$(nstk_ns_ino "$p" "$k")
		[[ "$(h_line_of "$ino")" =~ ^\ *$ino\ +$k\ +docker:${hex:0:12}\ *$ ]] ||
			fail "no '$ino $k docker:${hex:0:12}' line in: $output"
	done

	nsls_json --container "${hex:0:8}" -o NS,TYPE,PID
	assert_equal "$(jqn '[.namespaces[] | "\(.type):\(.ns)"] | sort | join(" ")')" \
		"$(printf '%s\n' "${want[@]}" | sort | paste -sd ' ')"
	assert_equal "$(jqn '[.namespaces[].pid] | unique | map(tostring) | join(" ")')" "$p"
	# The whole id, and any case, find it too.
	nsls_json --container "$hex" -o NS
	assert_equal "$(jqn '.namespaces | length')" "${#want[@]}"
	nsls_json --container "$(tr a-f A-F <<<"${hex:0:12}")" -o NS
	assert_equal "$(jqn '.namespaces | length')" "${#want[@]}"

	nsls_assert_failure_with "nsls: no container matches 'doesnotexist'" --container doesnotexist
}

@test "a pid namespace shows its init's host PID, its level and the -p task's PID in each level" {
	local u s n host
	nstk_spawn unshare --fork --pid --mount-proc sleep 1000
	u=$NSTK_PID
	s=$(nstk_descendant "$u" sleep)
	n=$(nstk_ns_ino "$s" pid)
	host=$(nstk_ns_ino self pid)
	[ "$n" != "$host" ]
	# The kernel: the sleep is PID 1 in the new namespace.
	assert_equal "$(awk '$1 == "NSpid:" {print $2, $3}' "/proc/$s/status")" "$s 1"

	nsls_json -o NS,TYPE,INITPID,LEVEL -t pid
	assert_equal "$(jqn 'node("pid"; $n) | "\(.initpid) \(.level)"' --argjson n "$n")" "$s 1"
	assert_equal "$(jqn 'node("pid"; $h) | .level' --argjson h "$host")" 0

	nsls_json -o NS,TYPE,NSPID -t pid -p "$s"
	assert_equal "$(jqn 'node("pid"; $n) | .nspid' --argjson n "$n")" 1
	# The host's pid namespace is the task's too (it has a PID there): with
	# the parent tree it is shown above, with the task's PID in it.
	nsls_json -o NS,TYPE,NSPID -t pid -p "$s" -T parent
	assert_equal "$(jqn 'node("pid"; $h) | kids' --argjson h "$host")" "pid:$n"
	assert_equal "$(jqn 'node("pid"; $n) | .nspid' --argjson n "$n")" 1
	assert_equal "$(jqn 'node("pid"; $h) | .nspid' --argjson h "$host")" "$s"
}

@test "a time namespace shows its monotonic and boottime offsets" {
	local u s t
	nstk_spawn unshare --time --fork --monotonic 1000 --boottime 2000 sleep 1000
	u=$NSTK_PID
	s=$(nstk_descendant "$u" sleep)
	t=$(nstk_ns_ino "$s" time)
	[ "$t" != "$(nstk_ns_ino self time)" ]
	# unshare itself stays in the host's; only its child is in the new one.
	[ "$(nstk_ns_ino "$u" time)" != "$t" ]
	assert_equal "$(awk '{print $1, $2, $3}' "/proc/$s/timens_offsets" | paste -sd ';')" \
		"monotonic 1000 0;boottime 2000 0"

	nsls_json -o NS,TYPE,OFFSETS -t time
	assert_equal "$(jqn 'node("time"; $t) | .offsets' -c --argjson t "$t")" \
		'{"monotonic":{"sec":1000,"nsec":0},"boottime":{"sec":2000,"nsec":0}}'
	nsls_run -l -u -W -n -o NS,OFFSETS "$t"
	assert_success
	assert_output --regexp "^ *$t +monotonic \+1000\.000000000s, boottime \+2000\.000000000s *\$"
}

# (Not tagged vm: vm.bats checks the same, nested, in the VM.)
@test "a cgroup namespace shows its root in the host's cgroup tree" {
	local root cg p c
	root=$(h_cgroup2_root)
	cg="$root/$H_NAME"
	nstk_cgroup_mkdir "$cg" "$cg/sub"
	# A shell moves itself into $cg, then makes a cgroup namespace there.
	nstk_spawn sh -c 'echo $$ >"$1/cgroup.procs" && exec unshare --cgroup sleep 1000' sh "$cg"
	p=$NSTK_PID
	nstk_wait_comm "$p" sleep
	c=$(nstk_ns_ino "$p" cgroup)
	[ "$c" != "$(nstk_ns_ino self cgroup)" ]
	assert_equal "$(sed -n 's/^0:://p' "/proc/$p/cgroup")" "/$H_NAME"

	nsls_json -o NS,TYPE,CGROUPROOT -t cgroup
	assert_equal "$(jqn 'node("cgroup"; $c) | .cgrouproot' --argjson c "$c")" "/$H_NAME"

	# Moved further down, the namespace's root stays where it was made.
	echo "$p" >"$cg/sub/cgroup.procs"
	assert_equal "$(sed -n 's/^0:://p' "/proc/$p/cgroup")" "/$H_NAME/sub"
	assert_equal "$(nsenter --target "$p" --cgroup sed -n 's/^0:://p' "/proc/$p/cgroup")" "/sub"
	nsls_json -o NS,TYPE,CGROUPROOT -t cgroup
	assert_equal "$(jqn 'node("cgroup"; $c) | .cgrouproot' --argjson c "$c")" "/$H_NAME"
	nsls_run -l -u -W -n -o NS,CGROUPROOT "$c"
	assert_success
	assert_output --regexp "^ *$c +/$H_NAME *\$"
}

# bats test_tags=vm
@test "a netns held only by a socket is found by default (as lsns 2.41+), not with --no-sockets" {
	nstk_netns_add
	local name=$NSTK_NETNS_NAME n p fd
	n=$(stat -L -c %i "/run/netns/$name")
	nstk_socket_in_netns "/run/netns/$name"
	p=$NSTK_PID fd=$NSTK_SOCKET_FD
	ip netns del "$name"
	# With --no-sockets nothing nsls looks at holds it any more.
	nsls_run -J --no-sockets "$n"
	assert_failure 1
	nsls_json -o NS,NPROCS,HOLDERS "$n"
	assert_equal "$(jqn '.namespaces[0].holders' -c)" "[{\"kind\":\"socket\",\"pid\":$p,\"fd\":$fd}]"
	assert_equal "$(jqn '.namespaces[0].nprocs')" 0
	# The note is for a table with headings; -n (for scripts) gets the empty
	# cell lsns prints.
	nsls_run -l -o NS,COMMAND "$n"
	assert_success
	assert_line --regexp "^$n +\(no process: held by 1 socket\)\$"
	nsls_run --sockets -l -n -o NS,COMMAND "$n"
	assert_success
	assert_output --regexp "^$n *\$"
	nsls_run --sockets -r -o NS,COMMAND "$n"
	assert_output "NS COMMAND
$n "
}

@test "a netns bind-mounted on a path with a space, a newline and a non-UTF-8 byte" {
	mkdir -p "$H_DIR"
	local file="$H_DIR/a b"$'\n'$'c\xff' n
	touch "$file"
	H_MOUNTS+=("$file")
	unshare --net="$file" true
	n=$(stat -L -c %i "$file")
	nsls_json -o NS,NPROCS,NSFS,HOLDERS "$n"
	# Valid JSON (nsls_json checked it), the bytes kept or escaped, nothing lost.
	assert_equal "$(jqn '.namespaces[0].nsfs[0]')" "$H_DIR/a b"$'\n'"c\\xff"
	assert_equal "$(jqn '.namespaces[0].holders[0].kind')" mount
}

@test "text output escapes a bind-mount path's newline: one row per line" {
	mkdir -p "$H_DIR"
	local file="$H_DIR/x"$'\n'"y" n
	touch "$file"
	H_MOUNTS+=("$file")
	unshare --net="$file" true
	n=$(stat -L -c %i "$file")
	nsls_run -l -n -u -W -o NS,NSFS "$n"
	assert_success
	assert_equal "${#lines[@]}" 1
	assert_output --regexp "^$n .*/x.+y\$"
}

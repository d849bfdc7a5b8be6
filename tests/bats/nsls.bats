#!/usr/bin/env bats
# Integration tests of nsls against real namespaces: each test makes its case
# with unshare / ip netns, asks the kernel (readlink /proc/PID/ns/KIND) what
# it made, and checks nsls against that. Run from the repo root:
#   NSTK_BUILD=build bats --tap tests/bats

load helpers

setup() {
	[ -x "$NSLS" ] || fail "no nsls at $NSLS: run make (or make SAN=1) first"
}

teardown() {
	nstk_cleanup
}

# A sleep in new namespaces of all 8 kinds. The unshare process (OUTER) sits
# in the new user, mnt, uts, ipc, net and cgroup namespaces too; the new pid
# and time namespaces take effect for its child only (INNER, the sleep).
spawn_all_kinds() {
	nstk_spawn unshare --fork --pid --mount-proc --net --uts --ipc --cgroup --time \
		--user --map-root-user sleep 1000
	OUTER=$NSTK_PID
	INNER=$(nstk_descendant "$OUTER" sleep)
}

# A sleep in a new user namespace that owns a new net and uts namespace.
spawn_userns_owning_net_uts() {
	nstk_spawn unshare --user --map-root-user --net --uts sleep 1000
	P=$NSTK_PID
	nstk_wait_comm "$P" sleep
	U=$(nstk_ns_ino "$P" user)
	N=$(nstk_ns_ino "$P" net)
	T=$(nstk_ns_ino "$P" uts)
	HOST_USER=$(nstk_ns_ino self user)
	[ "$U" != "$HOST_USER" ]
}

# A sleep in a user namespace (INNER_USER) whose parent user namespace
# (OUTER_USER) no process sits in any more: the shell that made it wrote its
# inode down and exec'd into the inner one.
spawn_ancestor_only_userns() {
	local f="$BATS_TEST_TMPDIR/outer-userns"
	nstk_spawn unshare --user --map-root-user sh -c \
		'readlink /proc/self/ns/user >"$1" && exec unshare --user --map-root-user sleep 1000' \
		sh "$f"
	P=$NSTK_PID
	nstk_wait_comm "$P" sleep
	[[ "$(cat "$f")" =~ ^user:\[([0-9]+)\]$ ]] || fail "outer user ns not recorded: $(cat "$f")"
	OUTER_USER=${BASH_REMATCH[1]}
	INNER_USER=$(nstk_ns_ino "$P" user)
	HOST_USER=$(nstk_ns_ino self user)
	[ "$OUTER_USER" != "$INNER_USER" ] && [ "$OUTER_USER" != "$HOST_USER" ]
}

# A sleep in a new net namespace, child of this shell (in the host's).
spawn_netns_sleep() {
	nstk_spawn unshare --net "$@"
	P=$NSTK_PID
	nstk_wait_comm "$P" sleep
	N=$(nstk_ns_ino "$P" net)
	HOST_NET=$(nstk_ns_ino self net)
	[ "$N" != "$HOST_NET" ]
}

# Bad usage: exit 2, one line on stderr starting "nsls: ", nothing on stdout.
assert_usage_error() {
	nsls_run "$@"
	[ "$status" -eq 2 ] || fail "nsls $* exited $status, want 2; stderr: $stderr"
	[ "${#stderr_lines[@]}" -eq 1 ] || fail "nsls $* printed ${#stderr_lines[@]} lines on stderr: $stderr"
	[[ "$stderr" == "nsls: "* ]] || fail "stderr does not start with 'nsls: ': $stderr"
	[ -z "$output" ] || fail "nsls $* printed on stdout: $output"
}

# The header line of the last nsls_run, blanks squeezed.
header() {
	echo "${lines[0]}" | tr -s ' ' | sed 's/^ //; s/ $//'
}

# ---------------------------------------------------------------------------
# What nsls finds

@test "nsls finds a process's namespaces of all 8 kinds" {
	spawn_all_kinds
	nsls_json
	local k ino want_n want_pid p
	for k in "${NSTK_KINDS[@]}"; do
		ino=$(nstk_ns_ino "$INNER" "$k")
		[ "$ino" != "$(nstk_ns_ino self "$k")" ] || fail "$k: the sleep is still in the test's $k namespace"
		# The kernel says which of our two processes sit in it.
		want_n=0 want_pid=
		for p in "$OUTER" "$INNER"; do
			if [ "$(nstk_ns_ino "$p" "$k")" = "$ino" ]; then
				want_n=$((want_n + 1))
				if [ -z "$want_pid" ] || [ "$p" -lt "$want_pid" ]; then want_pid=$p; fi
			fi
		done
		assert_equal "$(jqn '[.namespaces[] | select(.ns == $i)] | length' --argjson i "$ino")" 1
		assert_equal "$(jqn '.namespaces[] | select(.ns == $i) | "\(.type) \(.nprocs) \(.pid)"' \
			--argjson i "$ino")" "$k $want_n $want_pid"
	done
}

@test "nsls -p lists exactly the 8 namespaces of that process" {
	spawn_all_kinds
	local k words=() want
	for k in "${NSTK_KINDS[@]}"; do
		words+=("$k:$(nstk_ns_ino "$INNER" "$k")")
	done
	want=$(printf '%s\n' "${words[@]}" | sort | paste -sd ' ')

	nsls_json -p "$INNER"
	assert_equal "$(jqn '[.namespaces[] | "\(.type):\(.ns)"] | sort | join(" ")')" "$want"

	nsls_run --task "$INNER" -l -n -r -o TYPE,NS
	assert_success
	assert_equal "$(printf '%s\n' "${lines[@]}" | tr ' ' : | sort | paste -sd ' ')" "$want"
}

@test "nsls counts two processes sharing a net namespace: NPROCS 2, PID the lower" {
	nstk_netns_add
	local name=$NSTK_NETNS_NAME a b n
	nstk_spawn ip netns exec "$name" sleep 1000
	a=$NSTK_PID
	nstk_spawn ip netns exec "$name" sleep 1000
	b=$NSTK_PID
	nstk_wait_comm "$a" sleep
	nstk_wait_comm "$b" sleep
	n=$(nstk_ns_ino "$a" net)
	assert_equal "$(nstk_ns_ino "$b" net)" "$n"
	[ "$n" != "$(nstk_ns_ino self net)" ]
	# ip netns exec gives each its own mount namespace: one process each.
	[ "$(nstk_ns_ino "$a" mnt)" != "$(nstk_ns_ino "$b" mnt)" ]

	nsls_json -o NS,TYPE,NPROCS,PID
	local lower=$((a < b ? a : b))
	assert_equal "$(jqn '.namespaces[] | select(.ns == $i) | "\(.type) \(.nprocs) \(.pid)"' \
		--argjson i "$n")" "net 2 $lower"
	assert_equal "$(jqn '.namespaces[] | select(.ns == $i) | "\(.nprocs) \(.pid)"' \
		--argjson i "$(nstk_ns_ino "$a" mnt)")" "1 $a"
	assert_equal "$(jqn '.namespaces[] | select(.ns == $i) | "\(.nprocs) \(.pid)"' \
		--argjson i "$(nstk_ns_ino "$b" mnt)")" "1 $b"
}

# ---------------------------------------------------------------------------
# Owners and parents

@test "nsls -T owner nests a user namespace's net and uts namespaces under it" {
	spawn_userns_owning_net_uts
	nsls_json -T owner
	assert_equal "$(jqn '.tree')" owner
	assert_equal "$(jqn 'node("user"; $u) | kids' --argjson u "$U")" "$(printf 'net:%s uts:%s' "$N" "$T")"
	assert_equal "$(jqn 'node("user"; $h) | [.children[]? | select(.type == "user") | .ns] | index($u) != null' \
		--argjson h "$HOST_USER" --argjson u "$U")" true
	# Each appears once, nested, not also as a root.
	assert_equal "$(jqn '[.namespaces[] | select(.ns == $n or .ns == $t or .ns == $u)] | length' \
		--argjson n "$N" --argjson t "$T" --argjson u "$U")" 0
}

@test "nsls ONS column names the owning user namespace" {
	spawn_userns_owning_net_uts
	nsls_json -o NS,ONS -p "$P"
	assert_equal "$(jqn '.namespaces[] | select(.ns == $i) | .ons' --argjson i "$N")" "$U"
	assert_equal "$(jqn '.namespaces[] | select(.ns == $i) | .ons' --argjson i "$T")" "$U"
	assert_equal "$(jqn '.namespaces[] | select(.ns == $i) | .ons' --argjson i "$U")" "$HOST_USER"
	assert_equal "$(jqn '.namespaces[0] | keys_unsorted | join(",")')" "ns,ons"
}

# bats test_tags=vm
@test "nsls -T parent nests a pid namespace inside a pid namespace" {
	nstk_spawn unshare --fork --pid --mount-proc unshare --fork --pid --mount-proc sleep 1000
	local s m inner outer host
	s=$(nstk_descendant "$NSTK_PID" sleep)
	m=$(_nstk_stat "$s" | cut -d' ' -f2) # the inner unshare, PID 1 of the outer pid ns
	inner=$(nstk_ns_ino "$s" pid)
	outer=$(nstk_ns_ino "$m" pid)
	host=$(nstk_ns_ino self pid)
	[ "$inner" != "$outer" ] && [ "$outer" != "$host" ] && [ "$inner" != "$host" ]

	nsls_json -T parent -t pid
	assert_equal "$(jqn '.tree')" parent
	assert_equal "$(jqn '[.. | objects | select(has("type")) | .type] | unique | join(" ")')" pid
	assert_equal "$(jqn 'node("pid"; $o) | kids' --argjson o "$outer")" "pid:$inner"
	assert_equal "$(jqn 'node("pid"; $h) | [.children[]?.ns] | index($o) != null' \
		--argjson h "$host" --argjson o "$outer")" true
	assert_equal "$(jqn 'node("pid"; $i) | "\(.nprocs) \(.pid)"' --argjson i "$inner")" "1 $s"
	# The sleep is in the outer pid namespace too, but its link names the inner.
	assert_equal "$(jqn 'node("pid"; $o) | "\(.nprocs) \(.pid)"' --argjson o "$outer")" "1 $m"
}

@test "nsls PNS column names the parent pid namespace, 0 (as lsns) for kinds without parents" {
	nstk_spawn unshare --fork --pid --mount-proc unshare --fork --pid --mount-proc sleep 1000
	local s m inner outer host
	s=$(nstk_descendant "$NSTK_PID" sleep)
	m=$(_nstk_stat "$s" | cut -d' ' -f2)
	inner=$(nstk_ns_ino "$s" pid)
	outer=$(nstk_ns_ino "$m" pid)
	host=$(nstk_ns_ino self pid)

	nsls_json -o NS,TYPE,PNS
	assert_equal "$(jqn '.namespaces[] | select(.ns == $i) | .pns' --argjson i "$inner")" "$outer"
	assert_equal "$(jqn '.namespaces[] | select(.ns == $i) | .pns' --argjson i "$outer")" "$host"
	assert_equal "$(jqn '[.namespaces[] | select(.type != "pid" and .type != "user") | .pns] | unique | map(tostring) | join(",")')" 0
	# The sleep's own mnt namespace is new and has no parent.
	assert_equal "$(jqn '.namespaces[] | select(.ns == $i) | .pns' --argjson i "$(nstk_ns_ino "$s" mnt)")" 0
	nsls_run -n -o PNS "$(nstk_ns_ino "$s" mnt)"
	assert_output --regexp '^ *0$' 
}

@test "nsls -T parent and -T owner show a user namespace no process sits in as an ancestor" {
	spawn_ancestor_only_userns
	local mode
	for mode in parent owner; do
		nsls_json -T "$mode"
		assert_equal "$(jqn '.tree')" "$mode"
		assert_equal "$(jqn 'node("user"; $o) | "\(.nprocs) \(.pid) \(.command)"' \
			--argjson o "$OUTER_USER")" "0 null null"
		assert_equal "$(jqn 'node("user"; $o) | kids' --argjson o "$OUTER_USER")" "user:$INNER_USER"
		assert_equal "$(jqn 'node("user"; $h) | [.children[]?.ns] | index($o) != null' \
			--argjson h "$HOST_USER" --argjson o "$OUTER_USER")" true
		assert_equal "$(jqn 'node("user"; $i) | "\(.nprocs) \(.pid)"' --argjson i "$INNER_USER")" "1 $P"
	done

	nsls_run -T parent -t user -o NS,NPROCS,PID,COMMAND
	assert_success
	assert_line --regexp "(^|[^0-9])$OUTER_USER +0 +\(no process: ancestor\)\$"
	nsls_run -T owner -o NS,TYPE,NPROCS,COMMAND
	assert_success
	assert_line --regexp "(^|[^0-9])$OUTER_USER +user +0 +\(no process: ancestor\)\$"
}

@test "nsls lists a net namespace that only a bind mount holds (ip netns add)" {
	nstk_netns_add
	local n
	n=$(stat -L -c %i "/run/netns/$NSTK_NETNS_NAME")
	[ "$n" != "$(nstk_ns_ino self net)" ]
	nsls_json -t net
	assert_equal "$(jqn '[.namespaces[] | select(.ns == $n)] | length' --argjson n "$n")" 1
	assert_equal "$(jqn '.namespaces[] | select(.ns == $n) | "\(.type) \(.nprocs) \(.pid) \(.user) \(.command)"' \
		--argjson n "$n")" "net 0 null root null"
	# No process: UID and USER are its owner's, as lsns (-Q sees them too).
	nsls_json -o NS,UID "$n"
	assert_equal "$(jqn '.namespaces[0].uid')" 0
	nsls_run -n -o NS -Q "NS == $n && USER == \"root\" && UID == 0"
	assert_output "$n"
	# Once a process sits in it, it is counted as any other.
	nstk_spawn ip netns exec "$NSTK_NETNS_NAME" sleep 1000
	nstk_wait_comm "$NSTK_PID" sleep
	nsls_json -t net
	assert_equal "$(jqn '.namespaces[] | select(.ns == $n) | "\(.nprocs) \(.pid)"' --argjson n "$n")" \
		"1 $NSTK_PID"
}

# ---------------------------------------------------------------------------
# Selecting rows and columns

@test "nsls -t shows only the given type" {
	nsls_json -t net
	assert_equal "$(jqn '[.namespaces[].type] | unique | join(" ")')" net
	assert_equal "$(jqn '[.namespaces[] | select(.ns == $i)] | length' \
		--argjson i "$(nstk_ns_ino self net)")" 1
	nsls_run -t uts -l -n -o TYPE
	assert_success
	assert_equal "$(printf '%s\n' "${lines[@]}" | sort -u)" uts
}

@test "nsls -t repeated shows each given type and no other" {
	nsls_json -t net --type uts
	assert_equal "$(jqn '[.namespaces[].type] | unique | join(" ")')" "net uts"
	assert_equal "$(jqn '[.namespaces[] | select(.ns == $n or .ns == $u)] | length' \
		--argjson n "$(nstk_ns_ino self net)" --argjson u "$(nstk_ns_ino self uts)")" 2
}

@test "nsls default columns are NS TYPE NPROCS PID USER COMMAND" {
	nsls_run -l
	assert_success
	assert_equal "$(header)" "NS TYPE NPROCS PID USER COMMAND"
	nsls_run -t user
	assert_success
	assert_equal "$(header)" "NS TYPE NPROCS PID USER COMMAND"
	# JSON may add keys after these (HOLDERS), but starts with them, in order.
	nsls_json
	assert_equal "$(jqn '[.namespaces[] | keys_unsorted[:6] | join(",")] | unique | join(" ")')" \
		"ns,type,nprocs,pid,user,command"
}

@test "nsls -o shows exactly the listed columns, in order, any case" {
	nsls_run -l -o TYPE,NS,PID
	assert_success
	assert_equal "$(header)" "TYPE NS PID"
	nsls_run -l --output type,ns,pid
	assert_success
	assert_equal "$(header)" "TYPE NS PID"
	nsls_json -o PID,NS,TYPE
	assert_equal "$(jqn '[.namespaces[] | keys_unsorted | join(",")] | unique | join(" ")')" "pid,ns,type"
}

@test "nsls -o +PPID appends PPID to the default columns" {
	nsls_run -l -o +PPID
	assert_success
	assert_equal "$(header)" "NS TYPE NPROCS PID USER COMMAND PPID"
	nsls_run -l -o +PPID,UID
	assert_success
	assert_equal "$(header)" "NS TYPE NPROCS PID USER COMMAND PPID UID"
	# In JSON too: the default keys, then ppid.
	local defaults
	nsls_json
	defaults=$(jqn '.namespaces[0] | keys_unsorted | join(",")')
	nsls_json -o +PPID
	assert_equal "$(jqn '[.namespaces[] | keys_unsorted | join(",")] | unique | join(" ")')" "$defaults,ppid"
}

@test "nsls -o +LIST appends to the columns an earlier -o chose" {
	nsls_run -l -o NS -o +TYPE
	assert_success
	assert_equal "$(header)" "NS TYPE"
	nsls_run -l -o NS,PID -o +TYPE,PPID
	assert_success
	assert_equal "$(header)" "NS PID TYPE PPID"
	# A list without + replaces what came before.
	nsls_run -l -o NS -o TYPE
	assert_success
	assert_equal "$(header)" "TYPE"
}

@test "nsls --output-all shows every column" {
	# Every column -h lists, in that order...
	local all
	nsls_run -h
	assert_success
	all=$(sed -n '/^Available output columns:/,/^$/{/^Available/d;p}' <<<"$output" | awk 'NF > 1 { print $1 }' | paste -sd ' ')
	# ...which are at least these, in this order.
	[[ " $all " =~ \ NS\ TYPE\ PATH\ NPROCS\ PID\ PPID\ COMMAND\ UID\ USER\ NETNSID\ NSFS\ PNS\ ONS\  ]] ||
		fail "-h lists the columns '$all'"
	nsls_run -l --output-all
	assert_success
	assert_equal "$(header)" "$all"
	nsls_json --output-all
	assert_equal "$(jqn '[.namespaces[] | keys_unsorted | join(" ")] | unique | join(",")')" \
		"$(tr 'A-Z' 'a-z' <<<"$all")"
}

@test "nsls PATH, PPID, UID, USER and COMMAND describe the namespace's lowest PID" {
	spawn_netns_sleep sleep 1000
	local ppid uid
	ppid=$(_nstk_stat "$P" | cut -d' ' -f2)
	uid=$(awk '/^Uid:/ { print $3 }' "/proc/$P/status")
	nsls_json --output-all -t net -p "$P"
	assert_equal "$(jqn '.namespaces | length')" 1
	assert_equal "$(jqn '.namespaces[0] | "\(.ns) \(.type) \(.nprocs) \(.pid) \(.ppid) \(.uid)"')" \
		"$N net 1 $P $ppid $uid"
	assert_equal "$(jqn '.namespaces[0].path')" "/proc/$P/ns/net"
	assert_equal "$(readlink "$(jqn '.namespaces[0].path')")" "net:[$N]"
	assert_equal "$(jqn '.namespaces[0].user')" "$(getent passwd "$uid" | cut -d: -f1)"
	assert_equal "$(jqn '.namespaces[0].command')" "$(tr '\0' ' ' <"/proc/$P/cmdline" | sed 's/ $//')"
}

@test "nsls -n prints no header line" {
	nsls_run -l
	assert_success
	assert_line --index 0 --regexp '^ *NS +TYPE +NPROCS +PID +USER +COMMAND$'
	nsls_run -l -n
	assert_success
	[ "${#lines[@]}" -gt 0 ]
	refute_line --regexp 'NS +TYPE'
	local l
	for l in "${lines[@]}"; do
		[[ "$l" =~ ^\ *[0-9]+\ +[a-z]+\  ]] || fail "not a namespace row: '$l'"
	done
	nsls_run --noheadings -T owner
	assert_success
	refute_line --regexp 'NS +TYPE'
}

@test "nsls -r prints raw lines: one space between cells, no padding, no tree glyphs" {
	spawn_userns_owning_net_uts
	# -T owner -p: the net row is a child of the user row, so a tree is drawn;
	# the tree also draws the initial user namespace the process's hangs from.
	nsls_run -r -T owner -p "$P"
	assert_success
	assert_equal "${lines[0]}" "NS TYPE NPROCS PID USER COMMAND"
	assert_equal "${#lines[@]}" 10
	refute_output --regexp '[│├└─]'
	refute_output --regexp '(^| ) '
	local l
	for l in "${lines[@]:1}"; do
		[[ "$l" =~ ^[^\ ]*[0-9]+\ [a-z]+\ [0-9]+\ [0-9]+\ [^\ ]+\ [^\ ]+$ ]] || fail "not a raw row: '$l'"
	done
	assert_line --regexp "^[^ ]*$N net 1 $P root sleep\\\\x201000\$"
	nsls_run --raw -l -o NS,TYPE -p "$P"
	assert_success
	assert_line "$N net"
	assert_line "$U user"
}

@test "nsls -u does not truncate COMMAND on a narrow terminal" {
	command -v script >/dev/null || skip "script(1) is not installed"
	# The marker sits past column 60, whole on a wrapped line.
	spawn_netns_sleep sleep 1000 $(printf '0 %.0s' $(seq 30)) 0.000000042
	local narrow="stty cols 60; exec \"$NSLS\" -l -p $P -t net -o NS,COMMAND"
	run script -qec "$narrow" /dev/null
	assert_success
	assert_output --partial "$N sleep 1000 0 0"
	refute_output --partial 0.000000042
	run script -qec "$narrow -u" /dev/null
	assert_success
	assert_output --partial 0.000000042
}

@test "nsls -u prints a long command whole on one line, as lsns does" {
	command -v script >/dev/null || skip "script(1) is not installed"
	spawn_netns_sleep sleep 1000 $(printf '0 %.0s' $(seq 30)) 0.000000042
	run script -qec "stty cols 60; exec \"$NSLS\" -n -l -p $P -t net -o NS,COMMAND -u" /dev/null
	assert_success
	refute_line --regexp '^ +[^ ]'
	assert_line --regexp "^$N sleep 1000 0 0.* 0.000000042"
}

@test "nsls NSFS: one path per line, as lsns; joined by ',' with -W and -r" {
	nstk_netns_add
	local n second="$BATS_TEST_TMPDIR/second"
	n=$(stat -L -c %i "/run/netns/$NSTK_NETNS_NAME")
	touch "$second"
	mount --bind "/run/netns/$NSTK_NETNS_NAME" "$second"
	nsls_run -n -o NS,NSFS "$n"
	umount "$second"
	assert_success
	assert_equal "${#lines[@]}" 2
	assert_line --index 0 --regexp "^$n +/run/netns/$NSTK_NETNS_NAME\$"
	assert_line --index 1 --regexp "^ +$second\$"
	mount --bind "/run/netns/$NSTK_NETNS_NAME" "$second"
	nsls_run -n -W -o NS,NSFS "$n"
	local w_output="$output"
	nsls_run -r -n -o NS,NSFS "$n"
	local r_output="$output"
	nsls_json -o NS,NSFS "$n"
	umount "$second"
	assert_equal "$w_output" "$n /run/netns/$NSTK_NETNS_NAME,$second"
	assert_equal "$r_output" "$n /run/netns/$NSTK_NETNS_NAME,$second"
	# JSON keeps a list (lsns 2.42: one string with newlines).
	assert_equal "$(jqn '.namespaces[0].nsfs | join(" ")')" "/run/netns/$NSTK_NETNS_NAME $second"
}

@test "nsls with a namespace inode shows only that namespace" {
	spawn_netns_sleep sleep 1000
	nsls_json "$N"
	assert_equal "$(jqn '[.namespaces[] | "\(.ns) \(.type) \(.nprocs) \(.pid)"] | join(",")')" "$N net 1 $P"
	nsls_run -n -l -o NS,TYPE "$N"
	assert_success
	assert_output "$N net"
}

@test "nsls with an unknown namespace inode fails: one error line, exit 1" {
	nsls_assert_failure_with "nsls: no namespace with inode 1" 1
}

@test "nsls with a namespace inode combines with -p and -t" {
	spawn_netns_sleep sleep 1000
	nsls_json -p "$P" -t net "$N"
	assert_equal "$(jqn '[.namespaces[].ns] | join(",")')" "$N"
	# -t filters the inode out: as good as no such namespace.
	nsls_assert_failure_with "nsls: no namespace with inode $N" -t uts "$N"
	# The host's net namespace is not the sleep's.
	nsls_assert_failure_with "nsls: no namespace with inode $HOST_NET among the task's" -p "$P" "$HOST_NET"
}

# ---------------------------------------------------------------------------
# Tree modes

@test "nsls sorts rows by inode, and the children of each row" {
	nsls_json
	assert_equal "$(jqn '[.namespaces[].ns] | . == sort')" true
	nsls_json -T process
	assert_equal "$(jqn '[.namespaces, (.. | objects | .children? // empty) | map(.ns) | . == sort] | all')" true
	# The owner and parent trees put their roots where lsns does
	# (nsls_lsns_trees.bats); children are in inode order there too.
	local mode
	for mode in owner parent; do
		nsls_json -T "$mode"
		assert_equal "$(jqn '[.. | objects | .children? // empty | map(.ns) | . == sort] | all')" true
	done
	# The initial user namespace owns the host's others: there are children to sort.
	nsls_json -T owner
	assert_equal "$(jqn '[.namespaces[].children? // empty] | length > 0')" true
}

@test "nsls draws the tree in the first column when its own column is not shown" {
	spawn_userns_owning_net_uts
	# The owner tree draws in NS; without NS, in TYPE.
	nsls_run -T owner -p "$P" -o TYPE,NPROCS
	assert_success
	assert_line --regexp '^[│ ] [├└]─net +1$'
	assert_line --regexp '^[│ ] [├└]─uts +1$'
	# The process tree draws in COMMAND; without COMMAND, in NS.
	spawn_netns_sleep sleep 1000
	nsls_run -t net -o NS,PID
	assert_success
	assert_line --regexp "^[│ ]*[├└]─$N +$P\$"
}

@test "nsls -J and -l give a flat list without -T" {
	spawn_netns_sleep sleep 1000
	nsls_json
	assert_equal "$(jqn 'has("tree")')" false
	assert_equal "$(jqn '[.namespaces[] | select(has("children"))] | length')" 0
	assert_equal "$(jqn '[.namespaces[] | select(.ns == $n)] | length' --argjson n "$N")" 1
	nsls_run -l -t net -o NS,COMMAND
	assert_success
	refute_output --regexp '[│├└─]'
	assert_line --regexp "^ *$N sleep 1000\$"
}

@test "nsls default text output is a process tree" {
	spawn_netns_sleep sleep 1000
	nsls_run -t net -o NS,COMMAND
	assert_success
	# The sleep's parent (this shell) is in the host net namespace.
	assert_line --regexp "^ *$N [│ ]*[├└]─sleep 1000\$"
	assert_line --regexp "^ *$HOST_NET [^│├└]"
}

@test "nsls --tree=process and -Tprocess nest a namespace under its parent process's" {
	spawn_netns_sleep sleep 1000
	local spelling
	for spelling in --tree=process -Tprocess "-T process" "--tree process"; do
		# shellcheck disable=SC2086
		nsls_json $spelling -t net
		assert_equal "$(jqn '.tree')" process
		assert_equal "$(jqn 'node("net"; $h) | [.children[]?.ns] | index($n) != null' \
			--argjson h "$HOST_NET" --argjson n "$N")" true
		assert_equal "$(jqn '[.namespaces[].ns] | index($n)' --argjson n "$N")" null
	done
}

@test "nsls -T owner, --tree owner, --tree=owner, bare -T and bare --tree give the owner tree" {
	spawn_userns_owning_net_uts
	local spelling
	for spelling in "-T owner" "--tree owner" --tree=owner -Towner -T --tree; do
		# shellcheck disable=SC2086
		nsls_json $spelling
		assert_equal "$(jqn '.tree')" owner
		assert_equal "$(jqn 'node("user"; $u) | kids' --argjson u "$U")" "net:$N uts:$T"
	done
	# A bare -T before other options and an inode: still owner, that row
	# hanging from the user namespace that owns it (the initial one).
	nsls_run -T -J "$U"
	assert_success
	NSTK_JSON=$output
	assert_equal "$(jqn '"\(.tree) \([.namespaces[].ns] | join(",")) \([.namespaces[].children[].ns] | join(","))"')" \
		"owner $(nstk_ns_ino self user) $U"
}

@test "nsls -T parent and --tree=parent give the parent tree" {
	spawn_ancestor_only_userns
	local spelling
	for spelling in "-T parent" --tree=parent -Tparent "--tree parent"; do
		# shellcheck disable=SC2086
		nsls_json $spelling -t user
		assert_equal "$(jqn '.tree')" parent
		assert_equal "$(jqn 'node("user"; $o) | kids' --argjson o "$OUTER_USER")" "user:$INNER_USER"
	done
	# The parent tree links pid and user namespaces only: a net namespace is a root.
	nsls_json -T parent -t net
	assert_equal "$(jqn '[.namespaces[] | select(has("children"))] | length')" 0
}

# ---------------------------------------------------------------------------
# Errors and partial results

@test "nsls -p abc is a usage error: one line, exit 2" {
	assert_usage_error -p abc
}

@test "nsls -t bogus is a usage error: one line, exit 2" {
	assert_usage_error -t bogus
}

@test "nsls -o BOGUS is a usage error: one line, exit 2" {
	assert_usage_error -o BOGUS
	assert_usage_error -o NS,BOGUS
	assert_usage_error -o +BOGUS
}

@test "nsls --tree=bad is a usage error: one line, exit 2" {
	assert_usage_error --tree=bad
	assert_usage_error -Tbad
	# "-T bad": bad is no relation, so it is read as an inode, which it is not.
	assert_usage_error -T bad
}

@test "nsls -l -T is a usage error: one line, exit 2" {
	assert_usage_error -l -T
	assert_usage_error --tree=parent --list
}

@test "nsls -J -r is a usage error: one line, exit 2" {
	assert_usage_error -J -r
}

@test "nsls with more than one positional argument is a usage error" {
	assert_usage_error 1 2
	assert_usage_error 0
}

@test "nsls with too many columns is a usage error" {
	assert_usage_error -o "$(printf 'NS,%.0s' $(seq 64))NS"
}

@test "nsls with an unknown option is a usage error" {
	nsls_run --bogus
	assert_equal "$status" 2
	assert_output ""
	[[ "$stderr" == *bogus* ]] || fail "stderr does not name the option: $stderr"
}

@test "nsls -p 999999999 fails: one error line, exit 1" {
	nsls_assert_failure_with "nsls: no process with PID 999999999" -p 999999999
}

@test "nsls -p 1 fails when PID 1's namespaces are denied: one error line, exit 1" {
	if readlink /proc/1/ns/net >/dev/null 2>&1; then
		skip "PID 1's namespaces are readable here"
	fi
	nsls_assert_failure_with "nsls: cannot read /proc/1/ns: Permission denied" -p 1
}

@test "nsls on processes it may not inspect: partial JSON, exit 0, one line on stderr only for a terminal" {
	if readlink /proc/1/ns/net >/dev/null 2>&1; then
		skip "PID 1's namespaces are readable here"
	fi
	nsls_json
	assert_equal "$stderr" ""
	assert_equal "$(jqn '.partial')" true
	assert_equal "$(jqn '.denied >= 1')" true
	nsls_run
	assert_success
	assert_equal "$stderr" ""
	# stderr a terminal (script(1)), stdout not: the one line.
	run script -qec "\"$NSLS\" >/dev/null" /dev/null
	assert_success
	[[ "$(tr -d '\r' <<<"$output")" =~ ^nsls:\ [0-9]+\ process(es)?\ not\ inspected\ \(permission\ denied:\ PID\ 1[,\ \)].*\;\ counts\ leave\ them\ out$ ]] ||
		fail "unexpected terminal stderr: $output"
}

@test "nsls reports a write error: exit 1" {
	run --separate-stderr bash -c '"$0" -J >/dev/full' "$NSLS"
	assert_equal "$status" 1
	assert_equal "${stderr_lines[-1]}" "nsls: write error: No space left on device"
}

# ---------------------------------------------------------------------------
# The JSON document

@test "nsls JSON: schema 1, counters, numbers as numbers, null where no value" {
	nsls_json --output-all
	assert_equal "$(jqn '[keys_unsorted[]] | join(" ")')" "schema partial denied vanished namespaces"
	assert_equal "$(jqn '"\(.schema) \(.partial | type) \(.denied | type) \(.vanished | type)"')" \
		"1 boolean number number"
	assert_equal "$(jqn '.partial == (.denied > 0)')" true
	[ "$(jqn '.namespaces | length')" -gt 0 ]
	local bad
	bad=$(jqn '[.namespaces[] | select(
		(.ns | type) != "number" or (.nprocs | type) != "number" or .nprocs < 0
		or (.type as $t | ["cgroup","ipc","mnt","net","pid","time","user","uts"] | index($t) == null)
		or ([.pid, .ppid, .uid, .pns, .ons] | map(type) - ["number", "null"] | length) > 0
		or ((.nprocs > 0) != (.pid != null))
		or ([.path, .command, .user] | map(type) - ["string", "null"] | length) > 0)]')
	assert_equal "$bad" "[]"
	# The test's own namespaces: all 8 kinds, each once.
	local k
	for k in "${NSTK_KINDS[@]}"; do
		assert_equal "$(jqn '[.namespaces[] | select(.ns == $i)] | map(.type) | join(",")' \
			--argjson i "$(nstk_ns_ino self "$k")")" "$k"
	done
}

@test "nsls JSON: a command that is not valid UTF-8 is escaped, valid JSON, the row kept" {
	spawn_netns_sleep bash -c $'exec -a \xff\xfe sleep 1000'
	nsls_json -p "$P" -t net
	assert_equal "$(jqn '.namespaces[] | "\(.ns) \(.pid) \(.command)"')" "$N $P \\xff\\xfe 1000"
	# Text escapes the bytes instead.
	nsls_run -l -n -p "$P" -t net -o NS,COMMAND
	assert_success
	assert_output "$N \\xff\\xfe 1000"
}

@test "nsls -n, -u and -W do not change JSON output" {
	spawn_netns_sleep sleep 1000
	local plain
	nsls_json -p "$P" -t net -o NS,TYPE,NPROCS,PID,PPID,COMMAND,UID,USER,PATH
	plain=$(jqn '.namespaces')
	nsls_json -n -u -W -p "$P" -t net -o NS,TYPE,NPROCS,PID,PPID,COMMAND,UID,USER,PATH
	assert_equal "$(jqn '.namespaces')" "$plain"
}

# ---------------------------------------------------------------------------
# Help and version

@test "nsls -V prints the version" {
	local version
	version=$(sed -n 's/^VERSION *:= *//p' "$NSTK_ROOT/Makefile")
	[ -n "$version" ]
	nsls_run -V
	assert_success
	assert_output "nsls from nstk $version"
	assert_equal "$stderr" ""
	nsls_run --version
	assert_output "nsls from nstk $version"
}

@test "nsls -h prints usage with every option and every column name" {
	nsls_json --output-all
	local cols
	cols=$(jqn '.namespaces[0] | keys_unsorted[] | ascii_upcase')
	[ "$(wc -l <<<"$cols")" -ge 11 ]
	nsls_run -h
	assert_success
	assert_equal "$stderr" ""
	assert_line --index 0 "Usage:"
	local c o
	for c in $cols; do
		assert_line --regexp "^ +$c  [^ ]"
	done
	for o in -J --json -l --list -n --noheadings -o --output --output-all -p --task -r --raw \
		-u --notruncate -W --nowrap -t --type -T --tree -h --help -V --version; do
		assert_output --regexp "(^| )$o[ ,=[]"
	done
	local help=$output
	nsls_run --help
	assert_output "$help"
}

# ---------------------------------------------------------------------------
# Against util-linux

# "type:inode" of every namespace link of a zombie that can still be read
# (pid and user stay readable after exit), one per line.
zombie_namespaces() {
	local p k l
	for p in $(cat /proc/[0-9]*/stat 2>/dev/null | sed -n 's/^\([0-9]*\) .*) Z .*/\1/p'); do
		for k in "${NSTK_KINDS[@]}"; do
			l=$(readlink "/proc/$p/ns/$k" 2>/dev/null) || continue
			echo "$k:${l//[^0-9]/}"
		done
	done
}

# bats test_tags=vm
@test "nsls agrees with lsns on the type, nprocs and pid of every namespace" {
	command -v lsns >/dev/null || skip "lsns is not installed"
	spawn_all_kinds
	local d=$BATS_TEST_TMPDIR diff attempt k
	# Processes come and go on a live host, so each nsls run sits between two
	# lsns runs and only namespaces on which both lsns runs agree must match;
	# when any does not, all three run again. All three run the same way, as
	# children of this shell, so each counts the same processes of ours.
	# lsns 2.38 counts a zombie in the namespaces whose links it can still
	# read (pid, user); nsls leaves zombies out (JSON counts them as
	# vanished): namespaces that hold a zombie are not compared.
	for attempt in 1 2 3 4 5; do
		zombie_namespaces >"$d/zombies"
		lsns -J -o NS,TYPE,NPROCS,PID >"$d/before.json"
		"$NSLS" -J -o NS,TYPE,NPROCS,PID >"$d/nsls.json" 2>"$d/nsls.err" ||
			fail "nsls failed: $(cat "$d/nsls.err")"
		lsns -J -o NS,TYPE,NPROCS,PID >"$d/after.json"
		zombie_namespaces >>"$d/zombies"
		! grep -Eq 'Sanitizer|runtime error:' "$d/nsls.err" || fail "sanitizer report: $(cat "$d/nsls.err")"
		# lsns 2.38 sees processes only; nsls also lists namespaces no
		# process sits in (NPROCS 0: ancestors, bind mounts, fds, threads).
		diff=$(jq -n --slurpfile b "$d/before.json" --slurpfile a "$d/after.json" \
			--slurpfile n "$d/nsls.json" --rawfile z "$d/zombies" '
			def byns: map({key: "\(.type):\(.ns)", value: {type, nprocs, pid}}) | from_entries;
			($b[0].namespaces | byns) as $B | ($a[0].namespaces | byns) as $A
			| ($n[0].namespaces | byns) as $N
			| ($z | split("\n") | map(select(length > 0) | {(.): true}) | add // {}) as $Z
			| ($B | with_entries(select($A[.key] == .value and $Z[.key] == null))) as $stable
			| { mismatched: [$stable | to_entries[] | select($N[.key] != .value)
			                  | {ns: .key, lsns: .value, nsls: $N[.key]}],
			    only_nsls: [$N | to_entries[]
			                | select($B[.key] == null and $A[.key] == null and .value.nprocs > 0) | .key] }
			| select(.mismatched + .only_nsls | length > 0)')
		[ -z "$diff" ] && break
		echo "# attempt $attempt: $(jq -c . <<<"$diff")" >&3
	done
	[ -z "$diff" ] || fail "nsls and lsns disagree: $diff"
	# Our own namespaces were among those compared.
	for k in "${NSTK_KINDS[@]}"; do
		assert_equal "$(jq --argjson i "$(nstk_ns_ino "$INNER" "$k")" \
			'[.namespaces[] | select(.ns == $i)] | length' "$d/before.json" "$d/after.json" | paste -sd ' ')" "1 1"
	done
}

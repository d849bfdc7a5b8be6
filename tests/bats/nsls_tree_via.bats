#!/usr/bin/env bats
# nsls_tree_via.bats — the processes between a row and its parent row in the
# process tree ("via"), without containers: `unshare --fork --net --pid sleep`
# holds a net namespace itself (unshare(2) moves the caller) but only its
# forked child is in the new pid namespace, so the pid row hangs under the
# host's through the unshare process, and the net row through this shell.
# Every PID is checked against the kernel's PPid.

load helpers

setup() {
	nstk_spawn unshare --fork --net --pid sleep 1000
	U=$NSTK_PID
	S=$(nstk_descendant "$U" sleep)
	NET=$(nstk_ns_ino "$U" net)
	PIDNS=$(nstk_ns_ino "$S" pid)
	HOST_PID=$(nstk_ns_ino self pid)
	[ "$(nstk_ns_ino "$U" pid)" = "$HOST_PID" ]
	[ "$PIDNS" != "$HOST_PID" ]
	[ "$(nstk_ns_ino "$S" net)" = "$NET" ]
}

teardown() {
	nstk_cleanup
}

ppid_of() {
	awk '/^PPid:/ { print $2 }' "/proc/$1/status"
}

@test "nsls -J -T process: the pid row's via is the unshare process, as the kernel has it" {
	assert_equal "$(ppid_of "$S")" "$U"
	nsls_json -T process -t pid -o NS,TYPE,PID,PPID,COMMAND
	local node='node("pid"; $n)'
	assert_equal "$(jqn "$node | \"\(.pid) \(.ppid)\"" --argjson n "$PIDNS")" "$S $U"
	assert_equal "$(jqn "$node | .via | length" --argjson n "$PIDNS")" 1
	assert_equal "$(jqn "$node | .via[0] | \"\(.pid) \(.ppid) \(.user) \(.command)\"" --argjson n "$PIDNS")" \
		"$U $(ppid_of "$U") $(id -un) unshare --fork --net --pid sleep 1000"
	assert_equal "$(jqn "$node | .via[0].uid" --argjson n "$PIDNS")" "$(id -u)"
	# It hangs under the host's pid row, which has no via of its own.
	assert_equal "$(jqn 'node("pid"; $h) | [.children[]?.ns] | index($n) != null' \
		--argjson h "$HOST_PID" --argjson n "$PIDNS")" true
	assert_equal "$(jqn 'node("pid"; $h) | .via' --argjson h "$HOST_PID")" null
}

@test "nsls -J -T process: the net row's PID is the unshare process; its via ends at this shell" {
	nsls_json -T process -t net -o NS,TYPE,PID,PPID
	local node='node("net"; $n)' shell
	shell=$(ppid_of "$U")
	assert_equal "$(jqn "$node | \"\(.pid) \(.ppid)\"" --argjson n "$NET")" "$U $shell"
	# The nearest ancestor outside the namespace is the last of the chain
	# (it is the host row's own PID only if that row's lowest PID is this shell).
	local host_pid
	host_pid=$(jqn 'node("net"; $h) | .pid' --argjson h "$(nstk_ns_ino self net)")
	if [ "$host_pid" = "$shell" ]; then
		assert_equal "$(jqn "$node | .via" --argjson n "$NET")" null
	else
		assert_equal "$(jqn "$node | [.via[].pid] | join(\" \")" --argjson n "$NET")" "$shell"
	fi
}

@test "nsls tree table: a process row (no NS, no TYPE) between the host's pid row and the new one" {
	nsls_run -T process -u -t pid -o NS,TYPE,PID,PPID,COMMAND
	assert_success
	local i found=
	for ((i = 1; i < ${#lines[@]}; i++)); do
		if [[ "${lines[i]}" =~ ^\ *$PIDNS\ +pid\ +$S\ +$U\ +[\ │]*└─sleep\ 1000$ ]]; then
			[[ "${lines[i - 1]}" =~ ^\ +$U\ +[0-9]+\ +[│\ ]*[├└]─unshare\ --fork\ --net\ --pid\ sleep\ 1000$ ]] ||
				fail "the line above the pid row is not the unshare process: '${lines[i - 1]}'"
			found=1
		fi
	done
	[ -n "$found" ] || fail "no pid row for $PIDNS under a process row: $output"
	# The unshare process row comes once, under the host's pid row.
	assert_equal "$(grep -cE "^ +$U +[0-9]+ .*─unshare " <<<"$output")" 1
}

@test "via is only in the process tree, and not on a row whose parent row -Q dropped" {
	nsls_json -t pid
	assert_equal "$(jqn '[.namespaces[] | has("via")] | any')" false
	nsls_json -T owner -t pid
	assert_equal "$(jqn '[.. | objects | has("via")] | any')" false
	nsls_json -T process -t pid -Q "NS == $PIDNS"
	assert_equal "$(jqn '.namespaces | length')" 1
	assert_equal "$(jqn '.namespaces[0].via')" null
	# Text: the row alone, no process row above it.
	nsls_run -T process -n -t pid -o NS,PID,COMMAND -Q "NS == $PIDNS"
	assert_success
	assert_equal "${#lines[@]}" 1
	# Without a column that describes a process, no (blank) process rows.
	nsls_run -T process -n -t pid -o NS
	assert_success
	local l
	for l in "${lines[@]}"; do
		[[ "$l" =~ [0-9] ]] || fail "a blank process row: '$l'"
	done
}

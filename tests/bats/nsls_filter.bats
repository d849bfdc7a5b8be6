#!/usr/bin/env bats
# nsls -Q/--filter: lsns 2.41's expression language, on real namespaces.

load helpers

setup() {
	[ -x "$NSLS" ] || fail "no nsls at $NSLS: run make (or make SAN=1) first"
}

teardown() {
	nstk_cleanup
}

@test "nsls -Q 'TYPE == \"net\" && NPROCS == 0' lists exactly the net namespaces no process sits in" {
	nstk_netns_add
	local n
	n=$(stat -L -c %i "/run/netns/$NSTK_NETNS_NAME")
	nsls_json -Q 'TYPE == "net" && NPROCS == 0'
	local got want
	got=$(jqn '[.namespaces[].ns] | sort | join(",")')
	nsls_json -P -t net
	want=$(jqn '[.namespaces[].ns] | sort | join(",")')
	assert_equal "$got" "$want"
	[[ ",$got," == *",$n,"* ]] || fail "the new netns $n is not among $got"
}

@test "nsls -Q can use a column that is not shown" {
	nstk_spawn unshare --uts sh -c 'hostname nstk-filter-host; exec sleep 1000'
	local p=$NSTK_PID
	nstk_wait_comm "$p" sleep
	local u
	u=$(nstk_ns_ino "$p" uts)
	nsls_json -o NS,TYPE -Q 'HOSTNAME == "nstk-filter-host"'
	assert_equal "$(jqn '[.namespaces[] | "\(.ns) \(.type)"] | join(",")')" "$u uts"
	assert_equal "$(jqn '.namespaces[0] | keys | join(",")')" "ns,type"
}

@test "nsls -Q regular expressions, negation and parentheses" {
	nstk_spawn unshare --net sleep 1000
	local p=$NSTK_PID
	nstk_wait_comm "$p" sleep
	local n
	n=$(nstk_ns_ino "$p" net)
	nsls_json -Q "NS == $n && (COMMAND =~ \"^sleep\" || PID == $p)"
	assert_equal "$(jqn '[.namespaces[].ns] | join(",")')" "$n"
	nsls_json -Q "NS == $n && !(COMMAND =~ \"^sleep\")"
	assert_equal "$(jqn '.namespaces | length')" 0
	nsls_json -Q "NS == $n && COMMAND !~ \"^sleep\""
	assert_equal "$(jqn '.namespaces | length')" 0
}

@test "nsls -Q in a tree keeps matching rows under their nearest matching ancestor" {
	nstk_spawn unshare --user --map-root-user --net sleep 1000
	local p=$NSTK_PID
	nstk_wait_comm "$p" sleep
	local u n
	u=$(nstk_ns_ino "$p" user)
	n=$(nstk_ns_ino "$p" net)
	nsls_json -T owner -Q 'TYPE == "user" || TYPE == "net"'
	assert_equal "$(jqn "[.. | objects | select(.ns? == $u) | .children[]?.ns] | join(\",\")")" "$n"
	nsls_json -T owner -Q 'TYPE == "net"'
	# No user row matches: every net row is a root.
	assert_equal "$(jqn '[.namespaces[] | select(has("children"))] | length')" 0
	assert_equal "$(jqn "[.namespaces[].ns | select(. == $n)] | length")" 1
}

@test "nsls -Q with a bad expression: one line, exit 2" {
	local e
	for e in 'NPROCS >' 'BOGUS == 1' 'TYPE == "net' '(TYPE == "net"' 'COMMAND =~ "("'; do
		nsls_run -Q "$e"
		[ "$status" -eq 2 ] || fail "-Q '$e' exited $status, want 2"
		[ "${#stderr_lines[@]}" -eq 1 ] || fail "-Q '$e': ${#stderr_lines[@]} stderr lines: $stderr"
		[[ "$stderr" == "nsls: bad filter: "* ]] || fail "-Q '$e': $stderr"
		[ -z "$output" ] || fail "-Q '$e' printed on stdout"
	done
}

@test "nsls -Q sees a table's note as no value: text and JSON list the same rows" {
	nstk_netns_add
	local n
	n=$(stat -L -c %i "/run/netns/$NSTK_NETNS_NAME")
	nsls_json -o NS -Q "NS == $n && !COMMAND"
	assert_equal "$(jqn '[.namespaces[].ns] | join(",")')" "$n"
	nsls_run -l -o NS,COMMAND -Q "NS == $n && !COMMAND"
	assert_success
	assert_line --regexp "^$n +\(no process: held by 1 mount\)\$"
	# -n and -r are for scripts: the empty cell, as lsns.
	nsls_run -l -n -o NS,COMMAND -Q "NS == $n && !COMMAND"
	assert_output --regexp "^$n *\$"
	nsls_run -l -n -o NS -Q 'COMMAND =~ "no process"'
	assert_success
	assert_output ""
}

@test "nsls -Q matches UIDMAP in one form whatever the locale" {
	nstk_spawn unshare --user --map-root-user sleep 1000
	local p=$NSTK_PID u
	nstk_wait_comm "$p" sleep
	u=$(nstk_ns_ino "$p" user)
	local loc
	for loc in C.UTF-8 C; do
		LC_ALL=$loc nsls_json -o NS -Q "NS == $u && UIDMAP =~ \"^0->[0-9]+x1\$\""
		assert_equal "$(jqn '[.namespaces[].ns] | join(",")')" "$u"
	done
}

#!/usr/bin/env bats
# nsls_lsns_trees.bats — nsls draws its trees where lsns does: -p PID in the
# process tree, the order of the roots in --tree=parent and --tree=owner,
# --output-all flat in lsns's column order, raw output one line per
# namespace. Each is checked against the lsns on this machine, on one scene:
#
#   A  = `unshare -n sh ...`    (a new net namespace N; A is its lowest PID)
#   U2 = `unshare -u -p --fork` (child of A: a new uts namespace, host pid ns)
#   S  = `sleep 1000`           (child of U2: the new pid namespace)
#
# Host namespaces' NPROCS change while a test runs, so the comparisons leave
# NPROCS out; whole-host comparisons retry until two lsns runs agree.

load helpers

setup() {
	command -v lsns >/dev/null || skip "lsns (util-linux) is not installed"
	nstk_spawn unshare -n sh -c 'unshare -u -p --fork sleep 1000 & wait'
	A=$NSTK_PID
	U2=$(nstk_descendant "$A" unshare)
	S=$(nstk_descendant "$U2" sleep)
	N=$(nstk_ns_ino "$A" net)
	UTS=$(nstk_ns_ino "$U2" uts)
	PIDNS=$(nstk_ns_ino "$S" pid)
	[ "$(nstk_ns_ino "$U2" pid)" = "$(nstk_ns_ino self pid)" ]
	[ "$(nstk_ns_ino "$U2" net)" = "$N" ]
}

teardown() {
	nstk_cleanup
}

# The same options to lsns and nsls: the outputs must be the same.
same_as_lsns() {
	local want
	want=$(lsns "$@" 2>&1) || fail "lsns $* failed: $want"
	nsls_run "$@"
	assert_success
	assert_equal "$stderr" ""
	[ "$output" = "$want" ] || fail "nsls $* differs from lsns:
$(diff <(echo "$want") <(echo "$output"))"
}

# Host-wide: namespaces come and go, so take a moment both lsns runs agree on.
same_as_lsns_host_wide() {
	local try before after
	for try in 1 2 3 4 5; do
		before=$(lsns "$@" 2>&1)
		nsls_run "$@"
		after=$(lsns "$@" 2>&1)
		[ "$before" = "$after" ] && break
	done
	[ "$before" = "$after" ] || skip "the host's namespaces kept changing under five lsns runs"
	assert_success
	[ "$output" = "$after" ] || fail "nsls $* differs from lsns:
$(diff <(echo "$after") <(echo "$output"))"
}

@test "nsls -p PID draws the process tree as lsns: a row hangs from the row its parent process stands for" {
	same_as_lsns -p "$U2" -o NS,TYPE,PID,COMMAND
	# U2's uts row hangs from N's row (A, its parent, is N's lowest PID),
	# when N's row comes before it, as lsns adds rows in inode order.
	local line
	line=$(grep -E "^ *$UTS +uts " <<<"$output")
	if [ "$N" -lt "$UTS" ]; then
		[[ "$line" == *─unshare* ]] || fail "the uts row is not drawn under the net row: '$line'"
	else
		[[ "$line" != *─* ]] || fail "the uts row is drawn under a row after it: '$line'"
	fi
	same_as_lsns -p "$S" -o NS,TYPE,PID,COMMAND
	same_as_lsns -p "$A" -o NS,TYPE,PID,COMMAND
}

@test "nsls --tree=parent and --tree=owner with -p: ancestors where lsns puts them" {
	same_as_lsns --tree=parent -p "$S" -o NS,TYPE,PID,COMMAND
	# The host's pid namespace is there, as the new one's parent.
	[[ "$output" == *"─$PIDNS "* ]] || fail "the new pid namespace is not drawn under its parent: $output"
	same_as_lsns --tree=owner -p "$S" -o NS,TYPE,PID,COMMAND
	same_as_lsns --tree=parent -p "$U2" -o NS,TYPE,PID
}

@test "nsls --tree=parent puts the initial user namespace first, as lsns" {
	same_as_lsns_host_wide --tree=parent -o NS,TYPE,PID
	read -r ns type _ <<<"${lines[1]}"
	assert_equal "$type" user
	assert_equal "$ns" "$(nstk_ns_ino self user)"
	same_as_lsns_host_wide --tree=owner -o NS,TYPE,PID
}

@test "nsls --output-all is a flat list with lsns's columns first, in lsns's order" {
	local theirs ours
	theirs=$(lsns -l --output-all | head -1 | awk '{ $1 = $1; print }')
	nsls_run -l --output-all -p "$S"
	assert_success
	ours=$(head -1 <<<"$output" | awk '{ $1 = $1; print }')
	[[ "$ours " == "$theirs "* ]] || fail "nsls's columns '$ours' do not start with lsns's '$theirs'"
	# Without -l too: no tree, where -p draws one by default.
	nsls_run --output-all -p "$S"
	assert_success
	[[ "$output" != *─* ]] || fail "--output-all drew a tree: $output"
	nsls_run -p "$S" -o NS,COMMAND
	if [ "$UTS" -lt "$PIDNS" ]; then
		[[ "$output" == *─sleep* ]] || fail "the control has no tree to leave out: $output"
	fi
}

@test "nsls -r: one line per namespace, as lsns (the process rows between are for the table)" {
	same_as_lsns -r -p "$S" -o NS,TYPE,PID,COMMAND
	# The table draws U2 as a process row between the host's pid row and
	# the new one; raw output has namespaces only.
	nsls_run -t pid -o NS,PID
	assert_success
	grep -qE "^[└├│ ─]+ +$U2\$" <<<"$output" || fail "the table has no process row for $U2: $output"
	nsls_run -r -t pid -o NS,PID
	assert_success
	# Tree lines stay, escaped as lsns -r escapes them.
	local line raw_row='^(\\x[0-9a-f]{2})*[0-9]+ [0-9]*$'
	for line in "${lines[@]:1}"; do
		[[ "$line" =~ $raw_row ]] || fail "a raw line without a namespace: '$line'"
	done
	grep -qE "^(\\\\x[0-9a-f]{2})*$PIDNS $S\$" <<<"$output" || fail "no raw line for $PIDNS: $output"
}

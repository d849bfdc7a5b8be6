#!/usr/bin/env bats
# churn.bats — nsls and cgtop while the host changes under them: a fork
# storm (hundreds of short-lived processes a second), network namespaces
# added and deleted, cgroups made and removed (v1 pids and memory, and the
# cgroup2 hierarchy). Every run must exit 0, print valid JSON and say
# nothing on stderr (PID 1's links are EACCES here: nsls says so only on a
# terminal).
#
# Everything churned is named nstk-churn-<pid>-...; each loop also stops by
# itself after CHURN_MAX_S, so nothing outlives a run whose teardown failed.
# Nothing here is timed: the test runs a number of rounds, however long they
# take; each tool run has a timeout (HANG_S) that only catches a hang.

load helpers

CGTOP="${NSLS%/nsls}/cgtop"
CG=/sys/fs/cgroup
CHURN_TAG="nstk-churn-$$"
# The loops' own end, far past the test's (about 10 s on an idle machine,
# a few minutes under valgrind or on a loaded one).
CHURN_MAX_S=1800
# A tool run that takes this long is hung, not slow.
HANG_S=120
# What the test must see done, at the least, for the churn to count.
MIN_FORKS=200
MIN_NETNS=5
MIN_CGROUPS=5
NSLS_RUNS=50

setup() {
	[ -x "$NSLS" ] || fail "nsls not built: run make check"
	[ -x "$CGTOP" ] || fail "cgtop not built: run make check"
	CG_HIER=()
	local h
	for h in pids memory unified; do
		[ -d "$CG/$h" ] && [ -w "$CG/$h" ] && CG_HIER+=("$CG/$h")
	done
	[ "$(stat -f -c %T $CG)" = cgroup2fs ] && CG_HIER=("$CG")
	[ "${#CG_HIER[@]}" -gt 0 ] || skip "no writable cgroup hierarchy"
	CGTOP_PID=
}

teardown() {
	if [ -n "$CGTOP_PID" ]; then
		# timeout(1) passes TERM on to cgtop; KILL would orphan it.
		kill -TERM "$CGTOP_PID" 2>/dev/null || true
		wait "$CGTOP_PID" 2>/dev/null || true
	fi
	local st=0 f d c n
	nstk_cleanup || st=1
	# A loop killed between "ip netns add" and "del" leaves its netns.
	for f in /run/netns/"$CHURN_TAG"-*; do
		[ -e "$f" ] || continue
		ip netns del "${f##*/}" 2>/dev/null || true
		[ -e "$f" ] && echo "teardown: netns ${f##*/} is still there" >&2 && st=1
	done
	# Children first; a task that was just killed leaves its cgroup a moment later.
	for d in "${CG_HIER[@]}"; do
		for c in "$d/$CHURN_TAG"-*/sub "$d/$CHURN_TAG"-*; do
			[ -d "$c" ] || continue
			for ((n = 0; n < 100; n++)); do
				rmdir "$c" 2>/dev/null && break
				sleep 0.05
			done
			[ -d "$c" ] && echo "teardown: cgroup $c is still there" >&2 && st=1
		done
	done
	return "$st"
}

# churn_start: the three loops, each in its own session (nstk_spawn), each
# writing how much it has done to a file under $BATS_TEST_TMPDIR (by rename,
# so a reader never sees it empty).
churn_start() {
	local t="$BATS_TEST_TMPDIR"
	echo 0 >"$t/forks"
	echo 0 >"$t/netns"
	echo 0 >"$t/cgroups"

	# Twenty /bin/true at a time, reaped, again: some 800 a second here.
	nstk_spawn bash -c '
		end=$((SECONDS + $2)); n=0
		while [ $SECONDS -lt $end ]; do
			for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do /bin/true & done
			wait
			n=$((n + 20)); echo $n >"$1.new" && mv -f "$1.new" "$1"
		done' storm "$t/forks" "$CHURN_MAX_S"

	# A netns with a process in it for a moment, then gone.
	nstk_spawn bash -c '
		exec 2>>"$1.log"
		end=$((SECONDS + $3)); n=0
		while [ $SECONDS -lt $end ]; do
			name="$2-ns-$n"
			ip netns add "$name" || exit 1
			ip -n "$name" link set lo up
			ip netns exec "$name" /bin/true
			ip netns del "$name" || exit 1
			n=$((n + 1)); echo $n >"$1.new" && mv -f "$1.new" "$1"
		done' netns "$t/netns" "$CHURN_TAG" "$CHURN_MAX_S"

	# A cgroup and a child in every hierarchy; a short-lived task joins the
	# child in the pids and cgroup2 ones (not memory: that would take it out
	# of the memory cgroup this session is accounted in).
	nstk_spawn bash -c '
		exec 2>>"$1.log"
		out="$1" tag="$2" max="$3"; shift 3
		end=$((SECONDS + max)); n=0
		while [ $SECONDS -lt $end ]; do
			join=()
			for d in "$@"; do
				mkdir "$d/$tag-$n" "$d/$tag-$n/sub" || exit 1
				[ "${d##*/}" = memory ] || join+=("$d/$tag-$n/sub/cgroup.procs")
			done
			sh -c "for f; do echo \$\$ >\"\$f\" || exit 1; done; /bin/true" task "${join[@]}" || exit 1
			for d in "$@"; do
				for c in "$d/$tag-$n/sub" "$d/$tag-$n"; do
					for i in 1 2 3 4 5 6 7 8 9 10; do rmdir "$c" 2>/dev/null && break; sleep 0.02; done
					[ -d "$c" ] && exit 1
				done
			done
			n=$((n + 1)); echo $n >"$out.new" && mv -f "$out.new" "$out"
		done' cgroups "$t/cgroups" "$CHURN_TAG" "$CHURN_MAX_S" "${CG_HIER[@]}"
}

# churn_wait_started: each loop has done a round (max 10 s).
churn_wait_started() {
	local i
	for ((i = 0; i < 500; i++)); do
		[ "$(cat "$BATS_TEST_TMPDIR/forks")" -gt 0 ] &&
			[ "$(cat "$BATS_TEST_TMPDIR/netns")" -gt 0 ] &&
			[ "$(cat "$BATS_TEST_TMPDIR/cgroups")" -gt 0 ] && return 0
		sleep 0.02
	done
	churn_logs
	fail "the churn loops did not start within 10 s"
}

churn_logs() {
	local f
	for f in "$BATS_TEST_TMPDIR"/*.log; do
		[ -s "$f" ] && echo "${f##*/}: $(cat "$f")" >&2
	done
	return 0
}

# check_stderr TOOL FILE: FILE is empty.
check_stderr() {
	local tool="$1" file="$2"
	[ -s "$file" ] || return 0
	fail "$tool printed on stderr: $(cat "$file")"
}

# nsls_churn_run NAME ARGS...: nsls ARGS exits 0 and says only the summary.
nsls_churn_run() {
	local name="$1" st=0
	shift
	timeout -s KILL "$HANG_S" "$NSLS" "$@" >"$BATS_TEST_TMPDIR/$name.out" \
		2>"$BATS_TEST_TMPDIR/$name.err" || st=$?
	[ "$st" -ne 137 ] || fail "nsls $* hung (killed after $HANG_S s)"
	[ "$st" -eq 0 ] || fail "nsls $* exited $st: $(cat "$BATS_TEST_TMPDIR/$name.err")"
	check_stderr nsls "$BATS_TEST_TMPDIR/$name.err"
	[ -s "$BATS_TEST_TMPDIR/$name.out" ] || fail "nsls $* printed nothing"
}

@test "churn: 50 nsls -J, --tree and -J --tree and a cgtop -J run exit 0 with valid JSON and quiet stderr" {
	local t="$BATS_TEST_TMPDIR"
	churn_start
	churn_wait_started

	timeout -s KILL "$HANG_S" "$CGTOP" -b -n 30 -d 0.1 -J >"$t/cgtop.out" 2>"$t/cgtop.err" &
	CGTOP_PID=$!
	local runs=0 vanished=0 partial=0 v start=$SECONDS
	# At least NSLS_RUNS of each, and on while cgtop runs, so all of it sees churn.
	while [ "$runs" -lt "$NSLS_RUNS" ] || kill -0 "$CGTOP_PID" 2>/dev/null; do
		nsls_churn_run json -J
		v="$(jq -r 'if (.namespaces | type == "array" and length > 0) and (.partial | type == "boolean")
			then "\(.vanished) \(.partial)" else error("schema") end' "$t/json.out")" ||
			fail "nsls -J: not the documented JSON: $(head -c 300 "$t/json.out")"
		vanished=$((vanished + ${v% *}))
		[ "${v#* }" = true ] && partial=$((partial + 1))
		nsls_churn_run tree --tree
		[ "$(head -n 1 "$t/tree.out" | awk '{ print $1 }')" = NS ] ||
			fail "nsls --tree: no heading: $(head -n 2 "$t/tree.out")"
		nsls_churn_run jtree -J --tree
		jq -e '.namespaces | type == "array" and length > 0' "$t/jtree.out" >/dev/null ||
			fail "nsls -J --tree: not the documented JSON: $(head -c 300 "$t/jtree.out")"
		runs=$((runs + 1))
	done
	local st=0
	wait "$CGTOP_PID" || st=$?
	CGTOP_PID=
	[ "$st" -ne 137 ] || fail "cgtop hung (killed after $HANG_S s)"
	[ "$st" -eq 0 ] || fail "cgtop exited $st: $(cat "$t/cgtop.err")"
	check_stderr cgtop "$t/cgtop.err"
	[ "$(wc -l <"$t/cgtop.out")" -eq 30 ] || fail "cgtop printed $(wc -l <"$t/cgtop.out") lines, want 30"
	# Each line one JSON object with its cgroups: no partial line, no garbage.
	local seen
	seen="$(jq -se --arg tag "$CHURN_TAG" '
		if length == 30 and all(.[]; (.cgroups | type == "array" and length > 0))
		then [.[].cgroups[].path | select(contains($tag))] | length
		else error("not 30 samples with cgroups") end' "$t/cgtop.out")" ||
		fail "cgtop -J: bad NDJSON: $(head -c 300 "$t/cgtop.out")"

	local forks netns cgroups
	forks="$(cat "$t/forks")" netns="$(cat "$t/netns")" cgroups="$(cat "$t/cgroups")"
	echo "# ${runs}x3 nsls runs (partial $partial, vanished $vanished processes in all);" \
		"churn: $forks forks, $netns netns, $cgroups cgroup rounds in $((SECONDS - start + 1)) s;" \
		"cgtop saw churned cgroups $seen times" >&3
	churn_logs
	# The churn really ran all along: every loop is still going, and did enough.
	local pid
	for pid in "${NSTK_PGIDS[@]}"; do
		kill -0 "$pid" 2>/dev/null || fail "churn loop $pid ended early (see its log above)"
	done
	[ "$forks" -ge "$MIN_FORKS" ] || fail "only $forks forks"
	[ "$netns" -ge "$MIN_NETNS" ] || fail "only $netns netns rounds"
	[ "$cgroups" -ge "$MIN_CGROUPS" ] || fail "only $cgroups cgroup rounds"
	[ "$runs" -ge "$NSLS_RUNS" ]
}

#!/usr/bin/env bats
# Each tool's main paths under valgrind (memcheck): zero errors and zero
# definitely lost blocks, on the plain build (valgrind cannot run an ASan
# binary; the sanitizer build has LeakSanitizer instead). Still-reachable
# blocks (libsmartcols', libproc2's caches) are not leaks and not counted.
# The tools also have to do their job under valgrind: the output is checked,
# so a run that failed early cannot pass for a clean one.
#   NSTK_BUILD=build bats tests/bats/valgrind.bats

load helpers
load nsenter_helpers

CGTOP="$(dirname "$NSLS")/cgtop"

setup() {
	command -v valgrind >/dev/null ||
		skip "valgrind is not installed (scripts/install-deps.sh installs it)"
	[ -x "$NSLS" ] || fail "no nsls at $NSLS: run make first"
	if ldd "$NSLS" | grep -q libasan; then
		skip "valgrind cannot run ASan binaries ($NSLS is a sanitizer build): use NSTK_BUILD=build"
	fi
	cd "$BATS_TEST_TMPDIR"
}

teardown() {
	reap_inits_first
	nstk_cleanup
}

# Run ARGS under memcheck, valgrind's report to vg.PID files (one per
# process: a fork that execs leaves one without a summary), the tool's own
# stdout/stderr as bats's run gives them. Children after exec run natively.
vg_run() {
	rm -f vg.*
	run --separate-stderr valgrind --leak-check=full --errors-for-leak-kinds=definite \
		--error-exitcode=99 --trace-children=no --log-file="$BATS_TEST_TMPDIR/vg.%p" "$@"
}

# Every process valgrind saw to its end said "0 errors"; one that exec'd
# (no summary) reported no error on its way there (an error record has a
# stack, "at 0x..."); the status is not valgrind's error exit code; at least
# one summary was written.
assert_vg_clean() {
	local f summaries=0
	[ "$status" -ne 99 ] || fail "valgrind found errors or leaks: $(cat vg.*)"
	for f in vg.*; do
		if ! grep -q 'ERROR SUMMARY:' "$f"; then
			! grep -Eq '^==[0-9]+== +at 0x' "$f" || fail "valgrind error before exec: $(cat "$f")"
			continue
		fi
		summaries=$((summaries + 1))
		grep -q 'ERROR SUMMARY: 0 errors' "$f" || fail "valgrind report $f: $(cat "$f")"
		if grep -q 'definitely lost: [1-9]' "$f"; then
			fail "definite leak in $f: $(cat "$f")"
		fi
	done
	[ "$summaries" -ge 1 ] || fail "no valgrind summary was written: $(cat vg.* 2>/dev/null)"
}

# nsls says nothing on stderr when all went well (not a terminal here).
assert_nsls_stderr() {
	[ -z "$stderr" ] || fail "nsls printed on stderr: $stderr"
}

@test "valgrind: nsls (default table) has no errors and no definite leaks" {
	vg_run "$NSLS"
	assert_vg_clean
	[ "$status" -eq 0 ] || fail "nsls exited $status: $stderr"
	assert_nsls_stderr
	[[ "${lines[0]}" == *NS*TYPE* ]] || fail "no table header: ${lines[0]}"
	[ "${#lines[@]}" -gt 8 ] || fail "a table of ${#lines[@]} lines: $output"
}

@test "valgrind: nsls -J has no errors and no definite leaks" {
	nstk_netns_add
	local ino
	ino=$(stat -L -c %i "/run/netns/$NSTK_NETNS_NAME")
	vg_run "$NSLS" -J
	assert_vg_clean
	[ "$status" -eq 0 ] || fail "nsls -J exited $status: $stderr"
	assert_nsls_stderr
	# The netns made here, held by no process, is in the document.
	NSTK_JSON="$output"
	assert_equal "$(jqn '[.namespaces[] | select(.ns == $i) | .type] | join(",")' --argjson i "$ino")" net
}

@test "valgrind: nsls --tree has no errors and no definite leaks" {
	nstk_spawn unshare --fork --pid --mount-proc --uts sleep 1000
	vg_run "$NSLS" --tree
	assert_vg_clean
	[ "$status" -eq 0 ] || fail "nsls --tree exited $status: $stderr"
	assert_nsls_stderr
	local uts
	uts=$(nstk_ns_ino "$(nstk_descendant "$NSTK_PID" sleep)" uts)
	[[ "$output" == *"$uts"* ]] || fail "the tree lacks uts:[$uts]: $output"
}

@test "valgrind: cgtop -b -n 2 -J has no errors and no definite leaks" {
	[ -x "$CGTOP" ] || fail "no cgtop at $CGTOP"
	vg_run "$CGTOP" -b -n 2 -d 0.2 -J
	assert_vg_clean
	[ "$status" -eq 0 ] || fail "cgtop exited $status: $stderr"
	[ -z "$stderr" ] || fail "cgtop printed on stderr: $stderr"
	# Two samples, each a JSON document with the root cgroup; the second
	# has rates (an interval).
	local n
	n=$(jq -s 'length' <<<"$output") || fail "cgtop printed no valid JSON: $output"
	assert_equal "$n" 2
	assert_equal "$(jq -s '[.[] | .cgroups[] | select(.path == "/")] | length' <<<"$output")" 2
	jq -se '.[1].interval_s > 0' <<<"$output" >/dev/null || fail "no interval in the second sample"
}

@test "valgrind: cgtop -b -n 2 (table) has no errors and no definite leaks" {
	[ -x "$CGTOP" ] || fail "no cgtop at $CGTOP"
	vg_run "$CGTOP" -b -n 2 -d 0.2
	assert_vg_clean
	[ "$status" -eq 0 ] || fail "cgtop exited $status: $stderr"
	[ -z "$stderr" ] || fail "cgtop printed on stderr: $stderr"
	# Two samples, each a header and the root's row at least.
	assert_equal "$(grep -c '^PATH ' <<<"$output")" 2
	assert_equal "$(grep -c '^/ ' <<<"$output")" 2
}

@test "valgrind: nsenter-lite -a -t enters a target with no errors and no definite leaks" {
	[ -x "$NSENTER" ] || fail "no nsenter-lite at $NSENTER"
	spawn_target
	nsenter -t "$T" -u hostname vg-target
	vg_run "$NSENTER" -a -t "$T" hostname
	if grep -q 'unhandled amd64-linux syscall: 434' vg.* 2>/dev/null; then
		skip "valgrind $(valgrind --version | sed 's/valgrind-//') does not know pidfd_open (syscall 434): -t cannot run under it; the entering paths are checked by the next test, -t by the ASan build"
	fi
	assert_vg_clean
	[ "$status" -eq 0 ] || fail "nsenter-lite exited $status: $stderr"
	assert_equal "$output" vg-target
	[ -z "$stderr" ] || fail "nsenter-lite printed on stderr: $stderr"
}

@test "valgrind: nsenter-lite entering every kind by file (setns, fork, relay, exec) is clean" {
	[ -x "$NSENTER" ] || fail "no nsenter-lite at $NSENTER"
	spawn_target
	nsenter -t "$T" -u hostname vg-files
	local p="/proc/$T/ns"
	vg_run "$NSENTER" --mount="$p/mnt" --uts="$p/uts" --ipc="$p/ipc" --net="$p/net" \
		--pid="$p/pid" --cgroup="$p/cgroup" --time="$p/time" hostname
	assert_vg_clean
	[ "$status" -eq 0 ] || fail "nsenter-lite exited $status: $stderr"
	assert_equal "$output" vg-files
	[ -z "$stderr" ] || fail "nsenter-lite printed on stderr: $stderr"
	# The pid namespace means a fork: two processes ran under valgrind.
	[ "$(ls vg.* | wc -l)" -ge 2 ] || fail "no fork seen: $(ls vg.*)"
}

@test "valgrind: nsenter-lite failures (no such target, not a namespace file) are clean" {
	[ -x "$NSENTER" ] || fail "no nsenter-lite at $NSENTER"
	vg_run "$NSENTER" --net=/etc/passwd true
	assert_vg_clean
	[ "$status" -eq 1 ] || fail "nsenter-lite --net=/etc/passwd exited $status: $stderr"
	[ "${#stderr_lines[@]}" -eq 1 ] || fail "stderr: $stderr"
	# -t of a PID that no process has (pid_max is at most 2^22).
	vg_run "$NSENTER" -a -t 99999999 true
	assert_vg_clean
	[ "$status" -eq 1 ] || fail "nsenter-lite -t 99999999 exited $status: $stderr"
	[ "${#stderr_lines[@]}" -eq 1 ] || fail "stderr: $stderr"
}

#!/usr/bin/env bats
# util_linux.bats — util-linux v2.42.2's own test suites for lsns and
# nsenter, run against nsls and nsenter-lite by scripts/util-linux-tests.sh
# (which fetches and builds util-linux's test helpers into build/anchors/).
# The anchor's tests are the judge of "drop-in", not our reading of its man
# page. The script's --anchor mode runs the same suites on util-linux's own
# lsns and nsenter, which shows the suites pass on this machine at all.

load helpers

ul_suite() {
	run --separate-stderr "$NSTK_ROOT/scripts/util-linux-tests.sh" "$@"
	[ "$status" -ne 77 ] || skip "${output##*SKIP: }"
}

@test "util-linux 2.42.2's lsns suite: 7 of 7 on lsns itself and on nsls" {
	ul_suite --anchor lsns
	assert_success
	assert_line "util-linux lsns: 7 of 7 passed"
	ul_suite lsns
	[ "$status" -eq 0 ] || fail "$output"
	assert_line "util-linux lsns: 7 of 7 passed"
}

@test "util-linux 2.42.2's nsenter suite: 1 of 1 (enter-via-socket) on nsenter itself and on nsenter-lite" {
	ul_suite --anchor nsenter
	assert_success
	assert_line "util-linux nsenter: 1 of 1 passed"
	ul_suite nsenter
	[ "$status" -eq 0 ] || fail "$output"
	assert_line "util-linux nsenter: 1 of 1 passed"
}

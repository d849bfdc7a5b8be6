#!/usr/bin/env bats
# fresh.bats — the suite uses only what a fresh Debian 12 machine gets from
# scripts/install-deps.sh (issue 12: the tests once leaned on netavark, a
# package installed by hand; scripts/fresh-check.sh says what it covers).

load helpers

@test "fresh machine: every package the tests use is named in install-deps.sh" {
	run "$NSTK_ROOT/scripts/fresh-check.sh"
	assert_success
	assert_output --regexp '^fresh-check: [0-9]+ packages on a fresh machine, [0-9]+ more here; 0 problems$'
}

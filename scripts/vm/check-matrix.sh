#!/usr/bin/env bash
# check-matrix.sh — the VM part of make check: boot each kernel and cgroup
# layout of the matrix in turn (scripts/vm/check-vm.sh, one qemu at a time:
# two TCG guests on a 2-core host would slow each other's tests, not the
# run), print every boot's TAP lines and its result line, named by its
# kernel, then one summary line in scripts/run-tests.sh's format:
#
#   vm 5.10.0-32-amd64 v2: 24 passed, 0 failed
#   vm 6.1.0-50-amd64 v2: 24 passed, 0 failed
#   ...
#   vm matrix: 4 boots, 90 passed, 0 failed
#
# A boot that cannot run (no qemu, no kernel) prints "SKIP: vm <kernel>:
# <reason>" and the others still run.
#
# Settings (environment):
#   NSTK_VM_MATRIX   the boots, KERNEL:LAYOUT words (default
#                    "5.10:v2 6.1:v2 6.12:v2 6.1:v1"; make check SAN=1 boots
#                    "5.10:v2 6.1:v2", see the Makefile)
#   and everything check-vm.sh reads (NSTK_BUILD, NSTK_VM_TAGS, ...).
#
# Exit status: 0 when no boot failed, else 1.
set -u
cd "$(dirname "$0")/../.." || exit 1

matrix=${NSTK_VM_MATRIX:-5.10:v2 6.1:v2 6.12:v2 6.1:v1}
boots=0 passed=0 failed=0 skipped=0 rc=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for boot in $matrix; do
	kernel=${boot%%:*} layout=${boot#*:}
	[ "$layout" != "$boot" ] || layout=v2
	NSTK_VM_KERNEL=$kernel NSTK_VM_CGROUP=$layout scripts/vm/check-vm.sh 2>&1 | tee "$log"
	[ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
	boots=$((boots + 1))
	if grep -q '^SKIP:' "$log"; then
		skipped=$((skipped + 1))
		continue
	fi
	line=$(grep -E '^vm .*: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [[ $line =~ :\ ([0-9]+)\ passed,\ ([0-9]+)\ failed(,\ ([0-9]+)\ skipped)?$ ]]; then
		passed=$((passed + BASH_REMATCH[1]))
		failed=$((failed + BASH_REMATCH[2]))
		skipped=$((skipped + ${BASH_REMATCH[4]:-0}))
	else
		failed=$((failed + 1))
		rc=1
	fi
done
summary="vm matrix: $boots boots, $passed passed, $failed failed"
[ "$skipped" -eq 0 ] || summary+=", $skipped skipped"
echo "$summary"
exit "$rc"

#!/usr/bin/env bash
# run-tests.sh — run every unit test binary given as an argument and every
# bats file under tests/bats, all in TAP, and end with the one line the CI
# reads: "N passed, N failed" (", N skipped" when some were skipped).
#
# A unit binary that dies before reporting all its tests counts as one
# failure, so a crash can never pass for a smaller green run.
set -u
cd "$(dirname "$0")/.."
export NSTK_BUILD="${NSTK_BUILD:-build}"

passed=0 failed=0 skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# Add the TAP results in $log to the totals; sets ran to how many it saw.
count_tap() {
	local p f s
	p=$(grep -cE '^ok [0-9]+' "$log" | head -1)
	s=$(grep -cE '^ok [0-9]+ .*# skip' "$log" | head -1)
	f=$(grep -cE '^not ok [0-9]+' "$log" | head -1)
	passed=$((passed + p - s))
	skipped=$((skipped + s))
	failed=$((failed + f))
	ran=$((p + f))
}

for bin in "$@"; do
	echo "# unit: ${bin##*/}"
	CMOCKA_MESSAGE_OUTPUT=TAP "$bin" >"$log" 2>&1
	rc=$?
	cat "$log"
	planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$log" | head -1)
	count_tap
	if [ "$rc" -ne 0 ] && ! grep -qE '^not ok' "$log"; then
		echo "not ok - ${bin##*/} exited with status $rc"
		failed=$((failed + 1))
	elif [ -n "$planned" ] && [ "$ran" -lt "$planned" ]; then
		echo "not ok - ${bin##*/} ran $ran of $planned tests"
		failed=$((failed + 1))
	fi
done

# The layers (make check-layers): one test, the offending arrows when it fails.
echo "# layers: scripts/check-layers.sh $NSTK_BUILD"
if scripts/check-layers.sh "$NSTK_BUILD" >"$log" 2>&1; then
	cat "$log"
	echo "ok - check-layers"
	passed=$((passed + 1))
else
	cat "$log"
	echo "not ok - check-layers"
	failed=$((failed + 1))
fi

# Each fuzz harness briefly (make fuzz runs them longer): one test each.
for bin in ${NSTK_FUZZ_BINS:-}; do
	echo "# fuzz: ${bin##*/}"
	if NSTK_FUZZ_SECONDS="${NSTK_FUZZ_CHECK_SECONDS:-3}" scripts/run-fuzz.sh "$bin" >"$log" 2>&1; then
		echo "ok - fuzz ${bin##*/}"
		passed=$((passed + 1))
	else
		tail -n 20 "$log"
		echo "not ok - fuzz ${bin##*/}"
		failed=$((failed + 1))
	fi
done

if compgen -G "tests/bats/*.bats" >/dev/null; then
	echo "# bats: tests/bats"
	bats --tap tests/bats >"$log" 2>&1
	rc=$?
	cat "$log"
	count_tap
	if [ "$rc" -ne 0 ] && ! grep -qE '^not ok' "$log"; then
		echo "not ok - bats exited with status $rc"
		failed=$((failed + 1))
	fi
fi

# The VM rig last (make check sets NSTK_VM_CHECK to scripts/vm/check-matrix.sh):
# the guests' TAP lines count like the rest; each "SKIP: <reason>" (a boot
# that could not run) counts one skip.
if [ -n "${NSTK_VM_CHECK:-}" ]; then
	echo "# vm: $NSTK_VM_CHECK"
	$NSTK_VM_CHECK 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	count_tap
	skipped=$((skipped + $(grep -c '^SKIP:' "$log")))
	if [ "$rc" -ne 0 ] && ! grep -qE '^not ok' "$log"; then
		echo "not ok - $NSTK_VM_CHECK exited with status $rc"
		failed=$((failed + 1))
	fi
fi

if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# run-fuzz.sh — run each libFuzzer harness given for NSTK_FUZZ_SECONDS on
# its seed corpus (tests/fuzz/corpus/<name>), read-only: new inputs go to a
# scratch directory. A crash's input is kept in tests/fuzz/crashes/.
set -u
cd "$(dirname "$0")/.."
seconds="${NSTK_FUZZ_SECONDS:-10}"
mkdir -p tests/fuzz/crashes
status=0
for bin in "$@"; do
	name="${bin##*/}"
	seeds="tests/fuzz/corpus/${name#fuzz_}"
	scratch=$(mktemp -d)
	echo "fuzz: $name for ${seconds}s"
	if ! "$bin" -max_total_time="$seconds" -print_final_stats=0 \
		-artifact_prefix="tests/fuzz/crashes/$name-" "$scratch" "$seeds" 2>"$scratch.log"; then
		tail -n 30 "$scratch.log"
		status=1
	else
		grep -E '^Done [0-9]+ runs' "$scratch.log" | tail -n 1
	fi
	rm -rf "$scratch" "$scratch.log"
done
exit "$status"

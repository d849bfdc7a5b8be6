#!/usr/bin/env bash
# run-fuzz.sh — run each libFuzzer harness given for NSTK_FUZZ_SECONDS on
# its seed corpus (tests/fuzz/corpus/<name>), read-only: new inputs go to a
# scratch directory. Prints, per harness, the runs and the CPU time spent
# (the figures docs/robustness.md records). A crash, leak or hang (an input
# over 10 s) keeps its input in tests/fuzz/crashes/ and names the file: the
# directory is not committed (.gitignore); a fixed crash becomes a unit test
# in tests/unit/ instead, where it runs on every make check.
set -u
cd "$(dirname "$0")/.."
seconds="${NSTK_FUZZ_SECONDS:-10}"
mkdir -p tests/fuzz/crashes
status=0
TIMEFORMAT='%R %U %S'
for bin in "$@"; do
	name="${bin##*/}"
	seeds="tests/fuzz/corpus/${name#fuzz_}"
	scratch=$(mktemp -d)
	echo "fuzz: $name for ${seconds}s"
	ok=1
	{ time "$bin" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
		-artifact_prefix="tests/fuzz/crashes/$name-" "$scratch" "$seeds" \
		2>"$scratch.log"; } 2>"$scratch.time" || ok=0
	if [ "$ok" = 0 ]; then
		tail -n 30 "$scratch.log"
		kept=$(sed -n 's/.*Test unit written to \([^ ]*\).*/\1/p' "$scratch.log" | tail -n 1)
		echo "fuzz: $name FAILED${kept:+; input kept in $kept}"
		status=1
	else
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$scratch.log")
		read -r wall user sys <"$scratch.time"
		cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", u + s }')
		units=$(find "$scratch" -type f | wc -l)
		echo "fuzz: $name ok: ${runs:-?} runs in ${wall} s, ${cpu} s CPU, ${units} new corpus inputs"
	fi
	rm -rf "$scratch" "$scratch.log" "$scratch.time"
done
exit "$status"

#!/bin/bash
# record.sh — the budgets of cgtop's memory (cgtop record, --at, --since).
#
# Usage: bench/record.sh [NCGROUPS]          (default 1000; run as root)
#
# 1. Recording: bench/cgtop.sh HOLD=1 makes NCGROUPS populated cgroups (one
#    sleep each, limits on the parent); `cgtop record -d DELAY -n SAMPLES`
#    records them. It prints the recorder's CPU time per sample (user +
#    system, from getrusage) and as a share of one CPU at the default 5 s
#    interval; the store's bytes per cgroup per sample, both as measured
#    over the run and split into the change rows of a sample after the first
#    and the keyframe (every value, every ten minutes) spread over the 120
#    samples it covers at 5 s.
# 2. Looking back: a synthetic store of NCGROUPS cgroups over 7 days at 5 s
#    (120,960 samples; keyframes every 120; a tenth of the cgroups busy, two
#    counters changing each sample), written with sqlite3 in the schema the
#    recorder makes, then the wall time of `cgtop --at` (one moment, -J) in
#    its middle and of `cgtop --since '1h ago' -J` for one busy cgroup and
#    for the whole tree.
# Budgets (issue 14): under 50 ms of CPU per sample (1 % of a CPU at 5 s);
# at most 32 bytes per cgroup per sample; --at and --since '1h ago' under
# 200 ms. Exit status: 0 when it ran, whatever the verdicts; 1 when it
# could not; 2 on bad usage. Environment: CGTOP (build/cgtop), SAMPLES
# (60), DELAY (1: the cost of a sample does not depend on the interval),
# RECORD (1; 0 skips part 1), SYNTH (1; 0 skips part 2), KEEP (0; 1 keeps
# the stores in the scratch dir).
set -euo pipefail

cd "$(dirname "$(readlink -f "$0")")/.."
N=${1:-1000}
CGTOP=$(readlink -f "${CGTOP:-build/cgtop}")
SAMPLES=${SAMPLES:-60}
DELAY=${DELAY:-1}
SYNTH=${SYNTH:-1}

die() { echo "record.sh: $*" >&2; exit 1; }
case $N in '' | *[!0-9]*) echo "usage: bench/record.sh [NCGROUPS]" >&2; exit 2 ;; esac
[ "$(id -u)" -eq 0 ] || die "must run as root (it makes cgroups)"
[ -x "$CGTOP" ] || die "$CGTOP not found: build it first (make)"
for t in sqlite3 hyperfine jq; do
	command -v "$t" >/dev/null || die "$t not found: run scripts/install-deps.sh"
done

tmp=$(mktemp -d /tmp/nstk-record-bench.XXXXXX)
holder=""
cleanup() {
	if [ -n "$holder" ]; then
		kill -TERM "$holder" 2>/dev/null || true
		wait "$holder" 2>/dev/null || true
	fi
	[ "${KEEP:-0}" = 1 ] && echo "record.sh: stores kept in $tmp" >&2 || rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- 1. recording a real tree
if [ "${RECORD:-1}" = 1 ]; then
HOLD=1 STRACE=0 bench/cgtop.sh "$N" 2>"$tmp/hold.log" &
holder=$!
for ((i = 0; i < 600; i++)); do
	parent=$(sed -n 's/^cgtop.sh: holding \/\([^ ]*\) .*/\1/p' "$tmp/hold.log")
	[ -n "$parent" ] && break
	kill -0 "$holder" 2>/dev/null || die "bench/cgtop.sh could not make the tree: $(tail -3 "$tmp/hold.log")"
	sleep 0.2
done
[ -n "$parent" ] || die "the tree was not made in 120 s"

# cpu_ms CMD...: user + system of one run, in ms.
cpu_ms() {
	local TIMEFORMAT='%3U %3S' t
	t=$({ time "$@" >/dev/null 2>"$tmp/err"; } 2>&1) || die "$* failed: $(cat "$tmp/err")"
	awk -v t="$t" 'BEGIN { split(t, a, " "); printf "%.0f\n", (a[1] + a[2]) * 1000 }'
}
used_bytes() {
	sqlite3 "$1" 'SELECT (SELECT page_count FROM pragma_page_count) - (SELECT freelist_count FROM pragma_freelist_count);' |
		awk -v p="$(sqlite3 "$1" 'PRAGMA page_size;')" '{ print $1 * p }'
}

one_ms=$(cpu_ms "$CGTOP" record --store "$tmp/one.db" -n 1 "/$parent")
one_bytes=$(used_bytes "$tmp/one.db")
run_ms=$(cpu_ms "$CGTOP" record --store "$tmp/run.db" -d "$DELAY" -n "$SAMPLES" "/$parent")
run_bytes=$(used_bytes "$tmp/run.db")
rows=$(sqlite3 "$tmp/run.db" 'SELECT count(*) FROM cgroup WHERE listed;')
values_kf=$(sqlite3 "$tmp/run.db" 'SELECT count(*) FROM value WHERE sample = (SELECT min(id) FROM sample);')
values_rest=$(sqlite3 "$tmp/run.db" 'SELECT count(*) FROM value WHERE sample > (SELECT min(id) FROM sample);')

echo
echo "== cgtop record benchmark: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "kernel:   $(uname -r), $(nproc) CPUs; tree /$parent: $rows cgroups recorded (one sleep each)"
echo "run:      $SAMPLES samples every ${DELAY}s; sqlite $(sqlite3 --version | cut -d' ' -f1)"
awk -v one="$one_ms" -v run="$run_ms" -v s="$SAMPLES" -v c="$rows" -v ob="$one_bytes" -v rb="$run_bytes" \
	-v kf="$values_kf" -v rest="$values_rest" 'BEGIN {
	per = (run - one) / (s - 1)
	printf "CPU:      %d ms for one sample (start-up, layout, first keyframe); %d ms for %d\n", one, run, s
	printf "          %.1f ms per sample after the first = %.2f %% of one CPU at 5 s\n", per, per / 50
	kfb = ob; chb = (rb - ob) / (s - 1)
	printf "disk:     %d bytes after 1 sample (a keyframe: %d values), %d after %d (%d change rows)\n", ob, kf, rb, s, rest
	printf "          per cgroup per sample: %.1f B of changes + %.1f B of keyframe (1 in 120 at 5 s) = %.1f B\n",
		chb / c, kfb / 120 / c, chb / c + kfb / 120 / c
	printf "          a day of %d cgroups every 5 s: %.0f MB\n", c, (chb + kfb / 120) * 17280 / 1e6
	printf "%s  under 50 ms of CPU per sample\n", per < 50 ? "PASS" : "MISS"
	printf "%s  at most 32 bytes per cgroup per sample\n", chb / c + kfb / 120 / c <= 32 ? "PASS" : "MISS"
}'
kill -TERM "$holder" 2>/dev/null || true
wait "$holder" 2>/dev/null || true
holder=""
fi

[ "$SYNTH" = 1 ] || exit 0

# --- 2. a synthetic week
syn="$tmp/week.db"
"$CGTOP" record --store "$syn" -n 1 /nonexistent-on-purpose 2>/dev/null || true
[ -f "$syn" ] || "$CGTOP" record --store "$syn" -n 1 --depth 0 >/dev/null
now=$(date +%s)
total=$((7 * 17280))
echo
echo "record.sh: writing a synthetic week ($total samples, $N cgroups)..." >&2
t0=$(date +%s)
sqlite3 "$syn" <<EOF
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
BEGIN;
DELETE FROM value; DELETE FROM event; DELETE FROM sample; DELETE FROM cgroup;
INSERT INTO cgroup (id, path, ino, listed, appeared) VALUES (1, '/syn', 1000, 1, 1);
WITH RECURSIVE c(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM c WHERE i <= $N)
INSERT INTO cgroup (id, path, ino, listed, appeared) SELECT i, printf('/syn/cg%05d', i - 1), 1000 + i, 1, 1 FROM c;
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $total)
INSERT INTO sample (id, time_us, interval_us, keyframe)
SELECT i, ($now - ($total - i) * 5) * 1000000, CASE WHEN i = 1 THEN NULL ELSE 5000000 END, (i - 1) % 120 = 0 FROM s;
INSERT INTO value (sample, cgroup, field, v)
SELECT s.id, c.id, f.id, CASE f.type WHEN 'avg' THEN 0.0 ELSE c.id * 4096 + s.id END
FROM sample s JOIN cgroup c JOIN field f WHERE s.keyframe ORDER BY s.id, c.id, f.id;
INSERT INTO value (sample, cgroup, field, v)
SELECT s.id, c.id, f.id, c.id * 4096 + s.id * 2500000
FROM sample s JOIN cgroup c JOIN field f
WHERE NOT s.keyframe AND c.id <= 1 + $N / 10 AND f.name IN ('cpu_usage_usec', 'memory_current')
ORDER BY s.id, c.id, f.id;
COMMIT;
EOF
t1=$(date +%s)
mid=$((now - 7 * 86400 / 2))
hyperfine -N --warmup 2 --runs 10 --export-json "$tmp/hf.json" \
	"$CGTOP --store $syn --at @$mid -J" \
	"$CGTOP --store $syn --since @$((now - 3600)) -J /syn/cg00001" \
	"$CGTOP --store $syn --since @$((now - 3600)) -J" >/dev/null 2>"$tmp/hf.log" || die "hyperfine: $(tail -3 "$tmp/hf.log")"
echo "synthetic week: $(du -h "$syn" | cut -f1), $(sqlite3 "$syn" 'SELECT count(*) FROM value;') value rows, written in $((t1 - t0)) s"
jq -r '.results[] | [.median, .command] | @tsv' "$tmp/hf.json" | awk -F'\t' '
	{ sub(/ --store [^ ]*/, "", $2); printf "%8.1f ms  %s\n", $1 * 1000, $2; t[NR] = $1 * 1000 }
	END {
		printf "%s  --at under 200 ms\n", t[1] < 200 ? "PASS" : "MISS"
		printf "%s  --since 1h ago -J (one cgroup) under 200 ms\n", t[2] < 200 ? "PASS" : "MISS"
		printf "%s  --since 1h ago -J (the whole tree, %s) under 200 ms\n", t[3] < 200 ? "PASS" : "MISS", "720 documents of every cgroup"
	}'

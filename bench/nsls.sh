#!/bin/bash
# nsls.sh — benchmark nsls against lsns and against the census speed floor.
#
# Usage: bench/nsls.sh [NPROCS]          (default 5000; run as root)
#
# Spawns about NPROCS `sleep 3600` processes spread over the host and four
# groups of fresh namespaces, times with hyperfine (-N, output to /dev/null):
#   $NSLS, $NSLS -J, lsns, lsns -J, build/bench/nsscan-floor
# and prints mean/min per command, the ratios and a PASS/MISS line per target:
#   nsls >= 10x faster than lsns, nsls -J >= 10x faster than lsns -J,
#   nsls within 2x of the floor.
# Ratios and verdicts use the means; the ratio of the minimums is shown beside
# them (on a shared, noisy machine the minimums are the steadier figure).
#
# Environment: NSLS (default build/nsls; may carry arguments), RUNS (10),
# WARMUP (2), BASELINE (another nsls, e.g. the tree before a change built
# with BUILD=dir: timed in the same run as $BASELINE and $BASELINE -J, with
# the ratios "baseline / nsls"). Exit status: 0 when the benchmark ran, whatever the verdicts;
# 1 when it could not run; 2 on bad usage. Every process it starts is killed
# and reaped on exit, Ctrl-C or failure (by process group, never by name).
set -euo pipefail

cd "$(dirname "$(readlink -f "$0")")/.."

NPROCS=${1:-5000}
NSLS=${NSLS:-build/nsls}
RUNS=${RUNS:-10}
WARMUP=${WARMUP:-2}
FLOOR=build/bench/nsscan-floor

die() { echo "nsls.sh: $*" >&2; exit 1; }

case $NPROCS in
-h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
'' | *[!0-9]*) echo "usage: bench/nsls.sh [NPROCS]" >&2; exit 2 ;;
esac
((NPROCS >= 10)) || { echo "nsls.sh: NPROCS must be at least 10" >&2; exit 2; }

command -v hyperfine >/dev/null || die "hyperfine not found: run scripts/install-deps.sh"
command -v jq >/dev/null || die "jq not found: run scripts/install-deps.sh"
for t in lsns unshare setpriv gcc; do
	command -v "$t" >/dev/null || die "$t not found: run scripts/install-deps.sh"
done
[ "$(id -u)" -eq 0 ] || die "must run as root (it creates pid, net, ipc, cgroup and time namespaces)"

read -r -a nsls_argv <<<"$NSLS"
command -v "${nsls_argv[0]}" >/dev/null || die "${nsls_argv[0]} not found: build it first (make), or set NSLS=<command>"

if [ ! -x "$FLOOR" ] || [ bench/nsscan-floor.c -nt "$FLOOR" ]; then
	mkdir -p build/bench
	gcc -O2 -std=gnu11 -Wall -Wextra -Werror -o "$FLOOR" bench/nsscan-floor.c ||
		die "cannot compile bench/nsscan-floor.c"
fi

count_procs() {
	local a=(/proc/[0-9]*)
	echo "${#a[@]}"
}

base=$(count_procs)
pid_max=$(cat /proc/sys/kernel/pid_max)
((base + NPROCS + 100 < pid_max)) || die "$NPROCS more processes would not fit under pid_max=$pid_max"

# --- cleanup: every spawner below is started as a job in its own process
# group (set -m), recorded in pgids[], and killed by negative PGID only. The
# groups stay in our session, so a terminal's Ctrl-C reaches only this script,
# whose trap then stops them.
pgids=()
tmp=""
cleanup() {
	local rc=$? g live i
	trap - EXIT INT TERM HUP
	if ((${#pgids[@]})); then
		echo "nsls.sh: stopping ${#pgids[@]} process groups" >&2
		# SIGTERM, repeated: each spawner sh traps it, stops forking and reaps
		# its sleeps; SIGKILL after ~10 s as the backstop.
		for ((i = 0; i < 100; i++)); do
			live=0
			for g in "${pgids[@]}"; do
				kill -TERM -- "-$g" 2>/dev/null && live=1
			done
			((live)) || break
			sleep 0.1
		done
		for g in "${pgids[@]}"; do
			kill -KILL -- "-$g" 2>/dev/null || true
		done
		wait "${pgids[@]}" 2>/dev/null || true
		for ((i = 0; i < 50; i++)); do
			live=0
			for g in "${pgids[@]}"; do
				kill -0 -- "-$g" 2>/dev/null && live=1
			done
			((live)) || break
			sleep 0.1
		done
		((live)) && echo "nsls.sh: warning: process groups ${pgids[*]} still present" >&2
	fi
	[ -n "$tmp" ] && rm -rf "$tmp"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

tmp=$(mktemp -d /tmp/nsls-bench.XXXXXX)

# The spawner: forks $1 sleeps, then reaps them. On the first SIGTERM (from
# cleanup, or a parent-death signal) it stops forking and passes the signal on
# to its whole process group; `until wait` then reaps every sleep before the
# shell exits, so nothing is left to be reparented.
# shellcheck disable=SC2016
spawner='trap '\''[ -n "${stop:-}" ] || { stop=1; kill -TERM 0; }'\'' TERM INT HUP
i=0
while [ "$i" -lt "$1" ] && [ -z "${stop:-}" ]; do sleep 3600 & i=$((i + 1)); done
until wait; do :; done'

# Four namespace groups and the host. Each slice gets NPROCS/5 sleeps; the host
# takes the rest. Should this script be SIGKILLed (no trap runs), parent-death
# signals still stop the spawners: setpriv --pdeathsig gives the host spawner a
# SIGTERM and unshare a SIGKILL, and unshare --kill-child=TERM passes a SIGTERM
# on to its spawner (pid namespace init or not, it has a handler for it).
groups=(
	"--pid --mount-proc --net --uts --ipc"
	"--pid --mount-proc --net --uts --ipc --cgroup --time"
	"--net --uts"
	"--user --map-root-user --pid --mount-proc --net --uts --ipc"
)
per=$((NPROCS / 5))
extra=0 # spawner processes, counted on top of the sleeps
set -m  # job control: each background job gets its own process group
for opts in "${groups[@]}"; do
	# shellcheck disable=SC2086
	setpriv --pdeathsig KILL unshare --kill-child=TERM $opts \
		sh -c "$spawner" sh "$per" </dev/null &
	pgids+=("$!")
	extra=$((extra + 2)) # unshare + sh
done
setpriv --pdeathsig TERM sh -c "$spawner" sh "$((NPROCS - 4 * per))" </dev/null &
pgids+=("$!")
extra=$((extra + 1))
set +m

# Job control gave each spawner its own process group (bash calls setpgid in
# both parent and child, so there is no window); check it all the same.
for g in "${pgids[@]}"; do
	pg=$(awk '{ print $5 }' "/proc/$g/stat" 2>/dev/null || echo gone)
	[ "$pg" = "$g" ] || die "process $g is not its own process group leader (pgid $pg)"
done

target=$((base + NPROCS + extra))
deadline=$((SECONDS + 60 + NPROCS / 50))
echo "nsls.sh: spawning $NPROCS processes (host already has $base)..." >&2
while :; do
	n=$(count_procs)
	((n >= target)) && break
	((SECONDS < deadline)) || die "timed out: $n processes, wanted $target"
	for g in "${pgids[@]}"; do
		kill -0 -- "-$g" 2>/dev/null || die "spawner group $g died (see errors above)"
	done
	sleep 0.2
done
sleep 1 # let the last forks settle

nprocs_before=$(count_procs)
floor_says=$("$FLOOR")
lsns_count=$(lsns -n | wc -l)

# (pdeathsig: should this script be SIGKILLed, hyperfine stops too)
baseline=()
[ -z "${BASELINE:-}" ] || baseline=("$BASELINE" "$BASELINE -J")
setpriv --pdeathsig TERM hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --export-json "$tmp/hf.json" \
	"$NSLS" "$NSLS -J" "lsns" "lsns -J" "$FLOOR" "${baseline[@]}"

nprocs_after=$(count_procs)

# results[] keep the order of the commands above: 0 nsls, 1 nsls -J,
# 2 lsns, 3 lsns -J, 4 floor, then 5 baseline, 6 baseline -J. Times in seconds.
mapfile -t rows < <(jq -r '.results[] | [.mean, .min, .command] | @tsv' "$tmp/hf.json")
((${#rows[@]} == 5 + ${#baseline[@]})) || die "unexpected hyperfine JSON ($tmp/hf.json)"

echo
echo "== nsls benchmark: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "kernel:    $(uname -r) ($(uname -m)), $(nproc) CPUs"
echo "processes: $nprocs_before before, $nprocs_after after the timing (asked for $NPROCS more than $base)"
echo "floor:     $floor_says; lsns lists $lsns_count"
echo "hyperfine: $(hyperfine --version | cut -d' ' -f2), -N, $WARMUP warmup, $RUNS runs"
echo
printf '%s\n' "${rows[@]}" | awk -F'\t' '
	BEGIN { printf "%-32s %10s %10s\n", "command", "mean ms", "min ms" }
	{ printf "%-32s %10.1f %10.1f\n", $3, $1 * 1000, $2 * 1000 }'
echo
printf '%s\n' "${rows[@]}" | awk -F'\t' '
	{ mean[NR - 1] = $1; min[NR - 1] = $2 }
	function ratio(label, a, b) {
		printf "%-20s %6.1fx   (min %.1fx)\n", label, mean[a] / mean[b], min[a] / min[b]
		return mean[a] / mean[b]
	}
	function verdict(ok, what) { printf "%-4s  %s\n", ok ? "PASS" : "MISS", what }
	END {
		r1 = ratio("lsns / nsls", 2, 0)
		r2 = ratio("lsns -J / nsls -J", 3, 1)
		r3 = ratio("nsls / floor", 0, 4)
		r4 = ratio("nsls -J / floor", 1, 4)
		if (NR == 7) {
			ratio("baseline / nsls", 5, 0)
			ratio("baseline -J / nsls -J", 6, 1)
		}
		print ""
		verdict(r1 >= 10, "nsls >= 10x faster than lsns")
		verdict(r2 >= 10, "nsls -J >= 10x faster than lsns -J")
		verdict(r3 <= 2, "nsls within 2x of floor")
	}'

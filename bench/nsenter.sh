#!/bin/bash
# nsenter.sh — benchmark nsenter-lite against util-linux nsenter entering the
# same target.
#
# Usage: bench/nsenter.sh [ROUNDS]      (default 5; run as root)
#
# Starts one target, a sleep in new mnt, uts, ipc, net, pid, cgroup and time
# namespaces, and times with hyperfine (-N, no shell)
#   $NSENTER_LITE -t PID -a true      and      nsenter -t PID -a true
# side by side in ROUNDS rounds (the order of the two swapped every round, so
# drift on a shared machine hits both alike). Each round gives a paired wall
# ratio (lite / nsenter, of the medians); the figure is the median of the
# rounds' ratios. The same for CPU time (user + system, of the means), which
# a busy machine disturbs less. Then `strace -f -c` counts the system calls of one run of
# each (both processes, the fork for the pid namespace and `true` included)
# and lists the calls whose counts differ.
# Targets: nsenter-lite no slower than nsenter (ratio <= 1.00), and fewer
# system calls.
#
# Environment: NSENTER_LITE (default build/nsenter-lite), RUNS per command
# per round (200), WARMUP (20), BASELINE (another nsenter-lite, e.g. the tree
# before a change built with BUILD=dir: timed in the same rounds, and the
# median of the rounds' lite / baseline ratios printed). Exit status: 0 when the benchmark ran,
# whatever the verdicts; 1 when it could not run; 2 on bad usage. The target
# is killed on exit, Ctrl-C or failure (by PID and process group, never by
# name).
set -euo pipefail

cd "$(dirname "$(readlink -f "$0")")/.."

ROUNDS=${1:-5}
NSENTER_LITE=${NSENTER_LITE:-build/nsenter-lite}
RUNS=${RUNS:-200}
WARMUP=${WARMUP:-20}

die() { echo "nsenter.sh: $*" >&2; exit 1; }

case $ROUNDS in
-h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
'' | *[!0-9]* | 0) echo "usage: bench/nsenter.sh [ROUNDS]" >&2; exit 2 ;;
esac

for t in hyperfine strace jq nsenter unshare; do
	command -v "$t" >/dev/null || die "$t not found: run scripts/install-deps.sh (Debian packages: hyperfine, strace, jq, util-linux)"
done
[ "$(id -u)" -eq 0 ] || die "must run as root (it creates namespaces and enters them)"
[ -x "$NSENTER_LITE" ] || die "$NSENTER_LITE not found: build it first (make), or set NSENTER_LITE"
NSENTER_LITE=$(readlink -f "$NSENTER_LITE")

# --- the target, in its own process group; killed inner first, so unshare
# reaps it (an orphan would wait for PID 1 to reap it).
leader="" inner="" tmp=""
cleanup() {
	local rc=$? i
	trap - EXIT INT TERM HUP
	[ -n "$inner" ] && kill -KILL "$inner" 2>/dev/null
	if [ -n "$leader" ]; then
		for ((i = 0; i < 50; i++)); do
			kill -0 "$leader" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL -- "-$leader" 2>/dev/null || true
		wait "$leader" 2>/dev/null || true
	fi
	[ -n "$tmp" ] && rm -rf "$tmp"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

tmp=$(mktemp -d /tmp/nsenter-bench.XXXXXX)

set -m # its own process group
setpriv --pdeathsig KILL unshare --kill-child=KILL --fork --pid --mount-proc --net --uts --ipc \
	--cgroup --time --mount sleep 3600 </dev/null 2>/dev/null &
leader=$!
set +m
for ((i = 0; i < 100; i++)); do
	inner=$(cat "/proc/$leader/task/$leader/children" 2>/dev/null | awk '{ print $1 }')
	[ -n "$inner" ] && [ "$(cat "/proc/$inner/comm" 2>/dev/null)" = sleep ] && break
	inner=""
	sleep 0.05
done
[ -n "$inner" ] || die "the target did not start"

lite=("$NSENTER_LITE" -t "$inner" -a true)
util=(nsenter -t "$inner" -a true)
"${lite[@]}" || die "nsenter-lite -a fails on the target"
base=()
if [ -n "${BASELINE:-}" ]; then
	base=("$(readlink -f "$BASELINE")" -t "$inner" -a true)
	"${base[@]}" || die "the baseline fails on the target"
fi
base_ratios=()
"${util[@]}" || die "nsenter -a fails on the target"

# --- wall time, paired rounds
ratios=() cpu_ratios=()
lite_medians=() util_medians=() lite_cpu=() util_cpu=()
for ((r = 1; r <= ROUNDS; r++)); do
	if ((r % 2)); then order=("${lite[*]}" "${util[*]}"); else order=("${util[*]}" "${lite[*]}"); fi
	((${#base[@]})) && { if ((r % 2)); then order=("${base[*]}" "${order[@]}"); else order+=("${base[*]}"); fi; }
	setpriv --pdeathsig TERM hyperfine -N --style none --warmup "$WARMUP" --runs "$RUNS" \
		--export-json "$tmp/round$r.json" "${order[@]}" >/dev/null 2>>"$tmp/hyperfine.log"
	l=$(jq -r --arg c "${lite[*]}" '.results[] | select(.command == $c) | .median' "$tmp/round$r.json")
	u=$(jq -r --arg c "${util[*]}" '.results[] | select(.command == $c) | .median' "$tmp/round$r.json")
	lc=$(jq -r --arg c "${lite[*]}" '.results[] | select(.command == $c) | .user + .system' "$tmp/round$r.json")
	uc=$(jq -r --arg c "${util[*]}" '.results[] | select(.command == $c) | .user + .system' "$tmp/round$r.json")
	lite_medians+=("$l")
	util_medians+=("$u")
	lite_cpu+=("$lc")
	util_cpu+=("$uc")
	ratios+=("$(awk -v l="$l" -v u="$u" 'BEGIN { printf "%.3f", l / u }')")
	cpu_ratios+=("$(awk -v l="$lc" -v u="$uc" 'BEGIN { printf "%.3f", l / u }')")
	if ((${#base[@]})); then
		b=$(jq -r --arg c "${base[*]}" '.results[] | select(.command == $c) | .median' "$tmp/round$r.json")
		base_ratios+=("$(awk -v l="$l" -v b="$b" 'BEGIN { printf "%.3f", l / b }')")
	fi
done

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# --- system calls
count_syscalls() {
	strace -f -c -o "$1" "${@:2}" >/dev/null
	awk '$NF == "total" { print $4 }' "$1"
}
lite_calls=$(count_syscalls "$tmp/lite.strace" "${lite[@]}")
util_calls=$(count_syscalls "$tmp/util.strace" "${util[@]}")

# "name calls" for each syscall of an strace -c table (% time, seconds,
# usecs/call, calls, [errors,] syscall).
per_call() {
	awk '$1 ~ /^[0-9.]+$/ && $NF != "total" { print $NF, $4 }' "$1" | sort
}

echo
echo "== nsenter-lite benchmark: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "kernel:    $(uname -r) ($(uname -m)), $(nproc) CPUs"
echo "nsenter:   $(nsenter --version)"
echo "target:    PID $inner (mnt uts ipc net pid cgroup time namespaces of its own)"
echo "hyperfine: $(hyperfine --version | cut -d' ' -f2), -N, $WARMUP warmup, $RUNS runs per command, $ROUNDS rounds"
echo
printf '%-6s %12s %12s %7s   %12s %12s %7s\n' round "lite wall" "nsenter wall" ratio "lite cpu" "nsenter cpu" ratio
ms() { awk -v v="$1" 'BEGIN { printf "%.3f", v * 1000 }'; }
for ((r = 0; r < ROUNDS; r++)); do
	printf '%-6s %12s %12s %7s   %12s %12s %7s\n' $((r + 1)) "$(ms "${lite_medians[r]}")" \
		"$(ms "${util_medians[r]}")" "${ratios[r]}" "$(ms "${lite_cpu[r]}")" "$(ms "${util_cpu[r]}")" \
		"${cpu_ratios[r]}"
done
ratio=$(median "${ratios[@]}")
cpu_ratio=$(median "${cpu_ratios[@]}")
printf '%-6s %12s %12s %7.3f   %12s %12s %7.3f\n' median "$(ms "$(median "${lite_medians[@]}")")" \
	"$(ms "$(median "${util_medians[@]}")")" "$ratio" "$(ms "$(median "${lite_cpu[@]}")")" \
	"$(ms "$(median "${util_cpu[@]}")")" "$cpu_ratio"
echo "(ms per run: wall = hyperfine's median, cpu = mean user + system)"
((${#base[@]})) && echo "nsenter-lite / baseline ($BASELINE), wall, median of rounds: $(median "${base_ratios[@]}") (rounds: ${base_ratios[*]})"
echo
echo "system calls (strace -f -c, one run, fork and \`true' included):"
printf '  %-14s %6s\n' nsenter-lite "$lite_calls" nsenter "$util_calls"
echo "  where they differ (nsenter-lite, nsenter):"
join -a1 -a2 -e0 -o 0,1.2,2.2 <(per_call "$tmp/lite.strace") <(per_call "$tmp/util.strace") |
	awk '$2 != $3 { printf "    %-18s %5d %5d\n", $1, $2, $3 }'
outliers=$(grep -c "outliers were detected" "$tmp/hyperfine.log" || true)
((outliers)) && echo "(hyperfine saw statistical outliers in $outliers of $((2 * ROUNDS)) series: a busy machine; load average $(cut -d' ' -f1-3 /proc/loadavg))"
echo
awk -v r="$ratio" -v c="$cpu_ratio" 'BEGIN { printf "%-4s  nsenter-lite no slower than nsenter (wall ratio %.3f; cpu ratio %.3f)\n", r <= 1.0 ? "PASS" : "MISS", r, c }'
awk -v l="$lite_calls" -v u="$util_calls" \
	'BEGIN { printf "%-4s  nsenter-lite makes fewer system calls (%d vs %d)\n", l < u ? "PASS" : "MISS", l, u }'

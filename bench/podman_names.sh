#!/bin/bash
# podman_names.sh — what cgtop pays for podman names (conmon's "-n"), which
# no cgroup path holds: N cgroups named like podman's cgroupfs manager names
# them (/nstk-bench-<pid>/libpod-<64 hex>, in the pids hierarchy, or the one
# cgroup2 tree), each with one process whose parent is a "conmon" (a python
# whose command line reads "conmon ... -c <id> -n <name>"). It runs
#
#   $CGTOP -J -n 5 -d 0.2 /nstk-bench-<pid>
#
# RUNS times (after one warm-up) with the conmons naming their containers,
# then with the same processes under a parent that is no conmon, and prints
# the median CPU time (user + system, getrusage of the child) of each and
# their ratio. The lookup is cached per container, so it is paid once per
# container per run, not per sample.
#
# Usage: bench/podman_names.sh [N]          (default 200; root)
set -euo pipefail
N=${1:-200}
RUNS=${RUNS:-15}
CGTOP=${CGTOP:-build/cgtop}
CG=/sys/fs/cgroup
if [ "$(stat -f -c %T $CG)" = cgroup2fs ]; then ROOT=$CG; else ROOT=$CG/pids; fi
TOP="nstk-bench-$$"
PIDS=()
cleanup() {
	# Each parent leads its own group (setsid): its child goes with it.
	for p in "${PIDS[@]}"; do kill -- "-$p" 2>/dev/null || true; done
	for p in "${PIDS[@]}"; do while kill -0 "$p" 2>/dev/null; do sleep 0.05; done; done
	local d i
	for d in "$ROOT/$TOP"/*/; do
		[ -d "$d" ] || continue
		for ((i = 0; i < 100; i++)); do rmdir "$d" 2>/dev/null && break; sleep 0.05; done
	done
	rmdir "$ROOT/$TOP" 2>/dev/null || true
}
trap cleanup EXIT
mkdir "$ROOT/$TOP"

# spawn ARGV0 ID NAME: a parent whose command line is ARGV0 -c ID -n NAME and
# a child of it in the container's cgroup.
spawn() {
	mkdir "$ROOT/$TOP/libpod-$2"
	# shellcheck disable=SC2016
	setsid bash -c 'exec -a "$0" /usr/bin/python3 -c "
import os, sys, time
pid = os.fork()
if pid == 0:
    open(sys.argv[1], \"w\").write(str(os.getpid()))
    os.execv(\"/bin/sleep\", [\"sleep\", \"1000\"])
os.wait()
" "$1/cgroup.procs" -c "$2" -n "$3"' "$1" "$ROOT/$TOP/libpod-$2" "$2" "$3" </dev/null >/dev/null 2>&1 &
	PIDS+=("$!")
}

median_cpu_ms() {
	local i t0 t1 times=() me=$BASHPID
	"$@" >/dev/null
	for ((i = 0; i < RUNS; i++)); do
		t0=$(awk '{ print $16 + $17 }' "/proc/$me/stat")
		"$@" >/dev/null
		t1=$(awk '{ print $16 + $17 }' "/proc/$me/stat")
		times+=($(((t1 - t0) * 1000 / $(getconf CLK_TCK))))
	done
	printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

run_with() {
	cleanup
	PIDS=()
	mkdir "$ROOT/$TOP"
	local i id
	for ((i = 0; i < N; i++)); do
		id=$(printf '%064x' $((0xc0ffee000 + i)))
		spawn "$1" "$id" "bench-$i"
	done
	# Until every container has its process.
	for ((i = 0; i < 200; i++)); do
		[ "$(cat "$ROOT/$TOP"/libpod-*/cgroup.procs | wc -l)" -ge "$N" ] && break
		sleep 0.1
	done
	local named
	named=$("$CGTOP" -J -n 1 "/$TOP" | jq '[.cgroups[] | select(.container.name != null)] | length')
	echo "$1: $named of $N containers named" >&2
	RESULT=$(median_cpu_ms "$CGTOP" -J -n 5 -d 0.2 "/$TOP")
}

# Not in $(...): the PIDs must reach cleanup in this shell.
run_with conmon
with=$RESULT
run_with notconmon
without=$RESULT
echo "cgtop -J -n 5 over $N podman-like containers: named $with ms, unnamed $without ms (median CPU of $RUNS)"
awk -v a="$with" -v b="$without" 'BEGIN { if (b > 0) printf "ratio named/unnamed: %.2f\n", a / b }'

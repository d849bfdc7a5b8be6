#!/bin/bash
# cgtop.sh — CPU time of cgtop against systemd-cgtop on a tree of populated
# cgroups.
#
# Usage: bench/cgtop.sh [NCGROUPS]          (default 1000; run as root)
#
# Makes /nstk-bench-<pid>/cg0001 ... cgNNNN, the same relative path in the v1
# cpu, cpuacct, memory and pids hierarchies (on a unified host: in the one
# cgroup2 tree), puts one `sleep` in each, gives the parent a CPU quota, a
# memory limit and a pids limit (so cgtop has inherited limits to find), then
# runs, interleaved, RUNS times each after one warm-up:
#
#   $CGTOP -b -n 5 -d 0.2 /nstk-bench-<pid>
#   systemd-cgtop -b -n 5 -d 0.2 /nstk-bench-<pid>
#   $CGTOP -b -J -n 5 -d 0.2 /nstk-bench-<pid>      (JSON=1: for information)
#
# (output to /dev/null) and measures each run's CPU time, user + system, from
# the shell's getrusage of the child (ms resolution). It prints min and
# median per command, the ratio cgtop / systemd-cgtop and a PASS/MISS line
# for the target "cgtop uses no more CPU than systemd-cgtop" (medians). Then,
# when strace is installed, one traced run of each: syscalls per cgroup per
# sample, and the files each opens for one cgroup.
#
# systemd-cgtop (252) on a host that does not run systemd: it works the
# layout out from statfs (tmpfs at /sys/fs/cgroup and cgroup2 at
# /sys/fs/cgroup/unified: hybrid; a legacy host needs the name=systemd
# hierarchy at /sys/fs/cgroup/systemd), and its root from /proc/1/cgroup.
# The PATH argument makes it walk only the benchmark's subtree, to its
# default --depth 3 (the tree is two levels). It walks each hierarchy on its
# own (systemd's, cpu, cpuacct, memory, io, blkio, pids) with opendir and
# readdir, joins the rows by path, and per cgroup reads, each file opened by
# absolute path, read with stdio and closed: cpuacct.usage, memory.usage_in_bytes
# and pids.current (and blkio.io_service_bytes where blkio holds the tree:
# not here). No limits, no throttling, no working set, no pressure.
# cgtop's table reads per cgroup: cpu.stat (throttling), cpuacct.usage,
# cpu.cfs_quota_us and cpu.cfs_period_us, memory.usage_in_bytes,
# memory.stat (working set), memory.limit_in_bytes, memory.oom_control
# (OOM kills), pids.current and pids.max (and blkio, cpuset and cgroup2
# files where the cgroup is in those hierarchies); -J adds swap and peak,
# and pressure where the cgroup is in the cgroup2 tree (UNIFIED=1 puts it
# there on a hybrid host). The "files" lines of the output show both sets.
#
# Environment: CGTOP (default build/cgtop), RUNS (7), SAMPLES (5), DELAY
# (0.2), STRACE (1; 0 skips the traced runs), JSON (1; 0 skips cgtop -J),
# UNIFIED (0; 1 also makes the tree in a hybrid host's cgroup2 hierarchy),
# HOLD (0; 1 makes the tree, times nothing and keeps it until SIGTERM or
# Ctrl-C, for profiling), BASELINE (another cgtop, e.g. the tree before a
# change built with BUILD=dir: timed in the same rounds, alternating with
# the others, and its ratio to cgtop printed). Exit status: 0 when the benchmark ran, PASS or
# MISS; 1 when it could not run; 2 on bad usage. Everything it makes is
# removed on exit, Ctrl-C or failure: the sleeps are killed by process group
# (never by name) and reaped, then the cgroups are removed children first.
set -euo pipefail

cd "$(dirname "$(readlink -f "$0")")/.."

N=${1:-1000}
CGTOP=${CGTOP:-build/cgtop}
RUNS=${RUNS:-7}
SAMPLES=${SAMPLES:-5}
DELAY=${DELAY:-0.2}
STRACE=${STRACE:-1}
JSON=${JSON:-1}
UNIFIED=${UNIFIED:-0}
CG=/sys/fs/cgroup

die() { echo "cgtop.sh: $*" >&2; exit 1; }

case $N in
-h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
'' | *[!0-9]*) echo "usage: bench/cgtop.sh [NCGROUPS]" >&2; exit 2 ;;
esac
((N >= 1 && N <= 9999)) || { echo "cgtop.sh: NCGROUPS must be 1..9999" >&2; exit 2; }
case $RUNS in '' | *[!0-9]* | 0) echo "cgtop.sh: RUNS must be a positive number" >&2; exit 2 ;; esac

[ "$(id -u)" -eq 0 ] || die "must run as root (it makes cgroups)"
[ -x "$CGTOP" ] || die "$CGTOP not found: build it first (make), or set CGTOP=<path>"
command -v systemd-cgtop >/dev/null || die "systemd-cgtop not found (Debian package systemd)"
command -v setpriv >/dev/null || die "setpriv not found (Debian package util-linux)"

# The hierarchies to populate: the v1 controllers', or the cgroup2 root.
if [ "$(stat -f -c %T "$CG")" = cgroup2fs ]; then
	layout=unified
	dirs=("$CG")
else
	layout=v1
	dirs=()
	for h in cpu cpuacct memory pids; do
		[ "$(stat -f -c %T "$CG/$h" 2>/dev/null)" = cgroupfs ] ||
			die "$CG/$h is not a v1 cgroup hierarchy"
		dirs+=("$CG/$h")
	done
	if [ "$UNIFIED" = 1 ]; then
		[ "$(stat -f -c %T "$CG/unified" 2>/dev/null)" = cgroup2fs ] ||
			die "UNIFIED=1: $CG/unified is not a cgroup2 hierarchy"
		dirs+=("$CG/unified")
	fi
fi

parent="nstk-bench-$$"
pgid=""
made_parent=()
tmp=""

# shellcheck disable=SC2317 # (run by the EXIT trap)
cleanup() {
	local rc=$? d i k left=()
	trap - EXIT INT TERM HUP
	if [ -n "$pgid" ]; then
		# The spawner passes SIGTERM on to its process group and reaps it.
		for ((i = 0; i < 50; i++)); do
			kill -TERM -- "-$pgid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL -- "-$pgid" 2>/dev/null || true
		wait "$pgid" 2>/dev/null || true
	fi
	for d in "${made_parent[@]}"; do
		[ -d "$d/$parent" ] || continue
		# Children first, all in one rmdir; a killed task leaves its cgroup a
		# moment after it exits, so try again for a while.
		for ((k = 0; k < 100; k++)); do
			left=("$d/$parent"/cg*/)
			[ -d "${left[0]}" ] || break
			rmdir "${left[@]}" 2>/dev/null || sleep 0.05
		done
		rmdir "$d/$parent" 2>/dev/null || echo "cgtop.sh: warning: cannot remove $d/$parent" >&2
	done
	[ -n "$tmp" ] && rm -rf "$tmp"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

tmp=$(mktemp -d /tmp/cgtop-bench.XXXXXX)

echo "cgtop.sh: making $N cgroups under /$parent in ${dirs[*]}..." >&2
for d in "${dirs[@]}"; do
	mkdir "$d/$parent"
	made_parent+=("$d")
	if [ "$layout" = unified ]; then
		# (the root's subtree_control is the host's: only the benchmark's own is set)
		echo "+cpu +memory +pids" >"$d/$parent/cgroup.subtree_control" 2>/dev/null || true
	fi
	for ((i = 1; i <= N; i++)); do
		printf -v name 'cg%04d' "$i"
		mkdir "$d/$parent/$name"
	done
done

# Limits on the parent, inherited by every child: cgtop shows them as
# effective limits with their source; systemd-cgtop does not look.
# (A controller the host does not enable for its root's children has no file.)
set_limit() { echo "$2" 2>/dev/null >"$1" || echo "cgtop.sh: warning: cannot set $1" >&2; }
if [ "$layout" = unified ]; then
	set_limit "$CG/$parent/cpu.max" "200000 100000"
	set_limit "$CG/$parent/memory.max" $((8 << 30))
	set_limit "$CG/$parent/pids.max" $((N + 1000))
else
	set_limit "$CG/cpu/$parent/cpu.cfs_quota_us" 200000
	set_limit "$CG/memory/$parent/memory.limit_in_bytes" $((8 << 30))
	set_limit "$CG/pids/$parent/pids.max" $((N + 1000))
fi

# The spawner, in its own process group: starts one sleep per cgroup, moves
# it into that cgroup in every hierarchy, says "ready", then reaps. On SIGTERM
# it stops and passes the signal to its group; setpriv's parent-death signal
# stops it should this script be SIGKILLed.
# shellcheck disable=SC2016
spawner='trap '\''[ -n "${stop:-}" ] || { stop=1; kill -TERM 0; }'\'' TERM INT HUP
n=$1; shift
for ((i = 1; i <= n && ${stop:-0} == 0; i++)); do
	printf -v name "cg%04d" "$i"
	sleep 3600 &
	for d in "$@"; do echo $! >"$d/$name/cgroup.procs" || exit 1; done
done
echo ready
until wait; do :; done'
cgdirs=()
for d in "${dirs[@]}"; do cgdirs+=("$d/$parent"); done
set -m
setpriv --pdeathsig TERM bash -c "$spawner" spawner "$N" "${cgdirs[@]}" </dev/null >"$tmp/ready" &
pgid=$!
set +m

deadline=$((SECONDS + 60 + N / 20))
until [ -s "$tmp/ready" ]; do
	kill -0 "$pgid" 2>/dev/null || die "the spawner died (see errors above)"
	((SECONDS < deadline)) || die "timed out waiting for $N sleeps"
	sleep 0.1
done
populated=0
for ((i = 1; i <= N; i++)); do
	printf -v name 'cg%04d' "$i"
	# (cgroupfs files have no size: read it)
	[ -n "$(head -c 1 "${dirs[-1]}/$parent/$name/cgroup.procs")" ] && populated=$((populated + 1))
done
((populated == N)) || die "only $populated of $N cgroups hold a process"

if [ "${HOLD:-0}" = 1 ]; then
	echo "cgtop.sh: holding /$parent ($N cgroups); kill -TERM $$ (or Ctrl-C) removes it" >&2
	while :; do sleep 1; done
fi

# (read through namerefs below)
# shellcheck disable=SC2034
cgtop_cmd=("$CGTOP" -b -n "$SAMPLES" -d "$DELAY" "/$parent")
# shellcheck disable=SC2034
cgtop_json_cmd=("$CGTOP" -b -J -n "$SAMPLES" -d "$DELAY" "/$parent")
sd_cmd=(systemd-cgtop -b -n "$SAMPLES" -d "$DELAY" "/$parent")

# Both must see the tree: count the rows of one sample that name it.
rows_cgtop=$("$CGTOP" -b -n 1 "/$parent" | grep -c "^/$parent" || true)
rows_sd=$(systemd-cgtop -b -n 2 -d 0.1 "/$parent" | grep -c "^/$parent" || true)
((rows_cgtop >= N)) || die "cgtop shows $rows_cgtop rows of the tree, expected $((N + 1))"
((rows_sd >= N)) || die "systemd-cgtop shows $rows_sd rows of the tree over 2 samples, expected more"

# cpu_ms CMD...: the CPU time (user + system) of one run of CMD, in ms.
cpu_ms() {
	local TIMEFORMAT='%3U %3S' t
	t=$({ time "$@" >/dev/null 2>"$tmp/stderr"; } 2>&1) ||
		die "$* failed: $(cat "$tmp/stderr")"
	awk -v t="$t" 'BEGIN { split(t, a, " "); printf "%.0f\n", (a[1] + a[2]) * 1000 }'
}

names=(cgtop systemd-cgtop)
cmds=(cgtop_cmd sd_cmd)
if [ "$JSON" = 1 ]; then
	names+=("cgtop -J")
	cmds+=(cgtop_json_cmd)
fi
if [ -n "${BASELINE:-}" ]; then
	# shellcheck disable=SC2034
	base_cmd=("$BASELINE" -b -n "$SAMPLES" -d "$DELAY" "/$parent")
	names+=("baseline")
	cmds+=(base_cmd)
fi
declare -A times
echo "cgtop.sh: timing, $RUNS runs each after a warm-up..." >&2
for ((r = 0; r <= RUNS; r++)); do
	for ((k = 0; k < ${#cmds[@]}; k++)); do
		# Alternate the order, so neither always runs right after the other.
		j=$(((k + r) % ${#cmds[@]}))
		declare -n cmd="${cmds[$j]}"
		ms=$(cpu_ms "${cmd[@]}")
		((r == 0)) || times[$j]+="$ms "
		unset -n cmd
	done
done

# stats LIST: "min median" of a list of numbers.
stats() {
	tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{ v[NR] = $1 }
		END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%d %d\n", v[1], m }'
}

echo
echo "== cgtop benchmark: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "kernel:   $(uname -r) ($(uname -m)), $(nproc) CPUs, layout $layout"
echo "tree:     /$parent with $N cgroups, one sleep each, in ${dirs[*]}"
echo "commands: ${cgtop_cmd[*]}"
echo "          ${sd_cmd[*]}   ($(systemd-cgtop --version | head -1))"
echo "rows:     cgtop $rows_cgtop per sample; systemd-cgtop $rows_sd over 2 samples"
echo "CPU time: user + system per run, $RUNS runs after a warm-up"
echo
printf '%-16s %8s %10s   %s\n' command "min ms" "median ms" "all runs (ms)"
for ((k = 0; k < ${#cmds[@]}; k++)); do
	read -r mn md <<<"$(stats "${times[$k]}")"
	mins[k]=$mn
	meds[k]=$md
	printf '%-16s %8d %10d   %s\n' "${names[$k]}" "$mn" "$md" "${times[$k]}"
done
echo
awk -v a="${meds[0]}" -v b="${meds[1]}" -v am="${mins[0]}" -v bm="${mins[1]}" 'BEGIN {
	printf "ratio cgtop / systemd-cgtop: %.2f (median), %.2f (min)\n", a / b, am / bm
	printf "%s  cgtop uses no more CPU than systemd-cgtop (median), while reading the limits and throttling that it does not\n",
		a <= b ? "PASS" : "MISS"
}'
if [ "$JSON" = 1 ]; then
	awk -v a="${meds[2]}" -v b="${meds[1]}" 'BEGIN {
		printf "(cgtop -J, every file group: swap, peak, and pressure where the tree is in cgroup2: %.2f of systemd-cgtop)\n", a / b
	}'
fi

if [ -n "${BASELINE:-}" ]; then
	awk -v a="${meds[0]}" -v b="${meds[$((${#cmds[@]} - 1))]}" -v am="${mins[0]}" -v bm="${mins[$((${#cmds[@]} - 1))]}" 'BEGIN {
		printf "ratio cgtop / baseline (%s): %.2f (median), %.2f (min)\n", ENVIRON["BASELINE"], a / b, am / bm
	}'
fi

if [ "$STRACE" = 1 ] && command -v strace >/dev/null; then
	echo
	echo "syscalls (strace -f -c, one run of $SAMPLES samples, per cgroup per sample; $((N + 1)) cgroups):"
	for ((k = 0; k < ${#cmds[@]}; k++)); do
		declare -n cmd="${cmds[$k]}"
		strace -f -c -o "$tmp/strace.$k" "${cmd[@]}" >/dev/null 2>&1 || true
		unset -n cmd
		awk -v name="${names[$k]}" -v n=$((N + 1)) -v s="$SAMPLES" '
			# "% time seconds usecs/call calls [errors] syscall"
			$1 ~ /^[0-9.]+$/ && $NF != "total" && NF >= 5 { c[$NF] = $4; sum += $4 }
			END {
				line = ""
				for (k in c) if (c[k] / (n * s) >= 0.1) line = line sprintf(" %s %.1f", k, c[k] / (n * s))
				printf "  %-16s %5.1f  (%s )\n", name, sum / (n * s), line
			}' "$tmp/strace.$k"
	done
	echo
	echo "files each opens for /$parent/cg0001 (strace -e openat, one sample):"
	one="$parent/cg0001"
	for ((k = 0; k < 2; k++)); do
		if ((k == 0)); then
			strace -f -e trace=openat -o "$tmp/open.$k" "$CGTOP" -b -n 1 "/$parent" >/dev/null 2>&1 || true
			# Opened relative to the cgroup's directory fds: the names after "cg0001"'s fds.
			files=$(awk -v c="cg0001" '
				/openat\(/ && index($0, "\"" c "\"") { if (match($0, /= [0-9]+$/)) fd[substr($0, RSTART + 2)] = 1; next }
				/openat\(/ { split($0, a, "openat\\("); split(a[2], b, ","); if (b[1] in fd) { split($0, q, "\""); print q[2] } }
				' "$tmp/open.$k" | sort -u | tr '\n' ' ')
		else
			strace -f -e trace=openat -o "$tmp/open.$k" systemd-cgtop -b -n 1 "/$parent" >/dev/null 2>&1 || true
			files=$(grep -o "\"[^\"]*/$one/[^\"]*\"" "$tmp/open.$k" | tr -d '"' |
				sed "s|$CG/||; s|/$one/| |" | awk '{ print $2 " (" $1 ")" }' | sort -u | tr '\n' ' ')
		fi
		printf '  %-16s %s\n' "${names[$k]}" "${files:-(none)}"
	done
fi
exit 0

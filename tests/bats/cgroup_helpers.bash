# cgroup_helpers.bash — real cgroups for the cgtop suites (cgtop.bats,
# cgtop_tui.bats), made the same way on every layout: in each hierarchy that
# holds cpu, cpuacct, memory or pids (the v1 controller directories on a
# hybrid or legacy host), or in the one cgroup2 tree on a unified host (the
# VM rig). Every directory made is recorded with nstk_cgroup_mkdir, so
# nstk_cleanup removes it, deepest first, once the tasks are gone.
#
# Load it after helpers.bash. It gives:
#   cg_layout                   in setup: $CG_LAYOUT (unified or v1) and
#                               $CG_DIRS (the hierarchies a cgroup is made in)
#   cg_make PATH                make PATH (relative, parents first) everywhere
#   cg_cpu_quota PATH QUOTA_US PERIOD_US, cg_memory_max PATH BYTES,
#   cg_pids_max PATH N          set a limit in the layout's own files
#   cg_spawn PATH CMD...        run CMD in PATH in every hierarchy (nstk_spawn);
#                               returns once it has joined them all
#   cg_wait_rss PID KIB         wait (max 20 s) until PID's VmRSS is KIB (a
#                               memhog has touched what it holds); the bound
#                               only catches a hang
#   cgtop_run ARGS...           run $CGTOP (the suite sets it) with bats's run,
#                               stderr apart; fails on any sanitizer report

CG=/sys/fs/cgroup

cg_layout() {
	if [ "$(stat -f -c %T $CG)" = cgroup2fs ]; then
		CG_LAYOUT=unified
		CG_DIRS=("$CG")
	else
		CG_LAYOUT=v1
		CG_DIRS=()
		# Each hierarchy once: cpu and cpuacct are often one, mounted as
		# cpu,cpuacct and reached by both names (links), as systemd makes it.
		local h d seen=" "
		for h in cpu cpuacct memory pids; do
			[ -d "$CG/$h" ] || continue
			d=$(realpath "$CG/$h")
			[[ $seen == *" $d "* ]] && continue
			seen+="$d "
			CG_DIRS+=("$d")
		done
	fi
}

cg_make() {
	local d
	for d in "${CG_DIRS[@]}"; do
		nstk_cgroup_mkdir "$d/$1"
	done
	if [ "$CG_LAYOUT" = unified ]; then
		# The parent hands cpu, memory and pids down: those it has (a pure v2
		# host has all three); a write refused is a broken test host, said.
		local parent want="" c
		parent=$(dirname "$CG/$1")
		for c in cpu memory pids; do
			grep -qw "$c" "$parent/cgroup.controllers" && want+=" +$c"
		done
		[ -z "$want" ] || echo "$want" >"$parent/cgroup.subtree_control" ||
			fail "cannot enable$want in $parent/cgroup.subtree_control"
	fi
}

cg_cpu_quota() {
	if [ "$CG_LAYOUT" = unified ]; then
		echo "$2 $3" >"$CG/$1/cpu.max"
	else
		echo "$3" >"$CG/cpu/$1/cpu.cfs_period_us"
		echo "$2" >"$CG/cpu/$1/cpu.cfs_quota_us"
	fi
}

cg_memory_max() {
	if [ "$CG_LAYOUT" = unified ]; then
		echo "$2" >"$CG/$1/memory.max"
	else
		echo "$2" >"$CG/memory/$1/memory.limit_in_bytes"
	fi
}

cg_pids_max() {
	local d="$CG/$1"
	[ "$CG_LAYOUT" = unified ] || d="$CG/pids/$1"
	echo "$2" >"$d/pids.max"
}

cg_wait_rss() {
	local i rss
	for ((i = 0; i < 400; i++)); do
		rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null)
		[ "${rss:-0}" -ge "$2" ] && return 0
		sleep 0.05
	done
}

cg_spawn() {
	local path="$1" d dirs=""
	shift
	for d in "${CG_DIRS[@]}"; do
		dirs="$dirs $d/$path"
	done
	nstk_spawn sh -c 'for d in '"$dirs"'; do echo $$ >"$d/cgroup.procs" || exit 1; done; exec "$@"' cgtop-task "$@"
	# Return only once the task has joined every hierarchy (it joins the last one last).
	local i last="${dirs##* }"
	for ((i = 0; i < 250; i++)); do
		grep -qx "$NSTK_PID" "$last/cgroup.procs" 2>/dev/null && return 0
		sleep 0.02
	done
	fail "task $NSTK_PID did not join $last within 5 s"
}

# cgtop_run ARGS...: run cgtop, stderr apart; fail on any sanitizer report.
cgtop_run() {
	run --separate-stderr "$CGTOP" "$@"
	if [[ "$stderr" == *Sanitizer* || "$stderr" == *"runtime error:"* ]]; then
		echo "sanitizer report from cgtop $*:" >&2
		echo "$stderr" >&2
		return 1
	fi
}

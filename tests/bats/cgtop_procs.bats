#!/usr/bin/env bats
# cgtop_procs.bats — the processes inside a cgroup: cgtop -b -P and -J -P
# against real cgroups this suite makes (cgroup_helpers.bash: every
# hierarchy holding cpu, cpuacct, memory or pids on this hybrid host, the
# one cgroup2 tree in the VM rig), with a sleeper and a CPU hog in them, each
# compared with the cgroup's own cgroup.procs and /proc. The screen's
# Enter is in cgtop_tui.bats.
#
# Cgroups are nstk-procs-<pid>-<test>[/child], removed in teardown after
# their processes are killed (nstk_cleanup). Nothing else is touched.

load helpers
load cgroup_helpers

CGTOP="${NSLS%/nsls}/cgtop"

setup() {
	[ -x "$CGTOP" ] || fail "cgtop not built: run make"
	cg_layout
	CG_NAME="nstk-procs-$$-$BATS_TEST_NUMBER"
}

teardown() {
	nstk_cleanup
}

# procs_json ARGS...: cgtop -J -P ARGS must exit 0 with valid JSON; its last line lands in $NSTK_JSON.
procs_json() {
	cgtop_run -J -P "$@"
	[ "$status" -eq 0 ] || fail "cgtop -J -P $* exited $status: $stderr"
	NSTK_JSON="$(tail -n 1 <<<"$output")"
	jq -e . >/dev/null <<<"$NSTK_JSON" || fail "not JSON: $NSTK_JSON"
}

# jproc PATH PID FILTER: jq FILTER over process PID of cgroup PATH in $NSTK_JSON.
jproc() {
	jq -r --arg p "$1" --argjson pid "$2" \
		".cgroups[] | select(.path == \$p) | .processes[] | select(.pid == \$pid) | $3" <<<"$NSTK_JSON"
}

# procs_file PATH: the cgroup's own cgroup.procs, sorted, from the first of
# its hierarchies (where cgtop reads it).
procs_file() {
	sort -n "${CG_DIRS[0]}/$1/cgroup.procs"
}

# cpu_at_least VALUE LOW / cpu_at_most VALUE HIGH, as numbers (null fails).
cpu_at_least() {
	awk -v v="$1" -v lo="$2" 'BEGIN { exit !(v != "" && v != "null" && v + 0 >= lo) }' ||
		fail "$1 is not at least $2"
}
cpu_at_most() {
	awk -v v="$1" -v hi="$2" 'BEGIN { exit !(v != "" && v != "null" && v + 0 <= hi) }' ||
		fail "$1 is not at most $2"
}

# bats test_tags=vm
@test "-J -P lists exactly the cgroup's processes, with user, uid, command, state and RSS" {
	cg_make "$CG_NAME"
	cg_spawn "$CG_NAME" sleep 1000
	local sleeper=$NSTK_PID
	cg_spawn "$CG_NAME" sh -c 'while :; do :; done'
	local hog=$NSTK_PID
	procs_json -n 1 -d 0.5 "/$CG_NAME"
	local want got
	want=$(procs_file "$CG_NAME" | tr '\n' ' ')
	got=$(jq -r --arg p "/$CG_NAME" '.cgroups[] | select(.path == $p) | .processes[].pid' <<<"$NSTK_JSON" | tr '\n' ' ')
	[ "$got" = "$want" ] || fail "cgtop: '$got', cgroup.procs: '$want'"
	[ "$got" = "$(printf '%s\n' "$sleeper" "$hog" | sort -n | tr '\n' ' ')" ]
	# Every field, of the right type, for both.
	local p
	for p in "$sleeper" "$hog"; do
		[ "$(jproc "/$CG_NAME" "$p" '[.user, .uid, (.rss > 0), (.state | test("^[A-Za-z]$"))] | tojson')" = '["root",0,true,true]' ]
		[ "$(jproc "/$CG_NAME" "$p" 'keys_unsorted | join(" ")')" = "pid user uid command cpu_pct rss state" ]
	done
	[ "$(jproc "/$CG_NAME" "$sleeper" .command)" = sleep ]
	[ "$(jproc "/$CG_NAME" "$sleeper" .state)" = S ]
	[ "$(jproc "/$CG_NAME" "$hog" .command)" = sh ]
	[ "$(jproc "/$CG_NAME" "$hog" .state)" = R ]
	# RSS as the kernel counts it: within a factor of two of /proc's VmRSS.
	local rss vmrss
	rss=$(jproc "/$CG_NAME" "$sleeper" .rss)
	vmrss=$(awk '/^VmRSS:/ { print $2 * 1024 }' "/proc/$sleeper/status")
	[ "$rss" -ge $((vmrss / 2)) ] && [ "$rss" -le $((vmrss * 2)) ] || fail "rss $rss, VmRSS $vmrss"
}

@test "-J -P: the hog's cpu_pct is high and the sleeper's low; one sample has them (the unprinted first gives the rates)" {
	cg_make "$CG_NAME"
	cg_spawn "$CG_NAME" sleep 1000
	local sleeper=$NSTK_PID
	cg_spawn "$CG_NAME" sh -c 'while :; do :; done'
	local hog=$NSTK_PID
	procs_json -n 1 -d 1 "/$CG_NAME"
	echo "# hog $(jproc "/$CG_NAME" "$hog" .cpu_pct) %, sleeper $(jproc "/$CG_NAME" "$sleeper" .cpu_pct) %" >&3
	# A whole CPU when the machine is idle; loose, for a machine busy with other work.
	cpu_at_least "$(jproc "/$CG_NAME" "$hog" .cpu_pct)" 15
	cpu_at_most "$(jproc "/$CG_NAME" "$hog" .cpu_pct)" 101
	cpu_at_most "$(jproc "/$CG_NAME" "$sleeper" .cpu_pct)" 2
	# The same over two printed samples: both have it.
	procs_json -n 2 -d 0.5 "/$CG_NAME"
	cpu_at_least "$(jproc "/$CG_NAME" "$hog" .cpu_pct)" 15
}

@test "-b -P adds a second table: one line per process, its cgroup's path first; the cgroup table is as without -P" {
	cg_make "$CG_NAME"
	cg_spawn "$CG_NAME" sleep 1000
	local sleeper=$NSTK_PID
	cg_spawn "$CG_NAME" sh -c 'while :; do :; done'
	local hog=$NSTK_PID
	cgtop_run -b -P -n 1 -d 0.5 "/$CG_NAME"
	[ "$status" -eq 0 ]
	echo "$output" | sed 's/^/# /' >&3
	# The cgroup table, a blank line, the process table.
	local first procs
	first=$(sed '/^$/,$d' <<<"$output")
	procs=$(sed '1,/^$/d' <<<"$output")
	[[ "$(head -n 1 <<<"$first")" =~ ^PATH\ +TASKS\ +%CPU ]]
	[ "$(wc -l <<<"$first")" -eq 2 ]
	[[ "$(head -n 1 <<<"$procs")" =~ ^CGROUP\ +PID\ USER\ +S\ +%CPU\ +RSS\ COMMAND$ ]]
	[ "$(tail -n +2 <<<"$procs" | awk '{ print $2 }' | tr '\n' ' ')" = "$(procs_file "$CG_NAME" | tr '\n' ' ')" ]
	[[ "$(grep -E " $sleeper " <<<"$procs")" =~ ^/$CG_NAME\ +$sleeper\ root\ +S\ +[0-9.]+\ +[0-9.]+[KMG]\ sleep$ ]]
	[[ "$(grep -E " $hog " <<<"$procs")" =~ ^/$CG_NAME\ +$hog\ root\ +R\ +[0-9.]+\ +[0-9.]+[KMG]\ sh$ ]]
	# Without -P: the same cgroup table and nothing after it.
	cgtop_run -b -n 1 -d 0.5 "/$CG_NAME"
	[ "$(head -n 1 <<<"$output")" = "$(head -n 1 <<<"$first")" ]
	[ "$(wc -l <<<"$output")" -eq 2 ]
}

@test "-P: a cgroup's processes are its own, not its children's; an empty one has [] and the table its heading" {
	cg_make "$CG_NAME"
	cg_make "$CG_NAME/child"
	cg_spawn "$CG_NAME/child" sleep 1000
	local pid=$NSTK_PID
	procs_json -n 1 -d 0.2 "/$CG_NAME"
	[ "$(jq -c --arg p "/$CG_NAME" '.cgroups[] | select(.path == $p) | .processes' <<<"$NSTK_JSON")" = '[]' ]
	[ "$(jq -c --arg p "/$CG_NAME/child" '[.cgroups[] | select(.path == $p) | .processes[].pid]' <<<"$NSTK_JSON")" = "[$pid]" ]
	cgtop_run -b -P -n 1 -d 0.2 --depth 0 "/$CG_NAME"
	[ "$status" -eq 0 ]
	[[ "$(tail -n 1 <<<"$output")" =~ ^CGROUP\ +PID\ USER ]]
	# Without -P there is no "processes" key at all.
	cgtop_run -J -n 1 -d 0.2 "/$CG_NAME"
	[ "$(tail -n 1 <<<"$output" | jq '[.cgroups[] | has("processes")] | any')" = false ]
}

@test "-P names the effective user, and shows a uid without a name as its number (JSON: user null)" {
	command -v setpriv >/dev/null || skip "no setpriv (util-linux)"
	cg_make "$CG_NAME"
	cg_spawn "$CG_NAME" setpriv --reuid=65534 --regid=65534 --clear-groups sleep 1000
	local nobody=$NSTK_PID
	cg_spawn "$CG_NAME" setpriv --reuid=4012345 --regid=4012345 --clear-groups sleep 1000
	local nameless=$NSTK_PID
	nstk_wait_comm "$nobody" sleep
	nstk_wait_comm "$nameless" sleep
	getent passwd 4012345 >/dev/null && skip "uid 4012345 has a name here"
	procs_json -n 1 -d 0.2 "/$CG_NAME"
	[ "$(jproc "/$CG_NAME" "$nobody" '[.user, .uid] | tojson')" = "[\"$(getent passwd 65534 | cut -d: -f1)\",65534]" ]
	[ "$(jproc "/$CG_NAME" "$nameless" '[.user, .uid] | tojson')" = '[null,4012345]' ]
	cgtop_run -b -P -n 1 -d 0.2 "/$CG_NAME"
	[[ "$(grep -E "^/$CG_NAME +$nameless " <<<"$output")" =~ \ 4012345\ +S\  ]]
}

@test "-P is refused with --prometheus; --help and -P without a mode are fine" {
	cgtop_run --prometheus -P
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--prometheus"*"--processes"* || "$stderr" == *"--processes"*"--prometheus"* ]]
	cgtop_run --help
	[[ "$output" == *"-P, --processes"* ]]
}

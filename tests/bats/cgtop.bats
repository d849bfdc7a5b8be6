#!/usr/bin/env bats
# cgtop.bats — cgtop against real cgroups this suite makes (and removes) on
# the host, and against the fixture trees in tests/fixtures/cgroup.
#
# Real cgroups are named nstk-cgtop-<pid>-<test>-<n> and made in every
# hierarchy that holds cpu, cpuacct, memory or pids: the v1 controller
# directories on a hybrid or legacy host, the one cgroup2 tree on a unified
# one (the VM rig), so the same tests run on both. Nothing else on the host
# is touched.

load helpers
load cgroup_helpers

CGTOP="${NSLS%/nsls}/cgtop"
MEMHOG="$NSTK_HELPERS/memhog"
FIXTURES="$NSTK_ROOT/tests/fixtures/cgroup"

setup() {
	[ -x "$CGTOP" ] || fail "cgtop not built: run make check"
	cg_layout
}

teardown() {
	nstk_cleanup
	rm -f "$BATS_TEST_TMPDIR"/*.prom
}

# cg_name: a fresh name for this test, in $CG_NAME.
cg_name() {
	CG_NAME="nstk-cgtop-$$-${BATS_TEST_NUMBER}-${#NSTK_CGROUPS[@]}"
}

# cgtop_last_json ARGS...: cgtop -J ARGS must exit 0; its last line lands in $NSTK_JSON.
cgtop_last_json() {
	cgtop_run -J "$@"
	if [ "$status" -ne 0 ]; then
		echo "cgtop -J $* exited $status: $stderr" >&2
		return 1
	fi
	NSTK_JSON="$(tail -n 1 <<<"$output")"
	jq -e . >/dev/null <<<"$NSTK_JSON"
}

# jcg PATH FILTER: jq FILTER over the cgroup PATH of $NSTK_JSON.
jcg() {
	jq -r --arg p "$1" ".cgroups[] | select(.path == \$p) | $2" <<<"$NSTK_JSON"
}

# in_band VALUE LOW HIGH: LOW <= VALUE <= HIGH, as numbers.
in_band() {
	awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v != "" && v != "null" && v + 0 >= lo && v + 0 <= hi) }' || {
		echo "$1 is not within [$2, $3]" >&2
		return 1
	}
}

# ---- real cgroups on this host ----

# bats test_tags=vm-v1
@test "cgtop shows a CPU hog under a 0.2-CPU quota at about 20 % and throttled" {
	cg_name
	cg_make "$CG_NAME"
	cg_cpu_quota "$CG_NAME" 20000 100000
	cg_spawn "$CG_NAME" sh -c 'while :; do :; done'
	sleep 0.5
	cgtop_last_json -n 2 -d 1 "/$CG_NAME"
	echo "# cpu: $(jcg "/$CG_NAME" '.cpu | tojson')" >&3
	# The upper bounds show the quota holding; the lower ones are loose, so a
	# machine busy with other work (it was, once, to 0.7 %) cannot fail them.
	in_band "$(jcg "/$CG_NAME" .cpu.usage_pct)" 2 30
	in_band "$(jcg "/$CG_NAME" .cpu.limit_cores)" 0.2 0.2
	in_band "$(jcg "/$CG_NAME" .cpu.pct_of_limit)" 10 150
	[ "$(jcg "/$CG_NAME" .cpu.nr_throttled)" -gt 0 ]
	in_band "$(jcg "/$CG_NAME" .cpu.throttled_pct)" 0 100
	[ "$(jcg "/$CG_NAME" .cpu.effective.from)" = "/$CG_NAME" ]
}

# bats test_tags=vm-v1
@test "cgtop shows 32 MiB held under a 64 MiB limit at about 50 % of max" {
	[ -x "$MEMHOG" ] || fail "memhog not built: run make check"
	cg_name
	cg_make "$CG_NAME"
	cg_memory_max "$CG_NAME" $((64 << 20))
	cg_spawn "$CG_NAME" "$MEMHOG" 32
	# Wait until all 32 MiB are touched.
	cg_wait_rss "$NSTK_PID" $((32 << 10))
	cgtop_last_json -n 1 "/$CG_NAME"
	echo "# memory: $(jcg "/$CG_NAME" '.memory | tojson')" >&3
	[ "$(jcg "/$CG_NAME" .memory.max)" = $((64 << 20)) ]
	[ "$(jcg "/$CG_NAME" .memory.effective.max)" = $((64 << 20)) ]
	[ "$(jcg "/$CG_NAME" .memory.effective.from)" = "/$CG_NAME" ]
	in_band "$(jcg "/$CG_NAME" .memory.pct_of_max)" 40 60
	in_band "$(jcg "/$CG_NAME" .memory.current)" $((30 << 20)) $((40 << 20))
	# The text table says the same, with no escape codes in a pipe.
	cgtop_run -b -n 1 "/$CG_NAME"
	[ "$status" -eq 0 ]
	[[ "$output" != *$'\e'* ]]
	[[ "$output" == *"64.0M"* ]]
}

# bats test_tags=vm-v1
@test "an ancestor's limit is the effective limit, with its path" {
	cg_name
	local parent="$CG_NAME"
	cg_make "$parent"
	cg_make "$parent/child"
	cg_memory_max "$parent" $((128 << 20))
	cg_cpu_quota "$parent" 50000 100000
	cg_pids_max "$parent" 40
	cgtop_last_json -n 1 "/$parent"
	[ "$(jcg "/$parent/child" .memory.max)" = null ]
	[ "$(jcg "/$parent/child" .memory.effective.max)" = $((128 << 20)) ]
	[ "$(jcg "/$parent/child" .memory.effective.from)" = "/$parent" ]
	# On v1 the kernel says the same in the child's memory.stat.
	if [ "$CG_LAYOUT" = v1 ]; then
		assert_equal "$(sed -n 's/^hierarchical_memory_limit //p' "$CG/memory/$parent/child/memory.stat")" $((128 << 20))
	fi
	[ "$(jcg "/$parent/child" .cpu.limit_cores)" = null ]
	[ "$(jcg "/$parent/child" .cpu.effective.limit_cores)" = 0.5 ]
	[ "$(jcg "/$parent/child" .cpu.effective.from)" = "/$parent" ]
	[ "$(jcg "/$parent/child" .pids.effective.max)" = 40 ]
	[ "$(jcg "/$parent/child" .pids.effective.from)" = "/$parent" ]
	# A subtree below the limit still sees it: ancestors are read, not listed.
	cgtop_last_json -n 1 "/$parent/child"
	[ "$(jq '.cgroups | length' <<<"$NSTK_JSON")" = 1 ]
	[ "$(jcg "/$parent/child" .memory.effective.from)" = "/$parent" ]
	cgtop_run -b -n 1 "/$parent/child"
	[[ "$output" == *"128.0M@/$parent"* ]]
	[[ "$output" == *"0.50@/$parent"* ]]
}

# bats test_tags=vm-v1
@test "cgtop shows pids.current against pids.max" {
	cg_name
	cg_make "$CG_NAME"
	cg_pids_max "$CG_NAME" 50
	cg_spawn "$CG_NAME" sleep 60
	cgtop_last_json -n 1 "/$CG_NAME"
	[ "$(jcg "/$CG_NAME" .pids.current)" = 1 ]
	[ "$(jcg "/$CG_NAME" .pids.max)" = 50 ]
	[ "$(jcg "/$CG_NAME" .pids.pct_of_max)" = 2 ]
	[ "$(jcg "/$CG_NAME" .tasks)" = 1 ]
}

# bats test_tags=vm-v1
@test "a 256 MiB hog under a 64 MiB limit is OOM-killed; cgtop counts the kill as the kernel does" {
	[ -x "$MEMHOG" ] || fail "memhog not built: run make check"
	cg_name
	cg_make "$CG_NAME"
	cg_memory_max "$CG_NAME" $((64 << 20))
	# The kernel's own count: memory.oom_control's oom_kill (v1, Linux 4.13)
	# or memory.events' (v2).
	local events="$CG/$CG_NAME/memory.events" key=oom_kill
	[ "$CG_LAYOUT" = unified ] || events="$CG/memory/$CG_NAME/memory.oom_control"
	assert_equal "$(sed -n "s/^$key //p" "$events")" 0
	cgtop_last_json -n 1 "/$CG_NAME"
	assert_equal "$(jcg "/$CG_NAME" .memory.oom_kills)" 0
	# Not nstk_spawn: the hog is meant to die, its exit is the kernel's kill.
	local d
	run sh -c 'for d; do echo $$ >"$d/cgroup.procs" || exit 99; done; exec "$0" 256' \
		"$MEMHOG" $(for d in "${CG_DIRS[@]}"; do echo "$d/$CG_NAME"; done)
	assert_equal "$status" 137
	local kernel
	kernel=$(sed -n "s/^$key //p" "$events")
	[ "$kernel" -ge 1 ] || fail "the kernel counted no OOM kill: $(cat "$events")"
	cgtop_last_json -n 1 "/$CG_NAME"
	assert_equal "$(jcg "/$CG_NAME" .memory.oom_kills)" "$kernel"
	cgtop_run --prometheus "/$CG_NAME"
	assert_success
	assert_line "nstk_cgroup_oom_events_total{cgroup=\"/$CG_NAME\",container=\"\"} $kernel"
}

@test "cgroups made and removed during a run leave no error and no negative rate" {
	cg_name
	local top="$CG_NAME" d i
	cg_make "$top"
	cg_spawn "$top" sh -c 'while :; do :; done'
	# Churn: children appear and vanish (and reappear under the same name) while cgtop samples.
	(
		for ((i = 0; i < 40; i++)); do
			for d in "${CG_DIRS[@]}"; do mkdir "$d/$top/churn" 2>/dev/null; done
			sleep 0.02
			for d in "${CG_DIRS[@]}"; do rmdir "$d/$top/churn" 2>/dev/null; done
			sleep 0.02
		done
	) 3>&- &
	local churn=$!
	cgtop_run -J -n 5 -d 0.2 "/$top"
	wait "$churn" || true
	for d in "${CG_DIRS[@]}"; do rmdir "$d/$top/churn" 2>/dev/null || true; done
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(wc -l <<<"$output")" -eq 5 ]
	# No number anywhere below zero.
	jq -e -s '[.[] | .. | numbers | select(. < 0)] | length == 0' <<<"$output"
	# The hog's own row has rates from the second sample on.
	[ "$(jq -s --arg p "/$top" '[.[1:][] | .cgroups[] | select(.path == $p) | .cpu.usage_pct | select(. != null)] | length' <<<"$output")" -eq 4 ]
	cgtop_run -b -n 5 -d 0.2 "/$top"
	[ "$status" -eq 0 ]
}

@test "a cgroup removed and made again under its name starts afresh" {
	cg_name
	local top="$CG_NAME" d
	cg_make "$top"
	cg_make "$top/again"
	# Sample twice, recreate between: the second sample must not show a rate for it.
	local out="$BATS_TEST_TMPDIR/again.json"
	"$CGTOP" -J -n 2 -d 1 "/$top" >"$out" 2>&1 3>&- &
	local pid=$!
	sleep 0.4
	for d in "${CG_DIRS[@]}"; do rmdir "$d/$top/again" && mkdir "$d/$top/again"; done
	wait "$pid"
	[ "$(wc -l <"$out")" -eq 2 ]
	NSTK_JSON="$(tail -n 1 "$out")"
	[ "$(jcg "/$top/again" .cpu.usage_pct)" = null ]
	[ "$(jcg "/$top" .cpu.usage_pct)" != null ]
}

@test "cgtop reads cgroups of the cgroup2 tree too (hybrid host)" {
	[ "$CG_LAYOUT" = v1 ] && [ -f "$CG/unified/cgroup.procs" ] || skip "no hybrid cgroup2 hierarchy"
	cg_name
	mkdir "$CG/unified/$CG_NAME"
	nstk_spawn sh -c "echo \$\$ > $CG/unified/$CG_NAME/cgroup.procs && exec sh -c 'while :; do :; done'"
	sleep 0.3
	cgtop_last_json -n 2 -d 0.5 "/$CG_NAME"
	local usage
	usage="$(jcg "/$CG_NAME" .cpu.usage_pct)"
	nstk_cleanup
	for ((i = 0; i < 100; i++)); do rmdir "$CG/unified/$CG_NAME" 2>/dev/null && break; sleep 0.05; done
	[ "$(jq -r .layout <<<"$NSTK_JSON")" = hybrid ]
	# A busy loop: clearly running, however busy the machine is (not a speed test).
	in_band "$usage" 5 210
	[ "$(jcg "/$CG_NAME" .pressure.cpu_some_avg10)" != null ]
	[ "$(jcg "/$CG_NAME" .tasks)" = 1 ]
}

@test "-J is NDJSON: one object per sample with the documented keys; rates null only at first" {
	cg_name
	cg_make "$CG_NAME"
	cgtop_run -J -n 3 -d 0.2 "/$CG_NAME"
	[ "$status" -eq 0 ]
	[ "$(wc -l <<<"$output")" -eq 3 ]
	local line n=0
	while IFS= read -r line; do
		n=$((n + 1))
		jq -e '.schema == 1 and (.time | type) == "number" and (.layout | IN("unified", "hybrid", "legacy"))' <<<"$line"
		jq -e '.cgroups[0] | has("path") and has("container") and has("tasks")
			and (.cpu | has("usage_pct") and has("limit_cores") and has("pct_of_limit") and has("throttled_pct")
				and has("throttled_s_per_s") and (.effective | has("limit_cores") and has("from")))
			and (.memory | has("current") and has("working_set") and has("max") and has("high")
				and has("pct_of_max") and has("swap") and has("oom_kills") and has("oom_kills_delta")
				and (.effective | has("max") and has("from")))
			and (.pids | has("current") and has("max"))
			and (.io | has("read_bps") and has("write_bps"))
			and (.pressure | has("cpu_some_avg10") and has("memory_some_avg10") and has("memory_full_avg10")
				and has("io_some_avg10") and has("io_full_avg10"))' <<<"$line"
		if [ "$n" = 1 ]; then
			jq -e '.interval_s == null and .cgroups[0].cpu.usage_pct == null' <<<"$line"
		else
			jq -e '.interval_s > 0 and .cgroups[0].cpu.usage_pct != null' <<<"$line"
		fi
		# Unlimited is null, never 0.
		jq -e '.cgroups[0].memory.max == null and .cgroups[0].memory.effective.max != 0' <<<"$line"
	done <<<"$output"
}

@test "--prometheus passes promtool check metrics; -o writes the file atomically" {
	command -v promtool >/dev/null || skip "promtool not installed (Debian package prometheus)"
	cg_name
	cg_make "$CG_NAME"
	cg_memory_max "$CG_NAME" $((64 << 20))
	cgtop_run --prometheus
	[ "$status" -eq 0 ]
	run promtool check metrics <<<"$output"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$output" ] # not even a lint warning
	local f="$BATS_TEST_TMPDIR/cgtop.prom"
	cgtop_run --prometheus -o "$f" "/$CG_NAME"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	grep -q "^nstk_cgroup_spec_memory_limit_bytes{cgroup=\"/$CG_NAME\",container=\"\"} $((64 << 20))\$" "$f"
	grep -q '^# TYPE nstk_cgroup_cpu_cfs_throttled_periods_total counter$' "$f"
	grep -q '^# TYPE nstk_cgroup_memory_working_set_bytes gauge$' "$f"
	# Unlimited has no sample rather than a 0.
	! grep -q "^nstk_cgroup_spec_cpu_quota{cgroup=\"/$CG_NAME\"" "$f"
	[ "$(ls "$BATS_TEST_TMPDIR" | grep -c tmp)" -eq 0 ]
	promtool check metrics <"$f"
	# Several samples go to a file only.
	cgtop_run --prometheus -n 2
	[ "$status" -eq 2 ]
}

@test "node_exporter's textfile collector serves cgtop's file" {
	local dir="$BATS_TEST_TMPDIR/textfile"
	mkdir -p "$dir"
	cgtop_run --prometheus -o "$dir/cgtop.prom"
	[ "$status" -eq 0 ]
	nstk_textfile_exporter "$dir"
	nstk_scrape
	grep -q '^nstk_cgroup_cpu_usage_seconds_total{cgroup="/",container=""}' <<<"$NSTK_SCRAPE"
	grep -q '^node_textfile_scrape_error 0$' <<<"$NSTK_SCRAPE"
	# Rows with and without a container label in one family (the v2 fixture's).
	cgtop_run --root "$FIXTURES/v2" --prometheus -o "$dir/cgtop.prom"
	nstk_scrape
	grep -q '^nstk_cgroup_memory_working_set_bytes{cgroup=".*cri-containerd-.*",container="k8s:0f3c2a1e/4c01db0b339c"} 2.01326592e+08$' <<<"$NSTK_SCRAPE"
	grep -q '^node_textfile_scrape_error 0$' <<<"$NSTK_SCRAPE"
}

@test "--check exits 3 and names the cgroups that match, 0 when none does, 1 when cgtop fails, 2 when it cannot parse" {
	[ -x "$MEMHOG" ] || fail "memhog not built: run make check"
	cg_name
	cg_make "$CG_NAME"
	cg_memory_max "$CG_NAME" $((64 << 20))
	cg_spawn "$CG_NAME" "$MEMHOG" 32
	sleep 0.5
	cgtop_run --check 'memory.pct_of_max > 40' -d 0.2 "/$CG_NAME"
	[ "$status" -eq 3 ]
	[[ "$output" == *"/$CG_NAME"* ]]
	cgtop_run --check 'memory.pct_of_max > 99' --check 'cpu.throttled_pct > 25' -d 0.2 "/$CG_NAME"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	cgtop_run --check 'memory.pct_of_max > 99' --check "path == \"/$CG_NAME\"" -d 0.2 -J "/$CG_NAME"
	[ "$status" -eq 3 ]
	[ "$(jq -r '.cgroups[].path' <<<"$output")" = "/$CG_NAME" ]
	# A broken probe is not an alert: a cgroup that is not there is 1.
	cgtop_run --check 'memory.pct_of_max > 40' -d 0.2 "/$CG_NAME-nosuch"
	[ "$status" -eq 1 ]
	assert_equal "$stderr" "cgtop: no cgroup /$CG_NAME-nosuch under /sys/fs/cgroup"
	cgtop_run --check 'memory.pct_of_max >' "/$CG_NAME"
	[ "$status" -eq 2 ]
	[ "$(wc -l <<<"$stderr")" -eq 1 ]
	cgtop_run --check 'no.such.field > 1'
	[ "$status" -eq 2 ]
}

@test "bad input is one line on stderr and exit 2" {
	local args
	for args in "-n -1" "-n x" "-d 0" "-d abc" "-d -1" "--depth -1" "--sort nosuch" "--sort container" \
		"--bogus" "relative/path" "/a /b" "-o /tmp/x" "--json --prometheus" "/a/../b"; do
		# shellcheck disable=SC2086
		cgtop_run $args
		echo "cgtop $args -> $status: $stderr"
		[ "$status" -eq 2 ]
		[ "$(wc -l <<<"$stderr")" -eq 1 ]
		[ -z "$output" ]
	done
	cgtop_run -b -n 1 /nstk-cgtop-no-such-cgroup
	[ "$status" -eq 1 ]
	[ "$stderr" = "cgtop: no cgroup /nstk-cgtop-no-such-cgroup under /sys/fs/cgroup" ]
}

@test "-h and -V" {
	cgtop_run -h
	[ "$status" -eq 0 ]
	[[ "$output" == *"--prometheus"* && "$output" == *"memory.pct_of_max"* ]]
	cgtop_run -V
	[ "$status" -eq 0 ]
	[[ "$output" == "cgtop from nstk "* ]]
}

@test "--depth, --filter and --sort choose and order the rows" {
	cg_name
	local top="$CG_NAME"
	cg_make "$top"
	cg_make "$top/a"
	cg_make "$top/a/deep"
	cg_make "$top/b"
	cg_memory_max "$top/b" $((10 << 20))
	cgtop_last_json -n 1 "/$top"
	[ "$(jq -r '[.cgroups[].path] | join(" ")' <<<"$NSTK_JSON")" = "/$top /$top/a /$top/a/deep /$top/b" ]
	cgtop_last_json -n 1 --depth 1 "/$top"
	[ "$(jq -r '[.cgroups[].path] | join(" ")' <<<"$NSTK_JSON")" = "/$top /$top/a /$top/b" ]
	cgtop_last_json -n 1 --filter '*/deep' "/$top"
	[ "$(jq -r '[.cgroups[].path] | join(" ")' <<<"$NSTK_JSON")" = "/$top/a/deep" ]
	cgtop_last_json -n 1 --sort memory.effective.max "/$top"
	# Largest first; unlimited sorts as the largest, so /b (10 MiB) comes last.
	[ "$(jq -r '.cgroups[-1].path' <<<"$NSTK_JSON")" = "/$top/b" ]
}

@test "text output: ∞ in a UTF-8 locale, max in C, no escape codes" {
	cg_name
	cg_make "$CG_NAME"
	LC_ALL=C.UTF-8 cgtop_run -b -n 1 "/$CG_NAME"
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == *"∞"* ]]
	[[ "$output" != *$'\e'* ]]
	LC_ALL=C cgtop_run -b -n 1 "/$CG_NAME"
	[[ "${lines[1]}" == *" max "* ]]
	[[ "${lines[0]}" == PATH* ]]
}

# ---- fixture trees ----

@test "fixture: a pure v2 tree, with containers, inherited limits and a cpuset" {
	cgtop_last_json --root "$FIXTURES/v2" -n 2 -d 0.1
	[ "$(jq -r .layout <<<"$NSTK_JSON")" = unified ]
	local c
	c="$(jq -r '.cgroups[] | select(.container != null) | .path' <<<"$NSTK_JSON")"
	[[ "$c" == */cri-containerd-4c01db0b339c*.scope ]]
	[ "$(jcg "$c" .container.runtime)" = containerd ]
	[ "$(jcg "$c" .container.qos)" = burstable ]
	[ "$(jcg "$c" .cpu.limit_cores)" = 0.5 ]
	[ "$(jcg "$c" .memory.working_set)" = 201326592 ]
	[ "$(jcg "$c" .memory.effective.max)" = 805306368 ]
	[[ "$(jcg "$c" .memory.effective.from)" == */kubepods-burstable-pod0f3c2a1e_*.slice ]]
	[ "$(jcg "$c" .memory.pct_of_max)" = 25 ]
	[ "$(jcg "$c" .memory.oom_kills)" = 3 ]
	[ "$(jcg "$c" .memory.oom_kills_delta)" = 0 ]
	[ "$(jcg "$c" .memory.effective.high)" = 402653184 ]
	[ "$(jcg "$c" .pids.effective.from)" = /kubepods.slice ]
	[ "$(jcg "$c" .io.read_bps)" = 0 ]
	[ "$(jcg "$c" .pressure.memory_full_avg10)" = 0.25 ]
	[ "$(jcg "$c" .cpu.usage_pct)" = 0 ]
	[ "$(jcg /kubepods.slice/kubepods-burstable.slice .cpu.effective.from)" = /kubepods.slice ]
	[ "$(jcg /kubepods.slice/kubepods-burstable.slice .cpu.effective.limit_cores)" = 2 ]
	[ "$(jcg /pinned/job .cpu.effective.limit_cores)" = 1 ]
	[ "$(jcg /pinned/job .cpu.effective.from)" = /pinned ]
	[ "$(jcg '/system.slice/with space.service' .pids.max)" = 16 ]
	[ "$(jcg / .memory.current)" = null ]
	cgtop_run --root "$FIXTURES/v2" --prometheus
	[ "$status" -eq 0 ]
	grep -q 'cgroup="/system.slice/with space.service"' <<<"$output"
	if command -v promtool >/dev/null; then promtool check metrics <<<"$output"; fi
}

@test "fixture: a legacy v1 tree, controllers named by their directories" {
	cgtop_last_json --root "$FIXTURES/v1" -n 1
	[ "$(jq -r .layout <<<"$NSTK_JSON")" = legacy ]
	local id=3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a
	[ "$(jq -r '[.cgroups[].path] | join(" ")' <<<"$NSTK_JSON")" = "/ /docker /docker/$id" ]
	[ "$(jcg /docker/$id .container.label)" = docker:3f2a1b0c9d8e ]
	[ "$(jcg /docker/$id .cpu.effective.limit_cores)" = 0.5 ]
	[ "$(jcg /docker/$id .cpu.effective.from)" = /docker ]
	[ "$(jcg /docker .cpu.throttled_usec)" = 2000000 ]
	[ "$(jcg /docker/$id .cpu.usage_usec)" = 200000000 ]
	[ "$(jcg /docker/$id .memory.max)" = null ]
	[ "$(jcg /docker/$id .memory.effective.max)" = 536870912 ]
	[ "$(jcg /docker/$id .memory.high)" = null ]
	[ "$(jcg /docker/$id .memory.working_set)" = 201326592 ]
	[ "$(jcg /docker/$id .memory.oom_kills)" = 1 ]
	[ "$(jcg /docker/$id .memory.effective.swap_max)" = 0 ]
	[ "$(jcg /docker/$id .pids.effective.max)" = 100 ]
	[ "$(jcg /docker/$id .io.read_bytes)" = 4096 ]
	[ "$(jcg /docker/$id .cpu.cpuset_cpus)" = 8 ]
	[ "$(jcg / .pressure.cpu_some_avg10)" = null ]
}

@test "fixture: a hybrid tree merges cgroup2 and v1 rows by path" {
	cgtop_last_json --root "$FIXTURES/hybrid" -n 2 -d 0.1
	[ "$(jq -r .layout <<<"$NSTK_JSON")" = hybrid ]
	[ "$(jq -r '[.cgroups[].path] | join(" ")' <<<"$NSTK_JSON")" = "/ /app" ]
	[ "$(jcg /app .cpu.usage_usec)" = 3000000 ]
	[ "$(jcg /app .memory.pct_of_max)" = 50 ]
	[ "$(jcg /app .pids.max)" = 20 ]
	[ "$(jcg /app .pressure.io_some_avg10)" = 1.5 ]
}

@test "fixture: odd values, truncated and missing files are null, never a crash" {
	cgtop_last_json --root "$FIXTURES/odd" -n 2 -d 0.1
	[ "$(jcg /huge .memory.max)" = null ]          # beyond 2^63: unreadable
	[ "$(jcg /huge .memory.effective.max)" = null ]
	[ "$(jcg /huge .pids.max)" = null ]            # 2^62: unlimited
	[ "$(jcg /swapped .memory.current)" = null ]   # "max" where a number belongs
	[ "$(jcg /swapped .memory.max)" = 100 ]
	[ "$(jcg /swapped .cpu.limit_cores)" = null ]
	[ "$(jcg /swapped .pids.current)" = null ]     # negative
	[ "$(jcg /truncated .cpu.usage_pct)" = null ]
	[ "$(jcg /truncated .pressure.cpu_some_avg10)" = null ]
	[ "$(jcg /truncated .io.read_bps)" = null ]
	[ "$(jcg /missing .memory.working_set)" = null ]
	[ "$(jcg /missing .memory.oom_kills)" = null ]
	[ "$(jcg '/name with  spaces' .memory.current)" = 4096 ]
	[ "$(jcg '/quote"and\backslash' .tasks)" = 2 ]
	cgtop_run --root "$FIXTURES/odd" -b -n 2 -d 0.1
	[ "$status" -eq 0 ]
	cgtop_run --root "$FIXTURES/odd" --prometheus
	[ "$status" -eq 0 ]
	grep -q 'cgroup="/quote\\"and\\\\backslash"' <<<"$output"
	if command -v promtool >/dev/null; then promtool check metrics <<<"$output"; fi
	# Not a cgroup tree at all.
	cgtop_run --root "$BATS_TEST_TMPDIR" -n 1
	[ "$status" -eq 1 ]
	[[ "$stderr" == "cgtop: no cgroup hierarchy at "* ]]
}

@test "one table has rates: -n 1 and a pipe print one sample taken after an unprinted first; -n 0 runs until stopped" {
	cgtop_run -J -n 1 -d 0.2 --depth 0
	assert_success
	assert_equal "$(wc -l <<<"$output")" 1
	# The root's CPU rate is a number, not the null of a first sample.
	assert_equal "$(jq -r '.cgroups[0].cpu.usage_pct | type' <<<"$output")" number
	# Without -n into a pipe: the same one table, with rates.
	run --separate-stderr bash -c '"$0" -d 0.2 --depth 0 | cat' "$CGTOP"
	assert_success
	assert_equal "${#lines[@]}" 2
	[[ "${lines[1]}" =~ ^/\ +[0-9]+\ +[0-9.]+\  ]] || fail "no %CPU in: ${lines[1]}"
	# -n 0: samples until SIGTERM, writing the file each time.
	local prom="$BATS_TEST_TMPDIR/cgtop.prom"
	nstk_spawn "$CGTOP" --prometheus -n 0 -d 0.1 --depth 0 -o "$prom"
	local pid=$NSTK_PID i mtimes=""
	for ((i = 0; i < 250; i++)); do
		[ -s "$prom" ] && mtimes+="$(stat -c %Y.%y "$prom")"$'\n'
		[ "$(sort -u <<<"$mtimes" | grep -c .)" -ge 3 ] && break
		sleep 0.05
	done
	kill -0 "$pid" || fail "cgtop -n 0 ended by itself"
	[ "$(sort -u <<<"$mtimes" | grep -c .)" -ge 3 ] || fail "the file was written fewer than 3 times"
	kill -TERM "$pid"
}

@test "a filter that matches nothing prints the heading, not blank lines" {
	cgtop_run -b -n 2 -d 0.1 --filter '/nstk-matches-nothing-*'
	assert_success
	assert_equal "$stderr" ""
	assert_equal "${#lines[@]}" 2
	assert_line --index 0 --regexp '^PATH +TASKS +%CPU'
	assert_line --index 1 --regexp '^PATH +TASKS +%CPU'
}

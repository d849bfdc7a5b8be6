#!/usr/bin/env bats
# cgtop_history.bats — cgtop record and looking back, on real cgroups this
# suite makes: a CPU hog under a quota and a process OOM-killed while the
# recorder runs, read back with --at and --since; a cgroup removed and made
# again mid-recording; the recorder killed with SIGKILL over and over, and
# on a full disk; stores that are not stores; readers beside the writer;
# the screen's time keys in tmux; promtool on replayed Prometheus text.

load helpers
load cgroup_helpers

CGTOP="${NSLS%/nsls}/cgtop"
MEMHOG="$NSTK_HELPERS/memhog"

setup() {
	[ -x "$CGTOP" ] || fail "cgtop not built: run make check"
	command -v sqlite3 >/dev/null || fail "sqlite3 not installed: run scripts/install-deps.sh"
	cg_layout
	DB="$BATS_TEST_TMPDIR/cgtop.db"
	CG_NAME="nstk-hist-$$-$BATS_TEST_NUMBER"
}

teardown() {
	[ -z "${TMUX_SESSION:-}" ] || tmux kill-session -t "$TMUX_SESSION" 2>/dev/null || true
	nstk_cleanup
	if [ -n "${SMALL_FS:-}" ] && mountpoint -q "$SMALL_FS"; then
		umount "$SMALL_FS"
	fi
}

# record_start ARGS...: the recorder in the background (its PID in $RECORDER).
record_start() {
	nstk_spawn "$CGTOP" record --store "$DB" "$@"
	RECORDER=$NSTK_PID
}

# record_stop: SIGTERM ends it cleanly, exit 0.
record_stop() {
	kill -TERM "$RECORDER"
	local i
	for ((i = 0; i < 100; i++)); do
		kill -0 "$RECORDER" 2>/dev/null || return 0
		sleep 0.05
	done
	fail "the recorder did not stop on SIGTERM"
}

# samples: how many samples the store holds.
samples() {
	sqlite3 "$DB" 'SELECT count(*) FROM sample;'
}

# wait_samples N: until the store holds at least N samples.
wait_samples() {
	local i
	for ((i = 0; i < 400; i++)); do
		[ -f "$DB" ] && [ "$(sqlite3 "$DB" 'SELECT count(*) FROM sample;' 2>/dev/null || echo 0)" -ge "$1" ] && return 0
		sleep 0.05
	done
	fail "the store has $(samples) samples, not $1"
}

# bats test_tags=vm,vm-v1
@test "record: a throttled hog and an OOM kill, read back with --at and --since" {
	[ -x "$MEMHOG" ] || fail "memhog not built: run make check"
	cg_make "$CG_NAME"
	cg_make "$CG_NAME/hog"
	cg_make "$CG_NAME/oom"
	cg_cpu_quota "$CG_NAME/hog" 20000 100000
	cg_memory_max "$CG_NAME/oom" $((64 << 20))
	record_start -d 0.3 "/$CG_NAME"
	wait_samples 2
	cg_spawn "$CG_NAME/hog" sh -c 'while :; do :; done'
	local hog_start; hog_start=$(date +%s)
	# The kill is the kernel's: memhog asks 256 MiB under 64.
	cg_spawn "$CG_NAME/oom" sh -c "sleep 0.5; exec $MEMHOG 256"
	sleep 2.5
	wait_samples 10
	record_stop

	# The moment of the hog: throttled against its own quota, as live cgtop says.
	cgtop_run --store "$DB" --at "@$((hog_start + 2))" -J
	assert_success
	assert_equal "$stderr" ""
	local doc="$output"
	assert_equal "$(jq -r .recorded <<<"$doc")" true
	assert_equal "$(jq -r --arg p "/$CG_NAME/hog" '.cgroups[] | select(.path == $p) | .cpu.limit_cores' <<<"$doc")" 0.2
	[ "$(jq -r --arg p "/$CG_NAME/hog" '.cgroups[] | select(.path == $p) | .cpu.throttled_pct' <<<"$doc")" != null ]
	jq -e --arg p "/$CG_NAME/hog" '.cgroups[] | select(.path == $p) | .cpu.throttled_pct > 0 and .cpu.pct_of_limit > 10' <<<"$doc"

	# The span covers the kill, with its delta, at one moment.
	cgtop_run --store "$DB" --since "@$((hog_start - 5))" -J
	assert_success
	local kills
	kills=$(jq -r --arg p "/$CG_NAME/oom" '.cgroups[] | select(.path == $p) | .memory.oom_kills_delta // 0' <<<"$output" |
		awk '{ s += $1 } END { print s + 0 }')
	[ "$kills" -ge 1 ] || fail "no oom_kills_delta over the span: $kills"
	# Every JSON document is a live one's schema plus "recorded".
	jq -e -s 'all(.[]; .schema == 1 and .recorded == true and (.cgroups | length) >= 1)' <<<"$output"
	# And sqlite3 answers the same question from the events.
	local events
	events=$(sqlite3 "$DB" "SELECT sum(e.value) FROM event e JOIN cgroup c ON c.id = e.cgroup
		WHERE e.kind = 'oom_kill' AND c.path = '/$CG_NAME/oom';")
	[ "$events" -ge 1 ]
}

@test "record: a cgroup removed and made again keeps every rate non-negative" {
	cg_make "$CG_NAME"
	cg_make "$CG_NAME/a"
	record_start -d 0.2 "/$CG_NAME"
	cg_spawn "$CG_NAME/a" sh -c 'while :; do :; done'
	local first=$NSTK_PID
	wait_samples 5
	kill -KILL "$first"
	local d i
	for d in "${CG_DIRS[@]}"; do
		for ((i = 0; i < 100; i++)); do rmdir "$d/$CG_NAME/a" 2>/dev/null && break; sleep 0.05; done
	done
	wait_samples 8
	cg_make "$CG_NAME/a"
	cg_spawn "$CG_NAME/a" sh -c 'while :; do :; done'
	local n; n=$(samples)
	wait_samples $((n + 5))
	record_stop

	cgtop_run --store "$DB" --since '1h ago' -J
	assert_success
	jq -e -s 'all(.[].cgroups[]; (.cpu.usage_pct == null or .cpu.usage_pct >= 0) and
		(.cpu.throttled_pct == null or .cpu.throttled_pct >= 0))' <<<"$output"
	# Two incarnations of /a in the store, the first one ended.
	assert_equal "$(sqlite3 "$DB" "SELECT count(*) FROM cgroup WHERE path = '/$CG_NAME/a';")" 2
	assert_equal "$(sqlite3 "$DB" "SELECT count(*) FROM cgroup WHERE path = '/$CG_NAME/a' AND vanished IS NULL;")" 1
}

@test "record: SIGKILL at any moment leaves a readable store that lost at most one sample" {
	cg_make "$CG_NAME"
	local round before after
	for round in 1 2 3 4 5 6 7 8; do
		before=$([ -f "$DB" ] && samples || echo 0)
		record_start -d 0.05 "/$CG_NAME"
		sleep "0.$((RANDOM % 9 + 1))"
		kill -KILL "$RECORDER"
		while kill -0 "$RECORDER" 2>/dev/null; do sleep 0.02; done
		assert_equal "$(sqlite3 "$DB" 'PRAGMA integrity_check;')" ok
		after=$(samples)
		[ "$after" -ge "$before" ]
		cgtop_run --store "$DB" --since '1h ago' -J
		assert_success
		assert_equal "$(wc -l <<<"$output")" "$after"
	done
}

@test "record: a full disk stops the recorder in one line, exit 1, and keeps what it had" {
	SMALL_FS="$BATS_TEST_TMPDIR/small"
	mkdir -p "$SMALL_FS"
	mount -t tmpfs -o size=400k nstk-small "$SMALL_FS"
	DB="$SMALL_FS/cgtop.db"
	# The whole tree, quickly, into 400 KiB: it fills in a few seconds.
	run --separate-stderr timeout 120 "$CGTOP" record --store "$DB" -d 0.01
	assert_equal "$status" 1
	assert_equal "$(wc -l <<<"$stderr")" 1
	[[ "$stderr" == "cgtop: $DB: the disk is full; stopped (what was recorded before is kept)" ]]
	[ "$(samples)" -gt 0 ]
	cgtop_run --store "$DB" --since '1h ago' -J
	assert_success
	assert_equal "$(wc -l <<<"$output")" "$(samples)"
}

@test "record: stores that are not stores, cut short or newer are one line and exit 1" {
	echo "just text" >"$DB"
	cgtop_run --store "$DB" --since '1h ago'
	assert_equal "$status" 1
	assert_equal "$stderr" "cgtop: $DB is not a cgtop store"
	cgtop_run record --store "$DB" -n 1
	assert_equal "$status" 1
	assert_equal "$stderr" "cgtop: $DB is not a cgtop store"

	rm -f "$DB"
	cg_make "$CG_NAME"
	"$CGTOP" record --store "$DB" -d 0.05 -n 40 "/$CG_NAME"
	cp "$DB" "$DB.good"
	sqlite3 "$DB" 'PRAGMA user_version = 7;'
	cgtop_run --store "$DB" --since '1h ago'
	assert_equal "$status" 1
	assert_equal "$stderr" "cgtop: $DB was written by a newer cgtop (store schema above 1): not read"

	local size cut
	size=$(stat -c %s "$DB.good")
	for cut in $((size / 2)) $((size / 4)) 100 1; do
		head -c "$cut" "$DB.good" >"$DB"
		cgtop_run --store "$DB" --since '1h ago' -J
		echo "cut at $cut: $status $stderr"
		[ "$status" -eq 0 ] || [ "$status" -eq 1 ]
		[ "$status" -eq 0 ] || [ "$(wc -l <<<"$stderr")" -eq 1 ]
	done
	cgtop_run --store "$BATS_TEST_TMPDIR/none.db" --since '1h ago'
	assert_equal "$status" 1
	assert_equal "$stderr" "cgtop: no store at $BATS_TEST_TMPDIR/none.db (cgtop record makes one)"
}

@test "record: readers work while the recorder writes" {
	cg_make "$CG_NAME"
	record_start -d 0.05 "/$CG_NAME"
	wait_samples 3
	local i
	for i in $(seq 20); do
		cgtop_run --store "$DB" --since '1h ago' -J
		assert_success
		assert_equal "$stderr" ""
		jq -e -s 'length >= 3' <<<"$output"
	done
	record_stop
}

@test "record: replayed Prometheus text passes promtool, each sample with its time" {
	command -v promtool >/dev/null || fail "promtool not installed: run scripts/install-deps.sh"
	cg_make "$CG_NAME"
	"$CGTOP" record --store "$DB" -d 0.1 -n 5 "/$CG_NAME"
	cgtop_run --store "$DB" --since '1h ago' --prometheus
	assert_success
	promtool check metrics <<<"$output"
	# One family header each, five timestamped samples of the cgroup's memory.
	assert_equal "$(grep -c '^# TYPE nstk_cgroup_memory_usage_bytes ' <<<"$output")" 1
	local stamps
	stamps=$(grep "^nstk_cgroup_memory_usage_bytes{cgroup=\"/$CG_NAME\"" <<<"$output" | awk '{ print $NF }' | sort -u | wc -l)
	assert_equal "$stamps" 5
}

@test "record: --check over a span names the moments and exits 3, 0 when nothing matched" {
	cg_make "$CG_NAME"
	cg_cpu_quota "$CG_NAME" 20000 100000
	record_start -d 0.3 "/$CG_NAME"
	cg_spawn "$CG_NAME" sh -c 'while :; do :; done'
	wait_samples 6
	record_stop
	cgtop_run --store "$DB" --since '1h ago' --check 'cpu.throttled_pct > 25'
	assert_equal "$status" 3
	[ "${#lines[@]}" -ge 1 ]
	[[ "${lines[0]}" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}[+-][0-9]{2}:[0-9]{2}\ /$CG_NAME$ ]]
	cgtop_run --store "$DB" --since '1h ago' --check 'cpu.throttled_pct > 101'
	assert_success
	assert_output ""
}

@test "record: the screen opens at --at, steps with [ ], says RECORDED, and L goes live" {
	command -v tmux >/dev/null || fail "tmux not installed: run scripts/install-deps.sh"
	cg_make "$CG_NAME"
	# Samples more than a second apart, so the header's clock tells them apart.
	"$CGTOP" record --store "$DB" -d 1.1 -n 5 "/$CG_NAME"
	local at shown next
	at=$(($(sqlite3 "$DB" 'SELECT time_us FROM sample ORDER BY id LIMIT 1 OFFSET 2;') / 1000000 + 1))
	# --at shows the last sample at or before it; ] the one after.
	shown=$(sqlite3 "$DB" "SELECT time_us / 1000000 FROM sample WHERE time_us <= $at * 1000000 ORDER BY id DESC LIMIT 1;")
	next=$(sqlite3 "$DB" "SELECT time_us / 1000000 FROM sample WHERE time_us > $at * 1000000 ORDER BY id LIMIT 1;")
	TMUX_SESSION="nstk-hist-$$"
	tmux new-session -d -s "$TMUX_SESSION" -x 160 -y 20 "LC_ALL=C.UTF-8 TZ=UTC $CGTOP --store $DB --at @$at /$CG_NAME"
	screen_has() {
		local i
		for ((i = 0; i < 100; i++)); do
			tmux capture-pane -p -t "$TMUX_SESSION" | grep -q -- "$1" && return 0
			sleep 0.05
		done
		tmux capture-pane -p -t "$TMUX_SESSION" >&2
		return 1
	}
	screen_has "RECORDED $(TZ=UTC date -d "@$shown" '+%Y-%m-%d %H:%M:%S') +0000, not live"
	tmux send-keys -t "$TMUX_SESSION" ']'
	screen_has "RECORDED $(TZ=UTC date -d "@$next" '+%Y-%m-%d %H:%M:%S')"
	tmux send-keys -t "$TMUX_SESSION" '['
	screen_has "RECORDED $(TZ=UTC date -d "@$shown" '+%Y-%m-%d %H:%M:%S')"
	# An hour back, with less recorded: the first sample; before it, nothing.
	local first
	first=$(sqlite3 "$DB" 'SELECT time_us / 1000000 FROM sample ORDER BY id LIMIT 1;')
	tmux send-keys -t "$TMUX_SESSION" '('
	screen_has "RECORDED $(TZ=UTC date -d "@$first" '+%Y-%m-%d %H:%M:%S')"
	tmux send-keys -t "$TMUX_SESSION" '['
	screen_has "no recorded sample before this one"
	tmux send-keys -t "$TMUX_SESSION" 'L'
	screen_has "every 1s"
	run tmux capture-pane -p -t "$TMUX_SESSION"
	refute_output --partial RECORDED
	tmux send-keys -t "$TMUX_SESSION" q
}

@test "record: bad options are one line and exit 2" {
	local args
	for args in "--retain 7d" "--max-size 1G" "--until 03:00" "--at nonsense" "--since 25:00" \
		"--at 03:00 --since 03:00" "--store $DB -b" "record --since 03:00" "record -J" \
		"record --retain 0" "record --max-size 12Q" "-P --since 03:00" "-P --at 03:00" "record -P"; do
		# shellcheck disable=SC2086
		cgtop_run $args
		echo "cgtop $args -> $status: $stderr"
		[ "$status" -eq 2 ]
		[ "$(wc -l <<<"$stderr")" -eq 1 ]
		[ -z "$output" ]
	done
}

@test "record: the trend columns draw a throttled hog's last samples, recorded and live" {
	command -v tmux >/dev/null || fail "tmux not installed: run scripts/install-deps.sh"
	cg_make "$CG_NAME"
	cg_cpu_quota "$CG_NAME" 20000 100000
	cg_spawn "$CG_NAME" sh -c 'while :; do :; done'
	"$CGTOP" record --store "$DB" -d 0.3 -n 15 "/$CG_NAME"
	local at
	at=$(($(sqlite3 "$DB" 'SELECT max(time_us) FROM sample;') / 1000000 + 1))
	TMUX_SESSION="nstk-hist-$$"
	tmux new-session -d -s "$TMUX_SESSION" -x 200 -y 12 "LC_ALL=C.UTF-8 $CGTOP --store $DB --at @$at /$CG_NAME"
	# At about 100 % of its limit: the top glyphs, several of them, on its row.
	row_has() {
		local i
		for ((i = 0; i < 100; i++)); do
			tmux capture-pane -p -t "$TMUX_SESSION" | grep -E -- "$1" && return 0
			sleep 0.1
		done
		tmux capture-pane -p -t "$TMUX_SESSION" >&2
		return 1
	}
	row_has "[▇█]{6,}.*/$CG_NAME\$"
	tmux send-keys -t "$TMUX_SESSION" q
	tmux kill-session -t "$TMUX_SESSION" 2>/dev/null || true
	# Live with --store: the recorder's samples give the picture its past at once
	# (one live sample in 5 s could not draw six glyphs).
	tmux new-session -d -s "$TMUX_SESSION" -x 200 -y 12 "LC_ALL=C.UTF-8 $CGTOP --store $DB -d 5 /$CG_NAME"
	row_has "[▇█]{6,}.*/$CG_NAME\$"
	tmux send-keys -t "$TMUX_SESSION" q
	tmux kill-session -t "$TMUX_SESSION" 2>/dev/null || true
	# Live, from memory: the same picture grows sample by sample.
	tmux new-session -d -s "$TMUX_SESSION" -x 200 -y 12 "LC_ALL=C.UTF-8 $CGTOP -d 0.3 /$CG_NAME"
	row_has "[▇█]{4,}.*/$CG_NAME\$"
	# Outside UTF-8: the ASCII ramp's top steps.
	tmux send-keys -t "$TMUX_SESSION" q
	tmux kill-session -t "$TMUX_SESSION" 2>/dev/null || true
	tmux new-session -d -s "$TMUX_SESSION" -x 200 -y 12 "LC_ALL=C $CGTOP -d 0.3 /$CG_NAME"
	row_has "[#@]{4,}.*/$CG_NAME\$"
	tmux send-keys -t "$TMUX_SESSION" q
}

#!/usr/bin/env bats
# cgtop_tui.bats — cgtop's interactive screen, driven in tmux: it starts,
# sorts, filters, shows help, switches tree and flat, changes depth, redraws
# on resize, shows a cgroup's processes (the cursor, Enter), and leaves the
# terminal as it found it however it ends.
#
# Each test runs a shell in a detached 120x40 tmux session, nstk-tui-<pid>-
# <test>, on a private server (its socket in the test's temporary directory,
# no config file), types "./run" into it (a script there that runs cgtop
# and echoes its exit status: a short command line, which no resize wraps),
# and reads the screen with capture-pane. Real cgroups are made as in cgtop.bats: nstk-tui-<pid>-
# <test> in every hierarchy holding cpu, cpuacct, memory or pids (the one
# cgroup2 tree on a unified host), with a sleeping process in them, and
# removed afterwards. A task joins its cgroup a moment after cg_spawn
# returns, so a test waits for the row that counts it.

load helpers
load cgroup_helpers

CGTOP="${NSLS%/nsls}/cgtop"

setup() {
	[ -x "$CGTOP" ] || fail "cgtop not built: run make check"
	command -v tmux >/dev/null || skip "tmux not installed (Debian package tmux)"
	cg_layout
	CG_NAME="nstk-tui-$$-$BATS_TEST_NUMBER"
	TUI_SOCKET="$BATS_TEST_TMPDIR/tmux"
	TUI_SESSION="nstk-tui-$$-$BATS_TEST_NUMBER"
	TUI_STDERR="$BATS_TEST_TMPDIR/cgtop.stderr"
	TUI_PID=""
}

teardown() {
	tmx kill-session -t "$TUI_SESSION" 2>/dev/null || true
	[ -n "$TUI_PID" ] && kill -KILL "$TUI_PID" 2>/dev/null || true
	nstk_cleanup
}

# ---- the tmux pane ----

# tmx ARGS...: tmux on this test's private server. fd 3 (bats's) is not
# handed to the server, which outlives the call.
tmx() {
	tmux -S "$TUI_SOCKET" -f /dev/null "$@" 3>&-
}

# tui_keys KEY...: type each KEY, literally.
tui_keys() {
	local k
	for k in "$@"; do
		tmx send-keys -t "$TUI_SESSION" -l -- "$k"
	done
}

# tui_screen [ARGS]: what the pane shows now (capture-pane ARGS), in $TUI_SCREEN.
tui_screen() {
	TUI_SCREEN="$(tmx capture-pane -p -t "$TUI_SESSION" "$@")"
}

# How many times tui_wait and tui_wait_not look, 0.05 s apart: 100 (5 s);
# 600 in make check-vm's guest, where under TCG cgtop takes seconds to start.
TUI_POLLS=100
[ -z "${NSTK_IN_VM:-}" ] || TUI_POLLS=600

# tui_wait ERE: wait (max 5 s, 30 s in the VM) until a line of the pane matches ERE; the screen lands in $TUI_SCREEN.
tui_wait() {
	local i
	for ((i = 0; i < TUI_POLLS; i++)); do
		tui_screen
		grep -qE -- "$1" <<<"$TUI_SCREEN" && return 0
		sleep 0.05
	done
	echo "tui_wait: nothing matches '$1' after $((TUI_POLLS / 20)) s; the screen:" >&2
	echo "$TUI_SCREEN" >&2
	return 1
}

# tui_wait_not ERE: wait (max 5 s, 30 s in the VM) until no line of the pane matches ERE.
tui_wait_not() {
	local i
	for ((i = 0; i < TUI_POLLS; i++)); do
		tui_screen
		grep -qE -- "$1" <<<"$TUI_SCREEN" || return 0
		sleep 0.05
	done
	echo "tui_wait_not: '$1' still on the screen after $((TUI_POLLS / 20)) s:" >&2
	echo "$TUI_SCREEN" >&2
	return 1
}

# lacks ERE: no line of $TUI_SCREEN matches ERE (a plain command, so a test
# fails on it, as it would not on "! grep").
lacks() {
	if grep -qE -- "$1" <<<"$TUI_SCREEN"; then
		echo "'$1' is on the screen:" >&2
		echo "$TUI_SCREEN" >&2
		return 1
	fi
}

# tui_names: the name column of the table lines (what follows the last number or "-").
tui_names() {
	tui_rows | sed -E 's/^.*[-0-9.] //'
}

# tui_rows: the table lines of $TUI_SCREEN (below the column titles, blank ones left out).
tui_rows() {
	awk 'found && NF { print } /^ *TASKS/ { found = 1 }' <<<"$TUI_SCREEN"
}

# tui_line N: line N (0 is the top) of $TUI_SCREEN.
tui_line() {
	sed -n "$(($1 + 1))p" <<<"$TUI_SCREEN"
}

# tui_type TEXT: type TEXT and Enter into the shell.
tui_type() {
	tmx send-keys -t "$TUI_SESSION" -l -- "$1"
	tmx send-keys -t "$TUI_SESSION" Enter
}

# tui_run [TEXT]: type TEXT (default "./run") and wait until cgtop's header
# shows; its PID lands in $TUI_PID.
tui_run() {
	tui_type "${1:-./run}"
	tui_wait '^cgtop .* cgroups: '
	TUI_PID="$(nstk_descendant "$(tmx display-message -p -t "$TUI_SESSION" '#{pane_pid}')" cgtop)"
}

# tui_start [ENV=VALUE...] -- ARGS...: a shell in a 120x40 pane, in the
# test's temporary directory, with ./run (cgtop -d 0.5 ARGS, stderr to
# $TUI_STDERR, then "cgtop-exit=STATUS") and ./sane (which stty settings are
# on); runs ENV ./run in it (tui_run).
tui_start() {
	local env=()
	while [ "$1" != -- ]; do
		env+=("$1")
		shift
	done
	shift
	{
		echo '#!/bin/bash'
		printf '%q ' "$CGTOP" -d 0.5 "$@"
		printf '2>%q\n' "$TUI_STDERR"
		echo 'echo "cgtop-exit=$?"'
	} >"$BATS_TEST_TMPDIR/run"
	cat >"$BATS_TEST_TMPDIR/sane" <<-'EOF'
		#!/bin/sh
		stty -a | tr ' ;' '\n\n' | grep -xE -- '-?(echo|icanon|isig|icrnl|opost)' | sort | tr '\n' ' '
		echo :stty
	EOF
	chmod +x "$BATS_TEST_TMPDIR/run" "$BATS_TEST_TMPDIR/sane"
	tmx new-session -d -s "$TUI_SESSION" -x 120 -y 40 -c "$BATS_TEST_TMPDIR" \
		"env PS1='tui\$ ' bash --norc --noprofile"
	tui_wait '^tui\$'
	tui_run "${env[*]}${env[*]:+ }./run"
}

# tui_exited STATUS [kept]: cgtop has left, with STATUS; its screen is gone
# (no header, no column titles; with "kept", its last table is there as
# text above the exit line instead), standard error had no sanitizer
# report, and the shell's terminal is sane again: echo, canonical input,
# signals, CR-NL.
tui_exited() {
	tui_wait "^cgtop-exit=[0-9]+"
	grep -qx "cgtop-exit=$1" <<<"$TUI_SCREEN" || {
		echo "cgtop did not exit $1:" >&2
		echo "$TUI_SCREEN" >&2
		cat "$TUI_STDERR" >&2
		return 1
	}
	TUI_PID=""
	if [ "${2:-}" = kept ]; then
		# The header, the titles, then the exit line, in that order.
		awk '/^cgtop .* cgroups: / { h = NR } /^TASKS +%CPU/ && h { t = NR } /^cgtop-exit=/ && t { ok = 1 }
		     END { exit !ok }' <<<"$TUI_SCREEN" || {
			echo "the last table is not left above the exit line:" >&2
			echo "$TUI_SCREEN" >&2
			return 1
		}
	else
		lacks 'cgroups: |TASKS +%CPU'
	fi
	if grep -qE 'Sanitizer|runtime error:' "$TUI_STDERR"; then
		cat "$TUI_STDERR" >&2
		return 1
	fi
	tui_type ./sane
	tui_wait '^echo icanon icrnl isig opost :stty$'
}

# sgr_colours: the colour parameters of the SGR sequences on stdin, one a
# line (30-38, 40-48, 90-107; 39/49, "default colour", are not colours).
sgr_colours() {
	grep -oE $'\e\\[[0-9;]*m' | tr -d $'\e[m' | tr ';' '\n' | grep -xE '3[0-8]|4[0-8]|9[0-7]|10[0-7]' || true
}

# ---- tests ----

@test "on a terminal cgtop shows its screen: the header, the column titles, the cgroup's row" {
	cg_make "$CG_NAME"
	cg_spawn "$CG_NAME" sleep 1000
	tui_start -- "/$CG_NAME"
	[[ "$(tui_line 0)" =~ ^cgtop\ [0-9:]+\ +[0-9]+\ CPUs\ +mem\ [0-9.]+G\ used\ of\ [0-9.]+G\ +(unified|hybrid|legacy)\ +every\ 0.5s\ +cgroups:\ 1,\ 1\ shown ]]
	[[ "$(tui_line 1)" =~ ^view:\ tree\ +depth:\ all\ +sort:\ CGROUP▲\ +filter:\ -\ .*\?\ help\ +q\ quit$ ]]
	[[ "$(tui_line 2)" =~ ^TASKS\ +%CPU\ +CPULIM\ +%CLIM\ +%THR\ +MEM\ +MEMMAX\ +%MAX\ +OOMK\ +PIDSMAX\ +IOR/s\ +IOW/s\ +PSIcpu\ +PSImem\ +PSIio\ +CGROUP▲$ ]]
	# One task; unset limits are ∞; the second sample (0.5 s on) brings a CPU rate.
	tui_wait "^ +1 +[0-9]+\.[0-9] +∞ .* /$CG_NAME\$"
	[ "$(tui_rows | wc -l)" -eq 1 ]
	tui_keys q
	tui_exited 0
}

@test "sort keys reorder the rows and move the marked column; r reverses; < > move it" {
	cg_make "$CG_NAME"
	cg_make "$CG_NAME/a"
	cg_make "$CG_NAME/b"
	cg_spawn "$CG_NAME/a" sleep 1000
	cg_cpu_quota "$CG_NAME/b" 20000 100000
	cg_spawn "$CG_NAME/b" sh -c 'while :; do :; done'
	tui_start -- "/$CG_NAME"
	# Path order first, then by CPU once a rate shows b busy (about 20 %).
	tui_wait '^ +1 +([5-9]|[1-9][0-9])\.[0-9] .*└─b$'
	[[ "$(tui_rows | sed -n 2p)" == *"├─a" ]]
	tui_keys c
	tui_wait '^TASKS +%CPU▼ '
	tui_wait '^view: .*sort: %CPU▼'
	# The top holds b's usage too: it comes first, then b, then a (idle).
	[[ "$(tui_rows | sed -n 2p)" == *"├─b" ]]
	[[ "$(tui_rows | sed -n 3p)" == *"└─a" ]]
	tui_keys r
	tui_wait '^TASKS +%CPU▲ '
	[[ "$(tui_rows | sed -n 2p)" == *"├─a" ]]
	tui_keys '>'
	tui_wait '^TASKS +%CPU +CPULIM▼ '
	tui_keys '<' '<'
	tui_wait '^TASKS▼ +%CPU '
	# A key naming two columns moves between them: i is IOR/s, then IOW/s.
	tui_keys i
	tui_wait ' IOR/s▼ '
	tui_keys i
	tui_wait ' IOW/s▼ '
	tui_keys n
	tui_wait ' CGROUP▲$'
	[[ "$(tui_rows | sed -n 2p)" == *"├─a" ]]
	tui_keys q
	tui_exited 0
}

@test "/ filters the rows by a glob: Enter applies it, Esc cancels, an empty one clears it" {
	cg_make "$CG_NAME"
	cg_make "$CG_NAME/a"
	cg_make "$CG_NAME/b"
	cg_spawn "$CG_NAME/a" sleep 1000
	# The whole tree: the host's own cgroups are rows too.
	tui_start --
	tui_wait '^ +[0-9]+ .* /$'
	[ "$(tui_rows | grep -cv "$CG_NAME")" -ge 1 ]
	tui_keys / "$CG_NAME"
	tui_wait "^filter \(glob, Enter applies, Esc cancels\): $CG_NAME\$"
	tmx send-keys -t "$TUI_SESSION" Enter
	tui_wait "^view: .*filter: \*$CG_NAME\*"
	tui_wait "cgroups: [0-9]+, 3 shown"
	[ "$(tui_rows | wc -l)" -eq 3 ]
	[ "$(tui_rows | grep -c "$CG_NAME\|├─a\|└─b")" -eq 3 ]
	# A glob with a slash in it, anchored: only a.
	tui_keys / "/$CG_NAME/a"
	tmx send-keys -t "$TUI_SESSION" Enter
	tui_wait "cgroups: [0-9]+, 1 shown"
	tui_wait "^ +1 .* /$CG_NAME/a\$"
	[ "$(tui_rows | wc -l)" -eq 1 ]
	# Esc leaves the filter as it was.
	tui_keys / zzz
	tui_wait 'Esc cancels\): zzz$'
	tmx send-keys -t "$TUI_SESSION" Escape
	tui_wait_not 'Esc cancels'
	[[ "$(tui_line 1)" == *"filter: /$CG_NAME/a "* ]]
	[ "$(tui_rows | wc -l)" -eq 1 ]
	# An empty one clears it.
	tui_keys /
	tmx send-keys -t "$TUI_SESSION" Enter
	tui_wait '^view: .*filter: - '
	tui_wait '^ +[0-9]+ .* /$'
	[ "$(tui_rows | grep -cv "$CG_NAME")" -ge 1 ]
	tui_keys q
	tui_exited 0
}

@test "? shows the help and any key returns, even q" {
	cg_make "$CG_NAME"
	tui_start -- "/$CG_NAME"
	tui_keys '?'
	tui_wait '^Keys'
	grep -qE '^c +sort by %CPU' <<<"$TUI_SCREEN"
	grep -qE '^q +quit' <<<"$TUI_SCREEN"
	grep -q '^Press any key to return' <<<"$TUI_SCREEN"
	lacks '^TASKS'
	tui_keys q
	tui_wait '^TASKS'
	lacks '^Keys'

	[ -e "/proc/$TUI_PID" ]
	tui_keys q
	tui_exited 0
}

@test "T switches between the tree and the flat view" {
	cg_make "$CG_NAME"
	cg_make "$CG_NAME/a"
	cg_make "$CG_NAME/a/deep"
	cg_make "$CG_NAME/b"
	tui_start -- "/$CG_NAME"
	tui_wait '└─b$'
	# Children indented under their parents, with guide lines.
	[ "$(tui_names | tr '\n' ' ')" = "/$CG_NAME ├─a │ └─deep └─b " ]
	tui_keys T
	tui_wait '^view: flat '
	tui_wait ' PATH▲$'
	[ "$(tui_names | tr '\n' ' ')" = "/$CG_NAME /$CG_NAME/a /$CG_NAME/a/deep /$CG_NAME/b " ]
	tui_keys T
	tui_wait ' CGROUP▲$'
	tui_wait '└─b$'
	tui_keys q
	tui_exited 0
}

@test "--depth is honoured and + / - show a level more or less" {
	cg_make "$CG_NAME"
	cg_make "$CG_NAME/a"
	cg_make "$CG_NAME/a/deep"
	tui_start -- --depth 1 "/$CG_NAME"
	tui_wait '└─a$'
	[[ "$(tui_line 1)" == "view: tree  depth: 1 "* ]]
	lacks deep
	tui_keys +
	tui_wait '└─deep$'
	[[ "$(tui_line 1)" == "view: tree  depth: 2 "* ]]
	tui_keys - -
	tui_wait '^view: tree  depth: 0 '
	[ "$(tui_rows | wc -l)" -eq 1 ]
	tui_keys q
	tui_exited 0
}

@test "a resize redraws the whole screen at the new size, without leftovers" {
	cg_make "$CG_NAME"
	cg_make "$CG_NAME/a"
	cg_spawn "$CG_NAME/a" sleep 1000
	tui_start -- "/$CG_NAME"
	tui_wait '└─a$'
	tmx resize-window -t "$TUI_SESSION" -x 70 -y 20
	# Narrower: the least needed columns go, the header is cut with an ellipsis.
	tui_wait '^TASKS .*CGROUP▲$'
	tui_wait_not 'PSIio'
	[ "$(wc -l <<<"$TUI_SCREEN")" -le 20 ]
	[[ "$(tui_line 0)" == cgtop\ *… ]]
	[ "$(grep -c '^cgtop ' <<<"$TUI_SCREEN")" -eq 1 ]
	[ "$(grep -c '^TASKS ' <<<"$TUI_SCREEN")" -eq 1 ]
	[ "$(tui_rows | wc -l)" -eq 2 ]
	[[ "$(tui_rows | tail -n 1)" == *"└─a" ]]
	# Wider again: every column back, nothing from the narrow screen left over.
	tmx resize-window -t "$TUI_SESSION" -x 150 -y 45
	tui_wait '^TASKS .* PSIio +CGROUP▲$'
	[[ "$(tui_line 0)" =~ cgroups:\ 2,\ 2\ shown$ ]]
	[ "$(grep -c '^cgtop ' <<<"$TUI_SCREEN")" -eq 1 ]
	[ "$(tui_rows | wc -l)" -eq 2 ]
	lacks '…'
	tui_keys q
	tui_exited 0
}

@test "at 80 columns the screen keeps OOMK and the limits; I/O and pressure go first" {
	cg_make "$CG_NAME"
	tui_start -- "/$CG_NAME"
	tui_wait "/$CG_NAME\$"
	tmx resize-window -t "$TUI_SESSION" -x 80 -y 40
	tui_wait_not 'IOR/s'
	local titles
	titles=$(grep -E '^ *TASKS ' <<<"$TUI_SCREEN")
	[[ "$titles" == *" OOMK "* ]] || fail "OOMK dropped at 80 columns: '$titles'"
	[[ "$titles" == *" %MAX "* && "$titles" == *" %CLIM "* ]] || fail "a % of limit dropped: '$titles'"
	[[ "$titles" != *IOW/s* && "$titles" != *PSI* ]] || fail "I/O or pressure kept before OOMK: '$titles'"
	tui_keys q
	tui_exited 0
}

@test "names are escaped on the screen as in the tables: \x1b, \xe2\x80\xae, \x5cx, never raw nor '?'" {
	# A cgroup name with an escape sequence, a right-to-left override and a
	# backslash: cgtop -b shows the bytes as \xHH, and so does the screen.
	local odd=$'e\e[7m r\u202ex b\\x4'
	cg_make "$CG_NAME"
	cg_make "$CG_NAME/$odd"
	tui_start -- "/$CG_NAME"
	tmx resize-window -t "$TUI_SESSION" -x 200 -y 40
	tui_wait '─e.* b'
	local want='e\x1b[7m r\xe2\x80\xaex b\x5cx4'
	grep -qF -- "$want" <<<"$TUI_SCREEN" || fail "not shown as '$want': $TUI_SCREEN"
	[[ "$(tui_names)" != *"?"* ]] || fail "a '?' in the names: $TUI_SCREEN"
	run --separate-stderr "$CGTOP" -b -n 1 "/$CG_NAME"
	[[ "$output" == *"$want"* ]] || fail "cgtop -b shows it otherwise: $output"
	tui_keys q
	tui_exited 0
}

@test "q quits with status 0 and leaves the terminal as it was" {
	cg_make "$CG_NAME"
	tui_start -- "/$CG_NAME"
	tui_wait "/$CG_NAME\$"
	tui_keys q
	tui_exited 0
	[ ! -s "$TUI_STDERR" ]
	# The shell's screen is back: its prompt and the command line, nothing of cgtop's.
	grep -q '^tui\$ \./run$' <<<"$TUI_SCREEN"
}

@test "SIGINT (Ctrl-C) and SIGTERM end it with status 0 and restore the terminal" {
	cg_make "$CG_NAME"
	tui_start -- "/$CG_NAME"
	tmx send-keys -t "$TUI_SESSION" C-c
	tui_exited 0
	tui_run "clear; ./run"
	kill -TERM "$TUI_PID"
	tui_exited 0
	[ ! -s "$TUI_STDERR" ]
}

@test "when its cgroup goes away it says so, exits 1 and restores the terminal" {
	cg_make "$CG_NAME"
	tui_start -- "/$CG_NAME"
	local d
	for d in "${CG_DIRS[@]}"; do rmdir "$d/$CG_NAME"; done
	tui_exited 1
	[ "$(cat "$TUI_STDERR")" = "cgtop: cgroup /$CG_NAME is gone" ]
}

@test "on a terminal, a cgroup that does not exist is one line and exit 1, as in batch mode" {
	# script(1) gives it a terminal: the screen's path, which opens its own
	# monitor; it fails before drawing anything.
	run script -qec "$(printf '%q ' "$CGTOP" "/$CG_NAME-none") 2>$(printf '%q' "$TUI_STDERR")" /dev/null
	[ "$status" -eq 1 ]
	[ "$(cat "$TUI_STDERR")" = "cgtop: no cgroup /$CG_NAME-none under /sys/fs/cgroup" ]
	run --separate-stderr "$CGTOP" -b "/$CG_NAME-none"
	[ "$status" -eq 1 ]
	[ "$stderr" = "cgtop: no cgroup /$CG_NAME-none under /sys/fs/cgroup" ]
}

@test "-n N ends the screen after N samples and leaves the last table" {
	cg_make "$CG_NAME"
	# 3 samples last 1 s: in the VM (TCG) cgtop would be gone before
	# tui_run could find its PID; 20 there.
	local n=3
	[ -z "${NSTK_IN_VM:-}" ] || n=20
	tui_start -- -n "$n" "/$CG_NAME"
	# As systemd-cgtop, the last table stays on the terminal, as text.
	tui_exited 0 kept
	grep -qE "^ *[0-9]+ .*/$CG_NAME\$" <<<"$TUI_SCREEN" || fail "no row for /$CG_NAME left: $TUI_SCREEN"
	[ ! -s "$TUI_STDERR" ]
}

@test "a row at a limit is highlighted: in colour, or in bold with NO_COLOR and no colour at all" {
	cg_make "$CG_NAME"
	cg_make "$CG_NAME/full"
	cg_pids_max "$CG_NAME/full" 1
	cg_spawn "$CG_NAME/full" sleep 1000
	tui_start NO_COLOR=1 -- "/$CG_NAME"
	tui_wait '^ +1 .*└─full$'
	tui_screen -e
	[ -z "$(sgr_colours <<<"$TUI_SCREEN")" ]
	# The row at 1 of pids.max 1 is bold; its parent (no limit) is not.
	local sgr=$'(\e\\[[0-9;]*m)*'
	grep -E "^$sgr +1 .*└─full" <<<"$TUI_SCREEN" | grep -q $'\e\\[1m'
	grep -E "^$sgr +1 .*/$CG_NAME\$" <<<"$TUI_SCREEN" >"$BATS_TEST_TMPDIR/parent"
	[ -s "$BATS_TEST_TMPDIR/parent" ]
	run ! grep -q $'\e\\[1m' "$BATS_TEST_TMPDIR/parent"
	tui_keys q
	tui_exited 0
	# Without NO_COLOR the same screen has colours (so the check above can fail).
	tui_run "clear; ./run"
	tui_wait '^ +1 .*└─full$'
	tui_screen -e
	[ -n "$(sgr_colours <<<"$TUI_SCREEN")" ]
	tui_keys q
	tui_exited 0
}

# ---- the processes inside (Enter) ----

# tui_pids: the PIDs of the process list on the screen, sorted, one line.
tui_pids() {
	awk 'found && $1 ~ /^[0-9]+$/ { print $1 } /^ *PID +USER/ { found = 1 }' <<<"$TUI_SCREEN" | sort -n | tr '\n' ' '
}

@test "Enter shows the top cgroup's processes, live, by %CPU; Esc returns; q quits from the list" {
	cg_make "$CG_NAME"
	cg_spawn "$CG_NAME" sleep 1000
	local sleeper=$NSTK_PID
	cg_spawn "$CG_NAME" sh -c 'while :; do :; done'
	local hog=$NSTK_PID
	tui_start -- "/$CG_NAME"
	tui_wait "^ +2 .* /$CG_NAME\$"
	tmx send-keys -t "$TUI_SESSION" Enter
	tui_wait "^processes of /$CG_NAME: 2 +sort: %CPU▼ .*Esc back +q quit$"
	tui_wait '^ +PID +USER +S +%CPU▼ +RSS COMMAND$'
	# The hog busy and first, the sleeper idle, both as root, with their RSS.
	tui_wait "^ +$hog root +R +([2-9][0-9]|1[0-9][0-9])\.[0-9] +[0-9.]+[KM] sh$"
	[[ "$(tui_line 3)" =~ ^\ +$hog\  ]] || fail "the hog is not first: $TUI_SCREEN"
	tui_wait "^ +$sleeper root +S +0\.[0-9] +[0-9.]+[KM] sleep$"
	local want
	want=$(sort -n "${CG_DIRS[0]}/$CG_NAME/cgroup.procs" | tr '\n' ' ')
	[ "$(tui_pids)" = "$want" ] || fail "on the screen: '$(tui_pids)', cgroup.procs: '$want'"
	lacks '^TASKS'
	tmx send-keys -t "$TUI_SESSION" Escape
	tui_wait '^TASKS +%CPU'
	lacks '^processes of'
	[[ "$(tui_line 1)" == "view: tree "* ]]
	# Again, and q quits from the list, as from the table.
	tmx send-keys -t "$TUI_SESSION" Enter
	tui_wait "^processes of /$CG_NAME: "
	tui_keys q
	tui_exited 0
}

@test "Down moves the cursor (shown in reverse) and Enter lists that cgroup's processes; Enter and Left return" {
	cg_make "$CG_NAME"
	cg_make "$CG_NAME/a"
	cg_make "$CG_NAME/b"
	cg_spawn "$CG_NAME/a" sleep 1000
	local in_a=$NSTK_PID
	cg_spawn "$CG_NAME/b" sleep 1001
	local in_b=$NSTK_PID
	tui_start -- "/$CG_NAME"
	tui_wait '└─b$'
	# No cursor drawn until a key moves it.
	tui_screen -e
	run ! grep -q $'\e\\[[0-9;]*7m *[0-9]' <<<"$TUI_SCREEN"
	tmx send-keys -t "$TUI_SESSION" Down
	tui_wait '├─a$'
	tui_screen -e
	grep -E $'\e\\[([0-9]+;)*7m +1 .*├─a' <<<"$TUI_SCREEN" >/dev/null || fail "a is not in reverse: $TUI_SCREEN"
	tmx send-keys -t "$TUI_SESSION" Enter
	tui_wait "^processes of /$CG_NAME/a: 1 "
	tui_wait "^ +$in_a root +S +"
	lacks " $in_b "
	tmx send-keys -t "$TUI_SESSION" Enter
	tui_wait '└─b$'
	tmx send-keys -t "$TUI_SESSION" Down Enter
	tui_wait "^processes of /$CG_NAME/b: 1 "
	tui_wait "^ +$in_b root +S +"
	tmx send-keys -t "$TUI_SESSION" Left
	tui_wait '└─b$'
	# The top cgroup holds no process itself: the list says so.
	tmx send-keys -t "$TUI_SESSION" Home Enter
	tui_wait "^processes of /$CG_NAME: 0 "
	tui_wait '^no process in this cgroup itself'
	tui_keys q
	tui_exited 0
}

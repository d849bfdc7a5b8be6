#!/usr/bin/env bats
# hostile.bats — the tools against input meant to break them: cgroup trees
# with values the kernel never writes and names no one should choose,
# mounts and cgroups at such paths made for real, nsenter-lite targets that
# are no process or no namespace, output into a closed pipe, and use by an
# unprivileged user.
#
# Decided here (and in the man pages): a tool whose stdout reader went away
# dies of SIGPIPE (status 141 in a shell) with nothing on stderr, as cat
# does, even when its caller ignored SIGPIPE.
#
# Real things made: cgroups nstk-ho-<pid>-..., a netns (nstk_netns_add),
# processes (nstk_spawn) and a copy of the binaries for nobody; teardown
# removes them all. Mounts live in private mount namespaces of spawned
# processes and go with them.

load helpers

CGTOP="${NSLS%/nsls}/cgtop"
NSENTER="${NSLS%/nsls}/nsenter-lite"
MAKE_TREE="$NSTK_ROOT/tests/fixtures/cgroup/hostile/make-tree.sh"
CG=/sys/fs/cgroup
PARTIAL_RE='^nsls: [0-9]+ process(es)? not inspected \(permission denied: PID [0-9]+(, [0-9]+)*( and [0-9]+ more)?\)(; lacking [A-Z_, ]+)?; counts leave them out$'

# Odd cgroup names the kernel accepts (it refuses a newline in one).
ODD_CG_NAMES=("with space" $'tab\there' $'esc\e[31mred' $'bad\xff\xfe' 'back\x41slash')

setup() {
	[ -x "$NSLS" ] || fail "nsls not built: run make check"
	HO_BINDIR=
	HO_TAG="nstk-ho-$$-$BATS_TEST_NUMBER"
	MARK="$BATS_TEST_TMPDIR/ran"
}

teardown() {
	local st=0
	nstk_cleanup || st=1
	[ -n "$HO_BINDIR" ] && rm -rf "$HO_BINDIR"
	return "$st"
}

# run_tool TOOL ARGS...: stdout and stderr apart; no sanitizer report.
run_tool() {
	run --separate-stderr "$@"
	if [[ "$stderr" == *Sanitizer* || "$stderr" == *"runtime error:"* ]]; then
		fail "sanitizer report from $*: $stderr"
	fi
}

# assert_table_text TEXT: valid UTF-8, no control character but newline.
assert_table_text() {
	iconv -f UTF-8 -t UTF-8 <<<"$1" >/dev/null || fail "not valid UTF-8: $1"
	if LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' <<<"$1"; then
		fail "raw control characters in: $(cat -A <<<"$1" | head -c 2000)"
	fi
}

# jcg PATH FILTER over the last cgtop -J sample in $NSTK_JSON.
jcg() {
	jq -r --arg p "$1" ".cgroups[] | select(.path == \$p) | $2" <<<"$NSTK_JSON"
}

# text_row OUTPUT PATH: the last table row of cgroup PATH (escaped as shown).
text_row() {
	# Through the environment: awk -v would read the backslashes as escapes.
	P="$2" awk 'index($0, ENVIRON["P"] " ") == 1' <<<"$1" | tail -n 1
}

# ---- cgtop on trees no kernel writes ----

@test "cgtop --root on a hostile tree: ? in the table, null in JSON, escaped names, valid Prometheus" {
	[ -x "$CGTOP" ] || fail "cgtop not built: run make check"
	local t="$BATS_TEST_TMPDIR/tree"
	"$MAKE_TREE" "$t"

	run_tool "$CGTOP" --root "$t" -J -n 2 -d 0.1
	[ "$status" -eq 0 ] || fail "cgtop -J exited $status: $stderr"
	[ -z "$stderr" ] || fail "cgtop -J said: $stderr"
	[ "${#lines[@]}" -eq 2 ]
	NSTK_JSON="${lines[1]}"
	jq -e . >/dev/null <<<"$NSTK_JSON"
	# Names: UTF-8 as it is, other bytes as \xNN, all valid JSON.
	local p
	for p in "/with space" $'/tab\tand  two spaces' $'/new\nline' '/bad\xff\xfeutf8' $'/esc\e[31mred\e[0m' \
		'/back\x41slash\n' '/"quoted"' '/café-∞'; do
		[ "$(jcg "$p" .memory.current)" = 4096 ] || fail "cgroup $(printf %q "$p") not shown right: $(jq -c '[.cgroups[].path]' <<<"$NSTK_JSON")"
	done
	# 18 levels of 250-byte names: a path past PATH_MAX, read all the same.
	[ "$(jq '[.cgroups[] | select(.path | length > 4096) | .memory.current] | .[0]' <<<"$NSTK_JSON")" = 4096 ]
	# Values it cannot read are null, never a made-up number.
	[ "$(jcg /beyond64 .memory.current)" = null ]  # 2^64
	[ "$(jcg /beyond64 .memory.max)" = null ]      # 10^23
	[ "$(jcg /beyond64 .pids.current)" = null ]    # 2^63
	[ "$(jcg /negative .memory.current)" = null ]
	[ "$(jcg /negative .cpu.quota_usec)" = null ]
	[ "$(jcg /swapped .memory.current)" = null ]   # "max"
	[ "$(jcg /swapped .cpu.limit_cores)" = null ]  # "100000"
	[ "$(jcg /swapped .memory.max)" = null ]       # "max max"
	[ "$(jcg /truncated .cpu.usage_usec)" = null ]
	[ "$(jcg /truncated .memory.current)" = null ] # empty
	[ "$(jcg /truncated .memory.oom_kills)" = null ]
	[ "$(jcg /truncated .io.read_bytes)" = null ]
	[ "$(jcg /truncated .pressure.cpu_some_avg10)" = null ]
	[ "$(jcg /garbage .memory.current)" = null ]   # a NUL inside
	[ "$(jcg /garbage .memory.working_set)" = null ]
	[ "$(jcg /garbage .io.read_bytes)" = null ]    # 10^23
	[ "$(jcg /not-files .memory.current)" = null ] # a directory
	[ "$(jcg /not-files .memory.max)" = null ]     # a symlink loop
	# What is readable beside them still is.
	[ "$(jcg /garbage .cpu.usage_usec)" = 1000 ]
	[ "$(jcg /huge-file .cpu.usage_usec)" = 1000 ] # after a 300 KB key
	[ "$(jcg /not-files .pids.current)" = 2 ]
	[ "$(jcg /negative .pids.current)" = 2 ]

	# The table: escaped names, "?" for what cannot be read, "-" for what is not there.
	run_tool "$CGTOP" --root "$t" -b -n 2 -d 0.1
	[ "$status" -eq 0 ] || fail "cgtop -b exited $status: $stderr"
	[ -z "$stderr" ] || fail "cgtop -b said: $stderr"
	assert_table_text "$output"
	local rows
	rows="$(jq '.cgroups | length' <<<"$NSTK_JSON")"
	# Two tables (heading and a line per cgroup) and the blank line between.
	[ "${#lines[@]}" -eq $((2 * (rows + 1))) ] || fail "${#lines[@]} lines for $rows cgroups: a name broke a line"
	for p in '/new\x0aline' '/bad\xff\xfeutf8' '/esc\x1b[31mred\x1b[0m' '/back\x5cx41slash\n' \
		'/tab\x09and  two spaces' '/café-∞'; do
		[ -n "$(text_row "$output" "$p")" ] || fail "no row $p in: $output"
	done
	# Columns: PATH TASKS %CPU CPULIM %CLIM %THR MEM MEMMAX %MAX OOMK PIDSMAX IOR/s IOW/s
	local row
	row="$(text_row "$output" /truncated)"
	[ "$(awk '{ print $3, $7, $10, $12 }' <<<"$row")" = "? ? ? ?" ] || fail "/truncated: $row"
	row="$(text_row "$output" /beyond64)"
	[ "$(awk '{ print $7, $8, $9 }' <<<"$row")" = "? ? ?" ] || fail "/beyond64: $row"
	row="$(text_row "$output" /swapped)"
	[ "$(awk '{ print $4, $7, $8 }' <<<"$row")" = "? ? ?" ] || fail "/swapped: $row"
	row="$(text_row "$output" /missing)"
	[ "$(awk '{ print $3, $7, $8, $10 }' <<<"$row")" = "- - - -" ] || fail "/missing: $row"
	row="$(text_row "$output" /garbage)"
	[ "$(awk '{ print $7, $12 }' <<<"$row")" = "? ?" ] || fail "/garbage: $row"
	row="$(text_row "$output" /huge-file)"
	[[ "$row" != *"?"* ]] || fail "/huge-file: $row"

	run_tool "$CGTOP" --root "$t" --prometheus
	[ "$status" -eq 0 ] || fail "cgtop --prometheus exited $status: $stderr"
	[ -z "$stderr" ]
	grep -qF 'cgroup="/bad\\xff\\xfeutf8"' <<<"$output"
	grep -qF 'cgroup="/new\nline"' <<<"$output"
	iconv -f UTF-8 -t UTF-8 <<<"$output" >/dev/null
	if command -v promtool >/dev/null; then
		promtool check metrics <<<"$output" || fail "promtool: $output"
	fi
}

@test "cgtop --root: cgroups that vanish and come back mid-run; the watched one going is one line, exit 1" {
	[ -x "$CGTOP" ] || fail "cgtop not built: run make check"
	local t="$BATS_TEST_TMPDIR/tree"
	"$MAKE_TREE" "$t"
	cp -a "$t/truncated" "$BATS_TEST_TMPDIR/template"
	# Cgroups (and their files) removed and made again while cgtop reads them.
	nstk_spawn bash -c '
		end=$((SECONDS + 60))
		while [ $SECONDS -lt $end ]; do
			for d in a b c; do rm -rf "$1/$d"; cp -a "$2" "$1/$d"; done
			rm -rf "$1/garbage/x"; mkdir "$1/garbage/x"; cp -a "$2"/* "$1/garbage/x/"
		done' churn "$t" "$BATS_TEST_TMPDIR/template"
	run_tool "$CGTOP" --root "$t" -J -n 20 -d 0.05
	[ "$status" -eq 0 ] || fail "cgtop exited $status: $stderr"
	[ -z "$stderr" ] || fail "cgtop said: $stderr"
	[ "$(jq -s 'map(.cgroups | length > 0) | length' <<<"$output")" = 20 ]
	run_tool "$CGTOP" --root "$t" -b -n 10 -d 0.05
	[ "$status" -eq 0 ] && [ -z "$stderr" ] || fail "cgtop -b: $status $stderr"
	nstk_cleanup

	# The subtree asked for goes: one line, status 1, no half-written sample.
	"$CGTOP" --root "$t" -J -n 200 -d 0.05 /with\ space >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
	local pid=$! i st=0
	for ((i = 0; i < 250; i++)); do
		[ -s "$BATS_TEST_TMPDIR/out" ] && break
		sleep 0.02
	done
	rm -rf "$t/with space"
	wait "$pid" || st=$?
	[ "$st" -eq 1 ] || fail "cgtop exited $st after its cgroup went: $(cat "$BATS_TEST_TMPDIR/err")"
	[ "$(cat "$BATS_TEST_TMPDIR/err")" = "cgtop: cgroup /with space is gone" ]
	jq -e . "$BATS_TEST_TMPDIR/out" >/dev/null
}

@test "cgtop on real cgroups with spaces, tabs, escapes, backslashes and non-UTF-8 bytes in their names" {
	[ -x "$CGTOP" ] || fail "cgtop not built: run make check"
	[ "$(stat -f -c %T $CG)" != cgroup2fs ] && [ -w "$CG/pids" ] || skip "needs the v1 pids hierarchy"
	local name i
	for name in "${ODD_CG_NAMES[@]}"; do
		nstk_cgroup_mkdir "$CG/pids/$HO_TAG-$name"
	done
	echo 7 >"$CG/pids/$HO_TAG-"$'bad\xff\xfe'/pids.max
	run_tool "$CGTOP" -J -n 1
	[ "$status" -eq 0 ] && [ -z "$stderr" ] || fail "cgtop -J: $status $stderr"
	NSTK_JSON="$output"
	[ "$(jcg "/$HO_TAG-with space" .pids.current)" = 0 ]
	[ "$(jcg "/$HO_TAG-"$'tab\there' .pids.current)" = 0 ]
	[ "$(jcg "/$HO_TAG-"$'esc\e[31mred' .pids.current)" = 0 ]
	[ "$(jcg "/$HO_TAG-bad\\xff\\xfe" .pids.max)" = 7 ]
	[ "$(jcg "/$HO_TAG-back\\x41slash" .pids.current)" = 0 ]
	run_tool "$CGTOP" -b -n 1
	[ "$status" -eq 0 ] && [ -z "$stderr" ] || fail "cgtop -b: $status $stderr"
	assert_table_text "$output"
	[ -n "$(text_row "$output" "/$HO_TAG-bad\\xff\\xfe")" ] || fail "no escaped row in: $output"
	[ -n "$(text_row "$output" "/$HO_TAG-esc\\x1b[31mred")" ] || fail "no escaped row in: $output"
	[ -n "$(text_row "$output" "/$HO_TAG-back\\x5cx41slash")" ] || fail "no escaped row in: $output"
}

@test "one escaping rule: bidi and zero-width characters, escapes and backslashes alike in nsls's and cgtop's tables" {
	# U+202E (right-to-left override) makes "exe.txt" read as "txt.exe",
	# U+200B hides between letters: a process or cgroup name that lies to
	# the admin reading the table. Each shows as the bytes it is, \xHH, as
	# control bytes and a backslash before an x do (libsmartcols alone
	# prints the first two raw).
	local odd=$'rlo\u202etxt.exe zw\u200bsp esc\e[1m back\\x41 \\n' want='rlo\xe2\x80\xaetxt.exe zw\xe2\x80\x8bsp esc\x1b[1m back\x5cx41 \n'
	nstk_spawn unshare -u bash -c 'exec -a "$1" sleep 60' argv0 "$odd"
	nstk_wait_comm "$NSTK_PID" sleep
	local ino
	ino="$(nstk_ns_ino "$NSTK_PID" uts)"
	nsls_run -p "$NSTK_PID" -t uts -o NS,COMMAND -u
	[ "$status" -eq 0 ] || fail "nsls: $status $stderr"
	assert_table_text "$output"
	assert_equal "$(grep "^ *$ino " <<<"$output" | sed -E 's/^ *[0-9]+ //')" "$want 60"
	# Raw output is libsmartcols's own escaping of every byte but printable
	# ASCII, as lsns -r prints it.
	nsls_run -p "$NSTK_PID" -t uts -o COMMAND -r
	assert_equal "$(lsns -p "$NSTK_PID" -t uts -o COMMAND -r)" "$output"
	# JSON keeps the text: it is data, not a screen.
	nsls_json -p "$NSTK_PID" -t uts -o NS,TYPE,COMMAND
	assert_equal "$(jqn 'node("uts"; $i).command' --argjson i "$ino")" "$odd 60"

	[ -x "$CGTOP" ] || return 0
	[ "$(stat -f -c %T $CG)" != cgroup2fs ] && [ -w "$CG/pids" ] || skip "needs the v1 pids hierarchy for cgtop's part"
	nstk_cgroup_mkdir "$CG/pids/$HO_TAG-$odd"
	run_tool "$CGTOP" -b -n 1 "/$HO_TAG-$odd"
	[ "$status" -eq 0 ] && [ -z "$stderr" ] || fail "cgtop -b: $status $stderr"
	assert_table_text "$output"
	[ -n "$(text_row "$output" "/$HO_TAG-$want")" ] || fail "not escaped as nsls escapes it: $output"
}

# ---- nsls on paths made for real ----

@test "nsls: nsfs bind mounts under a tmpfs at paths with tabs, newlines, backslashes and non-UTF-8 bytes" {
	nstk_netns_add
	local netns="$NSTK_NETNS_NAME" d="$BATS_TEST_TMPDIR/m"
	mkdir "$d"
	# In a private mount namespace: a tmpfs with an odd source at an odd
	# directory, and the netns bound at two odd names in it.
	nstk_spawn unshare -m --propagation private bash -c '
		odd="$1/"$'"'"'sp ace\tt\nnl\xff'"'"'"\\x41"
		mkdir "$odd" && mount -t tmpfs "$(printf "src with\nnewline\\\\")" "$odd" || exit 1
		for f in "$odd/"$'"'"'ns\xfe x'"'"' "$odd/plain"; do
			touch "$f" && mount --bind "/run/netns/$2" "$f" || exit 1
		done
		exec sleep 60' odd "$d" "$netns"
	nstk_wait_comm "$NSTK_PID" sleep
	local ino
	ino="$(stat -L -c %i "/run/netns/$netns")"
	nsls_json -t net -o NS,TYPE,NSFS,NETNS
	# JSON: the paths as they are, each byte that is not UTF-8 as \xNN.
	local base="$d/sp ace"$'\t'"t"$'\n''nl\xff\x41'
	jqn 'node("net"; $i).nsfs | index($b + "/ns\\xfe x") != null and index($b + "/plain") != null' --arg b "$base" --argjson i "$ino" -e ||
		fail "nsfs of $ino: $(jqn 'node("net"; $i)' --argjson i "$ino" -c)"
	# The table: escaped, one line per namespace.
	nsls_run -t net -o NS,NSFS -u
	[ "$status" -eq 0 ]
	assert_table_text "$output"
	[[ "$output" == *"$d/sp ace\\x09t\\x0anl\\xff\\x5cx41/ns\\xfe x"* ]] || fail "not escaped as expected: $output"
	local n
	n="$(grep -c "^[^0-9]*$ino " <<<"$output")"
	[ "$n" -eq 1 ] || fail "$ino on $n lines: $output"
}

@test "nsls -J: a command line with bytes that start no UTF-8 sequence (0xf5-0xff) stays valid JSON" {
	# fuzz_out found it: such bytes were taken for a 3-byte lead, jansson
	# refused the "escaped" text and one hostile argv failed nsls -J for
	# the whole host. Here the process is the lowest PID of its own uts
	# namespace, so its command line is what the row shows.
	nstk_spawn unshare -u bash -c 'exec -a "$(printf "x\370\200\200y\377")" sleep 60'
	nstk_wait_comm "$NSTK_PID" sleep
	local ino
	ino="$(nstk_ns_ino "$NSTK_PID" uts)"
	nsls_json -t uts -o NS,TYPE,PID,COMMAND
	assert_equal "$(jqn 'node("uts"; $i).command' --argjson i "$ino")" 'x\xf8\x80\x80y\xff 60'
	nsls_run -t uts -o NS,COMMAND -u
	[ "$status" -eq 0 ]
	assert_table_text "$output"
}

@test "nsls: a cgroup namespace rooted at a cgroup with an odd name shows its root escaped" {
	[ "$(stat -f -c %T $CG)" != cgroup2fs ] && [ -w "$CG/unified" ] || skip "needs the hybrid unified hierarchy"
	local name=$'odd \t\e[1m\xff\\x41' dir
	dir="$CG/unified/$HO_TAG-$name"
	nstk_cgroup_mkdir "$dir"
	nstk_spawn sh -c 'echo $$ >"$1/cgroup.procs" && exec unshare -C sleep 60' join "$dir"
	nstk_wait_comm "$NSTK_PID" sleep
	local ino
	ino="$(nstk_ns_ino "$NSTK_PID" cgroup)"
	nsls_json -t cgroup -o NS,TYPE,CGROUPROOT
	local want="/$HO_TAG-odd "$'\t\e[1m''\xff\x41'
	[ "$(jqn 'node("cgroup"; $i).cgrouproot' --argjson i "$ino")" = "$want" ] ||
		fail "cgrouproot: $(jqn 'node("cgroup"; $i)' --argjson i "$ino" -c)"
	nsls_run -t cgroup -o NS,CGROUPROOT -u
	[ "$status" -eq 0 ]
	assert_table_text "$output"
	[[ "$output" == *"/$HO_TAG-odd \\x09\\x1b[1m\\xff\\x5cx41"* ]] || fail "not escaped as expected: $output"
}

# ---- nsenter-lite against targets that are not what they claim ----

# enter_refused STATUS MESSAGE ARGS...: nsenter-lite ARGS touch $MARK exits
# STATUS with MESSAGE as its one stderr line, and touch never ran.
enter_refused() {
	local want_status="$1" message="$2"
	shift 2
	rm -f "$MARK"
	run_tool "$NSENTER" "$@" touch "$MARK"
	[ "$status" -eq "$want_status" ] || fail "nsenter-lite $* exited $status, want $want_status: $stderr"
	[ -z "$output" ] || fail "nsenter-lite $* printed: $output"
	[ "${#stderr_lines[@]}" -eq 1 ] || fail "nsenter-lite $* said ${#stderr_lines[@]} lines: $stderr"
	assert_equal "$stderr" "$message"
	[ ! -e "$MARK" ] || fail "nsenter-lite $* ran the program"
}

@test "nsenter-lite: targets that are no process, files that are no namespace: one line, exit 1 or 2, nothing run" {
	[ -x "$NSENTER" ] || fail "nsenter-lite not built: run make check"
	local arg
	for arg in 0 -5 1e3 99999999999 "" " 7" 0x10; do
		enter_refused 2 "nsenter-lite: invalid PID: '$arg'; try 'nsenter-lite --help'" -t "$arg" -n
	done
	# A PID that was a process a moment ago.
	nstk_spawn sleep 60
	local gone="$NSTK_PID"
	nstk_cleanup
	enter_refused 1 "nsenter-lite: no process with PID $gone" -t "$gone" -n
	# A zombie: its namespaces are gone, though its PID is not.
	nstk_spawn bash -c 'sleep 0 & exec sleep 60'
	local zombie i
	for ((i = 0; i < 250; i++)); do
		zombie="$(_nstk_children "$NSTK_PID" | head -n 1)"
		[ -n "$zombie" ] && [[ "$(_nstk_stat "$zombie")" == Z* ]] && break
		sleep 0.02
	done
	[[ "$(_nstk_stat "$zombie")" == Z* ]] || fail "no zombie under $NSTK_PID"
	enter_refused 1 "nsenter-lite: PID $zombie exited before its namespaces could be entered" -t "$zombie" -n
	# Files that are not a namespace, or not of the kind asked.
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	local f
	for f in /etc/passwd /dev/null /proc "$BATS_TEST_TMPDIR/fifo" /proc/self/ns/uts /proc/self/ns/user; do
		enter_refused 1 "nsenter-lite: $f is not a net namespace file" --net="$f"
		enter_refused 1 "nsenter-lite: $f is not a net namespace file" -t $$ --net="$f"
	done
	enter_refused 1 "nsenter-lite: cannot open $BATS_TEST_TMPDIR/none: No such file or directory" \
		--net="$BATS_TEST_TMPDIR/none"
}

# ---- closed pipes ----

# closed_pipe_run ARGS...: run ARGS with stdout a pipe whose reader has
# exited; $status, $stderr. With HO_IGNORE_PIPE=1 SIGPIPE is ignored first
# (as Python's subprocess and some CI runners leave it).
closed_pipe_run() {
	local w reader st=0
	exec {w}> >(exec true)
	reader=$!
	wait "$reader" 2>/dev/null || true
	if [ "${HO_IGNORE_PIPE:-0}" = 1 ]; then
		(
			trap '' PIPE
			exec "$@" >&"$w" 2>"$BATS_TEST_TMPDIR/err"
		) || st=$?
	else
		"$@" >&"$w" 2>"$BATS_TEST_TMPDIR/err" || st=$?
	fi
	exec {w}>&-
	status=$st
	stderr="$(cat "$BATS_TEST_TMPDIR/err")"
}

# quiet_sigpipe TOOL: $status is death by SIGPIPE and stderr holds at most nsls's summary.
quiet_sigpipe() {
	[ "$status" -eq 141 ] || fail "$1 exited $status into a closed pipe, want 141 (SIGPIPE): $stderr"
	[ -z "$stderr" ] || fail "$1 said into a closed pipe: $stderr"
}

@test "closed pipe: every tool dies of SIGPIPE quietly, also when SIGPIPE was ignored" {
	[ -x "$CGTOP" ] && [ -x "$NSENTER" ] || fail "tools not built: run make check"
	local ign
	for ign in 0 1; do
		HO_IGNORE_PIPE=$ign closed_pipe_run "$NSLS"
		quiet_sigpipe nsls
		HO_IGNORE_PIPE=$ign closed_pipe_run "$NSLS" -J --output-all
		quiet_sigpipe nsls
		HO_IGNORE_PIPE=$ign closed_pipe_run "$NSLS" --tree
		quiet_sigpipe nsls
		# Without -n, -b runs until stopped: the pipe must stop it.
		HO_IGNORE_PIPE=$ign closed_pipe_run timeout 20 "$CGTOP" -b -d 0.1
		quiet_sigpipe cgtop
		HO_IGNORE_PIPE=$ign closed_pipe_run timeout 20 "$CGTOP" -J -d 0.1 -n 1000
		quiet_sigpipe cgtop
		HO_IGNORE_PIPE=$ign closed_pipe_run "$CGTOP" --prometheus
		quiet_sigpipe cgtop
		HO_IGNORE_PIPE=$ign closed_pipe_run "$NSENTER" --dry-run -t $$ -a
		quiet_sigpipe nsenter-lite
	done
	# The program nsenter-lite runs dies of it; nsenter-lite says so by its status only.
	HO_IGNORE_PIPE=0 closed_pipe_run "$NSENTER" -t $$ -u cat /etc/passwd
	quiet_sigpipe nsenter-lite
}

@test "closed pipe: nsls | head -1, nsls -J | head -c 10, cgtop -b | head -1, nsenter-lite cat | head -1" {
	[ -x "$CGTOP" ] && [ -x "$NSENTER" ] || fail "tools not built: run make check"
	local t="$BATS_TEST_TMPDIR" st
	# Each: the reader's part is what a full run starts with; the writer
	# exits 0 (done before the reader left) or 141; stderr is quiet.
	"$NSLS" 2>/dev/null | head -n 1 >"$t/full"
	"$NSLS" 2>"$t/err" | head -n 1 >"$t/part"
	st="${PIPESTATUS[0]}"
	[[ "$st" == 0 || "$st" == 141 ]] && cmp -s "$t/full" "$t/part" || fail "nsls | head -1: $st, $(cat "$t/part")"
	status=$st stderr="$(cat "$t/err")"
	[ -z "$stderr" ] || fail "nsls said: $stderr"

	"$NSLS" -J 2>/dev/null | head -c 10 >"$t/full"
	"$NSLS" -J 2>"$t/err" | head -c 10 >"$t/part"
	st="${PIPESTATUS[0]}"
	[[ "$st" == 0 || "$st" == 141 ]] && cmp -s "$t/full" "$t/part" || fail "nsls -J | head -c 10: $st"
	[ -z "$(cat "$t/err")" ] || fail "nsls -J said: $(cat "$t/err")"

	timeout 20 "$CGTOP" -b -d 0.1 2>"$t/err" | head -n 1 >"$t/part"
	st="${PIPESTATUS[0]}"
	[ "$st" -eq 141 ] || fail "cgtop -b | head -1 ended $st"
	[ -z "$(cat "$t/err")" ] || fail "cgtop said: $(cat "$t/err")"
	[[ "$(cat "$t/part")" == PATH* ]]

	seq 1 200000 >"$t/big"
	"$NSENTER" -t $$ -u cat "$t/big" 2>"$t/err" | head -n 1 >"$t/part"
	st="${PIPESTATUS[0]}"
	[[ "$st" == 0 || "$st" == 141 ]] || fail "nsenter-lite cat | head -1 ended $st"
	[ "$(cat "$t/part")" = 1 ]
	[ -z "$(cat "$t/err")" ] || fail "nsenter-lite said: $(cat "$t/err")"
}

@test "a full disk: cgtop -b stops with one line and exit 1, nsls exits 1 with one line" {
	[ -x "$CGTOP" ] || fail "cgtop not built: run make check"
	run_tool timeout 20 bash -c '"$1" -b -d 0.1 >/dev/full' full "$CGTOP"
	[ "$status" -eq 1 ] || fail "cgtop -b >/dev/full ended $status: $stderr"
	assert_equal "$stderr" "cgtop: cannot write the output: No space left on device"
	run_tool bash -c '"$1" >/dev/full' full "$NSLS"
	[ "$status" -eq 1 ] || fail "nsls >/dev/full ended $status: $stderr"
	assert_equal "${stderr_lines[${#stderr_lines[@]} - 1]}" "nsls: write error: No space left on device"
}

# ---- unprivileged ----

# as_nobody: set up $HO_BINDIR with the tools, reachable by nobody.
as_nobody_setup() {
	command -v setpriv >/dev/null || skip "no setpriv"
	HO_BINDIR="$(mktemp -d /tmp/nstk-ho-bin.XXXXXX)"
	chmod 0755 "$HO_BINDIR"
	cp "$NSLS" "$CGTOP" "$NSENTER" "$HO_BINDIR/"
	chmod 0755 "$HO_BINDIR"/*
	mkdir -m 1777 "$HO_BINDIR/w"
	MARK="$HO_BINDIR/w/ran"
}

# nobody ARGS...: run ARGS as nobody:nogroup with no capabilities at all.
nobody() {
	run --separate-stderr setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \
		--bounding-set=-all -- "$@"
}

@test "unprivileged: nsls lists what it can, says what it could not on a terminal only; cgtop reads; nsenter-lite refuses" {
	[ -x "$CGTOP" ] && [ -x "$NSENTER" ] || fail "tools not built: run make check"
	as_nobody_setup
	nobody "$HO_BINDIR/nsls" -J
	[ "$status" -eq 0 ] || fail "nsls as nobody exited $status: $stderr"
	# Not a terminal: quiet, as lsns; JSON says it.
	[ -z "$stderr" ] || fail "nsls as nobody said: $stderr"
	NSTK_JSON="$output"
	local denied tty
	denied="$(jqn .denied)"
	[ "$(jqn .partial)" = true ]
	[ "$denied" -ge 1 ]
	# On a terminal (script(1) gives it one), one line that agrees with JSON.
	tty="$(script -qec "setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all --bounding-set=-all -- '$HO_BINDIR/nsls' -J 2>&1 >/dev/null" /dev/null | tr -d '\r')"
	[[ "$tty" =~ $PARTIAL_RE ]] || fail "not the summary line: $tty"
	[[ "$tty" == *"; lacking CAP_SYS_PTRACE;"* ]] || fail "no missing capability named: $tty"
	# (Its count is of its own run: processes come and go between the two.)
	[[ "$tty" =~ ^nsls:\ [1-9][0-9]*\ process ]] || fail "the terminal counts none: $tty"
	# Its own namespaces are there, with itself (or its setpriv parent) counted.
	local ino
	ino="$(nstk_ns_ino $$ net)"
	[ "$(jqn 'node("net"; $i).nprocs' --argjson i "$ino")" -ge 1 ]
	nobody "$HO_BINDIR/nsls" --tree
	[ "$status" -eq 0 ] && [ -z "$stderr" ] || fail "nsls --tree as nobody: $status $stderr"

	nobody "$HO_BINDIR/cgtop" -b -n 2 -d 0.2
	[ "$status" -eq 0 ] && [ -z "$stderr" ] || fail "cgtop -b as nobody: $status $stderr"
	[[ "${lines[0]}" == PATH* ]]
	nobody "$HO_BINDIR/cgtop" -J -n 2 -d 0.2
	[ "$status" -eq 0 ] && [ -z "$stderr" ] || fail "cgtop -J as nobody: $status $stderr"
	[ "$(tail -n 1 <<<"$output" | jq '.cgroups | length > 0')" = true ]

	# nsenter-lite: a root process in another netns, and nobody's own process.
	nstk_netns_add
	nstk_spawn ip netns exec "$NSTK_NETNS_NAME" sleep 60
	nstk_wait_comm "$NSTK_PID" sleep
	local root_pid="$NSTK_PID"
	nobody "$HO_BINDIR/nsenter-lite" -t "$root_pid" -n touch "$MARK"
	[ "$status" -eq 1 ] && [ "${#stderr_lines[@]}" -eq 1 ] || fail "nsenter-lite -n as nobody: $status $stderr"
	# Both are missing; which one the kernel trips on first (setns through a pidfd) may vary.
	[[ "$stderr" =~ need\ CAP_SYS_(ADMIN|PTRACE) ]] || fail "no capability named: $stderr"
	[ ! -e "$MARK" ]
	nobody "$HO_BINDIR/nsenter-lite" -t "$root_pid" -a touch "$MARK"
	[ "$status" -eq 1 ] && [[ "$stderr" == *CAP_SYS_PTRACE* ]] || fail "nsenter-lite -a as nobody: $status $stderr"
	[ ! -e "$MARK" ]
	nstk_spawn setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all --bounding-set=-all sleep 60
	nstk_wait_comm "$NSTK_PID" sleep
	nobody "$HO_BINDIR/nsenter-lite" -t "$NSTK_PID" -n touch "$MARK"
	[ "$status" -eq 1 ] && [ "${#stderr_lines[@]}" -eq 1 ] || fail "nsenter-lite -n own as nobody: $status $stderr"
	[[ "$stderr" == *CAP_SYS_ADMIN* ]] || fail "no capability named: $stderr"
	[ ! -e "$MARK" ]
}

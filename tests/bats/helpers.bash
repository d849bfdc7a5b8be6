# helpers.bash — shared by the nstk bats suites.
#
# Load it first thing in a .bats file:   load helpers
#
# It gives:
#   $NSTK_ROOT, $NSLS        the repo root and the nsls under test (absolute;
#                            $NSTK_BUILD picks build/ or build/san/)
#   $NSTK_HELPERS            where make check puts tests/helpers/*.c, built
#   nstk_spawn CMD...        start CMD in its own session (setsid), record it
#                            for nstk_cleanup; its PID lands in $NSTK_PID
#   nstk_netns_add           make a uniquely named netns, recorded for
#                            cleanup; its name lands in $NSTK_NETNS_NAME
#   nstk_cgroup_mkdir DIR... make cgroup directories (parents first),
#                            recorded for cleanup
#   NSTK_LINKS, NSTK_NETNS   host interfaces and ip netns names a test made
#                            itself: add them for cleanup
#   nstk_cleanup             kill (SIGKILL, by process group and by PID) all
#                            that nstk_spawn started, wait until every one of
#                            them is reaped, delete the links and netns
#                            made, remove the cgroups made (deepest first);
#                            call it from teardown
#   nstk_wait_comm PID COMM  wait (max 5 s) until PID runs COMM
#   nstk_descendant PID COMM print the first descendant of PID running COMM
#                            (waits max 5 s)
#   nstk_ns_ino PID KIND     the inode the kernel gives for /proc/PID/ns/KIND
#   nsls_run ARGS...         run nsls with stderr kept apart; fails the test on
#                            any sanitizer report
#   nsls_json ARGS...        nsls -J ARGS, must exit 0 and be valid JSON; the
#                            document lands in $NSTK_JSON
#   nsls_assert_failure_with MESSAGE ARGS...
#                            nsls ARGS must fail at run time: exit 1, nothing
#                            on stdout, MESSAGE the last stderr line
#   nsls_assert_usage_with MESSAGE ARGS...
#                            nsls ARGS must be bad usage: exit 2, nothing on
#                            stdout, "nsls: MESSAGE; try 'nsls --help'" the
#                            one stderr line
#   jqn FILTER ARGS...       jq -r FILTER over $NSTK_JSON (ARGS are jq's),
#                            with node/nodes/kids defined (see NSTK_JQ_DEFS)
#   nstk_netns_ip NS ARGS... ip ARGS in a network namespace: an ip netns name,
#                            pid:PID (that process's), or "" (this one's)
#   nstk_netns_inode NS      the inode of the network namespace NS names so
#   nstk_socket_in_netns FILE  start tests/helpers/socket_in_netns on the
#                            netns FILE (nstk_spawn) and wait for its socket:
#                            $NSTK_PID, and the socket's fd in $NSTK_SOCKET_FD
#   nstk_textfile_exporter DIR  start prometheus-node-exporter (nstk_spawn)
#                            on a loopback port with only the textfile
#                            collector, reading DIR; its /metrics URL lands in
#                            $NSTK_EXPORTER_URL
#   nstk_scrape              $NSTK_EXPORTER_URL's body, once it answers
#                            (max 5 s), into $NSTK_SCRAPE

bats_require_minimum_version 1.5.0
load /usr/lib/bats/bats-support/load
load /usr/lib/bats/bats-assert/load

NSTK_ROOT="$(cd "$BATS_TEST_DIRNAME/../.." && pwd)"
_nstk_build="${NSTK_BUILD:-build}"
case "$_nstk_build" in
/*) ;;
*) _nstk_build="$NSTK_ROOT/$_nstk_build" ;;
esac
NSLS="$_nstk_build/nsls"
NSTK_HELPERS="$_nstk_build/helpers"
unset _nstk_build

# Tree glyphs are UTF-8 box drawing only under a UTF-8 locale: pin one.
export LC_ALL=C.UTF-8

NSTK_KINDS=(cgroup ipc mnt net pid time user uts)

# What nstk_cleanup must undo.
NSTK_PGIDS=()
NSTK_NETNS=()
NSTK_LINKS=()
NSTK_CGROUPS=()

# Poll interval and limit (0.02 s x 250 = 5 s).
_NSTK_POLL=0.02
_NSTK_POLLS=250

# Fields of /proc/PID/stat after the comm, which may hold spaces and ')'.
# Prints "STATE PPID PGRP SESSION"; fails when PID is gone.
_nstk_stat() {
	local stat
	stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
	[ -n "$stat" ] || return 1
	stat="${stat##*) }"
	local state ppid pgrp session rest
	read -r state ppid pgrp session rest <<<"$stat"
	echo "$state $ppid $pgrp $session"
}

# Children of PID (all its threads'), one per line.
_nstk_children() {
	cat /proc/"$1"/task/*/children 2>/dev/null | tr ' ' '\n' | sed '/^$/d'
}

# PID and all its descendants, one per line.
_nstk_tree() {
	local queue=("$1") p c
	while [ "${#queue[@]}" -gt 0 ]; do
		p="${queue[0]}"
		queue=("${queue[@]:1}")
		echo "$p"
		for c in $(_nstk_children "$p"); do
			queue+=("$c")
		done
	done
}

nstk_spawn() {
	# No job control in bats: the job is not a group leader, so setsid(1)
	# calls setsid() itself instead of forking and $! is the session id.
	# fd 3 is bats's own pipe: a job holding it would hang the run.
	setsid "$@" </dev/null >/dev/null 2>&1 3>&- &
	NSTK_PID=$!
	NSTK_PGIDS+=("$NSTK_PID")
	local i s state ppid pgrp sid
	for ((i = 0; i < _NSTK_POLLS; i++)); do
		s="$(_nstk_stat "$NSTK_PID")" || {
			echo "nstk_spawn: '$*' (PID $NSTK_PID) exited at once" >&2
			return 1
		}
		read -r state ppid pgrp sid <<<"$s"
		[ "$sid" = "$NSTK_PID" ] && return 0
		sleep "$_NSTK_POLL"
	done
	echo "nstk_spawn: PID $NSTK_PID never became a session leader" >&2
	return 1
}

nstk_wait_comm() {
	local pid="$1" comm="$2" i c
	for ((i = 0; i < _NSTK_POLLS; i++)); do
		c="$(cat "/proc/$pid/comm" 2>/dev/null)" || {
			echo "nstk_wait_comm: PID $pid is gone" >&2
			return 1
		}
		[ "$c" = "$comm" ] && return 0
		case "$(_nstk_stat "$pid")" in
		Z* | X* | "")
			echo "nstk_wait_comm: PID $pid exited" >&2
			return 1
			;;
		esac
		sleep "$_NSTK_POLL"
	done
	echo "nstk_wait_comm: PID $pid runs '$c', not '$comm', after 5 s" >&2
	return 1
}

nstk_descendant() {
	local root="$1" comm="$2" i p
	for ((i = 0; i < _NSTK_POLLS; i++)); do
		for p in $(_nstk_tree "$root"); do
			[ "$p" = "$root" ] && continue
			if [ "$(cat "/proc/$p/comm" 2>/dev/null)" = "$comm" ]; then
				echo "$p"
				return 0
			fi
		done
		sleep "$_NSTK_POLL"
	done
	echo "nstk_descendant: no '$comm' under PID $root after 5 s" >&2
	return 1
}

nstk_ns_ino() {
	local link
	link="$(readlink "/proc/$1/ns/$2")" || return 1
	[[ "$link" =~ ^$2:\[([0-9]+)\]$ ]] || {
		echo "nstk_ns_ino: unexpected link '$link'" >&2
		return 1
	}
	echo "${BASH_REMATCH[1]}"
}

nstk_cgroup_mkdir() {
	local d
	for d in "$@"; do
		NSTK_CGROUPS+=("$d")
		mkdir "$d" || return 1
	done
}

nstk_netns_add() {
	NSTK_NETNS_NAME="nstk-bats-$$-${BATS_TEST_NUMBER}-${#NSTK_NETNS[@]}"
	NSTK_NETNS+=("$NSTK_NETNS_NAME")
	ip netns add "$NSTK_NETNS_NAME"
}

nstk_cleanup() {
	local pgid p all=() i alive=0
	for pgid in "${NSTK_PGIDS[@]}"; do
		# Descendants first: they stay ours even if one left the group.
		mapfile -t -O "${#all[@]}" all < <(_nstk_tree "$pgid")
	done
	for pgid in "${NSTK_PGIDS[@]}"; do
		kill -KILL -- "-$pgid" 2>/dev/null || true
	done
	for p in "${all[@]}"; do
		kill -KILL "$p" 2>/dev/null || true
	done
	for pgid in "${NSTK_PGIDS[@]}"; do
		wait "$pgid" 2>/dev/null || true
	done
	# Grandchildren are reaped by whoever inherits them: wait until they are.
	for ((i = 0; i < _NSTK_POLLS; i++)); do
		alive=0
		for p in "${all[@]}"; do
			[ -e "/proc/$p" ] && alive=1 && break
		done
		[ "$alive" = 0 ] && break
		sleep "$_NSTK_POLL"
	done
	NSTK_PGIDS=()
	local left=() name
	if [ "$alive" = 1 ]; then
		for p in "${all[@]}"; do
			[ -e "/proc/$p" ] && left+=("PID $p")
		done
	fi
	for name in "${NSTK_LINKS[@]}"; do
		ip link del "$name" 2>/dev/null || true
		ip link show "$name" >/dev/null 2>&1 && left+=("link $name")
	done
	NSTK_LINKS=()
	for name in "${NSTK_NETNS[@]}"; do
		ip netns del "$name" 2>/dev/null || true
		[ -e "/run/netns/$name" ] && left+=("netns $name")
	done
	NSTK_NETNS=()
	# A cgroup is busy until its last task is reaped: retry for 5 s each.
	local k d
	for ((k = ${#NSTK_CGROUPS[@]} - 1; k >= 0; k--)); do
		d=${NSTK_CGROUPS[k]}
		for ((i = 0; i < _NSTK_POLLS; i++)); do
			[ -d "$d" ] || break
			rmdir "$d" 2>/dev/null && break
			sleep "$_NSTK_POLL"
		done
		[ -d "$d" ] && left+=("cgroup $d (tasks: $(tr '\n' ' ' <"$d/cgroup.procs" 2>/dev/null))")
	done
	NSTK_CGROUPS=()
	if [ "${#left[@]}" -gt 0 ]; then
		echo "nstk_cleanup: still there after 5 s: ${left[*]}" >&2
		return 1
	fi
}

nsls_run() {
	run --separate-stderr "$NSLS" "$@"
	if [[ "$stderr" == *Sanitizer* || "$stderr" == *"runtime error:"* ]]; then
		echo "sanitizer report from nsls $*:" >&2
		echo "$stderr" >&2
		return 1
	fi
}

nsls_json() {
	nsls_run -J "$@"
	if [ "$status" -ne 0 ]; then
		echo "nsls -J $* exited $status: $stderr" >&2
		return 1
	fi
	if ! jq -e . >/dev/null <<<"$output"; then
		echo "nsls -J $* printed no valid JSON:" >&2
		echo "$output" >&2
		return 1
	fi
	NSTK_JSON="$output"
}

# jq functions for jqn filters, over the document or a tree:
#   nodes(TYPE; INO)  every object anywhere in it with that type and ns
#   node(TYPE; INO)   the one such object (an error unless exactly one)
#   kids              of a node: its children as sorted "type:ns" words
NSTK_JQ_DEFS='
def nodes($t; $i): [.. | objects | select(.type? == $t and .ns? == $i)];
def node($t; $i): nodes($t; $i) |
	if length == 1 then .[0] else error("\($t):\($i) appears \(length) times") end;
def kids: [.children[]? | "\(.type):\(.ns)"] | sort | join(" ");
'

jqn() {
	local filter="$1"
	shift
	jq -r "$@" "$NSTK_JQ_DEFS $filter" <<<"$NSTK_JSON"
}

# _nsls_assert_exit STATUS STDERR ARGS...: nsls ARGS exits STATUS with
# nothing on stdout and exactly STDERR on stderr.
_nsls_assert_exit() {
	local want_status="$1" want_stderr="$2"
	shift 2
	nsls_run "$@"
	[ "$status" -eq "$want_status" ] || fail "nsls $* exited $status, want $want_status; stderr: $stderr"
	[ -z "$output" ] || fail "nsls $* printed on stdout: $output"
	assert_equal "$stderr" "$want_stderr"
}

# Runtime failure: exit 1, nothing on stdout, the error MESSAGE the one line
# on stderr (the partial-scan summary is for terminals only).
nsls_assert_failure_with() {
	local message="$1"
	shift
	_nsls_assert_exit 1 "$message" "$@"
}

# Bad usage: exit 2, nothing on stdout, one line naming the problem.
nsls_assert_usage_with() {
	local message="$1"
	shift
	_nsls_assert_exit 2 "nsls: $message; try 'nsls --help'" "$@"
}

nstk_netns_ip() {
	local ns="$1"
	shift
	case "$ns" in
	pid:*) nsenter -t "${ns#pid:}" -n ip "$@" ;;
	"") ip "$@" ;;
	*) ip -n "$ns" "$@" ;;
	esac
}

nstk_netns_inode() {
	case "$1" in
	pid:*) nstk_ns_ino "${1#pid:}" net ;;
	"") nstk_ns_ino self net ;;
	*) stat -L -c %i "/run/netns/$1" ;;
	esac
}

nstk_socket_in_netns() {
	[ -x "$NSTK_HELPERS/socket_in_netns" ] || fail "run make $NSTK_BUILD/helpers/socket_in_netns first"
	nstk_spawn "$NSTK_HELPERS/socket_in_netns" "$1"
	local i
	NSTK_SOCKET_FD=""
	for ((i = 0; i < _NSTK_POLLS; i++)); do
		NSTK_SOCKET_FD=$(find "/proc/$NSTK_PID/fd" -lname 'socket:*' -printf '%f\n' 2>/dev/null | head -n 1)
		[ -n "$NSTK_SOCKET_FD" ] && return 0
		sleep "$_NSTK_POLL"
	done
	fail "the socket_in_netns helper opened no socket"
}

nstk_textfile_exporter() {
	local ne port
	ne="$(command -v prometheus-node-exporter || command -v node_exporter || true)"
	[ -n "$ne" ] || fail "prometheus-node-exporter not installed (scripts/install-deps.sh installs it)"
	# A port of this run's own, spread by the test's number.
	port=$((20000 + ($$ + 97 * BATS_TEST_NUMBER) % 20000))
	nstk_spawn "$ne" --web.listen-address="127.0.0.1:$port" --collector.disable-defaults \
		--collector.textfile --collector.textfile.directory="$1"
	NSTK_EXPORTER_URL="http://127.0.0.1:$port/metrics"
}

nstk_scrape() {
	local i
	NSTK_SCRAPE=""
	for ((i = 0; i < _NSTK_POLLS; i++)); do
		NSTK_SCRAPE="$(curl -fsS "$NSTK_EXPORTER_URL" 2>/dev/null)" && return 0
		sleep "$_NSTK_POLL"
	done
	fail "node_exporter at $NSTK_EXPORTER_URL did not answer in 5 s"
}

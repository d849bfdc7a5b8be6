# nsenter_helpers.bash — what tests/bats/nsenter.bats adds to helpers.bash.
#
# Load it after helpers:   load helpers; load nsenter_helpers
#
# It gives:
#   $NSENTER, $PROBE          nsenter-lite and tests/helpers/nsenter_probe.c,
#                             built (under $NSTK_BUILD, as helpers.bash)
#   nsenter_run [-N] ARGS...  run nsenter-lite with stderr kept apart (-N:
#                             the status expected, as bats's run -N); fails
#                             the test on any sanitizer report
#   as_nobody CMD...          CMD as uid/gid 65534 with no groups and so no
#                             capabilities (setpriv)
#   spawn_target              a sleep in new mnt, uts, ipc, net, pid, cgroup
#                             and time namespaces (not user): $T (the sleep,
#                             init of its pid namespace), $OUTER (unshare)
#   spawn_userns_target       a sleep in a new user namespace mapping 0-65535
#                             to host 100000-165535: $U
#   spawn_logged OUT ERR CMD  as nstk_spawn (setsid, cleaned up by
#                             nstk_cleanup), stdout and stderr to files
#   spawn_thread              tests/helpers/unshare_thread: a process whose
#                             second thread is in a uts namespace of its own,
#                             host name nstk-thread: $THREAD_PID, $THREAD_TID
#   wait_for_file FILE        wait (max 5 s) until FILE exists
#   wait_in_syscall PID NR    wait (max 5 s) until PID sits in system call NR
#                             (as /proc/PID/syscall says: a tracer holds it)
#   wait_gone_or_zombie PID   wait (max 5 s) until PID is gone or a zombie
#   reap_inits_first         kill each spawn_target's $T and wait until its
#                             unshare has reaped it; call from teardown before
#                             nstk_cleanup (killed together, $T becomes an
#                             orphan that PID 1 here reaps only every 2 s)
#   cgroup_make NAME          mkdir NAME in each of $NSENTER_CG_ROOTS;
#                             recorded for nsenter_cleanup
#   $NSENTER_CG_ROOTS         the pids v1 hierarchy and the unified one on
#                             a hybrid host; the one cgroup2 tree on a pure
#                             v2 one (make check-vm's guest)
#   nsenter_cleanup           rmdir what cgroup_make made (deepest first);
#                             call from teardown after nstk_cleanup

NSENTER="$(dirname "$NSLS")/nsenter-lite"
PROBE="$NSTK_HELPERS/nsenter_probe"
NSENTER_CGROUPS=()
NSENTER_INITS=()

nsenter_run() {
	local expect=()
	if [[ "${1:-}" =~ ^-[0-9]+$ ]]; then
		expect=("$1")
		shift
	fi
	run "${expect[@]}" --separate-stderr "$NSENTER" "$@"
	if [[ "$stderr" == *Sanitizer* || "$stderr" == *"runtime error:"* ]]; then
		echo "sanitizer report from nsenter-lite $*:" >&2
		echo "$stderr" >&2
		return 1
	fi
}

as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}

spawn_target() {
	nstk_spawn unshare --fork --pid --mount-proc --net --uts --ipc --cgroup --time --mount \
		sleep 1000
	OUTER=$NSTK_PID
	T=$(nstk_descendant "$OUTER" sleep)
	NSENTER_INITS+=("$T:$OUTER")
}

reap_inits_first() {
	local pair
	for pair in "${NSENTER_INITS[@]}"; do
		kill -KILL "${pair%%:*}" 2>/dev/null || true
	done
	for pair in "${NSENTER_INITS[@]}"; do
		wait_gone_or_zombie "${pair#*:}" || true
	done
	NSENTER_INITS=()
}

spawn_userns_target() {
	nstk_spawn unshare --user sleep 1000
	U=$NSTK_PID
	nstk_wait_comm "$U" sleep
	echo "0 100000 65536" >"/proc/$U/uid_map"
	echo "0 100000 65536" >"/proc/$U/gid_map"
}

spawn_logged() {
	local out="$1" err="$2"
	shift 2
	setsid "$@" </dev/null >"$out" 2>"$err" 3>&- &
	NSTK_PID=$!
	NSTK_PGIDS+=("$NSTK_PID")
}

spawn_thread() {
	[ -x "$NSTK_HELPERS/unshare_thread" ] || fail "$NSTK_HELPERS/unshare_thread not built"
	spawn_logged "$BATS_TEST_TMPDIR/thread.out" "$BATS_TEST_TMPDIR/thread.err" \
		"$NSTK_HELPERS/unshare_thread" nstk-thread
	THREAD_PID=$NSTK_PID THREAD_TID=""
	local i
	for ((i = 0; i < 250; i++)); do
		THREAD_TID=$(head -n 1 "$BATS_TEST_TMPDIR/thread.out")
		[ -n "$THREAD_TID" ] && break
		sleep 0.02
	done
	[ -n "$THREAD_TID" ] && [ "$THREAD_TID" != "$THREAD_PID" ] ||
		fail "no thread id: $(cat "$BATS_TEST_TMPDIR/thread.err")"
}

_nsenter_poll() {
	local i
	for ((i = 0; i < 250; i++)); do
		"$@" && return 0
		sleep 0.02
	done
	return 1
}

wait_for_file() {
	_nsenter_poll test -e "$1" || {
		echo "wait_for_file: no $1 after 5 s" >&2
		return 1
	}
}

_in_syscall() {
	local nr rest
	read -r nr rest <"/proc/$1/syscall" 2>/dev/null && [ "$nr" = "$2" ]
}

wait_in_syscall() {
	_nsenter_poll _in_syscall "$1" "$2" || {
		echo "wait_in_syscall: PID $1 not in system call $2 after 5 s" >&2
		return 1
	}
}

_gone_or_zombie() {
	local s
	s="$(_nstk_stat "$1")" || return 0
	[[ "$s" == Z* || "$s" == X* ]]
}

wait_gone_or_zombie() {
	_nsenter_poll _gone_or_zombie "$1" || {
		echo "wait_gone_or_zombie: PID $1 still runs after 5 s" >&2
		return 1
	}
}

# The hierarchies a test cgroup is made in: the one tree on pure v2 (the VM);
# else the pids hierarchy, the named systemd one where there is one, and the
# cgroup2 tree of a hybrid host (not on a pure legacy v1 host: none).
if [ "$(stat -f -c %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ]; then
	NSENTER_CG_ROOTS=(/sys/fs/cgroup)
else
	NSENTER_CG_ROOTS=(/sys/fs/cgroup/pids)
	[ -d /sys/fs/cgroup/systemd ] && NSENTER_CG_ROOTS+=(/sys/fs/cgroup/systemd)
	[ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ] &&
		NSENTER_CG_ROOTS+=(/sys/fs/cgroup/unified)
fi

cgroup_make() {
	local root
	for root in "${NSENTER_CG_ROOTS[@]}"; do
		mkdir -p "$root/$1"
		NSENTER_CGROUPS+=("$root/$1")
	done
}

nsenter_cleanup() {
	local i left=()
	for ((i = ${#NSENTER_CGROUPS[@]} - 1; i >= 0; i--)); do
		rmdir "${NSENTER_CGROUPS[i]}" 2>/dev/null || true
		[ -d "${NSENTER_CGROUPS[i]}" ] && left+=("${NSENTER_CGROUPS[i]}")
	done
	NSENTER_CGROUPS=()
NSENTER_INITS=()
	if [ "${#left[@]}" -gt 0 ]; then
		echo "nsenter_cleanup: cgroups still there: ${left[*]}" >&2
		return 1
	fi
}

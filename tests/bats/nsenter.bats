#!/usr/bin/env bats
# Integration tests of nsenter-lite against real namespaces: targets made with
# unshare and ip netns, what the command finds itself in read back through
# tests/helpers/nsenter_probe.c, and util-linux nsenter as the yardstick of
# where each option must land. Run from the repo root:
#   NSTK_BUILD=build bats --tap tests/bats/nsenter.bats

load helpers
load nsenter_helpers

setup() {
	[ -x "$NSENTER" ] || fail "no nsenter-lite at $NSENTER: run make (or make SAN=1) first"
	[ -x "$PROBE" ] || fail "no $PROBE: run make check (it builds tests/helpers)"
	cd "$BATS_TEST_TMPDIR"
}

teardown() {
	reap_inits_first
	nstk_cleanup
	nsenter_cleanup
}

# The probe's view of the 8 namespaces, as one line.
probe_ns() {
	"$@" "$PROBE" ns | tr '\n' ' '
}

# "kind:[ino]" of PID for a kind.
ns_link() {
	readlink "/proc/$1/ns/$2"
}

# Bad usage: exit 2, one line on stderr starting "nsenter-lite: ", nothing on stdout.
assert_usage_error() {
	nsenter_run "$@"
	[ "$status" -eq 2 ] || fail "nsenter-lite $* exited $status, want 2; stderr: $stderr"
	[ "${#stderr_lines[@]}" -eq 1 ] || fail "nsenter-lite $* printed ${#stderr_lines[@]} lines: $stderr"
	[[ "$stderr" == "nsenter-lite: "* ]] || fail "stderr does not start with 'nsenter-lite: ': $stderr"
	[ -z "$output" ] || fail "nsenter-lite $* printed on stdout: $output"
}

# Own failure: exit 1, nothing on stdout, exactly MESSAGE on stderr.
assert_fails_with() {
	local message="$1"
	shift
	[ "$status" -eq 1 ] || fail "exited $status, want 1; stderr: $stderr"
	[ -z "$output" ] || fail "printed on stdout: $output"
	assert_equal "$stderr" "$message"
}

# Run nsenter -t T OPTS probe ns and nsenter-lite the same: both must land in
# the same namespaces, and in the target's for each kind in KINDS.
differential() {
	local kinds="$1" k want got
	shift
	want=$(probe_ns nsenter -t "$T" "$@")
	[ -n "$want" ] || fail "util-linux nsenter $* printed nothing"
	got=$(probe_ns "$NSENTER" -t "$T" "$@")
	assert_equal "$got" "$want"
	for k in $kinds; do
		[[ " $got " == *" $(ns_link "$T" "$k") "* ]] || fail "$k: not the target's ($got)"
	done
}

# ---------------------------------------------------------------------------
# Where it lands: the same namespaces as util-linux nsenter

# bats test_tags=vm
@test "-m lands in the target's mount namespace, as nsenter does" {
	spawn_target
	differential mnt -m
}

@test "-u lands in the target's uts namespace, as nsenter does" {
	spawn_target
	differential uts -u
}

@test "-i lands in the target's ipc namespace, as nsenter does" {
	spawn_target
	differential ipc -i
}

@test "-n lands in the target's net namespace, as nsenter does" {
	spawn_target
	differential net -n
}

@test "-p lands in the target's pid namespace (the command forks), as nsenter does" {
	spawn_target
	differential pid -p
}

@test "-C lands in the target's cgroup namespace, as nsenter does" {
	spawn_target
	differential cgroup -C
}

@test "-T lands in the target's time namespace, as nsenter does" {
	spawn_target
	differential time -T
}

# bats test_tags=vm
@test "-a lands in all the target's namespaces, as nsenter does" {
	spawn_target
	differential "cgroup ipc mnt net pid time uts" -a
}

# bats test_tags=vm
@test "-a into a user namespace with a map lands where nsenter does, as uid 0 inside" {
	spawn_userns_target
	T=$U differential user -a
	nsenter_run -t "$U" -a sh -c 'id -u; id -g; id -G; cat /proc/self/uid_map'
	assert_success
	assert_equal "$(echo "$output" | tr -s ' \n' '  ')" "0 0 0 0 100000 65536 "
}

@test "long forms --mount --uts --ipc --net --pid --cgroup --time enter as the short ones" {
	spawn_target
	local long short
	long=$(probe_ns "$NSENTER" -t "$T" --mount --uts --ipc --net --pid --cgroup --time)
	short=$(probe_ns "$NSENTER" -t "$T" -m -u -i -n -p -C -T)
	assert_equal "$long" "$short"
	assert_equal "$short" "$(probe_ns "$NSENTER" -t "$T" -a)"
}

@test "--net=FILE enters that namespace file instead of the target's" {
	spawn_target
	nsenter_run -t "$T" -u --net="/proc/$OUTER/ns/net" "$PROBE" ns
	assert_success
	assert_line "$(ns_link "$OUTER" net)"
	assert_line "$(ns_link "$T" uts)"
}

@test "--netns NAME enters an ip netns: ip -o addr shows its veth and address" {
	nstk_netns_add
	ip -n "$NSTK_NETNS_NAME" link add nb0 type veth peer name nb1
	ip -n "$NSTK_NETNS_NAME" addr add 10.201.0.1/24 dev nb0
	ip -n "$NSTK_NETNS_NAME" link set nb0 up
	nsenter_run --netns "$NSTK_NETNS_NAME" ip -o addr
	assert_success
	assert_output --regexp "nb0 +inet 10\.201\.0\.1/24"
	nsenter_run --net="/run/netns/$NSTK_NETNS_NAME" ip -o link
	assert_success
	assert_output --partial "nb1@nb0"
}

@test "-n shows the veth and address of a process in an ip netns" {
	nstk_netns_add
	ip -n "$NSTK_NETNS_NAME" link add nb0 type veth peer name nb1
	ip -n "$NSTK_NETNS_NAME" addr add 10.202.0.1/24 dev nb0
	nstk_spawn ip netns exec "$NSTK_NETNS_NAME" sleep 1000
	nstk_wait_comm "$NSTK_PID" sleep
	nsenter_run -t "$NSTK_PID" -n ip -o addr
	assert_success
	assert_output --regexp "nb0 +inet 10\.202\.0\.1/24"
}

@test "--netns and --net=FILE refuse what is not a net namespace, in one line" {
	nsenter_run --netns nstk-no-such-netns true
	assert_fails_with "nsenter-lite: cannot open /run/netns/nstk-no-such-netns: No such file or directory"
	nsenter_run --net=/etc/hostname true
	assert_fails_with "nsenter-lite: /etc/hostname is not a net namespace file"
	nsenter_run --net="/proc/self/ns/uts" true
	assert_fails_with "nsenter-lite: /proc/self/ns/uts is not a net namespace file"
}

@test "-U enters a user namespace as uid 0 with groups cleared; -S/-G choose other ids" {
	spawn_userns_target
	nsenter_run -t "$U" -U sh -c 'echo $(id -u) $(id -g) $(id -G)'
	assert_success
	assert_output "0 0 0"
	nsenter_run -t "$U" -U -S 1000 -G 2000 sh -c 'echo $(id -u) $(id -g) $(id -G)'
	assert_success
	assert_output "1000 2000 2000"
}

@test "--preserve-credentials keeps our ids: host uid 0 is unmapped in there (65534)" {
	spawn_userns_target
	nsenter_run -t "$U" -U --preserve-credentials sh -c 'echo $(id -u) $(id -g)'
	assert_success
	assert_output "65534 65534"
}

@test "-U with an unmapped uid 0 says what is wrong" {
	nstk_spawn unshare --user sleep 1000
	nstk_wait_comm "$NSTK_PID" sleep
	nsenter_run -t "$NSTK_PID" -U true
	assert_fails_with "nsenter-lite: setgid failed: Invalid argument (the id is not mapped in the user namespace entered; see --preserve-credentials, -S, -G)"
}

@test "--keep-caps keeps the user namespace's capabilities across exec for a non-root uid" {
	nstk_spawn setpriv --reuid=65534 --regid=65534 --clear-groups unshare --user sleep 1000
	nstk_wait_comm "$NSTK_PID" sleep
	run as_nobody "$NSENTER" -t "$NSTK_PID" -U --preserve-credentials grep CapEff /proc/self/status
	assert_success
	assert_output --regexp "^CapEff:[[:space:]]+0+$"
	run as_nobody "$NSENTER" -t "$NSTK_PID" -U --preserve-credentials --keep-caps \
		grep CapEff /proc/self/status
	assert_success
	assert_output --regexp "^CapEff:[[:space:]]+0*[1-9a-f][0-9a-f]*$"
}

@test "-S/-G set uid and gid and clear groups; follow takes the target's" {
	nstk_spawn setpriv --reuid=1234 --regid=4321 --clear-groups sleep 1000
	nstk_wait_comm "$NSTK_PID" sleep
	nsenter_run -t "$NSTK_PID" -n -S 65534 -G 65534 sh -c 'echo $(id -u) $(id -g) $(id -G)'
	assert_success
	assert_output "65534 65534 65534"
	nsenter_run -t "$NSTK_PID" -n -S follow -G follow sh -c 'echo $(id -u) $(id -g) $(id -G)'
	assert_success
	assert_output "1234 4321 4321"
}

@test "-e gives the command the target's environment and none of ours, but our PATH" {
	nstk_spawn env -i NSTK_MARK=from-target PATH=/target/bin LANG=C.UTF-8 TERM=xterm-256color \
		/usr/bin/unshare --net /bin/sleep 1000
	nstk_wait_comm "$NSTK_PID" sleep
	NSTK_CALLER=1 nsenter_run -t "$NSTK_PID" -n -e /usr/bin/printenv
	assert_success
	assert_equal "$stderr" ""
	# The target's entries as the kernel shows them, in order, but PATH: ours, last.
	assert_equal "$output" "$(tr '\0' '\n' <"/proc/$NSTK_PID/environ" | grep -v '^PATH=')
PATH=$PATH"
	assert_equal "${lines[1]}" "LANG=C.UTF-8"
	assert_line NSTK_MARK=from-target
	refute_output --partial NSTK_CALLER
}

# bats test_tags=vm,vm-v1
@test "-c joins the target's cgroups in every hierarchy, v1 and unified, and leaves stdin alone" {
	spawn_target
	local name="nstk-bats-$$-$BATS_TEST_NUMBER" root
	cgroup_make "$name"
	# Hybrid: pids, the named systemd hierarchy and unified; pure v2 (the
	# VM): the one tree; pure legacy v1 (the VM): pids and systemd.
	for root in "${NSENTER_CG_ROOTS[@]}"; do
		echo "$T" >"$root/$name/cgroup.procs"
	done
	nsenter_run -t "$T" -c cat /proc/self/cgroup
	assert_success
	assert_equal "$output" "$(cat "/proc/$T/cgroup")"
	# In each of those hierarchies the command is where the target is.
	assert_equal "$(grep -cE ":/$name\$" <<<"$output")" "${#NSENTER_CG_ROOTS[@]}"
	if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] || [ -d /sys/fs/cgroup/unified ]; then
		assert_line "0::/$name"
	else
		refute_line --regexp '^0::'
		assert_line --regexp "^[0-9]+:name=systemd:/$name\$"
	fi
	run bash -c 'echo from-stdin | "$1" -t "$2" -c -n cat' _ "$NSENTER" "$T"
	assert_success
	assert_output from-stdin
}

@test "--container enters the lowest payload process of a container found by its cgroup, never its monitor" {
	local id parent="nstk-bats-$$-$BATS_TEST_NUMBER"
	id=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
	cgroup_make "$parent"
	cgroup_make "$parent/libpod-conmon-$id.scope"
	cgroup_make "$parent/libpod-$id.scope"
	# The pids v1 hierarchy on a hybrid host, the one cgroup2 tree on pure v2.
	local cg=${NSENTER_CG_ROOTS[0]}
	nstk_spawn sleep 1000
	local monitor=$NSTK_PID
	echo "$monitor" >"$cg/$parent/libpod-conmon-$id.scope/cgroup.procs"
	nsenter_run --container "${id:0:12}" -n true
	assert_fails_with "nsenter-lite: container podman:${id:0:12} runs only its monitor (PID $monitor), whose namespaces are the host's"
	spawn_target
	nstk_spawn unshare --net sleep 1000
	nstk_wait_comm "$NSTK_PID" sleep
	echo "$NSTK_PID" >"$cg/$parent/libpod-$id.scope/cgroup.procs"
	echo "$T" >"$cg/$parent/libpod-$id.scope/cgroup.procs"
	local want=$T
	[ "$NSTK_PID" -lt "$T" ] && want=$NSTK_PID
	nsenter_run --container "${id:0:12}" -a --dry-run -J
	assert_success
	assert_equal "$(jq -r '"\(.target.pid) \(.target.container)"' <<<"$output")" "$want podman:${id:0:12}"
	nsenter_run --container "${id^^}" -n readlink /proc/self/ns/net
	assert_success
	assert_output "$(ns_link "$want" net)"
	nsenter_run --container nstk-no-such-container -n true
	assert_fails_with "nsenter-lite: no running container matches 'nstk-no-such-container'"
}

# ---------------------------------------------------------------------------
# Safety

@test "the command inherits only fds 0, 1 and 2: an fd of the calling shell is not visible" {
	spawn_target
	exec 7</etc/hostname
	nsenter_run -t "$T" -n ls /proc/self/fd
	exec 7<&-
	assert_success
	# 3 is ls's own directory fd.
	assert_equal "$(echo $output)" "0 1 2 3"
}

# bats test_tags=vm
@test "no host fd, namespace fd or pidfd reaches the command, forked or not" {
	spawn_target
	exec 7</etc/hostname
	local forked unforked
	forked=$("$NSENTER" -t "$T" -a "$PROBE" fds)
	unforked=$("$NSENTER" -t "$T" -a -F "$PROBE" fds)
	exec 7<&-
	assert_equal "$forked" "0 1 2"
	assert_equal "$unforked" "0 1 2"
}

@test "--keep-fds lets the command see exactly the caller's fds, none of nsenter-lite's own" {
	spawn_target
	exec 7</etc/hostname
	local direct kept
	direct=$("$PROBE" fds)
	kept=$("$NSENTER" --keep-fds -t "$T" -a "$PROBE" fds)
	exec 7<&-
	[[ " $kept " == *" 7 "* ]] || fail "fd 7 not inherited: $kept"
	assert_equal "$kept" "$direct"
}

@test "util-linux nsenter, for contrast, lets the shell's fd through (nsenter-lite does not)" {
	spawn_target
	exec 7</etc/hostname
	local theirs
	theirs=$(nsenter -t "$T" -n "$PROBE" fds)
	exec 7<&-
	[[ " $theirs " == *" 7 "* ]] || skip "this nsenter closes inherited fds"
}

@test "with stdin, stdout and stderr closed, they are /dev/null and the namespace is still entered" {
	spawn_target
	local f="$BATS_TEST_TMPDIR/stdio"
	# readlink in a pipeline: a child of sh, reading sh's untouched fds.
	run bash -c 'exec 0<&- 1>&- 2>&-; "$1" -t "$2" -n sh -c "readlink /proc/\$\$/fd/0 /proc/\$\$/fd/1 /proc/\$\$/fd/2 /proc/\$\$/ns/net | cat >$3"' \
		_ "$NSENTER" "$T" "$f"
	assert_success
	assert_equal "$(tr '\n' ' ' <"$f")" "/dev/null /dev/null /dev/null $(ns_link "$T" net) "
	run bash -c 'exec 0<&-; "$1" -t "$2" -n readlink /proc/self/fd/0 /proc/self/ns/net' _ "$NSENTER" "$T"
	assert_success
	assert_equal "$(echo $output)" "/dev/null $(ns_link "$T" net)"
}

@test "nsenter-lite is non-dumpable from before the first setns until exec" {
	command -v strace >/dev/null || skip "strace not installed"
	spawn_target
	run strace -f -qq -e trace=prctl,setns,execve,clone,clone3 "$NSENTER" -t "$T" -a true
	assert_success
	# Only nsenter-lite's own calls: from its execve to the one of "true".
	local calls
	calls=$(echo "$output" | grep -E 'prctl\(PR_SET_DUMPABLE|setns\(|execve\(' | sed 's/^\[pid *[0-9]*\] //')
	echo "$calls" | head -2 | tail -1 | grep -q 'prctl(PR_SET_DUMPABLE, SUID_DUMP_DISABLE)' ||
		fail "PR_SET_DUMPABLE 0 is not the first call after execve: $calls"
	echo "$calls" | grep -q 'setns(' || fail "no setns seen: $calls"
	! echo "$calls" | grep -q 'PR_SET_DUMPABLE, SUID_DUMP_USER' || fail "dumpable again before exec: $calls"
}

@test "-m: cwd is / inside the mount namespace, not the caller's" {
	spawn_target
	nsenter_run -t "$T" -m "$PROBE" cwd
	assert_success
	assert_output /
	nsenter_run -t "$T" -n "$PROBE" cwd
	assert_output "$BATS_TEST_TMPDIR"
}

# A sleep whose mount namespace has a tmpfs on $D (the host sees an empty $D)
# holding root/ (a usable root: /usr bound in, a file /marker) and
# root/inside/. HOW it then runs sleep:
#   plain    with cwd $D/root/inside
#   chroot   chrooted to $D/root, cwd /inside
#   escaped  chrooted to $D/root without chdir: its cwd $D is outside its root
spawn_rooted_target() {
	D="$BATS_TEST_TMPDIR/ns"
	mkdir -p "$D"
	nstk_spawn unshare --mount sh -c '
		mount -t tmpfs nstk "$1" && mkdir -p "$1/root/usr" "$1/root/inside" &&
		mount --rbind /usr "$1/root/usr" && ln -s usr/bin "$1/root/bin" &&
		ln -s usr/lib "$1/root/lib" && ln -s usr/lib64 "$1/root/lib64" &&
		echo marker >"$1/root/marker" || exit 1
		case $2 in
		plain) cd "$1/root/inside" && exec sleep 1000 ;;
		chroot) exec chroot "$1/root" /bin/sh -c "cd /inside && exec sleep 1000" ;;
		escaped) cd "$1" && exec perl -e "chroot(\$ARGV[0]) or die; exec q(/usr/bin/sleep), 1000" "$1/root" ;;
		esac' sh "$D" "$1"
	P=$NSTK_PID
	nstk_wait_comm "$P" sleep
}

@test "-w is the target's cwd inside its mount namespace; -wDIR is resolved inside, not on the host" {
	spawn_rooted_target plain
	nsenter_run -t "$P" -m -w "$PROBE" cwd
	assert_success
	assert_output "$D/root/inside"
	nsenter_run -t "$P" -m --wd="$D/root/inside" "$PROBE" cwd
	assert_success
	assert_output "$D/root/inside"
	# util-linux nsenter opens DIR on the host, before entering: a tunnel.
	run nsenter -t "$P" -m --wd="$D/root/inside" "$PROBE" cwd
	assert_failure
}

@test "-rDIR chroots to DIR inside the mount namespace, where nsenter looks on the host" {
	spawn_rooted_target plain
	nsenter_run -t "$P" -m -r"$D/root" cat /marker
	assert_success
	assert_output marker
	run nsenter -t "$P" -m -r"$D/root" cat /marker
	assert_failure
}

@test "-r chroots to the target's root, -w then goes to its cwd; without -w cwd is /" {
	spawn_rooted_target chroot
	nsenter_run -t "$P" -m -r cat /marker
	assert_success
	assert_output marker
	nsenter_run -t "$P" -m -r -w pwd -P
	assert_success
	assert_output /inside
	nsenter_run -t "$P" -m -r pwd -P
	assert_success
	assert_output /
}

@test "a target cwd outside its root is refused ((unreachable)), where nsenter runs there" {
	spawn_rooted_target escaped
	nsenter_run -t "$P" -m -r -w "$PROBE" cwd
	[ "$status" -eq 1 ] || fail "exited $status, want 1; stdout: $output; stderr: $stderr"
	[[ "$stderr" == "nsenter-lite: refusing to run in a working directory outside the root (getcwd: (unreachable)"*")" ]] ||
		fail "unexpected stderr: $stderr"
	run nsenter -t "$P" -m -r -w /usr/bin/true
	assert_success
}

# ---------------------------------------------------------------------------
# Exit status, signals

@test "exit status is the command's: 0, 3" {
	spawn_target
	nsenter_run -t "$T" -n true
	assert_success
	nsenter_run -t "$T" -n sh -c 'exit 3'
	[ "$status" -eq 3 ]
	nsenter_run -t "$T" -p -m sh -c 'exit 3'
	[ "$status" -eq 3 ]
}

@test "exit status 126 when the command cannot be executed, 127 when not found" {
	spawn_target
	printf 'not a program\n' >"$BATS_TEST_TMPDIR/plain"
	chmod 0644 "$BATS_TEST_TMPDIR/plain"
	nsenter_run -t "$T" -n "$BATS_TEST_TMPDIR/plain"
	[ "$status" -eq 126 ] || fail "status $status, want 126"
	assert_equal "$stderr" "nsenter-lite: cannot run '$BATS_TEST_TMPDIR/plain': Permission denied"
	nsenter_run -127 -t "$T" -n nstk-no-such-command
	[ "$status" -eq 127 ] || fail "status $status, want 127"
	nsenter_run -127 -t "$T" -p -m nstk-no-such-command
	[ "$status" -eq 127 ] || fail "forked: status $status, want 127"
}

@test "exit status 128+N when the command dies of signal N, forked or not" {
	spawn_target
	nsenter_run -t "$T" -n sh -c 'kill -KILL $$'
	[ "$status" -eq 137 ] || fail "status $status, want 137"
	nsenter_run -t "$T" -p -m sh -c 'kill -TERM $$'
	[ "$status" -eq 143 ] || fail "forked: status $status, want 143"
}

@test "without a program it runs \$SHELL, else /bin/sh" {
	spawn_target
	run bash -c 'echo "echo \$0" | SHELL=/bin/bash "$1" -t "$2" -n' _ "$NSENTER" "$T"
	assert_success
	assert_output -bash
	run bash -c 'echo "echo \$0" | env -u SHELL "$1" -t "$2" -n' _ "$NSENTER" "$T"
	assert_success
	assert_output -sh
}

@test "signals sent to nsenter-lite reach the command in the pid namespace" {
	spawn_target
	local f="$BATS_TEST_TMPDIR/sig"
	spawn_logged "$f.out" "$f.err" "$NSENTER" -t "$T" -p -m sh -c \
		'trap "echo got-TERM >$1; exit 7" TERM; trap "echo got-USR1 >>$1.usr1" USR1; echo ready >$1.ready; while :; do sleep 0.05; done' sh "$f"
	local n=$NSTK_PID
	wait_for_file "$f.ready"
	kill -USR1 "$n"
	wait_for_file "$f.usr1"
	kill -TERM "$n"
	local status=0
	wait "$n" || status=$?
	[ "$status" -eq 7 ] || fail "nsenter-lite exited $status, want the command's 7; stderr: $(cat "$f.err")"
	assert_equal "$(cat "$f")" got-TERM
}

@test "the command in the pid namespace dies with nsenter-lite (PDEATHSIG)" {
	spawn_target
	nstk_spawn "$NSENTER" -t "$T" -p -m sleep 1000
	local n=$NSTK_PID child
	child=$(nstk_descendant "$n" sleep)
	kill -KILL "$n"
	wait_gone_or_zombie "$child"
}

_state_is() {
	[[ "$(_nstk_stat "$1")" == "$2"* ]]
}

@test "when the command stops, nsenter-lite stops too, and wakes it when woken" {
	spawn_target
	nstk_spawn "$NSENTER" -t "$T" -p -m sleep 1000
	local n=$NSTK_PID child
	child=$(nstk_descendant "$n" sleep)
	kill -STOP "$child"
	_nsenter_poll _state_is "$n" T || fail "nsenter-lite did not stop: $(_nstk_stat "$n")"
	kill -CONT "$n"
	_nsenter_poll _state_is "$child" S || fail "the command was not continued: $(_nstk_stat "$child")"
	_nsenter_poll _state_is "$n" S || fail "nsenter-lite did not resume: $(_nstk_stat "$n")"
}

@test "-p without -m warns that /proc still shows the host's processes" {
	spawn_target
	nsenter_run -t "$T" -p true
	assert_success
	assert_equal "$stderr" "nsenter-lite: warning: entering a pid namespace without its mount namespace: /proc still shows the host's processes (add -m)"
	nsenter_run -t "$T" -p -m true
	assert_equal "$stderr" ""
}

# ---------------------------------------------------------------------------
# --dry-run

@test "--dry-run -J: every kind with the target's inode, ours, and whether it would be entered" {
	spawn_target
	nsenter_run -t "$T" -a --dry-run -J
	assert_success
	jq -e . >/dev/null <<<"$output" || fail "not JSON: $output"
	local k row
	assert_equal "$(jq '.namespaces | length' <<<"$output")" 8
	for k in "${NSTK_KINDS[@]}"; do
		row=$(jq -c --arg k "$k" '.namespaces[] | select(.type == $k) | [.target, .self, .enter]' <<<"$output")
		local t s enter=true
		t=$(nstk_ns_ino "$T" "$k")
		s=$(nstk_ns_ino self "$k")
		[ "$t" = "$s" ] && enter=false
		assert_equal "$row" "[$t,$s,$enter]"
	done
	assert_equal "$(jq -c '[.target.pid, .method, .fork, .user_namespace]' <<<"$output")" "[$T,\"pidfd\",true,null]"
	assert_equal "$(jq -r '.namespaces[] | select(.type == "user") | .reason' <<<"$output")" own-userns
}

@test "--dry-run enters nothing and shows a table; -n alone plans net only" {
	spawn_target
	nsenter_run -t "$T" -n -c --dry-run
	assert_success
	assert_equal "${lines[1]}" "TYPE    TARGET      SELF        ENTER REASON"
	assert_equal "$(echo "$output" | awk '$4 == "yes" {print $1}')" net
	assert_equal "${lines[10]}" "method: pidfd; user namespace: -; fork: no; join cgroup: yes"
}

@test "--dry-run -J plans the user namespace last for root, in nsfs files when asked to" {
	spawn_userns_target
	NSENTER_LITE_PROC_NS=1 nsenter_run -t "$U" -U --dry-run -J
	assert_success
	assert_equal "$(jq -c '[.method, .user_namespace, .fork]' <<<"$output")" '["nsfs-files","last",false]'
}

# bats test_tags=vm
@test "the /proc/PID/ns path (kernels before 5.8) lands where the pidfd path does" {
	spawn_target
	local by_pidfd by_files
	by_pidfd=$(probe_ns "$NSENTER" -t "$T" -a)
	by_files=$(NSENTER_LITE_PROC_NS=1 probe_ns "$NSENTER" -t "$T" -a)
	assert_equal "$by_files" "$by_pidfd"
}

# ---------------------------------------------------------------------------
# Failures: one line, exit 1

@test "an unprivileged caller gets the capability it lacks, in one line, exit 1" {
	spawn_target
	run --separate-stderr as_nobody "$NSENTER" -t "$T" -n true
	assert_fails_with "nsenter-lite: cannot enter net namespace of PID $T: need CAP_SYS_ADMIN (you have none)"
	run --separate-stderr as_nobody "$NSENTER" -t "$T" -m -u true
	assert_fails_with "nsenter-lite: cannot enter mnt, uts namespaces of PID $T: need CAP_SYS_ADMIN, CAP_SYS_CHROOT (you have none)"
	run --separate-stderr as_nobody "$NSENTER" -t "$T" -a true
	assert_fails_with "nsenter-lite: cannot read the cgroup, ipc, mnt, net, pid, time, user, uts namespaces of PID $T: need CAP_SYS_PTRACE (you have none)"
}

@test "a PID that does not exist: one line, exit 1" {
	nsenter_run -t 2147483647 -n true
	assert_fails_with "nsenter-lite: no process with PID 2147483647"
}

# (On every kernel of the VM matrix: the pidfd that pins the target says so.)
# bats test_tags=vm
@test "a target that has exited (a zombie) is refused, not entered" {
	local f="$BATS_TEST_TMPDIR/zombie"
	# perl reaps its child only when told to (SIGTERM): till then, a zombie.
	nstk_spawn perl -e 'my $p = fork // die; exit 0 unless $p; $SIG{TERM} = sub { waitpid($p, 0); exit 0 };
		open(my $f, ">", "$ARGV[0].t") or die; print $f $p; close $f; rename "$ARGV[0].t", $ARGV[0]; sleep 1000' "$f"
	local parent=$NSTK_PID
	wait_for_file "$f"
	local z
	z=$(cat "$f")
	wait_gone_or_zombie "$z"
	[[ "$(_nstk_stat "$z")" == Z* ]] || fail "PID $z is not a zombie"
	nsenter_run -t "$z" -n true
	assert_fails_with "nsenter-lite: PID $z exited before its namespaces could be entered"
	kill -TERM "$parent"
	wait_gone_or_zombie "$z"
}

# The race, made deterministic: strace holds nsenter-lite in a system call
# while the test kills the target.
race() {
	local syscall="$1" nr="$2" when="$3" f="$BATS_TEST_TMPDIR/race"
	shift 3
	command -v strace >/dev/null || skip "strace not installed"
	spawn_target
	# LeakSanitizer (make SAN=1) cannot work under ptrace.
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		spawn_logged "$f.out" "$f.err" strace -f -qq -o /dev/null \
		-e trace="$syscall" -e inject="$syscall":delay_exit=1000000:when="$when" \
		"$@" "$NSENTER" -t "$T" -a readlink /proc/self/ns/net
	local tracer=$NSTK_PID n
	n=$(nstk_descendant "$tracer" nsenter-lite)
	wait_in_syscall "$n" "$nr"
	kill -KILL "$T"
	local status=0
	wait "$tracer" || status=$?
	[ "$status" -eq 1 ] || fail "exited $status, want 1; stdout: $(cat "$f.out"); stderr: $(cat "$f.err")"
	assert_equal "$(cat "$f.err")" "nsenter-lite: PID $T exited before its namespaces could be entered"
	assert_equal "$(cat "$f.out")" ""
}

@test "a target killed right after it is pinned is an error, not another namespace (pidfd path)" {
	race pidfd_open 434 1
}

@test "a target killed right after it is pinned is an error, not another namespace (/proc/PID/ns path)" {
	race pidfd_open 434 1 env NSENTER_LITE_PROC_NS=1
}

@test "a target killed just before setns is an error, not another namespace" {
	race poll 7 2
}

# ---------------------------------------------------------------------------
# Usage, help, linking

@test "bad usage: exit 2, one line" {
	assert_usage_error
	assert_usage_error -n true
	assert_usage_error -t 1 true
	assert_usage_error -t 1 -t 2 -n true
	assert_usage_error -t nope -n true
	assert_usage_error -t 1 --container x -n true
	assert_usage_error -t 1 -n -J true
	assert_usage_error --netns a/b true
	assert_usage_error -t 1 -n -S nobody true
	assert_usage_error -a true
}

@test "-h prints usage naming every option, -V the version; both exit 0" {
	nsenter_run -h
	assert_success
	local o
	for o in -t --container --netns -a -m -u -i -n -p -U -C -T -r -w -S -G \
		--preserve-credentials --keep-caps -e -c -F --keep-fds --dry-run -J -h -V; do
		assert_output --partial " $o"
	done
	nsenter_run -V
	assert_success
	assert_output --regexp "^nsenter-lite from nstk [0-9]"
}

@test "nsenter-lite links neither libproc2 nor libsmartcols nor ncurses" {
	run ldd "$NSENTER"
	assert_success
	refute_output --partial libproc2
	refute_output --partial libsmartcols
	refute_output --partial ncurses
}

@test "the man page renders without warnings and documents every option and exit status" {
	local page="$NSTK_ROOT/tools/nsenter-lite/nsenter-lite.1" text o
	run groff -man -ww -z "$page"
	assert_success
	assert_output ""
	text=$(MANWIDTH=200 man -l "$page" 2>/dev/null | col -b)
	for o in --target --container --netns --all --mount --uts --ipc --net --pid --user --cgroup \
		--time --root --wd --setuid --setgid --preserve-credentials --keep-caps --env \
		--join-cgroup --no-fork --keep-fds --dry-run --json --help --version \
		--net-socket --user-parent --wdns --follow-context --env-unsafe \
		NSENTER_LITE_PROC_NS 126 127 128+n; do
		[[ "$text" == *"$o"* ]] || fail "nsenter-lite(1) does not mention $o"
	done
}

# ---------------------------------------------------------------------------
# nsenter 2.42's newer options, and thread targets (issue 12)

# bats test_tags=vm
@test "-t TID of a thread enters the thread's own namespaces, as nsenter (PIDFD_THREAD, else the process's pidfd)" {
	spawn_thread
	local p=$THREAD_PID tid=$THREAD_TID
	# The kernel's answer: the thread's uts namespace is not its process's.
	[ "$(readlink "/proc/$p/task/$tid/ns/uts")" != "$(readlink "/proc/$p/ns/uts")" ]
	nsenter_run -t "$tid" -u hostname
	assert_success
	assert_output nstk-thread
	assert_equal "$stderr" ""
	# The same through /proc/TID/ns files (the path before setns(pidfd)).
	NSENTER_LITE_PROC_NS=1 nsenter_run -t "$tid" -u hostname
	assert_output nstk-thread
	nsenter_run -t "$p" -u hostname
	assert_output "$(hostname)"
	nsenter_run -t "$tid" -u --dry-run -J
	assert_success
	assert_equal "$(jq -r '.namespaces[] | select(.type == "uts") | .target' <<<"$output")" \
		"$(stat -L -c %i "/proc/$p/task/$tid/ns/uts")"
}

# bats test_tags=vm
@test "-N, --net-socket FD enters the network namespace of the target's socket" {
	nstk_netns_add
	local n p fd
	n=$(stat -L -c %i "/run/netns/$NSTK_NETNS_NAME")
	nstk_socket_in_netns "/run/netns/$NSTK_NETNS_NAME"
	p=$NSTK_PID fd=$NSTK_SOCKET_FD
	# The process itself is in ours; its socket is in the other one.
	[ "$(nstk_ns_ino "$p" net)" = "$(nstk_ns_ino self net)" ]
	nsenter_run -t "$p" -N "$fd" readlink /proc/self/ns/net
	assert_success
	assert_output "net:[$n]"
	nsenter_run -t "$p" --net-socket="$fd" --dry-run -J
	assert_equal "$(jq -r '.namespaces[] | select(.type == "net") | "\(.target) \(.file)"' <<<"$output")" \
		"$n socket $fd of PID $p"
	# Not a socket, no such fd, no target: one line each.
	nsenter_run -t "$p" -N 0 true
	assert_failure 1
	assert_equal "$stderr" "nsenter-lite: cannot take the network namespace of socket 0 of PID $p: Inappropriate ioctl for device (not a socket)"
	nsenter_run -t "$p" -N 999 true
	assert_failure 1
	assert_equal "$stderr" "nsenter-lite: cannot take the network namespace of socket 999 of PID $p: Bad file descriptor (no such fd)"
	nsenter_run -N 3 true
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "nsenter-lite: --net-socket needs a target (-t or --container); try 'nsenter-lite --help'"
	nsenter_run -t "$p" -N 3 -n true
	assert_failure 2
}

# bats test_tags=vm
@test "--user-parent enters the parent of the target's user namespace (or of -U FILE's)" {
	nstk_spawn unshare --user --map-root-user --fork unshare --user --map-root-user --fork sleep 1000
	local outer=$NSTK_PID u1_member inner
	# outer moves itself into a new user namespace U1 and forks u1_member
	# there, which moves itself into U2 (whose parent is U1) and forks
	# inner (sleep) in U2.
	inner=$(nstk_descendant "$outer" sleep)
	u1_member=$(awk '{ print $4 }' "/proc/$inner/stat")
	u1_member=$(awk '{ print $4 }' "/proc/$u1_member/stat")
	NSENTER_INITS+=("$inner:$outer")
	local want
	want=$(readlink "/proc/$u1_member/ns/user")
	[ "$want" != "$(readlink "/proc/$inner/ns/user")" ]
	nsenter_run -t "$inner" --user-parent --preserve-credentials readlink /proc/self/ns/user
	assert_success
	assert_output "$want"
	nsenter_run --user="/proc/$inner/ns/user" --user-parent --preserve-credentials readlink /proc/self/ns/user
	assert_output "$want"
	nsenter_run --user-parent true
	assert_failure 2
}

@test "-W, --wdns is -w (the directory inside); not with --wd; -Z without SELinux runs the command as nsenter does" {
	spawn_target
	nsenter_run -t "$T" -m -W/proc pwd
	assert_success
	assert_output /proc
	nsenter_run -t "$T" -m --wdns=/proc -w/ pwd
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "nsenter-lite: --wd and --wdns are mutually exclusive; try 'nsenter-lite --help'"
	if [ -e /sys/fs/selinux/enforce ]; then
		# With SELinux: the command's context is the target's.
		nsenter_run -t "$T" -u -Z cat /proc/self/attr/current
		assert_output "$(tr -d '\0' <"/proc/$T/attr/current")"
	else
		nsenter_run -t "$T" -u -Z echo ran
		assert_success
		assert_output ran
		assert_equal "$stderr" ""
	fi
	nsenter_run -Z -n/proc/self/ns/net true
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "nsenter-lite: --follow-context needs a target (-t or --container); try 'nsenter-lite --help'"
}

#!/usr/bin/env bats
# nsenter_hostile.bats — nsenter-lite against a target that attacks whoever
# enters it (issue 17; docs/robustness.md, "Threat model", names each claim
# and the test here that holds it).
#
# The target is tests/helpers/static/hostile_container.c: a process in new
# pid, mount, uts, ipc and net namespaces, pivot_root'ed into a small busybox
# rootfs, with Docker's default capabilities (or, with -U, root of its own
# user namespace mapped to host 100000-165535). It names its own files by
# their host path, $ROOTFS/...: a real container learns that path from the
# upperdir= of its overlay root in /proc/self/mountinfo, or reaches it as
# /proc/<its host PID>/root. Each attack leaves a mark file on the host when
# it works; a control run with --env-unsafe (or on a process that is
# allowed) shows the attack is real, so the tests can fail.

load helpers
load nsenter_helpers

HOSTILE="$NSTK_HELPERS/hostile_container"

setup() {
	[ -x "$HOSTILE" ] || fail "$HOSTILE not built"
	[ -x /bin/busybox ] || fail "/bin/busybox missing (package busybox-static)"
	# World-readable, so root of a user namespace (host uid 100000) can
	# reach it; $BATS_TEST_TMPDIR is 0700.
	ROOTFS="$(mktemp -d /tmp/nstk-hostile.XXXXXX)"
	chmod 755 "$ROOTFS"
	mkdir -p "$ROOTFS"/{bin,data,evilbin} "$ROOTFS/tmp"
	chmod 1777 "$ROOTFS/tmp"
	cp /bin/busybox "$ROOTFS/bin/"
	local c
	for c in sh sleep true cat env ls pwd; do ln -s busybox "$ROOTFS/bin/$c"; done
	cp "$HOSTILE" "$ROOTFS/hostile"
	MARKS="$BATS_TEST_TMPDIR/marks"
	mkdir "$MARKS"
}

teardown() {
	reap_inits_first
	nstk_cleanup
	[ -n "${ROOTFS:-}" ] && rm -rf "$ROOTFS"
}

# A hostile container: ARGS... are hostile_container's ([-U] [-k CAP]
# NAME=VALUE... -- PROG...), the rootfs put in front. $T: its init (comm
# COMM, default "hostile").
spawn_hostile() {
	local comm=hostile
	if [ "$1" = --comm ]; then
		comm="$2"
		shift 2
	fi
	local opts=()
	while [[ "$1" == -U || "$1" == -k ]]; do
		opts+=("$1")
		[ "$1" = -k ] && opts+=("$2") && shift
		shift
	done
	nstk_spawn "$HOSTILE" "${opts[@]}" "$ROOTFS" "$@"
	T=$(nstk_descendant "$NSTK_PID" "$comm")
	NSENTER_INITS+=("$T:$NSTK_PID")
}

# A script in the rootfs that leaves MARKS/NAME on the host when the host runs it.
evil_script() {
	printf '#!/bin/sh\n: >%q\n' "$MARKS/$2" >"$ROOTFS/$1"
	chmod 755 "$ROOTFS/$1"
}

assert_no_marks() {
	run ls -A "$MARKS"
	assert_output ""
}

@test "-e: BASH_ENV, ENV, exported functions, PS4 with SHELLOPTS, PS1 and PROMPT_COMMAND of a container do not run in the host's shells" {
	evil_script bash_env.sh bash_env
	evil_script env.sh env
	spawn_hostile HOME=/root LANG=C.UTF-8 APP_SETTING=kept \
		BASH_ENV="$ROOTFS/bash_env.sh" ENV="$ROOTFS/env.sh" \
		"BASH_FUNC_true%%=() { : >$MARKS/function; }" \
		SHELLOPTS=xtrace "PS4=\$(: >$MARKS/ps4)" "PS1=\$(: >$MARKS/ps1)" \
		"PROMPT_COMMAND=: >$MARKS/prompt_command" IFS=/ -- /hostile sleep
	nsenter_run -t "$T" -u -e bash -c 'true; echo "$APP_SETTING"'
	assert_success
	assert_output kept
	# One line, every name once, no value.
	assert_equal "${#stderr_lines[@]}" 1
	local name
	for name in BASH_ENV ENV 'BASH_FUNC_true%%' SHELLOPTS PS4 PS1 PROMPT_COMMAND IFS; do
		[[ " ${stderr} " == *" $name "* ]] || fail "'$name' not named in: $stderr"
	done
	[[ "$stderr" != *"$MARKS"* && "$stderr" != *"$ROOTFS"* ]] || fail "a value was printed: $stderr"
	nsenter_run -t "$T" -u -e sh -ic true
	assert_success
	run bash -c "echo true | '$NSENTER' -t '$T' -u -e bash -i 2>/dev/null"
	assert_no_marks

	# The same with --env-unsafe: each attack works, so the test above can fail.
	nsenter_run -t "$T" -u -e --env-unsafe bash -c true
	nsenter_run -t "$T" -u -e --env-unsafe sh -ic true
	# (PS4 is the one that bash itself no longer takes from the environment
	# when it runs as root, since 4.4, CVE-2016-7543: it is dropped all the
	# same, for other shells and for a command run as another user.)
	run ls "$MARKS"
	assert_line bash_env
	assert_line function
	assert_line env
}

@test "-e: the host's loader never preloads the container's library (LD_PRELOAD, LD_AUDIT, GCONV_PATH ...)" {
	printf '#include <fcntl.h>\n__attribute__((constructor)) static void pwn(void) { open("%s", O_CREAT | O_WRONLY, 0644); }\n' \
		"$MARKS/preload" >"$BATS_TEST_TMPDIR/evil.c"
	gcc -shared -fPIC -o "$ROOTFS/evil.so" "$BATS_TEST_TMPDIR/evil.c"
	spawn_hostile LANG=C.UTF-8 LD_PRELOAD="$ROOTFS/evil.so" LD_LIBRARY_PATH="$ROOTFS" \
		LD_AUDIT="$ROOTFS/evil.so" GCONV_PATH="$ROOTFS" GLIBC_TUNABLES=glibc.malloc.check=3 \
		LOCPATH="$ROOTFS" -- /hostile sleep
	nsenter_run -t "$T" -n -e /usr/bin/printenv
	assert_success
	assert_output "LANG=C.UTF-8"
	assert_equal "$stderr" "nsenter-lite: not passed from the environment of PID $T: LD_PRELOAD LD_LIBRARY_PATH LD_AUDIT GCONV_PATH GLIBC_TUNABLES LOCPATH (they change what a program runs before its main; --env-unsafe passes them)"
	assert_no_marks
	nsenter_run -t "$T" -n -e --env-unsafe /bin/true
	run ls "$MARKS"
	assert_line preload
}

@test "-e: PATH and SHELL are the caller's: the container's ip and shell never run on the host" {
	evil_script evilbin/ip path
	evil_script evilbin/sh shell
	spawn_hostile PATH="$ROOTFS/evilbin" SHELL="$ROOTFS/evilbin/sh" -- /hostile sleep
	nsenter_run -t "$T" -n -e ip -o link
	assert_success
	# The host's ip, in the container's netns: only its loopback.
	assert_output --regexp '^1: lo: '
	assert_equal "${#lines[@]}" 1
	SHELL=/bin/sh nsenter_run -t "$T" -u -e </dev/null
	assert_success
	assert_no_marks
	# The caller's shell even with --env-unsafe: the target never picks the program.
	SHELL=/bin/sh nsenter_run -t "$T" -u -e --env-unsafe </dev/null
	assert_no_marks
	nsenter_run -t "$T" -n -e --env-unsafe ip -o link
	run ls "$MARKS"
	assert_output path
}

@test "-e keeps a normal container's environment: HOME, LANG, TERM and its own variables; HOME is ours without -m" {
	spawn_hostile HOME=/app LANG=C.UTF-8 TERM=xterm-256color APP_SETTING=42 PATH=/bin \
		-- /hostile sleep
	# With -m the command is the container's printenv, and HOME is its.
	# (busybox has no printenv applet: its env prints the same.)
	nsenter_run -t "$T" -a -e /bin/env
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$output" "HOME=/app
LANG=C.UTF-8
TERM=xterm-256color
APP_SETTING=42
PATH=$PATH"
	# Without -m the command runs in the host's file system: our HOME.
	HOME=/root nsenter_run -t "$T" -u -e /usr/bin/printenv HOME APP_SETTING
	assert_success
	assert_equal "$stderr" ""
	assert_output "/root
42"
}

@test "-e: an environ pointed at 64 MiB with PR_SET_MM_MAP (no capability needed) is refused in one line, and nothing runs" {
	spawn_hostile LANG=C -- /hostile env-huge 64
	local i size=0 s
	for ((i = 0; i < 250 && size < 64 << 20; i++)); do
		s=($(sed 's/.*) //' "/proc/$T/stat"))
		size=$((s[48] - s[47]))
		sleep 0.02
	done
	[ "$size" -ge $((64 << 20)) ] || fail "the environ of $T is $size bytes, not 64 MiB"
	nsenter_run -1 -t "$T" -u -e /bin/echo ran
	assert_output ""
	assert_equal "$stderr" "nsenter-lite: the environment of PID $T is over 8 MiB, more than exec can give a process: not taken"
}

@test "-e: an environ without a NUL is one variable, not a crash, and never an LD_PRELOAD" {
	spawn_hostile LANG=C LD_PRELOAD=/evil.so APP=1 -- /hostile env-nonul
	local i
	for ((i = 0; i < 250; i++)); do
		[ "$(tr -cd '\0' <"/proc/$T/environ" | wc -c)" = 0 ] && break
		sleep 0.02
	done
	nsenter_run -t "$T" -u -e /usr/bin/printenv
	assert_success
	assert_output --regexp '^LANG=CALD_PRELOAD=/evil.soAAPP=1A'
	assert_equal "${#lines[@]}" 1
	assert_equal "$stderr" ""
}

@test "-e: an environ rewritten while it is read (XD_PRELOAD <-> LD_PRELOAD) never passes LD_PRELOAD" {
	printf '#include <fcntl.h>\n__attribute__((constructor)) static void pwn(void) { open("%s", O_CREAT | O_WRONLY, 0644); }\n' \
		"$MARKS/preload" >"$BATS_TEST_TMPDIR/evil.c"
	gcc -shared -fPIC -o "$ROOTFS/evil.so" "$BATS_TEST_TMPDIR/evil.c"
	spawn_hostile LANG=C XD_PRELOAD="$ROOTFS/evil.so" -- /hostile env-flip
	local round named=0
	for ((round = 0; round < 30; round++)); do
		nsenter_run -t "$T" -u -e /bin/true
		assert_success
		[[ "$stderr" == *" LD_PRELOAD "* ]] && named=$((named + 1))
	done
	assert_no_marks
	# The flip was seen (both ways are equally likely at each read).
	[ "$named" -gt 0 ] || fail "30 reads never saw LD_PRELOAD: the target did not flip"
}

@test "before exec, root of the container's user namespace cannot open nsenter-lite's exe or mem (CVE-2019-5736)" {
	spawn_hostile -U PATH=/bin -- /hostile watch /tmp/watch.log
	wait_for_file "$ROOTFS/tmp/watch.log"
	# A copy, so that an exploit that worked could only hurt the copy.
	mkdir "$BATS_TEST_TMPDIR/bin"
	cp "$NSENTER" "$BATS_TEST_TMPDIR/bin/nsenter-lite"
	local before
	before="$(sha256sum <"$BATS_TEST_TMPDIR/bin/nsenter-lite")"
	# strace holds the command's execve for 1.5 s: nsenter-lite sits in the
	# container's pid namespace, entered, before exec, for the watcher to find.
	run strace -f -qq -o /dev/null -e trace=execve -e inject=execve:delay_enter=1500000 \
		"$BATS_TEST_TMPDIR/bin/nsenter-lite" -t "$T" -a /bin/sleep 0.5
	assert_success
	sleep 0.1
	local ours theirs
	ours=$(stat -c '%d:%i' "$BATS_TEST_TMPDIR/bin/nsenter-lite")
	theirs=$(stat -c '%d:%i' "$ROOTFS/bin/busybox")
	# The watcher saw nsenter-lite, entered and waiting, and was denied.
	run grep -x '[0-9]* nsenter-lite exe=EACCES mem=EACCES' "$ROOTFS/tmp/watch.log"
	assert_success
	# Whatever it opened was the container's own busybox, never our file
	# (comm still says nsenter-lite for a moment after the exe is theirs).
	run grep 'exe=OK' "$ROOTFS/tmp/watch.log"
	assert_success
	refute_output --partial " $ours"
	assert_line --partial " sleep exe=OK mem=OK write=EACCES $theirs"
	assert_equal "$(sha256sum <"$BATS_TEST_TMPDIR/bin/nsenter-lite")" "$before"
}

@test "the relay parent of -p is outside the target's pid namespace, and root of its user namespace cannot read it" {
	spawn_hostile -U PATH=/bin -- /hostile sleep
	spawn_logged "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/err" "$NSENTER" -t "$T" -a /bin/sleep 100
	local relay=$NSTK_PID command
	command=$(nstk_descendant "$relay" sleep)
	run grep NSpid "/proc/$relay/status"
	assert_output --regexp $'^NSpid:\t[0-9]+$'
	run grep NSpid "/proc/$command/status"
	assert_output --regexp $'^NSpid:\t[0-9]+\t[0-9]+$'
	# A process of the container's user namespace (in the host's pid
	# namespace, so it can name the relay) is denied: it is non-dumpable.
	run nsenter -t "$T" -U -- "$ROOTFS/hostile" probe "$relay"
	assert_output "exe=EACCES mem=EACCES"
	# The command, dumpable again after exec, it can read: the probe works.
	run nsenter -t "$T" -U -- "$ROOTFS/hostile" probe "$command"
	assert_output "exe=OK mem=OK"
}

@test "-r -w take a hostile container's root and cwd inside it, never the host's" {
	touch "$ROOTFS/data/inside"
	spawn_hostile --comm hostile PATH=/bin -- /bin/sh -c 'cd /data && exec /hostile sleep'
	nsenter_run -t "$T" -a -r -w /bin/pwd
	assert_success
	assert_output /data
	nsenter_run -t "$T" -a -r -w /bin/ls
	assert_output inside
	nsenter_run -t "$T" -a -r /bin/ls /
	refute_line usr
	assert_line hostile
}

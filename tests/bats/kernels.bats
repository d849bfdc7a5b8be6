#!/usr/bin/env bats
# kernels.bats — which path each tool takes on the kernel it runs on, and
# that the path it falls back to still does the job. Each test asks the
# kernel whether it has the feature (a syscall probe, a file that is there
# or not), never its version number alone, then asserts what the tool must
# do with it and what it must do without it: never a skip. The VM matrix
# (scripts/vm/check-matrix.sh) runs them on 5.10, 6.1 and 6.12, the host on
# its own kernel; each says on fd 3 which path it saw ("# path: ..."), the
# lines README's kernel table was filled from.
#
#   close_range(CLOSE_RANGE_CLOEXEC)   Linux 5.11: nsenter-lite marks every
#                                      fd above 2 close-on-exec in one call,
#                                      else one fcntl per possible fd
#   setns(pidfd, mask)                 5.8: one call for all namespaces,
#                                      else one per /proc/PID/ns file
#   pidfd_open(TID, PIDFD_THREAD)      6.9: a thread target is pinned by its
#                                      own pidfd, else by its process's
#   memory.peak                        5.19 (v2): cgtop's memory.peak, else
#                                      absent (null), never 0; v1 has
#                                      memory.max_usage_in_bytes always

# bats file_tags=vm

load helpers
load nsenter_helpers
load cgroup_helpers

CGTOP="${NSLS%/nsls}/cgtop"
MEMHOG="$NSTK_HELPERS/memhog"

setup() {
	[ -x "$NSENTER" ] || fail "no nsenter-lite at $NSENTER: run make first"
	[ -x "$CGTOP" ] || fail "no cgtop at $CGTOP: run make first"
	[ -x "$PROBE" ] || fail "no $PROBE: run make check (it builds tests/helpers)"
	cd "$BATS_TEST_TMPDIR" || return 1
}

teardown() {
	reap_inits_first
	nstk_cleanup
	nsenter_cleanup
}

# release_at_least MAJOR MINOR: uname -r is MAJOR.MINOR or later.
release_at_least() {
	local r ma mi
	r=$(uname -r)
	ma=${r%%.*} r=${r#*.} mi=${r%%[!0-9]*}
	[ "$ma" -gt "$1" ] || { [ "$ma" -eq "$1" ] && [ "$mi" -ge "$2" ]; }
}

# syscall_ok NR ARGS...: the syscall, from perl, returns >= 0 (numbers: perl
# passes a string as a pointer).
syscall_ok() {
	perl -e 'my @a = map { $_ + 0 } @ARGV; exit(syscall($a[0], @a[1 .. $#a]) >= 0 ? 0 : 1)' "$@"
}

@test "nsenter-lite: the command sees fds 0-2 only, by close_range(CLOSE_RANGE_CLOEXEC) or fd by fd before 5.11" {
	spawn_target
	# close_range(2) = 436 with CLOSE_RANGE_CLOEXEC (4) over fds nobody has:
	# 0 where the flag is known, EINVAL before 5.11 (ENOSYS before 5.9).
	local cloexec=no
	syscall_ok 436 1000000 1000001 4 && cloexec=yes
	exec 7</etc/hostname
	run strace -f -qq -e trace=close_range,fcntl -o "$BATS_TEST_TMPDIR/trace" \
		"$NSENTER" -t "$T" -a "$PROBE" fds
	exec 7<&-
	assert_success
	assert_output "0 1 2"
	local t="$BATS_TEST_TMPDIR/trace" setfd
	setfd=$(grep -c 'F_SETFD, FD_CLOEXEC' "$t" || true)
	echo "# path: CLOSE_RANGE_CLOEXEC $cloexec; $(grep -m1 'close_range(3,' "$t" | sed 's/^[0-9]* *//'); $setfd fcntl(F_SETFD)" >&3
	if [ "$cloexec" = yes ]; then
		grep -qE 'close_range\(3, 4294967295, CLOSE_RANGE_CLOEXEC\) += 0$' "$t" ||
			fail "no close_range(3, ~0, CLOSE_RANGE_CLOEXEC) = 0: $(grep close_range "$t")"
		[ "$setfd" -lt 10 ] || fail "close_range worked, yet $setfd fcntl(F_SETFD) calls"
	else
		grep -qE 'close_range\(3, 4294967295, (CLOSE_RANGE_CLOEXEC|0x4)\) += -1 (EINVAL|ENOSYS)' "$t" ||
			fail "close_range(..., CLOSE_RANGE_CLOEXEC) did not fail as the probe did: $(grep close_range "$t")"
		# One fcntl for each fd up to the limit, 3 first.
		[ "$setfd" -ge $(($(ulimit -n) - 3)) ] || fail "only $setfd fcntl(F_SETFD) calls for $(ulimit -n) fds"
		grep -qE 'fcntl\(3, F_SETFD, FD_CLOEXEC\)' "$t" || fail "fd 3 was not marked: $(head "$t")"
	fi
}

@test "nsenter-lite: setns with a pidfd from 5.8, and it lands where the /proc/PID/ns files do" {
	spawn_target
	local want=nsfs-files
	release_at_least 5 8 && want=pidfd
	nsenter_run -t "$T" -a --dry-run -J
	assert_success
	echo "# path: $(uname -r): $(jq -r .method <<<"$output")" >&3
	assert_equal "$(jq -r .method <<<"$output")" "$want"
	# The strace of the real thing: one setns on a pidfd, or one per file.
	run strace -f -qq -e trace=setns -o "$BATS_TEST_TMPDIR/trace" "$NSENTER" -t "$T" -a "$PROBE" ns
	assert_success
	local by_method=$output n
	n=$(grep -c '^[0-9]* *setns(' "$BATS_TEST_TMPDIR/trace")
	if [ "$want" = pidfd ]; then
		assert_equal "$n" 1
		grep -qE 'setns\([0-9]+, CLONE_' "$BATS_TEST_TMPDIR/trace" || fail "$(cat "$BATS_TEST_TMPDIR/trace")"
	else
		[ "$n" -ge 7 ] || fail "$n setns calls: $(cat "$BATS_TEST_TMPDIR/trace")"
	fi
	NSENTER_LITE_PROC_NS=1 run "$NSENTER" -t "$T" -a "$PROBE" ns
	assert_success
	assert_equal "$output" "$by_method"
}

@test "nsenter-lite: a thread is pinned by its own pidfd with PIDFD_THREAD (6.9), else by its process's" {
	# pidfd_open(2) = 434 with PIDFD_THREAD (O_EXCL, 0x80) on this shell.
	local thread=no
	syscall_ok 434 $$ 128 && thread=yes
	spawn_thread
	local p=$THREAD_PID tid=$THREAD_TID
	run strace -f -qq -e trace=pidfd_open -o "$BATS_TEST_TMPDIR/trace" "$NSENTER" -t "$tid" -u hostname
	assert_success
	assert_output nstk-thread
	local t="$BATS_TEST_TMPDIR/trace"
	echo "# path: PIDFD_THREAD $thread: $(grep -v "^[0-9]* *pidfd_open($tid, 0)" "$t" | sed 's/^[0-9]* *//' | paste -sd ';')" >&3
	if [ "$thread" = yes ]; then
		grep -qE "pidfd_open\($tid, (PIDFD_THREAD|O_EXCL|0x80[^)]*)\) += [0-9]+$" "$t" ||
			fail "the thread's own pidfd was not taken: $(cat "$t")"
	else
		grep -qE "pidfd_open\($tid, (PIDFD_THREAD|O_EXCL|0x80[^)]*)\) += -1 EINVAL" "$t" ||
			fail "PIDFD_THREAD was not tried: $(cat "$t")"
		grep -qE "pidfd_open\($p, 0\) += [0-9]+$" "$t" || fail "the process's pidfd was not taken: $(cat "$t")"
	fi
}

# bats test_tags=vm-v1
@test "cgtop: memory.peak where the kernel keeps one (v2 5.19, v1 max_usage_in_bytes), else absent, never 0" {
	[ -x "$MEMHOG" ] || fail "memhog not built: run make check"
	cg_layout
	local name="nstk-kernels-$$-$BATS_TEST_NUMBER" file
	cg_make "$name"
	cg_spawn "$name" "$MEMHOG" 16
	cg_wait_rss "$NSTK_PID" $((16 << 10))
	if [ "$CG_LAYOUT" = unified ]; then
		file="$CG/$name/memory.peak"
	else
		file="$CG/memory/$name/memory.max_usage_in_bytes"
	fi
	cgtop_run -J -n 1 "/$name"
	assert_success
	local peak after
	peak=$(jq -r --arg p "/$name" '.cgroups[] | select(.path == $p) | .memory.peak' <<<"$output")
	cgtop_run --prometheus "/$name"
	assert_success
	local prom=$output
	echo "# path: $CG_LAYOUT, ${file##*/} $([ -e "$file" ] && echo present || echo absent): peak $peak" >&3
	if [ -e "$file" ]; then
		after=$(cat "$file")
		# At least what memhog touched, at most what the kernel says now.
		[ "$peak" -ge $((16 << 20)) ] && [ "$peak" -le "$after" ] ||
			fail "memory.peak $peak, not within [16 MiB, $after]"
		grep -qE "^nstk_cgroup_memory_max_usage_bytes\{cgroup=\"/$name\",container=\"\"\} [0-9]+$" <<<"$prom" ||
			fail "no peak series: $(grep "/$name\"" <<<"$prom")"
	else
		assert_equal "$peak" null
		run grep -c "^nstk_cgroup_memory_max_usage_bytes{cgroup=\"/$name\"" <<<"$prom"
		assert_output 0
	fi
}

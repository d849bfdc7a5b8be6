#!/usr/bin/env bats
# vm.bats — checks that only make sense inside the VM rig (make check-vm:
# each kernel of the matrix under qemu, booted by scripts/vm/ with a pure
# cgroup2 hierarchy, NSTK_IN_VM=1). On the host every test skips.
#
#   - the guest really is pure cgroup v2, with cpu, memory, io and pids
#     enabled for its children, their files in a child, pids.max enforced;
#   - nsls on the matrix's kernels (5.10, 6.1, 6.12: no listns(2), time
#     namespaces present);
#   - a cgroup namespace whose root is not the root cgroup shows that root
#     (CGROUPROOT), also nested, in the one cgroup2 tree at /sys/fs/cgroup.
#
# Cgroups made here are named nstk-vm-<pid>-<test>-... under
# /sys/fs/cgroup and removed in teardown, processes first.

# bats file_tags=vm

load helpers

CG=/sys/fs/cgroup

setup() {
	[ -n "${NSTK_IN_VM:-}" ] || skip "VM only (make check-vm)"
	[ -x "$NSLS" ] || fail "no nsls at $NSLS: run make (or make SAN=1) first"
	V_NAME="nstk-vm-$$-$BATS_TEST_NUMBER"
}

teardown() {
	[ -n "${NSTK_IN_VM:-}" ] || return 0
	nstk_cleanup
}

# v_mkcg PATH...: make cgroups (relative to $CG, parents first), recorded
# for teardown.
v_mkcg() {
	local p
	for p in "$@"; do
		nstk_cgroup_mkdir "$CG/$p"
	done
}

@test "the guest is pure cgroup v2: one cgroup2 hierarchy, cpu memory io pids enabled" {
	# statfs magic of cgroup2 (CGROUP2_SUPER_MAGIC 0x63677270).
	assert_equal "$(stat -f -c %t "$CG")" 63677270
	assert_equal "$(stat -f -c %T "$CG")" cgroup2fs
	# No cgroup v1 hierarchy anywhere, and every process in the one tree.
	run awk '$3 == "cgroup"' /proc/mounts
	assert_output ""
	assert_equal "$(cat /proc/self/cgroup)" "0::/"
	local c
	for c in cpu memory io pids; do
		[[ " $(cat "$CG/cgroup.controllers") " == *" $c "* ]] ||
			fail "$c not in cgroup.controllers: $(cat "$CG/cgroup.controllers")"
		[[ " $(cat "$CG/cgroup.subtree_control") " == *" $c "* ]] ||
			fail "$c not in cgroup.subtree_control: $(cat "$CG/cgroup.subtree_control")"
	done
}

@test "a child cgroup has the v2 limit, stat and PSI files, and pids.max is enforced" {
	v_mkcg "$V_NAME"
	local d="$CG/$V_NAME" f
	for f in cpu.max cpu.stat cpu.weight cpu.pressure memory.max memory.high memory.current \
		memory.events memory.pressure io.stat io.weight io.pressure pids.max pids.current pids.events; do
		[ -f "$d/$f" ] || fail "no $f in a child cgroup"
	done
	echo "20000 100000" >"$d/cpu.max"
	assert_equal "$(cat "$d/cpu.max")" "20000 100000"
	echo 64M >"$d/memory.max"
	assert_equal "$(cat "$d/memory.max")" $((64 << 20))
	# PSI is on in this kernel: numbers, not "not supported".
	[[ "$(head -n 1 "$d/memory.pressure")" =~ ^some\ avg10=[0-9.]+\  ]] ||
		fail "memory.pressure: $(cat "$d/memory.pressure")"
	# A shell alone under pids.max 1 cannot fork; the kernel counts the refusal.
	echo 1 >"$d/pids.max"
	run sh -c 'echo $$ >"$1/cgroup.procs" && /bin/true' sh "$d"
	assert_failure
	[ "$(sed -n 's/^max //p' "$d/pids.events")" -ge 1 ] || fail "pids.events: $(cat "$d/pids.events")"
}

@test "nsls on a kernel without listns: all 8 kinds from the /proc walk, every process's, time offsets" {
	# listns(2) (syscall 470, Linux 6.19) is on no kernel of the matrix
	# (5.10, 6.1, 6.12): the walk of /proc is all nsls has.
	assert_equal "$(perl -e 'syscall(470, 0, 0, 0, 0); print $! + 0')" 38 # ENOSYS

	local k want got
	nsls_json -o NS,TYPE,HOLDERS -p $$
	for k in "${NSTK_KINDS[@]}"; do
		want+="$k:$(nstk_ns_ino $$ "$k") "
	done
	got=$(jqn '[.namespaces[] | "\(.type):\(.ns)"] | sort | join(" ")')
	assert_equal "$got" "$(tr ' ' '\n' <<<"$want" | sed '/^$/d' | sort | paste -sd ' ')"
	[ -z "$stderr" ] || fail "nsls -p $$ said: $stderr"
	# Nothing can have been found by listns on this kernel.
	assert_equal "$(jqn '[.. | strings | select(test("listns"))] | length')" 0
	# Every namespace any process is in, as the kernel's links say (read
	# after nsls; nothing in the idle guest makes a namespace meanwhile).
	nsls_json -o NS,TYPE
	local links pid got
	links=$(for pid in /proc/[0-9]*; do
		readlink "$pid"/ns/{cgroup,ipc,mnt,net,pid,time,user,uts} 2>/dev/null
	done | sed -E 's/^([a-z]+):\[([0-9]+)\]$/\1:\2/' | sort -u)
	got=$(jqn '.namespaces[] | "\(.type):\(.ns)"' | sort -u)
	[ "$(wc -l <<<"$links")" -ge 8 ] || fail "the walk found only: $links"
	assert_equal "$(comm -23 <(echo "$links") <(echo "$got"))" ""

	nstk_spawn unshare --time --fork --monotonic 1000 --boottime 2000 sleep 1000
	local s t
	s=$(nstk_descendant "$NSTK_PID" sleep)
	t=$(nstk_ns_ino "$s" time)
	[ "$t" != "$(nstk_ns_ino self time)" ]
	nsls_json -o NS,TYPE,NPROCS,OFFSETS -t time
	assert_equal "$(jqn 'node("time"; $t) | "\(.nprocs) \(.offsets | tojson)"' --argjson t "$t")" \
		'1 {"monotonic":{"sec":1000,"nsec":0},"boottime":{"sec":2000,"nsec":0}}'
}

@test "a cgroup namespace rooted below the root cgroup shows that root, nested ones theirs" {
	v_mkcg "$V_NAME" "$V_NAME/a" "$V_NAME/a/b"
	# The root cgroup namespace's root is /.
	nsls_json -o NS,TYPE,CGROUPROOT -t cgroup
	assert_equal "$(jqn 'node("cgroup"; $c) | .cgrouproot' --argjson c "$(nstk_ns_ino self cgroup)")" /

	# A shell moves itself into a, makes a cgroup namespace there, moves
	# into b (its "/b" inside) and makes another one: its root is /.../a/b.
	local f="$BATS_TEST_TMPDIR/outer-cgns"
	nstk_spawn sh -c 'echo $$ >"$1/a/cgroup.procs" && exec unshare --cgroup sh -c "
		readlink /proc/self/ns/cgroup >\"\$2\" && cat /proc/self/cgroup >>\"\$2\" &&
		echo \$\$ >\"\$1/a/b/cgroup.procs\" && exec unshare --cgroup sleep 1000" sh "$1" "$2"' \
		sh "$CG/$V_NAME" "$f"
	local p=$NSTK_PID outer inner
	nstk_wait_comm "$p" sleep
	[[ "$(head -n 1 "$f")" =~ ^cgroup:\[([0-9]+)\]$ ]] || fail "outer cgroup ns not recorded: $(cat "$f")"
	outer=${BASH_REMATCH[1]}
	# Inside its own namespace the shell was at its root.
	assert_equal "$(sed -n 2p "$f")" "0::/"
	inner=$(nstk_ns_ino "$p" cgroup)
	[ "$inner" != "$outer" ] && [ "$outer" != "$(nstk_ns_ino self cgroup)" ]
	assert_equal "$(sed -n 's/^0:://p' "/proc/$p/cgroup")" "/$V_NAME/a/b"

	# (Nothing holds the outer namespace any more.) The inner one's root, in
	# the root cgroup namespace's terms:
	nsls_json -o NS,TYPE,CGROUPROOT -t cgroup
	assert_equal "$(jqn 'node("cgroup"; $c) | .cgrouproot' --argjson c "$inner")" "/$V_NAME/a/b"
	nsls_run -l -u -W -n -o NS,CGROUPROOT "$inner"
	assert_success
	assert_output --regexp "^ *$inner +/$V_NAME/a/b *\$"
}

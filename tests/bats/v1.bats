#!/usr/bin/env bats
# v1.bats — checks that only make sense on a pure legacy cgroup v1 host: the
# VM matrix's v1 boot (scripts/vm/check-matrix.sh, 6.1:v1), whose init
# mounts cpu,cpuacct, memory, pids, blkio and a named systemd hierarchy on
# a tmpfs at /sys/fs/cgroup and no cgroup2 anywhere (NSTK_VM_CGROUP=v1).
# Elsewhere every test skips: the development host is hybrid (it has a
# cgroup2 tree), and a pure v2 guest has no v1 files at all.
#
#   - the guest really is pure v1, and cgtop calls it "legacy";
#   - a raw writer under blkio.throttle.write_bps_device: cgtop's write rate
#     and bytes from blkio.throttle.io_service_bytes_recursive;
#   - a cgroup namespace made in a v1 cgroup: nsls's CGROUPROOT, from a
#     /proc/PID/cgroup with no "0::" line.
#
# cgtop's other legacy tests (quota hog, memory limit, an ancestor's
# hierarchical_memory_limit, pids.max, an OOM kill in memory.oom_control)
# are cgtop.bats's own, tagged vm-v1: the same tests the hybrid host runs.
# Cgroups made here are named nstk-v1-<pid>-<test> in every hierarchy and
# removed in teardown, processes first.

# bats file_tags=vm-v1

load helpers
load cgroup_helpers

CGTOP="${NSLS%/nsls}/cgtop"
MIB=$((1 << 20))

setup() {
	[ "${NSTK_IN_VM:-}" = 1 ] && [ "${NSTK_VM_CGROUP:-}" = v1 ] ||
		skip "the VM matrix's pure v1 boot only (make check-vm VM_MATRIX=6.1:v1)"
	[ -x "$CGTOP" ] || fail "no cgtop at $CGTOP: run make first"
	[ -x "$NSLS" ] || fail "no nsls at $NSLS: run make first"
	cg_layout
	V1="nstk-v1-$$-$BATS_TEST_NUMBER"
}

teardown() {
	[ "${NSTK_VM_CGROUP:-}" = v1 ] || return 0
	nstk_cleanup
}

# The v1 hierarchies the guest has, by their directories.
V1_HIERARCHIES=(cpu,cpuacct memory pids blkio systemd)

# v1_make PATH: PATH in every hierarchy.
v1_make() {
	local h
	for h in "${V1_HIERARCHIES[@]}"; do
		nstk_cgroup_mkdir "$CG/$h/$1"
	done
}

@test "the guest is pure legacy v1: five hierarchies on a tmpfs, no cgroup2; cgtop says legacy" {
	assert_equal "$(stat -f -c %T "$CG")" tmpfs
	run awk '$3 == "cgroup2"' /proc/mounts
	assert_output ""
	local h opts
	for h in "${V1_HIERARCHIES[@]}"; do
		assert_equal "$(stat -f -c %T "$CG/$h")" cgroupfs
	done
	opts=$(awk -v d="$CG/systemd" '$2 == d { print $4 }' /proc/mounts)
	[[ ",$opts," == *",name=systemd,"* ]] || fail "the systemd hierarchy is mounted with $opts"
	# cpu and cpuacct are one hierarchy, reached by both names.
	assert_equal "$(realpath "$CG/cpu")" "$CG/cpu,cpuacct"
	assert_equal "$(realpath "$CG/cpuacct")" "$CG/cpu,cpuacct"
	run grep -c '^0::' /proc/self/cgroup
	assert_output 0
	cgtop_run -J -n 1 --depth 0
	assert_success
	assert_equal "$(jq -r .layout <<<"$output")" legacy
	assert_equal "$stderr" ""
}

@test "a raw writer under blkio.throttle.write_bps_device: cgtop's write rate and bytes from blkio" {
	local dev=/dev/vda majmin v a=() kernel t="/$V1"
	[ -b "$dev" ] || fail "no $dev: scripts/vm/check-vm.sh gives the guest a scratch virtio disk"
	majmin=$(cat /sys/block/vda/dev)
	v1_make "$V1"
	echo "$majmin $((2 * MIB))" >"$CG/blkio/$V1/blkio.throttle.write_bps_device"
	nstk_spawn sh -c 'echo $$ >"$1/cgroup.procs" && while :; do
		dd if=/dev/zero of="$2" bs=64k count=256 oflag=direct 2>/dev/null; done' sh "$CG/blkio/$V1" "$dev"
	cgtop_run -J -n 2 -d 2 "$t"
	assert_success
	v=$(jq -r --arg t "$t" '.cgroups[] | select(.path == $t) | .io | "\(.write_bps) \(.write_bytes) \(.read_bps)"' <<<"${lines[-1]}")
	read -r -a a <<<"$v"
	kernel=$(awk -v d="$majmin" '$1 == d && $2 == "Write" { print $3 }' "$CG/blkio/$V1/blkio.throttle.io_service_bytes_recursive")
	echo "# io: write_bps write_bytes read_bps: $v; blkio Write now: $kernel" >&3
	awk -v v="${a[0]}" -v lo=$((MIB / 4)) -v hi=$((3 * MIB)) 'BEGIN { exit !(v + 0 >= lo && v + 0 <= hi) }' ||
		fail "io.write_bps ${a[0]}: not within the 2 MiB/s limit's band"
	[ "${a[1]}" -ge $((64 << 10)) ] && [ "${a[1]}" -le "$kernel" ] ||
		fail "io.write_bytes ${a[1]}: not between one 64 KiB write and blkio's $kernel"
	assert_equal "${a[2]}" 0
}

@test "nsls: a cgroup namespace made in a v1 cgroup shows that cgroup as its root" {
	v1_make "$V1"
	# A shell moves itself into $V1 in every hierarchy, then makes a cgroup
	# namespace there: its root is $V1 in each.
	local h dirs=()
	for h in "${V1_HIERARCHIES[@]}"; do
		dirs+=("$CG/$h/$V1")
	done
	nstk_spawn sh -c 'for d; do echo $$ >"$d/cgroup.procs" || exit 99; done; exec unshare --cgroup sleep 1000' \
		sh "${dirs[@]}"
	local p=$NSTK_PID c
	nstk_wait_comm "$p" sleep
	c=$(nstk_ns_ino "$p" cgroup)
	[ "$c" != "$(nstk_ns_ino self cgroup)" ]
	# The kernel's view: every hierarchy's line is /$V1, none is "0::".
	assert_equal "$(grep -c ":/$V1\$" "/proc/$p/cgroup")" "${#V1_HIERARCHIES[@]}"
	nsls_json -o NS,TYPE,CGROUPROOT -t cgroup
	assert_equal "$(jqn 'node("cgroup"; $c) | .cgrouproot' --argjson c "$c")" "/$V1"
	nsls_run -l -u -W -n -o NS,CGROUPROOT "$c"
	assert_success
	assert_output --regexp "^ *$c +/$V1 *\$"
}

#!/usr/bin/env bats
# cgtop_v2.bats — cgtop against real limits on a pure cgroup v2 kernel: the
# VM rig's guest (make check-vm: Debian 12's 6.1 kernel under qemu, one
# cgroup2 tree with cpu, memory, io and pids enabled, NSTK_IN_VM=1). The host
# is hybrid (cpu and memory belong to cgroup v1 there, see cgtop.bats), so
# here every test skips.
#
# One tree per test, nstk-v2-<pid>-<test> under /sys/fs/cgroup, removed in
# teardown (its processes killed first). Under TCG the guest is some 30
# times slower than the host: the asserts are on counters the kernel keeps
# and on loose bands of rates, never on work done per second; each test
# takes its samples once and reads every value from them in one jq run.

# bats file_tags=vm

load helpers

CG=/sys/fs/cgroup
CGTOP="${NSLS%/nsls}/cgtop"
MEMHOG="$NSTK_HELPERS/memhog"
MIB=$((1 << 20))

setup() {
	[ -n "${NSTK_IN_VM:-}" ] || skip "VM only (make check-vm): needs a pure cgroup v2 kernel"
	[ -x "$CGTOP" ] || fail "no cgtop at $CGTOP: run make first"
	[ -x "$MEMHOG" ] || fail "no memhog at $MEMHOG: run make $NSTK_BUILD/helpers/memhog"
	V2="nstk-v2-$$-$BATS_TEST_NUMBER"
}

teardown() {
	[ -n "${NSTK_IN_VM:-}" ] || return 0
	nstk_cleanup
}

# v2_make PATH...: make cgroups under $CG (parents first), recorded for
# teardown. Each one's parent gets cpu, memory, io and pids enabled for its
# children (the root has them): a cgroup that enables them for children
# may hold no process itself.
v2_make() {
	local p
	for p in "$@"; do
		nstk_cgroup_mkdir "$CG/$p"
		[ "${p%/*}" = "$p" ] || echo "+cpu +memory +io +pids" >"$CG/${p%/*}/cgroup.subtree_control"
	done
}

# v2_spawn PATH CMD...: run CMD in the cgroup PATH (nstk_spawn); returns
# once it is in there.
v2_spawn() {
	local d="$CG/$1" i
	shift
	nstk_spawn sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh "$d" "$@"
	for ((i = 0; i < 250; i++)); do
		grep -qx "$NSTK_PID" "$d/cgroup.procs" && return 0
		sleep 0.02
	done
	fail "PID $NSTK_PID did not join $d"
}

# v2_wait_memory PATH BYTES: wait (max 30 s) until PATH's memory.current
# reaches BYTES.
v2_wait_memory() {
	local i cur
	for ((i = 0; i < 300; i++)); do
		read -r cur <"$CG/$1/memory.current"
		[ "$cur" -ge "$2" ] && return 0
		sleep 0.1
	done
	fail "$1: memory.current $cur, not $2 after 30 s"
}

# cgtop_json ARGS...: cgtop -J ARGS, which must exit 0 with nothing on
# stderr; its last line lands in $NSTK_JSON.
cgtop_json() {
	run --separate-stderr "$CGTOP" -J "$@"
	[ "$status" -eq 0 ] && [ -z "$stderr" ] || fail "cgtop -J $* exited $status: $stderr"
	NSTK_JSON=${lines[-1]}
}

# in_band NAME VALUE LOW HIGH: LOW <= VALUE <= HIGH, as numbers.
in_band() {
	awk -v v="$2" -v lo="$3" -v hi="$4" 'BEGIN { exit !(v ~ /^[0-9.e+-]+$/ && v + 0 >= lo && v + 0 <= hi) }' ||
		fail "$1 is $2, not within [$3, $4]"
}

@test "pure v2: a CPU quota, a memory limit held, ancestors' limits, memory.high, pids.max and PSI; -J, --prometheus and --check agree" {
	# $V2            pids.max 20
	# $V2/cpu        cpu.max 20000 100000, a CPU hog
	# $V2/lim        memory.max 64M, memory.high 48M
	# $V2/lim/app    a process holding 32 MiB
	local t="/$V2"
	v2_make "$V2" "$V2/cpu" "$V2/lim" "$V2/lim/app"
	echo 20 >"$CG/$V2/pids.max"
	echo "20000 100000" >"$CG/$V2/cpu/cpu.max"
	echo 64M >"$CG/$V2/lim/memory.max"
	echo 48M >"$CG/$V2/lim/memory.high"
	v2_spawn "$V2/cpu" sh -c 'while :; do :; done'
	v2_spawn "$V2/lim/app" "$MEMHOG" 32
	v2_wait_memory "$V2/lim/app" $((32 * MIB))

	# Two samples 2 s apart: 20 CFS periods.
	cgtop_json -n 2 -d 2 "$t"
	echo "# $t/cpu: $(jq -c --arg p "$t/cpu" '.cgroups[] | select(.path == $p) | .cpu' <<<"$NSTK_JSON")" >&3
	local v
	v=$(jq -r --arg t "$t" '
		def cg($p): .cgroups[] | select(.path == $t + $p);
		[.layout, ([.cgroups[].path] | join(" ")),
		 (cg("/cpu").cpu | .usage_pct, .limit_cores, .pct_of_limit, .nr_throttled, .throttled_pct,
			.effective.limit_cores, .effective.from),
		 (cg("/lim").memory | .max, .high, .effective.from, .pct_of_max),
		 (cg("/lim/app").memory | .max, .current, .pct_of_max, .effective.max, .effective.from,
			.effective.high, .effective.high_from, .pct_of_high),
		 (cg("").pids | .current, .max, .pct_of_max),
		 (cg("/lim/app").pids | .current, .max, .effective.max, .effective.from),
		 ([.cgroups[].pressure[]] | length), ([.cgroups[].pressure[] | numbers] | length),
		 ([.cgroups[].pressure | to_entries[] | select(.value == null) | .key] | unique | join(" "))
		] | map(tostring) | join("\n")' <<<"$NSTK_JSON")
	local a=()
	mapfile -t a <<<"$v"
	echo "# $t/lim/app: memory.current ${a[14]}, pct_of_max ${a[15]}, pct_of_high ${a[20]}" >&3
	assert_equal "${a[0]}" unified
	assert_equal "${a[1]}" "$t $t/cpu $t/lim $t/lim/app"
	# The hog: about 20 % of one CPU, about all of its quota, throttled.
	in_band "cpu.usage_pct" "${a[2]}" 10 30
	assert_equal "${a[3]}" 0.2
	in_band "cpu.pct_of_limit" "${a[4]}" 50 150
	[ "${a[5]}" -gt 0 ] || fail "cpu.nr_throttled is ${a[5]}"
	in_band "cpu.throttled_pct" "${a[6]}" 1 100
	assert_equal "${a[7]} ${a[8]}" "0.2 $t/cpu"
	# memory.max and memory.high where they are set...
	assert_equal "${a[9]} ${a[10]} ${a[11]}" "$((64 * MIB)) $((48 * MIB)) $t/lim"
	in_band "memory.pct_of_max of $t/lim" "${a[12]}" 40 70
	# ... and below, the ancestor's, with its path: 32 MiB is about half of
	# it (a little more: the process's own pages, and with make SAN=1 ASan's
	# shadow of the 32 MiB).
	assert_equal "${a[13]}" null
	in_band "memory.current" "${a[14]}" $((32 * MIB)) $((45 * MIB))
	in_band "memory.pct_of_max" "${a[15]}" 40 70
	assert_equal "${a[16]} ${a[17]}" "$((64 * MIB)) $t/lim"
	assert_equal "${a[18]} ${a[19]}" "$((48 * MIB)) $t/lim"
	in_band "memory.pct_of_high" "${a[20]}" 60 95
	# pids: the hog and memhog under pids.max 20, which binds the child too.
	assert_equal "${a[21]} ${a[22]} ${a[23]}" "2 20 10"
	assert_equal "${a[24]} ${a[25]} ${a[26]} ${a[27]}" "1 null 20 $t"
	# PSI: six numbers for each of the four cgroups, none null; before Linux
	# 5.13 cpu.pressure has no "full" line (read from the kernel's file):
	# then cpu_full_avg10 is null (absent), not 0, and the other five numbers.
	echo "# path: cpu.pressure $(grep -q '^full ' "$CG/$V2/cpu/cpu.pressure" && echo with || echo without) a full line; nulls: ${a[30]:-none}" >&3
	if grep -q '^full ' "$CG/$V2/cpu/cpu.pressure"; then
		assert_equal "${a[28]} ${a[29]} ${a[30]}" "24 24 "
	else
		assert_equal "${a[28]} ${a[29]} ${a[30]}" "24 20 cpu_full_avg10"
	fi

	# --prometheus on the same tree: valid, with the same limits and counters.
	run --separate-stderr "$CGTOP" --prometheus "$t"
	[ "$status" -eq 0 ] && [ -z "$stderr" ] || fail "cgtop --prometheus exited $status: $stderr"
	local prom=$output
	if command -v promtool >/dev/null; then
		run promtool check metrics <<<"$prom"
		[ "$status" -eq 0 ] && [ -z "$output" ] || fail "promtool check metrics: $output"
	fi
	local l="cgroup=\"$t/lim\",container=\"\"" c="cgroup=\"$t/cpu\",container=\"\""
	grep -qx "nstk_cgroup_spec_memory_limit_bytes{$l} $((64 * MIB))" <<<"$prom" ||
		fail "no memory limit of $t/lim in: $(grep "$t/lim" <<<"$prom")"
	grep -qx "nstk_cgroup_spec_memory_high_bytes{$l} $((48 * MIB))" <<<"$prom" ||
		fail "no memory.high of $t/lim in: $(grep "$t/lim" <<<"$prom")"
	grep -qx "nstk_cgroup_spec_cpu_quota{$c} 20000" <<<"$prom" ||
		fail "no cpu quota of $t/cpu in: $(grep "$t/cpu" <<<"$prom")"
	grep -qE "^nstk_cgroup_cpu_cfs_throttled_periods_total\{$c\} [1-9][0-9]*\$" <<<"$prom" ||
		fail "no throttled periods of $t/cpu in: $(grep "$t/cpu" <<<"$prom")"
	grep -qx "nstk_cgroup_memory_effective_limit_bytes{cgroup=\"$t/lim/app\",container=\"\",from=\"$t/lim\"} $((64 * MIB))" <<<"$prom" ||
		fail "no effective limit of $t/lim/app in: $(grep "$t/lim/app" <<<"$prom")"

	# --check on the same tree: the throttled hog and the two cgroups at half
	# their limit match (exit 3, as JSON); nothing is at 99 % (exit 0).
	run --separate-stderr "$CGTOP" -J -d 1 --check 'cpu.throttled_pct > 0' --check 'memory.pct_of_max > 40' "$t"
	[ "$status" -eq 3 ] || fail "cgtop --check exited $status, not 3: $stderr"
	assert_equal "$(jq -r '[.cgroups[].path] | join(" ")' <<<"$output")" "$t/cpu $t/lim $t/lim/app"
	run --separate-stderr "$CGTOP" -n 1 --check 'memory.pct_of_max > 99' "$t"
	[ "$status" -eq 0 ] && [ -z "$output" ] || fail "cgtop --check 'memory.pct_of_max > 99' exited $status: $output"
}

@test "pure v2: a 256 MiB hog under memory.max 64M is OOM-killed; cgtop counts the kill and its delta" {
	local t="/$V2" out="$BATS_TEST_TMPDIR/cgtop.ndjson" i n=0 kernel
	v2_make "$V2"
	echo 64M >"$CG/$V2/memory.max"
	[ ! -f "$CG/$V2/memory.swap.max" ] || echo 0 >"$CG/$V2/memory.swap.max"
	# cgtop samples all along (killed below, or by nstk_cleanup).
	setsid "$CGTOP" -J -n 200 -d 0.5 "$t" </dev/null >"$out" 2>"$out.err" 3>&- &
	local cgtop=$!
	NSTK_PGIDS+=("$cgtop")
	for ((i = 0; i < 300; i++)); do
		[ -s "$out" ] && break
		sleep 0.1
	done
	[ -s "$out" ] || fail "no first sample from cgtop after 30 s: $(cat "$out.err")"

	run sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" 256' sh "$CG/$V2" "$MEMHOG"
	assert_equal "$status" 137 # SIGKILL
	kernel=$(sed -n 's/^oom_kill //p' "$CG/$V2/memory.events")
	[ "$kernel" -ge 1 ] || fail "memory.events: $(cat "$CG/$V2/memory.events")"
	# Two samples after the kill, the first one that counts it and the next.
	for ((i = 0; i < 300; i++)); do
		n=$(grep -c "\"oom_kills\":$kernel," "$out" || true)
		[ "$n" -ge 2 ] && break
		sleep 0.1
	done
	[ "$n" -ge 2 ] || fail "cgtop's samples after 30 s: $(tail -n 2 "$out")"
	kill -KILL "$cgtop"
	wait "$cgtop" 2>/dev/null || true
	[ ! -s "$out.err" ] || fail "cgtop said: $(cat "$out.err")"
	# Per sample (a line cut short by the kill left out): oom_kills and
	# oom_kills_delta; memory.oom in the last.
	local got
	got=$(jq -R -r --arg t "$t" 'fromjson? | .cgroups[] | select(.path == $t) | .memory |
		"\(.oom_kills) \(.oom_kills_delta)"' "$out" | uniq | paste -sd ,)
	echo "# (oom_kills oom_kills_delta) per sample, repeats squeezed: $got" >&3
	# Before: 0 (the first sample has no delta); then the kill, once; then 0 new.
	[[ "$got" =~ ^"0 null",("0 0",)*"$kernel $kernel","$kernel 0"$ ]] || fail "oom_kills, delta per sample: $got"
	[ "$(jq -R --arg t "$t" 'fromjson? | .cgroups[] | select(.path == $t) | .memory.oom' "$out" | tail -n 1)" -ge 1 ]
}

@test "pure v2: a raw writer under io.max on the virtio disk: cgtop's write rate within the limit, its bytes io.stat's" {
	local t="/$V2" dev=/dev/vda majmin v a=() kernel
	[ -b "$dev" ] || fail "no $dev: scripts/vm/check-vm.sh gives the guest a scratch virtio disk"
	majmin=$(cat /sys/block/vda/dev)
	v2_make "$V2"
	echo "$majmin wbps=$((2 * MIB))" >"$CG/$V2/io.max"
	v2_spawn "$V2" sh -c 'while :; do dd if=/dev/zero of="$1" bs=64k count=256 oflag=direct 2>/dev/null; done' sh "$dev"
	cgtop_json -n 2 -d 2 "$t"
	v=$(jq -r --arg t "$t" '.cgroups[] | select(.path == $t) | .io | "\(.write_bps) \(.write_bytes) \(.read_bps)"' <<<"$NSTK_JSON")
	read -r -a a <<<"$v"
	kernel=$(sed -n "s/^$majmin .*wbytes=\([0-9]*\) .*/\1/p" "$CG/$V2/io.stat")
	echo "# io: write_bps write_bytes read_bps: $v; io.stat wbytes now: $kernel" >&3
	# Writing as fast as it may: at most about io.max's 2 MiB/s (a loose
	# lower bound: TCG is slow), no reads.
	in_band io.write_bps "${a[0]}" $((MIB / 4)) $((3 * MIB))
	[ "${a[1]}" -ge $((64 << 10)) ] && [ "${a[1]}" -le "$kernel" ] ||
		fail "io.write_bytes ${a[1]}: not between one 64 KiB write and io.stat's $kernel"
	assert_equal "${a[2]}" 0
}

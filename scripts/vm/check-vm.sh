#!/usr/bin/env bash
# check-vm.sh — one boot of the VM rig: run the project's bats tests inside a
# VM with a real Debian kernel (5.10, 6.1 or 6.12: NSTK_VM_KERNEL) under
# qemu, on a pure cgroup v2 or a pure legacy v1 layout (NSTK_VM_CGROUP), and
# end with the guest's result line, named by its kernel and layout:
#
#   vm 5.10.0-32-amd64 v2: N passed, N failed[, N skipped]
#
# Each TAP line names them too ("ok 3 [5.10.0-32-amd64 v2] nsls ..."), so a
# failure says where it failed. scripts/vm/check-matrix.sh boots the whole
# matrix one after another; scripts/run-tests.sh counts the TAP lines.
#
#   1. fetch-kernel.sh: the kernel (vmlinux) and its 9p/virtio, virtio disk,
#      overlay and veth modules, fetched once into a cache outside the work
#      tree.
#   2. an initramfs (busybox cpio, newc): a static busybox, those modules,
#      init.sh as /init, nstk.env (the settings below) and the host's
#      locales as one locale-archive (see below).
#   3. qemu: TCG (KVM only where it really works), 1 CPU, no network, the
#      host's / shared read-only over virtio-9p (and the work tree again, in
#      case it lies under /tmp, /run or /var/tmp, which get a tmpfs in the
#      guest), and a sparse 64 MiB scratch disk, /dev/vda in the guest (for
#      io.stat: tests write to it raw). The guest's init mounts a pure
#      cgroup2 hierarchy (v2) or the v1 controllers on a tmpfs (v1),
#      switches root into the host's tree and runs
#      scripts/vm/guest-tests.sh, which prints bats's TAP between console
#      markers.
#   4. the console is read back: the TAP lines are printed as they come,
#      everything else prefixed "# vm: "; the guest's exit status also comes
#      back through isa-debug-exit. After NSTK_VM_TIMEOUT seconds qemu is
#      killed, and the last 40 console lines are printed.
#
# Settings (environment):
#   NSTK_BUILD       the build under test (build, or build/san)
#   NSTK_VM_KERNEL   which kernel: 5.10, 6.1 (default) or 6.12 (fetch-kernel.sh)
#   NSTK_VM_CGROUP   v2 (default): one cgroup2 hierarchy, cpu memory io pids
#                    enabled; v1: cpu,cpuacct, memory, pids, blkio and a
#                    named systemd hierarchy on a tmpfs at /sys/fs/cgroup, no
#                    cgroup2 anywhere (init.sh)
#   NSTK_VM_BATS     the bats files the guest looks in (default: tests/bats/*.bats)
#   NSTK_VM_TAGS     the bats tags it runs (default: vm on v2, vm-v1 on v1;
#                    see guest-tests.sh; empty: every test of those files)
#   NSTK_VM_FILTER   and of those only the ones whose name matches this regex
#                    (bats -f), e.g. to look at one test in the guest
#   NSTK_VM_TIMEOUT  seconds before qemu is killed (600: a guard against a
#                    hung guest, not the budget; a v2 boot's tests take about
#                    3 minutes on a quiet 2-core host, and TCG slows down with
#                    the host's load, twice as slow beside another build)
#   NSTK_VM_MEM      guest memory in MiB (1024)
#   NSTK_VM_SMP      guest CPUs (1: as fast as 2 on a quiet 2-core host, twice as
#                    fast on a busy one; 2 for a test that needs two)
#   NSTK_VM_ACCEL    tcg or kvm (default: kvm where it works, else tcg)
#   NSTK_VM_APPEND   more kernel command line (e.g. loglevel=7 to see the kernel)
#   NSTK_VM_CACHE    the kernel cache (see fetch-kernel.sh)
#   NSTK_VM_SKIP     a reason not to run: print "SKIP: <reason>" and exit 0
#                    (e.g. NSTK_VM_SKIP="no time" make check)
#
# Where qemu, a static busybox or the kernel cannot be had, it prints
# "SKIP: <reason>" and exits 0. Exit status: 0 when nothing failed, else 1.
set -u
cd "$(dirname "$0")/../.." || exit 1
root=$(pwd -P)
export NSTK_BUILD="${NSTK_BUILD:-build}"
kernel=${NSTK_VM_KERNEL:-6.1}
layout=${NSTK_VM_CGROUP:-v2}
case $layout in
v2) tags_default=vm ;;
v1) tags_default=vm-v1 ;;
*)
	echo "check-vm: NSTK_VM_CGROUP is v2 or v1, not '$layout'" >&2
	exit 2
	;;
esac
tags=${NSTK_VM_TAGS-$tags_default}
# The boot's name in result lines: the kernel asked for until the release
# is known.
name="$kernel $layout"
timeout=${NSTK_VM_TIMEOUT:-600}
mem=${NSTK_VM_MEM:-1024}
smp=${NSTK_VM_SMP:-1}
t0=$(date +%s.%N)

skip() {
	echo "SKIP: vm $name: $*"
	exit 0
}
# A failure before the guest ran: one TAP failure and the summary line.
fail_early() {
	echo "not ok 1 [$name] vm: $*"
	echo "vm $name: 0 passed, 1 failed"
	exit 1
}
elapsed() {
	awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'
}

[ -z "${NSTK_VM_SKIP:-}" ] || skip "$NSTK_VM_SKIP"
[ "$(uname -m)" = x86_64 ] || skip "the VM rig boots Debian's amd64 kernel: this host is $(uname -m)"
command -v qemu-system-x86_64 >/dev/null ||
	skip "qemu-system-x86_64 not installed (apt-get install --no-install-recommends qemu-system-x86)"
[ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1 ||
	skip "no static /bin/busybox (apt-get install busybox-static)"
[ -x "$NSTK_BUILD/nsls" ] || fail_early "no $NSTK_BUILD/nsls: run make first"

kerr=$(mktemp)
kdir=$(scripts/vm/fetch-kernel.sh "$kernel" 2>"$kerr")
krc=$?
if [ "$krc" -ne 0 ]; then
	sed 's/^/# /' "$kerr"
	reason=$(tail -n 1 "$kerr")
	rm -f "$kerr"
	[ "$krc" -eq 3 ] && skip "no kernel: ${reason#fetch-kernel: }"
	fail_early "fetch-kernel.sh failed (status $krc): ${reason#fetch-kernel: }"
fi
sed 's/^/# /' "$kerr"
rm -f "$kerr"
name="$(cat "$kdir/release") $layout"
t_fetch=$(elapsed "$t0")

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nstk-vm.XXXXXX")
qpid=""
cleanup() {
	if [ -s "$tmp/qemu.pid" ]; then
		qpid=$(cat "$tmp/qemu.pid")
		# Only our qemu: the PID file may be stale.
		if [ "$(cat "/proc/$qpid/comm" 2>/dev/null)" = qemu-system-x86 ]; then
			kill -KILL "$qpid" 2>/dev/null
		fi
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# KVM only where it really works: a vmx/svm flag, /dev/kvm, and a qemu that
# keeps running (-cpu host aborts at once where the flag is missing).
accel=${NSTK_VM_ACCEL:-}
if [ -z "$accel" ]; then
	accel=tcg
	if grep -qwE 'vmx|svm' /proc/cpuinfo && [ -w /dev/kvm ]; then
		timeout 3 qemu-system-x86_64 -accel kvm -cpu host -machine pc -nodefaults \
			-display none -serial none -monitor none -no-reboot </dev/null >/dev/null 2>&1
		[ $? -eq 124 ] && accel=kvm
	fi
fi
# shellcheck disable=SC2054 # the commas belong to the option
case $accel in
kvm) qaccel=(-accel kvm -cpu host) ;;
*) qaccel=(-accel tcg,thread=multi -cpu max) ;;
esac

# The initramfs.
ird=$tmp/initramfs
mkdir -p "$ird/bin" "$ird/dev" "$ird/proc" "$ird/sys" "$ird/newroot" "$ird/lib/modules"
cp /bin/busybox "$ird/bin/busybox"
ln -s busybox "$ird/bin/sh"
cp "$kdir"/modules/* "$ird/lib/modules/"
install -m 0755 scripts/vm/init.sh "$ird/init"
mknod -m 600 "$ird/dev/console" c 5 1 2>/dev/null || true
# The host's compiled locales (C.utf8 here, which the tests use) as one
# locale-archive, as the locales package makes: glibc then maps one file at
# each exec instead of opening twelve, over 9p under TCG ~30 ms an exec.
# init.sh lays it over the guest's /usr/lib/locale. Only where the host has
# locale directories and no archive.
if [ ! -e /usr/lib/locale/locale-archive ] && command -v localedef >/dev/null &&
	compgen -G "/usr/lib/locale/*/LC_CTYPE" >/dev/null; then
	mkdir -p "$ird/locale/usr/lib/locale"
	locales=()
	for d in /usr/lib/locale/*/; do
		locales+=("${d%/}") # named by its directory: no trailing slash
	done
	localedef --prefix="$ird/locale" --add-to-archive "${locales[@]}" >/dev/null 2>&1 ||
		rm -rf "$ird/locale"
fi
q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
{
	echo "NSTK_ROOT=$(q "$root")"
	echo "NSTK_BUILD=$(q "$NSTK_BUILD")"
	echo "NSTK_VM_BATS=$(q "${NSTK_VM_BATS:-}")"
	echo "NSTK_VM_TAGS=$(q "$tags")"
	echo "NSTK_VM_FILTER=$(q "${NSTK_VM_FILTER:-}")"
	echo "NSTK_VM_CGROUP=$(q "$layout")"
	echo "export NSTK_ROOT NSTK_BUILD NSTK_VM_BATS NSTK_VM_TAGS NSTK_VM_FILTER NSTK_VM_CGROUP"
} >"$ird/nstk.env"
(cd "$ird" && find . | busybox cpio -o -H newc >"$tmp/initrd" 2>/dev/null) ||
	fail_early "busybox cpio could not build the initramfs"

console=$tmp/console
# The scratch disk: sparse, so it costs only what the tests write.
truncate -s 64M "$tmp/disk.img" || fail_early "cannot make a scratch disk image in $tmp"
# Under TCG every instruction counts: no Spectre/Meltdown mitigations and no
# zeroing of every kernel allocation (a test VM holds no secrets).
cmdline="console=ttyS0 panic=-1 quiet mitigations=off init_on_alloc=0 ${NSTK_VM_APPEND:-}"
run_qemu() {
	timeout -k 5 "$timeout" qemu-system-x86_64 "${qaccel[@]}" -m "$mem" -smp "$smp" \
		-machine pc -nodefaults -nographic -no-reboot -serial stdio -monitor none -nic none \
		-kernel "$kdir/vmlinux" -initrd "$tmp/initrd" -append "$cmdline" \
		-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
		-virtfs "local,path=$root,mount_tag=nstkroot,security_model=none,readonly=on,multidevs=remap" \
		-drive "file=$tmp/disk.img,if=virtio,format=raw,cache=unsafe" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-pidfile "$tmp/qemu.pid" </dev/null 2>&1
	echo $? >"$tmp/qemu.rc"
}
# The console, as it comes: TAP lines between the markers as they are, the
# rest after "# vm: " (without the firmware's escape sequences). All of it
# also goes to $console; when the guest reports for duty is noted.
filter() {
	local line tap=0
	shopt -s extglob
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line%$'\r'}
		printf '%s\n' "$line" >>"$console"
		case $line in
		NSTK-VM-TAP-BEGIN) tap=1 ;;
		NSTK-VM-TAP-END) tap=0 ;;
		*)
			if [ "$tap" = 1 ]; then
				# The boot's name in each test's line.
				if [[ $line =~ ^((not )?ok [0-9]+ )(.*)$ ]]; then
					line="${BASH_REMATCH[1]}[$name] ${BASH_REMATCH[3]}"
				fi
				printf '%s\n' "$line"
			else
				[[ $line == NSTK-VM-BOOTED:* ]] && echo "$EPOCHREALTIME" >"$tmp/booted"
				line=${line//$'\e'[\[]*([0-9;?])[A-Za-z]/}
				printf '# vm: %s\n' "${line//$'\e'c/}"
			fi
			;;
		esac
	done
}

echo "# vm: $(cat "$kdir/package") ($(cat "$kdir/release")), $accel, ${mem} MiB, $smp CPU(s)," \
	"cgroup $layout, timeout ${timeout} s; tests tagged '$tags' in ${NSTK_VM_BATS:-tests/bats/*.bats}"
t_boot=$EPOCHREALTIME
: >"$console"
# In the background so that an INT or TERM is handled at once (cleanup kills
# qemu), not after the pipeline ends.
# (run_qemu's own stderr has only the shell's word on a killed job.)
run_qemu 2>/dev/null | filter &
wait $!
qrc=$(cat "$tmp/qemu.rc" 2>/dev/null || echo 130)
t_end=$EPOCHREALTIME
t_total=$(elapsed "$t0")

tap=$(sed -n '/^NSTK-VM-TAP-BEGIN$/,/^NSTK-VM-TAP-END$/p' "$console")
p=$(grep -cE '^ok [0-9]+' <<<"$tap")
s=$(grep -cE '^ok [0-9]+ .*# skip' <<<"$tap")
f=$(grep -cE '^not ok [0-9]+' <<<"$tap")
p=$((p - s))
n=$((p + s + f))
guest_rc=$(sed -n 's/^NSTK-VM-EXIT: \([0-9]*\)$/\1/p' "$console" | tail -n 1)

problem=""
if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
	problem="the guest timed out after $timeout s (qemu killed)"
elif ! grep -q '^NSTK-VM-RESULT:' "$console" || ! grep -q '^NSTK-VM-TAP-END$' "$console"; then
	problem="the guest gave no result (qemu exit status $qrc)"
elif [ -z "$guest_rc" ]; then
	problem="the guest gave no exit status (qemu exit status $qrc)"
elif [ "$qrc" -ne $(((guest_rc << 1) | 1)) ] && [ "$qrc" -ne 0 ]; then
	problem="qemu exit status $qrc does not match the guest's status $guest_rc"
elif [ "$guest_rc" -ne 0 ] && [ "$f" -eq 0 ]; then
	problem="the guest exited with status $guest_rc and no failed test"
fi
if [ -n "$problem" ]; then
	echo "not ok $((n + 1)) [$name] vm: $problem"
	f=$((f + 1))
	echo "# vm: the last 40 console lines:"
	tail -n 40 "$console" | sed 's/^/# vm| /'
fi

# Boot: from starting qemu to the guest's first line from the test runner
# (firmware, kernel, modules, 9p, cgroup2 and switch_root included).
boot="?" tests="?"
if [ -s "$tmp/booted" ]; then
	boot=$(awk -v a="$t_boot" -v b="$(cat "$tmp/booted")" 'BEGIN { printf "%.1f", b - a }')
	tests=$(awk -v a="$(cat "$tmp/booted")" -v b="$t_end" 'BEGIN { printf "%.1f", b - a }')
fi
echo "# vm: timings: kernel fetch/check ${t_fetch} s; boot ${boot} s; tests and power-off ${tests} s;" \
	"qemu $(elapsed "$t_boot") s in all; check-vm ${t_total} s; qemu exit status $qrc"
if [ "$s" -gt 0 ]; then
	echo "vm $name: $p passed, $f failed, $s skipped"
else
	echo "vm $name: $p passed, $f failed"
fi
[ "$f" -eq 0 ]

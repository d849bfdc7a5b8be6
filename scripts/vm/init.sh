#!/bin/sh
# init.sh — PID 1 of the nstk test VM (busybox sh). check-vm.sh copies it to
# /init of the initramfs, beside a static busybox, the modules of
# fetch-kernel.sh and /nstk.env (the host's settings for this run).
#
# Stage 1 (in the initramfs): mount proc, sysfs and devtmpfs; load the 9p
# modules; mount the host's / read-only over virtio-9p on /newroot; put
# tmpfs on /tmp, /run and /var/tmp there (bats, ip netns and the tests write
# nowhere else) and a writable overlay on /root; the host's locales as one
# locale-archive over /usr/lib/locale (check-vm.sh says why); the work tree
# (its own share) at its host path again, over them if it lies under one;
# lo up; a pure cgroup2 hierarchy on /sys/fs/cgroup with cpu, memory, io
# and pids enabled for its children (NSTK_VM_CGROUP=v2), or the legacy v1
# hierarchies on a tmpfs there (v1); then switch_root into the host's
# tree, so the tests run with the host's own binaries and libraries and see
# one root, as on a real host.
#
# Stage 2 (the same file, read from the host's tree, run by the host's
# busybox as PID 1): run scripts/vm/guest-tests.sh with a clean environment,
# then report its status: a console line "NSTK-VM-EXIT: RC" and the
# isa-debug-exit port (qemu exits with (RC << 1) | 1), and power off.

# finish RC [MESSAGE]: report RC to the host and stop the machine.
finish() {
	[ -n "${2:-}" ] && echo "nstk-vm: $2"
	echo "NSTK-VM-EXIT: $1"
	# isa-debug-exit at 0xf4 (244): one byte written there ends qemu.
	printf "\\$(printf %03o "$1")" | busybox dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
	# No such device (another machine type): power off instead.
	busybox poweroff -f
	sleep 5
	exit "$1"
}

if [ "${1:-}" != stage2 ]; then
	export PATH=/bin
	/bin/busybox mount -t devtmpfs devtmpfs /dev
	exec </dev/console >/dev/console 2>&1
	echo # the firmware's last line has no newline
	/bin/busybox mount -t proc proc /proc
	/bin/busybox --install -s /bin
	mount -t sysfs sysfs /sys
	# Kernel messages (an OOM kill a test provokes) must not cut TAP lines.
	echo 1 >/proc/sys/kernel/printk
	. /nstk.env

	for m in $(cat /lib/modules/order); do
		insmod "/lib/modules/$m.ko" || finish 1 "insmod $m failed"
	done
	mkdir -p /newroot
	o=trans=virtio,version=9p2000.L,ro,cache=loose,msize=262144
	mount -t 9p -o "$o" hostroot /newroot || finish 1 "cannot mount the host's / over virtio-9p"

	r=/newroot
	mount -t tmpfs -o mode=1777,size=256m tmpfs "$r/tmp" || finish 1 "no tmpfs on /tmp"
	mount -t tmpfs -o mode=1777,size=64m tmpfs "$r/var/tmp" || finish 1 "no tmpfs on /var/tmp"
	mount -t tmpfs -o mode=755,size=64m tmpfs "$r/run" || finish 1 "no tmpfs on /run"
	mkdir -p "$r/run/lock" "$r/run/netns"
	# HOME writable, as on a host: the host's /root under an overlay whose
	# upper layer is a tmpfs (what a login shell's profile writes is lost).
	mkdir -p /rw && mount -t tmpfs -o mode=755 tmpfs /rw && mkdir /rw/root /rw/work &&
		mount -t overlay -o "lowerdir=$r/root,upperdir=/rw/root,workdir=/rw/work" overlay "$r/root" ||
		finish 1 "cannot make /root writable"
	# check-vm.sh's locale-archive of the host's locales, over the host's
	# /usr/lib/locale (an overlay: its directories stay too).
	a=/locale/usr/lib/locale
	if [ -f "$a/locale-archive" ]; then
		mkdir -p /rw/locale /rw/locale-work && cp "$a/locale-archive" /rw/locale/ &&
			mount -t overlay -o "lowerdir=$r/usr/lib/locale,upperdir=/rw/locale,workdir=/rw/locale-work" \
				overlay "$r/usr/lib/locale" || finish 1 "cannot lay the locale-archive over /usr/lib/locale"
	fi
	# The work tree again, on its own share: it may lie under one of those.
	mkdir -p "$r$NSTK_ROOT" 2>/dev/null
	mount -t 9p -o "$o" nstkroot "$r$NSTK_ROOT" || finish 1 "cannot mount the work tree $NSTK_ROOT"
	for d in dev proc sys; do
		mount -o move "/$d" "$r/$d" || finish 1 "cannot move /$d"
	done
	# What udev and systemd would have made.
	ln -s /proc/self/fd "$r/dev/fd"
	ln -s /proc/self/fd/0 "$r/dev/stdin"
	ln -s /proc/self/fd/1 "$r/dev/stdout"
	ln -s /proc/self/fd/2 "$r/dev/stderr"
	mkdir -p "$r/dev/pts" "$r/dev/shm"
	mount -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts "$r/dev/pts"
	mount -t tmpfs -o mode=1777 tmpfs "$r/dev/shm"
	c=$r/sys/fs/cgroup
	if [ "${NSTK_VM_CGROUP:-v2}" = v1 ]; then
		# A legacy host as systemd made them before the unified layout, and
		# as older distributions still do: a tmpfs, one hierarchy per
		# controller (cpu and cpuacct mounted together, reached by both
		# names), a named hierarchy for the init system, no cgroup2.
		mount -t tmpfs -o mode=755,size=1m tmpfs "$c" || finish 1 "no tmpfs on /sys/fs/cgroup"
		for h in cpu,cpuacct memory pids blkio; do
			mkdir "$c/$h" && mount -t cgroup -o "$h" cgroup "$c/$h" ||
				finish 1 "cannot mount the v1 $h hierarchy"
		done
		ln -s cpu,cpuacct "$c/cpu" && ln -s cpu,cpuacct "$c/cpuacct" ||
			finish 1 "cannot link cpu and cpuacct"
		mkdir "$c/systemd" && mount -t cgroup -o none,name=systemd cgroup "$c/systemd" ||
			finish 1 "cannot mount the named systemd hierarchy"
	else
		mount -t cgroup2 -o nsdelegate,memory_recursiveprot cgroup2 "$c" || finish 1 "cannot mount cgroup2"
		echo "+cpu +memory +io +pids" >"$c/cgroup.subtree_control" ||
			finish 1 "cannot enable cpu memory io pids in cgroup.subtree_control"
	fi
	hostname nstk-vm
	# No network card, but a loopback interface that is up, as on any host.
	ip link set lo up || finish 1 "cannot bring lo up"

	[ -x "$r/bin/busybox" ] || finish 1 "no /bin/busybox on the host (busybox-static)"
	# shellcheck disable=SC2093 # when exec fails, say so
	exec switch_root /newroot /bin/busybox sh "$NSTK_ROOT/scripts/vm/init.sh" stage2
	finish 1 "switch_root failed"
fi

# Stage 2: PID 1 in the host's tree. busybox sh reaps every child (it waits
# for any PID), so processes the tests orphan do not stay zombies.
cd "$NSTK_ROOT" || finish 1 "no $NSTK_ROOT in the guest"
# v1: the tmpfs read-only, as systemd leaves it (the hierarchies on it stay
# writable), so a test that assumes another layout fails instead of making
# directories there. (Here, not in stage 1: remount reads /proc/mounts.)
if [ "${NSTK_VM_CGROUP:-v2}" = v1 ]; then
	busybox mount -o remount,ro /sys/fs/cgroup || finish 1 "cannot make /sys/fs/cgroup read-only"
fi
env -i \
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	HOME=/root TERM=dumb LANG=C.UTF-8 TMPDIR=/tmp \
	NSTK_IN_VM=1 NSTK_BUILD="$NSTK_BUILD" NSTK_VM_BATS="$NSTK_VM_BATS" NSTK_VM_TAGS="$NSTK_VM_TAGS" \
	NSTK_VM_FILTER="$NSTK_VM_FILTER" NSTK_VM_CGROUP="${NSTK_VM_CGROUP:-v2}" \
	bash scripts/vm/guest-tests.sh
finish $?

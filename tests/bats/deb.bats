#!/usr/bin/env bats
# deb.bats — make deb: nstk_VERSION_ARCH.deb built by dpkg-buildpackage and
# debhelper through make install (debian/), checked by lintian, then
# installed with apt-get install ./nstk_*.deb into a throwaway root and run.
#
# The throwaway root: a private mount namespace (held by one sleep for the
# file) in which an overlay has this machine's root file system (/ alone,
# bind-mounted: no submounts) as its read-only lower layer and a tmpfs as
# its upper one; /proc, /sys and /dev are mounted into it. apt-get and dpkg
# run chrooted in there with this machine's own packages (nstk's
# dependencies are installed here, so nothing is downloaded); whatever they
# write lands in the tmpfs, which goes with the namespace. The host's dpkg
# database is checked to be untouched at the end.

load helpers

setup_file() {
	export DEB_VERSION_MK DEB_ARCH DEB_OUT DEB_FILE DEB_LOG DEB_STAMP DEB_HOST_NSTK
	DEB_VERSION_MK=$(sed -n 's/^VERSION *:= *//p' "$NSTK_ROOT/Makefile")
	DEB_ARCH=$(dpkg --print-architecture)
	DEB_OUT="$NSTK_ROOT/build/deb"
	DEB_FILE="$DEB_OUT/nstk_${DEB_VERSION_MK}_$DEB_ARCH.deb"
	DEB_LOG="$BATS_FILE_TMPDIR/make-deb.log"
	# What the host's dpkg says of nstk before: the same after, at the end.
	DEB_HOST_NSTK=$(dpkg-query -W -f='${db:Status-Status} ${Version}' nstk 2>/dev/null || echo none)
	DEB_STAMP="$BATS_FILE_TMPDIR/stamp"
	touch "$DEB_STAMP"
	sleep 0.01
	# Built once for the file (about 10 s on -j1); the first test reports.
	make -C "$NSTK_ROOT" deb >"$DEB_LOG" 2>&1 || true

	# The mount namespace of the throwaway root.
	export DEB_HOLDER DEB_ROOT="$BATS_FILE_TMPDIR/root/merged"
	mkdir -p "$BATS_FILE_TMPDIR/root"
	setsid unshare --mount --propagation private sleep 3600 </dev/null >/dev/null 2>&1 3>&- &
	DEB_HOLDER=$!
	local i
	for ((i = 0; i < 250; i++)); do
		[ "$(readlink "/proc/$DEB_HOLDER/ns/mnt" 2>/dev/null)" != "$(readlink /proc/self/ns/mnt)" ] &&
			[ "$(cat "/proc/$DEB_HOLDER/comm" 2>/dev/null)" = sleep ] && break
		sleep 0.02
	done
	local t="$BATS_FILE_TMPDIR/root" m="$DEB_ROOT"
	nsenter -t "$DEB_HOLDER" -m sh -euc '
		t=$1 m=$2
		mount -t tmpfs -o mode=0755 nstk-deb "$t"
		mkdir "$t/lower" "$t/upper" "$t/work" "$m"
		mount --bind / "$t/lower"
		mount -o remount,bind,ro "$t/lower"
		mount -t overlay nstk-deb -o "lowerdir=$t/lower,upperdir=$t/upper,workdir=$t/work" "$m"
		mount -t proc proc "$m/proc"
		mount --rbind /sys "$m/sys"
		mount --rbind /dev "$m/dev"
		mount -t tmpfs tmpfs "$m/tmp"
		mount -t tmpfs tmpfs "$m/run"
	' sh "$t" "$m" >"$BATS_FILE_TMPDIR/root.log" 2>&1 || true
}

teardown_file() {
	# The namespace, its mounts and the tmpfs holding all apt wrote go with
	# its one process.
	if [ -n "${DEB_HOLDER:-}" ]; then
		kill -KILL "$DEB_HOLDER" 2>/dev/null || true
		wait "$DEB_HOLDER" 2>/dev/null || true
	fi
}

teardown() {
	nstk_cleanup
}

need_deb() {
	[ -f "$DEB_FILE" ] || fail "make deb made no $DEB_FILE: $(tail -20 "$DEB_LOG")"
}

# CMD... run chrooted in the throwaway root.
in_root() {
	nsenter -t "$DEB_HOLDER" -m chroot "$DEB_ROOT" "$@"
}

need_root() {
	[ -d "/proc/$DEB_HOLDER" ] && in_root test -x /usr/bin/apt-get ||
		fail "no throwaway root: $(cat "$BATS_FILE_TMPDIR/root.log")"
}

need_installed() {
	need_root
	[ "$(in_root dpkg-query -W -f='${db:Status-Status}' nstk 2>/dev/null)" = installed ] ||
		fail "nstk is not installed in the throwaway root (see the apt-get test)"
}

@test "make deb: build/deb/nstk_VERSION_ARCH.deb and nstk-dbgsym's, from a copy in build/deb/, nothing written outside build/" {
	run cat "$DEB_LOG"
	assert_line "build-deb: build/deb/nstk_${DEB_VERSION_MK}_$DEB_ARCH.deb"
	need_deb
	[ -f "$DEB_OUT/nstk-dbgsym_${DEB_VERSION_MK}_$DEB_ARCH.deb" ] || fail "no nstk-dbgsym: $(ls "$DEB_OUT")"
	[ -d "$DEB_OUT/nstk-$DEB_VERSION_MK/debian" ] || fail "no source copy in $DEB_OUT/nstk-$DEB_VERSION_MK"
	# dpkg-buildpackage's own tooling did it: the log shows debhelper's steps
	# and dpkg-deb building both packages.
	assert_line "dpkg-buildpackage: info: source package nstk"
	assert_line --regexp '^ +dh_shlibdeps'
	assert_line --partial "dpkg-deb: building package 'nstk' in '../nstk_${DEB_VERSION_MK}_$DEB_ARCH.deb'."
	# Files written since setup_file began, outside build/ (and git's own).
	run find "$NSTK_ROOT" \( -path "$NSTK_ROOT/build" -o -path "$NSTK_ROOT/.git" \) -prune \
		-o -type f -newer "$DEB_STAMP" -print
	assert_success
	assert_output ""
}

@test "make deb: debian/changelog's version is the Makefile's VERSION and the package's; debian/rules refuses a mismatch" {
	need_deb
	run dpkg-parsechangelog -l "$NSTK_ROOT/debian/changelog" -S Version
	assert_success
	assert_output "$DEB_VERSION_MK"
	assert_equal "$(dpkg-deb -f "$DEB_FILE" Version)" "$DEB_VERSION_MK"
	assert_equal "$(dpkg-deb -f "$DEB_FILE" Package)" nstk
	# The guard in debian/rules: a Makefile whose VERSION has moved on alone.
	local d="$BATS_TEST_TMPDIR/src"
	mkdir -p "$d"
	cp -r "$NSTK_ROOT/debian" "$d/"
	sed 's/^VERSION *:=.*/VERSION   := 9.9.9/' "$NSTK_ROOT/Makefile" >"$d/Makefile"
	run make -s -C "$d" -f debian/rules override_dh_auto_configure
	assert_failure
	assert_output --partial "debian/changelog says $DEB_VERSION_MK, the Makefile's VERSION is 9.9.9"
	cp "$NSTK_ROOT/Makefile" "$d/Makefile"
	run make -s -C "$d" -f debian/rules override_dh_auto_configure
	assert_success
}

@test "lintian: no errors on the packages" {
	need_deb
	# --fail-on error (lintian >= 2.77): exit non-zero on an error only.
	# (As root it says so on stderr, kept apart.)
	run --separate-stderr lintian --fail-on error --info "$DEB_OUT"/*.deb
	echo "$output" >&2
	assert_success
	! grep -q '^E: ' <<<"$output" || fail "lintian errors: $output"
}

@test "the package: stripped tools, man pages, units where this systemd wants them, debug symbols in nstk-dbgsym" {
	need_deb
	local x="$BATS_TEST_TMPDIR/x" dbg="$BATS_TEST_TMPDIR/dbg" unitdir t u
	dpkg-deb -x "$DEB_FILE" "$x"
	dpkg-deb -x "$DEB_OUT/nstk-dbgsym_${DEB_VERSION_MK}_$DEB_ARCH.deb" "$dbg"
	for t in nsls nsenter-lite cgtop; do
		[ -x "$x/usr/bin/$t" ] || fail "no /usr/bin/$t in the package"
		run readelf -S "$x/usr/bin/$t"
		refute_output --partial .debug_info
		refute_output --partial .symtab
		# Its debug symbols, by build id, in nstk-dbgsym.
		local id
		id=$(readelf -n "$x/usr/bin/$t" | sed -n 's/.*Build ID: *//p')
		[ -n "$id" ] || fail "$t has no build id"
		[ -f "$dbg/usr/lib/debug/.build-id/${id:0:2}/${id:2}.debug" ] || fail "no debug symbols for $t ($id)"
		run "$x/usr/bin/$t" -V
		assert_success
		assert_output "$t from nstk $DEB_VERSION_MK"
	done
	[ -f "$x/usr/share/man/man8/nsls.8.gz" ] && [ -f "$x/usr/share/man/man1/nsenter-lite.1.gz" ] &&
		[ -f "$x/usr/share/man/man1/cgtop.1.gz" ] || fail "man pages: $(find "$x/usr/share/man" -type f)"
	unitdir=$(pkg-config --variable=systemdsystemunitdir systemd)
	[ -n "$unitdir" ] || fail "pkg-config names no systemdsystemunitdir"
	for u in cgtop-record.service nstk-textfile.service nstk-textfile.timer; do
		[ -f "$x$unitdir/$u" ] || fail "no $unitdir/$u in the package: $(dpkg-deb -c "$DEB_FILE")"
	done
	grep -qx 'ExecStart=/usr/bin/cgtop record' "$x$unitdir/cgtop-record.service"
	# Installing enables and starts nothing: no enable or start in the
	# maintainer scripts (dh_installsystemd --no-enable --no-start).
	local c="$BATS_TEST_TMPDIR/control"
	dpkg-deb -e "$DEB_FILE" "$c"
	! grep -E 'deb-systemd-invoke|systemctl .*(start|restart)' "$c/postinst" || fail "postinst starts a unit"
	# dh_installsystemd's enable is there, but (--no-enable) only inside
	# "if deb-systemd-helper debian-installed": what a person enabled
	# stays enabled on upgrade, a new install enables nothing.
	assert_equal "$(grep -c 'deb-systemd-helper --quiet was-enabled' "$c/postinst")" 2
	assert_equal "$(grep -c "if deb-systemd-helper debian-installed" "$c/postinst")" 2
}

# The package that owns the library file PATH (under the name dpkg knows:
# /lib/... or /usr/lib/... on a merged /usr; the link or its target).
lib_package() {
	local p pkg
	for p in "$1" "$(readlink -f "$1")" "${1/#\/lib\//\/usr\/lib\/}" "$(readlink -f "$1" | sed 's|^/usr/lib/|/lib/|')"; do
		pkg=$(dpkg -S "$p" 2>/dev/null | grep -v '^diversion' | head -1 | cut -d: -f1)
		[ -n "$pkg" ] && echo "$pkg" && return 0
	done
	return 1
}

@test "the package: Depends is what dpkg-shlibdeps computes, a package for every library the tools link" {
	need_deb
	local deps x="$BATS_TEST_TMPDIR/x" t lib path pkg
	deps=$(dpkg-deb -f "$DEB_FILE" Depends)
	echo "Depends: $deps" >&2
	dpkg-deb -x "$DEB_FILE" "$x"
	for t in nsls nsenter-lite cgtop; do
		for lib in $(objdump -p "$x/usr/bin/$t" | awk '$1 == "NEEDED" { print $2 }'); do
			path=$(ldconfig -p | awk -v l="$lib" '$1 == l && /x86-64|x86_64|64bit/ { print $NF; exit }')
			[ -n "$path" ] || path=$(ldconfig -p | awk -v l="$lib" '$1 == l { print $NF; exit }')
			[ -n "$path" ] || fail "$t needs $lib, which ldconfig does not know"
			pkg=$(lib_package "$path")
			[ -n "$pkg" ] || fail "no package owns $path ($lib, for $t)"
			[[ ", $deps," == *", $pkg "* || ", $deps," == *", $pkg,"* ]] ||
				fail "$t needs $lib ($pkg), which Depends lacks: $deps"
		done
	done
	# Versioned, as dpkg-shlibdeps writes them.
	[[ "$deps" == *"libsmartcols1 (>= "* && "$deps" == *"libc6 (>= "* ]] || fail "Depends: $deps"
}

@test "the package carries exactly what make install installs (tools, man pages, completions, units)" {
	need_deb
	local src="$DEB_OUT/nstk-$DEB_VERSION_MK" d="$BATS_TEST_TMPDIR/inst" unitdir
	unitdir=$(pkg-config --variable=systemdsystemunitdir systemd)
	# The copy the package was built from, already built: install only.
	run make -s -C "$src" install PREFIX=/usr UNITDIR="$unitdir" DESTDIR="$d"
	assert_success
	local want got
	# Man pages are compressed by dh_compress.
	want=$(cd "$d" && find . ! -type d | sed -e 's|^\.||' -e 's|^\(/usr/share/man/.*\)$|\1.gz|' | sort)
	got=$(dpkg-deb -c "$DEB_FILE" | awk '$1 !~ /^d/ { print $6 }' | sed 's|^\.||' |
		grep -v '^/usr/share/doc/nstk/' | sort)
	assert_equal "$got" "$want"
	# (The completions are make install's: when it installs them, this
	# test holds them to the package.)
	if [ -d "$d/usr/share/bash-completion/completions" ]; then
		[ -n "$(ls "$d/usr/share/bash-completion/completions")" ] || fail "an empty completions directory"
	fi
}

@test "apt-get install ./nstk_*.deb in a throwaway root: only nstk is installed, nothing downloaded" {
	need_deb
	need_root
	nsenter -t "$DEB_HOLDER" -m cp "$DEB_FILE" "$DEB_ROOT/tmp/"
	run in_root sh -c "cd /tmp && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ./nstk_*.deb"
	echo "$output" >&2
	assert_success
	assert_line --regexp '^0 upgraded, 1 newly installed, 0 to remove'
	assert_line --regexp '^Need to get 0 B/[0-9.]+ kB of archives\.$'
	refute_line --regexp '^(Get|Hit|Ign):.*(https?|ftp)://'
	assert_line --partial "Setting up nstk ($DEB_VERSION_MK)"
	run in_root dpkg-query -W -f='${db:Status-Status} ${Version}' nstk
	assert_output "installed $DEB_VERSION_MK"
}

@test "the installed package: dpkg -L lists the tools, man pages, units and completions; the units are not enabled" {
	need_installed
	run in_root dpkg -L nstk
	assert_success
	local f
	for f in /usr/bin/nsls /usr/bin/nsenter-lite /usr/bin/cgtop /usr/share/man/man8/nsls.8.gz \
		/usr/share/man/man1/nsenter-lite.1.gz /usr/share/man/man1/cgtop.1.gz; do
		assert_line "$f"
	done
	assert_line --regexp '/lib/systemd/system/cgtop-record\.service$'
	assert_line --regexp '/lib/systemd/system/nstk-textfile\.timer$'
	# Whatever completions the package has, dpkg installed them.
	local c
	for c in $(dpkg-deb -c "$DEB_FILE" | awk '{ print $6 }' | sed -n 's|^\./\(usr/share/bash-completion/completions/.\+\)|\1|p'); do
		assert_line "/$c"
		in_root test -f "/$c" || fail "/$c listed but not there"
	done
	# man finds the pages it installed.
	run in_root man -w nsls
	assert_output /usr/share/man/man8/nsls.8.gz
	# Disabled until a person enables them.
	run in_root systemctl is-enabled cgtop-record.service nstk-textfile.timer
	assert_output "disabled
disabled"
	run in_root find /etc/systemd/system -name 'cgtop-record*' -o -name 'nstk-textfile*'
	assert_output ""
}

@test "the installed tools: -V, nsls -t net, nsenter-lite into another UTS namespace, cgtop --depth 0" {
	need_installed
	local t
	for t in nsls nsenter-lite cgtop; do
		run in_root "/usr/bin/$t" -V
		assert_success
		assert_output "$t from nstk $DEB_VERSION_MK"
	done
	# nsls: this process's network namespace among those it lists.
	local ino
	ino=$(nstk_ns_ino self net)
	run --separate-stderr in_root nsls -J -t net
	assert_success
	assert_equal "$(jq -r --argjson i "$ino" '[.namespaces[] | select(.type == "net" and .ns == $i)] | length' <<<"$output")" 1
	# nsenter-lite: the hostname of a process in a UTS namespace of its own.
	nstk_spawn nsenter -t "$DEB_HOLDER" -m chroot "$DEB_ROOT" unshare --uts sh -c 'hostname nstk-deb-test && exec sleep 60'
	local pid
	# (nsenter -m, chroot, unshare and sh each exec the next.)
	pid=$NSTK_PID
	nstk_wait_comm "$pid" sleep
	[ "$(nstk_ns_ino "$pid" uts)" != "$(nstk_ns_ino self uts)" ] || fail "PID $pid shares our UTS namespace"
	run in_root nsenter-lite -t "$pid" -u uname -n
	assert_success
	assert_output nstk-deb-test
	# cgtop: the root cgroup alone, in JSON.
	run --separate-stderr in_root cgtop -J -n 1 -d 0.1 --depth 0
	assert_success
	assert_equal "$(jq -r '[.cgroups[].path] | join(" ")' <<<"$output")" /
	run in_root cgtop -b -n 1 -d 0.1 --depth 0
	assert_success
	assert_line --index 0 --regexp '^PATH +TASKS '
	assert_line --index 1 --regexp '^/ +[0-9]+ '
}

@test "apt-get purge nstk in the throwaway root removes it; the host's dpkg never saw it" {
	need_installed
	run in_root env DEBIAN_FRONTEND=noninteractive apt-get purge -y nstk
	assert_success
	run in_root dpkg-query -W -f='${db:Status-Status}' nstk
	refute_output installed
	in_root test ! -e /usr/bin/nsls || fail "/usr/bin/nsls still in the throwaway root"
	# The host: nstk as it was before the file began (not installed, here).
	assert_equal "$(dpkg-query -W -f='${db:Status-Status} ${Version}' nstk 2>/dev/null || echo none)" "$DEB_HOST_NSTK"
	if [ "$DEB_HOST_NSTK" = none ]; then
		[ ! -e /usr/bin/nsls ] && [ ! -e /var/lib/dpkg/info/nstk.list ] || fail "nstk's files on the host"
	fi
}

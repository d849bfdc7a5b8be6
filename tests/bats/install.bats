#!/usr/bin/env bats
# install.bats — make install puts stripped tools and their man pages under
# DESTDIR/PREFIX; make uninstall takes exactly those away again.

load helpers

@test "make install: stripped binaries and man pages; make uninstall removes them all" {
	# The build the suite runs on ($NSLS's directory), not a new one.
	local d="$BATS_TEST_TMPDIR/root" san=() build="${NSLS%/nsls}"
	[[ "$build" == */san ]] && san=(SAN=1)
	run make -s -C "$NSTK_ROOT" "${san[@]}" BUILD="$build" DESTDIR="$d" PREFIX=/usr install
	assert_success
	local t
	for t in nsls nsenter-lite cgtop; do
		[ -x "$d/usr/bin/$t" ] || fail "$t not installed"
		run readelf -S "$d/usr/bin/$t"
		refute_output --partial .debug_info
		refute_output --partial .symtab
		run "$d/usr/bin/$t" -V
		assert_success
	done
	[ -f "$d/usr/share/man/man8/nsls.8" ] && [ -f "$d/usr/share/man/man1/nsenter-lite.1" ] &&
		[ -f "$d/usr/share/man/man1/cgtop.1" ] || fail "man pages: $(find "$d" -type f)"
	# The recorder's unit, pointing at the installed cgtop, and sound to systemd.
	local unit="$d/usr/lib/systemd/system/cgtop-record.service"
	[ -f "$unit" ] || fail "cgtop-record.service not installed: $(find "$d" -type f)"
	grep -qx 'ExecStart=/usr/bin/cgtop record' "$unit"
	command -v systemd-analyze >/dev/null || fail "systemd-analyze not installed (package systemd)"
	# verify resolves ExecStart on this root: point it at the installed binary.
	sed "s|^ExecStart=/usr/bin/cgtop|ExecStart=$d/usr/bin/cgtop|" "$unit" >"$BATS_TEST_TMPDIR/cgtop-record.service"
	# (--man=no: the page is under DESTDIR, not where man looks.)
	run systemd-analyze verify --man=no "$BATS_TEST_TMPDIR/cgtop-record.service"
	assert_success
	refute_output --partial cgtop-record.service
	run make -s -C "$NSTK_ROOT" "${san[@]}" BUILD="$build" DESTDIR="$d" PREFIX=/usr uninstall
	assert_success
	assert_equal "$(find "$d" -type f)" ""
}

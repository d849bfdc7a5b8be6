#!/usr/bin/env bats
# install.bats — make install puts stripped tools, their man pages and the
# systemd units (cgtop-record, nstk-textfile) under DESTDIR/PREFIX; make
# uninstall takes exactly those away again.

load helpers

teardown() {
	nstk_cleanup
}

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

@test "make install: nstk-textfile.service and .timer, not enabled, sound to systemd; their commands feed node_exporter" {
	local d="$BATS_TEST_TMPDIR/root" san=() build="${NSLS%/nsls}"
	[[ "$build" == */san ]] && san=(SAN=1)
	run make -s -C "$NSTK_ROOT" "${san[@]}" BUILD="$build" DESTDIR="$d" PREFIX=/usr install
	assert_success
	local units="$d/usr/lib/systemd/system" u
	for u in nstk-textfile.service nstk-textfile.timer; do
		[ -f "$units/$u" ] || fail "$u not installed: $(ls "$units")"
	done
	# Disabled until a person enables it: install makes no wants/ link.
	assert_equal "$(find "$d" -type l)" ""
	grep -qx 'OnUnitActiveSec=30s' "$units/nstk-textfile.timer"
	grep -qx 'WantedBy=timers.target' "$units/nstk-textfile.timer"
	# The directory the service writes is the one Debian's node_exporter reads
	# by default, as its own --help says.
	local ne dir
	ne="$(command -v prometheus-node-exporter || command -v node_exporter || true)"
	[ -n "$ne" ] || fail "prometheus-node-exporter not installed (scripts/install-deps.sh installs it)"
	dir=$("$ne" --help 2>&1 | sed -n 's/.*--collector\.textfile\.directory="\([^"]*\)".*/\1/p')
	[ -n "$dir" ] || fail "node_exporter's --help names no textfile directory"
	assert_equal "$(grep -c "^ExecStart=/usr/bin/.* -o $dir/nstk-[a-z]*\.prom\$" "$units/nstk-textfile.service")" 2
	# systemd-analyze verify resolves ExecStart on this root: the installed
	# binaries; the timer beside its service.
	local v="$BATS_TEST_TMPDIR/verify"
	mkdir -p "$v"
	sed "s|^ExecStart=/usr/bin/|ExecStart=$d/usr/bin/|" "$units/nstk-textfile.service" >"$v/nstk-textfile.service"
	cp "$units/nstk-textfile.timer" "$v/"
	run systemd-analyze verify --man=no "$v/nstk-textfile.service" "$v/nstk-textfile.timer"
	assert_success
	refute_output --partial nstk-textfile
	# The service's own commands, run into a scratch directory: both files
	# valid, served by a real node_exporter on loopback.
	local t="$BATS_TEST_TMPDIR/textfile" cmd
	mkdir -p "$t"
	while IFS= read -r cmd; do
		cmd=${cmd#ExecStart=/usr/bin/}
		cmd=${cmd//"$dir"/"$t"}
		# shellcheck disable=SC2086 # the unit's words
		run "$d/usr/bin/"$cmd
		assert_success
		assert_output ""
	done < <(grep '^ExecStart=' "$units/nstk-textfile.service")
	for u in nstk-cgtop.prom nstk-nsls.prom; do
		run promtool check metrics <"$t/$u"
		[ "$status" -eq 0 ] && [ -z "$output" ] || fail "promtool check metrics $u: $output"
	done
	nstk_textfile_exporter "$t"
	nstk_scrape
	grep -q '^nstk_cgroup_cpu_usage_seconds_total{cgroup="/",container=""}' <<<"$NSTK_SCRAPE" || fail "no cgtop series served"
	grep -qE '^nstk_namespace_leaked_namespaces\{type="net"\} [0-9]+$' <<<"$NSTK_SCRAPE" || fail "no nsls series served"
	grep -q '^node_textfile_scrape_error 0$' <<<"$NSTK_SCRAPE"
	run make -s -C "$NSTK_ROOT" "${san[@]}" BUILD="$build" DESTDIR="$d" PREFIX=/usr uninstall
	assert_success
	assert_equal "$(find "$d" -type f)" ""
}

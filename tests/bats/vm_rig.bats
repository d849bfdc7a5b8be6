#!/usr/bin/env bats
# vm_rig.bats — the VM rig's own scripts, on the host, without booting:
# check-matrix.sh's lines and exit status for boots that cannot run or are
# not in the matrix, and fetch-kernel.sh's cache (a ready entry is used
# without asking apt; a kernel outside the matrix is refused). The boots
# themselves are the VM part of make check.

load helpers

setup() {
	cd "$NSTK_ROOT" || return 1
}

@test "check-matrix: every boot that cannot run says SKIP with its kernel and reason; the summary counts them" {
	run env NSTK_VM_SKIP="no time today" NSTK_VM_MATRIX="5.10:v2 6.12:v2 6.1:v1" scripts/vm/check-matrix.sh
	assert_success
	assert_line "SKIP: vm 5.10 v2: no time today"
	assert_line "SKIP: vm 6.12 v2: no time today"
	assert_line "SKIP: vm 6.1 v1: no time today"
	assert_equal "${lines[-1]}" "vm matrix: 3 boots, 0 passed, 0 failed, 3 skipped"
}

@test "check-matrix: a layout or kernel outside the matrix is a failure that names it, not a skip" {
	run env NSTK_VM_MATRIX="6.1:v3" scripts/vm/check-matrix.sh
	assert_failure
	assert_line "check-vm: NSTK_VM_CGROUP is v2 or v1, not 'v3'"
	assert_equal "${lines[-1]}" "vm matrix: 1 boots, 0 passed, 1 failed"
	run env NSTK_VM_MATRIX="4.19:v2" NSTK_VM_CACHE="$BATS_TEST_TMPDIR/cache" scripts/vm/check-matrix.sh
	assert_failure
	assert_line --regexp "^not ok 1 \\[4\\.19 v2\\] vm: fetch-kernel\\.sh failed \\(status 2\\): no kernel '4\\.19' in the matrix"
	assert_line "vm 4.19 v2: 0 passed, 1 failed"
}

@test "fetch-kernel: a ready cache entry is used without apt; each kernel has its own" {
	local c="$BATS_TEST_TMPDIR/cache" want
	mkdir -p "$c/linux-image-5.10.0-99-amd64_1/modules"
	want=$(sed -n 's/^WANT="\(.*\)"$/\1/p' scripts/vm/fetch-kernel.sh)
	[ -n "$want" ] || fail "no WANT= in fetch-kernel.sh"
	echo "$want" >"$c/linux-image-5.10.0-99-amd64_1/modules/want"
	touch "$c/linux-image-5.10.0-99-amd64_1/ready"
	ln -s linux-image-5.10.0-99-amd64_1 "$c/current-5.10"
	# No apt on the PATH (every other command of /usr/bin is): the cache
	# alone must answer.
	local bin="$BATS_TEST_TMPDIR/bin" f
	mkdir -p "$bin"
	for f in /usr/bin/*; do
		case ${f##*/} in apt* | dpkg*) ;; *) ln -s "$f" "$bin/" ;; esac
	done
	run env PATH="$bin" NSTK_VM_CACHE="$c" /bin/sh scripts/vm/fetch-kernel.sh 5.10
	assert_success
	assert_output "$c/linux-image-5.10.0-99-amd64_1"
	# 6.12 has no entry: without apt it cannot be had (status 3, said).
	run --separate-stderr env PATH="$bin" NSTK_VM_CACHE="$c" /bin/sh scripts/vm/fetch-kernel.sh 6.12
	assert_equal "$status" 3
	assert_equal "$stderr" "fetch-kernel: no apt-get/dpkg-deb: cannot fetch a Debian kernel"
	run --separate-stderr env NSTK_VM_CACHE="$c" scripts/vm/fetch-kernel.sh 4.19
	assert_equal "$status" 2
	assert_equal "$stderr" "fetch-kernel: no kernel '4.19' in the matrix (5.10, 6.1, 6.12)"
}

@test "fetch-kernel: an index not signed by the keyring given is a failure (status 1, not a skip), nothing fetched" {
	local c="$BATS_TEST_TMPDIR/cache" st="$BATS_TEST_TMPDIR/apt"
	# Debian's trixie key is a real archive key, but not the one that signs
	# bullseye: apt must refuse bullseye's InRelease with it.
	local key=/usr/share/keyrings/debian-archive-trixie-stable.gpg
	[ -r "$key" ] || fail "no $key (debian-archive-keyring)"
	run --separate-stderr env NSTK_VM_CACHE="$c" NSTK_VM_APT_STATE="$st" NSTK_VM_KEYRING="$key" \
		scripts/vm/fetch-kernel.sh 5.10
	assert_equal "$status" 1
	assert_output ""
	assert_equal "${stderr_lines[-1]}" "fetch-kernel: bullseye's index is not signed by a key in $key"
	# Its own state, never the host's or the work tree's.
	[ -f "$st/bullseye/sources.list" ] || fail "no private sources list in $st"
	grep -qx "deb \\[signed-by=$key\\] .* bullseye main" "$st/bullseye/sources.list"
	assert_equal "$(find "$c" -name '*.deb' -o -name vmlinux)" ""
}

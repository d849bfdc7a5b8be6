#!/usr/bin/env bash
# util-linux-tests.sh — util-linux's own test suites for lsns and nsenter,
# run against nsls and nsenter-lite: the anchor's tests, not our reading of
# its man page, are the judge of "drop-in".
#
#   scripts/util-linux-tests.sh [--anchor] [lsns|nsenter]...
#
# Fetches util-linux v2.42.2 (git, into build/anchors/), builds with meson
# only what the suites need (lsfd, test_mkfds, test_sysinfo, unshare,
# mount, umount, and lsns and nsenter themselves for --anchor), and runs
# tests/run.sh with TS_CMD_LSNS=build/nsls and TS_CMD_NSENTER=
# build/nsenter-lite. --anchor runs the suites against util-linux's own lsns
# and nsenter instead (they must pass too, or the suite is broken here).
# The last line is "util-linux COMPONENT: N of M passed" per component; the
# exit status is 0 only when every test passed. When the source cannot be
# had (no network and no UTIL_LINUX_GIT), it prints "SKIP: reason" and
# exits 77.
#
# The source: $UTIL_LINUX_GIT (a URL or a local clone), else a local mirror
# of the repository if this machine has one, else GitHub.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${NSTK_BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
VERSION=v2.42.2
SRC="$ROOT/build/anchors/util-linux-${VERSION#v}"
OUT="$SRC/_b"

anchor=0
components=()
for a; do
	case "$a" in
	--anchor) anchor=1 ;;
	lsns | nsenter) components+=("$a") ;;
	*)
		echo "util-linux-tests: unknown argument '$a'" >&2
		exit 2
		;;
	esac
done
[ "${#components[@]}" -gt 0 ] || components=(lsns nsenter)

skip() {
	echo "SKIP: $*"
	exit 77
}

fetch() {
	[ -f "$SRC/tests/run.sh" ] && return 0
	local url
	for url in "${UTIL_LINUX_GIT:-}" /work/.mirror/util-linux+util-linux/repo \
		https://github.com/util-linux/util-linux.git; do
		[ -n "$url" ] || continue
		case "$url" in /*) [ -d "$url" ] || continue ;; esac
		rm -rf "$SRC.part"
		if git -c advice.detachedHead=false clone -q --depth 1 --branch "$VERSION" \
			"$url" "$SRC.part" >/dev/null 2>&1; then
			mv "$SRC.part" "$SRC"
			return 0
		fi
	done
	rm -rf "$SRC.part"
	skip "cannot fetch util-linux $VERSION (no network to GitHub; set UTIL_LINUX_GIT to a clone)"
}

build() {
	command -v meson >/dev/null && command -v ninja >/dev/null && command -v bison >/dev/null ||
		skip "meson, ninja and bison are needed (scripts/install-deps.sh installs them)"
	if [ ! -f "$OUT/build.ninja" ]; then
		rm -rf "$OUT"
		meson setup "$OUT" "$SRC" -Dauto_features=disabled -Dprogram-tests=true \
			-Dbuild-libsmartcols=enabled -Dbuild-libmount=enabled -Dbuild-libblkid=enabled \
			-Dbuild-lsns=enabled -Dbuild-lsfd=enabled -Dbuild-unshare=enabled \
			-Dbuild-nsenter=enabled -Dbuild-mount=enabled >"$SRC.setup.log" 2>&1 ||
			{
				tail -n 5 "$SRC.setup.log" >&2
				echo "util-linux-tests: meson setup failed (log: $SRC.setup.log)" >&2
				exit 1
			}
	fi
	ninja -C "$OUT" lsns lsfd nsenter unshare mount umount test_mkfds test_sysinfo \
		>"$SRC.build.log" 2>&1 || {
		tail -n 5 "$SRC.build.log" >&2
		echo "util-linux-tests: build failed (log: $SRC.build.log)" >&2
		exit 1
	}
}

fetch
build

if [ "$anchor" = 0 ]; then
	[ -x "$BUILD/nsls" ] && [ -x "$BUILD/nsenter-lite" ] ||
		{ echo "util-linux-tests: build nsls and nsenter-lite first (make)" >&2; exit 1; }
	export TS_CMD_LSNS="$BUILD/nsls" TS_CMD_NSENTER="$BUILD/nsenter-lite"
fi

st=0
summary=()
for c in "${components[@]}"; do
	rm -rf "$OUT/tests/output/$c" "$OUT/tests/diff/$c"
	log="$SRC.$c.log"
	"$SRC/tests/run.sh" --srcdir="$SRC" --builddir="$OUT" --nolocks "$c" >"$log" 2>&1 || true
	cat "$log"
	# run.sh ends "All M tests PASSED" or "N tests of M FAILED", and counts
	# a skipped test as passed: here a skip is not a pass.
	total=$(sed -nE 's/^ *All ([0-9]+) tests PASSED$/\1/p; s/^ *[0-9]+ tests of ([0-9]+) FAILED$/\1/p' "$log" | tail -n 1)
	failed=$(sed -nE 's/^ *([0-9]+) tests of [0-9]+ FAILED$/\1/p' "$log" | tail -n 1)
	skipped=$(grep -cE '\.\.\. SKIPPED' "$log" || true)
	total=${total:-0} failed=${failed:-0}
	ok=$((total - failed - skipped))
	for d in "$OUT/tests/diff/$c"/*; do
		[ -e "$d" ] || continue
		echo "--- ${d##*/}:"
		head -n 40 "$d"
	done
	[ "$skipped" = 0 ] && skipped="" || skipped=", $skipped skipped"
	summary+=("util-linux $c: $ok of $total passed$skipped")
	[ "$total" -gt 0 ] && [ "$ok" = "$total" ] || st=1
done
printf '%s\n' "${summary[@]}"
exit "$st"

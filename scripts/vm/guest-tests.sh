#!/usr/bin/env bash
# guest-tests.sh — what the nstk test VM runs (from init.sh, in the host's
# tree mounted read-only, as root, NSTK_IN_VM=1): the tests tagged
# NSTK_VM_TAGS (default "vm") in the bats files named in NSTK_VM_BATS (all
# of tests/bats/*.bats when empty), in TAP, between two console markers the
# host counts from, then one summary line:
#
#   NSTK-VM-BOOTED: <guest uptime> s, kernel <release>, cgroup <layout> [<controllers>]
#   NSTK-VM-TAP-BEGIN
#   ok 1 ... in 1234ms  (bats --tap --timing)
#   NSTK-VM-TAP-END
#   NSTK-VM-RESULT: N passed, N failed, N skipped (<guest uptime> s)
#
# A test is tagged with a comment line above it, "# bats test_tags=vm", a
# whole file with "# bats file_tags=vm" (bats's own tags: --filter-tags).
# Under TCG a test costs seconds: only what needs a pure cgroup v2 kernel or
# a second kernel version belongs in the VM. NSTK_VM_TAGS= (empty) runs
# every test of the files given; NSTK_VM_FILTER, a regex, only the tests
# whose name it matches (bats -f).
#
# Exit status 0 when nothing failed, else 1.
set -u
cd "$(dirname "$0")/../.." || exit 1
export NSTK_BUILD="${NSTK_BUILD:-build}" NSTK_IN_VM=1 NSTK_VM_CGROUP="${NSTK_VM_CGROUP:-v2}"

uptime() { cut -d' ' -f1 /proc/uptime; }

if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
	cgroups="cgroup2 [$(cat /sys/fs/cgroup/cgroup.subtree_control)]"
else
	cgroups="v1 [$(awk '$3 == "cgroup" { sub(".*/", "", $2); printf "%s ", $2 }' /proc/mounts)]"
fi
echo "NSTK-VM-BOOTED: $(uptime) s, kernel $(uname -r), cgroup $cgroups"

# shellcheck disable=SC2206
given=(${NSTK_VM_BATS:-})
[ "${#given[@]}" -gt 0 ] || given=(tests/bats/*.bats)
tags=${NSTK_VM_TAGS-vm}
filter=() files=()
[ -z "${NSTK_VM_FILTER:-}" ] || filter=(--filter "$NSTK_VM_FILTER")
if [ -n "$tags" ]; then
	filter+=(--filter-tags "$tags")
	# Only files that tag something: bats would read every file it is given.
	for f in "${given[@]}"; do
		grep -qE "^[[:blank:]]*# bats (test|file)_tags=.*\b(${tags//,/|})\b" "$f" && files+=("$f")
	done
else
	files=("${given[@]}")
fi

# bats-support and bats-assert run dirname(1) for each of the 15 files they
# source, and every test loads them again: under TCG an exec of a dynamic
# binary costs 40-70 ms, so about 1 s a test went to dirname alone. This
# function does dirname's job for one plain path in bash (anything else goes
# to the real one); exported, it reaches every bash bats starts. Nothing
# else changes: the tests run the same code as on the host.
dirname() {
	if [ $# -ne 1 ]; then
		command dirname "$@"
		return
	fi
	local p=$1
	case $p in
	"" | -* | *//*)
		command dirname "$p"
		return
		;;
	esac
	[ "$p" = / ] || p=${p%/}
	case $p in
	/) ;;
	*/*)
		p=${p%/*}
		[ -n "$p" ] || p=/
		;;
	*) p=. ;;
	esac
	printf '%s\n' "$p"
}
export -f dirname

log=$(mktemp)
echo "NSTK-VM-TAP-BEGIN"
if [ "${#files[@]}" -gt 0 ]; then
	bats --tap --timing "${filter[@]}" "${files[@]}" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
else
	echo "1..0 # no test tagged '$tags' in ${given[*]}" | tee "$log"
	rc=0
fi
p=$(grep -cE '^ok [0-9]+' "$log")
s=$(grep -cE '^ok [0-9]+ .*# skip' "$log")
f=$(grep -cE '^not ok [0-9]+' "$log")
# bats failing without a failed test (a bad file, a crash): one failure.
if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
	echo "not ok $((p + 1)) bats exited with status $rc"
	f=1
fi
rm -f "$log"
echo "NSTK-VM-TAP-END"
echo "NSTK-VM-RESULT: $((p - s)) passed, $f failed, $s skipped ($(uptime) s)"
[ "$f" -eq 0 ]

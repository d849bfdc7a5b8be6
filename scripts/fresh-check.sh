#!/usr/bin/env bash
# fresh-check.sh — would `make check` see the same packages on a fresh
# Debian 12 machine as here? Fails, naming the package, when the tests could
# be leaning on something that only this machine has.
#
# A fresh machine is modelled as apt itself would make it: every package of
# priority required or important in the archive, plus what
# `apt-get install --no-install-recommends` of install-deps.sh's list pulls
# in, resolved by apt against an empty dpkg status (a simulation: nothing is
# installed, /etc/apt is not touched). Every package installed here and not
# in that set is "extra". The check fails when
#   1. a test, script, bench or the Makefile runs a command that only an
#      extra package provides (a command word: start of a line, after a
#      pipe, ;, &&, $( or `run`/`exec`/`timeout N`..., or a #! line); or
#   2. an extra package is a Recommends or an alternative dependency of a
#      named package: it can change what a named package does (netavark
#      made podman name its bridge podman0 where a fresh machine, on CNI,
#      has cni-podman0) unless REVIEWED below says why it does not matter.
# What it cannot see: a command name built at run time, or a program that a
# named package runs because an extra one is installed and that is not its
# Recommends. Options: -v lists the extra packages too.
set -euo pipefail
cd "$(dirname "$0")/.."

# Recommends of named packages that are installed on this machine, checked
# by hand: none changes what the tests see.
declare -A REVIEWED=(
	[libatm1]="iproute2's tc ATM qdisc; the tests never use tc"
	[dbus-user-session]="podman's rootless user sessions; the tests run podman as root"
	[psmisc]="procps's Recommends (fuser, killall); the tests never use them"
	[dbus]="prometheus-node-exporter's systemd collector; the test runs node-exporter with only the textfile collector"
	[gdb]="valgrind's vgdb; the tests never start it"
)

verbose=0
[ "${1:-}" = -v ] && verbose=1

die() {
	echo "fresh-check: $*" >&2
	exit 1
}

command -v apt-get >/dev/null && command -v dpkg-query >/dev/null || die "needs apt-get and dpkg-query (Debian)"
compgen -G "/var/lib/apt/lists/*_Packages*" >/dev/null ||
	die "no package lists in /var/lib/apt/lists: run apt-get update first"

named=$(sed -n '/^PACKAGES="/,/^"/p' scripts/install-deps.sh | grep -v '"')
[ -n "$named" ] || die "no PACKAGES list in scripts/install-deps.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Priority required and important, from the archive's own lists.
for f in /var/lib/apt/lists/*_Packages*; do
	/usr/lib/apt/apt-helper cat-file "$f"
done | awk '/^Package: /{p=$2} /^Priority: (required|important)$/{print p}' | sort -u >"$tmp/base"

: >"$tmp/status"
# shellcheck disable=SC2086 # one package per word
if ! apt-get -s -o Dir::State::status="$tmp/status" -o Debug::NoLocking=1 \
	install --no-install-recommends $named $(cat "$tmp/base") >"$tmp/sim" 2>&1; then
	die "apt cannot install install-deps.sh's list on a fresh machine: $(grep -m1 '^E:' "$tmp/sim" || tail -n 1 "$tmp/sim")"
fi
awk '/^Inst /{print $2}' "$tmp/sim" | sort -u >"$tmp/fresh"
dpkg-query -W -f '${db:Status-Status} ${Package}\n' | awk '$1 == "installed" {print $2}' |
	sed 's/:.*//' | sort -u >"$tmp/here"
comm -23 "$tmp/here" "$tmp/fresh" >"$tmp/extra"
[ "$verbose" = 1 ] && echo "extra here ($(wc -l <"$tmp/extra")): $(tr '\n' ' ' <"$tmp/extra")"

problems=0
files=(tests/bats/*.bats tests/bats/*.bash scripts/*.sh scripts/vm/*.sh bench/*.sh Makefile .ci/run)

# 1. Commands only an extra package provides (dpkg's file lists, one pass).
while read -r pkg; do
	for l in /var/lib/dpkg/info/"$pkg".list /var/lib/dpkg/info/"$pkg":*.list; do
		[ -e "$l" ] && grep -E '^/(usr/)?s?bin/[^/]+$' "$l" | sed "s|.*/||; s|^|$pkg |" || true
	done
done <"$tmp/extra" | sort -u >"$tmp/cmds"
# Every word in a command position, once: each line (comments out) cut at
# | ; & ( ` $( and after words that run the next one (run, exec, timeout N,
# then, do ...); the first word of each piece that is not an assignment.
{
	grep -h '^#!' "${files[@]}" | tr ' /' '\n\n'
	grep -hv '^[[:space:]]*#' "${files[@]}" |
		sed -E 's/[|&(`]/;/g; s/\b(run|exec|then|do|else|if|while|until|timeout [0-9.]+[smh]?|timeout -s [A-Z]+ [^ ]+|command -v|nstk_spawn|setsid|env|nice|strace( -[^ ]+)*|xargs)[[:space:]]+/;/g' |
		tr ';' '\n' |
		awk '{ for (i = 1; i <= NF && $i ~ /^[A-Za-z_][A-Za-z0-9_]*=/; i++); if (i <= NF) print $i }'
} | grep -E '^[A-Za-z0-9_.+-]+$' | sort -u >"$tmp/words"
while read -r pkg cmd; do
	grep -qxF -- "$cmd" "$tmp/words" || continue
	# A shell keyword or builtin (time, test, kill) runs without the package.
	case $(type -t -- "$cmd" 2>/dev/null) in keyword | builtin) continue ;; esac
	# (grep -m1, not head: under pipefail a grep cut off by head fails the script.)
	where=$(grep -nwF -- "$cmd" "${files[@]}" | grep -m1 -v '^[^:]*:[0-9]*:[[:space:]]*#' || true)
	echo "fresh-check: the tests run '$cmd' ($where), from $pkg, which install-deps.sh does not install"
	problems=$((problems + 1))
done <"$tmp/cmds"

# 2. Recommends and alternatives of named packages that are installed here only.
# shellcheck disable=SC2086
apt-cache depends --no-suggests --no-conflicts --no-breaks --no-replaces --no-enhances $named 2>/dev/null |
	awk '/^[^ ]/ { pkg = $1; alt = 0; next }
	     $1 == "Recommends:" { print pkg, $NF }
	     $1 == "|Depends:" || ($1 == "Depends:" && alt) { print pkg, $NF }
	     { alt = ($1 ~ /^\|/) }' | sort -u >"$tmp/soft"
while read -r by pkg; do
	grep -qxF "$pkg" "$tmp/extra" || continue
	[ -n "${REVIEWED[$pkg]:-}" ] && continue
	echo "fresh-check: $pkg is installed here, and a fresh machine would not have it: a Recommends or alternative of $by, it can change what $by does; name it in install-deps.sh, remove it, or review it in ${0##*/}"
	problems=$((problems + 1))
done <"$tmp/soft"

echo "fresh-check: $(wc -l <"$tmp/fresh") packages on a fresh machine, $(wc -l <"$tmp/extra") more here; $problems problems"
[ "$problems" = 0 ]

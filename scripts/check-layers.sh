#!/bin/sh
# check-layers.sh BUILD — the arrows between nstk's folders run one way.
#
# Reads the symbols each object under BUILD/lib and BUILD/tools defines and
# uses (nm), and fails, one line per offence, when
#   - an object uses a symbol of a folder its own folder may not use
#     (the table below, which docs/design.md draws), or
#   - objects use each other in a circle, of any length (tsort finds it).
# A tool's folder may use the library and itself, never another tool.
# Prints "check-layers: N objects, N arrows, ok" when all is well.
set -eu

build=${1:-build}
[ -d "$build/lib" ] || { echo "check-layers: no objects under $build/lib (build first)" >&2; exit 2; }

# folder: the folders below it that it may use.
allowed() {
	case $1 in
	lib/base) echo "" ;;
	lib/proc) echo "lib/base" ;;
	lib/container) echo "lib/base lib/proc" ;;
	lib/ns) echo "lib/base lib/proc" ;;
	lib/cgroup) echo "lib/base lib/proc lib/container" ;;
	lib/enter) echo "lib/base lib/proc lib/container lib/ns" ;;
	lib/store) echo "lib/base lib/proc lib/container lib/cgroup" ;;
	lib/out) echo "lib/base" ;;
	tools/*) echo "lib/base lib/proc lib/container lib/ns lib/cgroup lib/enter lib/store lib/out" ;;
	*) echo "?" ;;
	esac
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

objs=$(find "$build/lib" "$build/tools" -name '*.o' 2>/dev/null | sort)
[ -n "$objs" ] || { echo "check-layers: no objects under $build" >&2; exit 2; }
for o in $objs; do
	rel=${o#"$build"/}
	nm --defined-only -g "$o" | awk -v f="$rel" 'NF == 3 && $2 ~ /[TDBRCVWG]/ { print $3, f }'
done | sort -k1,1 >"$tmp/defs"
for o in $objs; do
	rel=${o#"$build"/}
	nm -u "$o" | awk -v f="$rel" '{ print $NF, f }'
done | sort -k1,1 >"$tmp/uses"
# "user definer symbol", one per arrow and symbol.
join "$tmp/uses" "$tmp/defs" | awk '$2 != $3 { print $2, $3, $1 }' | sort -u >"$tmp/edges"

bad=0
while read -r user definer symbol; do
	from=$(dirname "$user")
	to=$(dirname "$definer")
	[ "$from" = "$to" ] && continue
	ok=no
	for a in $(allowed "$from"); do
		[ "$a" = "$to" ] && ok=yes
	done
	if [ "$ok" = no ]; then
		echo "check-layers: $user uses $symbol of $definer: $from may use only: $(allowed "$from" | sed 's/^$/nothing/')"
		bad=1
	fi
done <"$tmp/edges"

# Circles between files: tsort reports each loop it breaks, on stderr.
awk '{ print $1, $2 }' "$tmp/edges" | sort -u >"$tmp/arrows"
if ! tsort "$tmp/arrows" >/dev/null 2>"$tmp/loops" || [ -s "$tmp/loops" ]; then
	awk '/input contains a loop/ { if (line) print line; line = "check-layers: files in a circle:"; next }
	     { sub(/^tsort: /, ""); line = line " " $0 }
	     END { if (line) print line }' "$tmp/loops"
	bad=1
fi

[ "$bad" -eq 0 ] || exit 1
echo "check-layers: $(echo "$objs" | wc -l) objects, $(wc -l <"$tmp/arrows") arrows, ok"

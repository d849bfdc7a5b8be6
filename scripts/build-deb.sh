#!/usr/bin/env bash
# build-deb.sh VERSION — make deb: nstk_VERSION_ARCH.deb built with Debian's
# own tooling (debian/, dpkg-buildpackage, debhelper), out of tree. The
# source is copied to build/deb/nstk-VERSION/: in a git checkout the files
# git knows of plus new ones it does not ignore, as they are in the work
# tree (an uncommitted change is in the package, a build output never is);
# elsewhere the whole tree but build/. dpkg-buildpackage writes the .deb
# (and nstk-dbgsym's, the .buildinfo and .changes) beside that copy, into
# build/deb/. Nothing is written outside build/.
set -euo pipefail
cd "$(dirname "$0")/.."

version=${1:?usage: build-deb.sh VERSION}
out=build/deb
src=$out/nstk-$version

for c in dpkg-buildpackage dh; do
	command -v "$c" >/dev/null 2>&1 || {
		echo "build-deb: $c not found: scripts/install-deps.sh installs dpkg-dev and debhelper" >&2
		exit 1
	}
done

rm -rf "$out"
mkdir -p "$src"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
		# A tracked file deleted from the work tree is not in the package.
		[[ -e "$f" || -L "$f" ]] && printf '%s\0' "$f"
	done | tar --null -T - -cf - | tar -xf - -C "$src"
else
	tar --exclude=./build -cf - . | tar -xf - -C "$src"
fi

# -b: binary packages only; -us -uc: unsigned. dpkg-buildpackage checks the
# Build-Depends itself and names whatever is missing.
(cd "$src" && dpkg-buildpackage -us -uc -b)

arch=$(dpkg --print-architecture)
deb=$out/nstk_${version}_$arch.deb
[ -f "$deb" ] || {
	echo "build-deb: dpkg-buildpackage made no $deb" >&2
	exit 1
}
echo "build-deb: $deb"

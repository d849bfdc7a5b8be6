#!/bin/sh
# fetch-kernel.sh — make sure a Debian generic kernel for the VM rig is in the
# cache, and print the directory that holds it:
#
#   vmlinux          the ELF kernel, extracted from the package's bzImage
#   modules/*.ko     the modules the guest loads (9p over virtio, the virtio
#                    disk, overlay, veth)
#   modules/order    their names in an order insmod accepts (dependencies first)
#   modules/want     the modules asked for (WANT below): a cache made for
#                    another list is made again
#   release          the kernel release (uname -r in the guest)
#   package          the package name and version it came from
#
# The cache lives outside the work tree: $NSTK_VM_CACHE, by default
# /var/cache/nstk-vm (~/.cache/nstk-vm when that is not writable). It is
# filled once: later runs use what "current" points at, without asking apt.
# NSTK_VM_REFRESH=1 resolves the package again (a newer ABI is fetched beside
# the old one, and "current" moves to it).
#
# The package is the one linux-image-amd64 depends on, resolved now (its
# ABI-numbered name changes with updates), got with apt-get download and
# unpacked with dpkg-deb -x: nothing is installed on the host.
#
# Exit status: 0 with the directory on stdout; 3 when the kernel cannot be
# had here (no apt, no archive): the reason is the last stderr line; 1 on
# any other failure.
set -eu

here=$(cd "$(dirname "$0")" && pwd)

# The modules the guest needs, by name; what they depend on is added.
WANT="virtio_pci 9pnet_virtio 9p virtio_blk overlay veth"

say() { echo "fetch-kernel: $*" >&2; }
unavailable() {
	say "$*"
	exit 3
}

cache=${NSTK_VM_CACHE:-}
if [ -z "$cache" ]; then
	cache=/var/cache/nstk-vm
	if ! mkdir -p "$cache" 2>/dev/null || [ ! -w "$cache" ]; then
		cache=${XDG_CACHE_HOME:-$HOME/.cache}/nstk-vm
	fi
fi
mkdir -p "$cache"

# ready: a complete cache entry, made for these modules.
ready() {
	[ -f "$1/ready" ] && [ "$(cat "$1/modules/want" 2>/dev/null)" = "$WANT" ]
}

if [ -z "${NSTK_VM_REFRESH:-}" ] && ready "$cache/current"; then
	(cd "$cache/current" && pwd -P)
	exit 0
fi

command -v apt-get >/dev/null 2>&1 && command -v dpkg-deb >/dev/null 2>&1 ||
	unavailable "no apt-get/dpkg-deb: cannot fetch a Debian kernel"

# The concrete package behind the linux-image-amd64 metapackage.
resolve() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *|\{0,1\}Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n 1
}
pkg=$(resolve)
if [ -z "$pkg" ] && [ "$(id -u)" -eq 0 ]; then
	say "apt knows no linux-image-amd64 yet: apt-get update"
	apt-get update -qq >/dev/null 2>&1 || true
	pkg=$(resolve)
fi
[ -n "$pkg" ] || unavailable "apt-cache cannot resolve linux-image-amd64 (no Debian archive in the apt sources?)"
ver=$(apt-cache policy "$pkg" 2>/dev/null | sed -n 's/^ *Candidate: //p')
[ -n "$ver" ] && [ "$ver" != "(none)" ] || unavailable "no candidate version of $pkg"

dest=$cache/${pkg}_$ver
if ready "$dest"; then
	ln -sfn "${dest##*/}" "$cache/current"
	echo "$dest"
	exit 0
fi

work=$(mktemp -d "$cache/.fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT
# apt-get download as root drops to the _apt user: let it write here.
chmod 755 "$work"
if id _apt >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
	chown _apt "$work"
fi
say "downloading $pkg $ver (about 70 MB, once)"
(cd "$work" && apt-get download -q "$pkg=$ver" >/dev/null 2>"$work/apt.err") || {
	cat "$work/apt.err" >&2
	unavailable "apt-get download $pkg=$ver failed"
}
deb=$(ls "$work"/*.deb)
say "unpacking ${deb##*/}"
dpkg-deb -x "$deb" "$work/root"
rm -f "$deb"

out=$work/out
mkdir -p "$out/modules"
vmlinuz=$(ls "$work"/root/boot/vmlinuz-* | head -n 1)
release=${vmlinuz##*/vmlinuz-}
moddir=$work/root/lib/modules/$release
[ -d "$moddir" ] || {
	say "no modules for $release in $pkg"
	exit 1
}
say "extracting vmlinux from ${vmlinuz##*/}"
"$here/extract-vmlinux.sh" "$vmlinuz" "$out/vmlinux"
cp "$work"/root/boot/config-"$release" "$out/config" 2>/dev/null || true

# The module file of NAME (modules name files with - or _ alike), made
# uncompressed (busybox insmod reads plain .ko files).
modfile() {
	f=$(find "$moddir/kernel" \( -name "$1.ko*" -o -name "$(echo "$1" | tr _ -).ko*" \) | head -n 1)
	[ -n "$f" ] || return 1
	case $f in
	*.ko) cp "$f" "$out/modules/$1.ko" ;;
	*.ko.xz) xz -dc "$f" >"$out/modules/$1.ko" ;;
	*.ko.gz) gzip -dc "$f" >"$out/modules/$1.ko" ;;
	*.ko.zst) zstd -dcq "$f" >"$out/modules/$1.ko" ;;
	*) return 1 ;;
	esac
}

# Add NAME to the load order after what it depends on (from the depends=
# field of its .modinfo section). Built-in modules need no loading.
seen=" "
add() {
	case $seen in *" $1 "*) return 0 ;; esac
	seen="$seen$1 "
	if ! modfile "$1"; then
		if grep -q "/$1\.ko\$" "$moddir/modules.builtin" 2>/dev/null; then
			return 0
		fi
		say "module $1 is neither in $pkg nor built in"
		exit 1
	fi
	for d in $(tr '\0' '\n' <"$out/modules/$1.ko" | sed -n 's/^depends=//p' | head -n 1 | tr , ' '); do
		add "$d"
	done
	echo "$1" >>"$out/modules/order"
}
: >"$out/modules/order"
for m in $WANT; do
	add "$m"
done
echo "$WANT" >"$out/modules/want"

echo "$release" >"$out/release"
echo "$pkg $ver" >"$out/package"
touch "$out/ready"
rm -rf "$dest"
mv "$out" "$dest"
ln -sfn "${dest##*/}" "$cache/current"
say "cached in $dest ($(du -sh "$dest" | cut -f1)); modules: $(tr '\n' ' ' <"$dest/modules/order")"
echo "$dest"

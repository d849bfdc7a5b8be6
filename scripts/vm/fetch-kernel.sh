#!/bin/sh
# fetch-kernel.sh — make sure one kernel of the VM rig's matrix is in the
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
#   suite            the Debian suite it came from
#
#   fetch-kernel.sh [KERNEL]     KERNEL: 5.10, 6.1 (the default) or 6.12
#
# The matrix: each kernel is the generic amd64 kernel of one Debian suite,
# the package its linux-image-amd64 metapackage depends on, resolved now
# (its ABI-numbered name changes with updates):
#
#   5.10   bullseye            (Debian 11)
#   6.1    bookworm            (Debian 12)
#   6.12   bookworm-backports  (Debian 12 backports)
#
# apt never reads or writes the host's sources or state for this: each suite
# has its own sources list and apt state under build/vm-apt/<suite>/ of the
# work tree (lists, archives, an empty dpkg status), made here. The sources
# line names the archive keyring (signed-by), so apt checks the suite's
# InRelease signature and every file's hash against it, as for the host's
# own packages. The archive's address is the host's (the first Debian URI
# of its sources; $NSTK_VM_MIRROR overrides it). $NSTK_VM_KEYRING and
# $NSTK_VM_APT_STATE name another keyring and state directory (the test of
# a bad signature uses both).
#
# The cache lives outside the work tree: $NSTK_VM_CACHE, by default
# /var/cache/nstk-vm (~/.cache/nstk-vm when that is not writable). Each
# kernel is fetched once: later runs use what "current-KERNEL" points at,
# without asking apt. NSTK_VM_REFRESH=1 resolves the package again (a newer
# ABI is fetched beside the old one, and the link moves to it).
#
# The package is got with apt-get download and unpacked with dpkg-deb -x:
# nothing is installed on the host.
#
# Exit status: 0 with the directory on stdout; 3 when the kernel cannot be
# had here (no apt, no archive): the reason is the last stderr line; 1 on
# any other failure, a signature that does not verify among them (2: no
# such kernel in the matrix).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd -P)

# The modules the guest needs, by name; what they depend on is added.
WANT="virtio_pci 9pnet_virtio 9p virtio_blk overlay veth"

say() { echo "fetch-kernel: $*" >&2; }
unavailable() {
	say "$*"
	exit 3
}

kernel=${1:-6.1}
case $kernel in
5.10) suite=bullseye ;;
6.1) suite=bookworm ;;
6.12) suite=bookworm-backports ;;
*)
	say "no kernel '$kernel' in the matrix (5.10, 6.1, 6.12)"
	exit 2
	;;
esac

cache=${NSTK_VM_CACHE:-}
if [ -z "$cache" ]; then
	cache=/var/cache/nstk-vm
	if ! mkdir -p "$cache" 2>/dev/null || [ ! -w "$cache" ]; then
		cache=${XDG_CACHE_HOME:-$HOME/.cache}/nstk-vm
	fi
fi
mkdir -p "$cache"
link=$cache/current-$kernel

# ready: a complete cache entry, made for these modules.
ready() {
	[ -f "$1/ready" ] && [ "$(cat "$1/modules/want" 2>/dev/null)" = "$WANT" ]
}

if [ -z "${NSTK_VM_REFRESH:-}" ] && ready "$link"; then
	(cd "$link" && pwd -P)
	exit 0
fi

command -v apt-get >/dev/null 2>&1 && command -v dpkg-deb >/dev/null 2>&1 ||
	unavailable "no apt-get/dpkg-deb: cannot fetch a Debian kernel"
keyring=${NSTK_VM_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}
[ -r "$keyring" ] || unavailable "no $keyring (debian-archive-keyring): cannot check the archive's signatures"

# The archive: the first Debian (not -security) URI of the host's sources.
mirror=${NSTK_VM_MIRROR:-}
if [ -z "$mirror" ]; then
	mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
		sed -n 's/^deb \(\[[^]]*\] \)\{0,1\}\([a-z]*:[^ ]*\) .*/\2/p' | grep -v -- '-security' | head -n 1)
	[ -n "$mirror" ] || mirror=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
		sed -n 's/^URIs: *\([^ ]*\).*/\1/p' | grep -v -- '-security' | head -n 1)
	[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
fi

# apt with this suite's own sources and state only.
state=${NSTK_VM_APT_STATE:-$root/build/vm-apt}/$suite
mkdir -p "$state/lists/partial" "$state/archives/partial"
echo "deb [signed-by=$keyring] $mirror $suite main" >"$state/sources.list"
: >"$state/status"
papt() {
	cmd=$1
	shift
	"$cmd" -q -o Dir::Etc::sourcelist="$state/sources.list" -o Dir::Etc::sourceparts=- \
		-o Dir::Etc::preferences=/dev/null -o Dir::Etc::preferencesparts=- \
		-o Dir::State::Lists="$state/lists" -o Dir::State::status="$state/status" \
		-o Dir::Cache="$state" -o Dir::Cache::archives="$state/archives" \
		-o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= \
		-o APT::Get::List-Cleanup=0 "$@"
}
# apt-get as root drops to the _apt user to fetch: let it write the lists.
if id _apt >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
	chown -R _apt "$state/lists" "$state/archives"
fi
say "apt-get update for $suite from $mirror (state in ${state#"$root"/})"
urc=0
papt apt-get update >"$state/update.log" 2>&1 || urc=$?
if grep -qE '^(W|E): .*(signature|NO_PUBKEY|not signed)' "$state/update.log"; then
	sed 's/^/  /' "$state/update.log" >&2
	# Not a skip: an archive that does not verify is something to look at.
	say "$suite's index is not signed by a key in $keyring"
	exit 1
fi
if [ "$urc" -ne 0 ]; then
	sed 's/^/  /' "$state/update.log" >&2
	unavailable "apt-get update of $suite failed (no archive reachable at $mirror?)"
fi

# The concrete package behind this suite's linux-image-amd64 metapackage.
pkg=$(papt apt-cache depends linux-image-amd64 2>/dev/null |
	sed -n 's/^ *|\{0,1\}Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n 1)
[ -n "$pkg" ] || unavailable "apt-cache cannot resolve linux-image-amd64 in $suite"
ver=$(papt apt-cache policy "$pkg" 2>/dev/null | sed -n 's/^ *Candidate: //p')
[ -n "$ver" ] && [ "$ver" != "(none)" ] || unavailable "no candidate version of $pkg in $suite"

dest=$cache/${pkg}_$ver
if ready "$dest"; then
	ln -sfn "${dest##*/}" "$link"
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
say "downloading $pkg $ver from $suite (40 to 110 MB, once)"
(cd "$work" && papt apt-get download "$pkg=$ver" >/dev/null 2>"$work/apt.err") || {
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
echo "$suite" >"$out/suite"
touch "$out/ready"
rm -rf "$dest"
mv "$out" "$dest"
ln -sfn "${dest##*/}" "$link"
say "cached in $dest ($(du -sh "$dest" | cut -f1)); modules: $(tr '\n' ' ' <"$dest/modules/order")"
echo "$dest"

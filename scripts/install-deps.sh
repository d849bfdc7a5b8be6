#!/bin/sh
# install-deps.sh — install the Debian packages nstk needs to build, test and
# benchmark, and nothing else. Idempotent: it asks dpkg what is missing first
# and runs apt-get only for that, so a second run costs a fraction of a second.
set -eu

# containernetworking-plugins is podman's network backend, named rather
# than left to apt: Debian 12's podman depends on "containernetworking-plugins
# | netavark", and without Recommends apt takes CNI (bridge cni-podman0);
# netavark (bridge podman0) is only a Recommends. The tests read the bridge
# from podman, so either works; this is the one a fresh machine gets.
# scripts/fresh-check.sh fails when the tests use a package not named here.
# debhelper and lintian are make deb's (tests/bats/deb.bats builds the package
# and lints it); dpkg-buildpackage comes with dpkg-dev, which both
# build-essential and debhelper depend on. No fakeroot: debian/control says
# Rules-Requires-Root: no.
# tzdata is named because test_when reads Europe/Berlin's DST changes from
# /usr/share/zoneinfo, which a minimal image may not have.
# bash-completion: completions/* use its _init_completion and _command_offset
# when it is loaded; completion.bats runs them with it and without it.
PACKAGES="
build-essential
pkg-config
debhelper
lintian
libproc2-dev
libjansson-dev
libcap-dev
libsmartcols-dev
libsqlite3-dev
sqlite3
systemd
libncurses-dev
libcmocka-dev
tzdata
bats
bats-support
bats-assert
iproute2
util-linux
procps
jq
hyperfine
clang
libclang-rt-14-dev
busybox-static
podman
containernetworking-plugins
runc
uidmap
slirp4netns
containerd
nftables
prometheus
prometheus-node-exporter
curl
strace
valgrind
tmux
man-db
groff-base
bsdextrautils
qemu-system-x86
xz-utils
git
graphviz
ca-certificates
meson
ninja-build
bison
flex
bash-completion
"

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
	echo "install-deps: apt-get/dpkg not found: install these packages by hand:" $PACKAGES >&2
	exit 1
fi

missing=""
for p in $PACKAGES; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$status" = "installed" ] || missing="$missing $p"
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages:$missing; run as root to install them" >&2
	exit 1
fi

echo "install-deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null

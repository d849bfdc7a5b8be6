#!/bin/sh
# extract-vmlinux.sh BZIMAGE OUT — write the ELF kernel (vmlinux) inside an
# x86 bzImage to OUT. Booting the ELF under qemu's TCG saves the seconds the
# boot stub would spend decompressing itself instruction by instruction.
#
# How: the x86 boot protocol (2.08+) records where the compressed payload
# lies in the setup header: payload_offset (0x248) and payload_length
# (0x24c), counted from the start of the protected-mode code, which follows
# the (setup_sects + 1) 512-byte real-mode sectors (setup_sects at 0x1f1).
# The payload's first bytes name its compression. For an image without those
# fields, each known compression magic is tried where it first appears.
# Decompressors: the host's xz (xz-utils), gzip, bzip2, lzop, zstd or lz4;
# busybox's applets stand in for gzip, bzip2 and lzma only (its unxz lacks
# the x86 BCJ filter that kernel images use).
set -eu

[ $# -eq 2 ] || {
	echo "usage: $0 BZIMAGE OUT" >&2
	exit 2
}
img=$1 out=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# u8/u16/u32 FILE OFFSET: an unsigned little-endian integer read from FILE.
le() {
	od -An -v -t u1 -j "$2" -N "$3" "$1" |
		awk '{ for (i = 1; i <= NF; i++) b[n++] = $i }
		     END { v = 0; for (i = n - 1; i >= 0; i--) v = v * 256 + b[i]; print v }'
}

# The hex of LEN bytes of FILE at OFFSET, no spaces.
hexat() {
	od -An -v -t x1 -j "$2" -N "$3" "$1" | tr -d ' \n'
}

is_elf() {
	[ -s "$1" ] && [ "$(hexat "$1" 0 4)" = 7f454c46 ]
}

# A decompressor for a magic, as a command reading stdin: the host's tool
# first, else busybox's applet. Prints nothing when there is none.
decompressor() {
	case $1 in
	xz) t="xz -dc --single-stream" b="" ;;
	gzip) t="gzip -dc" b="gunzip -c" ;;
	bzip2) t="bzip2 -dc" b="bunzip2 -c" ;;
	lzma) t="xz -dc --format=lzma" b="unlzma -c" ;;
	lzo) t="lzop -dc" b="" ;;
	zstd) t="zstd -dcq" b="" ;;
	lz4) t="lz4 -dc" b="" ;;
	*) return 0 ;;
	esac
	if command -v "${t%% *}" >/dev/null 2>&1; then
		echo "$t"
	elif [ -n "$b" ] && command -v busybox >/dev/null 2>&1 &&
		busybox --list | grep -qx "${b%% *}"; then
		echo "busybox $b"
	fi
}

# The compression whose magic starts HEX (at least 6 bytes of hex).
kind_of() {
	case $1 in
	fd377a585a00*) echo xz ;;
	1f8b*) echo gzip ;;
	425a68*) echo bzip2 ;;
	5d000000*) echo lzma ;;
	894c5a4f*) echo lzo ;;
	28b52ffd*) echo zstd ;;
	02214c18*) echo lz4 ;;
	esac
}

# try FILE KIND: decompress FILE (a payload starting at its first byte; any
# trailing bytes are ignored by the tool or make it complain, hence the ELF
# check rather than the exit status) into $tmp/vmlinux.
try() {
	cmd=$(decompressor "$2")
	[ -n "$cmd" ] || {
		echo "extract-vmlinux: no $2 decompressor (install $2 or busybox)" >&2
		return 1
	}
	# shellcheck disable=SC2086
	$cmd <"$1" >"$tmp/vmlinux" 2>/dev/null || true
	is_elf "$tmp/vmlinux"
}

if is_elf "$img"; then
	cp "$img" "$out"
	exit 0
fi

found=""
# 1. The setup header's own pointer to the payload.
if [ "$(hexat "$img" $((0x202)) 4)" = 48647253 ] && # "HdrS"
	[ "$(le "$img" $((0x206)) 2)" -ge $((0x208)) ]; then
	sects=$(le "$img" $((0x1f1)) 1)
	[ "$sects" -ne 0 ] || sects=4
	start=$(((sects + 1) * 512 + $(le "$img" $((0x248)) 4)))
	len=$(le "$img" $((0x24c)) 4)
	kind=$(kind_of "$(hexat "$img" "$start" 6)")
	if [ -n "$kind" ]; then
		tail -c +"$((start + 1))" "$img" | head -c "$len" >"$tmp/payload"
		try "$tmp/payload" "$kind" && found=$kind
	fi
fi

# 2. Otherwise each magic where it first occurs in the image.
if [ -z "$found" ]; then
	od -An -v -t x1 "$img" | tr -d ' \n' >"$tmp/hex"
	for kind in xz gzip bzip2 lzma lzo zstd lz4; do
		case $kind in
		xz) m=fd377a585a00 ;; gzip) m=1f8b08 ;; bzip2) m=425a6839 ;;
		lzma) m=5d000000 ;; lzo) m=894c5a4f ;; zstd) m=28b52ffd ;; lz4) m=02214c18 ;;
		esac
		# Byte offsets only: a hit at an odd hex position straddles two bytes.
		pos=$(grep -ob "$m" "$tmp/hex" | awk -F: '$1 % 2 == 0 { print $1 / 2; exit }')
		[ -n "$pos" ] || continue
		tail -c +"$((pos + 1))" "$img" >"$tmp/payload"
		if try "$tmp/payload" "$kind"; then
			found=$kind
			break
		fi
	done
fi

[ -n "$found" ] || {
	echo "extract-vmlinux: no compressed ELF kernel found in $img" >&2
	exit 1
}
mv "$tmp/vmlinux" "$out"

# graph_helpers.bash — what nsls --graph should draw, worked out from what
# iproute2 and the kernel say, and what Graphviz drew from it. For
# nsls_graph.bats and containers.bats; load it after helpers.bash.
#
# A namespace is named as helpers.bash's nstk_netns_ip names it: an ip
# netns name, pid:PID, or "" for this shell's own (nstk_netns_inode gives
# its inode). It gives:
#   g_addrs NS IFNAME        its addresses as nsls --graph lists them: with
#                            their prefixes, in the kernel's order, blank-
#                            separated, IPv6 link-local ones left out
#   g_netns_name INO         the ip netns name of inode INO (/run/netns/*), or ""
#   g_end NS IFNAME          the DOT node a veth end hangs on: "br_<ino>_<master>"
#                            when it is a port of a bridge, else "ns_<ino>"
#   g_veth_edge NS IFNAME    the DOT line of the veth pair IFNAME is one end of:
#                            tail first, the end with the lower (inode,
#                            ifindex), labelled "<tail's name> — <head's name>"
#   g_svg                    dot -Tsvg of $output into $G_SVG (fails the test
#                            when dot refuses it); $G_TITLES: the SVG's
#                            <title>s, one a line, XML entities undone;
#                            $G_TEXTS: its <text>s (the labels' lines), the same
#   g_svg_edge_text A B      the text of the SVG's edge between nodes A and B
#                            (drawn either way round), entities undone

g_addrs() {
	nstk_netns_ip "$1" -j addr show "$2" |
		jq -r '[.[0].addr_info[] | select(.scope != "link") | "\(.local)/\(.prefixlen)"] | join(" ")'
}

g_netns_name() {
	local f
	for f in /run/netns/*; do
		[ -e "$f" ] && [ "$(stat -L -c %i "$f" 2>/dev/null)" = "$1" ] && echo "${f##*/}"
	done
	return 0
}

# An interface name as a DOT id may hold it plainly; these tests use only such.
_g_plain() {
	[[ "$1" =~ ^[A-Za-z0-9.-]+$ ]] || {
		echo "graph_helpers: '$1' is not a plain interface name" >&2
		return 1
	}
}

g_end() {
	local ns="$1" ifname="$2" master kind ino
	master="$(nstk_netns_ip "$ns" -j link show "$ifname" | jq -r '.[0].master // ""')" || return 1
	ino="$(nstk_netns_inode "$ns")" || return 1
	if [ -n "$master" ]; then
		kind="$(nstk_netns_ip "$ns" -j -d link show "$master" | jq -r '.[0].linkinfo.info_kind // ""')"
		if [ "$kind" = bridge ]; then
			_g_plain "$master" || return 1
			echo "br_${ino}_$master"
			return 0
		fi
	fi
	echo "ns_$ino"
}

# Prints "PEER_NS<US>PEER_IFNAME" for veth IFNAME in NS, as the kernel links them.
_g_peer() {
	local ns="$1" ifname="$2" me pidx nsid peer_ns=""
	me="$(nstk_netns_ip "$ns" -j link show "$ifname")" || return 1
	pidx="$(jq -r '.[0].link_index // ""' <<<"$me")"
	nsid="$(jq -r '.[0].link_netnsid // ""' <<<"$me")"
	[ -n "$pidx" ] || {
		echo "graph_helpers: $ifname in '$ns' has no peer" >&2
		return 1
	}
	if [ -n "$nsid" ]; then
		# A peer namespace without an ip netns name is this shell's own.
		peer_ns="$(nstk_netns_ip "$ns" -j netns list-id |
			jq -r --argjson n "$nsid" '.[] | select(.nsid == $n) | .name // ""')"
	else
		peer_ns="$ns"
	fi
	printf '%s\x1f%s\n' "$peer_ns" \
		"$(nstk_netns_ip "$peer_ns" -j link show | jq -r --argjson i "$pidx" '.[] | select(.ifindex == $i) | .ifname')"
}

g_veth_edge() {
	local ns="$1" ifname="$2" peer_ns peer_name ino pino idx pidx a b
	IFS=$'\x1f' read -r peer_ns peer_name < <(_g_peer "$ns" "$ifname") || return 1
	[ -n "$peer_name" ] || return 1
	_g_plain "$ifname" && _g_plain "$peer_name" || return 1
	ino="$(nstk_netns_inode "$ns")" && pino="$(nstk_netns_inode "$peer_ns")" || return 1
	idx="$(nstk_netns_ip "$ns" -j link show "$ifname" | jq -r '.[0].ifindex')"
	pidx="$(nstk_netns_ip "$peer_ns" -j link show "$peer_name" | jq -r '.[0].ifindex')"
	a="$(g_end "$ns" "$ifname")" && b="$(g_end "$peer_ns" "$peer_name")" || return 1
	if [ "$ino" -lt "$pino" ] || { [ "$ino" = "$pino" ] && [ "$idx" -le "$pidx" ]; }; then
		printf '\t"%s" -- "%s" [label="%s \xe2\x80\x94 %s"];\n' "$a" "$b" "$ifname" "$peer_name"
	else
		printf '\t"%s" -- "%s" [label="%s \xe2\x80\x94 %s"];\n' "$b" "$a" "$peer_name" "$ifname"
	fi
}

_g_unxml() {
	sed -e 's/&#45;/-/g' -e 's/&quot;/"/g' -e "s/&#39;/'/g" -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&amp;/\&/g'
}

g_svg() {
	G_SVG="$BATS_TEST_TMPDIR/graph.svg"
	dot -Tsvg >"$G_SVG" <<<"$output" || fail "dot -Tsvg refused nsls --graph's output: $output"
	G_TITLES="$(sed -n 's/^<title>\(.*\)<\/title>$/\1/p' "$G_SVG" | _g_unxml)"
	G_TEXTS="$(sed -n 's/^<text[^>]*>\(.*\)<\/text>$/\1/p' "$G_SVG" | _g_unxml)"
}

g_svg_edge_text() {
	local a="$1" b="$2"
	# An edge's group: its <title>, then its path and the label's <text> until </g>.
	awk -v one="$a--$b" -v two="$b--$a" '
		function unxml(s) {
			gsub(/&#45;/, "-", s); gsub(/&quot;/, "\"", s); gsub(/&lt;/, "<", s)
			gsub(/&gt;/, ">", s); gsub(/&amp;/, "\\&", s); return s
		}
		/^<title>/ { t = $0; sub(/^<title>/, "", t); sub(/<\/title>$/, "", t); t = unxml(t); inside = (t == one || t == two); next }
		/^<\/g>/ { inside = 0 }
		inside && /<text / { s = $0; sub(/^<text[^>]*>/, "", s); sub(/<\/text>$/, "", s); print unxml(s) }
	' "$G_SVG"
}

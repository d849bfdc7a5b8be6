#!/usr/bin/env bats
# nsls_prometheus.bats — nsls --prometheus on real namespaces: the counts
# against nsls -J's own rows, leaks (a netns kept by an ip netns bind mount,
# by a process's fd on its nsfs file, by a socket alone) with their holders'
# paths, a netns that a process joins no longer a leak, -o FILE written
# atomically and served by a real prometheus-node-exporter on loopback,
# promtool check metrics, and bad usage.

load helpers

setup() {
	[ -x "$NSLS" ] || fail "no nsls at $NSLS: run make first"
}

teardown() {
	nstk_cleanup
}

# prom ARGS...: nsls --prometheus ARGS into $PROM; must exit 0 with stderr quiet.
prom() {
	run --separate-stderr "$NSLS" --prometheus "$@"
	[ "$status" -eq 0 ] && [ -z "$stderr" ] || fail "nsls --prometheus $* exited $status: $stderr"
	PROM=$output
}

# leaked NS: the nstk_namespace_leaked lines of namespace NS in $PROM.
leaked() {
	grep "^nstk_namespace_leaked{ns=\"$1\"," <<<"$PROM" || true
}

@test "--prometheus passes promtool; namespaces and processes agree with nsls -J" {
	prom
	run promtool check metrics <<<"$PROM"
	[ "$status" -eq 0 ] && [ -z "$output" ] || fail "promtool check metrics: $output"
	nsls_json -o NS,TYPE,NPROCS
	# Every namespace nsls lists has its processes series, with the same count.
	local want got
	want=$(jqn '.namespaces[] | "\(.ns) \(.type) \(.nprocs)"' | sort)
	got=$(sed -n 's/^nstk_namespace_processes{ns="\([0-9]*\)",type="\([a-z]*\)",.*} \([0-9]*\)$/\1 \2 \3/p' <<<"$PROM" | sort)
	# A process that started or ended between the two scans may change a
	# count, never the namespaces of this idle host's own: compare the lists.
	assert_equal "$(cut -d' ' -f1,2 <<<"$got")" "$(cut -d' ' -f1,2 <<<"$want")"
	# Counted by kind: the sum of each kind's series is the number of rows.
	local k n rows
	for k in "${NSTK_KINDS[@]}"; do
		n=$(awk -v k="$k" -F'[{}]' '$1 == "nstk_namespace_namespaces" && $2 ~ "type=\"" k "\"" { s += $3 } END { print s + 0 }' <<<"$PROM")
		rows=$(grep -c " $k " <<<"$want" || true)
		assert_equal "$k $n" "$k $rows"
	done
	grep -qE '^nstk_namespace_scan_denied_processes [0-9]+$' <<<"$PROM"
}

@test "a netns kept only by an ip netns bind mount is a leak with its path; joined by a process, it is not" {
	nstk_netns_add
	local name=$NSTK_NETNS_NAME n
	n=$(stat -L -c %i "/run/netns/$name")
	prom -t net
	assert_equal "$(leaked "$n")" \
		"nstk_namespace_leaked{ns=\"$n\",type=\"net\",container=\"\",netns=\"$name\",holder=\"mount\",path=\"/run/netns/$name\"} 1"
	grep -qE '^nstk_namespace_leaked_namespaces\{type="net"\} [1-9][0-9]*$' <<<"$PROM"
	local before
	before=$(sed -n 's/^nstk_namespace_leaked_namespaces{type="net"} //p' <<<"$PROM")
	# A process in it: the same namespace, no longer a leak.
	nstk_spawn ip netns exec "$name" sleep 1000
	nstk_wait_comm "$NSTK_PID" sleep
	assert_equal "$(stat -L -c %i "/proc/$NSTK_PID/ns/net")" "$n"
	prom -t net
	assert_equal "$(leaked "$n")" ""
	grep -q "^nstk_namespace_processes{ns=\"$n\",type=\"net\",container=\"\",netns=\"$name\"} 1$" <<<"$PROM"
	assert_equal "$(sed -n 's/^nstk_namespace_leaked_namespaces{type="net"} //p' <<<"$PROM")" $((before - 1))
}

@test "a namespace kept only by an fd, or a netns only by a socket, is a leak naming /proc/PID/fd/N" {
	# A uts namespace whose only process exits while a shell holds its file.
	local f="$BATS_TEST_TMPDIR/held"
	nstk_spawn bash -c 'unshare --uts sleep 1000 & p=$!; for i in $(seq 250); do
		[ "$(readlink /proc/$p/ns/uts)" != "$(readlink /proc/self/ns/uts)" ] && break; sleep 0.02; done
		exec 9</proc/$p/ns/uts; kill $p; wait $p; echo ok >"$1"; exec sleep 1000' _ "$f"
	local holder=$NSTK_PID i u
	for i in $(seq 250); do
		[ -s "$f" ] && break
		sleep 0.02
	done
	[ -s "$f" ] || fail "the holder did not get the namespace's fd"
	u=$(stat -L -c %i "/proc/$holder/fd/9")
	[ "$u" != "$(nstk_ns_ino self uts)" ]
	# A netns that only a socket keeps (its bind mount removed).
	nstk_netns_add
	local name=$NSTK_NETNS_NAME n
	n=$(stat -L -c %i "/run/netns/$name")
	nstk_socket_in_netns "/run/netns/$name"
	local p=$NSTK_PID fd=$NSTK_SOCKET_FD
	ip netns del "$name"
	prom
	assert_equal "$(leaked "$u")" \
		"nstk_namespace_leaked{ns=\"$u\",type=\"uts\",container=\"\",netns=\"\",holder=\"fd\",path=\"/proc/$holder/fd/9\"} 1"
	assert_equal "$(leaked "$n")" \
		"nstk_namespace_leaked{ns=\"$n\",type=\"net\",container=\"\",netns=\"\",holder=\"socket\",path=\"/proc/$p/fd/$fd\"} 1"
	# -Q restricts it as it does the table.
	prom -Q "TYPE == \"uts\""
	assert_equal "$(leaked "$n")" ""
	[ -n "$(leaked "$u")" ] || fail "-Q TYPE == uts lost the uts leak"
	run grep -c '^nstk_namespace_processes{.*type="net"' <<<"$PROM"
	assert_output 0
}

@test "-o FILE is written atomically and a real node_exporter serves the series" {
	nstk_netns_add
	local name=$NSTK_NETNS_NAME n dir="$BATS_TEST_TMPDIR/textfile"
	n=$(stat -L -c %i "/run/netns/$name")
	mkdir -p "$dir"
	run --separate-stderr "$NSLS" --prometheus -o "$dir/nsls.prom"
	assert_success
	assert_output ""
	assert_equal "$stderr" ""
	# Nothing left beside it: the temporary file was renamed.
	assert_equal "$(ls "$dir")" nsls.prom
	nstk_textfile_exporter "$dir"
	nstk_scrape
	grep -q "^nstk_namespace_leaked{container=\"\",holder=\"mount\",netns=\"$name\",ns=\"$n\",path=\"/run/netns/$name\",type=\"net\"} 1$" <<<"$NSTK_SCRAPE" ||
		fail "node_exporter does not serve the leak: $(grep nstk_namespace_leaked <<<"$NSTK_SCRAPE")"
	grep -q '^node_textfile_scrape_error 0$' <<<"$NSTK_SCRAPE"
	# An unwritable place: one line, exit 1, the old file untouched.
	run --separate-stderr "$NSLS" --prometheus -o /proc/nstk-no/nsls.prom
	assert_equal "$status" 1
	assert_equal "$stderr" "nsls: cannot write /proc/nstk-no/nsls.prom: No such file or directory"
}

@test "--prometheus bad usage: one line, exit 2" {
	nsls_assert_usage_with "--json and --prometheus are mutually exclusive" --prometheus -J
	nsls_assert_usage_with "--tree and --prometheus are mutually exclusive" --prometheus -T
	nsls_assert_usage_with "--prometheus takes one -o FILE" --prometheus -o a -o b
}

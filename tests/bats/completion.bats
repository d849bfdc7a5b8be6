#!/usr/bin/env bats
# completion.bats — completions/nsls, nsenter-lite and cgtop: each sourced in
# a fresh bash, its function (as `complete -p` names it) called with
# COMP_WORDS/COMP_CWORD/COMP_LINE/COMP_POINT as bash sets them, COMPREPLY
# checked against the tools (--help, JSON, error messages) and the kernel
# (/proc, /run/netns, cgroups made here), never against a copy of the
# completion's own lists. Every check runs without bash-completion (the
# files' own word splitting) and, when it is installed, with it
# (_init_completion, _command_offset).
#
# Needs root (netns, cgroups, unshare), iproute2, jq, util-linux.

load helpers

NSENTER="${NSLS%/nsls}/nsenter-lite"
CGTOP="${NSLS%/nsls}/cgtop"
BASH_COMPLETION=/usr/share/bash-completion/bash_completion

setup() {
	local t
	for t in "$NSLS" "$NSENTER" "$CGTOP"; do
		[ -x "$t" ] || fail "no ${t##*/} at $t: run make first"
	done
	MODES=(plain)
	[ -f "$BASH_COMPLETION" ] && MODES+=(bash-completion)
	TAG="nstk-compl-$$-$BATS_TEST_NUMBER"
}

teardown() {
	nstk_cleanup
}

# comp MODE LINE: complete LINE (the cursor at its end) in a new bash, with
# bash-completion loaded or not (MODE); the file is completions/<basename of
# LINE's first word>. COMPREPLY lands in $REPLY_LINES (one per line) and
# the array REPLIES; the test fails on anything on stderr.
comp() {
	local mode=$1 line=$2
	# shellcheck disable=SC2016
	run --separate-stderr bash -c '
		mode=$1 file=$2 line=$3
		if [ "$mode" = bash-completion ]; then
			. "$4" || exit 9
			declare -F _init_completion >/dev/null || { echo "no _init_completion" >&2; exit 9; }
		else
			! declare -F _init_completion >/dev/null || { echo "_init_completion without bash-completion" >&2; exit 9; }
		fi
		. "$file" || exit 8
		# compopt works only while bash runs a completion, not in a call
		# like this one (bash-completion'"'"'s _command_offset calls it).
		compopt() { :; }
		# As bash splits the line: at blanks, and "=" (COMP_WORDBREAKS) a word of its own.
		read -ra COMP_WORDS <<<"${line//=/ = }"
		[[ $line == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE=$line
		COMP_POINT=${#line}
		spec=$(complete -p "${COMP_WORDS[0]##*/}") || exit 7
		[[ $spec =~ -F\ ([^ ]+) ]] || exit 6
		COMPREPLY=()
		"${BASH_REMATCH[1]}" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"
	' _ "$mode" "$NSTK_ROOT/completions/$(basename "${line%% *}")" "$line" "$BASH_COMPLETION"
	[ "$status" -eq 0 ] || fail "[$mode] '$line': exit $status: $stderr"
	[ -z "$stderr" ] || fail "[$mode] '$line': stderr: $stderr"
	REPLY_LINES=$(sed '/^$/d' <<<"$output" | sort)
	mapfile -t REPLIES <<<"$REPLY_LINES"
	[ -n "$REPLY_LINES" ] || REPLIES=()
}

# assert_replies MODE LINE EXPECTED...: COMPREPLY is exactly that set.
assert_replies() {
	local mode=$1 line=$2 want
	shift 2
	comp "$mode" "$line"
	want=$(printf '%s\n' "$@" | sed '/^$/d' | sort)
	[ "$REPLY_LINES" = "$want" ] ||
		fail "[$mode] '$line': got [$(tr '\n' ' ' <<<"$REPLY_LINES")], want [$(tr '\n' ' ' <<<"$want")]"
}

# assert_reply_has MODE LINE WORD...: COMPREPLY holds each WORD.
assert_reply_has() {
	local mode=$1 line=$2 w
	shift 2
	comp "$mode" "$line"
	for w in "$@"; do
		grep -qxF -- "$w" <<<"$REPLY_LINES" || fail "[$mode] '$line': no '$w' in [$(tr '\n' ' ' <<<"$REPLY_LINES")]"
	done
}

# nsls's columns, from its JSON with every column (not from its --help).
nsls_columns() {
	nsls_json --output-all
	jqn '.namespaces[0] | keys_unsorted[] | ascii_upcase'
}

# A process in a new uts namespace in a v1 pids cgroup named as podman
# names a container's, under a parent whose command line is conmon's
# (-c ID -n NAME), so nsls finds it as a podman container with a name.
# Sets C_ID, C_NAME.
fake_podman_container() {
	local pids=/sys/fs/cgroup/pids sleeper
	[ "$(stat -f -c %T "$pids" 2>/dev/null)" = cgroupfs ] || skip "no cgroup v1 pids hierarchy at $pids"
	C_ID=$(printf '%s' "$TAG-$(date +%s%N)" | sha256sum | cut -c1-64)
	C_NAME="$TAG-web"
	nstk_cgroup_mkdir "$pids/$TAG" "$pids/$TAG/libpod-$C_ID"
	# "; :" keeps the conmon-named bash alive as the sleeper's parent.
	nstk_spawn bash -c 'exec -a conmon bash -c "unshare --uts sleep 1000; :" x -c "$1" -n "$2"' _ "$C_ID" "$C_NAME"
	sleeper=$(nstk_descendant "$NSTK_PID" sleep)
	echo "$sleeper" >"$pids/$TAG/libpod-$C_ID/cgroup.procs"
	nsls_json -o CONTAINER
	[ "$(jqn '[.namespaces[].container | select(.id? == $id) | .name] | unique | join(" ")' --arg id "$C_ID")" = "$C_NAME" ] ||
		fail "nsls does not see the fake container $C_ID ($C_NAME): $NSTK_JSON"
}

@test "completion: each file is commented, and complete -p names its function, with and without bash-completion" {
	local t mode
	for t in nsls nsenter-lite cgtop; do
		head -1 "$NSTK_ROOT/completions/$t" | grep -q "^# bash completion for $t" ||
			fail "completions/$t does not start with a comment saying what it is"
		for mode in "${MODES[@]}"; do
			# shellcheck disable=SC2016
			run bash -c '[ "$1" = plain ] || . "$3"; . "$2" && spec=$(complete -p "$4") && echo "$spec" &&
				[[ $spec =~ -F\ ([^ ]+) ]] && declare -F "${BASH_REMATCH[1]}"' \
				_ "$mode" "$NSTK_ROOT/completions/$t" "$BASH_COMPLETION" "$t"
			assert_success
			assert_line --regexp "^complete -F [_A-Za-z0-9]+ $t\$"
		done
	done
}

@test "completion: options for '-', from each tool's --help" {
	local t mode help o
	for t in "$NSLS" "$NSENTER" "$CGTOP"; do
		help=$("$t" --help)
		for mode in "${MODES[@]}"; do
			comp "$mode" "$t -"
			[ "${#REPLIES[@]}" -gt 10 ] || fail "[$mode] ${t##*/}: few options: ${REPLIES[*]}"
			# Every option that begins a line of --help is offered...
			for o in $(sed -nE 's/^ +(-[A-Za-z], )?(--[a-z][a-z-]+).*/\1 \2/p' <<<"$help" | tr -d ,); do
				grep -qxF -- "$o" <<<"$REPLY_LINES" || fail "[$mode] ${t##*/}: $o not offered"
			done
			# ...and each offered one is an option --help names.
			for o in "${REPLIES[@]}"; do
				grep -qE -- "(^|[ ,])$o([ ,=]|\\[|\$)" <<<"$help" || fail "[$mode] ${t##*/}: '$o' is not in --help"
			done
			comp "$mode" "$t --"
			for o in "${REPLIES[@]}"; do
				[[ $o == --* ]] || fail "[$mode] ${t##*/} --: offers '$o'"
			done
		done
	done
}

@test "completion: nsls -o columns, also after a comma and after +, without those given" {
	local mode cols=() c want
	mapfile -t cols < <(nsls_columns)
	[ "${#cols[@]}" -gt 20 ] || fail "nsls --output-all has few columns: ${cols[*]}"
	for mode in "${MODES[@]}"; do
		assert_replies "$mode" "$NSLS -o " "${cols[@]}"
		assert_replies "$mode" "$NSLS --output=" "${cols[@]}"
		assert_replies "$mode" "$NSLS -o +" "${cols[@]/#/+}"
		want=()
		for c in "${cols[@]}"; do [ "$c" = NS ] || want+=("NS,$c"); done
		assert_replies "$mode" "$NSLS -o NS," "${want[@]}"
		want=()
		for c in "${cols[@]}"; do [[ $c == NS || $c == TYPE ]] || want+=("+NS,TYPE,$c"); done
		assert_replies "$mode" "$NSLS -o +NS,TYPE," "${want[@]}"
		want=()
		for c in "${cols[@]}"; do [[ $c == P* && $c != PID ]] && want+=("PID,TYPE,$c"); done
		assert_replies "$mode" "$NSLS --output=PID,TYPE,P" "${want[@]}"
		assert_replies "$mode" "$NSLS -l -o NS,TY" NS,TYPE
		want=()
		for c in "${cols[@]}"; do [[ $c == N* ]] && want+=("+$c"); done
		assert_replies "$mode" "$NSLS -o +N" "${want[@]}"
	done
	# What is offered, nsls takes.
	nsls_run -n -l -o NS,TYPE,PATH
	assert_success
}

@test "completion: nsls -t kinds are the kernel's, -T modes the ones nsls takes" {
	local mode kinds=() modes=() m
	mapfile -t kinds < <(ls /proc/self/ns | grep -v _for_children)
	# nsls names its relations when it refuses one.
	nsls_run -T nstk-bogus
	assert_equal "$status" 2
	[[ $stderr =~ \((.*)\) ]] || fail "no list of relations in: $stderr"
	read -ra modes <<<"$(sed 's/,//g; s/ or / /' <<<"${BASH_REMATCH[1]}")"
	[ "${#modes[@]}" -ge 3 ] || fail "relations: ${modes[*]}"
	for mode in "${MODES[@]}"; do
		assert_replies "$mode" "$NSLS -t " "${kinds[@]}"
		assert_replies "$mode" "$NSLS -t net --type " "${kinds[@]}"
		assert_replies "$mode" "$NSLS -T " "${modes[@]}"
		assert_replies "$mode" "$NSLS --tree=" "${modes[@]}"
		assert_replies "$mode" "$NSLS --tree=o" owner
		# Bare -T then an option.
		assert_reply_has "$mode" "$NSLS -T -" -J --json
	done
	for m in "${modes[@]}"; do
		nsls_run -T "$m" -n -o NS
		assert_success
	done
}

@test "completion: -t PID (nsenter-lite) and -p PID (nsls) offer a process we started" {
	local mode p
	nstk_spawn sleep 1000
	for mode in "${MODES[@]}"; do
		assert_reply_has "$mode" "$NSENTER -t $NSTK_PID" "$NSTK_PID"
		assert_reply_has "$mode" "$NSENTER --target=${NSTK_PID:0:1}" "$NSTK_PID"
		assert_reply_has "$mode" "$NSLS -p " "$NSTK_PID" 1
		for p in "${REPLIES[@]}"; do
			[[ $p =~ ^[0-9]+$ ]] || fail "[$mode] -p offers '$p'"
		done
	done
	# And no more after the process is gone.
	{
		kill -KILL "$NSTK_PID"
		wait "$NSTK_PID" || true
	} 2>/dev/null
	comp plain "$NSENTER -t $NSTK_PID"
	! grep -qxF "$NSTK_PID" <<<"$REPLY_LINES" || fail "-t offers PID $NSTK_PID, which is gone"
}

@test "completion: nsenter-lite --netns offers a netns we made, -N the target's sockets" {
	local mode n sockets=() f
	"$NSENTER" --help | grep -q -- --netns || skip "nsenter-lite has no --netns"
	n="$TAG"
	NSTK_NETNS+=("$n")
	ip netns add "$n"
	# A process with a socket on fd 5 (bash's /dev/udp: a connected UDP socket).
	nstk_spawn bash -c 'exec 5<>/dev/udp/127.0.0.1/9 && exec sleep 1000'
	nstk_wait_comm "$NSTK_PID" sleep
	for f in /proc/"$NSTK_PID"/fd/*; do
		[[ $(readlink "$f") == socket:* ]] && sockets+=("${f##*/}")
	done
	assert_equal "${sockets[*]}" 5
	for mode in "${MODES[@]}"; do
		assert_replies "$mode" "$NSENTER --netns $n" "$n"
		assert_replies "$mode" "$NSENTER --netns=$n" "$n"
		comp "$mode" "$NSENTER --netns "
		for f in "${REPLIES[@]}"; do
			[ -e "/run/netns/$f" ] || fail "[$mode] --netns offers '$f', not in /run/netns"
		done
		assert_reply_has "$mode" "$NSENTER --netns " "$n"
		assert_replies "$mode" "$NSENTER -t $NSTK_PID -N " "${sockets[@]}"
		assert_replies "$mode" "$NSENTER --target=$NSTK_PID --net-socket=" "${sockets[@]}"
	done
	ip netns del "$n"
	comp plain "$NSENTER --netns $n"
	assert_equal "${#REPLIES[@]}" 0
}

@test "completion: --container offers the ids and names nsls finds, quietly nothing when it fails" {
	local mode t
	fake_podman_container
	for mode in "${MODES[@]}"; do
		for t in "$NSLS" "$NSENTER"; do
			assert_reply_has "$mode" "$t --container " "$C_ID" "$C_NAME"
			assert_replies "$mode" "$t --container ${C_ID:0:12}" "$C_ID"
			assert_replies "$mode" "$t --container=$C_NAME" "$C_NAME"
		done
	done
	# What is offered, the tools take.
	nsls_json --container "$C_NAME" -o CONTAINER
	assert_equal "$(jqn '[.namespaces[].container.id] | unique | join(" ")')" "$C_ID"
	run "$NSENTER" --container "$C_NAME" -a --dry-run
	assert_success
	# A tool that fails: no replies, nothing on stderr (comp checks it).
	mkdir "$BATS_TEST_TMPDIR/bin"
	cat >"$BATS_TEST_TMPDIR/bin/nsls" <<EOF
#!/bin/sh
echo broken >&2
echo '{"namespaces": [{"container": {"id": "$C_ID", "name": "$C_NAME"}}]}'
exit 1
EOF
	chmod +x "$BATS_TEST_TMPDIR/bin/nsls"
	cp "$BATS_TEST_TMPDIR/bin/nsls" "$BATS_TEST_TMPDIR/bin/nsenter-lite"
	for mode in "${MODES[@]}"; do
		assert_replies "$mode" "$BATS_TEST_TMPDIR/bin/nsls --container "
		assert_replies "$mode" "$BATS_TEST_TMPDIR/bin/nsenter-lite --container "
	done
}

@test "completion: nsls NSINODE offers the namespaces the kernel shows us" {
	local mode ino
	ino=$(nstk_ns_ino $$ net)
	for mode in "${MODES[@]}"; do
		assert_reply_has "$mode" "$NSLS ${ino:0:5}" "$ino"
	done
}

@test "completion: cgtop PATH offers a cgroup we made, as cgtop takes it, and the top level as cgtop sees it" {
	local mode cg base top=() p
	if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
		base=/sys/fs/cgroup
	else
		base=/sys/fs/cgroup/pids
		[ -d "$base" ] || skip "neither cgroup2 at /sys/fs/cgroup nor v1 pids at $base"
	fi
	cg="/$TAG"
	nstk_cgroup_mkdir "$base$cg" "$base$cg/sub" "$base$cg/sub/leaf" "$base$cg/other"
	run --separate-stderr timeout 30 "$CGTOP" -J -n 1 -d 0.05 --depth 1 /
	assert_success
	mapfile -t top < <(jq -r '.cgroups[].path | select(. != "/")' <<<"$output")
	for mode in "${MODES[@]}"; do
		assert_replies "$mode" "$CGTOP $cg" "$cg"
		assert_replies "$mode" "$CGTOP -b $cg/" "$cg/other" "$cg/sub"
		assert_replies "$mode" "$CGTOP -b -n 1 $cg/s" "$cg/sub"
		assert_replies "$mode" "$CGTOP $cg/sub/" "$cg/sub/leaf"
		assert_replies "$mode" "$CGTOP $cg/nope"
		# The first word may be the record subcommand too.
		assert_replies "$mode" "$CGTOP /" "${top[@]}"
		assert_replies "$mode" "$CGTOP " "${top[@]}" record
		assert_replies "$mode" "$CGTOP rec" record
		assert_replies "$mode" "$CGTOP record --depth 1 $cg/o" "$cg/other"
		# --root: the hierarchy given, paths relative to it.
		assert_replies "$mode" "$CGTOP --root $base $cg/s" "$cg/sub"
		assert_replies "$mode" "$CGTOP --root=$BATS_TEST_TMPDIR /"
	done
	for p in "$cg" "$cg/sub/leaf"; do
		run --separate-stderr timeout 30 "$CGTOP" -J -n 1 -d 0.05 "$p"
		assert_success
		assert_equal "$(jq -r '.cgroups[0].path' <<<"$output")" "$p"
	done
}

@test "completion: cgtop --sort keys are its JSON fields and the short names it takes" {
	local mode fields=() k extra=()
	run --separate-stderr timeout 30 "$CGTOP" -J -n 1 -d 0.05 /
	assert_success
	mapfile -t fields < <(jq -r '.cgroups[0] | paths(scalars or . == null) | map(tostring) | join(".")' <<<"$output")
	[ "${#fields[@]}" -gt 20 ] || fail "few JSON fields: ${fields[*]}"
	for mode in "${MODES[@]}"; do
		comp "$mode" "$CGTOP --sort "
		for k in "${fields[@]}"; do
			grep -qxF "$k" <<<"$REPLY_LINES" || fail "[$mode] --sort: JSON field $k not offered"
		done
		extra=()
		for k in "${REPLIES[@]}"; do
			printf '%s\n' "${fields[@]}" | grep -qxF "$k" || extra+=("$k")
		done
		[ "${#extra[@]}" -gt 0 ] || fail "[$mode] --sort: no short names (cpu, memory...)"
		assert_reply_has "$mode" "$CGTOP -b --sort=me" memory memory.current
		assert_reply_has "$mode" "$CGTOP --check memory.pct_" memory.pct_of_max
	done
	# Each short name offered is one cgtop takes; a made-up one it refuses.
	for k in "${extra[@]}"; do
		run --separate-stderr timeout 30 "$CGTOP" -b -n 1 -d 0.01 --depth 0 --sort "$k" /
		[ "$status" -eq 0 ] || fail "cgtop --sort $k (offered) exits $status: $stderr"
	done
	run --separate-stderr timeout 30 "$CGTOP" -b -n 1 -d 0.01 --depth 0 --sort nstk-bogus /
	assert_equal "$status" 2
}

@test "completion: nsenter-lite completes the program, then the program's arguments" {
	local mode
	for mode in "${MODES[@]}"; do
		assert_reply_has "$mode" "$NSENTER -t 1 -n sleep" sleep
		assert_reply_has "$mode" "$NSENTER --net=/proc/1/ns/net -- sleep" sleep
		assert_replies "$mode" "$NSENTER -t 1 -m -u cat /proc/self/ns/ne" /proc/self/ns/net
		assert_reply_has "$mode" "$NSENTER --mount=/proc/1/ns/m" /proc/1/ns/mnt
		assert_replies "$mode" "$NSENTER -S f" follow
	done
}

@test "completion: make install puts the three files in share/bash-completion/completions, uninstall removes them" {
	local d="$BATS_TEST_TMPDIR/root" san=() build="${NSLS%/nsls}" t
	[[ "$build" == */san ]] && san=(SAN=1)
	run make -s -C "$NSTK_ROOT" "${san[@]}" BUILD="$build" DESTDIR="$d" PREFIX=/usr install
	assert_success
	for t in nsls nsenter-lite cgtop; do
		assert_equal "$(stat -c %a "$d/usr/share/bash-completion/completions/$t")" 644
		cmp "$NSTK_ROOT/completions/$t" "$d/usr/share/bash-completion/completions/$t"
	done
	run make -s -C "$NSTK_ROOT" "${san[@]}" BUILD="$build" DESTDIR="$d" PREFIX=/usr uninstall
	assert_success
	assert_equal "$(find "$d" -type f)" ""
}

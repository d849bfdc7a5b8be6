# containers_helpers.bash — real runtimes for containers.bats: podman (with
# runc and the cgroupfs manager), runc with an OCI bundle, and containerd on
# its own socket. Every bit of runtime state lives in one scratch directory;
# /etc is never touched.
#
# Load it after helpers.bash. It gives:
#   ctr_setup_all            setup_file: a busybox rootfs, then one container
#                            per runtime; a runtime that cannot run leaves
#                            its reason in $CTR_DIR/<runtime>.skip
#   ctr_teardown_all         teardown_file: remove the containers, stop the
#                            runtimes, remove the cgroups, netns and nft
#                            tables the run made (and only those)
#   ctr_need RUNTIME         in a test: skip with the printed reason unless
#                            RUNTIME's container runs
#   ctr_podman ARGS...       podman on the scratch store and config
#   ctr_podman_record NAME   note a podman container started in a test, for
#                            teardown
#   ctr_ctr ARGS...          ctr on the scratch containerd
#   ctr_runc ARGS...         runc on the scratch state root
#   ctr_ns_set PID           "kind:inode" of each namespace PID holds that
#                            differs from this shell's (the host's), sorted
#   ctr_nsls_set ARGS...     "type:ns" of each row of nsls -J ARGS, sorted
#   $CTR_PODMAN, $CTR_RUNC, $CTR_CTRD   the container names/ids used
#
# Names carry this shell's PID, so two runs (or another session's runtime)
# never collide on a cgroup; the podman store is private to the scratch dir.

CGTOP="${NSLS%/nsls}/cgtop"
NSENTER_LITE="${NSLS%/nsls}/nsenter-lite"

# The top-level cgroups runtimes make and leave behind when empty.
_CTR_CGROUP_LEFTOVERS=(libpod_parent/conmon libpod_parent default)

ctr_podman() {
	CONTAINERS_CONF="$CTR_DIR/podman/containers.conf" \
		CONTAINERS_STORAGE_CONF="$CTR_DIR/podman/storage.conf" \
		podman "$@"
}

ctr_ctr() {
	ctr --address "$CTR_DIR/containerd/containerd.sock" "$@"
}

ctr_runc() {
	runc --root "$CTR_DIR/runc/state" "$@"
}

ctr_need() {
	if [ -e "$CTR_DIR/$1.skip" ]; then
		skip "$1: $(cat "$CTR_DIR/$1.skip")"
	fi
}

ctr_ns_set() {
	local k mine theirs
	for k in "${NSTK_KINDS[@]}"; do
		mine="$(readlink "/proc/self/ns/$k")"
		theirs="$(readlink "/proc/$1/ns/$k")" || return 1
		[ "$mine" = "$theirs" ] && continue
		[[ "$theirs" =~ \[([0-9]+)\] ]] && echo "$k:${BASH_REMATCH[1]}"
	done | sort
}

ctr_nsls_set() {
	nsls_json "$@" || return 1
	jqn '.namespaces[] | "\(.type):\(.ns)"' | sort
}

# Why a runtime cannot run: recorded for ctr_need, printed in the TAP log.
_ctr_cannot() {
	echo "$2" >"$CTR_DIR/$1.skip"
	echo "# containers: $1 skipped: $2" >&3
}

_ctr_rootfs() {
	local r="$CTR_DIR/$1/rootfs"
	mkdir -p "$r"/{bin,proc,sys,dev,etc,tmp,run}
	cp "$(command -v busybox)" "$r/bin/busybox"
	chroot "$r" /bin/busybox --install -s /bin
}

# Wait (max 10 s) until CMD... succeeds.
_ctr_poll() {
	local i
	for ((i = 0; i < 100; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

_ctr_setup_podman() {
	local d="$CTR_DIR/podman" out
	command -v podman >/dev/null && command -v runc >/dev/null || {
		_ctr_cannot podman "podman or runc is not installed (scripts/install-deps.sh)"
		return 0
	}
	mkdir -p "$d"
	_ctr_rootfs podman
	# crun (podman's default) refuses hybrid cgroups; podman's default
	# rlimits exceed what a runner without CAP_SYS_RESOURCE may set.
	cat >"$d/containers.conf" <<-EOF
		[containers]
		default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
		[network]
		network_config_dir = "$d/networks"
		[engine]
		runtime = "runc"
		cgroup_manager = "cgroupfs"
		events_logger = "none"
		tmp_dir = "$d/tmp"
	EOF
	cat >"$d/storage.conf" <<-EOF
		[storage]
		driver = "vfs"
		graphroot = "$d/graph"
		runroot = "$d/run"
	EOF
	# --rootfs is a flag: the rootfs path is the first positional argument.
	if ! out="$(ctr_podman run -d --name "$CTR_PODMAN" --cpus 0.5 --memory 64m \
		--rootfs "$d/rootfs" /bin/sleep 600 2>&1)"; then
		_ctr_cannot podman "podman run failed: ${out##*$'\n'}"
		return 0
	fi
	ctr_podman_record "$CTR_PODMAN"
}

# Note a podman container's PIDs and netns pin, for teardown even if podman
# itself fails then.
ctr_podman_record() {
	ctr_podman inspect -f '{{.State.Pid}} {{.State.ConmonPid}}' "$1" >>"$CTR_DIR/podman/pids" || true
	ctr_podman inspect -f '{{.NetworkSettings.SandboxKey}}' "$1" | sed '/^$/d' >>"$CTR_DIR/podman/netns" || true
}

_ctr_setup_runc() {
	local d="$CTR_DIR/runc" out
	command -v runc >/dev/null && command -v jq >/dev/null || {
		_ctr_cannot runc "runc or jq is not installed (scripts/install-deps.sh)"
		return 0
	}
	mkdir -p "$d/bundle" "$d/state"
	_ctr_rootfs runc
	(cd "$d/bundle" && runc spec) || {
		_ctr_cannot runc "runc spec failed"
		return 0
	}
	# runc's cgroupfs driver takes cgroupsPath literally; the systemd form
	# ":runc:<id>" (absolute, so not under this shell's own cgroup) is what
	# names the container in the path.
	jq --arg root "$d/rootfs" --arg cg "/:runc:$CTR_RUNC" '
		.root.path = $root | .process.terminal = false |
		.process.args = ["/bin/sleep", "600"] |
		.linux.resources = {cpu: {quota: 50000, period: 100000}, memory: {limit: 67108864}} |
		.linux.cgroupsPath = $cg' "$d/bundle/config.json" >"$d/bundle/config.new" &&
		mv "$d/bundle/config.new" "$d/bundle/config.json"
	# runc run -d keeps the stdio it is given: never bats's fd 3.
	if ! (cd "$d/bundle" && runc --root "$d/state" run -d --pid-file "$d/pid" "$CTR_RUNC" \
		</dev/null >"$d/out" 2>&1 3>&-); then
		_ctr_cannot runc "runc run failed: $(tail -n 1 "$d/out")"
		return 0
	fi
}

_ctr_setup_containerd() {
	local d="$CTR_DIR/containerd" out
	command -v containerd >/dev/null && command -v ctr >/dev/null || {
		_ctr_cannot containerd "containerd is not installed (scripts/install-deps.sh)"
		return 0
	}
	mkdir -p "$d"
	_ctr_rootfs containerd
	# Its own root, state, sockets and opt dir; no CRI (no kubelet here).
	cat >"$d/config.toml" <<-EOF
		version = 2
		root = "$d/root"
		state = "$d/state"
		disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs",
		  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
		  "io.containerd.snapshotter.v1.aufs", "io.containerd.tracing.processor.v1.otlp",
		  "io.containerd.internal.v1.tracing"]
		[grpc]
		  address = "$d/containerd.sock"
		[ttrpc]
		  address = "$d/containerd.sock.ttrpc"
		[debug]
		  address = ""
		[plugins."io.containerd.internal.v1.opt"]
		  path = "$d/opt"
	EOF
	(cd / && exec setsid containerd --config "$d/config.toml" </dev/null >"$d/log" 2>&1 3>&-) &
	echo $! >"$d/daemon.pid"
	if ! _ctr_poll ctr_ctr version; then
		_ctr_cannot containerd "containerd did not answer on its socket in 10 s: $(tail -n 1 "$d/log")"
		return 0
	fi
	if ! out="$(ctr_ctr run -d --cpus 0.5 --memory-limit 67108864 --rootfs "$d/rootfs" \
		"$CTR_CTRD" /bin/sleep 600 2>&1 </dev/null 3>&-)"; then
		_ctr_cannot containerd "ctr run failed: ${out##*$'\n'}"
		return 0
	fi
	ctr_ctr task ls | awk -v id="$CTR_CTRD" '$1 == id { print $2 }' >"$d/pid"
}

ctr_setup_all() {
	export CTR_DIR
	CTR_DIR="$(mktemp -d /tmp/nstk-ctr.XXXXXX)"
	export CTR_PODMAN="nstk-$$-pod" CTR_RUNC="nstk-$$-rt" CTR_CTRD="nstk-$$-c1"
	# What exists before, so teardown removes only what this run made.
	nft list tables 2>/dev/null | sort >"$CTR_DIR/nft.before" || true
	local h c
	for h in /sys/fs/cgroup/*/; do
		for c in "${_CTR_CGROUP_LEFTOVERS[@]}"; do
			[ -d "$h$c" ] && echo "$h$c"
		done
	done >"$CTR_DIR/cgroups.before"
	if ! command -v busybox >/dev/null; then
		for c in podman runc containerd; do
			_ctr_cannot "$c" "busybox is not installed (scripts/install-deps.sh)"
		done
		return 0
	fi
	_ctr_setup_podman
	_ctr_setup_runc
	_ctr_setup_containerd
}

_ctr_kill_pid_file() {
	local p
	for p in $(cat "$1" 2>/dev/null); do
		[ "$p" -gt 1 ] 2>/dev/null && kill -KILL "$p" 2>/dev/null || true
	done
}

ctr_teardown_all() {
	[ -n "${CTR_DIR:-}" ] && [ -d "$CTR_DIR" ] || return 0
	local left=() h c t p i

	if [ -e "$CTR_DIR/podman/containers.conf" ]; then
		# sleep as PID 1 ignores SIGTERM: -t 0 kills at once. The store is
		# this run's own, so --all is only our containers.
		ctr_podman rm -f -t 0 --all >/dev/null 2>&1 || true
		_ctr_kill_pid_file "$CTR_DIR/podman/pids"
		# Our podman's netns pins (the store is gone with the scratch dir).
		for p in $(cat "$CTR_DIR/podman/netns" 2>/dev/null); do
			[ -e "$p" ] && ip netns del "${p##*/}" 2>/dev/null
		done
	fi
	if [ -d "$CTR_DIR/runc/state" ]; then
		ctr_runc delete -f "$CTR_RUNC" >/dev/null 2>&1 || true
		_ctr_kill_pid_file "$CTR_DIR/runc/pid"
	fi
	if [ -e "$CTR_DIR/containerd/daemon.pid" ]; then
		local shim=""
		p="$(cat "$CTR_DIR/containerd/pid" 2>/dev/null)"
		[ -n "$p" ] && shim="$(awk '/^PPid:/ { print $2 }' "/proc/$p/status" 2>/dev/null)"
		ctr_ctr task kill -s KILL "$CTR_CTRD" >/dev/null 2>&1 || true
		_ctr_poll sh -c "! ctr --address '$CTR_DIR/containerd/containerd.sock' task ls | grep -q '^$CTR_CTRD .*RUNNING'" || true
		ctr_ctr task rm -f "$CTR_CTRD" >/dev/null 2>&1 || true
		ctr_ctr container rm "$CTR_CTRD" >/dev/null 2>&1 || true
		_ctr_kill_pid_file "$CTR_DIR/containerd/pid"
		_ctr_kill_pid_file "$CTR_DIR/containerd/daemon.pid"
		# The shim outlives its daemon; it exits once its task is gone.
		[ -n "$shim" ] && [ "$shim" -gt 1 ] && grep -q containerd-shim "/proc/$shim/cmdline" 2>/dev/null &&
			kill -KILL "$shim" 2>/dev/null
		wait "$(cat "$CTR_DIR/containerd/daemon.pid")" 2>/dev/null || true
	fi

	# The processes are gone (or going): their empty cgroups can go, but
	# only the ones this run made.
	for ((i = 0; i < 50; i++)); do
		p=0
		for h in /sys/fs/cgroup/*/; do
			for c in "${_CTR_CGROUP_LEFTOVERS[@]}" ":runc:$CTR_RUNC" "default/$CTR_CTRD"; do
				[ -d "$h$c" ] || continue
				grep -qxF "$h$c" "$CTR_DIR/cgroups.before" && continue
				rmdir "$h$c" 2>/dev/null || p=1
			done
		done
		[ "$p" = 0 ] && break
		sleep 0.1
	done
	[ "$p" = 0 ] || left+=("cgroups")

	# netavark's iptables-nft tables outlive the bridge. Another session's
	# bridged container would still hold the bridge: then they are shared.
	local bridge
	bridge="$(ctr_podman network inspect podman -f '{{.NetworkInterface}}' 2>/dev/null)"
	if [ -z "$bridge" ] || ! ip link show "$bridge" >/dev/null 2>&1; then
		while read -r t; do
			[ -n "$t" ] || continue
			grep -qxF "$t" "$CTR_DIR/nft.before" && continue
			# "table ip nat" -> nft delete table ip nat
			nft delete ${t} 2>/dev/null || left+=("nft $t")
		done < <(nft list tables 2>/dev/null | sort)
	fi

	# A process killed above is gone once whoever inherited it reaps it:
	# with many containers that takes a moment, so each gets up to 5 s.
	for p in "$CTR_DIR"/*/pid "$CTR_DIR"/podman/pids; do
		for t in $(cat "$p" 2>/dev/null); do
			for ((i = 0; i < 100; i++)); do
				[ -e "/proc/$t" ] && [ "$(awk '{print $3}' "/proc/$t/stat" 2>/dev/null)" != Z ] || break
				sleep 0.05
			done
			[ -e "/proc/$t" ] && [ "$(awk '{print $3}' "/proc/$t/stat" 2>/dev/null)" != Z ] && left+=("PID $t")
		done
	done
	rm -rf --one-file-system "$CTR_DIR"
	if [ "${#left[@]}" -gt 0 ]; then
		echo "ctr_teardown_all: still there: ${left[*]}" >&2
		return 1
	fi
}

# shellcheck shell=bash
# A real containerd (Debian's containerd + runc) for the tests, with its own root, state
# directory, socket and configuration under a temporary directory: never the machine's
# /run/containerd or /var/lib/containerd. Source it, then:
#   ctrd_start                 starts it and waits for its socket (returns 1 with the reason)
#   ctrd_sandbox ID NETNS-PATH K8S-NAMESPACE POD-NAME [POD-UID]
#                              runs a "pod sandbox" the way containerd's CRI plugin leaves one
#                              on disk: containerd namespace k8s.io, the CRI annotations on
#                              its OCI spec, joined to the network namespace at NETNS-PATH
#   ctrd_stop                  removes every container it made, stops containerd and its
#                              shims, and removes the temporary directory (idempotent; the
#                              sourcing script calls it from its EXIT trap)
#   ctr_ ARGS...               ctr against this containerd, containerd namespace k8s.io
#   ctrd_run ARGS...           ctr run with its I/O fifos under CTRD_DIR (ctr, a client in
#                              the machine's mount namespace, would make /run/containerd/fifo)
# After ctrd_start: CTRD_TASK_DIR is the task directory hoptrace reads
# (.../io.containerd.runtime.v2.task), each sandbox's bundle is CTRD_TASK_DIR/k8s.io/ID.
#
# Why a private mount namespace: containerd 1.6's runc shim puts its socket under the fixed
# path /run/containerd/s, and runc's state under /run/containerd/runc. containerd runs in a
# mount namespace of its own where /run is a fresh tmpfs (with the machine's /run/netns
# bound back in, since sandboxes join namespaces by those paths), so nothing it writes
# lands in the machine's /run. Its root and state directories are under CTRD_DIR, which
# the host sees: hoptrace reads the bundles from outside.
#
# Why no CRI plugin: it wants CNI and a kubelet; the sandboxes are made with ctr instead,
# with the annotations containerd's CRI plugin writes for a sandbox (pkg/cri/annotations in
# containerd: io.kubernetes.cri.container-type=sandbox, ...sandbox-id, ...sandbox-name,
# ...sandbox-namespace, ...sandbox-uid, ...sandbox-log-directory).

CTRD_DIR=""
CTRD_PID=""
CTRD_SOCK=""
CTRD_TASK_DIR=""
CTRD_ROOTFS=""

ctr_() { ctr --address "$CTRD_SOCK" --namespace k8s.io "$@"; }
ctrd_run() { ctr_ run --fifo-dir "$CTRD_DIR/fifo" "$@"; }

# A tiny static root file system: Debian's busybox-static, with the few applets a pause
# process needs.
ctrd_rootfs() {
	local dir=$1 bb
	bb=$(command -v busybox) || { echo "busybox-static is not installed"; return 1; }
	# A dynamic busybox (Debian's busybox package) would not run without its libraries.
	ldd "$bb" >/dev/null 2>&1 && { echo "$bb is not static: install busybox-static"; return 1; }
	mkdir -p "$dir/bin" "$dir/proc" "$dir/dev" "$dir/sys" "$dir/tmp" "$dir/etc" || return 1
	cp "$bb" "$dir/bin/busybox" || return 1
	for applet in sh sleep cat ip ifconfig; do ln -sf busybox "$dir/bin/$applet"; done
}

ctrd_start() {
	for tool in containerd ctr runc containerd-shim-runc-v2 unshare; do
		command -v "$tool" >/dev/null ||
			{ echo "$tool is not installed (scripts/install-deps.sh installs containerd, runc)"; return 1; }
	done
	CTRD_DIR=$(mktemp -d /tmp/hoptrace-ctrd.XXXXXX) || return 1
	CTRD_SOCK=$CTRD_DIR/containerd.sock
	CTRD_TASK_DIR=$CTRD_DIR/state/io.containerd.runtime.v2.task
	CTRD_ROOTFS=$CTRD_DIR/rootfs
	ctrd_rootfs "$CTRD_ROOTFS" || return 1
	mkdir -p "$CTRD_DIR/root" "$CTRD_DIR/state" "$CTRD_DIR/opt" "$CTRD_DIR/hostrun" || return 1
	cat >"$CTRD_DIR/config.toml" <<-TOML
	version = 2
	root = "$CTRD_DIR/root"
	state = "$CTRD_DIR/state"
	disabled_plugins = ["io.containerd.grpc.v1.cri"]
	[grpc]
	  address = "$CTRD_SOCK"
	[ttrpc]
	  address = "$CTRD_DIR/containerd.sock.ttrpc"
	[debug]
	  address = ""
	[metrics]
	  address = ""
	[plugins."io.containerd.internal.v1.opt"]
	  path = "$CTRD_DIR/opt"
	TOML
	# setsid: containerd and its shims get a session of their own, so a Ctrl-C at the
	# terminal reaches the test (whose trap stops them), not them half-way.
	setsid unshare --mount --propagation slave -- sh -c '
		set -e
		d=$1
		mount --rbind /run "$d/hostrun"
		mount -t tmpfs -o mode=0755 hoptrace-ctrd-run /run
		mkdir /run/netns /run/containerd /run/lock
		mount --rbind "$d/hostrun/netns" /run/netns
		umount -l "$d/hostrun"
		exec containerd --config "$d/config.toml" --log-level warn
	' ctrd "$CTRD_DIR" >"$CTRD_DIR/containerd.log" 2>&1 &
	CTRD_PID=$!
	for _ in $(seq 100); do
		[ -S "$CTRD_SOCK" ] && ctr --address "$CTRD_SOCK" version >/dev/null 2>&1 && return 0
		kill -0 "$CTRD_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "containerd did not start (within 10 s):"
	tail -20 "$CTRD_DIR/containerd.log"
	return 1
}

# ctrd_sandbox ID NETNS-PATH K8S-NAMESPACE POD-NAME [POD-UID]
ctrd_sandbox() {
	local id=$1 netns=$2 kns=$3 name=$4 uid=${5:-}
	[ -n "$uid" ] || uid=$(cat /proc/sys/kernel/random/uuid)
	# --cgroup "": no cgroup of the machine is made (the test needs none). No --label: ctr
	# copies labels into the OCI annotations, where the CRI plugin puts none of its labels.
	ctrd_run --detach --null-io --rootfs --cgroup "" \
		--with-ns "network:$netns" \
		--annotation io.kubernetes.cri.container-type=sandbox \
		--annotation "io.kubernetes.cri.sandbox-id=$id" \
		--annotation "io.kubernetes.cri.sandbox-name=$name" \
		--annotation "io.kubernetes.cri.sandbox-namespace=$kns" \
		--annotation "io.kubernetes.cri.sandbox-uid=$uid" \
		--annotation "io.kubernetes.cri.sandbox-log-directory=/var/log/pods/${kns}_${name}_$uid" \
		"$CTRD_ROOTFS" "$id" /bin/sleep 100000 || return 1
	# Bounded wait for the task to be running (its bundle is then complete).
	for _ in $(seq 50); do
		ctr_ task ls 2>/dev/null | awk -v id="$id" '$1 == id && $3 == "RUNNING" { f = 1 } END { exit !f }' &&
			[ -f "$CTRD_TASK_DIR/k8s.io/$id/config.json" ] && return 0
		sleep 0.1
	done
	echo "sandbox $id did not start:"
	ctr_ task ls
	tail -20 "$CTRD_DIR/containerd.log"
	return 1
}

# The shims containerd started for this instance: their command line names our socket.
ctrd_shim_pids() {
	local p
	[ -n "$CTRD_SOCK" ] || return 0
	for p in /proc/[0-9]*; do
		tr '\0' ' ' 2>/dev/null <"$p/cmdline" | grep -qF -- "-address $CTRD_SOCK " &&
			echo "${p#/proc/}"
	done
}

ctrd_stop() {
	local id pids
	[ -n "$CTRD_DIR" ] || return 0
	if [ -n "$CTRD_PID" ] && kill -0 "$CTRD_PID" 2>/dev/null; then
		for id in $(ctr_ task ls -q 2>/dev/null); do
			ctr_ task kill -s KILL "$id" >/dev/null 2>&1
		done
		for _ in $(seq 30); do
			[ -z "$(ctr_ task ls 2>/dev/null | awk 'NR > 1 && $3 == "RUNNING"')" ] && break
			sleep 0.1
		done
		for id in $(ctr_ task ls -q 2>/dev/null); do ctr_ task delete -f "$id" >/dev/null 2>&1; done
		for id in $(ctr_ container ls -q 2>/dev/null); do ctr_ container delete "$id" >/dev/null 2>&1; done
	fi
	pids=$(ctrd_shim_pids)
	[ -n "$CTRD_PID" ] && kill "$CTRD_PID" 2>/dev/null
	[ -n "$pids" ] && kill $pids 2>/dev/null
	for _ in $(seq 50); do
		kill -0 "$CTRD_PID" 2>/dev/null || [ -n "$(ctrd_shim_pids)" ] || break
		sleep 0.1
	done
	[ -n "$CTRD_PID" ] && kill -KILL "$CTRD_PID" 2>/dev/null
	pids=$(ctrd_shim_pids)
	[ -n "$pids" ] && kill -KILL $pids 2>/dev/null
	wait "$CTRD_PID" 2>/dev/null
	rm -rf "$CTRD_DIR"
	CTRD_DIR="" CTRD_PID=""
}

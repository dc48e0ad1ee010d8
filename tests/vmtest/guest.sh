#!/usr/bin/env bash
# Runs inside a vmtest guest (or, for KERNELS=host, on this machine): loads the modules,
# records the attach plan, builds two nodes joined by a VXLAN overlay in namespaces it
# creates, and traces commands over them; then a veth pair with two tc programs on one
# ingress (the tests' own, through build/tests/bpf_attach), one of which drops. It judges nothing: the host reads OUTDIR
# (tests/vmtest/check.sh), because every fork and exec costs ~30x more under TCG.
# Usage: guest.sh OUTDIR   (HOPTRACE: the binary; PREFIX: namespace name prefix)
set -u
out=$1
hoptrace=${HOPTRACE:-build/hoptrace}
prefix=${PREFIX:-vt}
N1=$prefix-n1 N2=$prefix-n2 P1=$prefix-p1 P2=$prefix-p2
POD1=10.244.1.2 POD2=10.244.2.2 NODE1=10.244.1.1
# bpf_culprit: a client and a server namespace; the tests' BPF programs and their loader,
# built on the host (make unit) in the shared working directory.
B1=$prefix-b1 B2=$prefix-b2 BSERVER=10.250.0.2
build=$(dirname "$hoptrace")
BPF_ATTACH=$build/tests/bpf_attach TEST_PROGS=$build/tests/bpf/test_progs.bpf.o

mkdir -p "$out" || exit 1
# Seconds since the guest booted at each step (bash built-ins only: no fork).
stamp() { local up; read -r up _ </proc/uptime; printf '%s %s\n' "$1" "$up" >>"$out/timing"; }
: >"$out/timing"
stamp start
# The programs' loaders hold them until their input ends (the pipes are closed here), then
# detach them and exit.
cleanup() {
	for fd in ${attach_fds[@]+"${attach_fds[@]}"}; do exec {fd}>&-; done
	sleep 0.5
	for ns in "$P1" "$P2" "$N1" "$N2" "$B1" "$B2"; do ip netns del "$ns" 2>/dev/null; done
}
# In a guest the namespaces go with the VM; deleting them costs seconds under TCG.
[ -n "${VMTEST_GUEST:-}" ] || trap cleanup EXIT
printf 'N1=%s N2=%s P1=%s P2=%s B2=%s\n' "$N1" "$N2" "$P1" "$P2" "$B2" >"$out/names"
read -r _ _ release _ </proc/version
printf '%s\n' "$release" >"$out/release"
cp /proc/version "$out/version"

# Debian's kernels have these as modules; a kernel with them built in makes modprobe fail
# harmlessly. iptables-nft loads the rest (nft_compat, xt_*) through kernel auto-loading.
modprobe -a veth vxlan bridge nf_tables nft_compat xt_tcpudp nf_conntrack 2>"$out/modprobe.err"

stamp modules
"$hoptrace" hooks >"$out/hooks.txt" 2>&1
"$hoptrace" hooks --json >"$out/hooks.json" 2>>"$out/hooks.txt"

# node_batch N: node N's devices and routes, as one `ip -batch` in its namespace.
node_batch() {
	local n=$1 other=$((3 - $1))
	cat <<-EOF
		link set lo up
		addr add 172.31.77.$n/24 dev ul0
		link set ul0 up
		link add cni0 type bridge
		addr add 10.244.$n.1/24 dev cni0
		link set cni0 up
		link set veth0 master cni0 up
		link add vx0 type vxlan id 42 local 172.31.77.$n remote 172.31.77.$other dstport 4789 dev ul0
		addr add 10.99.0.$n/24 dev vx0
		link set vx0 up
		route add 10.244.$other.0/24 via 10.99.0.$other dev vx0
	EOF
}

pod_batch() {
	cat <<-EOF
		link set lo up
		addr add 10.244.$1.2/24 dev eth0
		link set eth0 up
		route add default via 10.244.$1.1
	EOF
}

# The topology of tests/e2e/test_overlay.sh: an underlay veth between the nodes, a bridge
# and a pod on each, VXLAN (VNI 42) between them.
topology_up() {
	ip -b - <<-EOF || return 1
		netns add $N1
		netns add $N2
		netns add $P1
		netns add $P2
		link add ul0 netns $N1 type veth peer name ul0 netns $N2
		link add veth0 netns $N1 type veth peer name eth0 netns $P1
		link add veth0 netns $N2 type veth peer name eth0 netns $P2
	EOF
	node_batch 1 | ip -n "$N1" -b - || return 1
	node_batch 2 | ip -n "$N2" -b - || return 1
	pod_batch 1 | ip -n "$P1" -b - || return 1
	pod_batch 2 | ip -n "$P2" -b - || return 1
	ip netns exec "$N1" sysctl -qw net.ipv4.ip_forward=1 || return 1
	ip netns exec "$N2" sysctl -qw net.ipv4.ip_forward=1 || return 1
	# Datagram ICMP sockets, as unprivileged pods use: a root ping's raw socket would
	# have the kernel free the original echo reply with NO_SOCKET.
	ip netns exec "$P1" sysctl -qw net.ipv4.ping_group_range="0 2147483647" || return 1
	# Warm the neighbour caches so no traced packet waits behind ARP.
	ip netns exec "$P1" ping -c1 -W5 -q $POD2 >/dev/null
}

# bpf_attach_held NAME PROG PRIO: PROG of the tests' object as a cls_bpf filter at PRIO on
# the server's ingress, held by a loader whose input is a FIFO we keep open (in /tmp: not
# on the 9p share, which has none; and a guest has no /dev/fd for bash's >(...)); its
# "attached id=N" line goes to OUTDIR/NAME.id.
attach_fds=()
bpf_attach_held() {
	local name=$1 prog=$2 prio=$3 fifo fd pid
	fifo=$(mktemp -u /tmp/hoptrace-vmtest-fifo.XXXXXX) && mkfifo "$fifo" || return 1
	ip netns exec "$B2" "$BPF_ATTACH" "$TEST_PROGS" "$prog" tc_ingress s0 --prio "$prio" \
		<"$fifo" >"$out/$name.id" 2>"$out/$name.err" &
	pid=$!
	exec {fd}>"$fifo"
	rm -f "$fifo"
	attach_fds+=("$fd")
	for _ in $(seq 100); do # bounded: 20 s to load (slow under TCG)
		grep -q '^attached id=' "$out/$name.id" 2>/dev/null && return 0
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.2
	done
	return 1
}

bpf_topology_up() {
	ip -b - <<-EOF || return 1
		netns add $B1
		netns add $B2
		link add c0 netns $B1 type veth peer name s0 netns $B2
	EOF
	ip -n "$B1" -b - <<-EOF || return 1
		link set lo up
		addr add 10.250.0.1/24 dev c0
		link set c0 up
	EOF
	ip -n "$B2" -b - <<-EOF || return 1
		link set lo up
		addr add $BSERVER/24 dev s0
		link set s0 up
	EOF
	ip netns exec "$B1" ping -c1 -W5 -q $BSERVER >/dev/null
	bpf_attach_held bpf_pass tc_pass_all 1 || return 1
	bpf_attach_held bpf_drop tc_drop_udp_port 2
}

# trace CASE HOPTRACE-ARGS... -- COMMAND...: OUTDIR/CASE.jsonl, .err and .rc.
trace() {
	local name=$1
	shift
	"$hoptrace" --json -q "$@" >"$out/$name.jsonl" 2>"$out/$name.err"
	echo $? >"$out/$name.rc"
	stamp "$name"
}

stamp plan
if ! topology_up >"$out/topology.err" 2>&1; then
	echo "guest: topology failed:" >&2
	cat "$out/topology.err" >&2
	exit 1
fi
echo ok >"$out/topology.ok"
stamp topology

# -v: the hook lines on stderr show what really attached (the plan case checks them).
trace vxlan -v --netns "$N1" --netns "$N2" --pod-ip $POD1 -- \
	ip netns exec "$P1" ping -c1 -W2 $POD2
# A failed load: keep libbpf's log (verifier, CO-RE relocations) for the report.
read -r rc <"$out/vxlan.rc"
if [ "$rc" != 0 ] && grep -q "loading BPF programs" "$out/vxlan.err"; then
	"$hoptrace" -vv --pod-ip $POD1 -- true >/dev/null 2>"$out/vxlan-vv.err"
fi
trace closed_port --pod-ip $POD1 --proto udp --port 9 -- \
	ip netns exec "$P1" bash -c "echo knock >/dev/udp/$NODE1/9"
ip netns exec "$N1" iptables -w -A FORWARD -d $POD2 -p udp --dport 9999 -j DROP \
	2>"$out/iptables.err"
trace netfilter_drop --netns "$N1" --netns "$N2" --pod-ip $POD1 -- \
	ip netns exec "$P1" bash -c "echo drop-me >/dev/udp/$POD2/9999"
# The same drop with the rule trace: the rule is named; then no marking table is left (the
# kernel takes an owned table away on 5.12+, hoptrace deletes it itself before).
trace rules_named --rules --netns "$N1" --netns "$N2" --pod-ip $POD1 -- \
	ip netns exec "$P1" bash -c "echo drop-me >/dev/udp/$POD2/9999"
for ns in "$N1" "$N2" "$P1"; do ip netns exec "$ns" nft list tables; done \
	>"$out/rules_named.tables" 2>&1
# A datagram a socket in pod 2 takes and reads: delivered there (the sock_queue hook).
ip netns exec "$P2" python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("0.0.0.0", 5353))
s.settimeout(60); s.recv(100)' 2>"$out/udp_server.err" &
server=$!
for _ in $(seq 100); do # bounded: 20 s for the socket (python starts slowly under TCG)
	grep -q ':14E9 ' "/proc/$server/net/udp" 2>/dev/null && break
	sleep 0.2
done
trace udp_delivered --pod-ip $POD1 --proto udp --port 5353 -- \
	ip netns exec "$P1" bash -c "echo hello >/dev/udp/$POD2/5353"
wait "$server"

# Two tc programs on the server's ingress, the second dropping UDP to 7777: where fexit is
# allowed each one's return is a bpf_prog hop (-v: what was watched).
if bpf_topology_up >"$out/bpf_topology.err" 2>&1; then
	echo ok >"$out/bpf_topology.ok"
	trace bpf_culprit -v --pod-ip $BSERVER --proto udp --port 7777 -- \
		ip netns exec "$B1" bash -c "echo drop-me >/dev/udp/$BSERVER/7777"
fi

# The demo's scenarios on this kernel (each its own cluster of namespaces, torn down after
# it): VMTEST_SELFTEST names them ("all": every one; "": none). The host compares each
# verdict with this kernel's expectation. Under emulation the set-up scripts take tens of
# seconds, not one.
if [ -n "${VMTEST_SELFTEST:-}" ]; then
	[ "$VMTEST_SELFTEST" = all ] && VMTEST_SELFTEST=
	# shellcheck disable=SC2086 # scenario names, split on purpose
	HOPTRACE_DEMO_SCRIPT_TIMEOUT=300 "$hoptrace" selftest --json $VMTEST_SELFTEST \
		>"$out/selftest.jsonl" 2>"$out/selftest.err"
	echo $? >"$out/selftest.rc"
	stamp selftest
fi
exit 0

#!/usr/bin/env bash
# End-to-end: drops by BPF programs and qdiscs, named. Real programs (tests/bpf/
# test_progs.bpf.c, attached by build/tests/bpf_attach the way a CNI attaches its own) on
# the devices of namespaces this script creates: two cls_bpf filters on one ingress (the
# first passes, the second drops UDP to one port), a tcx program on an egress, a generic
# XDP program, a cgroup skb program, and a token bucket qdisc that drops under a burst.
# Each verdict must name the hook, the device and the programs (or the qdisc); and the
# traffic those programs let through must still read "delivered".
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
BUILD_DIR=${BUILD:-build}
BPF_ATTACH=$PWD/$BUILD_DIR/tests/bpf_attach
PROGS=$PWD/$BUILD_DIR/tests/bpf/test_progs.bpf.o
CGROUP=""
HOLDERS=()
HOLD_FDS=()

# Every attach holder ends (its stdin closes, it detaches), the test cgroup goes, then the
# namespaces.
cleanup() {
	local pid
	for pid in "${HOLDERS[@]}"; do kill "$pid" 2>/dev/null; done
	for pid in "${HOLDERS[@]}"; do wait "$pid" 2>/dev/null; done
	HOLDERS=()
	[ -n "$CGROUP" ] && rmdir "$CGROUP" 2>/dev/null
	topo_down
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# attach NS PROG POINT TARGET [ARGS..]: attaches PROG in NS (a namespace, or "" for this
# one) and keeps it attached until the case ends; the program's id goes to ATTACHED_ID.
attach() {
	local ns=$1 prog=$2 point=$3 target=$4 out=$TMP/attach.$RANDOM
	shift 4
	mkfifo "$out.in"
	if [ -n "$ns" ]; then
		ip netns exec "$ns" "$BPF_ATTACH" "$PROGS" "$prog" "$point" "$target" "$@" \
			<"$out.in" >"$out" 2>&1 &
	else
		"$BPF_ATTACH" "$PROGS" "$prog" "$point" "$target" "$@" <"$out.in" >"$out" 2>&1 &
	fi
	HOLDERS+=($!)
	# The holder waits for its stdin to end: hold the fifo's write end open until then.
	exec {hold}>"$out.in"
	HOLD_FDS+=("$hold")
	for _ in $(seq 50); do
		ATTACHED_ID=$(sed -n 's/^attached id=\([0-9]*\)$/\1/p' "$out")
		[ -n "$ATTACHED_ID" ] && return 0
		kill -0 "${HOLDERS[-1]}" 2>/dev/null || break
		sleep 0.1
	done
	echo "could not attach $prog at $point of $target:"
	cat "$out"
	return 1
}

# detach_all: ends every holder of this case.
detach_all() {
	local pid fd
	for fd in "${HOLD_FDS[@]}"; do exec {fd}>&-; done
	HOLD_FDS=()
	for pid in "${HOLDERS[@]}"; do kill "$pid" 2>/dev/null; done
	for pid in "${HOLDERS[@]}"; do wait "$pid" 2>/dev/null; done
	HOLDERS=()
}

fexit_works() {
	"$HOPTRACE" hooks --json | jq -e '.features.fentry == true' >/dev/null
}

# udp_trace OUT PORT: one datagram from pod a to pod b's PORT, traced.
udp_trace() {
	"$HOPTRACE" --pod-ip "$IP_A" --proto udp --port "$2" --json -q -- ip netns exec "$NS_A" \
		bash -c "echo x > /dev/udp/$IP_B/$2" >"$1"
}

# A receiver in pod b for PORT that saves what it reads (up to 8 s), bound before this
# returns: a loaded machine may take longer than any fixed sleep to start it.
receiver() {
	nsx "$NS_B" timeout 10 python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", int(sys.argv[1])))
s.settimeout(8)
try:
    print(s.recv(100).decode().strip())
except socket.timeout:
    print("nothing")
' "$1" >"$TMP/recv.$1" &
	RECV_PID=$!
	for _ in $(seq 50); do
		[ -n "$(nsx "$NS_B" ss -Hlun "sport = :$1")" ] && return 0
		sleep 0.1
	done
}

case_cls_two_programs() {
	local pass drop
	attach "$NS_NODE" tc_pass_all tc_ingress veth-a --prio 1 || return 1
	pass=$ATTACHED_ID
	attach "$NS_NODE" tc_drop_udp_port tc_ingress veth-a --prio 2 --port 7777 || return 1
	drop=$ATTACHED_ID
	udp_trace "$TMP/drop.jsonl" 7777 || return 1
	expect_jq "$TMP/drop.jsonl" "[.[] | select(.type==\"packet\" and .fate==\"dropped\")] | length == 1
		and (.[0].drop | .reason==\"TC_INGRESS\" and .ifname==\"veth-a\"
		and .netns_name==\"$NS_NODE\" and .bpf.attach==\"tc_ingress\"
		and .bpf.device==\"veth-a\"
		and ([.bpf.programs[] | [.id, .position, .priority, .attach]]
		     == [[$pass, 1, 1, \"tc_ingress\"], [$drop, 2, 2, \"tc_ingress\"]])
		and .bpf.programs[1].name==\"tc_drop_udp_port\" and (.bpf.programs[1].tag | length) == 16)" \
		"the drop names both cls_bpf programs of veth-a's ingress, in order" || return 1
	if fexit_works; then
		expect_jq "$TMP/drop.jsonl" "[.[] | select(.type==\"packet\")][0].drop.bpf
			| .how==\"fexit\" and .culprit.id==$drop and .returned_name==\"TC_ACT_SHOT\"" \
			"fexit saw the second program return the drop" || return 1
	else
		expect_jq "$TMP/drop.jsonl" "[.[] | select(.type==\"packet\")][0].drop.bpf
			| .how==\"candidates\" and .culprit==null" \
			"without fexit, both are candidates and none is called the culprit" || return 1
	fi
	# The text verdict says the same, in words.
	"$HOPTRACE" --pod-ip "$IP_A" --proto udp --port 7777 -q -- ip netns exec "$NS_A" \
		bash -c "echo x > /dev/udp/$IP_B/7777" >"$TMP/drop.txt" || return 1
	grep -q "TC_INGRESS at .*tc ingress of veth-a: .*\"tc_drop_udp_port\"" "$TMP/drop.txt" || {
		echo "expectation failed: the text verdict names the program"; cat "$TMP/drop.txt"; return 1; }
	# What the programs let through is delivered.
	receiver 7778
	udp_trace "$TMP/pass.jsonl" 7778 || return 1
	wait "$RECV_PID"
	[ "$(cat "$TMP/recv.7778")" = x ] || { echo "expectation failed: pod b did not get port 7778"; return 1; }
	expect_jq "$TMP/pass.jsonl" '[.[] | select(.type=="packet")] | length == 1 and .[0].fate=="delivered"' \
		"UDP to another port passes both programs: delivered"
}

case_tcx_only_program() {
	local drop
	attach "$NS_NODE" tc_drop_udp_port tcx_egress veth-b --port 7779 || return 1
	drop=$ATTACHED_ID
	udp_trace "$TMP/drop.jsonl" 7779 || return 1
	expect_jq "$TMP/drop.jsonl" "[.[] | select(.type==\"packet\" and .fate==\"dropped\")] | length == 1
		and (.[0].drop | .reason==\"TC_EGRESS\" and .ifname==\"veth-b\"
		and .bpf.attach==\"tcx_egress\" and (.bpf.how==\"only_program\" or .bpf.how==\"fexit\")
		and .bpf.culprit.id==$drop and .bpf.culprit.link_id > 0
		and .bpf.culprit.name==\"tc_drop_udp_port\" and .bpf.owner==null)" \
		"the tcx egress program of veth-b is named, the only one there" || return 1
	receiver 7780
	udp_trace "$TMP/pass.jsonl" 7780 || return 1
	wait "$RECV_PID"
	[ "$(cat "$TMP/recv.7780")" = x ] || { echo "expectation failed: pod b did not get port 7780"; return 1; }
	expect_jq "$TMP/pass.jsonl" '[.[] | select(.type=="packet")] | length == 1 and .[0].fate=="delivered"' \
		"UDP to another port passes the tcx program: delivered"
}

case_xdp_generic() {
	local drop
	attach "$NS_NODE" xdp_drop_udp_port xdp_generic veth-a --port 7781 || return 1
	drop=$ATTACHED_ID
	udp_trace "$TMP/drop.jsonl" 7781 || return 1
	expect_jq "$TMP/drop.jsonl" "[.[] | select(.type==\"packet\" and .fate==\"dropped\")] | length == 1
		and (.[0].drop | .ifname==\"veth-a\" and .bpf.attach==\"xdp_generic\"
		and .bpf.how==\"only_program\" and .bpf.culprit.id==$drop)" \
		"the generic XDP program of veth-a is named" || return 1
	# pcapng: the drop's frame carries the XDP verdict, and only that one.
	"$HOPTRACE" --pod-ip "$IP_A" --proto udp --port 7781 -q -w "$TMP/xdp.pcapng" -- \
		ip netns exec "$NS_A" bash -c "echo x > /dev/udp/$IP_B/7781" >/dev/null || return 1
	[ "$(tshark -r "$TMP/xdp.pcapng" -Y frame.verdict -T fields -e frame.verdict.ebpf_xdp 2>/dev/null)" = 1 ] || {
		echo "expectation failed: one frame with epb_verdict XDP_DROP (1)"
		tshark -r "$TMP/xdp.pcapng" -T fields -e frame.number -e frame.verdict 2>&1 | head; return 1; }
	receiver 7782
	udp_trace "$TMP/pass.jsonl" 7782 || return 1
	wait "$RECV_PID"
	expect_jq "$TMP/pass.jsonl" '[.[] | select(.type=="packet")] | length == 1 and .[0].fate=="delivered"' \
		"UDP to another port passes the XDP program: delivered"
}

case_cgroup_egress() {
	local root drop
	root=$(findmnt -n -o TARGET -t cgroup2 | head -1)
	[ -n "$root" ] || { SKIP_REASON="no cgroup v2 hierarchy mounted"; return 77; }
	CGROUP=$root/hoptrace-e2e-$$
	mkdir "$CGROUP" || return 1
	attach "" cg_drop_udp_port cgroup_egress "$CGROUP" --port 7783 || return 1
	drop=$ATTACHED_ID
	"$HOPTRACE" --pod-ip "$IP_A" --proto udp --port 7783 --json -q -- bash -c \
		"echo \$\$ > $CGROUP/cgroup.procs && exec ip netns exec $NS_A bash -c 'echo x > /dev/udp/$IP_B/7783'" \
		>"$TMP/drop.jsonl"
	expect_jq "$TMP/drop.jsonl" "[.[] | select(.type==\"packet\" and .fate==\"dropped\")] | length == 1
		and (.[0].drop | .reason==\"BPF_CGROUP_EGRESS\" and .bpf.attach==\"cgroup_skb_egress\"
		and .bpf.cgroup==\"/hoptrace-e2e-$$\" and .bpf.culprit.id==$drop
		and ([.bpf.programs[].id] == [$drop]))" \
		"the cgroup egress program of the sender's cgroup is named, and only it" || return 1
}

# A token bucket with a 1600-byte bucket and queue on pod a's eth0: a burst of 40
# datagrams overflows it, and each drop names the qdisc and its counter's rise.
case_qdisc_drop() {
	nsx "$NS_A" tc qdisc add dev eth0 root handle 1: tbf rate 8kbit burst 1600 limit 1600 || return 1
	"$HOPTRACE" --pod-ip "$IP_A" --proto udp --port 7785 --json -q -- ip netns exec "$NS_A" \
		python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(40):
    s.sendto(b"y" * 500, ("'"$IP_B"'", 7785))
' >"$TMP/q.jsonl"
	nsx "$NS_A" tc qdisc del dev eth0 root
	# What passes the bucket finds no socket on pod b (NO_SOCKET): only the qdisc's drops
	# are looked at.
	expect_jq "$TMP/q.jsonl" "[.[] | select(.type==\"packet\" and .fate==\"dropped\"
		and (.drop.reason | startswith(\"QDISC_\")))]
		| length >= 10
		and all(.[]; .drop.qdisc | .kind==\"tbf\" and .handle==\"1:\" and .parent==\"root\"
			and .device==\"eth0\" and .drops_rise >= 1 and .rise_since==\"start\")
		and all(.[]; .drop.qdisc.drops_rise >= length)" \
		"every qdisc drop names the tbf on pod a's eth0, whose counter rose by at least the drops seen" || return 1
	expect_jq "$TMP/q.jsonl" '[.[] | select(.type=="packet" and .fate=="dropped") | .drop.reason]
		| all(.[]; startswith("QDISC_") or . == "NO_SOCKET")' \
		"nothing else dropped them"
}

[ -x "$BPF_ATTACH" ] && [ -f "$PROGS" ] || { echo "FAIL e2e bpf_drops: $BPF_ATTACH or $PROGS missing (make unit)"; exit 1; }
topo_up >/dev/null || { echo "FAIL e2e topology: could not build the test namespaces"; exit 1; }
for c in cls_two_programs tcx_only_program xdp_generic cgroup_egress qdisc_drop; do
	run_case "$c" "case_$c"
	detach_all
	[ -n "$CGROUP" ] && rmdir "$CGROUP" 2>/dev/null && CGROUP=""
done
exit $TESTS_FAILED

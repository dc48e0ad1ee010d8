#!/usr/bin/env bash
# End-to-end: the device a hop names is one the packet touched. TCP clears skb->dev on
# receive, so a forged segment that a listening socket drops (TCP_FLAGS, in
# tcp_rcv_state_process under tcp_v4_do_rcv) has no device of its own; the route it was
# given is the local one, whose device is lo. The drop must name the pod's eth0 (the
# arrival device, skb_iif) or none, and say which in dev_source.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
trap topo_down EXIT
trap 'exit 130' INT TERM

# forge SRC DST DPORT FLAGS: one IPv4 TCP segment with the given flags byte, over a raw
# socket (Python's standard library only), from the namespace it runs in.
FORGE='
import socket, struct, sys

def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF

src, dst, dport, flags = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4], 0)
tcp = struct.pack("!HHIIBBHHH", 40000, dport, 1000, 0, 5 << 4, flags, 64240, 0, 0)
pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, len(tcp))
tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP).sendto(tcp, (dst, 0))
'

# A listener in pod b for the length of one case (bounded by timeout).
listen_b() {
	timeout 10 ip netns exec "$NS_B" python3 -c 'import socket, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 8080))
s.listen()
time.sleep(10)' &
	LISTENER=$!
	for _ in $(seq 50); do # bounded: 5 s for the listener to be there
		nsx "$NS_B" ss -Hltn 'sport = :8080' | grep -q . && return 0
		sleep 0.1
	done
	return 1
}

stop_listener() {
	kill "$LISTENER" 2>/dev/null
	wait "$LISTENER" 2>/dev/null
}

# forged_drop FLAGS: a segment with FLAGS from pod a to pod b's listener, dropped with
# TCP_FLAGS; the drop's device is eth0 (from skb_iif) or none, never lo.
forged_drop() {
	listen_b || { stop_listener; echo "no listener in pod b"; return 1; }
	"$HOPTRACE" --pod-ip "$IP_B" --proto tcp --port 8080 --json -q -- \
		ip netns exec "$NS_A" python3 -c "$FORGE" "$IP_A" "$IP_B" 8080 "$1" \
		>"$TMP/out.jsonl"
	local rc=$?
	stop_listener
	[ $rc -eq 0 ] || return 1
	expect_jq "$TMP/out.jsonl" "[.[] | select(.type==\"packet\" and .fate==\"dropped\"
		and .drop.reason==\"TCP_FLAGS\" and .drop.netns_name==\"$NS_B\")] | length == 1" \
		"the forged segment is dropped with TCP_FLAGS in pod b" || return 1
	expect_jq "$TMP/out.jsonl" "[.[] | select(.type==\"packet\" and .fate==\"dropped\")
		| .drop | (.ifname==\"eth0\" and .dev_source==\"skb_iif\")
			or (.ifname==null and .dev_source==null)] | all" \
		"the drop names the arrival device eth0 (skb_iif) or none" || return 1
	expect_jq "$TMP/out.jsonl" "[.[] | select(.type==\"hop\" and .hook==\"kfree_skb\")
		| .ifname] | all(. != \"lo\")" "no drop hop names lo" || return 1
	expect_jq "$TMP/out.jsonl" "[.[] | select(.type==\"hop\" and .hook==\"netif_receive\"
		and .netns_name==\"$NS_B\") | .dev_source] | all(. == \"skb_dev\")" \
		"receive hops name their device from skb->dev"
}

# SYN+FIN to a listener: tcp_rcv_state_process discards it (TCP_FLAGS).
case_syn_fin_drop_on_arrival_device() { forged_drop 0x03; }

# A bare FIN to a listener: no SYN, no ACK, no RST, discarded likewise.
case_fin_drop_on_arrival_device() { forged_drop 0x01; }

topo_up || { echo "FAIL e2e topology: could not build the test namespaces"; exit 1; }
run_case syn_fin_drop_on_arrival_device case_syn_fin_drop_on_arrival_device
run_case fin_drop_on_arrival_device case_fin_drop_on_arrival_device
exit $TESTS_FAILED

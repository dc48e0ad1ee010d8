#!/usr/bin/env bash
# End-to-end: conntrack refusing a new entry at confirm, the insert failure behind
# masquerade port exhaustion and Kubernetes' "DNS lookups time out every few seconds". The
# node SNATs UDP to pod d's port 53 to one source address and port; pod b's datagram takes
# that reply tuple, pod a's, a moment later, gets the same one and conntrack refuses it. The
# trace must say: dropped in the node, POSTROUTING, conntrack confirm, after the SNAT hop,
# with insert_failed risen by one, and --check must name the conntrack item. Then the same
# datagram with a free port is delivered. Everything lives in namespaces this script makes.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
trap topo_down EXIT
trap 'exit 130' INT TERM

SNAT_TO=10.200.2.1:40000

snat_one_port() {
	nsx "$NS_NODE" iptables -w -t nat -A POSTROUTING -o veth-d -p udp --dport 53 \
		-j SNAT --to-source "$SNAT_TO"
}

# A receiver in pod d on UDP 53, bound before the caller sends; its pid in $receiver.
receive_in_d() {
	nsx "$NS_D" timeout 15 python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 53))
s.settimeout(12)
while True:
    s.recv(100)
' 2>/dev/null &
	receiver=$!
	for _ in $(seq 100); do # bounded: 10 s
		nsx "$NS_D" grep -q ':0035 ' /proc/net/udp && return 0
		sleep 0.1
	done
	echo "the receiver in pod d did not bind"
	return 1
}

case_insert_failure() {
	local receiver
	snat_one_port || return 1
	receive_in_d || return 1
	# Pod b's flow holds 10.200.2.1:40000 -> pod d:53 from here on (30 s unreplied).
	nsx "$NS_B" bash -c "echo first >/dev/udp/$IP_D/53" || return 1
	"$HOPTRACE" --pod-ip "$IP_A" --netns "$NS_NODE" --check --json -q -- \
		ip netns exec "$NS_A" bash -c "echo second >/dev/udp/$IP_D/53" \
		>"$TMP/clash.jsonl" 2>"$TMP/clash.err" || { cat "$TMP/clash.err"; return 1; }
	kill "$receiver" 2>/dev/null
	keep_output "$TMP/clash.jsonl"
	expect_jq "$TMP/clash.jsonl" "[.[] | select(.type==\"packet\" and .fate==\"dropped\")]
		| length == 1 and (.[0].drop | .reason==\"NETFILTER_DROP\"
		and .netns_name==\"$NS_NODE\" and .ifname==\"veth-d\" and .nf.family==\"ipv4\"
		and .nf.hook==\"POSTROUTING\" and .nf.table==\"conntrack confirm\"
		and .ct_insert_fail==true and (.ct_insert_fail_by | IN(\"fexit\", \"range\")))" \
		"one drop: the node's POSTROUTING, conntrack confirm, an insert failure" || return 1
	# The SNAT was done before confirm refused it: a nat hop of the dropped packet, to the
	# one source port.
	expect_jq "$TMP/clash.jsonl" "[.[] | select(.type==\"packet\" and .fate==\"dropped\")][0]
		as \$p | [.[] | select(.type==\"hop\" and .pkt==\$p.pkt)] as \$h
		| [\$h[] | .hook] | (index(\"nat\") // 99) < index(\"kfree_skb\")
		and ([\$h[] | select(.hook==\"nat\")][0].nat | .kind==\"snat\"
		and .after.src==\"10.200.2.1\" and .after.sport==40000)" \
		"the dropped packet was SNATed to port 40000 before it was freed" || return 1
	expect_jq "$TMP/clash.jsonl" "[.[] | select(.type==\"summary\")][0].conntrack
		| [.[] | select(.netns_path==\"/run/netns/$NS_NODE\")][0] | .insert_failed == 1" \
		"the summary shows the node's insert_failed risen by one" || return 1
	expect_jq "$TMP/clash.jsonl" '[.[] | select(.type=="packet" and .fate=="dropped")][0]
		| .check.item == "conntrack" and (.check.fact | test("insert_failed rose by 1"))' \
		"--check names the conntrack item, with the rise" || return 1
	grep -q "ct_insert_fail: conntrack refused the entry" "$TMP/clash.jsonl" ||
		{ echo "expectation failed: the verdict line says conntrack refused the entry"; return 1; }
}

# The healthy path beside it: with the NAT rule gone and pod b's entry flushed, the same
# datagram from pod a is read by the receiver in pod d.
case_free_port_delivered() {
	local receiver
	nsx "$NS_NODE" iptables -w -t nat -F POSTROUTING
	nsx "$NS_NODE" conntrack -F 2>/dev/null
	receive_in_d || return 1
	"$HOPTRACE" --pod-ip "$IP_A" --netns "$NS_NODE" --netns "$NS_D" --json -q -- \
		ip netns exec "$NS_A" bash -c "echo again >/dev/udp/$IP_D/53" \
		>"$TMP/free.jsonl" 2>"$TMP/free.err" || { cat "$TMP/free.err"; return 1; }
	kill "$receiver" 2>/dev/null
	expect_jq "$TMP/free.jsonl" '[.[] | select(.type=="packet")] | length >= 1
		and all(.[]; .fate == "delivered" and (has("ct_insert_fail") | not))' \
		"the datagram is delivered, no insert failure" || return 1
	expect_jq "$TMP/free.jsonl" "[.[] | select(.type==\"summary\")][0].conntrack
		| all(.[]; .insert_failed == 0)" "insert_failed did not rise"
}

topo_up || { echo "FAIL e2e conntrack_topology"; exit 1; }
run_case conntrack_insert_failure case_insert_failure
run_case conntrack_free_port_delivered case_free_port_delivered
exit $TESTS_FAILED

#!/usr/bin/env bash
# End-to-end: the core tracer on real traffic between namespaces this script creates.
# Delivered, netfilter-dropped and closed-port flows, isolation from other traffic, IPv6.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
trap topo_down EXIT
trap 'exit 130' INT TERM

case_delivered_veth_hops() {
	"$HOPTRACE" --pod-ip "$IP_A" --json -q -- ip netns exec "$NS_A" ping -c1 -W2 "$IP_B" \
		>"$TMP/out.jsonl" || return 1
	expect_jq "$TMP/out.jsonl" "[.[] | select(.type==\"packet\" and .fate==\"delivered\"
		and .flow_tuple.proto==\"icmp\")] | length >= 2" \
		"echo request and reply are both delivered" || return 1
	expect_jq "$TMP/out.jsonl" "[.[] | select(.type==\"hop\" and .hook==\"veth_xmit\"
		and .netns_name==\"$NS_A\" and .ifname==\"eth0\")] | length >= 1" \
		"a veth transmit in the pod's namespace" || return 1
	expect_jq "$TMP/out.jsonl" "[.[] | select(.type==\"hop\" and .hook==\"veth_xmit\"
		and .netns_name==\"$NS_NODE\" and .ifname==\"veth-b\")] | length >= 1" \
		"the bridge hands it to pod b's veth in the node namespace" || return 1
	expect_jq "$TMP/out.jsonl" "[.[] | select(.type==\"hop\" and .hook==\"netif_receive\"
		and .netns_name==\"$NS_B\")] | length >= 1" \
		"received in pod b's namespace" || return 1
	expect_jq "$TMP/out.jsonl" "[.[] | select(.type==\"hop\" and .netns_name==\"$NS_A\")
		| .layer] | all(. == \"pod\")" "hops in pod a's namespace are layer pod" || return 1
	expect_jq "$TMP/out.jsonl" '.[-1].type == "summary" and .[-1].lost_events == 0' \
		"the summary closes the stream"
}

case_netfilter_drop() {
	nsx "$NS_NODE" iptables -w -I FORWARD -d "$IP_D" -p udp --dport 7777 -j DROP || return 1
	"$HOPTRACE" --pod-ip "$IP_A" --json -q -- ip netns exec "$NS_A" \
		bash -c "echo drop-me > /dev/udp/$IP_D/7777" >"$TMP/out.jsonl"
	local rc=$?
	nsx "$NS_NODE" iptables -w -D FORWARD -d "$IP_D" -p udp --dport 7777 -j DROP
	[ $rc -eq 0 ] || return 1
	expect_jq "$TMP/out.jsonl" "[.[] | select(.type==\"packet\" and .fate==\"dropped\"
		and .drop.reason==\"NETFILTER_DROP\" and .drop.netns_name==\"$NS_NODE\"
		and .flow_tuple.dport==7777)] | length == 1" \
		"one packet dropped by netfilter in the node namespace" || return 1
	expect_jq "$TMP/out.jsonl" '[.[] | select(.type=="summary") | .drop_sites[]
		| select(.reason=="NETFILTER_DROP")] | length == 1' "the drop site is summarised"
}

# Every sink reads one judgement: with text and pcapng output, three drops in one table are
# judged once each, and what sits in that table's range is asked of the kernel once.
case_drops_judged_once() {
	nsx "$NS_NODE" iptables -w -I FORWARD -d "$IP_D" -p udp --dport 7778 -j DROP || return 1
	"$HOPTRACE" --pod-ip "$IP_A" --netns "$NS_NODE" -v -w "$TMP/out.pcapng" -- \
		ip netns exec "$NS_A" bash -c "for i in 1 2 3; do echo x > /dev/udp/$IP_D/7778; done" \
		>"$TMP/out.txt" 2>"$TMP/err.txt"
	local rc=$?
	nsx "$NS_NODE" iptables -w -D FORWARD -d "$IP_D" -p udp --dport 7778 -j DROP
	cat "$TMP/out.txt" "$TMP/err.txt"
	[ $rc -eq 0 ] || return 1
	[ "$(grep -c '=> DROPPED .*table filter' "$TMP/out.txt")" -eq 3 ] ||
		{ echo "expected three drops named in table filter"; return 1; }
	local packets
	packets=$(sed -n 's/^summary: .* \([0-9]*\) packets: .*/\1/p' "$TMP/out.txt")
	grep -q "^hoptrace: $packets packets judged, 1 netfilter hook dumps read$" "$TMP/err.txt" ||
		{ echo "expected $packets packets judged once each and one hook dump"; return 1; }
}

case_closed_port_no_socket() {
	"$HOPTRACE" --pod-ip "$IP_B" --proto udp --port 9 --json -q -- ip netns exec "$NS_A" \
		bash -c "echo knock > /dev/udp/$IP_B/9" >"$TMP/out.jsonl" || return 1
	expect_jq "$TMP/out.jsonl" "[.[] | select(.type==\"packet\" and .fate==\"dropped\"
		and .drop.reason==\"NO_SOCKET\" and .drop.netns_name==\"$NS_B\")] | length == 1" \
		"the datagram to a closed port dies with NO_SOCKET in pod b" || return 1
	expect_jq "$TMP/out.jsonl" '[.[] | select(.type=="hop") | .tuple.proto] | all(. == "udp")' \
		"--proto udp keeps ICMP port-unreachable replies out"
}

case_other_traffic_excluded() {
	nsx "$NS_C" ping -c 40 -i 0.05 -q "$IP_B" >/dev/null &
	local noise=$!
	"$HOPTRACE" --pod-ip "$IP_A" --json -q -- ip netns exec "$NS_A" ping -c3 -i 0.2 -W2 "$IP_B" \
		>"$TMP/out.jsonl"
	local rc=$?
	wait $noise
	[ $rc -eq 0 ] || return 1
	expect_jq "$TMP/out.jsonl" '[.[] | select(.type=="hop")] | length >= 12' \
		"pod a's traffic was traced" || return 1
	expect_jq "$TMP/out.jsonl" "[.[] | select(.type==\"hop\") | .tuple | .src, .dst]
		| all(. != \"$IP_C\")" "pod c's concurrent traffic never appears"
}

case_ipv6_delivered() {
	"$HOPTRACE" --pod-ip "$IP6_A" --json -q -- ip netns exec "$NS_A" ping -6 -c1 -W2 "$IP6_B" \
		>"$TMP/out.jsonl" || return 1
	expect_jq "$TMP/out.jsonl" "[.[] | select(.type==\"packet\" and .fate==\"delivered\"
		and .flow_tuple.family==\"ipv6\" and .flow_tuple.proto==\"icmp6\")] | length >= 2" \
		"IPv6 echo request and reply delivered" || return 1
	expect_jq "$TMP/out.jsonl" "[.[] | select(.type==\"hop\" and .hook==\"veth_xmit\"
		and .netns_name==\"$NS_A\")] | length >= 1" "IPv6 veth hop in pod a"
}

case_text_timeline() {
	"$HOPTRACE" --pod-ip "$IP_A" -q -- ip netns exec "$NS_A" ping -c1 -W2 "$IP_B" >"$TMP/out.txt" ||
		return 1
	cat "$TMP/out.txt"
	grep -q "^flow 1  icmp $IP_A -> $IP_B" "$TMP/out.txt" &&
		grep -q "veth_xmit" "$TMP/out.txt" &&
		grep -q "=> delivered" "$TMP/out.txt" &&
		grep -q "^summary: .* 0 lost" "$TMP/out.txt"
}

case_no_route_before_any_packet() {
	nsx "$NS_D" ip route del default || return 1
	"$HOPTRACE" --pod-ip "$IP_D" --json -q -- ip netns exec "$NS_D" \
		bash -c "echo x > /dev/udp/$IP_B/53" >"$TMP/out.jsonl"
	local rc=$?
	nsx "$NS_D" ip route add default via 10.200.2.1
	[ $rc -ne 0 ] || { echo "the send should have failed (ENETUNREACH)"; return 1; }
	expect_jq "$TMP/out.jsonl" "[.[] | select(.type==\"packet\" and .fate==\"no_route\"
		and .route.netns_name==\"$NS_D\" and .route.layer==\"pod\" and .route.err != 0
		and .flow_tuple.dst==\"$IP_B\")] | length == 1" \
		"the failed route lookup in the pod is the verdict"
}

# An established TCP flow that loses its route dies in the IP output path before its skb
# has an IP header: the tuple and namespace come from the owning socket.
case_route_lost_tuple_from_socket() {
	timeout 10 ip netns exec "$NS_B" nc -l 8080 >/dev/null &
	local listener=$! rc
	for _ in $(seq 50); do # bounded: 5 s for the listener to be there
		nsx "$NS_B" ss -Hltn 'sport = :8080' | grep -q . && break
		sleep 0.1
	done
	"$HOPTRACE" --pod-ip "$IP_A" --proto tcp --port 8080 --json -q -- ip netns exec "$NS_A" \
		bash -c "exec 3<>/dev/tcp/$IP_B/8080; sleep 0.2;
			ip route flush dev eth0; echo lost >&3; sleep 0.5" >"$TMP/out.jsonl"
	rc=$?
	kill $listener 2>/dev/null
	wait $listener 2>/dev/null
	nsx "$NS_A" ip route replace 10.200.1.0/24 dev eth0 src "$IP_A"
	nsx "$NS_A" ip route replace default via 10.200.1.1
	[ $rc -eq 0 ] || return 1
	expect_jq "$TMP/out.jsonl" "[.[] | select(.type==\"hop\" and .hook==\"kfree_skb\"
		and .tuple_source==\"socket\" and .netns_name==\"$NS_A\"
		and .tuple.src==\"$IP_A\" and .tuple.dst==\"$IP_B\" and .tuple.dport==8080)]
		| length >= 1" "the drop names the flow from its socket, in pod a"
}

case_command_status_passed_through() {
	"$HOPTRACE" --pod-ip "$IP_A" -q -- sh -c 'exit 7' >/dev/null
	[ $? -eq 7 ]
}

topo_up || { echo "FAIL e2e topology: could not build the test namespaces"; exit 1; }
run_case delivered_veth_hops case_delivered_veth_hops
run_case netfilter_drop case_netfilter_drop
run_case drops_judged_once case_drops_judged_once
run_case closed_port_no_socket case_closed_port_no_socket
run_case other_traffic_excluded case_other_traffic_excluded
run_case ipv6_delivered case_ipv6_delivered
run_case text_timeline case_text_timeline
run_case no_route_before_any_packet case_no_route_before_any_packet
run_case route_lost_tuple_from_socket case_route_lost_tuple_from_socket
run_case command_status_passed_through case_command_status_passed_through
exit $TESTS_FAILED

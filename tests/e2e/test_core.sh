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
	# The freeing function by name: kallsyms is read after the trace dropped CAP_SYSLOG,
	# from the file opened before (a later open reads every address as 0).
	expect_jq "$TMP/out.jsonl" '[.[] | select(.type=="packet" and .fate=="dropped")
		| .drop.location] | length == 1 and all(test("^[A-Za-z_][A-Za-z0-9_.]*\\+0x[0-9a-f]+$"))' \
		"the drop's location is a kernel function, not an address" || return 1
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

# The node has no route to 10.200.9.0/24: pod a's ping reaches it and dies there
# (IP_INNOROUTES). The failed forward lookup and the ICMP error's re-lookup run in softirq
# while pod a's ping is the task on the CPU: they are node hops, and no send failed in the
# pod.
case_forward_no_route_in_node() {
	"$HOPTRACE" --pod-ip "$IP_A" --json -q -- ip netns exec "$NS_A" \
		ping -c1 -W1 10.200.9.9 >"$TMP/out.jsonl"
	[ $? -eq 1 ] || { echo "ping should have failed (network unreachable)"; return 1; }
	expect_jq "$TMP/out.jsonl" "[.[] | select(.type==\"packet\" and .fate==\"dropped\"
		and .drop.netns_name==\"$NS_NODE\" and .flow_tuple.dst==\"10.200.9.9\")]
		| length == 1" "the echo request dies in the node" || return 1
	expect_jq "$TMP/out.jsonl" "[.[] | select(.type==\"hop\" and .hook==\"fib_lookup\"
		and .fib.err != 0)] | length >= 1 and all(.netns_name==\"$NS_NODE\")" \
		"every failed route lookup is the node's" || return 1
	expect_jq "$TMP/out.jsonl" "[.[] | select(.type==\"packet\" and .fate==\"no_route\")]
		| length == 0" "no send failed in the pod"
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

# Our namespaces, as a jq array: with --pod-ip 0.0.0.0/0 the trace also sees whatever
# else the machine carries (other tests' namespaces too); assertions keep to these.
our_netns() { printf '["%s","%s","%s","%s","%s"]' "$NS_A" "$NS_B" "$NS_C" "$NS_D" "$NS_NODE"; }

# In pod a: TCP with data to pod b (the reads free their skbs unseen, so their addresses
# stay tracked and come back as other skbs), unix datagrams and streams, netlink dumps and
# notifications; ping over IPv4 and IPv6 for good measure.
FOREIGN_TRAFFIC='
import socket, subprocess, sys
ip_b, ip6_b = sys.argv[1], sys.argv[2]
for i in range(30):
    c = socket.create_connection((ip_b, 8081), timeout=2)
    c.sendall(b"x" * 3000)
    c.close()
    for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
        a, b = socket.socketpair(socket.AF_UNIX, kind)
        for _ in range(5):
            a.send(b"y" * 316)
            b.recv(1000)
        a.close(); b.close()
    subprocess.run(["ip", "addr", "show"], stdout=subprocess.DEVNULL)
    subprocess.run(["ip", "-6", "route", "show"], stdout=subprocess.DEVNULL)
    subprocess.run(["ip", "link", "set", "lo", "mtu", str(65000 + i)])
subprocess.run(["ping", "-c1", "-W2", "-q", ip_b], stdout=subprocess.DEVNULL)
subprocess.run(["ping", "-6", "-c1", "-W2", "-q", ip6_b], stdout=subprocess.DEVNULL)
'
TCP_SINK='
import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 8081))
s.listen(64)
while True:
    c, _ = s.accept()
    while c.recv(65536):
        pass
    c.close()
'

# Issue 12 items 3 and 4: skbs of other families (netlink, unix) are no packets. A netlink
# skb's network header points at its message, which read as IPv4 ("ip160 104.54.0.0 ->
# 2.8.128.254"); a tracked address taken by a unix or netlink skb gave records with the
# socket's family, refused as malformed (run_case checks that count for every case).
case_foreign_skbs_not_packets() {
	local sink monitor rc
	timeout 30 ip netns exec "$NS_B" python3 -c "$TCP_SINK" &
	sink=$!
	for _ in $(seq 50); do # bounded: 5 s for the listener to be there
		nsx "$NS_B" ss -Hltn 'sport = :8081' | grep -q . && break
		sleep 0.1
	done
	timeout 30 ip netns exec "$NS_A" ip monitor all >/dev/null &
	monitor=$!
	"$HOPTRACE" --pod-ip 0.0.0.0/0 --pod-ip ::/0 --json -q -- ip netns exec "$NS_A" \
		python3 -c "$FOREIGN_TRAFFIC" "$IP_B" "$IP6_B" >"$TMP/out.jsonl"
	rc=$?
	kill $sink $monitor 2>/dev/null
	wait $sink $monitor 2>/dev/null
	nsx "$NS_A" ip link set lo mtu 65536
	[ $rc -eq 0 ] || return 1
	expect_jq "$TMP/out.jsonl" "[.[] | select(.type==\"packet\" and .flow_tuple.dport==8081
		and .flow_tuple.dst==\"$IP_B\")] | length >= 30" "the TCP traffic was traced" ||
		return 1
	expect_jq "$TMP/out.jsonl" "$(our_netns) as \$ours | [.[] | select(.type==\"hop\"
		and (.netns_name as \$n | \$ours | index([\$n])))]
		| all(.tuple != null and ([.tuple.proto] | inside([\"tcp\",\"udp\",\"icmp\",\"icmp6\",0,2])))" \
		"every hop in our namespaces has a real packet's tuple" || return 1
	expect_jq "$TMP/out.jsonl" "$(our_netns) as \$ours | [.[] | select(.type==\"hop\"
		and (.netns_name as \$n | \$ours | index([\$n]))) | .tuple.src, .tuple.dst]
		| all(test(\"^(10\\\\.200\\\\.|fd00:200:|fe80:|ff02:|::\$|0\\\\.0\\\\.0\\\\.0\$|224\\\\.0\\\\.0\\\\.)\"))" \
		"and the addresses of our packets (0.0.0.0: a route lookup before a source)"
}

# One connect after the other, each refused within microseconds: the RSTs follow each other
# closer than the BPF side's reuse heuristic (a new buffer after 2 ms unseen) can tell.
CONNECTS='
import socket, sys
for port in range(9000, 9040):
    s = socket.socket()
    s.connect_ex((sys.argv[1], port))
    s.close()
'

# Issue 12 item 5: an RST to a closed port is freed without a tracepoint, and the next RST
# takes its address. Each is its own packet: no false nat hop (9000 -> 9001 ...) joining
# them, no packet spanning two connections.
case_rst_reuse_not_joined() {
	"$HOPTRACE" --pod-ip 0.0.0.0/0 --json -q -- ip netns exec "$NS_A" python3 -c "$CONNECTS" \
		"$IP_D" >"$TMP/out.jsonl" || return 1
	local ours="[.[] | select(.type==\"hop\")] | group_by(.pkt)
		| map(select(any(.[]; .tuple.src==\"$IP_D\" or .tuple.dst==\"$IP_D\")))"
	expect_jq "$TMP/out.jsonl" "$ours | all(.[]; all(.[]; .hook != \"nat\"))" \
		"no nat hop in a path without NAT" || return 1
	expect_jq "$TMP/out.jsonl" "$ours | all(.[]; [.[] | select(.tuple.proto==\"tcp\"
		and .hook != \"fib_lookup\") | [.tuple.sport, .tuple.dport] | sort] | unique
		| length <= 1)" "no packet spans two connections" || return 1
	expect_jq "$TMP/out.jsonl" "$ours | map(select(.[0].tuple.src==\"$IP_D\"
		and .[0].tuple.sport >= 9000 and .[0].tuple.sport < 9040)) | length == 40" \
		"40 connects, 40 RST packets"
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
run_case forward_no_route_in_node case_forward_no_route_in_node
run_case foreign_skbs_not_packets case_foreign_skbs_not_packets
run_case rst_reuse_not_joined case_rst_reuse_not_joined
run_case command_status_passed_through case_command_status_passed_through
exit $TESTS_FAILED

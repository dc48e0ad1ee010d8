#!/usr/bin/env bash
# End-to-end: two "nodes" joined by a veth underlay, a bridge and a pod on each, a VXLAN
# overlay between them and a ClusterIP as iptables DNAT. Netfilter attribution, NAT
# followed, encapsulation and decapsulation, and a drop inside the overlay.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
N1=$PREFIX-n1 N2=$PREFIX-n2 P1=$PREFIX-p1 P2=$PREFIX-p2
POD1=10.244.1.2 POD2=10.244.2.2 SVC=10.96.0.10

overlay_down() {
	for ns in "$P1" "$P2" "$N1" "$N2"; do ip netns del "$ns" 2>/dev/null; done
	rm -rf "$TMP"
}
trap overlay_down EXIT
trap 'exit 130' INT TERM

# node_up NS N UNDERLAY-ADDR: a node with bridge cni0 (10.244.N.1/24), a pod on it, and
# vx0 (VNI 42, overlay address 10.99.0.N) towards the other node.
node_up() {
	local ns=$1 n=$2 pod=$3 other=$((3 - $2))
	nsx "$ns" ip link set lo up
	nsx "$ns" sysctl -qw net.ipv4.ip_forward=1
	nsx "$ns" ip link add cni0 type bridge
	nsx "$ns" ip addr add 10.244.$n.1/24 dev cni0
	nsx "$ns" ip link set cni0 up
	ip netns add "$pod"
	ip -n "$ns" link add veth0 type veth peer name eth0 netns "$pod"
	ip -n "$ns" link set veth0 master cni0 up
	nsx "$pod" ip link set lo up
	nsx "$pod" sysctl -qw net.ipv4.ping_group_range="0 2147483647"
	nsx "$pod" ip addr add 10.244.$n.2/24 dev eth0
	nsx "$pod" ip link set eth0 up
	nsx "$pod" ip route add default via 10.244.$n.1
	nsx "$ns" ip link add vx0 type vxlan id 42 local 172.31.77.$n remote 172.31.77.$other \
		dstport 4789 dev ul0
	nsx "$ns" ip addr add 10.99.0.$n/24 dev vx0
	nsx "$ns" ip link set vx0 up
	nsx "$ns" ip route add 10.244.$other.0/24 via 10.99.0.$other dev vx0
}

overlay_up() {
	ip netns add "$N1" && ip netns add "$N2" || return 1
	ip -n "$N1" link add ul0 type veth peer name ul0 netns "$N2"
	nsx "$N1" ip addr add 172.31.77.1/24 dev ul0
	nsx "$N2" ip addr add 172.31.77.2/24 dev ul0
	nsx "$N1" ip link set ul0 up
	nsx "$N2" ip link set ul0 up
	node_up "$N1" 1 "$P1"
	node_up "$N2" 2 "$P2"
	# The ClusterIP: node 1 sends SVC:53 to pod 2's port 5353.
	nsx "$N1" iptables -w -t nat -A PREROUTING -d $SVC -p udp --dport 53 \
		-j DNAT --to-destination $POD2:5353
	nsx "$P1" ping -c1 -W3 -q $POD2 >/dev/null
}

trace() { "$HOPTRACE" -q --json --netns "$N1" --netns "$N2" "$@"; }

case_cross_node_encap_decap() {
	trace --pod-ip $POD1 -- ip netns exec "$P1" ping -c1 -W2 $POD2 >"$TMP/out.jsonl" ||
		return 1
	expect_jq "$TMP/out.jsonl" "[.[] | select(.type==\"hop\" and .hook==\"vxlan_encap\"
		and .netns_name==\"$N1\" and .vxlan.vni==42 and .vxlan.outer.dport==4789
		and .vxlan.outer.dst==\"172.31.77.2\")] | length >= 1" "encapsulation on node 1" ||
		return 1
	expect_jq "$TMP/out.jsonl" "[.[] | select(.type==\"hop\" and .hook==\"vxlan_decap\"
		and .netns_name==\"$N2\" and .vxlan.vni==42)] | length >= 1" \
		"decapsulation on node 2" || return 1
	expect_jq "$TMP/out.jsonl" "[.[] | select(.type==\"hop\" and .layer==\"overlay\")]
		| length >= 2" "overlay hops are layer overlay" || return 1
	expect_jq "$TMP/out.jsonl" "[.[] | select(.type==\"packet\" and .fate==\"delivered\"
		and .flow_tuple.src==\"$POD1\" and .flow_tuple.dst==\"$POD2\")] | length >= 2" \
		"request and reply delivered, grouped by the pods' addresses"
}

case_forward_drop_names_table() {
	nsx "$N2" iptables -w -I FORWARD -d $POD2 -p udp --dport 9999 -j DROP || return 1
	trace --pod-ip $POD1 -- ip netns exec "$P1" bash -c "echo x > /dev/udp/$POD2/9999" \
		>"$TMP/out.jsonl"
	local rc=$?
	nsx "$N2" iptables -w -D FORWARD -d $POD2 -p udp --dport 9999 -j DROP
	[ $rc -eq 0 ] || return 1
	expect_jq "$TMP/out.jsonl" "[.[] | select(.type==\"packet\" and .fate==\"dropped\"
		and .drop.reason==\"NETFILTER_DROP\" and .drop.netns_name==\"$N2\"
		and .drop.nf.hook==\"FORWARD\" and .drop.nf.table==\"filter\"
		and .drop.nf.family==\"ipv4\")] | length == 1" "FORWARD, table filter, on node 2"
}

svc_send() {
	trace --pod-ip "$1" -- ip netns exec "$P1" bash -c "echo q > /dev/udp/$SVC/53" \
		>"$TMP/out-$1.jsonl"
}

expect_backend_drop() {
	expect_jq "$TMP/out-$1.jsonl" "[.[] | select(.type==\"packet\" and .fate==\"dropped\"
		and .drop.reason==\"NO_SOCKET\" and .drop.netns_name==\"$P2\")] | length == 1" \
		"the packet ends in pod 2, where nothing listens on 5353 (--pod-ip $1)"
}

case_dnat_found_from_client() {
	local pod=$POD1
	svc_send $pod || return 1
	expect_jq "$TMP/out-$pod.jsonl" "[.[] | select(.type==\"hop\" and .hook==\"nat\"
		and .layer==\"service\" and .nat.kind==\"dnat\"
		and .nat.before.dst==\"$SVC\" and .nat.before.dport==53
		and .nat.after.dst==\"$POD2\" and .nat.after.dport==5353)] | length == 1" \
		"one nat hop, ClusterIP before, pod after (--pod-ip $pod)" || return 1
	expect_backend_drop $pod
}

# From the backend's address the packet matches only once DNAT has rewritten it: the
# flow is found, its hops start after the translation (docs/hooks.md says so).
case_dnat_found_from_backend() {
	svc_send $POD2 || return 1
	expect_backend_drop $POD2
}

case_vni_mismatch_dropped_in_overlay() {
	nsx "$N2" ip link set vx0 type vxlan id 43 2>/dev/null ||
		{ nsx "$N2" ip link del vx0 && nsx "$N2" ip link add vx0 type vxlan id 43 \
			local 172.31.77.2 remote 172.31.77.1 dstport 4789 dev ul0 &&
			nsx "$N2" ip addr add 10.99.0.2/24 dev vx0 && nsx "$N2" ip link set vx0 up &&
			nsx "$N2" ip route replace 10.244.1.0/24 via 10.99.0.1 dev vx0; } || return 1
	trace --pod-ip $POD2 -- ip netns exec "$P1" bash -c "echo x > /dev/udp/$POD2/7000" \
		>"$TMP/out.jsonl"
	[ $? -eq 0 ] || return 1
	expect_jq "$TMP/out.jsonl" "[.[] | select(.type==\"packet\" and .fate==\"dropped\"
		and .drop.netns_name==\"$N2\" and .drop.layer==\"overlay\"
		and (.drop.reason | test(\"VXLAN|VNI|NO_SOCKET|UNHANDLED\")))] | length == 1" \
		"the packet with the unknown VNI dies in node 2's overlay"
}

overlay_up || { echo "FAIL e2e overlay_topology: could not build the namespaces"; exit 1; }
run_case cross_node_encap_decap case_cross_node_encap_decap
run_case forward_drop_names_table case_forward_drop_names_table
run_case dnat_found_from_client case_dnat_found_from_client
run_case dnat_found_from_backend case_dnat_found_from_backend
run_case vni_mismatch_dropped_in_overlay case_vni_mismatch_dropped_in_overlay
exit $TESTS_FAILED

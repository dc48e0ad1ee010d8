#!/usr/bin/env bash
# End-to-end: drops by an nftables `table netdev` chain on a pod's host-side veth, at its
# ingress and at its egress. No observer sits in those hooks, so the verdict names them as
# inferred: netdev ingress/egress of that device, layer veth. The egress drop must not be
# blamed on POSTROUTING's conntrack confirm, the range it falls after. Rules live only in
# namespaces this script creates.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
trap topo_down EXIT
trap 'exit 130' INT TERM

# netdev_drop HOOK DEVICE PORT: drops UDP to PORT in a netdev HOOK chain on DEVICE (in the
# node), sends one datagram from pod a to pod b and checks the drop's verdict.
netdev_drop() {
	local hook=$1 dev=$2 port=$3 rc
	nsx "$NS_NODE" nft -f - <<-NFT || return 1
	table netdev htnetdev {
		chain c { type filter hook $hook device $dev priority 0; udp dport $port drop; }
	}
	NFT
	"$HOPTRACE" --pod-ip "$IP_A" --netns "$NS_NODE" --json -q -- ip netns exec "$NS_A" \
		bash -c "echo x > /dev/udp/$IP_B/$port" >"$TMP/out.jsonl"
	rc=$?
	nsx "$NS_NODE" nft delete table netdev htnetdev
	[ $rc -eq 0 ] || return 1
	expect_jq "$TMP/out.jsonl" "[.[] | select(.type==\"packet\" and .fate==\"dropped\")]
		| length == 1 and (.[0].drop | .netns_name==\"$NS_NODE\" and .ifname==\"$dev\"
		and .layer==\"veth\" and .nf.family==\"netdev\" and .nf.hook==\"$hook\"
		and .nf.inferred==true and .nf.table==null and (has(\"ct_insert_fail\") | not))" \
		"the drop is netdev $hook of $dev, inferred, layer veth" || return 1
	expect_jq "$TMP/out.jsonl" '[.[] | select(.type=="hop" and .nf.verdict=="drop")] | length == 0' \
		"no IPv4/IPv6 hook is blamed"
}

case_netdev_ingress_drop() { netdev_drop ingress veth-a 7811; }
case_netdev_egress_drop() { netdev_drop egress veth-b 7812; }

# A bridge-family chain on the node's bridge drops a datagram between two of its ports. With
# br_netfilter the bridged packet first passes the IPv4 hooks (their hops are on br0): those
# must read accept, and the drop is the bridge family's, inferred, layer bridge. A datagram to
# another port passes the same chain and is read in pod b: delivered.
case_bridge_forward_drop() {
	if [ "$(nsx "$NS_NODE" cat /proc/sys/net/bridge/bridge-nf-call-iptables 2>/dev/null)" != 1 ]; then
		SKIP_REASON="br_netfilter does not pass bridged IPv4 through iptables' hooks here"
		return 77
	fi
	nsx "$NS_NODE" nft -f - <<-NFT || return 1
	table bridge htbridge {
		chain f { type filter hook forward priority 0; udp dport 7813 drop; }
	}
	NFT
	nsx "$NS_B" timeout 10 python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 7814))
s.settimeout(8)
s.recv(10)
' &
	local receiver=$! rc
	# Bound before the trace sends: a fixed sleep is not enough on a loaded machine.
	for _ in $(seq 50); do
		[ -n "$(nsx "$NS_B" ss -Hlun "sport = :7814")" ] && break
		sleep 0.1
	done
	"$HOPTRACE" --pod-ip "$IP_A" --netns "$NS_NODE" --proto udp --json -q -- ip netns exec "$NS_A" \
		bash -c "echo x > /dev/udp/$IP_B/7813; echo y > /dev/udp/$IP_B/7814" >"$TMP/br.jsonl"
	rc=$?
	wait "$receiver" || { echo "expectation failed: pod b did not get the datagram to 7814"; rc=1; }
	nsx "$NS_NODE" nft delete table bridge htbridge
	[ $rc -eq 0 ] || return 1
	expect_jq "$TMP/br.jsonl" "[.[] | select(.type==\"packet\" and .flow_tuple.dport==7813)]
		| length == 1 and .[0].fate==\"dropped\" and (.[0].drop | .netns_name==\"$NS_NODE\"
		and .layer==\"bridge\" and .nf.family==\"bridge\" and .nf.inferred==true
		and .nf.hook==null)" \
		"the drop is the bridge family's, inferred" || return 1
	expect_jq "$TMP/br.jsonl" '[.[] | select(.type=="hop" and .hook=="nf_hook" and .nf.verdict=="drop")] | length == 0' \
		"no IPv4 hook is blamed" || return 1
	expect_jq "$TMP/br.jsonl" '[.[] | select(.type=="hop" and .hook=="nf_hook" and .ifname=="br0")] | length >= 1' \
		"the bridged packet's IPv4 hooks were seen on br0" || return 1
	expect_jq "$TMP/br.jsonl" '[.[] | select(.type=="packet" and .flow_tuple.dport==7814)]
		| length == 1 and .[0].fate == "delivered"' \
		"the datagram to another port passes the chain: delivered"
}

topo_up >/dev/null || { echo "FAIL e2e topology: could not build the test namespaces"; exit 1; }
run_case netdev_ingress_drop case_netdev_ingress_drop
run_case netdev_egress_drop case_netdev_egress_drop
run_case bridge_forward_drop case_bridge_forward_drop
exit $TESTS_FAILED

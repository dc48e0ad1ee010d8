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

topo_up >/dev/null || { echo "FAIL e2e topology: could not build the test namespaces"; exit 1; }
run_case netdev_ingress_drop case_netdev_ingress_drop
run_case netdev_egress_drop case_netdev_egress_drop
exit $TESTS_FAILED

#!/usr/bin/env bash
# End-to-end: REJECT rules (iptables -j REJECT, nftables reject) in FORWARD and INPUT, for
# IPv4 and IPv6. The rejected packet's drop names its netfilter hook and table, even though
# the reject looks up the route of its ICMP answer while the packet is still in the hook;
# the ICMP error is a packet of its own, the answer in the datagram's flow. Rules live only
# in namespaces this script creates.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
trap topo_down EXIT
trap 'exit 130' INT TERM
IP6_D=fd00:200:2::2

# Pod d gets an IPv6 address routed through the node, so that IPv6 is forwarded too.
reject_topo_up() {
	topo_up || return 1
	nsx "$NS_NODE" sysctl -qw net.ipv6.conf.all.forwarding=1
	nsx "$NS_NODE" ip addr add fd00:200:2::1/64 dev veth-d nodad
	nsx "$NS_D" ip addr add "$IP6_D/64" dev eth0 nodad
	nsx "$NS_D" ip -6 route add default via fd00:200:2::1
	nsx "$NS_A" ip -6 route add default via fd00:200:1::1
	# Bounded: neighbour discovery on the new addresses may take a moment.
	for _ in 1 2 3; do
		nsx "$NS_A" ping -6 -c1 -W2 -q "$IP6_D" >/dev/null && return 0
	done
	echo "pod a cannot reach $IP6_D"
	return 1
}

# send DST PORT: one UDP datagram from pod a, traced by pod a's address of that family.
send() {
	local pod=$IP_A
	case $1 in *:*) pod=$IP6_A ;; esac
	"$HOPTRACE" --pod-ip "$pod" --netns "$NS_NODE" --netns "$NS_B" --proto udp --port "$2" \
		--json -q -- ip netns exec "$NS_A" bash -c "echo rej > /dev/udp/$1/$2" \
		>"$TMP/out.jsonl"
	# The ICMP error is traced separately: --proto udp would keep it out of the first trace.
	"$HOPTRACE" --pod-ip "$pod" --netns "$NS_NODE" --netns "$NS_B" --json -q -- \
		ip netns exec "$NS_A" bash -c "echo rej > /dev/udp/$1/$2" >"$TMP/all.jsonl"
}

# expect_rejected NETNS FAMILY HOOK ICMP-PROTO ICMP-SRC: one dropped UDP packet whose drop
# names the hook and table filter; the ICMP error, sent from ICMP-SRC, delivered back to pod
# a as a packet of its own that answers the datagram's flow (neighbour discovery may add
# other ICMPv6 packets).
expect_rejected() {
	local udp="[.[] | select(.type==\"packet\" and .flow_tuple.proto==\"udp\"
		and (.answer | not))]"
	expect_jq "$TMP/out.jsonl" "[.[] | select(.type==\"packet\" and .fate==\"dropped\"
		and .drop.reason==\"NETFILTER_DROP\" and .drop.netns_name==\"$1\"
		and .drop.nf.family==\"$2\" and .drop.nf.hook==\"$3\"
		and .drop.nf.table==\"filter\")] | length == 1" \
		"the rejected packet's drop names $2 $3, table filter, in $1" || return 1
	expect_jq "$TMP/out.jsonl" "[.[] | select(.type==\"hop\" and .hook==\"nf_hook\"
		and .nf.hook==\"$3\" and .nf.verdict==\"drop\" and .nf.table==\"filter\")]
		| length == 1" "the $3 hop itself says drop by table filter" || return 1
	expect_jq "$TMP/all.jsonl" "$udp | length == 1 and .[0].fate == \"dropped\"" \
		"the UDP datagram is one packet, dropped" || return 1
	expect_jq "$TMP/all.jsonl" ". as \$all | ($udp | .[0].flow) as \$f
		| [.[] | select(.type==\"packet\" and .answer==true and .fate==\"delivered\"
			and .flow==\$f and .reply==true and .icmp.role==\"error\"
			and .icmp.name==\"port unreachable\") | .pkt] as \$ans
		| (\$ans | length) == 1 and ([\$all[] | select(.type==\"hop\" and .pkt==\$ans[0]
			and .hook != \"fib_lookup\")][0].tuple | .proto==\"$4\" and .src==\"$5\")" \
		"the ICMP error is its own packet, delivered to pod a, answering the datagram" ||
		return 1
	expect_jq "$TMP/all.jsonl" "($udp | map(.pkt)) as \$udp
		| [.[] | select(.type==\"hop\" and (.pkt | IN(\$udp[]))
			and .hook != \"fib_lookup\") | .tuple.proto] | all(. == \"udp\")" \
		"no ICMP hop is joined to the rejected packet"
}

case_reject_forward_ipv4() {
	nsx "$NS_NODE" iptables -w -I FORWARD -d "$IP_D" -p udp --dport 7701 -j REJECT || return 1
	send "$IP_D" 7701
	local rc=$?
	nsx "$NS_NODE" iptables -w -D FORWARD -d "$IP_D" -p udp --dport 7701 -j REJECT
	[ $rc -eq 0 ] || return 1
	expect_rejected "$NS_NODE" ipv4 FORWARD icmp 10.200.1.1
}

case_reject_forward_ipv6() {
	nsx "$NS_NODE" ip6tables -w -I FORWARD -d "$IP6_D" -p udp --dport 7702 -j REJECT ||
		return 1
	send "$IP6_D" 7702
	local rc=$?
	nsx "$NS_NODE" ip6tables -w -D FORWARD -d "$IP6_D" -p udp --dport 7702 -j REJECT
	[ $rc -eq 0 ] || return 1
	expect_rejected "$NS_NODE" ipv6 FORWARD icmp6 fd00:200:1::1
}

# The nftables reject expression (not the xtables target), in an inet table of its own.
case_nft_reject_forward_ipv4() {
	command -v nft >/dev/null || { SKIP_REASON="no nft"; return 77; }
	nsx "$NS_NODE" nft -f - <<-EOF || return 1
		table inet htreject {
			chain reject_forward {
				type filter hook forward priority 0;
				udp dport 7703 reject
			}
		}
	EOF
	send "$IP_D" 7703
	local rc=$?
	nsx "$NS_NODE" nft delete table inet htreject
	[ $rc -eq 0 ] || return 1
	expect_rejected "$NS_NODE" ipv4 FORWARD icmp 10.200.1.1
}

case_reject_input_ipv4() {
	nsx "$NS_B" iptables -w -I INPUT -p udp --dport 7704 -j REJECT || return 1
	send "$IP_B" 7704
	local rc=$?
	nsx "$NS_B" iptables -w -D INPUT -p udp --dport 7704 -j REJECT
	[ $rc -eq 0 ] || return 1
	expect_rejected "$NS_B" ipv4 INPUT icmp "$IP_B"
}

case_reject_input_ipv6() {
	nsx "$NS_B" ip6tables -w -I INPUT -p udp --dport 7705 -j REJECT || return 1
	send "$IP6_B" 7705
	local rc=$?
	nsx "$NS_B" ip6tables -w -D INPUT -p udp --dport 7705 -j REJECT
	[ $rc -eq 0 ] || return 1
	expect_rejected "$NS_B" ipv6 INPUT icmp6 "$IP6_B"
}

reject_topo_up >"$TMP/topo.log" 2>&1 || { cat "$TMP/topo.log"; echo "FAIL e2e reject_topology: could not build the test namespaces"; exit 1; }
run_case reject_forward_ipv4 case_reject_forward_ipv4
run_case reject_forward_ipv6 case_reject_forward_ipv6
run_case nft_reject_forward_ipv4 case_nft_reject_forward_ipv4
run_case reject_input_ipv4 case_reject_input_ipv4
run_case reject_input_ipv6 case_reject_input_ipv6
exit $TESTS_FAILED

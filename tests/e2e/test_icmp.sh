#!/usr/bin/env bash
# End-to-end: ICMP on real traffic. A datagram to a closed port gets an ICMP port
# unreachable, which answers the datagram's flow; a ping between the same hosts is a flow of
# its own, its request a request and its reply a reply, with type, code, identifier and
# sequence shown (IPv4 and IPv6). Through a DNAT, conntrack's reverse translation of the
# error is shown as such, never as an snat. Rules live only in namespaces this script makes.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
trap topo_down EXIT
trap 'exit 130' INT TERM
VIP=10.200.9.9

# knock_then_ping POD-IP DST [-6]: from pod a, one datagram to DST's closed port 9, then
# one ping to DST, traced by pod a's address; JSON in out.jsonl, then text in out.txt.
knock_then_ping() {
	local script="echo knock > /dev/udp/$2/9; sleep 0.2; ping $3 -c1 -W2 $2 >/dev/null"
	"$HOPTRACE" --pod-ip "$1" --json -q -- ip netns exec "$NS_A" bash -c "$script" \
		>"$TMP/out.jsonl" || return 1
	"$HOPTRACE" --pod-ip "$1" -q -- ip netns exec "$NS_A" bash -c "$script" >"$TMP/out.txt"
}

# expect_answer_and_ping PROTO-NAME ERR-TYPE ERR-CODE REQ-TYPE REPLY-TYPE: the error answers
# the datagram's flow; the echo request and reply share another flow, each the right way.
expect_answer_and_ping() {
	local udp="[.[] | select(.type==\"packet\" and .flow_tuple.proto==\"udp\"
		and (.answer | not))]"
	expect_jq "$TMP/out.jsonl" "$udp | length == 1 and .[0].fate==\"dropped\"
		and .[0].drop.reason==\"NO_SOCKET\" and (.[0].reply | not)" \
		"the datagram is one packet, dropped with NO_SOCKET" || return 1
	expect_jq "$TMP/out.jsonl" "($udp | .[0].flow) as \$f
		| [.[] | select(.type==\"packet\" and .answer==true)]
		| length == 1 and .[0].flow == \$f and .[0].reply == true
		and .[0].fate == \"delivered\" and .[0].icmp.type == $2 and .[0].icmp.code == $3
		and .[0].icmp.name == \"port unreachable\" and .[0].icmp.role == \"error\"
		and .[0].icmp.quoted.proto == \"udp\" and .[0].icmp.quoted.dport == 9" \
		"the $1 port unreachable answers the datagram's flow, as a reply" || return 1
	expect_jq "$TMP/out.jsonl" "($udp | .[0].flow) as \$f
		| [.[] | select(.type==\"packet\" and .icmp.role==\"echo_request\")] as \$req
		| [.[] | select(.type==\"packet\" and .icmp.role==\"echo_reply\")] as \$rep
		| (\$req | length) == 1 and (\$rep | length) == 1
		and \$req[0].flow != \$f and \$rep[0].flow == \$req[0].flow
		and \$req[0].reply == false and \$rep[0].reply == true
		and \$req[0].icmp.type == $4 and \$rep[0].icmp.type == $5
		and \$req[0].icmp.code == 0 and \$req[0].icmp.seq == 1
		and \$rep[0].icmp.id == \$req[0].icmp.id and \$rep[0].icmp.seq == 1
		and \$req[0].flow_tuple.proto == \"$1\" and (\$req[0].answer | not)" \
		"the ping is a flow of its own: request no reply, reply a reply, same id" || return 1
	cat "$TMP/out.txt"
	# Text: the answer under the datagram's flow, the request's line with id and seq.
	awk -v name="$1" '
		/^flow / { proto = $3 }
		/^  packet / { reply = ($3 == "(reply)") }
		/^    answer: / && proto == "udp" && reply && /port unreachable/ { answer = 1 }
		/^    icmp: / && proto == name && !reply && /echo request .*id [0-9]+ seq 1$/ { req = 1 }
		END { exit !(answer && req) }' "$TMP/out.txt" ||
		{ echo "expected an answer line under the udp flow and the request's icmp line"; return 1; }
}

case_error_then_ping_ipv4() {
	knock_then_ping "$IP_A" "$IP_B" || return 1
	expect_answer_and_ping icmp 3 3 8 0
}

case_error_then_ping_ipv6() {
	knock_then_ping "$IP6_A" "$IP6_B" -6 || return 1
	expect_answer_and_ping icmp6 1 4 128 129
}

# A Service-like DNAT in the node: VIP:7000 -> pod b's closed port 7001. The port
# unreachable comes back through the node, which translates it (and the datagram it
# quotes) back to VIP: a nat hop icmp_reverse, no snat, and the error answers the flow.
case_error_through_dnat() {
	nsx "$NS_NODE" iptables -w -t nat -A PREROUTING -d $VIP -p udp --dport 7000 \
		-j DNAT --to-destination "$IP_B:7001" || return 1
	"$HOPTRACE" --pod-ip "$IP_A" --netns "$NS_NODE" --json -q -- ip netns exec "$NS_A" \
		bash -c "echo knock > /dev/udp/$VIP/7000; sleep 0.2" >"$TMP/out.jsonl"
	local rc=$?
	nsx "$NS_NODE" iptables -w -t nat -D PREROUTING -d $VIP -p udp --dport 7000 \
		-j DNAT --to-destination "$IP_B:7001"
	[ $rc -eq 0 ] || return 1
	expect_jq "$TMP/out.jsonl" "[.[] | select(.type==\"hop\" and .hook==\"nat\"
		and .nat.kind==\"dnat\" and .nat.after.dport==7001)] | length == 1" \
		"the datagram's DNAT is seen" || return 1
	expect_jq "$TMP/out.jsonl" "[.[] | select(.type==\"packet\" and .answer==true) | .pkt]
		as \$ans | (\$ans | length) == 1 and ([.[] | select(.type==\"hop\"
			and (.pkt | IN(\$ans[])) and .hook==\"nat\") | .nat.kind] == [\"icmp_reverse\"])" \
		"the error's only nat hop is icmp_reverse (no snat)" || return 1
	expect_jq "$TMP/out.jsonl" "[.[] | select(.type==\"hop\" and .nat.kind==\"icmp_reverse\"
		and .netns_name==\"$NS_NODE\" and .nat.before.src==\"$IP_B\"
		and .nat.after.src==\"$VIP\" and .nat.quoted_before.dst==\"$IP_B\"
		and .nat.quoted_before.dport==7001 and .nat.quoted_after.dst==\"$VIP\"
		and .nat.quoted_after.dport==7000)] | length == 1" \
		"the reverse translation names the error's and the quote's addresses" || return 1
	expect_jq "$TMP/out.jsonl" "[.[] | select(.type==\"packet\"
		and .flow_tuple.dst==\"$VIP\")] | . as \$p | length == 2
		and all(.flow == \$p[0].flow) and (map(.answer == true) | sort) == [false, true]" \
		"the datagram and its answer share the flow the pod sent to"
}

topo_up >"$TMP/topo.log" 2>&1 || { cat "$TMP/topo.log"; echo "FAIL e2e icmp_topology: could not build the test namespaces"; exit 1; }
run_case error_then_ping_ipv4 case_error_then_ping_ipv4
run_case error_then_ping_ipv6 case_error_then_ping_ipv6
run_case error_through_dnat case_error_through_dnat
exit $TESTS_FAILED

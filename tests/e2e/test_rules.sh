#!/usr/bin/env bash
# End-to-end: the rule behind a netfilter drop (--rules, docs/rules.md). iptables-nft chains
# as kube-proxy and Calico write them, a base chain's policy, native nftables with a set and
# a reject, iptables-legacy, rules in a pod and in the node on one path, and without
# --rules the rule counters. Then: nothing is left in any ruleset after SIGINT, SIGTERM,
# SIGKILL (with the next start or `hoptrace cleanup`), or a failed start, and two traces at
# once keep a table each. Rules live only in namespaces this script creates.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
trap topo_down EXIT
trap 'exit 130' INT TERM

# Every case starts from empty rulesets in the node and pod a. iptables-legacy's tables,
# once made, stay as long as their namespace: the cases that make them come last, and only
# their rules are flushed (never a table made here).
reset_rules() {
	for ns in "$NS_NODE" "$NS_A"; do
		nsx "$ns" nft flush ruleset
		for t in $(nsx "$ns" cat /proc/net/ip_tables_names); do
			nsx "$ns" iptables-legacy -w -t "$t" -F
			nsx "$ns" iptables-legacy -w -t "$t" -X
		done
		grep -qx filter <(nsx "$ns" cat /proc/net/ip_tables_names) &&
			nsx "$ns" iptables-legacy -w -P FORWARD ACCEPT
	done
	return 0
}

# trace_udp PORT [OPTIONS...]: one UDP datagram from pod a to pod d (forwarded by the node),
# traced with --rules unless OPTIONS say otherwise; JSON in $TMP/out.jsonl.
trace_udp() {
	local port=$1
	shift
	"$HOPTRACE" --pod-ip "$IP_A" --netns "$NS_NODE" --proto udp --json -q "$@" -- \
		ip netns exec "$NS_A" bash -c "echo rule > /dev/udp/$IP_D/$port" \
		>"$TMP/out.jsonl" 2>"$TMP/err"
}

# The dropped packet's nf object, as one JSON value.
DROP_NF='[.[] | select(.type=="packet" and .fate=="dropped")] | select(length==1) | .[0].drop.nf'

case_iptables_nft_kube_forward() {
	reset_rules
	nsx "$NS_NODE" sysctl -qw net.netfilter.nf_conntrack_tcp_loose=0
	nsx "$NS_NODE" iptables-nft -w -N KUBE-FORWARD || return 1
	nsx "$NS_NODE" iptables-nft -w -A FORWARD -m comment --comment "kubernetes forwarding rules" \
		-j KUBE-FORWARD
	nsx "$NS_NODE" iptables-nft -w -A KUBE-FORWARD -m mark --mark 0x4000/0x4000 -j ACCEPT
	nsx "$NS_NODE" iptables-nft -w -A KUBE-FORWARD -p udp --dport 9 -j ACCEPT
	nsx "$NS_NODE" iptables-nft -w -A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP
	# A bare ACK, with tcp_loose off, is a segment conntrack calls INVALID.
	"$HOPTRACE" --pod-ip "$IP_A" --netns "$NS_NODE" --proto tcp --port 7790 --rules --json -q \
		-- ip netns exec "$NS_A" python3 tests/e2e/send_tcp.py "$IP_A" "$IP_D" 7790 ack \
		>"$TMP/out.jsonl" 2>"$TMP/err" || { cat "$TMP/err"; return 1; }
	expect_jq "$TMP/out.jsonl" "$DROP_NF | .hook==\"FORWARD\" and .chain==\"KUBE-FORWARD\"
		and .rule_index==3 and (.rule_handle | type)==\"number\"
		and .rule==\"-m conntrack --ctstate INVALID -j DROP\" and .verdict_type==\"rule\"
		and .path==[\"FORWARD\",\"KUBE-FORWARD\"] and .owner==\"kube-proxy\"
		and .rule_source==\"nftrace\" and .rule_table==\"filter\"" \
		"the drop names KUBE-FORWARD rule #3, its text, path and owner" || return 1
	expect_jq "$TMP/out.jsonl" '[.[] | select(.type=="hop" and .hook=="nf_rule") | .rule
		| "\(.chain) \(.rule_verdict)"] == ["FORWARD jump", "KUBE-FORWARD drop"]' \
		"the timeline shows the jump and the drop as nf_rule hops" || return 1
	"$HOPTRACE" --pod-ip "$IP_A" --netns "$NS_NODE" --proto tcp --port 7790 --rules -q \
		-- ip netns exec "$NS_A" python3 tests/e2e/send_tcp.py "$IP_A" "$IP_D" 7790 ack \
		>"$TMP/out.txt" 2>"$TMP/err"
	grep -q 'table filter: chain KUBE-FORWARD rule #3 (handle [0-9]*) "-m conntrack --ctstate INVALID -j DROP" via FORWARD -> KUBE-FORWARD \[kube-proxy\]' \
		"$TMP/out.txt" || { echo "the text verdict does not name the rule:"; cat "$TMP/out.txt"; return 1; }
}

case_calico_two_levels() {
	reset_rules
	for c in cali-FORWARD cali-from-wl-dispatch cali-fw-cali1a2b3c; do
		nsx "$NS_NODE" iptables-nft -w -N $c || return 1
	done
	nsx "$NS_NODE" iptables-nft -w -A FORWARD -m comment --comment "cali:wUHhoiAYhphO9Mso" \
		-j cali-FORWARD
	nsx "$NS_NODE" iptables-nft -w -A cali-FORWARD -i br0 -j cali-from-wl-dispatch
	nsx "$NS_NODE" iptables-nft -w -A cali-from-wl-dispatch -s "$IP_A" -g cali-fw-cali1a2b3c
	nsx "$NS_NODE" iptables-nft -w -A cali-fw-cali1a2b3c -p tcp -j ACCEPT
	nsx "$NS_NODE" iptables-nft -w -A cali-fw-cali1a2b3c -p udp --dport 7791 \
		-m comment --comment "cali:policy default.deny-7791" -j DROP
	trace_udp 7791 --rules -w "$TMP/out.pcapng" || { cat "$TMP/err"; return 1; }
	expect_jq "$TMP/out.jsonl" "$DROP_NF | .chain==\"cali-fw-cali1a2b3c\" and .rule_index==2
		and .comment==\"cali:policy default.deny-7791\" and .owner==\"calico\"
		and .path==[\"FORWARD\",\"cali-FORWARD\",\"cali-from-wl-dispatch\",\"cali-fw-cali1a2b3c\"]" \
		"the drop names the workload chain, its comment and the whole path" || return 1
	# The pcapng file carries the same proof, for Wireshark.
	tshark -r "$TMP/out.pcapng" -T fields -e frame.comment 2>/dev/null |
		grep -q 'verdict: DROPPED.*chain cali-fw-cali1a2b3c rule #2 .*\[calico\]' ||
		{ echo "the pcapng verdict comment does not name the rule:";
		  tshark -r "$TMP/out.pcapng" -T fields -e frame.comment; return 1; }
}

# A healthy path with --rules: the ping and its reply are delivered, and the rule that let
# each through is on its timeline.
case_healthy_with_rules() {
	reset_rules
	nsx "$NS_NODE" iptables-nft -w -N KUBE-FORWARD || return 1
	nsx "$NS_NODE" iptables-nft -w -A FORWARD -j KUBE-FORWARD
	nsx "$NS_NODE" iptables-nft -w -A KUBE-FORWARD -p icmp -m comment --comment "allow ping" \
		-j ACCEPT
	"$HOPTRACE" --pod-ip "$IP_A" --netns "$NS_NODE" --rules --json -q -- \
		ip netns exec "$NS_A" ping -c1 -W2 "$IP_D" >"$TMP/out.jsonl" 2>"$TMP/err" ||
		{ cat "$TMP/err"; return 1; }
	expect_jq "$TMP/out.jsonl" '[.[] | select(.type=="packet")] | length==2
		and all(.fate=="delivered")' "the ping and its reply are delivered" || return 1
	expect_jq "$TMP/out.jsonl" '[.[] | select(.type=="hop" and .hook=="nf_rule")
		| "\(.pkt) \(.rule.chain) \(.rule.rule_verdict) \(.rule.comment)"]
		== ["1 FORWARD jump null", "1 KUBE-FORWARD accept allow ping",
		    "2 FORWARD jump null", "2 KUBE-FORWARD accept allow ping"]' \
		"each packet shows the jump and the accepting rule" || return 1
	nft_tables_left "$NS_NODE" && return 1
	return 0
}

case_policy_drop() {
	reset_rules
	nsx "$NS_NODE" iptables-nft -w -A FORWARD -p tcp --dport 1 -j ACCEPT || return 1
	nsx "$NS_NODE" iptables-nft -w -P FORWARD DROP
	trace_udp 7792 --rules
	local rc=$?
	nsx "$NS_NODE" iptables-nft -w -P FORWARD ACCEPT
	[ $rc -eq 0 ] || { cat "$TMP/err"; return 1; }
	expect_jq "$TMP/out.jsonl" "$DROP_NF | .chain==\"FORWARD\" and .verdict_type==\"policy\"
		and .rule_index==null and .rule_verdict==\"drop\"" \
		"no rule matched: the base chain's policy dropped it"
}

case_nft_set_reject() {
	reset_rules
	nsx "$NS_NODE" nft -f - <<-EOF || return 1
		table inet podfw {
			set blocked { type ipv4_addr; elements = { $IP_A } }
			chain forward_pods {
				type filter hook forward priority 0; policy accept;
				ip saddr @blocked udp dport 7793 reject comment "blocked pods"
			}
		}
	EOF
	"$HOPTRACE" --pod-ip "$IP_A" --netns "$NS_NODE" --rules --json -q -- \
		ip netns exec "$NS_A" bash -c "echo rule > /dev/udp/$IP_D/7793" \
		>"$TMP/out.jsonl" 2>"$TMP/err" || { cat "$TMP/err"; return 1; }
	expect_jq "$TMP/out.jsonl" "[.[] | select(.type==\"packet\" and .fate==\"dropped\"
		and .flow_tuple.proto==\"udp\")][0].drop.nf | .rule_table_family==\"inet\"
		and .rule_table==\"podfw\" and .chain==\"forward_pods\" and .rule_verdict==\"reject\"
		and (.rule | test(\"@blocked.*reject\")) and .comment==\"blocked pods\"
		and .owner==null and .rule_source==\"nftrace\"" \
		"the reject rule, its set and comment" || return 1
	expect_jq "$TMP/out.jsonl" '[.[] | select(.type=="packet" and .icmp.role=="error"
		and .fate=="delivered")] | length >= 1' \
		"the ICMP error the reject sent reaches pod a in the same trace"
}

case_iptables_legacy() {
	reset_rules
	nsx "$NS_NODE" iptables-legacy -w -A FORWARD -p tcp --dport 1 -j ACCEPT || return 1
	nsx "$NS_NODE" iptables-legacy -w -A FORWARD -p udp --dport 7794 \
		-m comment --comment "legacy deny" -j DROP
	trace_udp 7794 --rules || { cat "$TMP/err"; return 1; }
	expect_jq "$TMP/out.jsonl" "$DROP_NF | .chain==\"FORWARD\" and .rule_index==2
		and .rule_source==\"xt_trace\"
		and .rule==\"-p udp -m udp --dport 7794 -m comment --comment \\\"legacy deny\\\" -j DROP\"
		and .comment==\"legacy deny\"" \
		"the legacy rule's number and text" || return 1
	nsx "$NS_NODE" iptables-legacy-save -t raw | grep -q hoptrace: &&
		{ echo "TRACE rules left in the raw table"; return 1; }
	return 0
}

case_pod_and_node() {
	reset_rules
	nsx "$NS_A" iptables-nft -w -A OUTPUT -p udp --dport 7795 \
		-m comment --comment "pod egress allowed" -j ACCEPT || return 1
	nsx "$NS_NODE" iptables-nft -w -A FORWARD -p udp --dport 7795 -j DROP || return 1
	trace_udp 7795 --rules || { cat "$TMP/err"; return 1; }
	expect_jq "$TMP/out.jsonl" "[.[] | select(.type==\"hop\" and .hook==\"nf_rule\")
		| \"\(.netns_name) \(.rule.chain) \(.rule.rule_verdict)\"]
		== [\"$NS_A OUTPUT accept\", \"$NS_NODE FORWARD drop\"]" \
		"rule hops in the pod (accept) and in the node (drop)" || return 1
	expect_jq "$TMP/out.jsonl" "$DROP_NF | .chain==\"FORWARD\" and .rule_index==1" \
		"the node's rule dropped it"
}

case_counters_without_rules() {
	reset_rules
	nsx "$NS_NODE" iptables-nft -w -A FORWARD -p udp --dport 1 -j DROP || return 1
	nsx "$NS_NODE" iptables-nft -w -A FORWARD -p udp --dport 7796 -j DROP || return 1
	trace_udp 7796 || { cat "$TMP/err"; return 1; }
	expect_jq "$TMP/out.jsonl" "$DROP_NF | .rule_source==\"counters\" and .candidates_total==1
		and (.candidates[0] | .chain==\"FORWARD\" and .rule_index==2 and .rise==1
			and .rise_equals_drops==true and .rule_source==\"counters\")" \
		"the rule whose counter rose is the candidate, said to come from counters" || return 1
	nft_tables_left "$NS_NODE" && return 1
	return 0
}

# nft_tables_left NS: true (and says so) when a hoptrace table is in NS's ruleset.
nft_tables_left() {
	if nsx "$1" nft list tables | grep -q 'hoptrace_'; then
		echo "hoptrace tables left in $1:"
		nsx "$1" nft list tables
		return 0
	fi
	return 1
}

legacy_rules_left() {
	nsx "$1" iptables-legacy-save -t raw 2>/dev/null | grep -q 'hoptrace:'
}

# stop_with SIGNAL: a --rules trace (with legacy tables present) stopped by SIGNAL, once
# its start line says every marking is in.
stop_with() {
	local pid
	"$HOPTRACE" --pod-ip "$IP_A" --netns "$NS_NODE" --rules --duration 20 \
		>/dev/null 2>"$TMP/err" &
	pid=$!
	wait_tracing "$TMP/err" $pid || { kill -9 $pid; return 1; }
	nsx "$NS_NODE" nft list tables | grep -q "hoptrace_$pid" ||
		{ echo "no marking table while tracing"; cat "$TMP/err"; kill -9 $pid; return 1; }
	legacy_rules_left "$NS_NODE" ||
		{ echo "no TRACE rules while tracing:"; cat "$TMP/err"; kill -9 $pid; return 1; }
	kill -"$1" $pid
	wait $pid
	return 0
}

case_nothing_left_after_signals() {
	reset_rules
	nsx "$NS_NODE" iptables-legacy -w -A FORWARD -p udp --dport 1 -j DROP || return 1
	for sig in INT TERM; do
		stop_with $sig || return 1
		nft_tables_left "$NS_NODE" && return 1
		nft_tables_left "$NS_A" && return 1
		legacy_rules_left "$NS_NODE" && { echo "TRACE rules left after SIG$sig"; return 1; }
	done
	# SIGKILL: the kernel takes the owned table away; the legacy rules wait for the next
	# start, or for hoptrace cleanup.
	stop_with KILL || return 1
	nft_tables_left "$NS_NODE" && return 1
	legacy_rules_left "$NS_NODE" || { echo "expected SIGKILL to leave the TRACE rules"; return 1; }
	"$HOPTRACE" cleanup >"$TMP/cleanup.out" 2>&1 || { cat "$TMP/cleanup.out"; return 1; }
	legacy_rules_left "$NS_NODE" && { echo "hoptrace cleanup left TRACE rules"; return 1; }
	stop_with KILL || return 1
	trace_udp 7797 --rules || { cat "$TMP/err"; return 1; }
	legacy_rules_left "$NS_NODE" && { echo "the next start left the dead trace's rules"; return 1; }
	return 0
}

case_nothing_left_after_failed_start() {
	reset_rules
	nsx "$NS_NODE" iptables-legacy -w -A FORWARD -p udp --dport 1 -j DROP || return 1
	# The command cannot start: the trace ends after the marking went in.
	"$HOPTRACE" --pod-ip "$IP_A" --netns "$NS_NODE" --rules -q -- /nonexistent/command \
		>/dev/null 2>"$TMP/err" && { echo "a missing command must fail"; return 1; }
	nft_tables_left "$NS_NODE" && return 1
	nft_tables_left "$NS_A" && return 1
	legacy_rules_left "$NS_NODE" && { echo "TRACE rules left after a failed start"; return 1; }
	return 0
}

case_two_traces_at_once() {
	local p1 p2
	reset_rules
	"$HOPTRACE" --pod-ip "$IP_A" --netns "$NS_NODE" --rules -q --duration 20 >/dev/null \
		2>"$TMP/err1" &
	p1=$!
	"$HOPTRACE" --pod-ip "$IP_A" --netns "$NS_NODE" --rules -q --duration 20 >/dev/null \
		2>"$TMP/err2" &
	p2=$!
	for _ in $(seq 100); do
		[ "$(nsx "$NS_NODE" nft list tables | grep -c -e "hoptrace_$p1" -e "hoptrace_$p2")" = 2 ] &&
			break
		sleep 0.1
	done
	[ "$(nsx "$NS_NODE" nft list tables | grep -c -e "hoptrace_$p1" -e "hoptrace_$p2")" = 2 ] ||
		{ echo "two traces do not have a table each"; nsx "$NS_NODE" nft list tables;
		  kill -9 $p1 $p2; return 1; }
	kill -INT $p1
	wait $p1
	nsx "$NS_NODE" nft list tables | grep -q "hoptrace_$p2" ||
		{ echo "the first trace's end took the second's table"; kill -9 $p2; return 1; }
	kill -INT $p2
	wait $p2
	nft_tables_left "$NS_NODE" && return 1
	return 0
}

topo_up >"$TMP/topo.log" 2>&1 || { cat "$TMP/topo.log"; echo "FAIL e2e rules_topology: could not build the test namespaces"; exit 1; }
run_case iptables_nft_kube_forward case_iptables_nft_kube_forward
run_case calico_two_levels case_calico_two_levels
run_case healthy_with_rules case_healthy_with_rules
run_case policy_drop case_policy_drop
run_case nft_set_reject case_nft_set_reject
run_case pod_and_node case_pod_and_node
run_case counters_without_rules case_counters_without_rules
run_case two_traces_at_once case_two_traces_at_once
# From here on the node has iptables-legacy tables.
run_case iptables_legacy case_iptables_legacy
run_case nothing_left_after_signals case_nothing_left_after_signals
run_case nothing_left_after_failed_start case_nothing_left_after_failed_start
exit $TESTS_FAILED

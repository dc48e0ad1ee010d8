#!/usr/bin/env bash
# What a first run shows explains itself: the text timeline names its columns, gives every
# hop one length (the IP length, whatever link-layer header the skb had there), and its
# summary counts what the filter refused, in words that agree with their numbers; a
# --pod-ip no namespace holds is warned about, and the trace still runs.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
trap topo_down EXIT
trap 'exit 130' INT TERM

HEADER_RE='^ +\+time  netns +device\(kind\) +hook +layer +IP length  details$'

# One ping, traced as text: the header once, first; every hop that shows a length shows 84
# (20 IP + 8 ICMP + 56 data) though veth_xmit sees the Ethernet header pushed (98 bytes).
case_header_and_ip_lengths() {
	"$HOPTRACE" --pod-ip "$IP_A" -q -- ip netns exec "$NS_A" ping -c1 -W2 "$IP_B" \
		>"$TMP/out.txt" 2>/dev/null || return 1
	cat "$TMP/out.txt"
	head -n 1 "$TMP/out.txt" | grep -qE "$HEADER_RE" || { echo "no header first"; return 1; }
	[ "$(grep -cE "$HEADER_RE" "$TMP/out.txt")" -eq 1 ] || { echo "header not once"; return 1; }
	grep -qE ' veth_xmit +[a-z]+ +len 84' "$TMP/out.txt" ||
		{ echo "no veth_xmit hop with the IP length"; return 1; }
	local lengths
	lengths=$(grep -oE ' len [0-9]+' "$TMP/out.txt" | sort -u | tr -d '\n')
	[ "$lengths" = " len 84" ] || { echo "lengths differ between hops:$lengths"; return 1; }
}

# A filter that keeps the echo replies only: one packet kept, one filtered out, and the
# summary says "1 packet", not "1 packets".
case_summary_filtered_and_singular() {
	"$HOPTRACE" --pod-ip "$IP_A" -q 'icmp[icmptype] = icmp-echoreply' -- \
		ip netns exec "$NS_A" ping -c1 -W2 "$IP_B" >"$TMP/out.txt" 2>/dev/null || return 1
	cat "$TMP/out.txt"
	grep -qE '^summary: .*, 1 packet: 0 dropped, 1 delivered, 0 unknown; 1 filtered out$' \
		"$TMP/out.txt"
}

# warning_lines ERR-FILE: the --pod-ip warnings a trace printed.
warning_lines() { grep "warning: no network namespace on this node holds" "$1"; }

case_unheld_pod_ip_warned() {
	"$HOPTRACE" --pod-ip "$IP_A,192.0.2.1" --pod-ip 198.51.100.0/24 -q --duration 0.5 \
		>"$TMP/out.txt" 2>"$TMP/err" || { cat "$TMP/err"; return 1; }
	cat "$TMP/err"
	[ "$(warning_lines "$TMP/err")" = "hoptrace: warning: no network namespace on this node holds 192.0.2.1, 198.51.100.0/24 (yet); tracing anyway" ] ||
		return 1
	[ "$(wc -l <"$TMP/err")" -eq 1 ] || { echo "more than the one warning line"; return 1; }
	grep -q "^summary: " "$TMP/out.txt" || { echo "the trace did not run to its summary"; return 1; }
}

# Addresses held in a pod, by a node's bridge (a CIDR around it), or in the initial
# namespace (a host-network pod) are not warned about.
case_held_pod_ip_not_warned() {
	"$HOPTRACE" --pod-ip "$IP_A" --pod-ip 10.200.2.0/24 --pod-ip 127.0.0.1 -q --duration 0.5 \
		>/dev/null 2>"$TMP/err" || { cat "$TMP/err"; return 1; }
	! warning_lines "$TMP/err"
}

# The warned address appears in a pod after the trace started: its traffic is traced.
case_unheld_pod_ip_traced_once_it_appears() {
	local extra=10.200.1.99 pid
	"$HOPTRACE" --pod-ip "$extra" --json --duration 8 >"$TMP/out.jsonl" 2>"$TMP/err" &
	pid=$!
	wait_tracing "$TMP/err" $pid || return 1
	warning_lines "$TMP/err" || { echo "no warning for $extra"; kill $pid; return 1; }
	nsx "$NS_C" ip addr add "$extra/24" dev eth0
	nsx "$NS_C" ping -c1 -W2 -I "$extra" -q "$IP_B" >/dev/null
	nsx "$NS_C" ip addr del "$extra/24" dev eth0
	kill -INT $pid
	wait $pid
	expect_jq "$TMP/out.jsonl" "[.[] | select(.type==\"packet\" and .fate==\"delivered\"
		and .flow_tuple.src==\"$extra\")] | length >= 1" \
		"the echo request from the address added after the start is traced"
}

topo_up || { echo "FAIL e2e first_contact_topology: could not build the namespaces"; exit 1; }
run_case header_and_ip_lengths case_header_and_ip_lengths
run_case summary_filtered_and_singular case_summary_filtered_and_singular
run_case unheld_pod_ip_warned case_unheld_pod_ip_warned
run_case held_pod_ip_not_warned case_held_pod_ip_not_warned
run_case unheld_pod_ip_traced_once_it_appears case_unheld_pod_ip_traced_once_it_appears
exit $TESTS_FAILED

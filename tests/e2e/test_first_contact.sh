#!/usr/bin/env bash
# What a first run shows explains itself: the text timeline names its columns, gives every
# hop one length (the IP length, whatever link-layer header the skb had there), and its
# summary counts what the filter refused, in words that agree with their numbers.
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

topo_up || { echo "FAIL e2e first_contact_topology: could not build the namespaces"; exit 1; }
run_case header_and_ip_lengths case_header_and_ip_lengths
run_case summary_filtered_and_singular case_summary_filtered_and_singular
exit $TESTS_FAILED

#!/usr/bin/env bash
# pcapng and pcap-filter end to end: a traced drop opened with tshark, its comment found;
# a filter expression keeping exactly one flow out of three running at once.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
trap topo_down EXIT
trap 'exit 130' INT TERM

case_drop_in_pcapng_read_by_tshark() {
	command -v tshark >/dev/null || { SKIP_REASON="tshark is not installed"; return 77; }
	nsx "$NS_NODE" iptables -w -I FORWARD -d "$IP_D" -p udp --dport 7779 -j DROP || return 1
	"$HOPTRACE" --pod-ip "$IP_A" --netns "$NS_NODE" -q -w "$TMP/drop.pcapng" -- \
		ip netns exec "$NS_A" bash -c "echo x > /dev/udp/$IP_D/7779" >/dev/null
	local rc=$?
	nsx "$NS_NODE" iptables -w -D FORWARD -d "$IP_D" -p udp --dport 7779 -j DROP
	[ $rc -eq 0 ] || return 1
	tshark -r "$TMP/drop.pcapng" -Y 'frame.comment contains "NETFILTER_DROP"' \
		-T fields -e frame.packet_id -e frame.comment >"$TMP/drops.txt" 2>"$TMP/tshark.err" ||
		{ cat "$TMP/tshark.err"; return 1; }
	cat "$TMP/drops.txt"
	grep -q "verdict: DROPPED in node" "$TMP/drops.txt" &&
		grep -q "table filter" "$TMP/drops.txt" || return 1
	# Every frame of the dropped packet shares its packet id; the udp frames decode.
	local id
	id=$(cut -f1 "$TMP/drops.txt" | tail -1)
	[ "$(tshark -r "$TMP/drop.pcapng" -Y "frame.packet_id == $id" | wc -l)" -ge 5 ] &&
		[ "$(tshark -r "$TMP/drop.pcapng" -Y "udp.dstport == 7779" | wc -l)" -ge 3 ]
}

case_filter_keeps_one_flow_of_three() {
	"$HOPTRACE" --pod-ip "$IP_A" --json -q 'udp and dst port 5002' -- ip netns exec "$NS_A" \
		bash -c "for i in 1 2 3; do for p in 5001 5002 5003; do
			echo x > /dev/udp/$IP_B/\$p; done; done" >"$TMP/out.jsonl" || return 1
	expect_jq "$TMP/out.jsonl" '[.[] | select(.type=="packet")] | length == 3' \
		"three packets of the one flow" || return 1
	expect_jq "$TMP/out.jsonl" '[.[] | select(.type=="packet") | .flow_tuple.dport]
		| all(. == 5002)' "only port 5002" || return 1
	expect_jq "$TMP/out.jsonl" '.[-1].filtered >= 6' "the other six were refused by the filter"
}

topo_up || { echo "FAIL e2e pcapng_topology: could not build the namespaces"; exit 1; }
run_case drop_in_pcapng_read_by_tshark case_drop_in_pcapng_read_by_tshark
run_case filter_keeps_one_flow_of_three case_filter_keeps_one_flow_of_three
exit $TESTS_FAILED

#!/usr/bin/env bash
# pcapng and pcap-filter end to end: a traced drop opened with tshark, its comment found;
# routed pings whose frames tshark reads without a malformed one, route lookups as comments,
# one interface per device and a packet's frames grouped by frame.packet_id; a TCP transfer
# whose false retransmission marks the documented preference removes; a filter expression
# keeping exactly one flow out of three running at once.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
trap topo_down EXIT
trap 'exit 130' INT TERM

# frames_json PCAPNG OUT FIELD...: the frames' fields as one JSON array of objects, each
# field an array of its occurrences (a frame may carry several comments). Frames only: the
# summary's Custom Block that closes the file is not one.
frames_json() {
	local file=$1 out=$2 f args=()
	shift 2
	for f in "$@"; do args+=(-e "$f"); done
	tshark -r "$file" -Y frame.interface_id -T json "${args[@]}" 2>"$TMP/tshark.err" >"$out.raw" ||
		{ cat "$TMP/tshark.err"; return 1; }
	jq '[.[]._source.layers]' "$out.raw" >"$out"
}

# expect_frames FRAMES TRACE FILTER MESSAGE: the jq filter, given $frames (frames_json's
# array) and $trace (the JSON Lines trace of the same run, as an array), yields true.
expect_frames() {
	local frames=$1 trace=$2 filter=$3 msg=$4
	keep_output "$trace"
	if [ "$(jq -n --slurpfile f "$frames" --slurpfile t "$trace" \
		"\$f[0] as \$frames | \$t as \$trace | $filter")" != "true" ]; then
		echo "expectation failed: $msg"
		echo "  jq '$filter'"
		echo "  frames were:"
		jq -c '.[]' "$frames" | head -40 | sed 's/^/    /'
		return 1
	fi
}

# tshark_silent ARGS...: fails unless tshark succeeds and prints nothing (a display filter
# that must match no frame).
tshark_silent() {
	local out
	out=$(tshark "$@" 2>"$TMP/tshark.err") || { cat "$TMP/tshark.err"; return 1; }
	[ -z "$out" ] && return 0
	echo "expected no frames from tshark $*, got:"
	echo "$out" | head -20
	return 1
}

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

# Pings from pod a to the routed pod d: each crosses a veth, the bridge and route lookups.
case_ping_frames_read_cleanly() {
	command -v tshark >/dev/null || { SKIP_REASON="tshark is not installed"; return 77; }
	local f=$TMP/ping.pcapng id
	"$HOPTRACE" --pod-ip "$IP_A" --json -q -w "$f" -- \
		ip netns exec "$NS_A" ping -c2 -i0.2 -W2 -q "$IP_D" >"$TMP/ping.jsonl" || return 1
	frames_json "$f" "$TMP/frames.json" frame.packet_id frame.interface_id \
		frame.interface_name frame.cap_len frame.comment sll.hatype ip.id || return 1
	tshark_silent -r "$f" -Y _ws.malformed || return 1
	expect_jq "$TMP/ping.jsonl" '[.[] | select(.type=="hop" and .hook=="fib_lookup")]
		| length >= 4' "the trace saw route lookups in the node and in pod d" || return 1
	# Route lookups and every other hop without bytes: no frame, a marked comment.
	expect_frames "$TMP/frames.json" "$TMP/ping.jsonl" '$frames
		| all(.["frame.cap_len"][0] | tonumber > 20)' \
		"every frame holds packet bytes after its 20-byte cooked header" || return 1
	expect_frames "$TMP/frames.json" "$TMP/ping.jsonl" '[$frames[] | .["frame.comment"][]]
		as $c | ([$c[] | select(test("^hop [0-9]+/[0-9]+ fib_lookup .*\\[no packet bytes\\]"))]
		| length) == ([$trace[] | select(.type=="hop" and .hook=="fib_lookup")] | length)
		and ($c | length) == ([$trace[] | select(.type=="hop")] | length)
		and ($frames | length) == ([$c[] | select(test("\\[no packet bytes\\]") | not)]
		| length)' "one comment per hop; a frame per hop with bytes; lookups marked" ||
		return 1
	# One interface per (namespace, device): pod a's eth0 holds its IP-header hops
	# (netfilter, sock_recv) and its Ethernet ones (veth_xmit) alike.
	expect_frames "$TMP/frames.json" "$TMP/ping.jsonl" "[\$frames[] |
		[.[\"frame.interface_id\"][0], .[\"frame.interface_name\"][0]]] | unique as \$ifs
		| (\$ifs | map(.[0]) | unique | length) == (\$ifs | length)
		and (\$ifs | map(.[1]) | unique | length) == (\$ifs | length)
		and ([\$frames[] | select(.[\"frame.interface_name\"][0] == \"eth0@$NS_A\")
		| .[\"sll.hatype\"][0]] | unique) == [\"1\", \"65534\"]" \
		"each device one interface, serving Ethernet and IP-header hops" || return 1
	# A packet's frames: consecutive, the same IP datagram, its hops 1..n in order.
	expect_frames "$TMP/frames.json" "$TMP/ping.jsonl" '($trace | map(select(.type=="packet")
		| {key: (.pkt | tostring), value: .hops}) | from_entries) as $hops
		| ($frames | map(.["frame.packet_id"][0]) | unique | length) == ($hops | length)
		and ($frames | group_by(.["frame.packet_id"][0]) | all(
		([.[] | .["ip.id"][0]] | unique | length) == 1
		and ([.[] | .["frame.comment"][] | capture("^hop (?<k>[0-9]+)/").k | tonumber]
		== [range(1; $hops[.[0]["frame.packet_id"][0]] + 1)])))' \
		"frame.packet_id groups each packet: one IP id, every hop once, in order" || return 1
	# The documented display filter shows one packet: the first reply, and only it.
	id=$(jq -s -r '[.[] | select(.type=="packet" and .reply)][0].pkt' "$TMP/ping.jsonl")
	[ "$(tshark -r "$f" -Y "frame.packet_id == $id" -T fields -e icmp.type -e icmp.seq \
		2>/dev/null | sort -u)" = "$(printf '0\t1')" ] ||
		{ echo "frame.packet_id == $id is not the first echo reply alone"; return 1; }
}

# A TCP transfer: every hop after a segment's first repeats it, which tshark's analysis
# marks as a retransmission; the preference the file's comment names turns that off.
case_tcp_retransmission_marks_explained() {
	command -v tshark >/dev/null || { SKIP_REASON="tshark is not installed"; return 77; }
	local f=$TMP/tcp.pcapng listener rc
	timeout 10 ip netns exec "$NS_B" nc -l 8081 >/dev/null &
	listener=$!
	for _ in $(seq 50); do # bounded: 5 s for the listener to be there
		nsx "$NS_B" ss -Hltn 'sport = :8081' | grep -q . && break
		sleep 0.1
	done
	"$HOPTRACE" --pod-ip "$IP_A" --proto tcp --port 8081 --json -q -w "$f" -- \
		ip netns exec "$NS_A" bash -c "exec 3<>/dev/tcp/$IP_B/8081;
			head -c 3000 /dev/zero >&3; sleep 0.3" >"$TMP/tcp.jsonl"
	rc=$?
	kill $listener 2>/dev/null
	wait $listener 2>/dev/null
	[ $rc -eq 0 ] || return 1
	tshark_silent -r "$f" -Y _ws.malformed || return 1
	[ "$(tshark -r "$f" -Y tcp.analysis.retransmission 2>/dev/null | wc -l)" -gt 0 ] ||
		{ echo "expected tshark's default analysis to mark the repeated hops"; return 1; }
	capinfos -k "$f" | grep -q "tshark -o tcp.analyze_sequence_numbers:FALSE" ||
		{ echo "the capture's comment does not explain the marks"; return 1; }
	tshark_silent -r "$f" -o tcp.analyze_sequence_numbers:FALSE -Y tcp.analysis.flags ||
		return 1
	# With the marks gone, each packet id is one segment seen at several places.
	frames_json "$f" "$TMP/frames.json" frame.packet_id tcp.seq_raw tcp.len tcp.flags ||
		return 1
	expect_frames "$TMP/frames.json" "$TMP/tcp.jsonl" '($frames | length) > ($frames
		| map(.["frame.packet_id"][0]) | unique | length) and ($frames
		| group_by(.["frame.packet_id"][0]) | all(map([.["tcp.seq_raw"], .["tcp.len"],
		.["tcp.flags"]]) | unique | length == 1))' \
		"a packet id is one TCP segment, seen at more than one hop" || return 1
	expect_jq "$TMP/tcp.jsonl" '[.[] | select(.type=="hop" and .tuple.dport==8081)] | length > 0' \
		"the transfer was traced"
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
run_case ping_frames_read_cleanly case_ping_frames_read_cleanly
run_case tcp_retransmission_marks_explained case_tcp_retransmission_marks_explained
run_case filter_keeps_one_flow_of_three case_filter_keeps_one_flow_of_three
exit $TESTS_FAILED

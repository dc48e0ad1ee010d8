#!/usr/bin/env bash
# End-to-end: hoptrace merge. Each "node" of the overlay topology (its namespace and its
# pod's) is traced on its own (--only-netns, --node-name), as on a real cluster each node's
# hoptrace sees its own kernel; merge joins the halves per packet. The merged timeline holds
# the same hops in the same order as one trace of everything; a node's clock shifted by
# seconds is recovered within the bound merge states; overlay packets lost in a namespace
# between the nodes are "lost between node1 and node2"; a drop on the far node after NAT on
# the near one is one packet with one verdict; bad inputs get one line and no output.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
. tests/e2e/overlay_lib.sh
BG=()
cleanup() {
	local pid
	for pid in "${BG[@]}"; do kill "$pid" 2>/dev/null; done
	for pid in "${BG[@]}"; do wait "$pid" 2>/dev/null; done
	overlay_down
}
trap cleanup EXIT
trap 'exit 130' INT TERM
OVERLAY_WIRE=1

# The hops of each packet as "hook netns dev", one packet per line, sorted: the packets of
# a trace, merged or not, comparable without their ids and times. The wire between the
# nodes ($W) is no node's: its hops are left out.
packet_paths() {
	jq -s -r --arg wire "$W" '[.[] | select(.type=="hop" and .netns_name != $wire)]
		| group_by(.pkt) | map(map("\(.hook) \(.netns_name) \(.ifname // "-")")
		| join(" | ")) | .[]' "$1" | sort
}

# node_traces TAG CMD...: a trace of each node (JSON Lines and pcapng) in the background
# while CMD runs, and with WHOLE=1 one of every namespace beside them; stopped 1.5 s after
# CMD, so that a packet in flight arrives and one that never arrives is known lost.
node_traces() {
	local tag=$1 n pids=() pid
	shift
	for n in 1 2; do
		"$HOPTRACE" --pod-ip $POD1 --only-netns "$PREFIX-n$n,$PREFIX-p$n" --node-name node$n \
			--json -w "$TMP/$tag.n$n.pcapng" --duration 30 >"$TMP/$tag.n$n.jsonl" \
			2>"$TMP/$tag.n$n.err" &
		pids+=($!)
		BG+=($!)
		wait_tracing "$TMP/$tag.n$n.err" $! || return 1
	done
	if [ -n "${WHOLE:-}" ]; then
		"$HOPTRACE" --pod-ip $POD1 --netns "$N1" --netns "$N2" --netns "$P1" --netns "$P2" \
			--netns "$W" --json --duration 30 >"$TMP/$tag.whole.jsonl" 2>"$TMP/$tag.whole.err" &
		pids+=($!)
		BG+=($!)
		wait_tracing "$TMP/$tag.whole.err" $! || return 1
	fi
	"$@"
	sleep 1.5
	kill -INT "${pids[@]}" 2>/dev/null
	for pid in "${pids[@]}"; do wait "$pid"; done
	BG=()
	for n in 1 2; do
		expect_jq "$TMP/$tag.n$n.jsonl" '.[-1].type == "summary"' "node $n's trace ended" ||
			return 1
	done
}

# merge_ok OUT ARGS...: hoptrace merge ARGS succeeds, its output in OUT.
merge_ok() {
	local out=$1 rc
	shift
	"$HOPTRACE" merge "$@" >"$out" 2>"$TMP/merge.err"
	rc=$?
	[ $rc -eq 0 ] || { echo "hoptrace merge $* failed ($rc):"; cat "$TMP/merge.err"; return 1; }
}

udp_send() { # udp_send DST PORT
	nsx "$P1" bash -c "echo x > /dev/udp/$1/$2"
}

traffic_both_ways() {
	nsx "$P2" timeout 5 python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 7830))
s.settimeout(4)
s.recv(10)
' &
	local receiver=$!
	sleep 0.3
	nsx "$P1" ping -c3 -i0.2 -W2 -q $POD2 >/dev/null || return 1
	udp_send $POD2 7830
	wait $receiver
}

case_halves_merged_are_the_whole() {
	WHOLE=1 node_traces both traffic_both_ways || return 1
	merge_ok "$TMP/merged.jsonl" --json "$TMP/both.n1.jsonl" "$TMP/both.n2.jsonl" || return 1
	packet_paths "$TMP/both.whole.jsonl" >"$TMP/whole.paths"
	packet_paths "$TMP/merged.jsonl" >"$TMP/merged.paths"
	diff "$TMP/whole.paths" "$TMP/merged.paths" || {
		echo "expectation failed: the merged packets' hops, in order, are the whole trace's"
		return 1
	}
	expect_jq "$TMP/merged.jsonl" "[.[] | select(.type==\"hop\")] | length > 0 and all(.[];
		(.node == \"node1\" and (.netns_name == \"$N1\" or .netns_name == \"$P1\")) or
		(.node == \"node2\" and (.netns_name == \"$N2\" or .netns_name == \"$P2\")))" \
		"every hop names its node" || return 1
	expect_jq "$TMP/merged.jsonl" '[.[] | select(.type=="packet")] as $p
		| ($p | length) == 7 and all($p[]; .nodes == ["node1","node2"] or .nodes == ["node2","node1"])
		and ([$p[] | select(.flow_tuple.proto=="udp")] | length == 1 and .[0].fate == "delivered"
		     and .[0].nodes == ["node1","node2"] and (.[0].verdict | startswith("on node2: delivered")))
		and ([$p[] | select(.icmp.role=="echo_request")] | length == 3
		     and all(.[]; .fate == "delivered" and .nodes == ["node1","node2"]))
		and ([$p[] | select(.icmp.role=="echo_reply")] | length == 3
		     and all(.[]; .fate == "delivered" and .nodes == ["node2","node1"]))' \
		"3 echo requests and the datagram node1 -> node2, 3 replies back, all delivered" ||
		return 1
	expect_jq "$TMP/merged.jsonl" '[.[] | select(.type=="node")] as $n | ($n | length) == 2
		and $n[0].node == "node1" and $n[0].clock.source == "reference"
		and $n[1].node == "node2" and $n[1].clock.source == "packets"
		and $n[1].clock.pairs_there == 4 and $n[1].clock.pairs_back == 3
		and ($n[1].clock.offset_ns | fabs) <= $n[1].clock.bound_ns
		and $n[1].clock.bound_ns < 10000000' \
		"one kernel's clocks: offset 0 within the bound, found from 4 packets there, 3 back" ||
		return 1
	# The same from the pcapng files, and the merged pcapng read by tshark.
	merge_ok "$TMP/from_pcapng.jsonl" --json -w "$TMP/merged.pcapng" \
		"$TMP/both.n1.pcapng" "$TMP/both.n2.pcapng" || return 1
	packet_paths "$TMP/from_pcapng.jsonl" >"$TMP/pcapng.paths"
	diff "$TMP/merged.paths" "$TMP/pcapng.paths" || {
		echo "expectation failed: pcapng inputs merge as JSON Lines ones do"; return 1; }
	jq -c 'select(.type=="packet") | [.pkt, .fate, .nodes, .verdict]' "$TMP/merged.jsonl" \
		>"$TMP/a" && jq -c 'select(.type=="packet") | [.pkt, .fate, .nodes, .verdict]' \
		"$TMP/from_pcapng.jsonl" >"$TMP/b" && diff "$TMP/a" "$TMP/b" ||
		{ echo "expectation failed: the same verdicts from pcapng"; return 1; }
	tshark -r "$TMP/merged.pcapng" -Y frame.interface_id -T fields -e frame.packet_id \
		-e frame.interface_name >"$TMP/frames" 2>"$TMP/tshark.err" ||
		{ cat "$TMP/tshark.err"; return 1; }
	[ "$(wc -l <"$TMP/frames")" -eq "$(($(tshark -r "$TMP/both.n1.pcapng" -Y frame.interface_id |
		wc -l) + $(tshark -r "$TMP/both.n2.pcapng" -Y frame.interface_id | wc -l)))" ] &&
		grep -q "^1	node1:eth0@$P1" "$TMP/frames" && grep -q "	node2:ul0@$N2" "$TMP/frames" || {
		echo "expectation failed: every frame of both nodes, interfaces named by node"
		head "$TMP/frames"; return 1; }
	merge_ok "$TMP/merged.txt" "$TMP/both.n1.jsonl" "$TMP/both.n2.jsonl" || return 1
	grep -q "^node node2: .*clock [+-]0\.0000.* s +- 0\.0.* against node1 (from 4 packet pairs there, 3 back)" \
		"$TMP/merged.txt" && grep -q "=> on node2: delivered" "$TMP/merged.txt" &&
		grep -qE "^summary: 2 nodes, 7 packets \(7 seen on more than one node\): 0 dropped, 7 delivered, 0 lost between nodes, 0 unknown$" "$TMP/merged.txt" || {
		echo "expectation failed: the text names the clocks, the verdicts, the sums"
		cat "$TMP/merged.txt"; return 1; }
}

overlay_up >/dev/null || { echo "FAIL e2e topology: could not build the overlay"; exit 1; }
run_case halves_merged_are_the_whole case_halves_merged_are_the_whole
exit $TESTS_FAILED

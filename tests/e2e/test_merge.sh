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

# udp_listener PORT: a socket in pod 2 that reads one datagram (at most 5 s), in the
# background as $LISTENER, bound before this returns.
udp_listener() {
	nsx "$P2" timeout 5 python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", int(sys.argv[1])))
s.settimeout(4)
s.recv(10)
' "$1" &
	LISTENER=$!
	for _ in $(seq 50); do
		[ -n "$(nsx "$P2" ss -Hlun "sport = :$1")" ] && return 0
		sleep 0.1
	done
	echo "pod 2 never listened on UDP port $1"
	return 1
}

traffic_both_ways() {
	udp_listener 7830 || return 1
	nsx "$P1" ping -c3 -i0.2 -W2 -q $POD2 >/dev/null || return 1
	udp_send $POD2 7830
	wait $LISTENER
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
	# A hop without a namespace (a socket's free of what it read) is its skb's node's.
	expect_jq "$TMP/merged.jsonl" "[.[] | select(.type==\"hop\")] | length > 0 and all(.[];
		(.node == \"node1\" and (.netns_name == \"$N1\" or .netns_name == \"$P1\")) or
		(.node == \"node2\" and (.netns_name == \"$N2\" or .netns_name == \"$P2\")) or
		(.netns_name == null and .netns == 0))" \
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
		{ jq -c 'select(.type=="node")' "$TMP/merged.jsonl"; return 1; }
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
	# README's commands, as written there, on these traces.
	mkdir -p "$TMP/readme" && cp "$TMP"/both.n[12].* "$TMP/readme/" || return 1
	for f in "$TMP"/readme/both.*; do mv "$f" "$TMP/readme/${f##*/both.}"; done
	(
		cd "$TMP/readme" || exit 1
		"$HOPTRACE" merge n1.jsonl n2.jsonl >merged.txt &&
			"$HOPTRACE" merge --json n1.jsonl n2.jsonl > all.jsonl &&
			"$HOPTRACE" merge -w all.pcapng n1.pcapng n2.pcapng >/dev/null
	) || { echo "expectation failed: README's merge commands run"; return 1; }
	cmp <(jq -c 'select(.type=="packet")' "$TMP/readme/all.jsonl") \
		<(jq -c 'select(.type=="packet")' "$TMP/merged.jsonl") &&
		cmp <(tshark -r "$TMP/readme/all.pcapng" -T fields -e frame.packet_id 2>/dev/null) \
			<(tshark -r "$TMP/merged.pcapng" -T fields -e frame.packet_id 2>/dev/null) ||
		{ echo "expectation failed: README's commands give the same packets"; return 1; }
	cp "$TMP/readme/merged.txt" "$TMP/merged.txt"
	grep -q "^node node2: .*clock [+-]0\.0000.* s +- 0\.0.* against node1 (from 4 packet pairs there, 3 back)" \
		"$TMP/merged.txt" && grep -q "=> on node2: delivered" "$TMP/merged.txt" &&
		grep -qE "^summary: 2 nodes, 7 packets \(7 seen on more than one node\): 0 dropped, 7 delivered, 0 lost between nodes, 0 unknown$" "$TMP/merged.txt" || {
		echo "expectation failed: the text names the clocks, the verdicts, the sums"
		cat "$TMP/merged.txt"; return 1; }
}

# Node 2's clock 5 s ahead (its timestamps and clocks rewritten, integers kept exact): merge
# finds the offset within the bound it states, and the timeline is unchanged.
case_shifted_clock_recovered() {
	local shift=5000000000
	[ -s "$TMP/both.n2.jsonl" ] || { echo "needs the first case's traces"; return 1; }
	python3 -c '
import json, sys
src, dst, shift = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(src) as f, open(dst, "w") as out:
    for line in f:
        o = json.loads(line)
        if "ts_ns" in o:
            o["ts_ns"] += shift
        if o.get("type") == "summary":
            for c in ("clock_start", "clock_end"):
                o["node"][c]["real_ns"] += shift
        out.write(json.dumps(o, separators=(",", ":")) + "\n")
' "$TMP/both.n2.jsonl" "$TMP/shifted.n2.jsonl" $shift || return 1
	merge_ok "$TMP/shifted.jsonl" --json "$TMP/both.n1.jsonl" "$TMP/shifted.n2.jsonl" || return 1
	expect_jq "$TMP/shifted.jsonl" "[.[] | select(.type==\"node\")][1].clock as \$c
		| \$c.source == \"packets\" and \$c.bound_ns < 10000000
		and ((\$c.offset_ns - $shift) | fabs) <= \$c.bound_ns" \
		"node 2's clock found 5 s ahead, within the stated bound (< 10 ms)" ||
		{ jq -c 'select(.type=="node")' "$TMP/shifted.jsonl"; return 1; }
	# jq reads numbers as doubles: 256 ns apart at today's times.
	expect_jq "$TMP/shifted.jsonl" "[.[] | select(.type==\"hop\" and .node==\"node2\")
		| .node_ts_ns - .ts_ns] | (max - min) <= 512 and length > 0" \
		"every node 2 hop corrected by the one offset" || return 1
	packet_paths "$TMP/shifted.jsonl" >"$TMP/shifted.paths"
	diff "$TMP/merged.paths" "$TMP/shifted.paths" ||
		{ echo "expectation failed: the same timeline as with the clocks agreeing"; return 1; }
	merge_ok "$TMP/shifted.txt" "$TMP/both.n1.jsonl" "$TMP/shifted.n2.jsonl" || return 1
	grep -q "^node node2: .*clock +5\.0000.* s +- 0\.0.* s against node1" "$TMP/shifted.txt" || {
		echo "expectation failed: the text says node 2 is 5 s ahead"; cat "$TMP/shifted.txt"
		return 1
	}
}

lost_traffic() {
	udp_listener 7832 || return 1
	udp_send $POD2 7831
	udp_send $POD2 7832
	wait $LISTENER
}

# The wire between the nodes drops the overlay packets of one flow (inner UDP port 7831):
# merged, they left node 1's underlay and never reached node 2, and neither node freed
# them. Another flow through the same wire is delivered.
case_lost_between_nodes() {
	local rc=0
	# The inner UDP destination port: 8 (UDP) + 8 (VXLAN) + 14 (Ethernet) + 20 (IPv4) + 2
	# bytes after the outer UDP header, 416 bits.
	printf '%s\n' "table bridge hoptrace_test_wire {" "chain forward {" \
		"type filter hook forward priority 0;" "udp dport 4789 @th,416,16 7831 drop" "}" "}" |
		nsx "$W" nft -f - || return 1
	node_traces lost lost_traffic || rc=1
	nsx "$W" nft delete table bridge hoptrace_test_wire
	[ $rc -eq 0 ] || return 1
	merge_ok "$TMP/lost.jsonl" --json "$TMP/lost.n1.jsonl" "$TMP/lost.n2.jsonl" || return 1
	expect_jq "$TMP/lost.jsonl" "[.[] | select(.type==\"packet\")] as \$p
		| ([\$p[] | select(.flow_tuple.dport==7831)] | length == 1 and .[0].fate == \"lost\"
		   and .[0].nodes == [\"node1\"] and .[0].lost.from == \"node1\"
		   and .[0].lost.to == \"node2\" and .[0].lost.ifname == \"ul0\"
		   and .[0].lost.netns_name == \"$N1\" and .[0].parts[0].fate == \"unknown\"
		   and .[0].parts[0].left_node)
		and ([\$p[] | select(.flow_tuple.dport==7832)] | length == 1
		   and .[0].fate == \"delivered\" and .[0].nodes == [\"node1\",\"node2\"])" \
		"port 7831 lost between node1 and node2, last seen on node 1's ul0; 7832 delivered" ||
		return 1
	merge_ok "$TMP/lost.txt" "$TMP/lost.n1.jsonl" "$TMP/lost.n2.jsonl" || return 1
	grep -qx "    => LOST BETWEEN node1 and node2: it left node1 on ul0 (netns $N1) and node2 never saw it arrive; neither node freed it" \
		"$TMP/lost.txt" && grep -q "1 lost between nodes" "$TMP/lost.txt" ||
		{ echo "expectation failed: the text verdict"; cat "$TMP/lost.txt"; return 1; }
}

# A DNS query to the ClusterIP: DNAT on node 1, VXLAN to node 2, whose FORWARD chain drops
# it. One packet across both nodes, one verdict: dropped on node 2, in FORWARD.
case_far_drop_after_near_nat() {
	local rc=0
	nsx "$N2" iptables -w -I FORWARD -p udp --dport 5353 -j DROP || return 1
	node_traces nat udp_send $SVC 53 || rc=1
	nsx "$N2" iptables -w -D FORWARD -p udp --dport 5353 -j DROP
	[ $rc -eq 0 ] || return 1
	merge_ok "$TMP/nat.jsonl" --json "$TMP/nat.n1.jsonl" "$TMP/nat.n2.jsonl" || return 1
	expect_jq "$TMP/nat.jsonl" "[.[] | select(.type==\"packet\")] as \$p | (\$p | length) == 1
		and \$p[0].nodes == [\"node1\",\"node2\"] and \$p[0].fate == \"dropped\"
		and \$p[0].drop.node == \"node2\" and \$p[0].drop.reason == \"NETFILTER_DROP\"
		and \$p[0].drop.nf.hook == \"FORWARD\" and \$p[0].drop.netns_name == \"$N2\"
		and \$p[0].flow_tuple.dst == \"$SVC\"" \
		"one packet: the query to $SVC, dropped on node2 in FORWARD" || return 1
	expect_jq "$TMP/nat.jsonl" "[.[] | select(.type==\"hop\")] as \$h
		| ([\$h[] | select(.hook==\"nat\")] | length >= 1 and all(.[]; .node == \"node1\"
		   and .nat.kind == \"dnat\" and .nat.after.dst == \"$POD2\"))
		and ([\$h[] | select(.hook==\"vxlan_encap\")] | length == 1 and .[0].node == \"node1\")
		and ([\$h[] | select(.hook==\"vxlan_decap\")] | length == 1 and .[0].node == \"node2\")
		and (\$h[-1] | .node == \"node2\" and .hook == \"kfree_skb\")" \
		"its hops: DNAT and VXLAN out on node1, in on node2, freed there" || return 1
	merge_ok "$TMP/nat.txt" "$TMP/nat.n1.jsonl" "$TMP/nat.n2.jsonl" || return 1
	grep -q "^    => on node2: DROPPED in node (netns $N2, dev .*): NETFILTER_DROP at .*FORWARD" \
		"$TMP/nat.txt" || { echo "expectation failed: the text verdict"; cat "$TMP/nat.txt"; return 1; }
}

# expect_merge_refusal PATTERN ARGS...: merge exits 1 with one line matching the pattern on
# stderr, nothing on stdout, and no -w file (nor its temporary).
expect_merge_refusal() {
	local want=$1 rc
	shift
	rm -f "$TMP/out.pcapng"
	"$HOPTRACE" merge "$@" >"$TMP/refused.out" 2>"$TMP/refused.err"
	rc=$?
	[ $rc -eq 1 ] && [ "$(wc -l <"$TMP/refused.err")" -eq 1 ] &&
		grep -qE "^hoptrace merge: $want" "$TMP/refused.err" && [ ! -s "$TMP/refused.out" ] &&
		[ ! -e "$TMP/out.pcapng" ] && [ -z "$(ls "$TMP"/out.pcapng.* 2>/dev/null)" ] || {
		echo "expectation failed: merge $* exits 1 with one line '$want' and writes nothing"
		echo "  exit $rc, stderr:"; cat "$TMP/refused.err"
		echo "  stdout:"; head -3 "$TMP/refused.out"
		return 1
	}
}

case_bad_inputs() {
	local size f
	for f in both.n1.jsonl both.n2.jsonl both.n1.pcapng both.n2.pcapng both.whole.jsonl \
		lost.n2.jsonl merged.jsonl; do
		[ -s "$TMP/$f" ] || { echo "needs the first cases' traces ($f)"; return 1; }
	done
	expect_merge_refusal ".*both.n1.pcapng and .*both.n1.pcapng are traces of the same node \(boot id [-0-9a-f]+, overlapping --only-netns namespaces\): merge joins traces of different nodes$" \
		-w "$TMP/out.pcapng" "$TMP/both.n1.pcapng" "$TMP/both.n2.pcapng" "$TMP/both.n1.pcapng" ||
		return 1
	expect_merge_refusal ".*both.whole.jsonl and .*both.n1.jsonl are traces of the same node \(boot id [-0-9a-f]+; parts of one kernel need --only-netns, disjoint\)" \
		"$TMP/both.whole.jsonl" "$TMP/both.n1.jsonl" || return 1
	expect_merge_refusal "no packet was seen on more than one node: nothing joins these traces" \
		"$TMP/both.n1.jsonl" "$TMP/lost.n2.jsonl" || return 1
	size=$(stat -c %s "$TMP/both.n2.jsonl")
	head -c $((size / 2)) "$TMP/both.n2.jsonl" >"$TMP/cut.jsonl"
	[ "$(tail -c1 "$TMP/cut.jsonl" | od -An -tx1 | tr -d ' ')" != 0a ] || printf x >>"$TMP/cut.jsonl"
	expect_merge_refusal ".*cut.jsonl: truncated: line [0-9]+ is cut short$" \
		"$TMP/both.n1.jsonl" "$TMP/cut.jsonl" || return 1
	head -n 5 "$TMP/both.n2.jsonl" >"$TMP/lines.jsonl"
	expect_merge_refusal ".*lines.jsonl: no summary: the trace was cut short" \
		"$TMP/both.n1.jsonl" "$TMP/lines.jsonl" || return 1
	size=$(stat -c %s "$TMP/both.n2.pcapng")
	head -c $((size / 2)) "$TMP/both.n2.pcapng" >"$TMP/cut.pcapng"
	expect_merge_refusal ".*cut.pcapng: truncated: the block at byte [0-9]+ needs [0-9]+ bytes, [0-9]+ are left" \
		-w "$TMP/out.pcapng" "$TMP/both.n1.pcapng" "$TMP/cut.pcapng" || return 1
	# A pcapng of another tool: Wireshark's text2pcap, one IPv4 header.
	printf '0000  45 00 00 14 00 00 00 00 40 11 00 00 7f 00 00 01 7f 00 00 01\n' |
		text2pcap -q -l 101 - "$TMP/foreign.pcapng" 2>/dev/null || return 1
	expect_merge_refusal ".*foreign.pcapng: a pcapng file written by Text2pcap .*, not by hoptrace$" \
		-w "$TMP/out.pcapng" "$TMP/both.n1.pcapng" "$TMP/foreign.pcapng" || return 1
	expect_merge_refusal ".*both.n2.jsonl: JSON Lines holds no packet bytes: -w needs every trace as pcapng" \
		-w "$TMP/out.pcapng" "$TMP/both.n1.pcapng" "$TMP/both.n2.jsonl" || return 1
	expect_merge_refusal ".*merged.jsonl: line 1: a merged trace \(hoptrace merge's output\): merge the nodes' own traces$" \
		"$TMP/merged.jsonl" "$TMP/both.n2.jsonl" || return 1
	printf 'GARBAGE' >"$TMP/garbage"
	expect_merge_refusal ".*garbage: neither JSON Lines nor pcapng \(it starts with 0x47 0x41 0x52 0x42\): not a hoptrace trace$" \
		"$TMP/both.n1.jsonl" "$TMP/garbage" || return 1
	"$HOPTRACE" merge "$TMP/both.n1.jsonl" >/dev/null 2>"$TMP/err"
	[ $? -eq 2 ] && grep -qx "hoptrace merge: give 2 to 64 traces, one per node (got 1; try 'hoptrace merge --help')" "$TMP/err" ||
		{ echo "expectation failed: one trace is a usage error (exit 2)"; cat "$TMP/err"; return 1; }
}

overlay_up >/dev/null || { echo "FAIL e2e topology: could not build the overlay"; exit 1; }
run_case halves_merged_are_the_whole case_halves_merged_are_the_whole
run_case shifted_clock_recovered case_shifted_clock_recovered
run_case lost_between_nodes case_lost_between_nodes
run_case far_drop_after_near_nat case_far_drop_after_near_nat
run_case merge_bad_inputs case_bad_inputs
exit $TESTS_FAILED

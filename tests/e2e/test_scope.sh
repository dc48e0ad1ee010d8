#!/usr/bin/env bash
# End-to-end: --only-netns, one node's half of a cross-node trace. Two "nodes" of the
# overlay topology, each traced on its own (its namespace and its pod's) while a third trace
# sees everything: between them the two halves hold exactly the whole trace's hops, each
# half only its own, the near half ends where the packet left the node, the far half sees
# it delivered. Each trace says who took it and its clocks (summary.node).
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
KEEP=${KEEP_SCOPE:-}
trap 'exit 130' INT TERM
PORT=7820

# The kernel hops as (hook, namespace, device), sorted: synthetic hops (nat, tunnels, rules)
# are read from the hops around them and are left out.
kernel_hops() {
	jq -r 'select(.type=="hop" and (.hook | IN("nat","vxlan_encap","vxlan_decap",
		"geneve_encap","geneve_decap","nf_rule") | not))
		| [.hook, .netns_name, (.ifname // "-")] | @tsv' "$1" | sort
}

# scoped NAME NS,NS: a trace of that node's half in the background, until the whole one ends.
scoped() {
	"$HOPTRACE" --pod-ip $POD1 --proto udp --port $PORT --only-netns "$2" --json \
		--duration 8 >"$TMP/$1.jsonl" 2>"$TMP/$1.err" &
	BG+=($!)
	wait_tracing "$TMP/$1.err" "$!"
}

case_two_halves_make_the_whole() {
	nsx "$P2" timeout 6 python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", '$PORT'))
s.settimeout(5)
s.recv(10)
' &
	local receiver=$!
	scoped node1 "$N1,$P1" || return 1
	scoped node2 "$N2,$P2" || return 1
	# The halves watch netfilter in their namespaces: the whole trace watches the same.
	"$HOPTRACE" -q --json --pod-ip $POD1 --proto udp --port $PORT --netns "$N1" --netns "$N2" \
		--netns "$P1" --netns "$P2" \
		-- ip netns exec "$P1" bash -c "echo x > /dev/udp/$POD2/$PORT" >"$TMP/whole.jsonl" ||
		return 1
	wait "$receiver" || { echo "expectation failed: pod 2 did not get the datagram"; return 1; }
	kill -INT "${BG[@]}" 2>/dev/null
	for pid in "${BG[@]}"; do wait "$pid"; done
	BG=()
	expect_jq "$TMP/whole.jsonl" '[.[] | select(.type=="packet")] | length == 1 and .[0].fate=="delivered"' \
		"the whole trace sees the datagram delivered" || return 1
	# A hop without a namespace (a socket's free of what it read) goes with its skb's hop
	# before: it may be in either half.
	expect_jq "$TMP/node1.jsonl" "[.[] | select(.type==\"hop\")] | length > 0
		and all(.[]; .netns_name==\"$N1\" or .netns_name==\"$P1\" or .netns==0)" \
		"node 1's half holds only node 1's and its pod's hops" || return 1
	expect_jq "$TMP/node2.jsonl" "[.[] | select(.type==\"hop\")] | length > 0
		and all(.[]; .netns_name==\"$N2\" or .netns_name==\"$P2\" or .netns==0)" \
		"node 2's half holds only node 2's and its pod's hops" || return 1
	expect_jq "$TMP/node1.jsonl" '[.[] | select(.type=="packet")] | length == 1 and .[0].fate=="unknown"' \
		"on node 1 the packet left the node: unknown, not dropped" || return 1
	expect_jq "$TMP/node2.jsonl" '[.[] | select(.type=="packet" and .fate=="delivered")] | length == 1' \
		"on node 2 it is delivered" || return 1
	# What each half left out is counted: the other half's hops, at least.
	for t in node1 node2; do
		expect_jq "$TMP/$t.jsonl" "[.[] | select(.type==\"summary\")][0].out_of_scope >= 1" \
			"$t: the hops outside its namespaces are counted" || return 1
	done
	expect_jq "$TMP/whole.jsonl" '[.[] | select(.type=="summary")][0] | has("out_of_scope") | not' \
		"without --only-netns nothing is said of a scope" || return 1
	kernel_hops "$TMP/whole.jsonl" >"$TMP/whole.hops"
	cat <(kernel_hops "$TMP/node1.jsonl") <(kernel_hops "$TMP/node2.jsonl") | sort >"$TMP/halves.hops"
	[ -n "$KEEP" ] && cp "$TMP"/*.jsonl "$TMP"/*.hops "$KEEP"/
	diff "$TMP/whole.hops" "$TMP/halves.hops" || {
		echo "expectation failed: the two halves' kernel hops are the whole trace's"; return 1; }
	for t in node1 node2 whole; do
		expect_jq "$TMP/$t.jsonl" "[.[] | select(.type==\"summary\")][0].node
			| .hostname==\"$(hostname)\" and .kernel==\"$(uname -r)\"
			and .boot_id==\"$(cat /proc/sys/kernel/random/boot_id)\"
			and .clock_start.error_ns < 1000000 and .clock_end.mono_ns > .clock_start.mono_ns
			and .clock_end.real_ns > .clock_start.real_ns" \
			"$t: the summary says who took the trace, with its clocks" || return 1
	done
}

case_unknown_name_refused() {
	"$HOPTRACE" --pod-ip $POD1 --only-netns "$N1,nope-$$" -- true >/dev/null 2>"$TMP/err"
	local rc=$?
	cat "$TMP/err"
	[ $rc -eq 1 ] && grep -qx "hoptrace: --only-netns nope-$$: no such network namespace (host, a name under /run/netns, or pid:PID)" "$TMP/err" ||
		{ echo "expectation failed: one line naming the unknown namespace, exit 1"; return 1; }
}

overlay_up >/dev/null || { echo "FAIL e2e topology: could not build the overlay"; exit 1; }
run_case two_halves_make_the_whole case_two_halves_make_the_whole
run_case only_netns_unknown_name case_unknown_name_refused
exit $TESTS_FAILED

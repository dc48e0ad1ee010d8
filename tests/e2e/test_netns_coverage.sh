#!/usr/bin/env bash
# End-to-end: which namespaces get netfilter observers, and what a drop elsewhere says.
# Netfilter links are per namespace (the initial one, those holding a --pod-ip address, each
# --netns): -v names them, and a netfilter drop in a namespace without them says so and how
# to trace it with them, in the text verdict and in the JSON drop.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
trap topo_down EXIT
trap 'exit 130' INT TERM

PORT=7790

# drop_in_node ARGS...: one UDP datagram from pod a to pod d, dropped in the node's FORWARD
# hook, traced with --pod-ip pod a and ARGS; the trace's stdout in $TMP/out, stderr in
# $TMP/err.
drop_in_node() {
	local rc
	nsx "$NS_NODE" iptables -w -I FORWARD -d "$IP_D" -p udp --dport $PORT -j DROP || return 1
	"$HOPTRACE" --pod-ip "$IP_A" "$@" -- ip netns exec "$NS_A" \
		bash -c "echo x > /dev/udp/$IP_D/$PORT" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	nsx "$NS_NODE" iptables -w -D FORWARD -d "$IP_D" -p udp --dport $PORT -j DROP
	cat "$TMP/err"
	return $rc
}

# observed_line: the -v line naming the namespaces with netfilter observers. (The initial
# namespace is among them, named "host" or, where /proc/1 cannot be read, after a process.)
observed_line() { grep '^hoptrace: netfilter observed in ' "$TMP/err"; }

# lists NAME: whether the -v line names the namespace NAME.
lists() { observed_line | grep -qE "[:,] $1(,|$)"; }

case_unwatched_drop_hint_text() {
	drop_in_node -v || return 1
	cat "$TMP/out"
	local hint="no netfilter observation in netns $NS_NODE: run with --netns $NS_NODE or --netns all"
	grep -F "=> DROPPED" "$TMP/out" | grep -F "NETFILTER_DROP" | grep -qF "($hint)" ||
		{ echo "expectation failed: the verdict names the unwatched namespace and the fix"; return 1; }
	# Without observers there, nothing may pass for a hook or table (nor a netdev guess).
	! grep -F "=> DROPPED" "$TMP/out" | grep -qE "netfilter (ipv4|ipv6|netdev)" ||
		{ echo "expectation failed: no hook or table named without observers"; return 1; }
	lists "$NS_A" && ! lists "$NS_NODE" ||
		{ echo "expectation failed: -v names pod a's namespace, not the node's"; return 1; }
}

case_unwatched_drop_hint_json() {
	drop_in_node --json || return 1
	expect_jq "$TMP/out" "[.[] | select(.type==\"packet\" and .fate==\"dropped\")] | length == 1
		and (.[0] | .drop.reason==\"NETFILTER_DROP\" and .drop.netns_name==\"$NS_NODE\"
		and .drop.netfilter_observed==false and .drop.nf==null
		and (.drop.hint | contains(\"--netns $NS_NODE or --netns all\")))" \
		"the JSON drop says netfilter was not observed there, with the hint" ||
		return 1
	! grep -q '^hoptrace: netfilter observed in ' "$TMP/err" ||
		{ echo "expectation failed: without -v the namespaces are not listed"; return 1; }
}

case_watched_drop_no_hint() {
	drop_in_node --json -v --netns "$NS_NODE" || return 1
	expect_jq "$TMP/out" "[.[] | select(.type==\"packet\" and .fate==\"dropped\")] | length == 1
		and (.[0] | .drop.nf.hook==\"FORWARD\" and .drop.nf.table==\"filter\"
		and .drop.netfilter_observed==null and .drop.hint==null)" \
		"with --netns the drop names its hook and table, and gives no hint" || return 1
	lists "$NS_NODE" && lists "$NS_A" ||
		{ echo "expectation failed: -v names the --netns namespace and pod a's"; return 1; }
}

# A drop netfilter did not make needs no netfilter observers: no hint in pod b, unwatched.
case_other_drop_no_hint() {
	"$HOPTRACE" --pod-ip "$IP_A" --proto udp --json -q -- ip netns exec "$NS_A" \
		bash -c "echo knock > /dev/udp/$IP_B/9" >"$TMP/out" || return 1
	expect_jq "$TMP/out" "[.[] | select(.type==\"packet\" and .fate==\"dropped\"
		and .drop.reason==\"NO_SOCKET\" and .drop.netns_name==\"$NS_B\")]
		| length == 1 and (.[0].drop | has(\"hint\") | not)" \
		"a NO_SOCKET drop in an unwatched pod gets no netfilter hint"
}

case_netns_all_listed() {
	"$HOPTRACE" --pod-ip "$IP_A" --netns all -v -- true >/dev/null 2>"$TMP/err" || return 1
	cat "$TMP/err"
	local ns
	for ns in "$NS_NODE" "$NS_A" "$NS_B" "$NS_C" "$NS_D"; do
		lists "$ns" || { echo "expectation failed: --netns all -v names $ns"; return 1; }
	done
	local count links
	count=$(observed_line | sed -n 's/^hoptrace: netfilter observed in \([0-9]*\) .*/\1/p')
	links=$(sed -n 's/^hoptrace: tracing: .* netfilter links in \([0-9]*\) network .*/\1/p' \
		"$TMP/err")
	[ -n "$count" ] && [ "$count" = "$links" ] ||
		{ echo "expectation failed: the list counts the namespaces the start line does"; return 1; }
}

topo_up || { echo "FAIL e2e netns_coverage_setup"; exit 1; }
run_case unwatched_drop_hint_text case_unwatched_drop_hint_text
run_case unwatched_drop_hint_json case_unwatched_drop_hint_json
run_case watched_drop_no_hint case_watched_drop_no_hint
run_case other_drop_no_hint case_other_drop_no_hint
run_case netns_all_listed case_netns_all_listed
exit $TESTS_FAILED

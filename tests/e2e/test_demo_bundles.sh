#!/usr/bin/env bash
# End-to-end: the evidence of each hidden fault of the demo. `hoptrace demo SCENARIO
# --bundle DIR` leaves a bundle whose manifest verifies; its report, rendered by headless
# Chromium, marks the drop in the namespace box of the node that dropped it, with the drop
# reason, and makes no request; its path check (check.json) fails the item that explains
# the drop, and only then. The healthy flow's bundle has no drop and no failed item.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
. tests/e2e/browser_lib.sh
trap 'exit 130' INT TERM

# demo_bundle SCENARIO ROLE REASON ITEM: the scenario's bundle, verified as above. ROLE is
# the namespace that drops ("" for none), ITEM the check item that must fail and explain the
# drop ("-": a fault the check has no item for, a rule, a program or a missing listener:
# then no item may fail and no drop may name one).
demo_bundle() {
	local sc=$1 role=$2 reason=$3 item=$4 dir=$TMP/$1
	"$HOPTRACE" demo "$sc" --bundle "$dir" >"$TMP/$sc.out" 2>"$TMP/$sc.err" ||
		{ echo "hoptrace demo $sc --bundle failed:"; tail -5 "$TMP/$sc.err"; return 1; }
	(cd "$dir" && jq -r '.files[] | "\(.sha256)  \(.path)"' manifest.json | sha256sum -c --quiet) ||
		{ echo "expectation failed: the manifest of $sc verifies"; return 1; }
	expect_jq "$dir/manifest.json" '[.[0].files[].path] | index("check.json") != null
		and index("trace.jsonl") != null and index("counters.json") != null' \
		"$sc: the bundle holds the trace, the counters and the path check" || return 1
	"$HOPTRACE" report "$dir" -o "$TMP/$sc.html" || return 1
	render "$TMP/$sc.html" "$sc" || return 1
	expect_jq "$TMP/$sc.requests.json" '.[0] | length == 0' "$sc: the page made no request" || return 1
	if [ -n "$role" ]; then
		expect_jq "$TMP/$sc.facts.json" "[.[0].drops[] | select(.reason == \"$reason\"
			and (.netns | endswith(\"-$role\")) and .box == .netns)] | length >= 1" \
			"$sc: the drop ($reason) is marked in $role's box" || return 1
	fi
	if [ "$item" = - ]; then
		expect_jq "$dir/check.json" '.[0].fail == 0' "$sc: no check item fails" || return 1
		expect_jq "$dir/trace.jsonl" '[.[] | select(.type=="packet" and .check)] | length == 0' \
			"$sc: no drop names a check item" || return 1
	elif [ -n "$role" ]; then
		expect_jq "$dir/check.json" "[.[0].checks[] | select(.status==\"fail\")] as \$f
			| (\$f | length) >= 1 and ([\$f[] | .item] | index(\"$item\") != null)" \
			"$sc: the path check fails $item" || return 1
		expect_jq "$dir/trace.jsonl" "[.[] | select(.type==\"packet\" and .fate==\"dropped\"
			and .drop.reason==\"$reason\")] | length >= 1 and all(.[]; .check.item == \"$item\")" \
			"$sc: each $reason drop in the trace names the $item check" || return 1
	else
		expect_jq "$TMP/$sc.facts.json" '.[0].drops | length == 0' "$sc: no drop marked" ||
			return 1
		expect_jq "$dir/check.json" '.[0].fail == 0' "$sc: no check item fails" || return 1
	fi
}

case_no_route() { demo_bundle no-route node1 IP_INNOROUTES route_to_peer; }
case_mtu() { demo_bundle mtu node1 PKT_TOO_BIG mtu; }
case_rp_filter() { demo_bundle rp-filter node2 IP_RPFILTER rp_filter; }
case_vni_mismatch() { demo_bundle vni-mismatch node2 VXLAN_VNI_NOT_FOUND vni; }
case_healthy() { demo_bundle healthy "" "" ""; }
# The SNAT port clash: the check at start saw nothing wrong, the trace saw confirm refuse
# the entry; counters.json shows insert_failed rise by one in node1.
case_conntrack_insert_failure() {
	demo_bundle conntrack-insert-failure node1 NETFILTER_DROP conntrack || return 1
	expect_jq "$TMP/conntrack-insert-failure/counters.json" '[.[0].rises[] | select(
		.kind=="conntrack" and .name=="insert_failed" and (.netns | endswith("-node1"))
		and .rise == 1 and .unexplained == false)] | length == 1' \
		"conntrack-insert-failure: node1's insert_failed rose by one, explained" || return 1
	expect_jq "$TMP/conntrack-insert-failure/trace.jsonl" '[.[] | select(.type=="packet"
		and .fate=="dropped")] | length >= 1 and all(.[]; .drop.ct_insert_fail == true)' \
		"conntrack-insert-failure: the drop is an insert failure"
}
case_networkpolicy() { demo_bundle networkpolicy node2 NETFILTER_DROP -; }
case_cni_bpf_drop() { demo_bundle cni-bpf-drop node1 TC_INGRESS -; }
case_service_no_listener() { demo_bundle service-no-listener pod-c NO_SOCKET -; }
# The table is full only while the client sends: the check at start saw room, the trace saw
# the refusal and turned the item into a fail; counters.json shows conntrack's own count.
case_conntrack_full() {
	demo_bundle conntrack-full node1 NETFILTER_DROP conntrack || return 1
	expect_jq "$TMP/conntrack-full/check.json" '[.[0].checks[] | select(.item=="conntrack"
		and .status=="fail")][0].fact | test("refused new flows during the trace")' \
		"conntrack-full: the failed conntrack item says what the trace saw" || return 1
	expect_jq "$TMP/conntrack-full/counters.json" '[.[0].rises[] | select(.kind=="conntrack"
		and .name=="drop" and (.netns | endswith("-node1")) and .rise >= 1)] | length == 1' \
		"conntrack-full: node1's conntrack drop statistic rose" || return 1
}

if ! chromium_present; then
	echo "SKIP e2e demo_bundles: $SKIP_REASON"
	exit 0
fi
run_case demo_bundle_no_route case_no_route
run_case demo_bundle_mtu case_mtu
run_case demo_bundle_rp_filter case_rp_filter
run_case demo_bundle_vni_mismatch case_vni_mismatch
run_case demo_bundle_healthy case_healthy
run_case demo_bundle_networkpolicy case_networkpolicy
run_case demo_bundle_cni_bpf_drop case_cni_bpf_drop
run_case demo_bundle_service_no_listener case_service_no_listener
run_case demo_bundle_conntrack_full case_conntrack_full
run_case demo_bundle_conntrack_insert_failure case_conntrack_insert_failure
exit $TESTS_FAILED

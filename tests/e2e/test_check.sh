#!/usr/bin/env bash
# End-to-end: hoptrace check on the two-node overlay of the end-to-end tests. Healthy, no
# line fails; each hidden fault (a missing route, a pod MTU above the tunnel's, strict
# rp_filter with an asymmetric route, a VNI mismatch) fails the item that names it, on the
# node where it is, and nothing else fails. Each fault is undone after its case.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
. tests/e2e/overlay_lib.sh
trap overlay_down EXIT
trap 'exit 130' INT TERM

# check_json OUT: hoptrace check of pod 1 towards pod 2, as JSON, its exit status kept.
check_json() {
	"$HOPTRACE" check --pod-ip $POD1 --peer $POD2 --json >"$1" 2>"$TMP/check.err"
	CHECK_RC=$?
	keep_output "$1"
}

# expect_fail OUT ITEM WHERE PATTERN: exactly the item ITEM fails, in namespace WHERE, with
# a fact matching PATTERN (jq test()), and the exit status says a line failed.
expect_fail() {
	local out=$1 item=$2 where=$3 pattern=$4
	[ "$CHECK_RC" -eq 1 ] || { echo "expectation failed: exit 1 when a line fails (got $CHECK_RC)"; cat "$TMP/check.err"; return 1; }
	expect_jq "$out" "[.[0].checks[] | select(.status==\"fail\")] as \$f
		| (\$f | length) == 1 and \$f[0].item == \"$item\" and \$f[0].where == \"$where\"
		and (\$f[0].fact | test(\"$pattern\"))" \
		"only $item fails, in $where: $pattern"
}

case_healthy() {
	check_json "$TMP/healthy.json"
	[ "$CHECK_RC" -eq 0 ] || { echo "expectation failed: exit 0"; jq . "$TMP/healthy.json"; return 1; }
	expect_jq "$TMP/healthy.json" "[.[0].checks[] | select(.status==\"fail\")] | length == 0" \
		"no line fails" || return 1
	expect_jq "$TMP/healthy.json" "[.[0].checks[] | .item] as \$i
		| all(\"netns\", \"interface\", \"route_to_peer\", \"host_veth\", \"ip_forward\",
		      \"tunnel\", \"remote_vtep\", \"mtu\", \"conntrack\", \"rp_filter\";
		      . as \$want | \$i | index(\$want) != null)" \
		"every layer is walked" || return 1
	expect_jq "$TMP/healthy.json" "[.[0].checks[] | select(.item==\"tunnel\" and .where==\"$N1\")]
		| length == 1 and (.[0].fact | test(\"vx0: vxlan VNI 42, port 4789, over ul0\"))" \
		"the tunnel of node 1 is named with its VNI" || return 1
	"$HOPTRACE" check --pod-ip $POD1 --peer $POD2 >"$TMP/healthy.txt" || return 1
	grep -qE "^ok +overlay +mtu +$N1 +the pod's 1450 fits the tunnel's 1450, and 1450 \+ 50 overhead the underlay's 1500$" \
		"$TMP/healthy.txt" && grep -qE "^check: [0-9]+ ok, [0-9]+ warn, 0 fail$" "$TMP/healthy.txt" ||
		{ echo "expectation failed: the text lines"; cat "$TMP/healthy.txt"; return 1; }
}

case_no_route() {
	local rc=0
	ip -n "$N1" route del 10.244.2.0/24 || return 1
	check_json "$TMP/noroute.json"
	expect_fail "$TMP/noroute.json" route_to_peer "$N1" "route missing: the node has no route to $POD2" || rc=1
	ip -n "$N1" route add 10.244.2.0/24 via 10.99.0.2 dev vx0
	return $rc
}

case_mtu() {
	local rc=0
	ip -n "$N1" link set veth0 mtu 1500 && ip -n "$P1" link set eth0 mtu 1500 || return 1
	check_json "$TMP/mtu.json"
	expect_fail "$TMP/mtu.json" mtu "$N1" "MTU mismatch: the pod's eth0 has MTU 1500, the tunnel vx0 1450" || rc=1
	ip -n "$P1" link set eth0 mtu 1450
	ip -n "$N1" link set veth0 mtu 1450
	return $rc
}

# A trace with --check: the MTU fault's PKT_TOO_BIG drop names the check item behind it, in
# the packet (JSON) and under its verdict (text); the summary carries the whole check.
case_trace_with_check() {
	local rc=0
	ip -n "$N1" link set veth0 mtu 1500 && ip -n "$P1" link set eth0 mtu 1500 || return 1
	"$HOPTRACE" --pod-ip $POD1 --peer $POD2 --proto icmp --check --json -q -- \
		ip netns exec "$P1" ping -M do -s 1472 -c1 -W1 -q $POD2 >"$TMP/traced.jsonl" 2>/dev/null
	expect_jq "$TMP/traced.jsonl" "[.[] | select(.type==\"packet\" and .fate==\"dropped\")]
		| length >= 1 and all(.[]; .drop.reason == \"PKT_TOO_BIG\" and .check.item == \"mtu\"
		and .check.where == \"$N1\" and (.check.fact | test(\"MTU mismatch\")))" \
		"the PKT_TOO_BIG drop names the mtu check" || rc=1
	expect_jq "$TMP/traced.jsonl" '[.[] | select(.type=="summary")][0].check
		| .fail == 1 and ([.checks[] | select(.status=="fail")][0].item == "mtu")' \
		"the summary holds the check" || rc=1
	# The first ping's "fragmentation needed" taught pod 1 the path MTU: forget it, or the
	# next ping is refused before any packet exists.
	ip -n "$P1" route flush cache
	"$HOPTRACE" --pod-ip $POD1 --peer $POD2 --proto icmp --check -q -- \
		ip netns exec "$P1" ping -M do -s 1472 -c1 -W1 -q $POD2 >"$TMP/traced.txt" 2>/dev/null
	keep_output "$TMP/traced.txt"
	grep -q "^       check: fail mtu ($N1): MTU mismatch: the pod's eth0 has MTU 1500" "$TMP/traced.txt" &&
		grep -q "^  check: fail mtu ($N1): MTU mismatch" "$TMP/traced.txt" ||
		{ echo "expectation failed: the text names it under the verdict and in the summary"; cat "$TMP/traced.txt"; rc=1; }
	ip -n "$P1" link set eth0 mtu 1450
	ip -n "$N1" link set veth0 mtu 1450
	return $rc
}

case_rp_filter() {
	local rc=0 saved
	saved=$(nsx "$N2" sysctl -n net.ipv4.conf.all.rp_filter)
	nsx "$N2" sysctl -qw net.ipv4.conf.all.rp_filter=1 &&
		ip -n "$N2" route replace 10.244.1.0/24 via 172.31.77.1 dev ul0 || rc=1
	[ $rc -eq 0 ] && check_json "$TMP/rp.json" &&
		expect_fail "$TMP/rp.json" rp_filter "$N2" "strict rp_filter with an asymmetric route: traffic from $POD1 arrives on vx0, the route back to it leaves by ul0" || rc=1
	ip -n "$N2" route replace 10.244.1.0/24 via 10.99.0.1 dev vx0
	nsx "$N2" sysctl -qw net.ipv4.conf.all.rp_filter="$saved"
	return $rc
}

case_vni_mismatch() {
	local rc=0
	ip -n "$N2" link set vx0 down && ip -n "$N2" link del vx0 &&
		nsx "$N2" ip link add vx0 type vxlan id 43 local 172.31.77.2 remote 172.31.77.1 \
			dstport 4789 dev ul0 && nsx "$N2" ip addr add 10.99.0.2/24 dev vx0 &&
		nsx "$N2" ip link set vx0 up &&
		nsx "$N2" ip route add 10.244.1.0/24 via 10.99.0.1 dev vx0 || rc=1
	[ $rc -eq 0 ] && check_json "$TMP/vni.json" &&
		expect_fail "$TMP/vni.json" vni "$N1" "VNI mismatch: $N1 sends VNI 42 on vx0, $N2's vx0 has VNI 43" || rc=1
	# Back to VNI 42, as overlay_lib built it.
	ip -n "$N2" link del vx0
	nsx "$N2" ip link add vx0 type vxlan id 42 local 172.31.77.2 remote 172.31.77.1 dstport 4789 dev ul0
	nsx "$N2" ip addr add 10.99.0.2/24 dev vx0
	nsx "$N2" ip addr add fd00:99::2/64 dev vx0 nodad
	nsx "$N2" ip link set vx0 up
	nsx "$N2" ip route add 10.244.1.0/24 via 10.99.0.1 dev vx0
	nsx "$N2" ip -6 route add fd00:244:1::/64 via fd00:99::1 dev vx0
	return $rc
}

case_bad_input() {
	"$HOPTRACE" check --pod-ip 10.0.0.300 >/dev/null 2>"$TMP/err"
	[ $? -eq 2 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] &&
		grep -qx "hoptrace check: invalid --pod-ip '10.0.0.300' (one IPv4 or IPv6 address)" "$TMP/err" ||
		{ echo "expectation failed: a bad address, one line, exit 2"; cat "$TMP/err"; return 1; }
	"$HOPTRACE" check --peer $POD2 >/dev/null 2>"$TMP/err"
	[ $? -eq 2 ] && grep -qx "hoptrace check: --pod-ip ADDR is required (try 'hoptrace check --help')" "$TMP/err" ||
		{ echo "expectation failed: --pod-ip is required"; cat "$TMP/err"; return 1; }
	"$HOPTRACE" check --pod-ip 10.255.255.254 --json >"$TMP/absent.json" 2>/dev/null
	[ $? -eq 1 ] && expect_jq "$TMP/absent.json" '.[0].checks[0] | .item == "netns" and .status == "fail"
		and (.fact | test("no network namespace on this node holds 10.255.255.254"))' \
		"an address no namespace holds: the first line fails and says so"
}

overlay_up >/dev/null || { echo "FAIL e2e topology: could not build the overlay"; exit 1; }
run_case check_healthy case_healthy
run_case check_no_route case_no_route
run_case check_mtu case_mtu
run_case check_in_trace case_trace_with_check
run_case check_rp_filter case_rp_filter
run_case check_vni_mismatch case_vni_mismatch
run_case check_bad_input case_bad_input
exit $TESTS_FAILED

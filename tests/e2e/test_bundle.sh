#!/usr/bin/env bash
# End-to-end: --bundle. A trace with a netfilter drop written as a directory and as a
# .tar.gz: every file there, the manifest's sums verify, the ruleset's counters moved between
# start and end. A counter that rose with no traced drop is unexplained; one whose drops the
# trace saw is not; a healthy trace has no unexplained rise. A tool that fails is a manifest
# error, not the trace's end. Everything lives in namespaces this script makes.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
# case_netns_limit's namespaces, gone however the script ends.
remove_many() { for i in $(seq 64); do ip netns del "$PREFIX-many-$i" 2>/dev/null; done; }
trap 'remove_many; topo_down' EXIT
trap 'exit 130' INT TERM
DROP_PORT=7790 CLOSED_PORT=7791

# The iptables-save file of the backend this machine's iptables uses.
iptables_save_file() {
	if iptables -V 2>/dev/null | grep -q nf_tables; then
		echo iptables-nft-save.txt
	else
		echo iptables-legacy-save.txt
	fi
}

# verify_sums DIR: the receiver's check, as docs/bundle.md gives it, and in sha256sum's text
# format (two spaces) too.
verify_sums() {
	(cd "$1" && jq -r '.files[] | "\(.sha256)  \(.path)"' manifest.json | sha256sum -c --quiet) ||
		{ echo "the manifest's sums do not verify in $1 (text format)"; return 1; }
	(cd "$1" && jq -r '.files[] | "\(.sha256) *\(.path)"' manifest.json | sha256sum -c --quiet) ||
		{ echo "the manifest's sums do not verify in $1"; return 1; }
}

# expect_files DIR: the files every bundle holds, and the node namespace's snapshots.
expect_files() {
	local dir=$1 f
	for f in manifest.json trace.jsonl trace.pcapng trace.txt node.json counters.json \
		netns/$NS_NODE/start/route.json netns/$NS_NODE/end/route.json \
		netns/$NS_NODE/start/sysctl.json netns/$NS_NODE/start/nft.txt \
		netns/$NS_NODE/start/counters.json netns/$NS_NODE/end/conntrack.json \
		netns/$NS_A/start/link.json netns/$NS_A/end/addr.json; do
		[ -s "$dir/$f" ] || { echo "missing or empty in the bundle: $f"; ls -R "$dir"; return 1; }
	done
	# ethtool -S answers for veth (make deps installs ethtool): the pod's eth0 has its counters.
	jq -e '.ethtool.eth0 | has("peer_ifindex")' "$dir/netns/$NS_A/start/counters.json" >/dev/null ||
		{ echo "no ethtool -S counters of the pod's eth0"; jq -c .ethtool "$dir/netns/$NS_A/start/counters.json"; return 1; }
	[ "$(jq '[.files[].path] | index("manifest.json")' "$dir/manifest.json")" = null ] ||
		{ echo "the manifest lists itself"; return 1; }
	[ "$(cd "$dir" && find . -type f ! -name manifest.json | sed 's|^\./||' | sort)" = \
		"$(jq -r '.files[].path' "$dir/manifest.json" | sort)" ] ||
		{ echo "the manifest does not list exactly the other files"; return 1; }
}

no_temporary_left() {
	[ -z "$(find "$TMP" -maxdepth 1 -name '.hoptrace-bundle.*')" ] ||
		{ echo "the temporary directory was left"; return 1; }
}

# A datagram from pod a dropped by an iptables rule in the node namespace, traced into a
# bundle.
traced_drop_into() {
	nsx "$NS_NODE" iptables -w -I FORWARD -d "$IP_D" -p udp --dport $DROP_PORT -j DROP || return 1
	"$HOPTRACE" --pod-ip "$IP_A" --netns "$NS_NODE" -q --bundle "$1" -- ip netns exec "$NS_A" \
		bash -c "echo drop-me > /dev/udp/$IP_D/$DROP_PORT" >"$TMP/out.txt" 2>"$TMP/err.txt"
	local rc=$?
	nsx "$NS_NODE" iptables -w -D FORWARD -d "$IP_D" -p udp --dport $DROP_PORT -j DROP
	cat "$TMP/err.txt"
	[ $rc -eq 0 ] || { echo "the trace exited with $rc"; return 1; }
	grep -q DROPPED "$TMP/out.txt" || { echo "no drop on standard output"; return 1; }
}

case_bundle_directory() {
	local b=$TMP/bundle save counter_start counter_end
	traced_drop_into "$b" || return 1
	expect_files "$b" || return 1
	verify_sums "$b" || return 1
	expect_jq "$b/trace.jsonl" "[.[] | select(.type==\"packet\" and .fate==\"dropped\"
		and .drop.reason==\"NETFILTER_DROP\" and .flow_tuple.dport==$DROP_PORT)] | length == 1" \
		"trace.jsonl has the dropped packet" || return 1
	save=$(iptables_save_file)
	# [packets:bytes] before the rule: none at the start, the dropped one at the end.
	counter_start=$(sed -n "s/^\[\([0-9]*\):[0-9]*\] .*--dport $DROP_PORT .*-j DROP.*/\1/p" \
		"$b/netns/$NS_NODE/start/$save")
	counter_end=$(sed -n "s/^\[\([0-9]*\):[0-9]*\] .*--dport $DROP_PORT .*-j DROP.*/\1/p" \
		"$b/netns/$NS_NODE/end/$save")
	[ -n "$counter_start" ] && [ -n "$counter_end" ] && [ "$counter_end" -gt "$counter_start" ] ||
		{ echo "the DROP rule's counter in $save: start '$counter_start', end '$counter_end'"
		  cat "$b/netns/$NS_NODE/end/$save"; return 1; }
	jq -e '."net.ipv4.ip_forward" == "1"' "$b/netns/$NS_NODE/start/sysctl.json" >/dev/null ||
		{ echo "sysctl.json lacks ip_forward=1"; cat "$b/netns/$NS_NODE/start/sysctl.json"; return 1; }
	jq -e 'type == "array" and length > 0' "$b/netns/$NS_NODE/start/route.json" >/dev/null ||
		{ echo "route.json does not parse"; return 1; }
	jq -e '(.hooks.hooks | length > 0) and (.kernel | length > 0) and .command[0] == "hoptrace"
		and (.command | index("--bundle") != null)' "$b/node.json" >/dev/null ||
		{ echo "node.json lacks the hooks or the command"; cat "$b/node.json"; return 1; }
	no_temporary_left || return 1
}

case_bundle_tarball() {
	local t=$TMP/bundle.tar.gz x=$TMP/extracted
	traced_drop_into "$t" || return 1
	no_temporary_left || return 1
	mkdir -p "$x" && tar -xzf "$t" -C "$x" || { echo "tar cannot read the bundle"; return 1; }
	[ "$(tar -tzf "$t" | sort)" = "$( (echo manifest.json; jq -r '.files[].path' "$x/manifest.json") | sort)" ] ||
		{ echo "tar -tzf lists other files than the manifest"; tar -tzf "$t"; return 1; }
	expect_files "$x" || return 1
	verify_sums "$x"
}

# rise BUNDLE NETNS NAME: that counter's rise object, or nothing.
rise() {
	jq -c --arg ns "$2" --arg name "$3" \
		'.rises[] | select(.netns == $ns and .name == $name and .kind == "snmp")' "$1/counters.json"
}

# A datagram from pod c to a closed port in pod a. Traced following pod b only (pod a's
# namespace watched by name), the trace sees no drop there: Udp.NoPorts rose, unexplained.
# Traced following pod a, the NO_SOCKET drop is seen: the same rise is explained.
case_unexplained_rise() {
	local b1=$TMP/unseen b2=$TMP/seen r
	"$HOPTRACE" --pod-ip "$IP_B" --netns "$NS_A" -q --bundle "$b1" -- ip netns exec "$NS_C" \
		bash -c "echo knock > /dev/udp/$IP_A/$CLOSED_PORT; sleep 0.2" >/dev/null || return 1
	r=$(rise "$b1" "$NS_A" Udp.NoPorts)
	echo "not followed: $r"
	[ -n "$r" ] && jq -e '.rise >= 1 and .traced_drops == 0 and .unexplained == true' \
		<<<"$r" >/dev/null || { echo "expected an unexplained Udp.NoPorts rise in $NS_A"
		jq -c '.rises[]' "$b1/counters.json"; return 1; }
	"$HOPTRACE" --pod-ip "$IP_A" -q --bundle "$b2" -- ip netns exec "$NS_C" \
		bash -c "echo knock > /dev/udp/$IP_A/$CLOSED_PORT; sleep 0.2" >/dev/null || return 1
	r=$(rise "$b2" "$NS_A" Udp.NoPorts)
	echo "followed: $r"
	[ -n "$r" ] && jq -e '.rise >= 1 and .traced_drops >= .rise and .unexplained == false' \
		<<<"$r" >/dev/null || { echo "expected an explained Udp.NoPorts rise in $NS_A"
		jq -c '.rises[]' "$b2/counters.json"; grep -c NO_SOCKET "$b2/trace.jsonl"; return 1; }
}

# A delivered ping between pods a and b: counters rose in both, none unexplained.
case_healthy_no_unexplained() {
	local b=$TMP/healthy
	"$HOPTRACE" --pod-ip "$IP_A" --netns "$NS_B" -q --bundle "$b" -- \
		ip netns exec "$NS_A" ping -c2 -i 0.2 -W2 "$IP_B" >/dev/null || return 1
	verify_sums "$b" || return 1
	expect_jq "$b/trace.jsonl" '[.[] | select(.type=="packet" and .fate=="dropped")] | length == 0' \
		"nothing dropped" || return 1
	jq -e --arg a "$NS_A" --arg b "$NS_B" '[.rises[] | select(.netns == $a or .netns == $b)]
		| (map(select(.name == "Icmp.OutEchos" and .netns == $a)) | length == 1)
		and (map(select(.name == "Icmp.InEchos" and .netns == $b and .rise == 2)) | length == 1)
		and (map(select(.unexplained)) | length == 0)' "$b/counters.json" >/dev/null ||
		{ echo "expected echo counters to rise and nothing unexplained in the pods"
		  jq -c '.rises[]' "$b/counters.json"; return 1; }
}

# nft that fails (first in PATH): its item is a manifest error; the trace and the rest of
# the bundle are there.
case_item_failure_recorded() {
	local b=$TMP/failing bin=$TMP/fakebin
	mkdir -p "$bin" &&
		printf '#!/bin/sh\necho "nft: refused by the test" >&2\nexit 1\n' >"$bin/nft" &&
		chmod +x "$bin/nft" || return 1
	PATH="$bin:$PATH" "$HOPTRACE" --pod-ip "$IP_A" -q --bundle "$b" -- \
		ip netns exec "$NS_A" ping -c1 -W2 "$IP_B" >/dev/null || return 1
	verify_sums "$b" || return 1
	jq -e --arg a "$NS_A" '[.errors[] | select(.item == "nft.txt" and .netns == $a
		and (.error | test("refused by the test")))] | length == 2' "$b/manifest.json" \
		>/dev/null || { echo "expected nft's failure, at start and end, in the errors"
		jq -c '.errors' "$b/manifest.json"; return 1; }
	[ ! -e "$b/netns/$NS_A/start/nft.txt" ] && [ -s "$b/netns/$NS_A/start/route.json" ] ||
		{ echo "nft.txt should be absent and route.json there"; return 1; }
	expect_jq "$b/trace.jsonl" '[.[] | select(.type=="packet" and .fate=="delivered")] | length >= 2' \
		"the trace went on"
}

# Ctrl-C ends a trace the normal way: the bundle is written then too.
case_bundle_after_ctrl_c() {
	local b=$TMP/interrupted pid rc
	"$HOPTRACE" --pod-ip "$IP_A" --bundle "$b" >"$TMP/int.txt" 2>"$TMP/int.err" &
	pid=$!
	wait_tracing "$TMP/int.err" $pid || { kill $pid; wait $pid; return 1; }
	nsx "$NS_A" ping -c1 -W2 "$IP_B" >/dev/null
	sleep 0.3
	kill -INT $pid
	wait $pid
	rc=$?
	[ $rc -eq 130 ] || { echo "exit $rc after SIGINT, not 130"; cat "$TMP/int.err"; return 1; }
	verify_sums "$b" || return 1
	[ -s "$b/netns/$NS_A/end/counters.json" ] || { echo "no end snapshot"; return 1; }
	expect_jq "$b/trace.jsonl" '([.[] | select(.type=="packet" and .fate=="delivered")] | length >= 2)
		and .[-1].type == "summary"' "the trace and its summary are in the bundle"
}

# More namespaces than a bundle collects (64): the host's and 64 named ones. The rest is one
# error; the 64 are there.
case_netns_limit() {
	local b=$TMP/many args=() i rc=0
	for i in $(seq 64); do
		ip netns add "$PREFIX-many-$i" || rc=1
		args+=(--netns "$PREFIX-many-$i")
	done
	[ $rc -eq 0 ] && "$HOPTRACE" --pod-ip 10.200.9.9 "${args[@]}" -q --bundle "$b" -- true \
		>/dev/null 2>"$TMP/many.err" || rc=1
	remove_many
	[ $rc -eq 0 ] || { echo "the trace failed"; cat "$TMP/many.err"; return 1; }
	verify_sums "$b" || return 1
	[ "$(find "$b/netns" -mindepth 1 -maxdepth 1 -type d | wc -l)" -eq 64 ] ||
		{ echo "expected 64 namespaces collected"; ls "$b/netns"; return 1; }
	jq -e '[.errors[] | select(.item == "netns" and (.error | test("1 network namespace not collected at start")))] | length == 1' \
		"$b/manifest.json" >/dev/null || { echo "expected the limit's error"; jq -c .errors "$b/manifest.json"; return 1; }
}

topo_up || { echo "FAIL e2e topology: could not build the test namespaces"; exit 1; }
run_case bundle_directory case_bundle_directory
run_case bundle_tarball case_bundle_tarball
run_case bundle_unexplained_rise case_unexplained_rise
run_case bundle_healthy_no_unexplained case_healthy_no_unexplained
run_case bundle_item_failure_recorded case_item_failure_recorded
run_case bundle_after_ctrl_c case_bundle_after_ctrl_c
run_case bundle_netns_limit case_netns_limit
exit $TESTS_FAILED

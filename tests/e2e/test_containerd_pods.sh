#!/usr/bin/env bash
# End-to-end: pods by name from a real containerd. The test starts Debian's containerd with
# its own root, state and socket (tests/k8s/containerd_env.sh), makes two pod sandboxes with
# ctr, carrying the annotations containerd's CRI plugin writes, in the pod namespaces of
# lib.sh's topology (pod-a in $NS_A, pod-b in $NS_B, Kubernetes namespace "default"), and
# reads them back with hoptrace: `hoptrace pods`, a trace by `--pod default/pod-a` that is
# delivered, and one that a drop rule in the node's namespace drops, whose hops in the pods'
# namespaces carry the pod's name. Rules live only in namespaces this script creates.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
. tests/k8s/containerd_env.sh
PIDS=""
pods_down() {
	for pid in $PIDS; do kill "$pid" 2>/dev/null; done
	ctrd_stop
	topo_down
}
trap pods_down EXIT
trap 'exit 130' INT TERM

UID_A=0b6d9a2e-0000-4000-8000-00000000000a
UID_B=0b6d9a2e-0000-4000-8000-00000000000b

# The sandboxes' bundles look like a CRI sandbox's: the annotations, and the network
# namespace joined by its path (what hoptrace reads).
case_harness_layout() {
	local id ns name
	for id in a b; do
		[ $id = a ] && ns=$NS_A || ns=$NS_B
		name=pod-$id
		expect_jq "$CTRD_TASK_DIR/k8s.io/sandbox-$id/config.json" "
			.[0].annotations[\"io.kubernetes.cri.container-type\"] == \"sandbox\"
			and .[0].annotations[\"io.kubernetes.cri.sandbox-name\"] == \"$name\"
			and .[0].annotations[\"io.kubernetes.cri.sandbox-namespace\"] == \"default\"
			and (.[0].annotations[\"io.kubernetes.cri.sandbox-uid\"] | length) > 0
			and ([.[0].linux.namespaces[] | select(.type == \"network\") | .path]
				== [\"/run/netns/$ns\"])" "sandbox-$id's bundle is a CRI sandbox in $ns" ||
			return 1
	done
	# The sandbox's process really is in that namespace.
	local pid
	pid=$(ctr_ task ls | awk '$1 == "sandbox-a" { print $2 }')
	[ "$(stat -L -c %i "/proc/$pid/ns/net")" = "$(stat -L -c %i "/run/netns/$NS_A")" ] || {
		echo "expectation failed: sandbox-a's process is not in $NS_A"
		return 1
	}
}

# All objects of a JSON output, whether it is lines, one array, or {"pods": [...]}.
PODS='[.[] | if type == "array" then .[] else . end
	| if type == "object" and has("pods") then .pods[] else . end]'

# expect_pod FILE NAME IP VETH
expect_pod() {
	expect_jq "$1" "$PODS | [.[] | select(.namespace == \"default\" and .name == \"$2\"
		and ([.ips[] | tostring | split(\"/\")[0]] | index(\"$3\") != null)
		and .host_veth == \"$4\")] | length == 1" \
		"pod default/$2 is listed once, with $3 and host veth $4"
}

case_pods_list() {
	"$HOPTRACE" pods --runtime-state "$CTRD_TASK_DIR" --json >"$TMP/pods.json" ||
		{ echo "expectation failed: hoptrace pods --json exited non-zero"; return 1; }
	expect_pod "$TMP/pods.json" pod-a "$IP_A" veth-a || return 1
	expect_pod "$TMP/pods.json" pod-b "$IP_B" veth-b || return 1
	expect_jq "$TMP/pods.json" "$PODS | [.[] | select(.name == \"pod-a\")][0].uid == \"$UID_A\"" \
		"pod-a's uid is its sandbox's" || return 1
	"$HOPTRACE" pods --runtime-state "$CTRD_TASK_DIR" >"$TMP/pods.txt" || return 1
	grep -E "default/pod-a .*$IP_A.*veth-a|default/pod-a.*veth-a.*$IP_A" "$TMP/pods.txt" >/dev/null || {
		echo "expectation failed: the table names default/pod-a, $IP_A and veth-a:"
		cat "$TMP/pods.txt"
		return 1
	}
}

# A listener in pod b, for one datagram (bounded by its timeout).
listen_b() {
	timeout 20 ip netns exec "$NS_B" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("0.0.0.0", int(sys.argv[1])))
s.recv(100)' "$1" &
	PIDS="$PIDS $!"
	for _ in $(seq 50); do
		nsx "$NS_B" ss -Hlnu "sport = :$1" | grep -q . && return 0
		sleep 0.1
	done
	echo "no UDP listener on port $1 in $NS_B"
	return 1
}

# trace_from_a PORT OUT: one UDP datagram from pod a to pod b, traced by pod name.
trace_from_a() {
	"$HOPTRACE" --pod default/pod-a --runtime-state "$CTRD_TASK_DIR" \
		--netns "$NS_NODE" --netns "$NS_B" --proto udp --port "$1" --json -q -- \
		ip netns exec "$NS_A" bash -c "echo pod > /dev/udp/$IP_B/$1" >"$2"
}

# Hops in a pod's namespace carry that pod; hops in the node's carry none.
expect_pod_labels() {
	expect_jq "$1" "[.[] | select(.type == \"hop\" and .netns_name == \"$NS_A\")]
		| length > 0 and all(.pod.namespace == \"default\" and .pod.name == \"pod-a\")" \
		"every hop in $NS_A is labelled pod default/pod-a" || return 1
	expect_jq "$1" "[.[] | select(.type == \"hop\" and .netns_name == \"$NS_NODE\")]
		| length > 0 and all(.pod == null)" \
		"hops in the node's namespace $NS_NODE carry no pod" || return 1
}

case_trace_delivered() {
	listen_b 7800 || return 1
	trace_from_a 7800 "$TMP/delivered.jsonl" || return 1
	expect_jq "$TMP/delivered.jsonl" "[.[] | select(.type == \"packet\" and .flow_tuple.proto == \"udp\")]
		| length == 1 and .[0].fate == \"delivered\"" \
		"the datagram from pod-a (resolved by --pod) is one packet, delivered" || return 1
	expect_pod_labels "$TMP/delivered.jsonl" || return 1
	expect_jq "$TMP/delivered.jsonl" "[.[] | select(.type == \"hop\" and .netns_name == \"$NS_B\")]
		| length > 0 and all(.pod.name == \"pod-b\" and .pod.uid == \"$UID_B\")" \
		"every hop in $NS_B is labelled pod default/pod-b, with its uid"
}

# pods a and b share the node's bridge: their datagram passes the bridge's netfilter hooks,
# not iptables' (which would need br_netfilter, a machine-wide module), so the drop rule is an
# nftables bridge-family rule in the node's namespace.
case_trace_dropped() {
	nsx "$NS_NODE" nft -f - <<-EOF || return 1
	table bridge hoptrace_pods {
		chain forward {
			type filter hook forward priority 0;
			ip daddr $IP_B udp dport 7801 drop
		}
	}
	EOF
	trace_from_a 7801 "$TMP/dropped.jsonl"
	local rc=$?
	nsx "$NS_NODE" nft delete table bridge hoptrace_pods
	[ $rc -eq 0 ] || return 1
	expect_jq "$TMP/dropped.jsonl" "[.[] | select(.type == \"packet\" and .flow_tuple.proto == \"udp\")]
		| length == 1 and .[0].fate == \"dropped\" and .[0].drop.netns_name == \"$NS_NODE\"" \
		"the datagram is one packet, dropped in the node's namespace" || return 1
	expect_jq "$TMP/dropped.jsonl" "[.[] | select(.type == \"packet\" and .fate == \"dropped\")][0]
		| .drop.pod == null" "the drop, in the node's namespace, names no pod" || return 1
	expect_pod_labels "$TMP/dropped.jsonl"
}

# A pod that is not there: one clear line that says what was read, and no trace.
case_unknown_pod() {
	local rc
	"$HOPTRACE" --pod default/no-such-pod --runtime-state "$CTRD_TASK_DIR" --json -q -- true \
		>"$TMP/unknown.out" 2>"$TMP/unknown.err"
	rc=$?
	[ $rc -ne 0 ] && [ "$(wc -l <"$TMP/unknown.err")" -eq 1 ] &&
		grep -q 'no-such-pod' "$TMP/unknown.err" && grep -qF "$CTRD_TASK_DIR" "$TMP/unknown.err" || {
		echo "expectation failed: exit non-zero (was $rc) with one line naming the pod and the state read:"
		cat "$TMP/unknown.err"
		return 1
	}
}

if ! topo_up; then
	echo "FAIL e2e containerd_pods: topology"
	exit 1
fi
if ! ctrd_start >"$TMP/ctrd.log" 2>&1 ||
	! ctrd_sandbox sandbox-a "/run/netns/$NS_A" default pod-a "$UID_A" >>"$TMP/ctrd.log" 2>&1 ||
	! ctrd_sandbox sandbox-b "/run/netns/$NS_B" default pod-b "$UID_B" >>"$TMP/ctrd.log" 2>&1; then
	echo "FAIL e2e containerd_pods: containerd"
	sed 's/^/    /' "$TMP/ctrd.log"
	exit 1
fi
run_case harness_layout case_harness_layout
run_case pods_list case_pods_list
run_case trace_delivered case_trace_delivered
run_case trace_dropped case_trace_dropped
run_case unknown_pod case_unknown_pod
exit $TESTS_FAILED

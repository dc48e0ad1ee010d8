#!/usr/bin/env bash
# End-to-end: pods by name. A containerd-layout state directory (task bundles whose OCI
# config.json carries the annotations containerd's CRI plugin writes) points its sandboxes
# at this test's pod namespaces. `hoptrace pods` lists them with their addresses and host
# veths (and a CRI-O-layout sandbox, and a kubectl file's pod placed by its address);
# `--pod NAMESPACE/NAME` traces a pod's packets, delivered and dropped by a rule in the
# node; an unknown pod, another node's pod and unreadable runtime state are each refused
# with one line and exit status 2.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
PIDS=""
pods_down() {
	for pid in $PIDS; do kill "$pid" 2>/dev/null; done
	ip netns list | grep -q "^$NS_NODE\b" &&
		nsx "$NS_NODE" iptables -w -D FORWARD -d "$IP_D" -p udp --dport $PORT -j DROP 2>/dev/null
	ip netns del "$NS_C2" 2>/dev/null
	topo_down
}
trap pods_down EXIT
trap 'exit 130' INT TERM

PORT=7791
NS_C2=$PREFIX-pod-c2
STATE=$TMP/state

# sandbox ID POD NETNS-PATH: a sandbox bundle in containerd's task layout.
sandbox() {
	mkdir -p "$STATE/k8s.io/$1"
	cat >"$STATE/k8s.io/$1/config.json" <<JSON
{
  "ociVersion": "1.1.0",
  "process": { "user": { "uid": 65535, "gid": 65535 }, "args": [ "/pause" ], "cwd": "/" },
  "root": { "path": "rootfs", "readonly": true },
  "annotations": {
    "io.kubernetes.cri.container-type": "sandbox",
    "io.kubernetes.cri.sandbox-id": "$1",
    "io.kubernetes.cri.sandbox-name": "$2",
    "io.kubernetes.cri.sandbox-namespace": "default",
    "io.kubernetes.cri.sandbox-uid": "00000000-0000-4000-8000-0000000000$1"
  },
  "linux": {
    "namespaces": [
      { "type": "pid" }, { "type": "ipc" }, { "type": "uts" }, { "type": "mount" },
      { "type": "network", "path": "$3" }
    ]
  }
}
JSON
}

# container ID SANDBOX-ID IMAGE: an application container of that sandbox.
container() {
	mkdir -p "$STATE/k8s.io/$1"
	cat >"$STATE/k8s.io/$1/config.json" <<JSON
{
  "ociVersion": "1.1.0",
  "process": { "user": { "uid": 0, "gid": 0 }, "args": [ "app" ], "cwd": "/" },
  "root": { "path": "rootfs" },
  "annotations": {
    "io.kubernetes.cri.container-type": "container",
    "io.kubernetes.cri.container-name": "app",
    "io.kubernetes.cri.image-name": "$3",
    "io.kubernetes.cri.sandbox-id": "$2"
  },
  "linux": { "namespaces": [ { "type": "pid" }, { "type": "network", "path": "/proc/1/ns/net" } ] }
}
JSON
}

state_up() {
	sandbox 0a "pod-a" "/run/netns/$NS_A"
	container 1a 0a "registry.test/app-a:1"
	sandbox 0b "pod-b" "/run/netns/$NS_B"
	sandbox 0d "pod-d" "/run/netns/$NS_D"
}

case_pods_listed() {
	"$HOPTRACE" pods --runtime-state "$STATE" --json >"$TMP/pods.jsonl" || return 1
	cat "$TMP/pods.jsonl"
	expect_jq "$TMP/pods.jsonl" "length == 3 and
		([.[] | select(.name==\"pod-a\")][0] | .namespace==\"default\"
		 and (.ips | sort) == ([\"$IP_A\", \"$IP6_A\"] | sort)
		 and .netns_name==\"$NS_A\" and .netns_path==\"/run/netns/$NS_A\"
		 and .host_veth==\"veth-a\" and .host_netns_name==\"$NS_NODE\" and .host_ifindex > 0
		 and .image==\"registry.test/app-a:1\" and .source==\"containerd\"
		 and .uid==\"00000000-0000-4000-8000-00000000000a\")
		and ([.[] | select(.name==\"pod-b\")][0] | .host_veth==\"veth-b\" and .image==null)
		and ([.[] | select(.name==\"pod-d\")][0] | .ips==[\"$IP_D\"] and .host_veth==\"veth-d\")" \
		"hoptrace pods lists the three pods with addresses, namespaces and host veths" || return 1
	"$HOPTRACE" pods --runtime-state "$STATE" >"$TMP/pods.txt" || return 1
	cat "$TMP/pods.txt"
	grep -qE "^default/pod-a +$IP_A,$IP6_A +$NS_A +veth-a@$NS_NODE +containerd$" "$TMP/pods.txt" ||
		{ echo "expectation failed: the table's row for pod a"; return 1; }
}

# CRI-O's layout: <id>/userdata/config.json, the kubelet's pod labels as annotations.
case_crio_layout() {
	local id=5f0e1d2c3b4a59687f8e9d0c1b2a3f4e5d6c7b8a9f0e1d2c3b4a5f6e7d8c9b0a
	mkdir -p "$TMP/crio/$id/userdata"
	cat >"$TMP/crio/$id/userdata/config.json" <<JSON
{
  "ociVersion": "1.0.2-dev",
  "process": { "user": { "uid": 0, "gid": 0 }, "args": [ "/pause" ], "cwd": "/" },
  "root": { "path": "/var/lib/containers/storage/overlay/$id/merged", "readonly": true },
  "annotations": {
    "io.kubernetes.cri-o.ContainerType": "sandbox",
    "io.kubernetes.cri-o.SandboxID": "$id",
    "io.kubernetes.pod.name": "pod-b",
    "io.kubernetes.pod.namespace": "data",
    "io.kubernetes.pod.uid": "b0b0b0b0-0000-4000-8000-000000000000"
  },
  "linux": { "namespaces": [ { "type": "pid" }, { "type": "network", "path": "/run/netns/$NS_B" } ] }
}
JSON
	"$HOPTRACE" pods --runtime-state "$TMP/crio" --json >"$TMP/crio.jsonl" || return 1
	expect_jq "$TMP/crio.jsonl" "length == 1 and (.[0] | .namespace==\"data\" and .name==\"pod-b\"
		and .uid==\"b0b0b0b0-0000-4000-8000-000000000000\" and .netns_name==\"$NS_B\"
		and .host_veth==\"veth-b\" and .source==\"cri-o\")" \
		"a CRI-O sandbox is listed with its namespace and host veth"
}

# A kubectl file's pod of this node is placed by its address: pod c has no bundle.
case_pod_json_local() {
	mkdir -p "$TMP/empty"
	cat >"$TMP/pod-c.json" <<JSON
{ "apiVersion": "v1", "kind": "Pod",
  "metadata": { "name": "pod-c", "namespace": "default", "uid": "c0c0c0c0-0000-4000-8000-000000000000" },
  "spec": { "nodeName": "$(hostname)", "containers": [ { "name": "c", "image": "registry.test/c:1" } ] },
  "status": { "podIP": "$IP_C", "podIPs": [ { "ip": "$IP_C" } ] } }
JSON
	"$HOPTRACE" pods --runtime-state "$TMP/empty" --pod-json "$TMP/pod-c.json" --json \
		>"$TMP/podc.jsonl" || return 1
	expect_jq "$TMP/podc.jsonl" "length == 1 and (.[0] | .name==\"pod-c\"
		and .netns_name==\"$NS_C\" and .host_veth==\"veth-c\" and .source==\"pod-json\")" \
		"a kubectl file's pod is found in the namespace holding its address"
}

# A second namespace holding pod c's address (a sandbox its runtime failed to remove): the
# kubectl file's pod is not guessed into either; --pod refuses it with one line.
case_pod_json_two_holders() {
	local rc
	ip netns add "$NS_C2" &&
		ip -n "$NS_NODE" link add veth-c2 type veth peer name eth0 netns "$NS_C2" &&
		nsx "$NS_C2" ip link set eth0 up && nsx "$NS_C2" ip addr add "$IP_C/24" dev eth0 ||
		return 1
	"$HOPTRACE" pods --runtime-state "$TMP/empty" --pod-json "$TMP/pod-c.json" --json \
		>"$TMP/podc2.jsonl" 2>"$TMP/err"
	rc=$?
	cat "$TMP/err"
	[ $rc -eq 0 ] || { echo "expectation failed: exit status $rc"; return 1; }
	expect_jq "$TMP/podc2.jsonl" "length == 1 and (.[0] | .name==\"pod-c\" and .netns_name==null
		and .netns_path==null)" "pod c is left unplaced when two namespaces hold its address" ||
		return 1
	grep -qxF "hoptrace pods: warning: pod default/pod-c: 2 network namespaces hold its address; its namespace is left unknown" \
		"$TMP/err" || { echo "expectation failed: the warning names the pod and the count"; return 1; }
	expect_refusal "pod default/pod-c: 2 network namespaces on this node hold its address (one a stale sandbox?): trace it by --pod-ip, or remove the stale one" \
		--pod default/pod-c --runtime-state "$TMP/empty" --pod-json "$TMP/pod-c.json" || return 1
	ip netns del "$NS_C2"
}

case_trace_delivered() {
	timeout 10 ip netns exec "$NS_B" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("0.0.0.0", '$PORT'))
s.settimeout(8); s.recvfrom(100)' &
	PIDS="$PIDS $!"
	for _ in $(seq 50); do
		nsx "$NS_B" ss -Hlnu "sport = :$PORT" | grep -q . && break
		sleep 0.1
	done
	"$HOPTRACE" --pod default/pod-a --runtime-state "$STATE" --proto udp --port $PORT --json -q \
		-- ip netns exec "$NS_A" bash -c "echo hi > /dev/udp/$IP_B/$PORT" >"$TMP/out" ||
		return 1
	expect_jq "$TMP/out" "[.[] | select(.type==\"packet\")] | length == 1
		and .[0].fate==\"delivered\"" "pod a's datagram to pod b is delivered"
}

case_trace_dropped() {
	local rc
	nsx "$NS_NODE" iptables -w -I FORWARD -d "$IP_D" -p udp --dport $PORT -j DROP || return 1
	"$HOPTRACE" --pod pod-a --runtime-state "$STATE" --netns "$NS_NODE" --proto udp \
		--port $PORT --json -q -- ip netns exec "$NS_A" \
		bash -c "echo hi > /dev/udp/$IP_D/$PORT" >"$TMP/out"
	rc=$?
	nsx "$NS_NODE" iptables -w -D FORWARD -d "$IP_D" -p udp --dport $PORT -j DROP
	[ $rc -eq 0 ] || return 1
	expect_jq "$TMP/out" "[.[] | select(.type==\"packet\")] | length == 1
		and (.[0] | .fate==\"dropped\" and .drop.reason==\"NETFILTER_DROP\"
		and .drop.netns_name==\"$NS_NODE\" and .drop.nf.hook==\"FORWARD\")" \
		"pod a's datagram to pod d is dropped in the node's FORWARD hook" || return 1
	expect_jq "$TMP/out" "[.[] | select(.type==\"hop\")]
		| all(.[]; if .netns_name==\"$NS_A\" then .pod=={\"namespace\":\"default\",\"name\":\"pod-a\",\"uid\":\"00000000-0000-4000-8000-00000000000a\"}
			   else (has(\"pod\") | not) end)
		and any(.[]; .netns_name==\"$NS_A\")" \
		"hops in pod a's namespace carry the pod, hops in the node's none" || return 1
	expect_jq "$TMP/out" '[.[] | select(.type=="packet")][0].drop | has("pod") | not' \
		"the drop in the node's namespace names no pod" || return 1
	# Text and pcapng name the pod's namespace namespace/name; the node keeps its name.
	"$HOPTRACE" --pod pod-a --runtime-state "$STATE" --proto udp --port $PORT -q \
		-w "$TMP/pods.pcapng" -- ip netns exec "$NS_A" \
		bash -c "echo hi > /dev/udp/$IP_B/$PORT" >"$TMP/out.txt" || return 1
	grep -q "^ *+[0-9.]*us  default/pod-a  *eth0(veth) " "$TMP/out.txt" || {
		echo "expectation failed: the text timeline names pod a's namespace default/pod-a"
		cat "$TMP/out.txt"; return 1; }
	grep -q "  $NS_NODE  *veth-a(veth) " "$TMP/out.txt" || {
		echo "expectation failed: the node's namespace keeps its name"; cat "$TMP/out.txt"; return 1; }
	tshark -r "$TMP/pods.pcapng" -T fields -e frame.interface_name 2>/dev/null | sort -u >"$TMP/ifs"
	grep -qx "eth0@default/pod-a" "$TMP/ifs" || {
		echo "expectation failed: a pcapng interface eth0@default/pod-a"; cat "$TMP/ifs"; return 1; }
}

# expect_refusal LINE ARGS...: hoptrace ARGS exits 2 with exactly LINE on stderr.
expect_refusal() {
	local want=$1 rc
	shift
	"$HOPTRACE" "$@" -- true >/dev/null 2>"$TMP/err"
	rc=$?
	cat "$TMP/err"
	[ $rc -eq 2 ] || { echo "expectation failed: exit status $rc, not 2"; return 1; }
	[ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -qxF "hoptrace: $want" "$TMP/err" ||
		{ echo "expectation failed: the one line is: hoptrace: $want"; return 1; }
}

case_unknown_pod() {
	expect_refusal "no pod default/nope on this node: read runtime state ($STATE: 3 sandboxes)" \
		--pod nope --runtime-state "$STATE"
}

case_other_node() {
	cat >"$TMP/web.json" <<JSON
{ "apiVersion": "v1", "kind": "Pod",
  "metadata": { "name": "web", "namespace": "default", "uid": "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d" },
  "spec": { "nodeName": "worker-2", "containers": [ { "name": "nginx", "image": "nginx:1.27" } ] },
  "status": { "podIP": "10.244.2.7", "podIPs": [ { "ip": "10.244.2.7" } ] } }
JSON
	expect_refusal "pod default/web runs on node worker-2, not here (from --pod-json)" \
		--pod default/web --runtime-state "$STATE" --pod-json "$TMP/web.json"
}

case_unreadable_state() {
	expect_refusal "--pod default/pod-a: cannot read the pods of this node: runtime state ($TMP/absent: not present)" \
		--pod default/pod-a --runtime-state "$TMP/absent"
}

case_no_pods_listed() {
	mkdir -p "$TMP/empty"
	"$HOPTRACE" pods --runtime-state "$TMP/empty" >"$TMP/out" 2>"$TMP/err"
	local rc=$?
	cat "$TMP/err"
	[ $rc -eq 1 ] && grep -qxF "hoptrace pods: no pods found: read runtime state ($TMP/empty: 0 sandboxes)" \
		"$TMP/err" || { echo "expectation failed: no pods, exit 1, what was read"; return 1; }
}

topo_up || { echo "FAIL e2e pods_setup"; exit 1; }
state_up
run_case pods_listed case_pods_listed
run_case crio_layout case_crio_layout
run_case pod_json_local case_pod_json_local
run_case pod_json_two_holders case_pod_json_two_holders
run_case trace_delivered case_trace_delivered
run_case trace_dropped case_trace_dropped
run_case unknown_pod case_unknown_pod
run_case other_node case_other_node
run_case unreadable_state case_unreadable_state
run_case no_pods_listed case_no_pods_listed
exit $TESTS_FAILED

# Shared helpers for the end-to-end tests: a throwaway pod/node topology in network
# namespaces this test creates, cleanup on every exit, and PASS/FAIL/SKIP lines that
# tests/run.sh counts. Traffic only ever goes to addresses inside these namespaces.

HOPTRACE=${HOPTRACE:-$PWD/build/hoptrace}

# One end-to-end script at a time on a machine: they share the 10.200.x addresses, and
# some count the BPF programs loaded system-wide. A second checkout's run waits its turn
# (bounded: 40 minutes). Manual traces beside a test run take the same lock:
#   flock /run/lock/hoptrace-e2e.lock build/hoptrace ...
# (a script that sources this file takes the lock itself: do not wrap it in flock).
if [ -z "${HOPTRACE_E2E_LOCKED:-}" ]; then
	exec 9>>/run/lock/hoptrace-e2e.lock
	flock -w 2400 9 || { echo "FAIL e2e lock: another end-to-end run held the lock for 40 minutes"; exit 1; }
	export HOPTRACE_E2E_LOCKED=1
	# A run killed outright (SIGKILL, a machine stopped mid-run) never ran its trap: its
	# namespaces would hold the 10.200.x addresses this run puts in its own, and a lookup
	# by address would find theirs. Under the lock, one whose creator is gone is stale.
	for stale in $(ip netns list 2>/dev/null | grep -oE '^(hte|hb)[0-9]+-[^ ]+'); do
		pid=${stale%%-*}
		pid=${pid#hte}
		pid=${pid#hb}
		[ -d "/proc/$pid" ] || ip netns del "$stale" 2>/dev/null
	done
	unset stale pid
fi
PREFIX=${PREFIX:-hte$$}
NS_NODE=$PREFIX-node
NS_A=$PREFIX-pod-a
NS_B=$PREFIX-pod-b
NS_C=$PREFIX-pod-c
NS_D=$PREFIX-pod-d
# pods a, b, c share the node's bridge (10.200.1.0/24); pod d is routed (10.200.2.0/24)
IP_A=10.200.1.2 IP_B=10.200.1.3 IP_C=10.200.1.4 IP_D=10.200.2.2
IP6_A=fd00:200:1::2 IP6_B=fd00:200:1::3
TMP=$(mktemp -d /tmp/hoptrace-e2e.XXXXXX)

nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

topo_down() {
	for ns in "$NS_A" "$NS_B" "$NS_C" "$NS_D" "$NS_NODE"; do
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$TMP"
}

# pod_up NS IFNAME-ON-NODE IPV4/PREFIX [IPV6/PREFIX]: a pod namespace on a veth pair.
pod_up() {
	local ns=$1 host_if=$2 addr=$3 addr6=$4
	ip netns add "$ns"
	ip -n "$NS_NODE" link add "$host_if" type veth peer name eth0 netns "$ns"
	nsx "$ns" ip link set lo up
	nsx "$ns" ip link set eth0 up
	nsx "$ns" ip addr add "$addr" dev eth0
	[ -n "$addr6" ] && nsx "$ns" ip addr add "$addr6" dev eth0 nodad
	ip -n "$NS_NODE" link set "$host_if" up
}

topo_up() {
	ip netns add "$NS_NODE" || return 1
	nsx "$NS_NODE" ip link set lo up
	nsx "$NS_NODE" ip link add br0 type bridge
	nsx "$NS_NODE" ip link set br0 up
	nsx "$NS_NODE" ip addr add 10.200.1.1/24 dev br0
	nsx "$NS_NODE" ip addr add fd00:200:1::1/64 dev br0 nodad
	nsx "$NS_NODE" sysctl -qw net.ipv4.ip_forward=1
	pod_up "$NS_A" veth-a "$IP_A/24" "$IP6_A/64"
	pod_up "$NS_B" veth-b "$IP_B/24" "$IP6_B/64"
	pod_up "$NS_C" veth-c "$IP_C/24"
	for i in a b c; do ip -n "$NS_NODE" link set veth-$i master br0; done
	pod_up "$NS_D" veth-d "$IP_D/24"
	nsx "$NS_NODE" ip addr add 10.200.2.1/24 dev veth-d
	for ns in "$NS_A" "$NS_B" "$NS_C"; do nsx "$ns" ip route add default via 10.200.1.1; done
	nsx "$NS_D" ip route add default via 10.200.2.1
	# Warm neighbour caches so the traced packets are not parked behind ARP.
	nsx "$NS_A" ping -c1 -W2 -q "$IP_B" >/dev/null
	nsx "$NS_A" ping -c1 -W2 -q "$IP_D" >/dev/null
	nsx "$NS_C" ping -c1 -W2 -q "$IP_B" >/dev/null
	nsx "$NS_A" ping -6 -c1 -W2 -q "$IP6_B" >/dev/null
	return 0
}

TESTS_FAILED=0

# no_malformed_events START-MARKER: fails (1) when a trace the case ran reported records
# user space refused, on standard error ("malformed events ignored", also under -q) or in a
# JSON summary ("bad_events"): every file the case wrote since the marker is looked at.
no_malformed_events() {
	local files
	files=$(find "$TMP" -type f -newer "$1" -exec grep -l -e "malformed events ignored" \
		-e '"type":"summary".*"bad_events":[1-9]' {} +)
	[ -z "$files" ] && return 0
	echo "malformed events reported in:" $files
	return 1
}

# run_case NAME FUNCTION: runs one case; the function returns 0 (pass), 77 (skip, with
# the reason in $SKIP_REASON) or anything else (fail). A case whose traces refused records
# as malformed fails too.
run_case() {
	local name=$1 fn=$2 rc
	SKIP_REASON=""
	CURRENT_CASE=$name
	touch "$TMP/.case-start" && sleep 0.01 # find -newer compares modification times
	"$fn" >"$TMP/$name.log" 2>&1
	rc=$?
	[ $rc -eq 0 ] && ! no_malformed_events "$TMP/.case-start" >>"$TMP/$name.log" 2>&1 && rc=1
	if [ $rc -eq 0 ]; then
		echo "PASS e2e $name"
	elif [ $rc -eq 77 ]; then
		echo "SKIP e2e $name: ${SKIP_REASON:-no reason given}"
	else
		echo "FAIL e2e $name"
		# The failed expectation first: the tail below may be the output it quotes.
		grep -m3 '^expectation failed' "$TMP/$name.log" | sed 's/^/    /'
		sed 's/^/    /' "$TMP/$name.log" | tail -40
		TESTS_FAILED=1
	fi
}

# HOPTRACE_KEEP_OUTPUT=DIR keeps every JSON output a case checks, as
# DIR/<script>.<case>.<file>, so that tests/compare-builds.sh can diff two builds' traces.
keep_output() {
	[ -n "${HOPTRACE_KEEP_OUTPUT:-}" ] || return 0
	mkdir -p "$HOPTRACE_KEEP_OUTPUT" &&
		cp "$1" "$HOPTRACE_KEEP_OUTPUT/$(basename "$0" .sh).${CURRENT_CASE:-none}.$(basename "$1")"
}

# expect_jq FILE FILTER MESSAGE: fails the case unless the jq filter (with -s over the
# JSON Lines file) yields true.
expect_jq() {
	local file=$1 filter=$2 msg=$3
	keep_output "$file"
	if [ "$(jq -s "$filter" "$file")" != "true" ]; then
		echo "expectation failed: $msg"
		echo "  jq -s '$filter'"
		echo "  output was:"
		sed 's/^/    /' "$file" | head -60
		return 1
	fi
}

# Waits (bounded, 10 s) for the start line a running trace prints on stderr once every hook
# is attached: traffic sent after it is seen. $1: that trace's stderr file, $2: its pid.
wait_tracing() {
	for _ in $(seq 100); do
		grep -q "^hoptrace: tracing: " "$1" 2>/dev/null && return 0
		kill -0 "$2" 2>/dev/null || { echo "the trace ended before it was attached:"; cat "$1"; return 1; }
		sleep 0.1
	done
	echo "no start line within 10 s:"
	cat "$1"
	return 1
}

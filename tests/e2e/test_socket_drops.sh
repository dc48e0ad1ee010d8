#!/usr/bin/env bash
# End-to-end: drops at a socket name the socket's owner. Pod b holds a UDP receiver with a
# tiny receive buffer that never reads: a burst from pod a overflows it (SOCKET_RCVBUFF),
# and those drops name the receiver's pid and command and the buffer's size and fill. A
# datagram to a closed port (NO_SOCKET) says there is no socket; one to a receiver that
# reads is delivered. Everything lives in namespaces this script makes.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
RECEIVERS=()
stop_receivers() {
	for pid in "${RECEIVERS[@]}"; do kill "$pid" 2>/dev/null; done
	for pid in "${RECEIVERS[@]}"; do wait "$pid" 2>/dev/null; done
}
trap 'stop_receivers; topo_down' EXIT
trap 'exit 130' INT TERM
FULL_PORT=5300 READ_PORT=5301 CLOSED_PORT=5302

# receiver PORT full|read PIDFILE: a UDP receiver in pod b, bounded to 60 s. "full" sets a
# 1 KiB receive buffer and never reads; "read" reads everything. It writes its pid once bound.
receiver() {
	local script="
import os, socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
if sys.argv[2] == 'full':
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
s.bind(('$IP_B', int(sys.argv[1])))
open(sys.argv[3] + '.tmp', 'w').write(str(os.getpid()))
os.rename(sys.argv[3] + '.tmp', sys.argv[3])
end = time.time() + 60
s.settimeout(1)
while time.time() < end:
    if sys.argv[2] == 'full':
        time.sleep(1)
        continue
    try:
        s.recv(2048)
    except socket.timeout:
        pass
"
	ip netns exec "$NS_B" python3 -c "$script" "$1" "$2" "$3" &
	RECEIVERS+=($!)
	for _ in $(seq 50); do
		[ -s "$3" ] && return 0
		sleep 0.1
	done
	echo "the $2 receiver on port $1 did not start"
	return 1
}

# From pod a: 40 datagrams of 200 bytes to the full receiver, one to the reading one, one
# to a closed port.
SEND="
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(40):
    s.sendto(b'x' * 200, ('$IP_B', $FULL_PORT))
s.sendto(b'read me', ('$IP_B', $READ_PORT))
s.sendto(b'knock', ('$IP_B', $CLOSED_PORT))
time.sleep(0.3)
"

case_socket_drops() {
	local full_pid
	receiver $FULL_PORT full "$TMP/full.pid" || return 1
	receiver $READ_PORT read "$TMP/read.pid" || return 1
	full_pid=$(cat "$TMP/full.pid")
	"$HOPTRACE" --pod-ip "$IP_B" --json -q -- ip netns exec "$NS_A" python3 -c "$SEND" \
		>"$TMP/out.jsonl" || return 1
	"$HOPTRACE" --pod-ip "$IP_B" -q -- ip netns exec "$NS_A" python3 -c "$SEND" \
		>"$TMP/out.txt" || return 1
	# The closed port's ICMP answer shares the datagram's flow: left out.
	local pkts="[.[] | select(.type==\"packet\" and .flow_tuple.proto==\"udp\"
		and (.answer | not))]"
	expect_jq "$TMP/out.jsonl" "$pkts | map(select(.flow_tuple.dport==$FULL_PORT
		and .fate==\"dropped\" and .drop.reason==\"SOCKET_RCVBUFF\")) | length > 0
		and all(.drop.socket_owner.pid == $full_pid
			and .drop.socket_owner.command == \"python3\"
			and .drop.socket_owner.container_id == null
			and .drop.buffer.size > 0 and .drop.buffer.fill > 0
			and .drop.socket_inode > 0)" \
		"the full receiver's drops name pid $full_pid (python3) and its buffer" || return 1
	expect_jq "$TMP/out.jsonl" "$pkts | map(select(.flow_tuple.dport==$CLOSED_PORT))
		| length == 1 and .[0].fate == \"dropped\" and .[0].drop.reason == \"NO_SOCKET\"
		and (.[0].drop | has(\"socket_owner\")) and .[0].drop.socket_owner == null
		and (.[0].drop | has(\"buffer\") | not)" \
		"the closed port's drop has no socket owner" || return 1
	expect_jq "$TMP/out.jsonl" "$pkts | map(select(.flow_tuple.dport==$READ_PORT))
		| length == 1 and .[0].fate == \"delivered\" and (.[0].drop | not)" \
		"the datagram to the reading receiver is delivered" || return 1
	grep -m1 "SOCKET_RCVBUFF" "$TMP/out.txt"
	grep -q "SOCKET_RCVBUFF at .*; socket of pid $full_pid (python3): receive buffer [1-9][0-9]* bytes, [1-9][0-9]* in use" \
		"$TMP/out.txt" || { echo "no text verdict naming the owner and the buffer"; cat "$TMP/out.txt"; return 1; }
	grep -q "NO_SOCKET at .*; no socket on that port" "$TMP/out.txt" ||
		{ echo "no text verdict saying there is no socket"; return 1; }
}

topo_up >"$TMP/topo.log" 2>&1 || { cat "$TMP/topo.log"; echo "FAIL e2e socket_drops_topology: could not build the test namespaces"; exit 1; }
run_case socket_drops case_socket_drops
exit $TESTS_FAILED

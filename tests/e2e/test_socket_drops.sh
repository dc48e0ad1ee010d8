#!/usr/bin/env bash
# End-to-end: drops at a socket name the socket's owner. Pod b holds a UDP receiver with a
# tiny receive buffer that never reads: a burst from pod a overflows it (SOCKET_RCVBUFF),
# and those drops name the receiver's pid and command and the buffer's size and fill. A
# datagram to a closed port (NO_SOCKET) says there is no socket; one to a receiver that
# reads is delivered. A TCP listener whose accept queue is full overflows (TCP_LISTEN_OVERFLOW)
# and that drop names the listener and its queue. Everything lives in namespaces this
# script makes.
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

# A listener in pod b with backlog 2 that never accepts, with TCP_DEFER_ACCEPT: a request
# becomes a connection only when data comes, so the queue fills when we say. Two connections
# with data fill it to 2 (full is more than the backlog); two more are left as requests, then
# both send: the first makes 3, the second overflows. Each step is one after the other: no
# timing decides it. Bounded to 60 s.
LISTENER="
import os, socket, sys, time
s = socket.socket()
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_DEFER_ACCEPT, 10)
s.bind(('$IP_B', int(sys.argv[2])))
s.listen(2)
open(sys.argv[1] + '.tmp', 'w').write(str(os.getpid()))
os.rename(sys.argv[1] + '.tmp', sys.argv[1])
time.sleep(60)
"
CONNECT="
import socket, sys, time
def connect(data):
    s = socket.create_connection(('$IP_B', int(sys.argv[1])), timeout=2)
    if data:
        s.send(b'early')
    return s
queued = [connect(True), connect(True)]
time.sleep(0.2)
late = [connect(False), connect(False)]
time.sleep(0.2)
for s in late:
    s.send(b'late')
time.sleep(0.5)
"

# listener PORT PIDFILE: starts one in pod b, waits for its pid.
listener() {
	ip netns exec "$NS_B" python3 -c "$LISTENER" "$2" "$1" &
	RECEIVERS+=($!)
	for _ in $(seq 50); do [ -s "$2" ] && return 0; sleep 0.1; done
	echo "the listener on port $1 did not start"
	return 1
}

case_listen_overflow() {
	local pid
	listener 5400 "$TMP/listener.pid" || return 1
	pid=$(cat "$TMP/listener.pid")
	"$HOPTRACE" --pod-ip "$IP_B" --json -q -- ip netns exec "$NS_A" python3 -c "$CONNECT" 5400 \
		>"$TMP/listen.jsonl" || return 1
	expect_jq "$TMP/listen.jsonl" "[.[] | select(.type==\"packet\" and .fate==\"dropped\"
		and .drop.reason==\"TCP_LISTEN_OVERFLOW\")] | length > 0
		and all(.drop.socket_owner.pid == $pid and .drop.socket_owner.command == \"python3\"
			and .drop.listen_queue.max == 2 and .drop.listen_queue.length > 2)" \
		"the overflow names the listener (pid $pid) and its full queue" || return 1
	# The text line, from a second listener (the first one's queue refuses new connections).
	listener 5401 "$TMP/listener2.pid" || return 1
	pid=$(cat "$TMP/listener2.pid")
	"$HOPTRACE" --pod-ip "$IP_B" -q -- ip netns exec "$NS_A" python3 -c "$CONNECT" 5401 \
		>"$TMP/listen.txt" || return 1
	grep -m1 "TCP_LISTEN_OVERFLOW" "$TMP/listen.txt"
	grep -q "TCP_LISTEN_OVERFLOW at .*; socket of pid $pid (python3): listen queue full, [0-9]* waiting of at most 2" \
		"$TMP/listen.txt" || { echo "no text verdict naming the listener's queue"; cat "$TMP/listen.txt"; return 1; }
}

topo_up >"$TMP/topo.log" 2>&1 || { cat "$TMP/topo.log"; echo "FAIL e2e socket_drops_topology: could not build the test namespaces"; exit 1; }
run_case socket_drops case_socket_drops
run_case listen_overflow case_listen_overflow
exit $TESTS_FAILED

#!/usr/bin/env bash
# End-to-end, without hoptrace: the host readers that name the BPF program or the qdisc
# behind a drop (user/host/bpf_attached*.c, user/host/qdisc_stats.c, through
# build/tests/list_attached) against programs attached here by build/tests/bpf_attach
# (the tests' own tests/bpf/test_progs.bpf.c) on a veth between two namespaces this script
# makes, and on a cgroup it makes. What the kernel really holds is checked independently
# with bpftool and tc; the drop programs must really drop.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh

TOOLS=${TOOLS:-$(dirname "$HOPTRACE")/tests}
BPF_ATTACH=$TOOLS/bpf_attach
LIST=$TOOLS/list_attached
OBJ=$TOOLS/bpf/test_progs.bpf.o
NODE=$PREFIX-bl-node
POD=$PREFIX-bl-pod
NODE_IP=10.200.9.1 POD_IP=10.200.9.2
DEV=blv0 # the node's side of the veth; eth0 in the pod
CGROUP_DIR=""
HOLD=$TMP/hold
declare -A ATTACH_PIDS=() ID=()

cleanup() {
	detach_all
	exec 8>&-
	ip netns del "$NODE" 2>/dev/null
	ip netns del "$POD" 2>/dev/null
	[ -n "$CGROUP_DIR" ] && rmdir "$CGROUP_DIR" 2>/dev/null
	topo_down
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for f in "$BPF_ATTACH" "$LIST" "$OBJ"; do
	[ -e "$f" ] || { echo "FAIL e2e bpf_listing: $f is missing (make unit builds it)"; exit 1; }
done

setup() {
	ip netns add "$NODE" && ip netns add "$POD" || return 1
	ip -n "$NODE" link add "$DEV" type veth peer name eth0 netns "$POD" || return 1
	for ns in "$NODE" "$POD"; do
		# No router solicitations or MLD reports: the qdisc case counts every packet.
		nsx "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
		nsx "$ns" ip link set lo up
	done
	nsx "$NODE" ip addr add "$NODE_IP/24" dev "$DEV"
	nsx "$POD" ip addr add "$POD_IP/24" dev eth0
	nsx "$NODE" ip link set "$DEV" up
	nsx "$POD" ip link set eth0 up
	nsx "$POD" ping -c1 -W2 -q "$NODE_IP" >/dev/null
}

# attach NAME NS|- PROG POINT TARGET [--prio N] [--port N]: holds PROG on POINT with
# bpf_attach (in namespace NS, or in this one for "-") until detach NAME; ID[NAME] is the
# program id it printed. Standard input is a FIFO no one writes to: it never ends.
attach() {
	local name=$1 ns=$2 out=$TMP/attach.$1
	shift 2
	if [ "$ns" = - ]; then
		"$BPF_ATTACH" "$OBJ" "$@" <"$HOLD" >"$out" 2>"$out.err" 8>&- &
	else
		ip netns exec "$ns" "$BPF_ATTACH" "$OBJ" "$@" <"$HOLD" >"$out" 2>"$out.err" 8>&- &
	fi
	ATTACH_PIDS[$name]=$!
	for _ in $(seq 50); do
		ID[$name]=$(sed -n 's/^attached id=\([0-9]*\)$/\1/p' "$out")
		[ -n "${ID[$name]}" ] && return 0
		kill -0 "${ATTACH_PIDS[$name]}" 2>/dev/null || break
		sleep 0.1
	done
	echo "bpf_attach $* did not attach: $(cat "$out.err")"
	unset "ATTACH_PIDS[$name]"
	return 1
}

# detach NAME: SIGTERM; bpf_attach must detach and exit 0.
detach() {
	local pid=${ATTACH_PIDS[$1]} rc
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
	rc=$?
	unset "ATTACH_PIDS[$1]"
	[ $rc -eq 0 ] || { echo "bpf_attach $1 exited $rc: $(cat "$TMP/attach.$1.err")"; return 1; }
}

detach_all() {
	local name
	for name in "${!ATTACH_PIDS[@]}"; do detach "$name" >/dev/null; done
}

# expect_lines WHAT GOT WANT: fails the case unless the listing is exactly WANT.
expect_lines() {
	[ "$2" = "$3" ] && return 0
	echo "expectation failed: $1"
	echo "  got:"; sed 's/^/    /' <<<"$2"
	echo "  want:"; sed 's/^/    /' <<<"$3"
	return 1
}

# link_prog LINK_ID: the program id the kernel says that link holds.
link_prog() {
	bpftool link show id "$1" --json 2>/dev/null | jq -r .prog_id
}

# udp_arrives FROM_NS TO_NS ADDR PORT [CGROUP]: 0 when a datagram sent from FROM_NS (by a
# process in the cgroup directory CGROUP, if given) reaches a socket on ADDR:PORT in TO_NS
# within 2 s. Three are sent, apart, so a first one parked behind ARP does not count.
udp_arrives() {
	local from=$1 to=$2 addr=$3 port=$4 cgroup=${5:-} got=$TMP/recv.$4 rpid join=""
	nsx "$to" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
print("ready", flush=True)
s.settimeout(2)
try:
    s.recv(64)
    print("got", flush=True)
except socket.timeout:
    print("none", flush=True)
' "$addr" "$port" >"$got" 2>&1 &
	rpid=$!
	for _ in $(seq 50); do grep -q ready "$got" && break; sleep 0.05; done
	# Joined before entering the namespace: ip netns exec mounts a sysfs of its own over
	# /sys, which hides the cgroup mount beneath it.
	[ -n "$cgroup" ] && join="echo \$\$ > $cgroup/cgroup.procs && exec"
	for _ in 1 2 3; do
		bash -c "$join ip netns exec $from bash -c 'echo x > /dev/udp/$addr/$port'" 2>/dev/null
		sleep 0.1
	done
	wait $rpid
	grep -q '^got$' "$got"
}

case_cls_two_in_order() {
	attach pass "$NODE" tc_pass_all tc_ingress "$DEV" --prio 1 || return 1
	attach drop "$NODE" tc_drop_udp_port tc_ingress "$DEV" --prio 2 || return 1
	expect_lines "two cls_bpf filters in priority order, with bpf_attach's ids" \
		"$("$LIST" "/run/netns/$NODE" "$DEV" ingress)" \
		"1 tc_ingress ${ID[pass]} tc_pass_all 1 1 0 -
2 tc_ingress ${ID[drop]} tc_drop_udp_port 2 1 0 -" || return 1
	# The same through the index, and tc agrees on the ids.
	local index
	index=$(nsx "$NODE" cat "/sys/class/net/$DEV/ifindex")
	expect_lines "listed by ifindex" \
		"$("$LIST" "/run/netns/$NODE" --ifindex "$index" ingress | cut -d' ' -f3)" \
		"${ID[pass]}
${ID[drop]}" || return 1
	expect_lines "tc's own listing" \
		"$(nsx "$NODE" tc filter show dev "$DEV" ingress | sed -n 's/.* id \([0-9]*\) .*/\1/p')" \
		"${ID[pass]}
${ID[drop]}" || return 1
	expect_lines "nothing on egress" "$("$LIST" "/run/netns/$NODE" "$DEV" egress)" ""
}

# The second filter really drops UDP to 7777 and only that: the pass-all first one lets
# the packet go on to it.
case_cls_drop_really_drops() {
	attach pass "$NODE" tc_pass_all tc_ingress "$DEV" --prio 1 || return 1
	attach drop "$NODE" tc_drop_udp_port tc_ingress "$DEV" --prio 2 || return 1
	udp_arrives "$POD" "$NODE" "$NODE_IP" 7778 ||
		{ echo "expectation failed: UDP to 7778 was not received"; return 1; }
	! udp_arrives "$POD" "$NODE" "$NODE_IP" 7777 ||
		{ echo "expectation failed: UDP to 7777 was received despite the drop filter"; return 1; }
	detach drop || return 1
	udp_arrives "$POD" "$NODE" "$NODE_IP" 7777 ||
		{ echo "expectation failed: UDP to 7777 not received once the filter is gone"; return 1; }
}

tcx_missing() {
	ip netns exec "$NODE" "$BPF_ATTACH" "$OBJ" tc_pass_all tcx_ingress lo </dev/null >/dev/null 2>&1 &&
		return 1
	SKIP_REASON="this kernel has no tcx (Linux 6.6+)"
}

case_tcx_egress_with_link() {
	tcx_missing && return 77
	local got link
	attach drop "$NODE" tc_drop_udp_port tcx_egress "$DEV" --port 7001 || return 1
	got=$("$LIST" "/run/netns/$NODE" "$DEV" egress)
	link=$(cut -d' ' -f7 <<<"$got")
	expect_lines "one tcx egress program" "$got" \
		"1 tcx_egress ${ID[drop]} tc_drop_udp_port 0 0 $link -" || return 1
	[ "$link" -gt 0 ] && [ "$(link_prog "$link")" = "${ID[drop]}" ] ||
		{ echo "expectation failed: link $link is not bpftool's link of ${ID[drop]}"; return 1; }
	expect_lines "nothing on ingress" "$("$LIST" "/run/netns/$NODE" "$DEV" ingress)" "" ||
		return 1
	! udp_arrives "$NODE" "$POD" "$POD_IP" 7001 ||
		{ echo "expectation failed: UDP to 7001 went out through the tcx drop"; return 1; }
	udp_arrives "$NODE" "$POD" "$POD_IP" 7002 ||
		{ echo "expectation failed: UDP to 7002 was not received"; return 1; }
}

# sch_handle_ingress runs tcx before the clsact filters, whatever was attached first.
case_tcx_before_cls() {
	tcx_missing && return 77
	local got
	attach cls "$NODE" tc_drop_udp_port tc_ingress "$DEV" --prio 1 || return 1
	attach tcx1 "$NODE" tc_pass_all tcx_ingress "$DEV" || return 1
	attach tcx2 "$NODE" tc_pass_all tcx_ingress "$DEV" || return 1
	got=$("$LIST" "/run/netns/$NODE" "$DEV" ingress | cut -d' ' -f1-5)
	expect_lines "tcx programs in attach order, then the cls_bpf filter" "$got" \
		"1 tcx_ingress ${ID[tcx1]} tc_pass_all 0
2 tcx_ingress ${ID[tcx2]} tc_pass_all 0
1 tc_ingress ${ID[cls]} tc_drop_udp_port 1"
}

# Generic XDP runs first on receive: before tcx and cls_bpf.
case_xdp_generic_listed() {
	local got link
	attach cls "$NODE" tc_pass_all tc_ingress "$DEV" --prio 5 || return 1
	attach xdp "$NODE" xdp_drop_udp_port xdp_generic "$DEV" || return 1
	got=$("$LIST" "/run/netns/$NODE" "$DEV" ingress)
	link=$(head -1 <<<"$got" | cut -d' ' -f7)
	expect_lines "generic XDP, then the filter" "$got" \
		"1 xdp_generic ${ID[xdp]} xdp_drop_udp_port 0 0 $link -
1 tc_ingress ${ID[cls]} tc_pass_all 5 1 0 -" || return 1
	[ "$link" -gt 0 ] && [ "$(link_prog "$link")" = "${ID[xdp]}" ] ||
		{ echo "expectation failed: link $link is not bpftool's link of ${ID[xdp]}"; return 1; }
	[ "$(nsx "$NODE" ip -j link show "$DEV" | jq -r '.[0].xdp.prog.id')" = "${ID[xdp]}" ] ||
		{ echo "expectation failed: ip link shows another XDP program"; return 1; }
	! udp_arrives "$POD" "$NODE" "$NODE_IP" 7777 ||
		{ echo "expectation failed: UDP to 7777 went through the XDP drop"; return 1; }
	udp_arrives "$POD" "$NODE" "$NODE_IP" 7778 ||
		{ echo "expectation failed: UDP to 7778 was not received"; return 1; }
}

cgroup2_root() {
	awk '$4 == "/" && / - cgroup2 / { print $5; exit }' /proc/self/mountinfo
}

case_cgroup_egress_listed() {
	local root id got link
	root=$(cgroup2_root)
	[ -n "$root" ] || { SKIP_REASON="no cgroup v2 hierarchy mounted"; return 77; }
	CGROUP_DIR=$root/$PREFIX-bl
	mkdir "$CGROUP_DIR" || return 1
	id=$(stat -c %i "$CGROUP_DIR")
	attach cg - cg_drop_udp_port cgroup_egress "$CGROUP_DIR" || return 1
	got=$("$LIST" --cgroup "$root" "$id" egress)
	link=$(sed -n 2p <<<"$got" | cut -d' ' -f7)
	# Its own program first; a program the machine holds on an ancestor may follow.
	expect_lines "the cgroup's path and its program" "$(head -2 <<<"$got")" \
		"cgroup /$PREFIX-bl
1 cgroup_skb_egress ${ID[cg]} cg_drop_udp_port 0 0 $link -" || return 1
	[ "$link" -gt 0 ] && [ "$(link_prog "$link")" = "${ID[cg]}" ] ||
		{ echo "expectation failed: link $link is not bpftool's link of ${ID[cg]}"; return 1; }
	grep -q " ${ID[cg]} " <<<"$("$LIST" --cgroup "$root" "$id" ingress)" &&
		{ echo "expectation failed: the egress program listed on ingress"; return 1; }
	! udp_arrives "$POD" "$NODE" "$NODE_IP" 7777 "$CGROUP_DIR" ||
		{ echo "expectation failed: UDP to 7777 left a socket of the cgroup"; return 1; }
	udp_arrives "$POD" "$NODE" "$NODE_IP" 7778 "$CGROUP_DIR" ||
		{ echo "expectation failed: UDP to 7778 from the cgroup was not received"; return 1; }
	udp_arrives "$POD" "$NODE" "$NODE_IP" 7777 ||
		{ echo "expectation failed: UDP to 7777 from outside the cgroup was dropped"; return 1; }
	detach cg || return 1
	grep -q " ${ID[cg]} " <<<"$("$LIST" --cgroup "$root" "$id" egress)" &&
		{ echo "expectation failed: the program is still listed after bpf_attach ended"; return 1; }
	"$LIST" --cgroup "$root" 999999999999 egress 2>/dev/null &&
		{ echo "expectation failed: a cgroup id that does not exist was listed"; return 1; }
	return 0
}

# qdisc_drops NS DEV KIND: the drop counter list_attached shows for DEV's KIND qdisc.
qdisc_drops() {
	"$LIST" --qdisc "/run/netns/$1" "$2" | awk -v k="$3" '$1 == k && $3 == "root" { print $4 }'
}

# tbf with a 1600-byte bucket and queue at 1 kbit/s: a burst of datagrams overflows it.
case_qdisc_drops_rise() {
	local before after tc_count later
	nsx "$POD" tc qdisc add dev eth0 root tbf rate 1kbit burst 1600 limit 1600 || return 1
	before=$(qdisc_drops "$POD" eth0 tbf)
	[ "$before" = 0 ] || { echo "expectation failed: a fresh tbf with $before drops"; return 1; }
	nsx "$POD" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(300):
    try:
        s.sendto(b"x" * 200, ("'"$NODE_IP"'", 9))
    except OSError:
        pass
'
	after=$(qdisc_drops "$POD" eth0 tbf)
	tc_count=$(nsx "$POD" tc -s qdisc show dev eth0 | sed -n 's/.*(dropped \([0-9]*\),.*/\1/p')
	later=$(qdisc_drops "$POD" eth0 tbf)
	nsx "$POD" tc qdisc del dev eth0 root
	echo "drops: before $before, after $after, tc $tc_count, later $later"
	[ "${after:-0}" -ge 100 ] ||
		{ echo "expectation failed: the tbf's drops did not rise under the flood"; return 1; }
	[ "$after" -le "$tc_count" ] && [ "$tc_count" -le "$later" ] ||
		{ echo "expectation failed: tc counts $tc_count drops, not between $after and $later"; return 1; }
}

# bpf_attach takes its programs away when its input ends, and an attach that fails leaves
# nothing behind.
case_detach_leaves_nothing() {
	local out=$TMP/attach.eof pid
	attach first "$NODE" tc_pass_all tc_ingress "$DEV" --prio 3 || return 1
	# A second filter at the same priority and handle is refused, not replaced.
	ip netns exec "$NODE" "$BPF_ATTACH" "$OBJ" tc_drop_udp_port tc_ingress "$DEV" --prio 3 \
		</dev/null >/dev/null 2>"$out.err" &&
		{ echo "expectation failed: a second filter at priority 3 was attached"; return 1; }
	[ "$(wc -l <"$out.err")" = 1 ] ||
		{ echo "expectation failed: not one error line:"; cat "$out.err"; return 1; }
	expect_lines "only the first filter" "$("$LIST" "/run/netns/$NODE" "$DEV" ingress)" \
		"1 tc_ingress ${ID[first]} tc_pass_all 3 1 0 -" || return 1
	detach first || return 1
	mkfifo "$TMP/eof"
	exec 7<>"$TMP/eof"
	ip netns exec "$NODE" "$BPF_ATTACH" "$OBJ" tc_drop_udp_port tc_ingress "$DEV" --prio 4 \
		<"$TMP/eof" >"$out" 2>"$out.err" 7>&- 8>&- &
	pid=$!
	for _ in $(seq 50); do grep -q '^attached id=' "$out" && break; sleep 0.1; done
	[ -n "$("$LIST" "/run/netns/$NODE" "$DEV" ingress)" ] ||
		{ echo "expectation failed: nothing listed while bpf_attach holds a filter"; return 1; }
	exec 7>&-
	wait $pid || { echo "expectation failed: bpf_attach did not end well at EOF"; return 1; }
	expect_lines "nothing left on ingress" "$("$LIST" "/run/netns/$NODE" "$DEV" ingress)" "" ||
		return 1
	expect_lines "tc shows no filter" "$(nsx "$NODE" tc filter show dev "$DEV" ingress)" ""
}

mkfifo "$HOLD" && exec 8<>"$HOLD" || { echo "FAIL e2e bpf_listing: no FIFO"; exit 1; }
setup >/dev/null || { echo "FAIL e2e bpf_listing_topology: could not build the namespaces"; exit 1; }
for c in cls_two_in_order cls_drop_really_drops tcx_egress_with_link tcx_before_cls \
	xdp_generic_listed cgroup_egress_listed qdisc_drops_rise detach_leaves_nothing; do
	run_case "bpf_listing_$c" "case_$c"
	detach_all
done
exit $TESTS_FAILED

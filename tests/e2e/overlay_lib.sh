# The two-node overlay of the end-to-end tests (sourced after lib.sh): two "nodes" joined by
# a veth underlay (172.31.77.0/24), a bridge cni0 and a pod on each, a VXLAN overlay (VNI
# 42) between them, and a ClusterIP (SVC:53/udp to pod 2's port 5353) as iptables DNAT on
# node 1. overlay_up builds it, overlay_down (the caller's EXIT trap) removes it.
N1=$PREFIX-n1 N2=$PREFIX-n2 P1=$PREFIX-p1 P2=$PREFIX-p2
POD1=10.244.1.2 POD2=10.244.2.2 SVC=10.96.0.10
POD1_6=fd00:244:1::2 POD2_6=fd00:244:2::2

OVERLAY_EXTRA_NS="" # namespaces a test adds to the topology, removed with it

overlay_down() {
	for ns in $OVERLAY_EXTRA_NS "$P1" "$P2" "$N1" "$N2"; do ip netns del "$ns" 2>/dev/null; done
	rm -rf "$TMP"
}

# node_up NS N UNDERLAY-ADDR: a node with bridge cni0 (10.244.N.1/24), a pod on it, and
# vx0 (VNI 42, overlay address 10.99.0.N) towards the other node.
node_up() {
	local ns=$1 n=$2 pod=$3 other=$((3 - $2))
	nsx "$ns" ip link set lo up
	nsx "$ns" sysctl -qw net.ipv4.ip_forward=1
	nsx "$ns" ip link add cni0 type bridge
	nsx "$ns" sysctl -qw net.ipv6.conf.all.forwarding=1
	nsx "$ns" ip addr add 10.244.$n.1/24 dev cni0
	nsx "$ns" ip addr add fd00:244:$n::1/64 dev cni0 nodad
	nsx "$ns" ip link set cni0 up
	ip netns add "$pod"
	ip -n "$ns" link add veth0 type veth peer name eth0 netns "$pod"
	# The pod's MTU leaves room for the VXLAN header, as a CNI sets it: full-size
	# segments then cross the overlay without a PMTU drop.
	ip -n "$ns" link set veth0 mtu 1450 master cni0 up
	nsx "$pod" ip link set lo up
	nsx "$pod" sysctl -qw net.ipv4.ping_group_range="0 2147483647"
	nsx "$pod" ip addr add 10.244.$n.2/24 dev eth0
	nsx "$pod" ip addr add fd00:244:$n::2/64 dev eth0 nodad
	nsx "$pod" ip link set eth0 mtu 1450 up
	nsx "$pod" ip route add default via 10.244.$n.1
	nsx "$pod" ip -6 route add default via fd00:244:$n::1
	nsx "$ns" ip link add vx0 type vxlan id 42 local 172.31.77.$n remote 172.31.77.$other \
		dstport 4789 dev ul0
	nsx "$ns" ip addr add 10.99.0.$n/24 dev vx0
	nsx "$ns" ip addr add fd00:99::$n/64 dev vx0 nodad
	nsx "$ns" ip link set vx0 up
	nsx "$ns" ip route add 10.244.$other.0/24 via 10.99.0.$other dev vx0
	nsx "$ns" ip -6 route add fd00:244:$other::/64 via fd00:99::$other dev vx0
}

# OVERLAY_WIRE=1 (set before overlay_up): the underlay runs through a third namespace $W,
# a bridge between the nodes' ul0, where a test can lose packets between the nodes.
W=$PREFIX-w
overlay_up() {
	local n
	ip netns add "$N1" && ip netns add "$N2" || return 1
	if [ -n "${OVERLAY_WIRE:-}" ]; then
		ip netns add "$W" || return 1
		OVERLAY_EXTRA_NS="$OVERLAY_EXTRA_NS $W"
		ip -n "$W" link add br0 type bridge && ip -n "$W" link set br0 up || return 1
		for n in 1 2; do
			ip -n "$W" link add w$n type veth peer name ul0 netns "$PREFIX-n$n" &&
				ip -n "$W" link set w$n master br0 up || return 1
		done
	else
		ip -n "$N1" link add ul0 type veth peer name ul0 netns "$N2"
	fi
	nsx "$N1" ip addr add 172.31.77.1/24 dev ul0
	nsx "$N2" ip addr add 172.31.77.2/24 dev ul0
	nsx "$N1" ip link set ul0 up
	nsx "$N2" ip link set ul0 up
	node_up "$N1" 1 "$P1"
	node_up "$N2" 2 "$P2"
	# The ClusterIP: node 1 sends SVC:53 to pod 2's port 5353.
	nsx "$N1" iptables -w -t nat -A PREROUTING -d $SVC -p udp --dport 53 \
		-j DNAT --to-destination $POD2:5353
	nsx "$P1" ping -c1 -W3 -q $POD2 >/dev/null || return 1
	# Bounded: neighbour discovery over the overlay may take a moment.
	for _ in 1 2 3; do
		nsx "$P1" ping -6 -c1 -W2 -q $POD2_6 >/dev/null && return 0
	done
	return 1
}


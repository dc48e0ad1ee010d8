// SPDX-License-Identifier: GPL-2.0
/* One row per fault operators meet. Each fault is made the way it happens on a real
 * node (a rule, a route, a sysctl, a device setting), and each expectation is what the
 * kernel really does on it: the drop reason, where, and in which hook. */
#include <stdio.h>
#include <string.h>
#include "cli/suggest.h"
#include "demo/cluster.h"
#include "demo/scenarios.h"

#define PING_POD_C "pod-a pings pod-c (" DEMO_POD_C_IP ", on node2)"
#define ICMP_TO_POD_C                                                    \
	{                                                                \
		.netns = "pod-a", .proto = "icmp", .addr = DEMO_POD_C_IP \
	}

const struct demo_scenario demo_scenarios[] = {
	{
		.name = "networkpolicy",
		.title = "a NetworkPolicy-like iptables DROP between two pods",
		.breakage = "node2 drops pod-a -> pod-c in its FORWARD chain (chain NETPOL-DENY), "
			    "as a NetworkPolicy agent's deny rule does",
		.script = "nsx node2 iptables -w -N NETPOL-DENY\n"
			  "nsx node2 iptables -w -A NETPOL-DENY -s " DEMO_POD_A_IP
			  " -d " DEMO_POD_C_IP " -j DROP\n"
			  "nsx node2 iptables -w -I FORWARD -j NETPOL-DENY\n",
		.traffic = PING_POD_C,
		.probe = ICMP_TO_POD_C,
		.rules = true,
		.expect = { .fate = "dropped",
			    .reason = "NETFILTER_DROP",
			    .netns = "node2",
			    .layer = "node",
			    .nf_family = "ipv4",
			    .nf_hook = "FORWARD",
			    .nf_table = "filter",
			    .nf_chain = "NETPOL-DENY" },
		.explain = "The echo request leaves pod-a, crosses node1's bridge, is wrapped in "
			   "VXLAN by flannel.1, crosses the underlay and is unwrapped on node2 - "
			   "and then dies in node2's netfilter FORWARD hook, in the filter table, "
			   "with NETFILTER_DROP. The network carried it; a rule on the destination "
			   "node threw it away. The rule trace (--rules) names that rule, its "
			   "chain and the jumps that led there; the nf_rule hops show every rule "
			   "the packet met on the way.",
		.fix = "On the node named in the verdict, look at the rule it names (iptables "
		       "-S CHAIN, or nft -a list ruleset for its handle) and at whoever writes "
		       "that chain. In Kubernetes, look at the NetworkPolicies that select the destination "
		       "pod (kubectl get networkpolicy -n NAMESPACE) and allow the client in an "
		       "ingress rule.",
	},
	{
		.name = "cni-bpf-drop",
		.title = "a CNI's BPF program drops the flow",
		.breakage = "a policy program on the ingress of pod-a's host-side veth (node1, "
			    "veth-pod-a) drops pod-a -> pod-c, as a CNI that enforces "
			    "NetworkPolicy in BPF (Cilium, Calico eBPF) does",
		.cni_bpf = { .node = "node1", .dev = "veth-pod-a" },
		.traffic = PING_POD_C,
		.probe = ICMP_TO_POD_C,
		.expect = { .fate = "dropped",
			    .reason = "TC_INGRESS",
			    .netns = "node1",
			    .layer = "veth",
			    .bpf_prog = "demo_cni_policy" },
		.explain = "The echo request leaves pod-a and enters node1 through the host side "
			   "of its veth, and dies right there with TC_INGRESS: a program on that "
			   "device's tc ingress hook returned TC_ACT_SHOT. No iptables or nftables "
			   "rule is involved, which is why a CNI that enforces policy in BPF "
			   "leaves nothing to find in the rulesets. The verdict names the program "
			   "on that hook by id, name and tag, and whether it was seen returning "
			   "the drop (fexit, where the kernel allows it) or is the only program "
			   "there.",
		.fix = "Take the program's name and id to the CNI that loaded it (bpftool prog "
		       "show id ID; bpftool net show dev DEV lists what sits on the device). With "
		       "Cilium, `cilium monitor --type drop` or Hubble shows the policy verdict; "
		       "with Calico eBPF, its policy counters. Then fix the NetworkPolicy that "
		       "selects the pods.",
	},
	{
		.name = "service-no-listener",
		.title = "a Service whose endpoint pod has nothing listening",
		.breakage = "Service " DEMO_SERVICE_IP ":" DEMO_SERVICE_PORT
			    " is DNATed kube-proxy style to "
			    "pod-c:" DEMO_TARGET_PORT ", where no process listens",
		.traffic = "pod-a connects to the Service " DEMO_SERVICE_IP ":" DEMO_SERVICE_PORT
			   " (TCP)",
		.probe = { .netns = "pod-a",
			   .proto = "tcp",
			   .addr = DEMO_SERVICE_IP,
			   .port = DEMO_SERVICE_PORT,
			   .timeout_s = 2 },
		.expect = { .fate = "dropped",
			    .reason = "NO_SOCKET",
			    .netns = "pod-c",
			    .layer = "pod" },
		.explain = "node1's nat table rewrites the SYN's destination from the ClusterIP "
			   "to pod-c:" DEMO_TARGET_PORT
			   " (DNAT), the SYN crosses the overlay and reaches pod-c, "
			   "and pod-c's TCP finds no socket on port " DEMO_TARGET_PORT
			   ": NO_SOCKET in "
			   "tcp_v4_rcv, answered with a RST (\"connection refused\"). Network and "
			   "Service did their job; the application does not listen where the "
			   "Service sends traffic.",
		.fix = "Compare the Service's targetPort with the port the container listens on "
		       "(kubectl get svc,endpointslices; ss -ltn inside the pod). Check that the "
		       "application is up and listens on 0.0.0.0 rather than 127.0.0.1.",
	},
	{
		.name = "no-route",
		.title = "a missing route to the other node's pod range",
		.breakage = "node1 has no route to 10.244.2.0/24 (node2's pods), as when an IP "
			    "pool changed and an old node was not updated",
		.script = "ip -n ${P}node1 route del 10.244.2.0/24\n",
		.traffic = PING_POD_C,
		.probe = ICMP_TO_POD_C,
		.expect = { .fate = "dropped",
			    .reason = "IP_INNOROUTES",
			    .netns = "node1",
			    .layer = "node",
			    .check_item = "route_to_peer" },
		.explain = "The request reaches node1 through the bridge, and node1's routing "
			   "table has no entry for " DEMO_POD_C_IP ": the lookup for forwarding "
			   "fails, the kernel drops the packet with IP_INNOROUTES (in ip_error) "
			   "and sends \"network unreachable\" back to pod-a. Nothing reached the "
			   "overlay.",
		.fix = "Run ip route get DESTINATION on the node. The CNI programs the routes to "
		       "other nodes' pod ranges: restart its agent on that node, and check that "
		       "the node's pod CIDR or IP pool (kubectl get node -o wide, calicoctl get "
		       "ippool) matches what the other nodes announce.",
	},
	{
		.name = "vni-mismatch",
		.title = "a VXLAN VNI mismatch between nodes",
		.breakage = "node2's flannel.1 is recreated with VNI 2 while node1 still sends "
			    "VNI 1",
		.script = "ip -n ${P}node2 link del flannel.1\n"
			  "vtep_up node2 2 2 " DEMO_NODE2_IP " 1 " DEMO_NODE1_IP "\n",
		.traffic = PING_POD_C,
		.probe = ICMP_TO_POD_C,
		.expect = { .fate = "dropped",
			    .reason = "VXLAN_VNI_NOT_FOUND",
			    .netns = "node2",
			    .layer = "overlay",
			    .check_item = "vni" },
		.explain = "node1 wraps the request in VXLAN with VNI 1 and sends it over the "
			   "underlay to node2's UDP port 4789. node2's VXLAN socket has no device "
			   "for VNI 1 and drops the packet in vxlan_rcv with VXLAN_VNI_NOT_FOUND. "
			   "The underlay works; the overlay's identifiers disagree.",
		.fix = "Compare ip -d link show flannel.1 (vxlan id, dstport) on both nodes. Make "
		       "the CNI's VXLAN settings (flannel's VNI in net-conf.json, Calico or "
		       "Cilium tunnel settings) the same on every node and restart the agent "
		       "where they differ.",
	},
	{
		.name = "mtu",
		.title = "a packet larger than the overlay MTU with DF set",
		.breakage = "pod-a's interface keeps MTU 1500 while the overlay (flannel.1) "
			    "carries only 1450",
		.script = "ip -n ${P}pod-a link set eth0 mtu 1500\n"
			  "ip -n ${P}node1 link set veth-pod-a mtu 1500\n",
		.traffic = "pod-a pings pod-c with 1472 bytes of data and DF set (ping -M do "
			   "-s 1472): a 1500-byte packet",
		.probe = { .netns = "pod-a",
			   .proto = "icmp",
			   .addr = DEMO_POD_C_IP,
			   .size = 1472,
			   .df = true },
		.expect = { .fate = "dropped",
			    .reason = "PKT_TOO_BIG",
			    .netns = "node1",
			    .layer = "overlay",
			    .check_item = "mtu" },
		.explain = "The 1500-byte packet fits pod-a's MTU and crosses the bridge; node1's "
			   "forwarding finds that the route's device, flannel.1, takes only 1450 "
			   "bytes. DF forbids fragmenting, so ip_forward drops it with PKT_TOO_BIG "
			   "and sends \"fragmentation needed (mtu 1450)\" back. Where that ICMP is "
			   "filtered, connections hang after the handshake: small packets pass, "
			   "full-size ones vanish.",
		.fix = "Pod MTU must be the underlay MTU minus the tunnel overhead (50 bytes for "
		       "VXLAN over IPv4). Set the CNI's MTU setting consistently, recreate the "
		       "pods, and let ICMP \"fragmentation needed\" through.",
	},
	{
		.name = "conntrack-full",
		.title = "the conntrack table is full",
		.breakage = "node1's conntrack table is filled with flows and "
			    "net.netfilter.nf_conntrack_max is lowered to its size while the "
			    "client sends (restored right after)",
		.traffic = "pod-a sends one UDP datagram to pod-c:5353, a new flow",
		.probe = { .netns = "pod-a",
			   .proto = "udp",
			   .addr = DEMO_POD_C_IP,
			   .port = "5353",
			   .timeout_s = 0.5 },
		.fill_conntrack = true,
		.expect = { .fate = "dropped",
			    .reason = "NETFILTER_DROP",
			    .netns = "node1",
			    .layer = "kernel",
			    .nf_family = "ipv4",
			    /* OUTPUT when conntrack's early drop made room for the datagram
			     * and the encapsulated copy found the table full again. */
			    .nf_hook = "PREROUTING|OUTPUT",
			    .nf_table = "conntrack",
			    .ct_table_full = true,
			    .check_item = "conntrack" },
		.explain =
			"The datagram starts a new flow, so node1's conntrack must create an "
			"entry for it in PREROUTING, and it cannot: the table holds "
			"nf_conntrack_max entries. Conntrack itself drops the packet "
			"(NETFILTER_DROP at nf_hook_slow, not a rule), and the kernel logs "
			"\"nf_conntrack: table full, dropping packet\". (When conntrack could evict "
			"an unanswered flow to make room, the datagram passes, and its VXLAN-"
			"encapsulated copy is the new flow refused, in node1's OUTPUT.) Existing "
			"flows go on; new ones fail at random, DNS timeouts first.",
		.fix = "Compare /proc/sys/net/netfilter/nf_conntrack_count with nf_conntrack_max. "
		       "Raise the maximum (kube-proxy's conntrack maxPerCore), shorten the "
		       "timeouts of idle flows, and find what opens so many flows (conntrack "
		       "-L).",
	},
	{
		.name = "conntrack-insert-failure",
		.title = "conntrack refuses a new entry at confirm (SNAT port clash)",
		.breakage = "node1 SNATs its pods' UDP to pod-c:53 to one source address and port "
			    "(10.244.1.1:40000), as a masquerade with its ports used up does; "
			    "pod-b's datagram to pod-c:53 took that port a moment before",
		.script =
			"nsx node1 iptables -w -t nat -I POSTROUTING -s 10.244.1.0/24 -d " DEMO_POD_C_IP
			" -p udp --dport 53 -j SNAT --to-source " DEMO_GW1_IP ":40000\n"
			"udp_send pod-b " DEMO_POD_C_IP " 53\n",
		.traffic = "pod-a sends one UDP datagram to pod-c:53, a new flow",
		.probe = { .netns = "pod-a",
			   .proto = "udp",
			   .addr = DEMO_POD_C_IP,
			   .port = "53",
			   .timeout_s = 0.5 },
		.expect = { .fate = "dropped",
			    .reason = "NETFILTER_DROP",
			    .netns = "node1",
			    .layer = "kernel",
			    .nf_family = "ipv4",
			    .nf_hook = "POSTROUTING",
			    .nf_table = "conntrack confirm",
			    .ct_insert_fail = true,
			    .check_item = "conntrack" },
		.explain =
			"The datagram starts a new flow. node1 forwards it, and in POSTROUTING the "
			"SNAT rule gives it the only source it has, 10.244.1.1:40000. pod-b's flow "
			"to the same server already holds that reply tuple (pod-c:53 -> "
			"10.244.1.1:40000), so when conntrack confirms the new entry, last in "
			"POSTROUTING, the insert fails: insert_failed and drop rise by one, and the "
			"packet dies as NETFILTER_DROP, after the SNAT hop and before it left "
			"node1. No rule dropped it. This is how Kubernetes' \"DNS lookups time out "
			"every few seconds\" and masquerade port exhaustion look from the kernel: "
			"two flows that NAT makes identical, the second one refused.",
		.fix = "Watch conntrack -S for insert_failed rising. Give the masquerade room: "
		       "--random-fully on MASQUERADE/SNAT (fully random source ports), more SNAT "
		       "addresses or a wider port range, fewer short UDP flows through the NAT "
		       "(NodeLocal DNSCache; 'options single-request-reopen' or TCP for DNS), and a "
		       "kernel with the UDP clash fixes (5.0+) for the parallel A/AAAA race.",
	},
	{
		.name = "rp-filter",
		.title = "strict reverse-path filtering with an asymmetric route",
		.breakage = "node2 has rp_filter=1 and routes traffic for node1's pods over the "
			    "underlay (eth0) instead of the overlay",
		.script = "nsx node2 sysctl -qw net.ipv4.conf.all.rp_filter=1\n"
			  "ip -n ${P}node2 route replace 10.244.1.0/24 via " DEMO_NODE1_IP
			  " dev eth0\n",
		.traffic = PING_POD_C,
		.probe = ICMP_TO_POD_C,
		.expect = { .fate = "dropped",
			    .reason = "IP_RPFILTER",
			    .netns = "node2",
			    .layer = "node",
			    .check_item = "rp_filter" },
		.explain = "The request arrives on node2's flannel.1 from " DEMO_POD_A_IP ". "
			   "Strict reverse-path filtering checks the route back to the source: it "
			   "leaves by eth0, not flannel.1, so the source looks spoofed and the "
			   "packet is dropped with IP_RPFILTER before it is routed. The asymmetric "
			   "route is the fault; rp_filter makes it fatal.",
		.fix = "Make the return route symmetric (ip route get SOURCE on the node should "
		       "name the interface the packet came in on), or use loose mode as most "
		       "CNIs expect: sysctl net.ipv4.conf.all.rp_filter=2.",
	},
	{
		.name = "healthy",
		.title = "a healthy cross-node flow, for comparison",
		.breakage = "nothing",
		.traffic = PING_POD_C,
		.probe = ICMP_TO_POD_C,
		.expect = { .fate = "delivered",
			    .netns = "pod-c",
			    .layer = "pod",
			    .check_item = "none" },
		.explain = "Request and reply each cross both nodes: pod-a's veth, node1's bridge, "
			   "flannel.1 (VXLAN, VNI 1), the underlay, node2's flannel.1, its bridge "
			   "and pod-c's veth, where the echo request is consumed; the reply takes "
			   "the mirror path back to pod-a. Put a failing scenario's timeline next "
			   "to this one to see where it stops.",
	},
	{ 0 },
};

const struct demo_scenario *demo_scenario__find(const char *name)
{
	for (const struct demo_scenario *s = demo_scenarios; s->name; s++)
		if (!strcmp(s->name, name))
			return s;
	return NULL;
}

void demo_scenario__report_unknown(const char *prog, const char *name)
{
	struct suggestion sg;
	const char *best;

	suggest__init(&sg, name, strlen(name));
	for (const struct demo_scenario *s = demo_scenarios; s->name; s++)
		suggest__consider(&sg, s->name);
	best = suggest__best(&sg);
	if (best)
		fprintf(stderr, "%s: unknown scenario '%s' (did you mean '%s'?)\n", prog, name,
			best);
	else
		fprintf(stderr, "%s: unknown scenario '%s' ('hoptrace demo --list' shows them)\n",
			prog, name);
}

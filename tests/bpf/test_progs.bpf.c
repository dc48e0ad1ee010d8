// SPDX-License-Identifier: GPL-2.0
/* Programs that stand in for a CNI's in the tests (loaded by tests/tools/bpf_attach.c):
 * one that has no opinion, and one per attach point that drops UDP to drop_port. */
#include "vmlinux.h"
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define ETH_HLEN 14
#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD
#define IPV6_HLEN 40
/* TC_ACT_* are macros of the uapi, absent from vmlinux.h. */
#define TC_ACT_UNSPEC (-1)
#define TC_ACT_SHOT 2

/* Host order; set by the loader before load. */
const volatile __u16 drop_port = 7777;

/* Whether the IPv4 or IPv6 packet starting at l3 in skb is UDP to drop_port. IPv6
 * extension headers are not walked: the tests send plain UDP. */
static __always_inline bool skb_udp_to_port(struct __sk_buff *skb, __u32 l3)
{
	__u8 first, proto;
	__u16 dport;
	__u32 l4;

	if (skb->protocol == bpf_htons(ETH_P_IP)) {
		if (bpf_skb_load_bytes(skb, l3, &first, 1) ||
		    bpf_skb_load_bytes(skb, l3 + 9, &proto, 1))
			return false;
		l4 = l3 + (first & 0xf) * 4; /* the header length is in 32-bit words */
	} else if (skb->protocol == bpf_htons(ETH_P_IPV6)) {
		if (bpf_skb_load_bytes(skb, l3 + 6, &proto, 1))
			return false;
		l4 = l3 + IPV6_HLEN;
	} else {
		return false;
	}
	return proto == IPPROTO_UDP && !bpf_skb_load_bytes(skb, l4 + 2, &dport, 2) &&
	       dport == bpf_htons(drop_port);
}

/* TC_ACT_UNSPEC, not TC_ACT_OK: a direct-action filter's TC_ACT_OK would end the chain,
 * while UNSPEC lets the next filter or program decide. */
SEC("tc")
int tc_pass_all(struct __sk_buff *skb)
{
	return TC_ACT_UNSPEC;
}

/* On a veth's tc hooks the skb's data starts at the Ethernet header. */
SEC("tc")
int tc_drop_udp_port(struct __sk_buff *skb)
{
	return skb_udp_to_port(skb, ETH_HLEN) ? TC_ACT_SHOT : TC_ACT_UNSPEC;
}

SEC("xdp")
int xdp_drop_udp_port(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct udphdr *udp;
	__u8 proto;

	if ((void *)(eth + 1) > end)
		return XDP_PASS;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);

		if ((void *)(ip + 1) > end)
			return XDP_PASS;
		proto = ip->protocol;
		udp = (void *)ip + ip->ihl * 4;
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if ((void *)(ip6 + 1) > end)
			return XDP_PASS;
		proto = ip6->nexthdr;
		udp = (void *)(ip6 + 1);
	} else {
		return XDP_PASS;
	}
	if (proto != IPPROTO_UDP || (void *)(udp + 1) > end)
		return XDP_PASS;
	return udp->dest == bpf_htons(drop_port) ? XDP_DROP : XDP_PASS;
}

/* A cgroup skb program sees the packet from its IP header; 1 lets it pass, 0 drops it. */
SEC("cgroup_skb/egress")
int cg_drop_udp_port(struct __sk_buff *skb)
{
	return skb_udp_to_port(skb, 0) ? 0 : 1;
}

char LICENSE[] SEC("license") = "GPL";

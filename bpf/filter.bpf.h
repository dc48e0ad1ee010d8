/* SPDX-License-Identifier: GPL-2.0 */
/* The in-kernel filter: pod addresses and CIDRs, peer, protocol and port, all read from
 * rodata so a disabled test costs nothing. */
#ifndef FILTER_BPF_H
#define FILTER_BPF_H

static __always_inline bool cidr_contains(const volatile struct hop_cidr *c, __u8 family,
					  const __u32 *a)
{
	if (c->family != family)
		return false;
	if ((a[0] & c->mask[0]) != c->addr[0])
		return false;
	if (family == HOP_AF_INET)
		return true;
	return (a[1] & c->mask[1]) == c->addr[1] && (a[2] & c->mask[2]) == c->addr[2] &&
	       (a[3] & c->mask[3]) == c->addr[3];
}

static __always_inline bool set_contains(const volatile struct hop_cidr *set, __u32 count,
					 __u8 family, const __u32 *a)
{
	for (int i = 0; i < HOPTRACE_MAX_CIDRS; i++) {
		if (i >= count)
			break;
		if (cidr_contains(&set[i], family, a))
			return true;
	}
	return false;
}

static __always_inline bool tuple_matches(const struct hop_tuple *t)
{
	const __u32 *src = (const __u32 *)t->saddr, *dst = (const __u32 *)t->daddr;
	bool src_pod = set_contains(cfg_pod, cfg_pod_count, t->family, src);
	bool dst_pod = set_contains(cfg_pod, cfg_pod_count, t->family, dst);

	if (!src_pod && !dst_pod)
		return false;
	if (cfg_proto && t->proto != cfg_proto)
		return false;
	if (cfg_port && t->sport != cfg_port && t->dport != cfg_port)
		return false;
	if (!cfg_peer_count)
		return true;
	/* The peer is the other end; pod-to-pod traffic has a pod on both. */
	return (src_pod && set_contains(cfg_peer, cfg_peer_count, t->family, dst)) ||
	       (dst_pod && set_contains(cfg_peer, cfg_peer_count, t->family, src));
}

#define UDP_HLEN 8
#define TUNNEL_HLEN 8
#define ETH_P_TEB 0x6558

/* A pod address inside a VXLAN or Geneve packet matches too: on the receiving node the
 * first sighting of a pod's packet is its outer, node-to-node header. */
static __always_inline bool tunnel_inner_matches(const struct skb_view *outer)
{
	struct skb_view inner = { .head = outer->head };
	__u32 eth_off = outer->l4_off + UDP_HLEN + TUNNEL_HLEN;
	__u8 geneve[4];

	if (!outer->l3_ok || outer->tuple.proto != IPPROTO_UDP)
		return false;
	if (outer->tuple.dport == HOP_GENEVE_PORT) {
		if (bpf_probe_read_kernel(geneve, sizeof(geneve), outer->head + outer->l4_off + 8))
			return false;
		if (geneve[2] != (ETH_P_TEB >> 8) || geneve[3] != (ETH_P_TEB & 0xff))
			return false;
		eth_off += (geneve[0] & 0x3f) * 4;
	} else if (outer->tuple.dport != HOP_VXLAN_PORT &&
		   outer->tuple.dport != HOP_VXLAN_LINUX_PORT) {
		return false;
	}
	return parse_l3_at(&inner, eth_off + ETH_HLEN, 0) && tuple_matches(&inner.tuple);
}

#endif /* FILTER_BPF_H */

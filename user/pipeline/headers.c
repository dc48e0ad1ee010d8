// SPDX-License-Identifier: GPL-2.0
/* Header decoding on captured bytes, bounds-checked at every step (the bytes come from the
 * kernel, truncated at the snap length). */
#include <string.h>
#include "pipeline/headers.h"

#define ETH_HLEN 14
#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD
#define ETH_P_TEB 0x6558
#define UDP_HLEN 8
#define VXLAN_HLEN 8
#define GENEVE_HLEN 8

static void ports(struct hop_tuple *t, const __u8 *l4, __u32 avail)
{
	if (avail < 4 || (t->proto != 6 && t->proto != 17 && t->proto != 132))
		return;
	t->sport = headers__be16(l4);
	t->dport = headers__be16(l4 + 2);
}

/* headers__ip_tuple, inlined into the tunnel check that every hop makes (skb_reuse.c). */
static inline __attribute__((always_inline)) int ip_tuple(const __u8 *data, __u32 len,
							  struct hop_tuple *t, __u32 *l4_off)
{
	__u32 ihl;

	memset(t, 0, sizeof(*t));
	*l4_off = 0;
	if (len < 20)
		return 0;
	if (data[0] >> 4 == 4) {
		ihl = (data[0] & 0x0f) * 4;
		if (ihl < 20 || len < ihl)
			return 0;
		t->family = HOP_AF_INET;
		t->proto = data[9];
		memcpy(t->saddr, data + 12, 4);
		memcpy(t->daddr, data + 16, 4);
		/* A later fragment carries no transport header. */
		if (!(headers__be16(data + 6) & 0x1fff)) {
			*l4_off = ihl;
			ports(t, data + ihl, len - ihl);
		}
		return ihl;
	}
	if (data[0] >> 4 == 6 && len >= 40) {
		t->family = HOP_AF_INET6;
		t->proto = data[6];
		memcpy(t->saddr, data + 8, 16);
		memcpy(t->daddr, data + 24, 16);
		*l4_off = 40;
		ports(t, data + 40, len - 40);
		return 40;
	}
	return 0;
}

int headers__ip_tuple(const __u8 *data, __u32 len, struct hop_tuple *t, __u32 *l4_off)
{
	return ip_tuple(data, len, t, l4_off);
}

/* Skips the Ethernet header of an inner frame; returns the IP header's offset or 0. */
static __u32 inner_ip_offset(const __u8 *data, __u32 off, __u32 len)
{
	__u16 type;

	if (off + ETH_HLEN > len)
		return 0;
	type = headers__be16(data + off + 12);
	return type == ETH_P_IP || type == ETH_P_IPV6 ? off + ETH_HLEN : 0;
}

/* Where the tunnel's inner Ethernet frame starts, after the UDP header at udp; 0 if none. */
static __u32 tunnel_payload(const __u8 *data, __u32 udp, __u32 len, struct tunnel_info *ti)
{
	const __u8 *h = data + udp + UDP_HLEN;

	if (udp + UDP_HLEN + 8 > len)
		return 0;
	if (ti->outer.dport == HOP_VXLAN_PORT || ti->outer.dport == HOP_VXLAN_LINUX_PORT) {
		if (!(h[0] & 0x08)) /* the I flag: a valid VNI */
			return 0;
		ti->kind = "vxlan";
		ti->vni = (__u32)h[4] << 16 | (__u32)h[5] << 8 | h[6];
		return udp + UDP_HLEN + VXLAN_HLEN;
	}
	if (ti->outer.dport == HOP_GENEVE_PORT && headers__be16(h + 2) == ETH_P_TEB) {
		ti->kind = "geneve";
		ti->vni = (__u32)h[4] << 16 | (__u32)h[5] << 8 | h[6];
		return udp + UDP_HLEN + GENEVE_HLEN + (h[0] & 0x3f) * 4;
	}
	return 0;
}

/* The offset of the first IP header in the hop's bytes (after an Ethernet header), or -1. */
static int ip_offset(const struct hop_event *ev, const __u8 *data)
{
	__u32 len = ev->cap_len;

	if (!data || !len)
		return -1;
	if (!(ev->flags & HOP_F_L2))
		return 0;
	if (len < ETH_HLEN ||
	    (headers__be16(data + 12) != ETH_P_IP && headers__be16(data + 12) != ETH_P_IPV6))
		return -1;
	return ETH_HLEN;
}

/* Fills ti when the IP packet at off is a VXLAN or Geneve packet with an inner IPv4/IPv6
 * header; returns that header's offset, or 0. */
static __u32 tunnel_at(const __u8 *data, __u32 off, __u32 len, struct tunnel_info *ti)
{
	__u32 l4, eth;
	int ihl;

	ihl = ip_tuple(data + off, len - off, &ti->outer, &l4);
	if (!ihl || !l4 || ti->outer.proto != 17)
		return 0;
	eth = tunnel_payload(data, off + ihl, len, ti);
	off = eth ? inner_ip_offset(data, eth, len) : 0;
	return off && ip_tuple(data + off, len - off, &ti->inner, &l4) ? off : 0;
}

bool headers__tunnel(const struct hop_event *ev, const __u8 *data, struct tunnel_info *ti)
{
	int off = ip_offset(ev, data);

	memset(ti, 0, sizeof(*ti));
	return off >= 0 && tunnel_at(data, off, ev->cap_len, ti);
}

bool headers__pod_packet(const struct hop_event *ev, const __u8 *data, struct hop_tuple *t,
			 __u32 *l4_off)
{
	int off = ip_offset(ev, data);
	struct tunnel_info ti = {};
	__u32 inner, l4;

	*l4_off = 0;
	if (off < 0)
		return false;
	inner = tunnel_at(data, off, ev->cap_len, &ti);
	if (inner)
		off = inner;
	if (!ip_tuple(data + off, ev->cap_len - off, t, &l4))
		return false;
	*l4_off = l4 ? off + l4 : 0;
	return true;
}

int headers__pod_l3(const struct hop_event *ev, const __u8 *data)
{
	int off = ip_offset(ev, data);
	struct tunnel_info ti = {};
	__u32 inner;

	if (off < 0)
		return -1;
	inner = tunnel_at(data, off, ev->cap_len, &ti);
	return inner ? (int)inner : off;
}

bool headers__tunnel_outer(__u8 proto, __u16 dport)
{
	switch (proto) {
	case 17: /* UDP */
		return dport == HOP_VXLAN_PORT || dport == HOP_VXLAN_LINUX_PORT ||
		       dport == HOP_GENEVE_PORT;
	case 4:	 /* IP in IP */
	case 41: /* IPv6 in IP */
	case 47: /* GRE */
	case 50: /* ESP */
	case 51: /* AH */
		return true;
	default:
		return false;
	}
}

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

static __u16 be16(const __u8 *p)
{
	return (__u16)(p[0] << 8 | p[1]);
}

static void ports(struct hop_tuple *t, const __u8 *l4, __u32 avail)
{
	if (avail < 4 || (t->proto != 6 && t->proto != 17 && t->proto != 132))
		return;
	t->sport = be16(l4);
	t->dport = be16(l4 + 2);
}

/* Parses an IPv4/IPv6 header and ports at data into t. Returns the header length, or 0. */
static int ip_tuple(const __u8 *data, __u32 len, struct hop_tuple *t)
{
	__u32 ihl;

	memset(t, 0, sizeof(*t));
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
		if (!(be16(data + 6) & 0x1fff))
			ports(t, data + ihl, len - ihl);
		return ihl;
	}
	if (data[0] >> 4 == 6 && len >= 40) {
		t->family = HOP_AF_INET6;
		t->proto = data[6];
		memcpy(t->saddr, data + 8, 16);
		memcpy(t->daddr, data + 24, 16);
		ports(t, data + 40, len - 40);
		return 40;
	}
	return 0;
}

/* Skips the Ethernet header of an inner frame; returns the IP header's offset or 0. */
static __u32 inner_ip_offset(const __u8 *data, __u32 off, __u32 len)
{
	__u16 type;

	if (off + ETH_HLEN > len)
		return 0;
	type = be16(data + off + 12);
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
	if (ti->outer.dport == HOP_GENEVE_PORT && be16(h + 2) == ETH_P_TEB) {
		ti->kind = "geneve";
		ti->vni = (__u32)h[4] << 16 | (__u32)h[5] << 8 | h[6];
		return udp + UDP_HLEN + GENEVE_HLEN + (h[0] & 0x3f) * 4;
	}
	return 0;
}

/* The offset of the inner IP header when the hop's bytes hold a tunnelled packet (fills
 * ti), else 0. */
static __u32 tunnel_inner(const struct hop_event *ev, const __u8 *data, struct tunnel_info *ti)
{
	__u32 len = ev->cap_len, off = 0, eth;
	int ihl;

	memset(ti, 0, sizeof(*ti));
	if (!data || !len)
		return 0;
	if (ev->flags & HOP_F_L2) {
		if (len < ETH_HLEN ||
		    (be16(data + 12) != ETH_P_IP && be16(data + 12) != ETH_P_IPV6))
			return 0;
		off = ETH_HLEN;
	}
	ihl = ip_tuple(data + off, len - off, &ti->outer);
	if (!ihl || ti->outer.proto != 17)
		return 0;
	eth = tunnel_payload(data, off + ihl, len, ti);
	off = eth ? inner_ip_offset(data, eth, len) : 0;
	return off && ip_tuple(data + off, len - off, &ti->inner) ? off : 0;
}

bool headers__tunnel(const struct hop_event *ev, const __u8 *data, struct tunnel_info *ti)
{
	return tunnel_inner(ev, data, ti) != 0;
}

int headers__pod_l3(const struct hop_event *ev, const __u8 *data)
{
	struct tunnel_info ti;
	__u32 inner = tunnel_inner(ev, data, &ti);

	if (inner)
		return (int)inner;
	if (!data || !ev->cap_len)
		return -1;
	if (!(ev->flags & HOP_F_L2))
		return 0;
	if (ev->cap_len < ETH_HLEN ||
	    (be16(data + 12) != ETH_P_IP && be16(data + 12) != ETH_P_IPV6))
		return -1;
	return ETH_HLEN;
}

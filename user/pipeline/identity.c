// SPDX-License-Identifier: GPL-2.0
/* Reading and comparing a packet's identity (identity.h), bounds-checked on captured bytes. */
#include <string.h>
#include "pipeline/headers.h"
#include "pipeline/identity.h"

#define PROTO_ICMP 1
#define PROTO_IPIP 4
#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_IPV6 41
#define PROTO_FRAGMENT 44
#define PROTO_GRE 47
#define PROTO_ESP 50
#define PROTO_AH 51
#define PROTO_ICMPV6 58
#define TCP_FLAGS_KEPT 0x17 /* FIN, SYN, RST, ACK */

static __u16 be16(const __u8 *p)
{
	return (__u16)(p[0] << 8 | p[1]);
}

static __u32 be32(const __u8 *p)
{
	return (__u32)p[0] << 24 | (__u32)p[1] << 16 | (__u32)p[2] << 8 | p[3];
}

static bool carries_other_packet(__u8 proto)
{
	return proto == PROTO_IPIP || proto == PROTO_IPV6 || proto == PROTO_GRE ||
	       proto == PROTO_ESP || proto == PROTO_AH;
}

static bool tunnel_port(__u16 port)
{
	return port == HOP_VXLAN_PORT || port == HOP_VXLAN_LINUX_PORT || port == HOP_GENEVE_PORT;
}

static bool is_echo(__u8 proto, __u8 type)
{
	if (proto == PROTO_ICMP)
		return type == 0 || type == 8;
	return type == 128 || type == 129;
}

/* The transport fields at l4 (avail bytes). False for a UDP packet of a tunnel port: its
 * inner packet, not captured, is the pod's. */
static bool read_l4(struct packet_identity *id, const __u8 *l4, __u32 avail)
{
	switch (id->proto) {
	case PROTO_TCP:
		if (avail < 14)
			return true;
		id->tcp_seq = be32(l4 + 4);
		id->tcp_ack = be32(l4 + 8);
		id->tcp_flags = l4[13] & TCP_FLAGS_KEPT;
		break;
	case PROTO_UDP:
		if (avail < 8)
			return true;
		if (tunnel_port(be16(l4 + 2)))
			return false;
		id->udp_len = be16(l4 + 4);
		break;
	case PROTO_ICMP:
	case PROTO_ICMPV6:
		if (avail < 8)
			return true;
		id->icmp_type = l4[0];
		id->icmp_code = l4[1];
		id->icmp_echo = is_echo(id->proto, l4[0]);
		if (id->icmp_echo)
			id->icmp_seq = be16(l4 + 6);
		break;
	default:
		return true;
	}
	id->has_l4 = true;
	return true;
}

bool identity__read(const struct hop_event *ev, const __u8 *data, struct packet_identity *id)
{
	int off = headers__pod_l3(ev, data);
	__u32 len, l4;
	const __u8 *ip;

	memset(id, 0, sizeof(*id));
	if (off < 0 || (__u32)off >= ev->cap_len)
		return false;
	ip = data + off;
	len = ev->cap_len - off;
	if (len >= 20 && ip[0] >> 4 == 4) {
		id->family = HOP_AF_INET;
		id->proto = ip[9];
		id->ip_id = be16(ip + 4);
		id->has_ip_id = true;
		l4 = (ip[0] & 0x0f) * 4;
		/* A later fragment holds no transport header. */
		if (be16(ip + 6) & 0x1fff)
			return !carries_other_packet(id->proto);
	} else if (len >= 40 && ip[0] >> 4 == 6) {
		id->family = HOP_AF_INET6;
		id->proto = ip[6];
		l4 = 40;
		/* A fragment header comes with fragmentation and goes with reassembly. */
		if (id->proto == PROTO_FRAGMENT)
			return false;
	} else {
		return false;
	}
	if (carries_other_packet(id->proto))
		return false;
	return l4 >= len ? true : read_l4(id, ip + l4, len - l4);
}

bool identity__same(const struct packet_identity *a, const struct packet_identity *b)
{
	if (a->family != b->family || a->proto != b->proto)
		return false;
	if (a->has_ip_id && b->has_ip_id && a->ip_id != b->ip_id)
		return false;
	if (!a->has_l4 || !b->has_l4)
		return true;
	switch (a->proto) {
	case PROTO_TCP:
		return a->tcp_seq == b->tcp_seq && a->tcp_ack == b->tcp_ack &&
		       a->tcp_flags == b->tcp_flags;
	case PROTO_UDP:
		return a->udp_len == b->udp_len;
	default:
		return a->icmp_type == b->icmp_type && a->icmp_code == b->icmp_code &&
		       a->icmp_seq == b->icmp_seq;
	}
}

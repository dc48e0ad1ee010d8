// SPDX-License-Identifier: GPL-2.0
/* Reading and comparing a packet's identity (identity.h) on captured bytes, with the header
 * and ICMP parsers of headers.c and icmp.c. */
#include <string.h>
#include "pipeline/headers.h"
#include "pipeline/icmp.h"
#include "pipeline/identity.h"

#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_FRAGMENT 44
#define TCP_FLAGS_KEPT 0x17 /* FIN, SYN, RST, ACK */

/* The transport fields at l4 (avail bytes), where they were captured. */
static void read_l4(struct packet_identity *id, const __u8 *l4, __u32 avail)
{
	struct icmp_facts f;

	switch (id->proto) {
	case PROTO_TCP:
		if (avail < 14)
			return;
		id->tcp_seq = headers__be32(l4 + 4);
		id->tcp_ack = headers__be32(l4 + 8);
		id->tcp_flags = l4[13] & TCP_FLAGS_KEPT;
		break;
	case PROTO_UDP:
		if (avail < 8)
			return;
		id->udp_len = headers__be16(l4 + 4);
		break;
	case HOP_IPPROTO_ICMP:
	case HOP_IPPROTO_ICMPV6:
		if (!icmp__parse(id->family, l4, avail, &f) || avail < 8)
			return;
		id->icmp_type = f.type;
		id->icmp_code = f.code;
		id->icmp_echo = f.role == ICMP_ROLE_REQUEST || f.role == ICMP_ROLE_REPLY;
		id->icmp_seq = f.seq;
		break;
	default:
		return;
	}
	id->has_l4 = true;
}

bool identity__read(const struct hop_event *ev, const __u8 *data, struct packet_identity *id)
{
	int off = headers__pod_l3(ev, data);
	struct hop_tuple t;
	const __u8 *ip;
	__u32 len, l4;

	memset(id, 0, sizeof(*id));
	if (off < 0 || (__u32)off >= ev->cap_len)
		return false;
	ip = data + off;
	len = ev->cap_len - off;
	if (!headers__ip_tuple(ip, len, &t, &l4))
		return false;
	/* A tunnel's own header says nothing of the pod's packet (its inner one was not
	 * captured), and an IPv6 fragment header comes with fragmentation and goes with
	 * reassembly. */
	if (headers__tunnel_outer(t.proto, t.dport) ||
	    (t.family == HOP_AF_INET6 && t.proto == PROTO_FRAGMENT))
		return false;
	id->family = t.family;
	id->proto = t.proto;
	if (t.family == HOP_AF_INET) {
		id->ip_id = headers__be16(ip + 4);
		id->has_ip_id = true;
	}
	/* A later fragment holds no transport header (l4 is 0). */
	if (l4 && l4 < len)
		read_l4(id, ip + l4, len - l4);
	return true;
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

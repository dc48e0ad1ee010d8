/* SPDX-License-Identifier: GPL-2.0 */
/* A packet's identity: what its headers keep from its first hop to its last, whatever skb
 * carries it and whatever NAT does to its addresses and ports. The IPv4 ID, the TCP
 * sequence and acknowledgement numbers and flags, the UDP length, the ICMP type, code and
 * echo sequence. An skb address the kernel reused for the next segment of the same flow
 * (same tuple) shows a different identity. */
#ifndef PIPELINE_IDENTITY_H
#define PIPELINE_IDENTITY_H

#include <stdbool.h>
#include <linux/types.h>
#include "hoptrace.h"

struct packet_identity {
	__u8 family; /* HOP_AF_INET, HOP_AF_INET6 */
	__u8 proto;
	bool has_ip_id; /* IPv4 */
	bool has_l4;	/* the transport fields below were in the captured bytes */
	__u16 ip_id;
	__u8 tcp_flags; /* SYN, FIN, RST, ACK: what segmentation and GRO leave alone */
	__u8 icmp_type;
	__u8 icmp_code;
	bool icmp_echo;
	__u16 icmp_seq; /* echo only; the echo id is NAT's to change */
	__u16 udp_len;
	__u32 tcp_seq;
	__u32 tcp_ack;
};

/* Reads the identity of the pod's packet (the inner one in a VXLAN or Geneve tunnel) from
 * a hop's bytes. False when they hold none, or a packet whose own headers say nothing of
 * the pod's (IP in IP, GRE, IPsec, a tunnel port whose inner packet was not captured). */
bool identity__read(const struct hop_event *ev, const __u8 *data, struct packet_identity *id);

/* False only when both identities show a field that differs: a different packet. */
bool identity__same(const struct packet_identity *a, const struct packet_identity *b);

#endif /* PIPELINE_IDENTITY_H */

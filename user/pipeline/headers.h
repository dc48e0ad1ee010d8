/* SPDX-License-Identifier: GPL-2.0 */
/* Reading a hop's captured bytes: the tunnel (VXLAN, Geneve) around a pod's packet, the
 * inner packet's tuple and where its transport header starts, which the BPF side leaves to
 * user space. */
#ifndef HEADERS_H
#define HEADERS_H

#include <stdbool.h>
#include <linux/types.h>
#include "hoptrace.h"

/* Big-endian fields of captured bytes (the caller checked the length). */
static inline __u16 headers__be16(const __u8 *p)
{
	return (__u16)(p[0] << 8 | p[1]);
}

static inline __u32 headers__be32(const __u8 *p)
{
	return (__u32)p[0] << 24 | (__u32)p[1] << 16 | (__u32)p[2] << 8 | p[3];
}

struct tunnel_info {
	const char *kind; /* "vxlan" or "geneve" */
	__u32 vni;
	struct hop_tuple outer; /* the node-to-node header */
	struct hop_tuple inner; /* the pod's packet inside */
};

/* True when the hop's bytes hold a VXLAN or Geneve packet with an inner IPv4/IPv6 header;
 * fills ti. */
bool headers__tunnel(const struct hop_event *ev, const __u8 *data, struct tunnel_info *ti);

/* Parses the IPv4/IPv6 header at data (len bytes) and its ports into t. Returns the header's
 * length (IPv6: the fixed header; extension headers are left unparsed, as in BPF), or 0
 * when data holds none; *l4_off is the transport header's offset from data, 0 for a later
 * fragment. */
int headers__ip_tuple(const __u8 *data, __u32 len, struct hop_tuple *t, __u32 *l4_off);

/* The pod's packet in the hop's bytes: the inner packet inside a tunnel, else the packet.
 * Fills its tuple and the offset of its transport header in data (0 for a later fragment;
 * that offset may lie past the captured bytes). False when the bytes hold no IP header. */
bool headers__pod_packet(const struct hop_event *ev, const __u8 *data, struct hop_tuple *t,
			 __u32 *l4_off);

/* Whether a header of protocol proto (UDP: to port dport) carries another packet: IP in
 * IP, GRE, IPsec, or UDP to a VXLAN or Geneve port. Its own addresses and identity are the
 * tunnel's, not the pod packet's. */
bool headers__tunnel_outer(__u8 proto, __u16 dport);

/* Where the pod's packet (the inner one inside a VXLAN or Geneve tunnel) starts its IP
 * header in the hop's bytes, or -1 when the bytes hold none. */
int headers__pod_l3(const struct hop_event *ev, const __u8 *data);

#endif /* HEADERS_H */

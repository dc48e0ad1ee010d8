/* SPDX-License-Identifier: GPL-2.0 */
/* Reading a hop's captured bytes: the tunnel (VXLAN, Geneve) around a pod's packet and the
 * inner packet's tuple, which the BPF side leaves to user space. */
#ifndef HEADERS_H
#define HEADERS_H

#include <stdbool.h>
#include <linux/types.h>
#include "hoptrace.h"

struct tunnel_info {
	const char *kind; /* "vxlan" or "geneve" */
	__u32 vni;
	struct hop_tuple outer; /* the node-to-node header */
	struct hop_tuple inner; /* the pod's packet inside */
};

/* True when the hop's bytes hold a VXLAN or Geneve packet with an inner IPv4/IPv6 header;
 * fills ti. */
bool headers__tunnel(const struct hop_event *ev, const __u8 *data, struct tunnel_info *ti);

/* Where the pod's packet (the inner one inside a VXLAN or Geneve tunnel) starts its IP
 * header in the hop's bytes, or -1 when the bytes hold none. */
int headers__pod_l3(const struct hop_event *ev, const __u8 *data);

#endif /* HEADERS_H */

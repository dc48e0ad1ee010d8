/* SPDX-License-Identifier: GPL-2.0 */
/* The layers of `hoptrace check`, each adding its lines to the report. */
#ifndef CHECK_CHECK_LAYERS_H
#define CHECK_CHECK_LAYERS_H

#include "check/check.h"

/* The pod: its namespace, the device holding its address, its route to the peer. */
void check_layers__pod(struct check_report *r, struct check_side *s, const char *peer);

/* Pod to pod: the gateway's neighbour entry, the host veth, forwarding and the node's
 * route to the peer (which also finds the tunnel device, for the overlay layer). */
void check_layers__pod_to_pod(struct check_report *r, struct check_side *s, const char *peer);

/* The overlay: tunnel, VNI (against the peer's node's when this node holds it), remote
 * VTEPs, MTU. */
void check_layers__overlay(struct check_report *r, struct check_side *s,
			   const struct check_side *peer);

/* Finds s->node_tunnel: the node's VXLAN/Geneve device of that VNI, else its first. */
void check_layers__node_tunnel(struct check_side *s, int vni);

/* Reads kube-proxy's mode and whether the node translates the peer (before the route). */
void check_layers__service_read(struct check_side *s, const char *peer);

void check_layers__service(struct check_report *r, const struct check_side *s, const char *peer);
void check_layers__conntrack(struct check_report *r, const struct check_side *s);
void check_layers__rp_filter(struct check_report *r, struct check_side *s,
			     const struct check_side *from);
void check_layers__bridge_nf(struct check_report *r, const struct check_side *s);

#endif /* CHECK_CHECK_LAYERS_H */

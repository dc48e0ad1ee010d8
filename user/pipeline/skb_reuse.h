/* SPDX-License-Identifier: GPL-2.0 */
/* Whether a hop at an skb address that is still open belongs to a new packet. */
#ifndef PIPELINE_SKB_REUSE_H
#define PIPELINE_SKB_REUSE_H

#include <stdbool.h>
#include <linux/types.h>
#include "pipeline/timeline.h"

/* True when ev (with its captured bytes data) cannot be a hop of p: the BPF side saw a fresh
 * match (unless ev ends a life: a drop or free of p itself, if no socket took p), the path
 * says so (another namespace with no device between, a family or tuple no NAT or tunnel
 * explains), or a socket took p's skb and ev cannot be that skb (a packet socket's, a
 * clone, another buffer). With events lost only the BPF side's word and the taken skb's
 * count. */
bool skb_reuse__new_life(const struct packet *p, const struct hop_event *ev, const __u8 *data,
			 bool ends_life);

#endif /* PIPELINE_SKB_REUSE_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* The flow table: packets of one conversation, both directions, share a flow; an ICMP error
 * shares the flow of the packet it quotes. */
#ifndef PIPELINE_FLOWS_H
#define PIPELINE_FLOWS_H

#include <stdbool.h>
#include "pipeline/timeline.h"

#define FLOW_BUCKETS 16384

struct flow_entry;

struct flow_table {
	struct flow_entry *buckets[FLOW_BUCKETS];
	int count;     /* entries: flows, and the tuples NAT gave their packets */
	__u64 next_id; /* start it at 1: 0 means "no flow" */
};

/* Places p in a flow by its hop ev, which has a tuple (data: the hop's bytes, or NULL). At
 * the packet's first such hop it joins its flow (made when new) and keeps its ICMP message;
 * at a later hop whose tuple NAT rewrote, the rewritten tuple is remembered as the flow's,
 * so that an answer to it (a reply, an ICMP error quoting it) finds the flow. Without
 * memory, the packet stays without a flow (flow_id 0) or the tuple is not remembered. */
void flow_table__place(struct flow_table *ft, struct packet *p, const struct hop_event *ev,
		       const __u8 *data);

/* Forgets every flow (ids keep counting). */
void flow_table__clear(struct flow_table *ft);

#endif /* PIPELINE_FLOWS_H */

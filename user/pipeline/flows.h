/* SPDX-License-Identifier: GPL-2.0 */
/* The flow table: packets of one conversation, both directions, share a flow. */
#ifndef PIPELINE_FLOWS_H
#define PIPELINE_FLOWS_H

#include <stdbool.h>
#include "pipeline/timeline.h"

#define FLOW_BUCKETS 16384

struct flow_table {
	struct flow *buckets[FLOW_BUCKETS];
	int count;
	__u64 next_id; /* start it at 1: 0 means "no flow" */
};

/* The flow of tuple t, made when new; reverse says whether t runs against the flow's first
 * packet. NULL on ENOMEM. */
struct flow *flow_table__find(struct flow_table *ft, const struct hop_tuple *t, bool *reverse);

/* Forgets every flow (ids keep counting). */
void flow_table__clear(struct flow_table *ft);

#endif /* PIPELINE_FLOWS_H */

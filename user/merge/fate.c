// SPDX-License-Identifier: GPL-2.0
/* One verdict for a packet's whole path across nodes, and the flows of the merged packets.
 *
 * A node that freed the packet decides: dropped there. Otherwise the last node it reached
 * does: delivered there (or no route). When the last node sent it out (its last hop a
 * transmit, or a device's free after one) and the node it was headed to never saw it,
 * although that node's trace ran then and for MERGE_IN_FLIGHT_NS after, it was lost between
 * the two: neither node freed it. The node it was headed to is the one that owns its
 * destination: the tunnel's outer destination, else its own, as the other traces show them
 * (addresses packets arrived for, or left from); with two nodes, the other one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "merge/merge.h"

/* Addresses each node showed as its own. */
struct node_addrs {
	char **addr;
	int count, cap;
};

/* What the verdict reads of a hop: its tuples and place. */
static const char *const hop_members[] = { "tuple", "vxlan", "geneve", "ifname", "netns_name" };

static const cJSON *hop_of(const struct merge_input *in, const struct merge_hop *h, cJSON **owned)
{
	return merge_hop__members(in, h, hop_members, sizeof(hop_members) / sizeof(hop_members[0]),
				  owned);
}

static const cJSON *tunnel_of(const cJSON *hop)
{
	const cJSON *t = mj__obj(hop, "vxlan");

	return t ? t : mj__obj(hop, "geneve");
}

static void add_addr(struct node_addrs *na, const char *a)
{
	if (!a)
		return;
	for (int i = 0; i < na->count; i++)
		if (!strcmp(na->addr[i], a))
			return;
	if (na->count == na->cap) {
		int cap = na->cap ? na->cap * 2 : 16;
		void *n = realloc(na->addr, (size_t)cap * sizeof(*na->addr));

		if (!n)
			return;
		na->addr = n;
		na->cap = cap;
	}
	na->addr[na->count] = strdup(a);
	if (na->addr[na->count])
		na->count++;
}

/* The tuple of a hop on the wire between nodes: the tunnel's outer one, else its own. */
static const cJSON *wire_tuple(const cJSON *hop)
{
	const cJSON *t = tunnel_of(hop);

	return t ? mj__obj(t, "outer") : mj__obj(hop, "tuple");
}

static void collect_addrs(const struct merge_input *in, struct node_addrs *na)
{
	for (int i = 0; i < in->part_count; i++) {
		const struct merge_part *p = &in->parts[i];
		const cJSON *first, *last;
		cJSON *first_owned, *last_owned = NULL;

		if (p->first_kernel < 0)
			continue;
		first = hop_of(in, &p->hops[p->first_kernel], &first_owned);
		last = p->last_kernel == p->first_kernel ?
			       first :
			       hop_of(in, &p->hops[p->last_kernel], &last_owned);
		if (p->arrived) {
			add_addr(na, mj__str(wire_tuple(first), "dst"));
			add_addr(na, mj__str(mj__obj(first, "tuple"), "dst"));
		} else {
			add_addr(na, mj__str(mj__obj(first, "tuple"), "src"));
		}
		if (p->left_node)
			add_addr(na, mj__str(wire_tuple(last), "src"));
		cJSON_Delete(first_owned);
		cJSON_Delete(last_owned);
	}
}

static bool owns(const struct node_addrs *na, const char *a)
{
	for (int i = 0; a && i < na->count; i++)
		if (!strcmp(na->addr[i], a))
			return true;
	return false;
}

/* The input a packet that left `from` was headed to, or -1. */
static int headed_to(const struct merge_set *set, const struct node_addrs *na, int from,
		     const cJSON *last_hop)
{
	const char *dst = mj__str(wire_tuple(last_hop), "dst");

	for (int i = 0; i < set->input_count; i++)
		if (i != from && owns(&na[i], dst))
			return i;
	if (set->input_count == 2)
		return 1 - from;
	return -1;
}

/* Whether input `to`'s trace ran from before t until MERGE_IN_FLIGHT_NS after it. */
static bool covered(const struct merge_input *to, long long t)
{
	return merge__ts(to, to->start_real_ns) <= t &&
	       merge__ts(to, to->end_real_ns) >= t + MERGE_IN_FLIGHT_NS;
}

/* The part's own verdict line, as its node's trace wrote it. */
static const char *part_verdict(const struct merge_set *set, const struct merge_part *p, char *buf,
				size_t size)
{
	cJSON *owned;
	const cJSON *packet = merge_part__packet(&set->inputs[p->input], p, &owned);
	const char *v = mj__str(packet, "verdict");
	const cJSON *drop = mj__obj(packet, "drop");

	/* The verdict as it is (the merged verdict cuts it), else its words in 1 KiB. */
	if (v)
		snprintf(buf, size, "%s", v);
	else
		snprintf(buf, size < 1024 ? size : 1024, "%s%s%s%s%s",
			 mj__str(packet, "fate") ?: "unknown", drop ? ": " : "",
			 drop ? mj__str(drop, "reason") ?: "" : "", drop ? " at " : "",
			 drop ? mj__str(drop, "location") ?: "" : "");
	cJSON_Delete(owned);
	return buf;
}

static void where(const cJSON *hop, char *buf, size_t size)
{
	snprintf(buf, size, "%s (netns %s)", mj__str(hop, "ifname") ?: "-",
		 mj__str(hop, "netns_name") ?: "?");
}

/* The packet's fate and its verdict's words, into v. */
static void judge_packet(const struct merge_set *set, const struct node_addrs *na,
			 struct merge_packet *mp, char *v, size_t size)
{
	const struct merge_part *last = mp->parts[mp->part_count - 1];
	const struct merge_input *lin = &set->inputs[last->input];
	const char *fate = last->fate ?: "unknown";
	const cJSON *last_hop;
	cJSON *owned;
	char pv[MERGE_VERDICT_MAX], dev[320];

	mp->lost_to = -1;
	for (int k = 0; k < mp->part_count; k++) {
		const struct merge_part *p = mp->parts[k];

		if (strcmp(p->fate ?: "", "dropped"))
			continue;
		mp->fate = "dropped";
		mp->fate_part = k;
		snprintf(v, size, "on %s: %s", set->inputs[p->input].label,
			 part_verdict(set, p, pv, sizeof(pv)));
		return;
	}
	mp->fate_part = mp->part_count - 1;
	if (!last->left_node && (!strcmp(fate, "delivered") || !strcmp(fate, "no_route"))) {
		mp->fate = !strcmp(fate, "delivered") ? "delivered" : "no_route";
		snprintf(v, size, "on %s: %s", lin->label, part_verdict(set, last, pv, sizeof(pv)));
		return;
	}
	mp->fate = "unknown";
	if (!last->left_node || last->last_kernel < 0) {
		snprintf(v, size, "on %s: %s", lin->label, part_verdict(set, last, pv, sizeof(pv)));
		return;
	}
	last_hop = hop_of(lin, &last->hops[last->last_kernel], &owned);
	where(last_hop, dev, sizeof(dev));
	mp->lost_to = headed_to(set, na, last->input, last_hop);
	cJSON_Delete(owned);
	if (mp->lost_to < 0) {
		snprintf(v, size, "unknown: it left %s on %s, headed to none of the merged nodes",
			 lin->label, dev);
		return;
	}
	if (!covered(&set->inputs[mp->lost_to],
		     merge__ts(lin, last->hops[last->last_kernel].ts_ns))) {
		snprintf(v, size,
			 "unknown: it left %s on %s for %s, whose trace did not run long enough "
			 "to see it arrive",
			 lin->label, dev, set->inputs[mp->lost_to].label);
		mp->lost_to = -1;
		return;
	}
	mp->fate = "lost";
	snprintf(v, size,
		 "LOST BETWEEN %s and %s: it left %s on %s and %s never saw it arrive; neither "
		 "node freed it",
		 lin->label, set->inputs[mp->lost_to].label, lin->label, dev,
		 set->inputs[mp->lost_to].label);
}

/* A node's flow: its input and the flow id its trace gave. */
struct node_flow {
	int input;
	unsigned long long flow;
};

static int compare_node_flows(const void *a, const void *b)
{
	const struct node_flow *x = a, *y = b;

	if (x->input != y->input)
		return x->input - y->input;
	return (x->flow > y->flow) - (x->flow < y->flow);
}

static int flow_index(const struct node_flow *flows, size_t n, const struct merge_part *p)
{
	struct node_flow key = { p->input, p->flow };
	const struct node_flow *at = bsearch(&key, flows, n, sizeof(*flows), compare_node_flows);

	return at ? (int)(at - flows) : -1;
}

static int root_of(int *parent, int x)
{
	while (parent[x] != x)
		x = parent[x] = parent[parent[x]];
	return x;
}

/* Flows: a node's flow and every flow its packets were joined to on other nodes are one;
 * numbered in the order of their first packets. */
static void assign_flows(struct merge_set *set)
{
	struct node_flow *flows;
	size_t n = 0, total = 0, u = 0;
	int *parent = NULL, *id = NULL;

	for (int i = 0; i < set->input_count; i++)
		total += (size_t)set->inputs[i].part_count;
	flows = calloc(total + 1, sizeof(*flows));
	if (!flows)
		return;
	for (int i = 0; i < set->input_count; i++)
		for (int k = 0; k < set->inputs[i].part_count; k++)
			if (set->inputs[i].parts[k].flow)
				flows[n++] = (struct node_flow){ i, set->inputs[i].parts[k].flow };
	qsort(flows, n, sizeof(*flows), compare_node_flows);
	for (size_t i = 0; i < n; i++)
		if (!u || compare_node_flows(&flows[u - 1], &flows[i]))
			flows[u++] = flows[i];
	parent = malloc((u + 1) * sizeof(*parent));
	id = calloc(u + 1, sizeof(*id));
	if (!parent || !id)
		goto out;
	for (size_t i = 0; i < u; i++)
		parent[i] = (int)i;
	for (int i = 0; i < set->packet_count; i++) {
		const struct merge_packet *mp = &set->packets[i];
		int r0 = -1;

		for (int k = 0; k < mp->part_count; k++) {
			int x = mp->parts[k]->flow ? flow_index(flows, u, mp->parts[k]) : -1;

			if (x < 0)
				continue;
			x = root_of(parent, x);
			if (r0 < 0)
				r0 = x;
			else if (x != r0)
				parent[x] = r0;
		}
	}
	for (int i = 0, next = 1; i < set->packet_count; i++) {
		struct merge_packet *mp = &set->packets[i];
		int x = -1;

		for (int k = 0; k < mp->part_count && x < 0; k++)
			if (mp->parts[k]->flow)
				x = flow_index(flows, u, mp->parts[k]);
		if (x < 0)
			continue;
		x = root_of(parent, x);
		if (!id[x])
			id[x] = next++;
		mp->flow = (unsigned long long)id[x];
	}
out:
	free(flows);
	free(parent);
	free(id);
}

void merge__judge(struct merge_set *set)
{
	struct node_addrs na[MERGE_MAX_INPUTS];

	memset(na, 0, sizeof(na));
	for (int i = 0; i < set->input_count; i++)
		collect_addrs(&set->inputs[i], &na[i]);
	for (int i = 0; i < set->packet_count; i++) {
		struct merge_packet *mp = &set->packets[i];
		char v[MERGE_VERDICT_MAX];

		judge_packet(set, na, mp, v, sizeof(v));
		mp->verdict = merge_store__add(&set->verdicts, v, strlen(v)) ?: "";
	}
	assign_flows(set);
	for (int i = 0; i < set->input_count; i++) {
		for (int k = 0; k < na[i].count; k++)
			free(na[i].addr[k]);
		free(na[i].addr);
	}
}

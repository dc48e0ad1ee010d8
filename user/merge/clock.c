// SPDX-License-Identifier: GPL-2.0
/* Each node's clock against the first input's, the way NTP bounds an offset from a request
 * and its reply. A packet that left node A (its last hop there a transmit) and arrived on
 * node B (its first hop there a receive) took a time >= 0 between them, so
 *     offset(B) - offset(A) < tB(arrived) - tA(left) =: d(A->B)
 * and one going back gives offset(B) - offset(A) > -d(B->A). With packets both ways the
 * offset lies in (-min d(B->A), min d(A->B)): its middle is the estimate, half the width
 * the bound (it holds whatever the delays were, as long as they were not negative). With
 * packets one way only, the recorded clocks are kept when they agree with the limit, else
 * the offset is the limit itself (no delay assumed). Nodes joined to none keep their wall
 * clock. Offsets chain through the nodes, bounds adding up. */
#include <limits.h>
#include <stdlib.h>

#include "merge/merge.h"

static long long clamp_time(long long v)
{
	return v < -MERGE_TIME_MAX ? -MERGE_TIME_MAX : v > MERGE_TIME_MAX ? MERGE_TIME_MAX : v;
}

struct pair_limits {
	long long min_d; /* LLONG_MAX: no packet that way */
	int count;
};

/* The time a part left its node (the transmit that sent it: a free of the sent skb, by the
 * device or seconds later by a deferred free, may follow it) and arrived (its first hop). */
static long long left_at(const struct merge_part *p)
{
	return p->hops[p->sent].ts_ns;
}

static long long arrived_at(const struct merge_part *p)
{
	return p->hops[p->first_kernel].ts_ns;
}

/* d[a][b]: the smallest recorded arrival on b minus departure from a. */
static void collect(const struct merge_set *set, struct pair_limits *d, int n)
{
	for (int i = 0; i < n * n; i++)
		d[i] = (struct pair_limits){ LLONG_MAX, 0 };
	for (int i = 0; i < set->packet_count; i++) {
		const struct merge_packet *mp = &set->packets[i];

		for (int a = 0; a < mp->part_count; a++) {
			for (int b = 0; b < mp->part_count; b++) {
				const struct merge_part *pa = mp->parts[a], *pb = mp->parts[b];
				struct pair_limits *l;
				long long v;

				if (a == b || !pa->left_node || !pb->arrived)
					continue;
				v = arrived_at(pb) - left_at(pa);
				l = &d[pa->input * n + pb->input];
				if (v < l->min_d)
					l->min_d = v;
				l->count++;
			}
		}
	}
}

/* Sets node b from node a, when the pair (a, b) says something; returns whether it did
 * with the kind of limit asked for. */
static bool place(struct merge_set *set, const struct pair_limits *d, int n, int a, int b,
		  bool both_ways)
{
	const struct pair_limits *ab = &d[a * n + b], *ba = &d[b * n + a];
	struct merge_input *ia = &set->inputs[a], *ib = &set->inputs[b];
	long long rel;

	if (both_ways && ab->count && ba->count) {
		/* (ab + ba) / 2 and (ab - ba) / 2 without overflow: both are small. */
		rel = ab->min_d / 2 - ba->min_d / 2;
		ib->bound_ns = ab->min_d / 2 + ba->min_d / 2 + 1;
		ib->clock_contradicts = ib->bound_ns < 0;
		if (ib->clock_contradicts)
			ib->bound_ns = -ib->bound_ns;
		ib->offset_ns = clamp_time(ia->offset_ns + rel);
		if (ia->bound_ns >= 0)
			ib->bound_ns = clamp_time(ib->bound_ns + ia->bound_ns);
		else
			ib->bound_ns = -1;
		ib->clock_source = MERGE_CLOCK_PACKETS;
	} else if (!both_ways && (ab->count || ba->count)) {
		/* rel < min d(a->b) and rel > -min d(b->a): 0 when it fits. */
		rel = 0;
		if (ab->count && ab->min_d <= 0)
			rel = ab->min_d;
		if (ba->count && -ba->min_d >= 0)
			rel = -ba->min_d;
		ib->offset_ns = clamp_time(ia->offset_ns + rel);
		ib->bound_ns = -1;
		ib->clock_source = MERGE_CLOCK_ONE_WAY;
	} else {
		return false;
	}
	ib->clock_via = a;
	ib->pairs_out = ab->count;
	ib->pairs_back = ba->count;
	return true;
}

void merge__clocks(struct merge_set *set)
{
	int n = set->input_count;
	struct pair_limits *d = calloc((size_t)n * (size_t)n, sizeof(*d));
	bool placed[MERGE_MAX_INPUTS] = { true };

	for (int i = 0; i < n; i++) {
		struct merge_input *in = &set->inputs[i];

		in->offset_ns = 0;
		in->bound_ns = i ? -1 : 0;
		in->clock_source = i ? MERGE_CLOCK_WALL : MERGE_CLOCK_REFERENCE;
		in->clock_via = -1;
		in->pairs_out = in->pairs_back = 0;
	}
	if (!d)
		return;
	collect(set, d, n);
	/* Bounded offsets first, each node through the pair that bounds it tightest (bounds
	 * add up along a chain, so this is a shortest-path search); then one-way limits. */
	for (;;) {
		long long best = LLONG_MAX;
		int ba = -1, bb = -1;

		for (int a = 0; a < n; a++) {
			for (int b = 0; b < n; b++) {
				const struct pair_limits *ab = &d[a * n + b], *back = &d[b * n + a];
				long long width;

				if (!placed[a] || placed[b] || !ab->count || !back->count)
					continue;
				width = clamp_time(ab->min_d / 2 + back->min_d / 2);
				width = clamp_time((width < 0 ? -width : width) +
						   set->inputs[a].bound_ns);
				if (width < best) {
					best = width;
					ba = a;
					bb = b;
				}
			}
		}
		if (ba < 0)
			break;
		placed[bb] = place(set, d, n, ba, bb, true);
	}
	for (bool grew = true; grew;) {
		grew = false;
		for (int a = 0; a < n; a++)
			for (int b = 0; b < n; b++)
				if (placed[a] && !placed[b] && place(set, d, n, a, b, false))
					grew = placed[b] = true;
	}
	free(d);
}

// SPDX-License-Identifier: GPL-2.0
/* Flows keyed by their address pair in either direction. Memory is bounded: too many flows
 * starts the table afresh (ids keep counting; packets keep a copy of what they need). */
#include <stdlib.h>
#include <string.h>
#include "pipeline/flows.h"
#include "util/hash.h"

/* Both directions of a conversation share one key: the lower (address, port) first. */
static bool endpoint_less(const __u8 *a, __u16 ap, const __u8 *b, __u16 bp)
{
	int c = memcmp(a, b, 16);

	return c < 0 || (c == 0 && ap < bp);
}

static bool same_flow(const struct hop_tuple *a, const struct hop_tuple *b, bool *reverse)
{
	if (a->family != b->family || a->proto != b->proto)
		return false;
	if (!memcmp(a->saddr, b->saddr, 16) && !memcmp(a->daddr, b->daddr, 16) &&
	    a->sport == b->sport && a->dport == b->dport) {
		*reverse = false;
		return true;
	}
	if (!memcmp(a->saddr, b->daddr, 16) && !memcmp(a->daddr, b->saddr, 16) &&
	    a->sport == b->dport && a->dport == b->sport) {
		*reverse = true;
		return true;
	}
	return false;
}

static unsigned int flow_hash(const struct hop_tuple *t)
{
	const __u8 *lo = t->saddr, *hi = t->daddr;
	__u16 lp = t->sport, hp = t->dport;
	__u64 h = ((__u64)t->family << 8) | t->proto;

	if (endpoint_less(hi, hp, lo, lp)) {
		lo = t->daddr, hi = t->saddr;
		lp = t->dport, hp = t->sport;
	}
	for (int i = 0; i < 16; i += 8) {
		__u64 a, b;

		memcpy(&a, lo + i, 8);
		memcpy(&b, hi + i, 8);
		h = hash64(h ^ a) ^ hash64(b + i);
	}
	return hash64(h ^ ((__u64)lp << 16 | hp)) % FLOW_BUCKETS;
}

void flow_table__clear(struct flow_table *ft)
{
	for (int i = 0; i < FLOW_BUCKETS; i++) {
		while (ft->buckets[i]) {
			struct flow *f = ft->buckets[i];

			ft->buckets[i] = f->next;
			free(f);
		}
	}
	ft->count = 0;
}

struct flow *flow_table__find(struct flow_table *ft, const struct hop_tuple *t, bool *reverse)
{
	unsigned int b = flow_hash(t);
	struct flow *f;

	for (f = ft->buckets[b]; f; f = f->next)
		if (same_flow(&f->first, t, reverse))
			return f;
	/* Packets copy what they need of their flow, so the table can start afresh. */
	if (ft->count >= TIMELINE_MAX_FLOWS)
		flow_table__clear(ft);
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->id = ft->next_id++;
	f->first = *t;
	f->next = ft->buckets[b];
	ft->buckets[b] = f;
	ft->count++;
	*reverse = false;
	return f;
}

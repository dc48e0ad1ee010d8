// SPDX-License-Identifier: GPL-2.0
/* The timeline: open packets keyed by skb address, flows keyed by their address pair in
 * either direction. Memory is bounded: too many open packets evicts the oldest, marked
 * incomplete; too many flows starts the flow table afresh (ids keep counting). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "timeline.h"

#define PACKET_BUCKETS 16384
#define FLOW_BUCKETS 16384

struct timeline {
	packet_done_fn done;
	void *ctx;
	packet_accept_fn accept;
	void *accept_ctx;
	struct packet *buckets[PACKET_BUCKETS];
	struct packet *oldest, *newest;
	int open_count;
	__u64 next_packet_id;
	struct flow *flows[FLOW_BUCKETS];
	int flow_count;
	__u64 next_flow_id;
	struct timeline_totals totals;
	int site_cap;
};

const char *fate__name(enum fate fate)
{
	switch (fate) {
	case FATE_DELIVERED:
		return "delivered";
	case FATE_DROPPED:
		return "dropped";
	case FATE_NO_ROUTE:
		return "no_route";
	default:
		return "unknown";
	}
}

static unsigned int hash64(__u64 v)
{
	v ^= v >> 33;
	v *= 0xff51afd7ed558ccdULL;
	v ^= v >> 33;
	return (unsigned int)v;
}

struct timeline *timeline__new(packet_done_fn done, void *ctx)
{
	struct timeline *tl = calloc(1, sizeof(*tl));

	if (!tl)
		return NULL;
	tl->done = done;
	tl->ctx = ctx;
	tl->next_packet_id = 1;
	tl->next_flow_id = 1;
	return tl;
}

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

static void flows_clear(struct timeline *tl)
{
	for (int i = 0; i < FLOW_BUCKETS; i++) {
		while (tl->flows[i]) {
			struct flow *f = tl->flows[i];

			tl->flows[i] = f->next;
			free(f);
		}
	}
	tl->flow_count = 0;
}

static struct flow *flow_for(struct timeline *tl, const struct hop_tuple *t, bool *reverse)
{
	unsigned int b = flow_hash(t);
	struct flow *f;

	for (f = tl->flows[b]; f; f = f->next)
		if (same_flow(&f->first, t, reverse))
			return f;
	/* Packets copy what they need of their flow, so the table can start afresh. */
	if (tl->flow_count >= TIMELINE_MAX_FLOWS)
		flows_clear(tl);
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->id = tl->next_flow_id++;
	f->first = *t;
	f->next = tl->flows[b];
	tl->flows[b] = f;
	tl->flow_count++;
	*reverse = false;
	return f;
}

static struct packet **bucket_of(struct timeline *tl, __u64 skb)
{
	return &tl->buckets[hash64(skb) % PACKET_BUCKETS];
}

static struct packet *packet_find(struct timeline *tl, __u64 skb)
{
	struct packet *p;

	for (p = *bucket_of(tl, skb); p; p = p->bucket_next)
		if (p->skb == skb)
			return p;
	return NULL;
}

static void packet_unlink(struct timeline *tl, struct packet *p)
{
	struct packet **pp = bucket_of(tl, p->skb);

	while (*pp != p)
		pp = &(*pp)->bucket_next;
	*pp = p->bucket_next;
	if (p->older)
		p->older->newer = p->newer;
	else
		tl->oldest = p->newer;
	if (p->newer)
		p->newer->older = p->older;
	else
		tl->newest = p->older;
	tl->open_count--;
}

static void packet_free(struct packet *p)
{
	for (int i = 0; i < p->hop_count; i++)
		free(p->hops[i].data);
	free(p->hops);
	free(p);
}

static void site_count(struct timeline *tl, const struct hop_event *ev)
{
	struct timeline_totals *t = &tl->totals;
	bool has_reason = ev->flags & HOP_F_HAS_REASON;
	struct drop_site *s;

	for (int i = 0; i < t->site_count; i++) {
		s = &t->sites[i];
		if (s->reason == ev->reason && s->location == ev->location &&
		    s->has_reason == has_reason) {
			s->count++;
			return;
		}
	}
	if (t->site_count == tl->site_cap) {
		int cap = tl->site_cap ? tl->site_cap * 2 : 16;

		s = realloc(t->sites, cap * sizeof(*s));
		if (!s)
			return;
		t->sites = s;
		tl->site_cap = cap;
	}
	t->sites[t->site_count++] = (struct drop_site){ ev->reason, has_reason, ev->location, 1 };
}

/* Ends a packet's life: judge, hand to the sink, free. */
static void packet_end(struct timeline *tl, struct packet *p, enum fate fate)
{
	struct timeline_totals *t = &tl->totals;

	packet_unlink(tl, p);
	if (p->rejected || !p->hop_count) {
		t->filtered += p->rejected;
		packet_free(p);
		return;
	}
	p->fate = fate;
	t->packets++;
	if (fate == FATE_DROPPED) {
		t->dropped++;
		site_count(tl, &p->hops[p->hop_count - 1].ev);
	} else if (fate == FATE_DELIVERED) {
		t->delivered++;
	} else if (fate == FATE_NO_ROUTE) {
		t->no_route++;
	} else {
		t->unknown++;
	}
	if (p->incomplete)
		t->incomplete++;
	if (tl->done)
		tl->done(tl->ctx, p);
	packet_free(p);
}

static void packet_join_flow(struct timeline *tl, struct packet *p, const struct hop_tuple *t)
{
	struct flow *f = flow_for(tl, t, &p->reply);

	if (!f)
		return;
	f->packets++;
	p->flow_id = f->id;
	p->flow_tuple = f->first;
}

static struct packet *packet_open(struct timeline *tl, const struct hop_event *ev)
{
	struct packet *p, **bucket;

	if (tl->open_count >= TIMELINE_MAX_OPEN) {
		tl->oldest->incomplete = true;
		packet_end(tl, tl->oldest, FATE_UNKNOWN);
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->id = tl->next_packet_id++;
	p->skb = ev->skb;
	bucket = bucket_of(tl, p->skb);
	p->bucket_next = *bucket;
	*bucket = p;
	p->older = tl->newest;
	if (tl->newest)
		tl->newest->newer = p;
	else
		tl->oldest = p;
	tl->newest = p;
	tl->open_count++;
	return p;
}

static int hop_append(struct packet *p, const struct hop_event *ev, const __u8 *data)
{
	struct hop *h;

	if (p->hop_count >= TIMELINE_MAX_HOPS) {
		/* Keep the first hops and the last one: the end is what judges the fate. */
		p->hops_dropped++;
		h = &p->hops[p->hop_count - 1];
		free(h->data);
	} else {
		if (p->hop_count == p->hop_cap) {
			int cap = p->hop_cap ? p->hop_cap * 2 : 8;

			h = realloc(p->hops, cap * sizeof(*h));
			if (!h)
				return -ENOMEM;
			p->hops = h;
			p->hop_cap = cap;
		}
		h = &p->hops[p->hop_count++];
	}
	h->ev = *ev;
	h->data = NULL;
	if (ev->cap_len) {
		h->data = malloc(ev->cap_len);
		if (!h->data)
			return -ENOMEM;
		memcpy(h->data, data, ev->cap_len);
	}
	return 0;
}

/* Route lookups carry no skb of their own: one tied to an open packet is its hop; a failed
 * one with no packet is a send that died before any skb existed. */
static int add_route_lookup(struct timeline *tl, const struct hop_event *ev, const __u8 *data)
{
	struct packet *p = ev->skb ? packet_find(tl, ev->skb) : NULL;
	int err;

	if (p)
		return hop_append(p, ev, data);
	if (!hop_fib_failed(ev->info.fib.table, ev->info.fib.err))
		return 0;
	p = packet_open(tl, ev);
	if (!p)
		return -ENOMEM;
	packet_join_flow(tl, p, &ev->tuple);
	err = hop_append(p, ev, data);
	if (!err)
		packet_end(tl, p, FATE_NO_ROUTE);
	return err;
}

int timeline__add(struct timeline *tl, const struct hop_event *ev, const __u8 *data)
{
	struct packet *p;
	int err;

	tl->totals.events++;
	if (ev->hook == HOOK_FIB)
		return add_route_lookup(tl, ev, data);
	p = packet_find(tl, ev->skb);
	/* A fresh match at an address we still hold open: the old skb was freed where no
	 * hook saw it and the address was reused. */
	if (p && (ev->flags & HOP_F_NEW) && ev->hook != HOOK_KFREE_SKB &&
	    ev->hook != HOOK_CONSUME_SKB) {
		packet_end(tl, p, FATE_UNKNOWN);
		p = NULL;
	}
	if (!p)
		p = packet_open(tl, ev);
	if (!p)
		return -ENOMEM;
	if (!p->flow_id && (ev->flags & HOP_F_TUPLE))
		packet_join_flow(tl, p, &ev->tuple);
	if (tl->accept && !p->judged && ev->cap_len) {
		p->judged = true;
		p->rejected = !tl->accept(tl->accept_ctx, ev, data);
	}
	if (!p->rejected) {
		err = hop_append(p, ev, data);
		if (err)
			return err;
	}
	if (ev->hook == HOOK_KFREE_SKB)
		packet_end(tl, p, FATE_DROPPED);
	else if (ev->hook == HOOK_CONSUME_SKB)
		packet_end(tl, p, FATE_DELIVERED);
	return 0;
}

void timeline__set_filter(struct timeline *tl, packet_accept_fn accept, void *ctx)
{
	tl->accept = accept;
	tl->accept_ctx = ctx;
}

void timeline__mark_loss(struct timeline *tl)
{
	for (struct packet *p = tl->oldest; p; p = p->newer)
		p->incomplete = true;
}

void timeline__finish(struct timeline *tl)
{
	while (tl->oldest)
		packet_end(tl, tl->oldest, FATE_UNKNOWN);
}

const struct timeline_totals *timeline__totals(const struct timeline *tl)
{
	return &tl->totals;
}

void timeline__free(struct timeline *tl)
{
	if (!tl)
		return;
	while (tl->oldest) {
		struct packet *p = tl->oldest;

		packet_unlink(tl, p);
		packet_free(p);
	}
	flows_clear(tl);
	free(tl->totals.sites);
	free(tl);
}

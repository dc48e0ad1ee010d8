// SPDX-License-Identifier: GPL-2.0
/* The timeline: open packets keyed by skb address (and by data buffer, for their copies),
 * grouped into flows (flows.c). Memory is bounded: too many open packets evicts the
 * oldest, marked incomplete. A packet's life ends at its last copy's free (packet_fate.c),
 * or waits a moment for a new skb that carries it on (the handoff of a headroom
 * expansion) or for a copy that lives on. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "pipeline/dev_names.h"
#include "pipeline/enrich.h"
#include "pipeline/flows.h"
#include "pipeline/hooks.h"
#include "pipeline/packet_fate.h"
#include "pipeline/skb_reuse.h"
#include "pipeline/timeline.h"
#include "util/hash.h"

#define PACKET_BUCKETS 16384
/* Packets whose skb was consumed for a headroom expansion wait this long (by later events'
 * clocks) for the HOOK_HANDOFF record naming their new skb; the BPF side links within 1 ms. */
#define PARKED_MAX 64
#define PARKED_NS 10000000ULL
#define HEAD_BUCKETS 16384
#define COPY_BUCKETS 1024
/* How long a packet whose skb was freed while a copy lived on waits for that copy to show
 * (a raw socket's copy is read when ping gets to it). Copies the filter never saw do not
 * show: the packet then ends with what was seen. */
#define HOLD_NS 1000000000ULL

/* A copy's skb address, pointing at the packet it is a copy of. */
struct copy_ref {
	__u64 skb;
	struct packet *p;
	struct copy_ref *next;
};

struct timeline {
	packet_done_fn done;
	void *ctx;
	packet_accept_fn accept;
	void *accept_ctx;
	struct packet *buckets[PACKET_BUCKETS];
	struct packet *oldest, *newest;
	int open_count;
	__u64 next_packet_id;
	struct flow_table flows;
	struct timeline_totals totals;
	int site_cap;
	/* A failed route lookup waits, per CPU, for the next event there: a drop of the same
	 * flow right after it (a retransmit that found no route) takes it as its first hop. */
	struct hop_event *pending_route;
	bool *pending_set;
	int pending_cpus;
	/* Devices hops named, to name an arrival device known only by index (skb_iif). */
	struct dev_names devs;
	/* Packets consumed with HOP_F_HANDOFF, oldest first, still open under their old skb. */
	struct packet *parked[PARKED_MAX];
	int parked_count;
	free_judge_fn judge;
	void *judge_ctx;
	struct packet *heads[HEAD_BUCKETS]; /* open packets by data buffer */
	struct copy_ref *copies[COPY_BUCKETS];
	/* Packets waiting for a copy (held) or settling after a socket took them, in the
	 * order they began to wait: expiry looks at the first alone. Walking every open
	 * packet instead took a third of the reader's time in a flood to a socket. */
	struct packet *wait_oldest, *wait_newest;
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

struct timeline *timeline__new(packet_done_fn done, void *ctx)
{
	struct timeline *tl = calloc(1, sizeof(*tl));

	if (!tl)
		return NULL;
	tl->done = done;
	tl->ctx = ctx;
	tl->next_packet_id = 1;
	tl->flows.next_id = 1;
	return tl;
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

static void head_unlink(struct timeline *tl, struct packet *p);
static void copies_forget(struct timeline *tl, struct packet *p);
static void address_unlink(struct timeline *tl, struct packet *p);

static void wait_unlink(struct timeline *tl, struct packet *p)
{
	if (!p->wait_linked)
		return;
	if (p->wait_older)
		p->wait_older->wait_newer = p->wait_newer;
	else
		tl->wait_oldest = p->wait_newer;
	if (p->wait_newer)
		p->wait_newer->wait_older = p->wait_older;
	else
		tl->wait_newest = p->wait_older;
	p->wait_older = p->wait_newer = NULL;
	p->wait_linked = false;
}

static void packet_unlink(struct timeline *tl, struct packet *p)
{
	if (!p->held)
		address_unlink(tl, p);
	wait_unlink(tl, p);
	head_unlink(tl, p);
	copies_forget(tl, p);
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

/* Takes p out of the address index: its skb is gone, the address may come back. */
static void address_unlink(struct timeline *tl, struct packet *p)
{
	struct packet **pp = bucket_of(tl, p->skb);

	while (*pp != p)
		pp = &(*pp)->bucket_next;
	*pp = p->bucket_next;
}

static struct packet **head_bucket(struct timeline *tl, __u64 head)
{
	return &tl->heads[hash64(head) % HEAD_BUCKETS];
}

static void head_unlink(struct timeline *tl, struct packet *p)
{
	struct packet **pp;

	if (!p->head)
		return;
	for (pp = head_bucket(tl, p->head); *pp; pp = &(*pp)->head_next) {
		if (*pp == p) {
			*pp = p->head_next;
			break;
		}
	}
	p->head = 0;
}

/* Indexes p by the data buffer its latest hop saw (a buffer reallocated for headroom or a
 * private copy moves it). */
static void head_link(struct timeline *tl, struct packet *p, __u64 head)
{
	struct packet **b;

	if (p->head == head)
		return;
	head_unlink(tl, p);
	if (!head)
		return;
	b = head_bucket(tl, head);
	p->head = head;
	p->head_next = *b;
	*b = p;
}

static struct packet *packet_by_head(struct timeline *tl, __u64 head)
{
	for (struct packet *p = *head_bucket(tl, head); p; p = p->head_next)
		if (p->head == head)
			return p;
	return NULL;
}

static struct copy_ref **copy_bucket(struct timeline *tl, __u64 skb)
{
	return &tl->copies[hash64(skb) % COPY_BUCKETS];
}

static struct packet *copy_find(struct timeline *tl, __u64 skb)
{
	for (struct copy_ref *c = *copy_bucket(tl, skb); c; c = c->next)
		if (c->skb == skb)
			return c->p;
	return NULL;
}

static void copy_forget(struct timeline *tl, struct packet *p, __u64 skb)
{
	struct copy_ref **cc, *c;

	for (cc = copy_bucket(tl, skb); (c = *cc); cc = &c->next) {
		if (c->skb == skb && c->p == p) {
			*cc = c->next;
			free(c);
			break;
		}
	}
	for (int i = 0; i < p->copy_count; i++) {
		if (p->copy_skbs[i] == skb) {
			p->copy_skbs[i] = p->copy_skbs[--p->copy_count];
			break;
		}
	}
}

static void copies_forget(struct timeline *tl, struct packet *p)
{
	while (p->copy_count)
		copy_forget(tl, p, p->copy_skbs[0]);
}

/* A clone first seen where it leaves the path (read by a socket, or freed) has no path of
 * its own: it is a copy of the packet whose data buffer it shares. raw_v4_input hands a
 * raw socket such a clone; packet sockets and multicast get them too. A TCP send's fast
 * clone is not one: it is a new transmission of the send queue's data. First seen: the
 * BPF side says so (fresh), or the address's open packet was found to be another skb's
 * (the BPF side still tracked the address of a packet a socket took). */
static struct packet *copy_link(struct timeline *tl, const struct hop_event *ev, bool fresh)
{
	struct copy_ref *c, **b;
	struct packet *p;

	if (!fresh || !(ev->flags & HOP_F_CLONED) || (ev->flags & HOP_F_FCLONE) || !ev->head ||
	    (ev->hook != HOOK_SOCK_RECV && ev->hook != HOOK_SOCK_QUEUE &&
	     ev->hook != HOOK_KFREE_SKB))
		return NULL;
	p = packet_by_head(tl, ev->head);
	if (!p || p->rejected || p->copy_count == TIMELINE_MAX_COPIES)
		return NULL;
	c = malloc(sizeof(*c));
	if (!c)
		return NULL;
	b = copy_bucket(tl, ev->skb);
	*c = (struct copy_ref){ ev->skb, p, *b };
	*b = c;
	p->copy_skbs[p->copy_count++] = ev->skb;
	return p;
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

static int parked_index(const struct timeline *tl, const struct packet *p)
{
	for (int i = 0; i < tl->parked_count; i++)
		if (tl->parked[i] == p)
			return i;
	return -1;
}

static void parked_remove(struct timeline *tl, int i)
{
	memmove(&tl->parked[i], &tl->parked[i + 1],
		(tl->parked_count - i - 1) * sizeof(tl->parked[0]));
	tl->parked_count--;
}

/* Ends a packet's life: judge, hand to the sink, free. */
static void packet_end(struct timeline *tl, struct packet *p, enum fate fate)
{
	struct timeline_totals *t = &tl->totals;
	int parked = tl->parked_count ? parked_index(tl, p) : -1;

	if (parked >= 0) /* evicted while parked */
		parked_remove(tl, parked);
	packet_unlink(tl, p);
	if (p->rejected || !p->hop_count || p->tap_copy) {
		t->filtered += p->rejected;
		if (p->tap_copy)
			t->after_end += p->hop_count;
		packet_free(p);
		return;
	}
	fate = packet_fate__judge(p, fate, tl->judge, tl->judge_ctx);
	p->fate = fate;
	t->packets++;
	if (fate == FATE_DROPPED) {
		t->dropped++;
		site_count(tl, &p->hops[p->fate_hop ? p->fate_hop - 1 : p->hop_count - 1].ev);
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
	h->note = HOP_NOTE_NONE;
	/* A hop added without bytes (a route lookup) keeps none, whatever its record said:
	 * sinks read cap_len bytes at data. */
	if (!data)
		h->ev.cap_len = 0;
	if (h->ev.cap_len) {
		h->data = malloc(ev->cap_len);
		if (!h->data)
			return -ENOMEM;
		memcpy(h->data, data, ev->cap_len);
	}
	return 0;
}

/* A packet whose end no hook saw: delivered if a socket took or read it last, else
 * unknown. */
static enum fate fate_unseen_end(const struct packet *p)
{
	const struct hook_row *row = p->hop_count ? hook__row(p->hops[p->hop_count - 1].ev.hook) :
						    NULL;

	return row && row->delivers ? FATE_DELIVERED : FATE_UNKNOWN;
}

/* A parked packet whose new skb never showed up: it was not delivered where its old skb
 * was consumed if that is a tunnel device (its bytes went on, unseen); elsewhere the
 * consume is taken at its word. */
static enum fate parked_fate(const struct packet *p)
{
	for (int i = p->hop_count - 1; i >= 0; i--)
		if (p->hops[i].ev.hook == HOOK_CONSUME_SKB)
			return enrich__is_tunnel_kind(p->hops[i].ev.dev_kind) ? FATE_UNKNOWN :
										FATE_DELIVERED;
	return FATE_DELIVERED;
}

static void parked_end(struct timeline *tl, int i)
{
	struct packet *p = tl->parked[i];

	parked_remove(tl, i);
	packet_end(tl, p, parked_fate(p));
}

static void park(struct timeline *tl, struct packet *p)
{
	if (tl->parked_count == PARKED_MAX)
		parked_end(tl, 0);
	tl->parked[tl->parked_count++] = p;
}

/* Ends the parked packets whose wait is over by the clock of an event at now. */
static void parked_expire(struct timeline *tl, __u64 now)
{
	for (int i = tl->parked_count - 1; i >= 0; i--) {
		const struct packet *p = tl->parked[i];

		if (now > p->hops[p->hop_count - 1].ev.ts_ns + PARKED_NS)
			parked_end(tl, i);
	}
}

/* Moves an open packet to another skb address: the life of a new skb begins. The address
 * may have had earlier lives among the packet's own hops (a tap's clone of it at transmit,
 * read and freed on another CPU, whose address the new skb got): those hops are not the new
 * skb's, and comparing its first hop with them would take it for an address reused by
 * another packet. What comes after the handoff record is the new skb's, by arrival, not by
 * clock: the ring buffer delivers records in the order they were reserved, so every record
 * of an earlier skb at the address (reserved before its free, which came before the new
 * skb's allocation) arrives before the handoff, whatever the CPUs' clocks say. */
static void packet_rekey(struct timeline *tl, struct packet *p, __u64 skb)
{
	struct packet **pp = bucket_of(tl, p->skb), **bucket;

	while (*pp != p)
		pp = &(*pp)->bucket_next;
	*pp = p->bucket_next;
	p->skb = skb;
	/* At the hop cap the new skb's hops take the last slot (hop_append). */
	p->skb_since = p->hop_count < TIMELINE_MAX_HOPS ? p->hop_count : TIMELINE_MAX_HOPS - 1;
	bucket = bucket_of(tl, skb);
	p->bucket_next = *bucket;
	*bucket = p;
}

/* Removes the parked packet's consume hop (a route lookup may have come after it). */
static void drop_last_consume(struct packet *p)
{
	for (int i = p->hop_count - 1; i >= 0 && !p->hops_dropped; i--) {
		if (p->hops[i].ev.hook != HOOK_CONSUME_SKB)
			continue;
		free(p->hops[i].data);
		memmove(&p->hops[i], &p->hops[i + 1], (p->hop_count - i - 1) * sizeof(p->hops[0]));
		p->hop_count--;
		return;
	}
}

/* A HOOK_HANDOFF record: ev->skb carries on the packet of info.handoff.prev, whose consume
 * (the old skb's, for headroom) is no hop of the packet and goes. */
static int handoff_continue(struct timeline *tl, const struct hop_event *ev)
{
	struct packet *stale = packet_find(tl, ev->skb), *p;
	int i;

	/* Whatever was open at the new skb's address was freed unseen: this skb is new. */
	if (stale)
		packet_end(tl, stale, fate_unseen_end(stale));
	p = packet_find(tl, ev->info.handoff.prev);
	if (!p)
		return 0;
	i = parked_index(tl, p);
	if (i >= 0) {
		parked_remove(tl, i);
		drop_last_consume(p);
	}
	packet_rekey(tl, p, ev->skb);
	return 0;
}

static void route_failure_end(struct timeline *tl, const struct hop_event *ev)
{
	struct packet *p = packet_open(tl, ev);

	if (!p)
		return;
	flow_table__place(&tl->flows, p, ev, NULL);
	if (hop_append(p, ev, NULL)) {
		p->incomplete = true;
		packet_end(tl, p, FATE_UNKNOWN);
		return;
	}
	packet_end(tl, p, FATE_NO_ROUTE);
}

static int pending_slot(struct timeline *tl, __u32 cpu)
{
	int n = tl->pending_cpus;

	if (cpu >= 65536)
		return -1;
	if ((int)cpu >= n) {
		int cap = cpu + 1 > 64 ? cpu + 1 : 64;
		struct hop_event *evs = realloc(tl->pending_route, cap * sizeof(*evs));
		bool *set;

		if (!evs)
			return -1;
		tl->pending_route = evs;
		set = realloc(tl->pending_set, cap * sizeof(*set));
		if (!set)
			return -1;
		memset(set + n, 0, (cap - n) * sizeof(*set));
		tl->pending_set = set;
		tl->pending_cpus = cap;
	}
	return (int)cpu;
}

static void pending_flush(struct timeline *tl, int slot)
{
	if (slot < 0 || slot >= tl->pending_cpus || !tl->pending_set[slot])
		return;
	tl->pending_set[slot] = false;
	route_failure_end(tl, &tl->pending_route[slot]);
}

/* The pending failed lookup of ev's CPU if ev starts a packet of the same flow, else
 * NULL (and the pending one ends as no_route). */
static const struct hop_event *pending_take(struct timeline *tl, const struct hop_event *ev)
{
	int slot = ev->cpu < (__u32)tl->pending_cpus ? (int)ev->cpu : -1;
	const struct hop_event *r;

	if (slot < 0 || !tl->pending_set[slot])
		return NULL;
	r = &tl->pending_route[slot];
	if ((ev->flags & HOP_F_NEW) && (ev->flags & HOP_F_TUPLE) &&
	    r->tuple.proto == ev->tuple.proto && r->tuple.dport == ev->tuple.dport &&
	    !memcmp(r->tuple.daddr, ev->tuple.daddr, 16)) {
		tl->pending_set[slot] = false;
		return r;
	}
	pending_flush(tl, slot);
	return NULL;
}

/* Route lookups carry no skb of their own: one tied to an open packet is its hop; a failed
 * one with no packet is a send that died before any skb existed (or a retransmit about to
 * be dropped: see pending_take). */
static int add_route_lookup(struct timeline *tl, const struct hop_event *ev, const __u8 *data)
{
	struct packet *p = ev->skb ? packet_find(tl, ev->skb) : NULL;
	int slot;

	if (p)
		return hop_append(p, ev, data);
	if (!hop_fib_failed(ev->info.fib.table, ev->info.fib.err))
		return 0;
	slot = pending_slot(tl, ev->cpu);
	if (slot < 0) {
		route_failure_end(tl, ev);
		return 0;
	}
	pending_flush(tl, slot);
	tl->pending_route[slot] = *ev;
	tl->pending_route[slot].cap_len = 0;
	tl->pending_set[slot] = true;
	return 0;
}

/* A socket's hop, a normal free or a report from beside the path (a BPF program's return)
 * of an skb the BPF side tracked (no HOP_F_NEW) while no packet is open for it: the tail of
 * a packet that already settled as delivered (a read more than HOLD_NS after the socket
 * took it), or whose first hops were lost. */
static bool after_end(const struct hop_event *ev)
{
	const struct hook_row *row = hook__row(ev->hook);

	return !(ev->flags & HOP_F_NEW) && row &&
	       (row->delivers || row->ends_life == FATE_DELIVERED || row->annotates);
}

/* A packet socket reading a clone no open packet shares its buffer with, or dropping one
 * (its queue full: the tap lost its copy, the packet went on). */
static bool is_tap_copy(const struct hop_event *ev)
{
	return hop__packet_socket(ev) && (ev->flags & HOP_F_CLONED);
}

/* Whether a packet socket read or dropped p's current skb: a tap's clone, which is never
 * handed off to a new skb for headroom (only the packet's own skb leaves by a device). */
static bool skb_is_tap_copy(const struct packet *p)
{
	for (int i = p->skb_since; i < p->hop_count; i++)
		if (p->hops[i].ev.skb == p->skb && hop__packet_socket(&p->hops[i].ev))
			return true;
	return false;
}

/* The socket-delivery hook (a cgroup program) reads neither the namespace, the device's
 * name nor the tuple: the socket is in the namespace where its skb was last seen, the
 * device (by index) is the one that skb arrived on there, and the packet's addresses and
 * ports are what they were at that hop (NAT is done by then). */
static void netns_inherit(const struct packet *p, struct hop_event *ev)
{
	if (ev->netns || ev->hook != HOOK_SOCK_QUEUE)
		return;
	for (int i = p->hop_count - 2; i >= 0; i--) {
		const struct hop_event *seen = &p->hops[i].ev;

		if (!packet__same_skb(p, i, p->hop_count - 1) || !seen->netns ||
		    seen->hook == HOOK_FIB)
			continue;
		ev->netns = seen->netns;
		if (seen->flags & HOP_F_TUPLE) {
			ev->tuple = seen->tuple;
			ev->flags |= seen->flags & (HOP_F_TUPLE | HOP_F_TUPLE_FROM_SK);
		}
		if (seen->ifindex == ev->ifindex) {
			memcpy(ev->ifname, seen->ifname, sizeof(ev->ifname));
			memcpy(ev->dev_kind, seen->dev_kind, sizeof(ev->dev_kind));
		}
		return;
	}
}

/* The fate a hop gives its packet by ending the skb's life, or FATE_UNKNOWN. */
static enum fate life_ended_by(const struct hop_event *ev)
{
	const struct hook_row *row = hook__row(ev->hook);

	return row ? row->ends_life : FATE_UNKNOWN;
}

/* Whether other sk_buffs still share the freed skb's data. A TCP send's fast clone always
 * shares it with the send queue's copy, which no hook reports: not a copy to wait for. */
static bool copies_live_on(const struct hop_event *ev)
{
	return ev->copies > 1 && !(ev->flags & HOP_F_FCLONE);
}

/* p waits from ts on (again, if it waited already): to the end of the waiting list. Events
 * come about in time order, so the list is too, up to the skew between CPUs (microseconds
 * against a wait of HOLD_NS). */
static void wait_begin(struct timeline *tl, struct packet *p, __u64 ts)
{
	p->wait_ts = ts;
	wait_unlink(tl, p);
	p->wait_older = tl->wait_newest;
	if (tl->wait_newest)
		tl->wait_newest->wait_newer = p;
	else
		tl->wait_oldest = p;
	tl->wait_newest = p;
	p->wait_linked = true;
}

/* A socket took the packet: with no further hop of its skb it settles as delivered. A
 * later hop of that skb that is no socket's (a drop after the filter) ends the wait, and
 * the fate is judged from what follows; hops of its copies, and reports from beside the
 * path (a cgroup program that ran after the taking), do not matter here. */
static void settle_update(struct timeline *tl, struct packet *p, const struct hop_event *ev)
{
	const struct hook_row *row = hook__row(ev->hook);
	bool delivers = row && row->delivers;

	if (ev->skb != p->skb || p->held || (row && row->annotates))
		return;
	if (p->settling && !delivers) {
		p->settling = false;
		wait_unlink(tl, p);
	} else if (p->settling) {
		wait_begin(tl, p, ev->ts_ns);
	} else if (delivers) {
		p->settling = true;
		wait_begin(tl, p, ev->ts_ns);
	}
}

/* The packet's own skb is gone but a copy lives on: it waits (out of the address index,
 * since the address may come back) for the copy's end, or HOLD_NS. */
static void packet_hold(struct timeline *tl, struct packet *p, __u64 ts)
{
	address_unlink(tl, p);
	p->held = true;
	wait_begin(tl, p, ts);
}

/* One copy's life ended (the packet's own skb or a clone of it). The packet ends with its
 * last copy. */
static void copy_end(struct timeline *tl, struct packet *p, const struct hop_event *ev)
{
	bool own = !p->held && ev->skb == p->skb;

	if (!own)
		copy_forget(tl, p, ev->skb);
	if (copies_live_on(ev)) {
		if (own)
			packet_hold(tl, p, ev->ts_ns);
		return;
	}
	if (own || p->held)
		packet_end(tl, p, life_ended_by(ev));
}

/* The packet an event at a copy's address belongs to. A fresh sighting there means the
 * copy was freed unseen and the address reused, unless it is itself a new copy. */
static struct packet *copy_event(struct timeline *tl, const struct hop_event *ev, bool fresh)
{
	struct packet *p = copy_find(tl, ev->skb);

	if (p && !fresh)
		return p;
	if (p)
		copy_forget(tl, p, ev->skb);
	return copy_link(tl, ev, fresh);
}

void timeline__expire(struct timeline *tl, __u64 now_ns)
{
	struct packet *p;

	/* The copies' ends judge it (packet_fate.c): a socket's is a delivery. */
	while ((p = tl->wait_oldest) && now_ns > p->wait_ts + HOLD_NS)
		packet_end(tl, p, FATE_UNKNOWN);
}

void timeline__set_free_judge(struct timeline *tl, free_judge_fn judge, void *ctx)
{
	tl->judge = judge;
	tl->judge_ctx = ctx;
}

int timeline__add(struct timeline *tl, const struct hop_event *ev, const __u8 *data)
{
	const struct hop_event *route;
	bool fresh = ev->flags & HOP_F_NEW;
	struct packet *p;
	int err;

	tl->totals.events++;
	dev_names__learn(&tl->devs, ev);
	/* Packets whose wait ended before this event end first: whether a late hop (a socket's
	 * deferred free of what it read, seconds later) joins its packet depends on the two
	 * time stamps alone, not on when the reader happened to poll. */
	timeline__expire(tl, ev->ts_ns);
	if (ev->hook == HOOK_HANDOFF)
		return handoff_continue(tl, ev);
	if (tl->parked_count)
		parked_expire(tl, ev->ts_ns);
	if (ev->hook == HOOK_FIB)
		return add_route_lookup(tl, ev, data);
	route = pending_take(tl, ev);
	p = packet_find(tl, ev->skb);
	/* The address of a parked packet's old skb is another skb's now. */
	if (p && tl->parked_count && parked_index(tl, p) >= 0) {
		parked_end(tl, parked_index(tl, p));
		p = NULL;
	}
	if (p && skb_reuse__new_life(p, ev, data, life_ended_by(ev) != FATE_UNKNOWN)) {
		packet_end(tl, p, fate_unseen_end(p));
		p = NULL;
		fresh = true;
	}
	if (!p)
		p = copy_event(tl, ev, fresh);
	if (!p && after_end(ev)) {
		tl->totals.after_end++;
		return 0;
	}
	if (!p) {
		p = packet_open(tl, ev);
		if (p)
			p->tap_copy = is_tap_copy(ev);
	}
	if (!p)
		return -ENOMEM;
	if (route && !p->hop_count) {
		/* The lookup ran in softirq on the retransmit path: its namespace is the drop's,
		 * not that of whatever task the CPU interrupted. */
		struct hop_event adopted = *route;

		adopted.netns = ev->netns;
		if (hop_append(p, &adopted, NULL))
			return -ENOMEM;
	}
	if (ev->flags & HOP_F_TUPLE)
		flow_table__place(&tl->flows, p, ev, data);
	if (tl->accept && !p->judged && ev->cap_len) {
		p->judged = true;
		p->rejected = !tl->accept(tl->accept_ctx, ev, data);
	}
	if (!p->rejected) {
		err = hop_append(p, ev, data);
		if (err)
			return err;
		netns_inherit(p, &p->hops[p->hop_count - 1].ev);
		dev_names__fill(&tl->devs, &p->hops[p->hop_count - 1].ev);
		settle_update(tl, p, ev);
	}
	/* A packet a socket took is out of the buffer index: the socket frees the buffer where
	 * no hook sees it, and a copy of the next packet to get it must not join this one. */
	if (p->settling)
		head_unlink(tl, p);
	else
		head_link(tl, p, ev->head);
	/* A free that may hand the packet on to a new skb waits for it: handoff_continue. Only
	 * the packet's own skb goes on so: a copy's free (a tap's clone, read on another CPU)
	 * that looks like one to the BPF side is that copy's end. */
	if ((ev->flags & HOP_F_HANDOFF) && life_ended_by(ev) == FATE_DELIVERED && !p->rejected &&
	    !p->held && ev->skb == p->skb && !p->tap_copy && !skb_is_tap_copy(p))
		park(tl, p);
	else if (life_ended_by(ev) != FATE_UNKNOWN)
		copy_end(tl, p, ev);
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
	for (int i = 0; i < tl->pending_cpus; i++)
		pending_flush(tl, i);
	while (tl->parked_count)
		parked_end(tl, 0);
	while (tl->oldest)
		packet_end(tl, tl->oldest, fate_unseen_end(tl->oldest));
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
	flow_table__clear(&tl->flows);
	free(tl->totals.sites);
	free(tl->pending_route);
	free(tl->pending_set);
	free(tl);
}

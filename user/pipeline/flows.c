// SPDX-License-Identifier: GPL-2.0
/* Flows keyed by their address pair (and ports) in either direction; an ICMP echo by its
 * identifier too, in the request's direction; an ICMP error by the packet it quotes. A
 * tuple NAT gave a packet leads to the packet's flow as well. Memory is bounded: too many
 * entries starts the table afresh (ids keep counting; packets keep a copy of what they
 * need). */
#include <stdlib.h>
#include <string.h>
#include "pipeline/flows.h"
#include "pipeline/headers.h"
#include "util/hash.h"

#define ECHO_KEYED 0x10000u

struct flow_key {
	struct hop_tuple t; /* ICMP: without ports */
	__u32 echo;	    /* ICMP echo: ECHO_KEYED | identifier, t in the request's direction */
};

/* One way to a flow: its first packet's key, or a key NAT gave one of its packets. */
struct flow_entry {
	struct flow_key key;
	/* A packet with this key as it stands travels against the flow's first packet (the
	 * key was a reply's when NAT gave it). */
	bool flip;
	__u64 id;
	struct hop_tuple first; /* the flow's first packet's tuple (request direction for echo) */
	struct flow_entry *next;
};

static void tuple_reverse(const struct hop_tuple *t, struct hop_tuple *r)
{
	*r = *t;
	memcpy(r->saddr, t->daddr, 16);
	memcpy(r->daddr, t->saddr, 16);
	r->sport = t->dport;
	r->dport = t->sport;
}

static bool is_icmp(const struct hop_tuple *t)
{
	return t->proto == HOP_IPPROTO_ICMP || t->proto == HOP_IPPROTO_ICMPV6;
}

/* The key of a packet with tuple t (role and id: its ICMP echo, if it is one). Returns true
 * when the packet travels against its key's direction (an echo reply). */
static bool key_of(const struct hop_tuple *t, enum icmp_role role, __u16 id, struct flow_key *k)
{
	bool against = role == ICMP_ROLE_REPLY;

	memset(k, 0, sizeof(*k));
	if (against)
		tuple_reverse(t, &k->t);
	else
		k->t = *t;
	if (is_icmp(t))
		k->t.sport = k->t.dport = 0;
	if (role == ICMP_ROLE_REQUEST || role == ICMP_ROLE_REPLY)
		k->echo = ECHO_KEYED | id;
	return against;
}

/* Both directions of a conversation share one bucket: the lower (address, port) first. */
static bool endpoint_less(const __u8 *a, __u16 ap, const __u8 *b, __u16 bp)
{
	int c = memcmp(a, b, 16);

	return c < 0 || (c == 0 && ap < bp);
}

static unsigned int key_hash(const struct flow_key *k)
{
	const struct hop_tuple *t = &k->t;
	const __u8 *lo = t->saddr, *hi = t->daddr;
	__u16 lp = t->sport, hp = t->dport;
	__u64 h = ((__u64)k->echo << 16) | ((__u64)t->family << 8) | t->proto;

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

/* Whether b is key a, as it stands or (reverse set) turned round. An echo key matches only
 * as it stands: another host's request with the same identifier is another exchange. */
static bool same_key(const struct flow_key *a, const struct flow_key *b, bool *reverse)
{
	const struct hop_tuple *x = &a->t, *y = &b->t;

	if (x->family != y->family || x->proto != y->proto || a->echo != b->echo)
		return false;
	if (!memcmp(x->saddr, y->saddr, 16) && !memcmp(x->daddr, y->daddr, 16) &&
	    x->sport == y->sport && x->dport == y->dport) {
		*reverse = false;
		return true;
	}
	if (!a->echo && !memcmp(x->saddr, y->daddr, 16) && !memcmp(x->daddr, y->saddr, 16) &&
	    x->sport == y->dport && x->dport == y->sport) {
		*reverse = true;
		return true;
	}
	return false;
}

static struct flow_entry *entry_find(struct flow_table *ft, const struct flow_key *k, bool *reverse)
{
	for (struct flow_entry *e = ft->buckets[key_hash(k)]; e; e = e->next)
		if (same_key(&e->key, k, reverse))
			return e;
	return NULL;
}

static struct flow_entry *entry_add(struct flow_table *ft, const struct flow_key *k, bool flip,
				    __u64 id, const struct hop_tuple *first)
{
	struct flow_entry *e = calloc(1, sizeof(*e)), **b = &ft->buckets[key_hash(k)];

	if (!e)
		return NULL;
	*e = (struct flow_entry){ *k, flip, id, *first, *b };
	*b = e;
	ft->count++;
	return e;
}

void flow_table__clear(struct flow_table *ft)
{
	for (int i = 0; i < FLOW_BUCKETS; i++) {
		while (ft->buckets[i]) {
			struct flow_entry *e = ft->buckets[i];

			ft->buckets[i] = e->next;
			free(e);
		}
	}
	ft->count = 0;
}

static bool is_tunnel_outer(const struct hop_tuple *t)
{
	return t->proto == 17 && (t->dport == HOP_VXLAN_PORT || t->dport == HOP_VXLAN_LINUX_PORT ||
				  t->dport == HOP_GENEVE_PORT);
}

/* The tuple that keys the hop's packet: the pod's (inner) one inside a tunnel. Elsewhere the
 * BPF side read it from the same header the bytes start with. */
static void pod_tuple(const struct hop_event *ev, const __u8 *data, struct hop_tuple *t)
{
	__u32 l4;

	if (!data || !is_tunnel_outer(&ev->tuple) || !headers__pod_packet(ev, data, t, &l4))
		*t = ev->tuple;
}

/* Joins p to the flow of its key: for an ICMP error, the quoted packet's flow, which the
 * error travels against. */
static void flow_join(struct flow_table *ft, struct packet *p, const struct hop_event *ev,
		      const __u8 *data)
{
	const struct icmp_facts *f = &p->icmp;
	struct hop_tuple t, first;
	bool answer, against, reverse = false;
	struct flow_entry *e;
	struct flow_key k;

	pod_tuple(ev, data, &t);
	if (data && is_icmp(&t))
		icmp__from_hop(ev, data, &p->icmp);
	answer = icmp__answers(f);
	if (answer)
		t = f->quoted;
	against = answer ? key_of(&t, f->quoted_role, f->quoted_id, &k) :
			   key_of(&t, f->role, f->id, &k);
	e = entry_find(ft, &k, &reverse);
	if (!e) {
		/* Packets copy what they need of their flow, so the table can start afresh. */
		if (ft->count >= TIMELINE_MAX_FLOWS)
			flow_table__clear(ft);
		if (against)
			tuple_reverse(&t, &first);
		else
			first = t;
		e = entry_add(ft, &k, false, ft->next_id++, &first);
		if (!e)
			return;
	}
	p->flow_id = e->id;
	p->flow_tuple = e->first;
	p->reply = (reverse ^ e->flip ^ against) != answer;
}

/* Whether a is b as it stands, or (reverse set) turned round. */
static bool same_way(const struct hop_tuple *a, const struct hop_tuple *b, bool reverse)
{
	const __u8 *src = reverse ? b->daddr : b->saddr, *dst = reverse ? b->saddr : b->daddr;

	return a->sport == (reverse ? b->dport : b->sport) &&
	       a->dport == (reverse ? b->sport : b->dport) && a->proto == b->proto &&
	       a->family == b->family && !memcmp(a->saddr, src, 16) && !memcmp(a->daddr, dst, 16);
}

/* Remembers the tuple NAT gave p at hop ev as a key of p's flow. An ICMP error follows its
 * quote, not its own tuple; a socket's tuple and a tunnel's outer header are not the
 * packet's; a key that leads somewhere already stays as it is. */
static void flow_remember_nat(struct flow_table *ft, const struct packet *p,
			      const struct hop_event *ev, const __u8 *data)
{
	struct hop_tuple t;
	struct icmp_facts f;
	bool against, reverse;
	struct flow_key k;

	if (p->icmp.role == ICMP_ROLE_ERROR || (ev->flags & HOP_F_TUPLE_FROM_SK))
		return;
	pod_tuple(ev, data, &t);
	if (same_way(&t, &p->flow_tuple, p->reply) || is_tunnel_outer(&t))
		return;
	/* An ICMP message keys by what its bytes say; without them it is left alone. */
	memset(&f, 0, sizeof(f));
	if (is_icmp(&t) && !icmp__from_hop(ev, data, &f))
		return;
	against = key_of(&t, f.role, f.id, &k);
	if (entry_find(ft, &k, &reverse) || ft->count >= TIMELINE_MAX_FLOWS)
		return;
	entry_add(ft, &k, p->reply != against, p->flow_id, &p->flow_tuple);
}

void flow_table__place(struct flow_table *ft, struct packet *p, const struct hop_event *ev,
		       const __u8 *data)
{
	if (!p->flow_id)
		flow_join(ft, p, ev, data);
	/* Most hops carry the tuple the packet joined with: nothing to read or remember. */
	else if (!same_way(&ev->tuple, &p->flow_tuple, p->reply))
		flow_remember_nat(ft, p, ev, data);
}

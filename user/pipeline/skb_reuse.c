// SPDX-License-Identifier: GPL-2.0
/* Telling a reused skb address from the packet that had it: the kernel frees some skbs
 * where no hook sees it (TCP's read data, __kfree_skb), and the next skb at that address
 * must not join the old packet's timeline. */
#include <string.h>
#include "pipeline/headers.h"
#include "pipeline/hooks.h"
#include "pipeline/identity.h"
#include "pipeline/skb_reuse.h"

/* Whether a hop saw the skb itself: a route lookup sees only a flow, and a report from
 * beside the path (a BPF program's return) nothing of the packet. */
static bool sees_skb(const struct hop_event *ev)
{
	const struct hook_row *row = hook__row(ev->hook);

	return ev->hook != HOOK_FIB && !(row && row->annotates);
}

/* The last kept hop that saw this skb itself with its headers: a socket's taking
 * (sock_queue) has no headers, and a copy (a clone a socket read) travels a path of its
 * own. Hops before the packet's handoff to its current skb saw other skbs, whatever their
 * address (timeline.c, packet_rekey). */
static const struct hop *last_skb_hop(const struct packet *p, __u64 skb)
{
	for (int i = p->hop_count - 1; i >= 0; i--) {
		const struct hop_event *ev = &p->hops[i].ev;

		if (sees_skb(ev) && ev->hook != HOOK_SOCK_QUEUE && ev->skb == skb &&
		    !packet__earlier_life(p, i))
			return &p->hops[i];
	}
	return NULL;
}

static bool hook_is_device(__u16 hook)
{
	return hook == HOOK_DEV_XMIT || hook == HOOK_NETIF_RECEIVE;
}

/* Only a device takes a packet into another namespace: a transmit into a veth, a tunnel or
 * an ipvlan; a receive whose rx_handler (macvlan, ipvlan, a peer redirect) hands it on; a
 * tunnel device of another namespace receiving what it decapsulated. */
static bool netns_reachable(const struct hop_event *prev, const struct hop_event *cur)
{
	if (!prev->netns || !cur->netns || prev->netns == cur->netns)
		return true;
	return hook_is_device(prev->hook) || cur->hook == HOOK_NETIF_RECEIVE;
}

/* The tuple of the packet the pod sent: the inner one inside a VXLAN or Geneve tunnel. A
 * tuple taken from the socket says little of the packet (a v4-mapped IPv6 socket sends
 * IPv4): none. */
static bool pod_tuple(const struct hop_event *ev, const __u8 *data, struct hop_tuple *t)
{
	struct tunnel_info ti;

	if (data && headers__tunnel(ev, data, &ti)) {
		*t = ti.inner;
		return true;
	}
	if (!(ev->flags & HOP_F_TUPLE) || (ev->flags & HOP_F_TUPLE_FROM_SK))
		return false;
	*t = ev->tuple;
	return true;
}

#define PROTO_UDP 17
#define PROTO_TCP 6
/* How long a slow path may hold a packet and still be taken for it (above the BPF side's
 * 2 ms pause: a first packet through tens of thousands of iptables rules, under emulation). */
#define PAUSE_MAX_NS (100ull * 1000000ull)
#define PROTO_FRAGMENT 44

/* An outer header whose inner packet the capture did not reach (or cannot read). */
static bool tuple_is_tunnel(const struct hop_tuple *t)
{
	return headers__tunnel_outer(t->proto, t->dport);
}

/* A port of 0 is one the hop could not read (a later fragment, a fragment header first). */
static bool endpoint_kept(const __u8 *a, __u16 ap, const __u8 *b, __u16 bp)
{
	return !memcmp(a, b, 16) && (ap == bp || !ap || !bp);
}

/* IPv6 names its first extension header: a fragment header comes with fragmentation and
 * goes with reassembly. */
static bool same_proto(const struct hop_tuple *a, const struct hop_tuple *b)
{
	return a->proto == b->proto || (a->family == HOP_AF_INET6 &&
					(a->proto == PROTO_FRAGMENT || b->proto == PROTO_FRAGMENT));
}

/* Whether a NAT between the hops explains the change: it keeps the family and protocol, and
 * one NAT hook rewrites one end (DNAT the destination, SNAT the source). Both ends change
 * only across two NAT hooks that no hop observed (no netfilter hop on either side), or by a
 * tc program beside a device (after a receive, before a transmit). A NAT never turns a
 * packet round. */
static bool nat_explains(const struct hop_event *prev, const struct hop_tuple *a,
			 const struct hop_event *cur, const struct hop_tuple *b)
{
	if (a->family != b->family || !same_proto(a, b))
		return false;
	if (memcmp(a->saddr, a->daddr, 16) && !memcmp(a->saddr, b->daddr, 16) &&
	    !memcmp(a->daddr, b->saddr, 16))
		return false;
	if (endpoint_kept(a->saddr, a->sport, b->saddr, b->sport) ||
	    endpoint_kept(a->daddr, a->dport, b->daddr, b->dport))
		return true;
	return (prev->hook != HOOK_NF && cur->hook != HOOK_NF) ||
	       prev->hook == HOOK_NETIF_RECEIVE || cur->hook == HOOK_DEV_XMIT;
}

/* Whether the packet seen at prev can show cur's tuple at the next hop: the same, or
 * changed by encapsulation (right after a transmit into the tunnel device), decapsulation
 * (in the tunnel device's receive) or NAT. *same_packet_headers: the pod's headers at both
 * hops are the same packet's (unchanged or NATed), so their identity must match too. */
static bool tuple_reachable(const struct hop *prev, const struct hop_event *cur, const __u8 *data,
			    bool *same_packet_headers)
{
	struct hop_tuple a, b;

	*same_packet_headers = false;
	if (!pod_tuple(&prev->ev, prev->data, &a) ||
	    !pod_tuple(cur, cur->cap_len ? data : NULL, &b))
		return true;
	if (tuple_is_tunnel(&a) || tuple_is_tunnel(&b))
		return true;
	*same_packet_headers = true;
	if (!memcmp(&a, &b, sizeof(a)))
		return true;
	/* Into a UDP tunnel on another port (WireGuard, FOU): the next hop is the underlay's
	 * netfilter or transmit. Out of one: the tunnel device receives it, after the
	 * underlay received it. */
	if ((prev->ev.hook == HOOK_DEV_XMIT && cur->hook != HOOK_NETIF_RECEIVE &&
	     b.proto == PROTO_UDP) ||
	    (cur->hook == HOOK_NETIF_RECEIVE && prev->ev.hook != HOOK_DEV_XMIT &&
	     a.proto == PROTO_UDP)) {
		*same_packet_headers = false;
		return true;
	}
	return nat_explains(&prev->ev, &a, cur, &b);
}

/* The identity the skb's last hop with readable headers showed; false when none did. */
static bool last_identity(const struct packet *p, __u64 skb, struct packet_identity *id)
{
	for (int i = p->hop_count - 1; i >= 0; i--) {
		const struct hop *h = &p->hops[i];

		if (h->ev.skb == skb && !packet__earlier_life(p, i) && h->ev.hook != HOOK_FIB &&
		    h->data && identity__read(&h->ev, h->data, id))
			return true;
	}
	return false;
}

/* Whether cur shows the identity the skb's packet had: a different IP ID, TCP sequence or
 * acknowledgement, UDP length or ICMP sequence is another packet at the same address. */
static bool identity_kept(const struct packet *p, const struct hop_event *cur, const __u8 *data)
{
	struct packet_identity was, now;

	if (!cur->cap_len || !data || !identity__read(cur, data, &now) ||
	    !last_identity(p, cur->skb, &was))
		return true;
	return identity__same(&was, &now);
}

/* An identity that tells one packet from the next of its flow: a non-zero IPv4 ID (an
 * unconnected UDP socket sends DF datagrams with ID 0), a TCP sequence, an echo sequence.
 * A UDP length alone does not. */
static bool strong_identity(const struct packet_identity *id)
{
	return (id->has_ip_id && id->ip_id) ||
	       (id->has_l4 && (id->proto == PROTO_TCP || id->icmp_echo));
}

/* The BPF side calls an skb fresh when its data buffer changed after a pause, its sign of an
 * address reused for another packet. A slow path makes the same pause: ip_forward() gives
 * the packet a new buffer (headroom for the route's device) after PREROUTING's rules, and a
 * long ruleset or the rule trace (--rules) can take milliseconds there. The packet goes on
 * when this hop, in the same namespace, shows the same tuple and the same strong identity
 * as the skb's last hop, and no socket has taken it. */
static bool continues_after_pause(const struct packet *p, const struct hop_event *ev,
				  const __u8 *data)
{
	const struct hop *last = last_skb_hop(p, ev->skb);
	struct packet_identity was, now;
	bool headers;

	if (!last || p->settling || last->ev.netns != ev->netns || !ev->cap_len || !data ||
	    ev->ts_ns - last->ev.ts_ns > PAUSE_MAX_NS)
		return false;
	for (int i = 0; i < p->hop_count; i++) {
		const struct hook_row *row = hook__row(p->hops[i].ev.hook);

		if (row && row->delivers)
			return false;
	}
	if (!tuple_reachable(last, ev, data, &headers) || !headers ||
	    !identity__read(ev, data, &now) || !last_identity(p, ev->skb, &was))
		return false;
	return strong_identity(&now) && identity__same(&was, &now);
}

/* The hop of its current skb where a socket took or read p last, or NULL. */
static const struct hop_event *taken_by(const struct packet *p)
{
	for (int i = p->hop_count - 1; i >= 0; i--) {
		const struct hop_event *ev = &p->hops[i].ev;
		const struct hook_row *row = hook__row(ev->hook);

		if (ev->skb == p->skb && !packet__earlier_life(p, i) && row && row->delivers)
			return ev;
	}
	return NULL;
}

/* The last hop of p's current skb that saw its data buffer (a socket's taking does not). */
static const struct hop_event *last_buffer_hop(const struct packet *p)
{
	for (int i = p->hop_count - 1; i >= 0; i--) {
		const struct hop_event *ev = &p->hops[i].ev;

		if (ev->skb == p->skb && !packet__earlier_life(p, i) && ev->head && sees_skb(ev))
			return ev;
	}
	return NULL;
}

/* A socket took p's skb and nothing but sockets saw it since (p is settling): what can
 * still happen to that skb is a read, a free or a drop by its socket. The BPF side keeps
 * the address tracked after the taking (the read data's free has no tracepoint) and calls
 * nothing at it fresh while the buffer looks the same, so a clone of a later packet that
 * gets the address shows here as the skb's next hop. Two things tell it:
 * - a packet socket read or dropped it: a packet socket gets its clones from a device, and
 *   never an skb that a socket of another kind took;
 * - it is a clone of another buffer than the skb's last hop saw. The skb's own buffer may
 *   have been replaced since (a pull on the way to the socket reallocates a cloned skb's
 *   buffer), but that leaves it no clone; and a clone made after that hop (a raw socket's,
 *   multicast's) shares the buffer. Neither sign alone: the clone bit may appear between
 *   that hop and the taking, and an uncloned skb may have a new buffer. */
static bool not_the_taken_skb(const struct packet *p, const struct hop_event *ev)
{
	const struct hop_event *taker, *own;

	if (!p->settling || !(taker = taken_by(p)))
		return false;
	if (hop__packet_socket(ev) && !hop__packet_socket(taker))
		return true;
	own = last_buffer_hop(p);
	return own && (ev->flags & HOP_F_CLONED) && ev->head && ev->head != own->head;
}

/* A hop at an address still open that cannot be the open packet's: the old skb was freed
 * where no hook saw it and the address reused. The BPF side flags what it can tell (a fresh
 * match, a packet read by a socket and seen again); the path tells the rest: a namespace
 * reached without a device, a family or tuple no NAT or tunnel explains. With events lost,
 * hops between may be missing: only the BPF side's word counts then. */
bool skb_reuse__new_life(const struct packet *p, const struct hop_event *ev, const __u8 *data,
			 bool ends_life)
{
	const struct hop *last;
	bool check_identity;

	/* The BPF side reports them only for an skb it tracks, and they show nothing to judge. */
	if (!sees_skb(ev))
		return false;
	if (not_the_taken_skb(p, ev))
		return true;
	/* A fresh free is the packet's own, its tracking lost on the way; once a socket took
	 * it, the path must say so too (the BPF side keeps a taken skb tracked). */
	if ((ev->flags & HOP_F_NEW) && (!ends_life || !p->settling))
		return !ends_life && !continues_after_pause(p, ev, data);
	last = last_skb_hop(p, ev->skb);
	if (!last || p->incomplete)
		return false;
	if (!netns_reachable(&last->ev, ev) || !tuple_reachable(last, ev, data, &check_identity))
		return true;
	return check_identity && !identity_kept(p, ev, data);
}

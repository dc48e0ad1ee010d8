// SPDX-License-Identifier: GPL-2.0
/* A packet's fate from the ends of its copies: an skb and its clones (a raw socket's, a
 * packet socket's, multicast's) are one packet, delivered if any copy was. */
#include "pipeline/enrich.h"
#include "pipeline/hooks.h"
#include "pipeline/packet_fate.h"

/* A socket that only watches (a packet socket: tcpdump) read hop i's copy, or dropped it
 * (its queue full): its fate is not the packet's. A copy is one skb's life, not its
 * address: the packet's own skb after a handoff may have the address its tap's copy had
 * (timeline.h, skb_since). A packet socket's drop counts only of a clone: one that got the
 * packet's only skb (no protocol wanted the frame) ended the packet. */
static bool copy_is_tap(const struct packet *p, int i)
{
	for (int j = 0; j < p->hop_count; j++) {
		const struct hop_event *ev = &p->hops[j].ev;

		if (packet__same_skb(p, i, j) && hop__packet_socket(ev) &&
		    (ev->hook == HOOK_SOCK_RECV || (ev->flags & HOP_F_CLONED)))
			return true;
	}
	return false;
}

/* Whether a hop can end a copy: route lookups and reports from beside the path (a BPF
 * program's return) cannot. */
static bool can_end_copy(const struct hop_event *ev)
{
	const struct hook_row *row = hook__row(ev->hook);

	return ev->hook != HOOK_FIB && !(row && row->annotates);
}

/* Whether hop i is the last one of its skb in the packet (the end of that copy). */
static bool copy_last_hop(const struct packet *p, int i)
{
	for (int j = i + 1; j < p->hop_count; j++)
		if (packet__same_skb(p, i, j) && can_end_copy(&p->hops[j].ev))
			return false;
	return true;
}

/* The hop before i where a socket took or read i's skb, or NULL. */
static const struct hop_event *socket_hop(const struct packet *p, int i)
{
	for (int j = i - 1; j >= 0; j--) {
		const struct hop_event *ev = &p->hops[j].ev;
		const struct hook_row *row = hook__row(ev->hook);

		if (packet__same_skb(p, i, j) && row && row->delivers)
			return ev;
	}
	return NULL;
}

/* How one copy ended, judged by its last hop: 1 delivered (consumed, taken or read by a
 * socket, or freed after its socket processed it), -1 dropped, 0 neither. */
static int copy_outcome(struct packet *p, int i, free_judge_fn judge, void *ctx)
{
	struct hop *h = &p->hops[i];

	switch (h->ev.hook) {
	case HOOK_CONSUME_SKB:
		/* Consumed for a headroom expansion at a tunnel device, with its new skb never
		 * seen: the bytes went on unseen, not delivered there (parked_fate). */
		if ((h->ev.flags & HOP_F_HANDOFF) && enrich__is_tunnel_kind(h->ev.dev_kind))
			return 0;
		return 1;
	case HOOK_KFREE_SKB:
		h->note = judge ? judge(ctx, &h->ev, socket_hop(p, i)) : HOP_NOTE_NONE;
		return h->note ? 1 : -1;
	default:
		return hook__row(h->ev.hook) && hook__row(h->ev.hook)->delivers;
	}
}

/* The packet's fate from the ends of its copies (one, unless clones were seen): delivered
 * if any copy was delivered, else dropped if one was, else what the caller saw. The frees
 * that did not decide it stay as notes. */
enum fate packet_fate__judge(struct packet *p, enum fate seen, free_judge_fn judge, void *ctx)
{
	int delivered = -1, dropped = -1;

	p->fate_hop = 0;
	if (seen == FATE_NO_ROUTE)
		return seen;
	for (int i = 0; i < p->hop_count; i++) {
		int out;

		if (!can_end_copy(&p->hops[i].ev) || !copy_last_hop(p, i) || copy_is_tap(p, i))
			continue;
		out = copy_outcome(p, i, judge, ctx);
		/* A delivery the kernel reported beats one inferred from a free. */
		if (out > 0 && (delivered < 0 || (p->hops[delivered].note && !p->hops[i].note)))
			delivered = i;
		else if (out < 0 && dropped < 0)
			dropped = i;
	}
	/* Every other free is a note: a copy's, or one after processing (already marked). */
	for (int i = 0; i < p->hop_count; i++) {
		struct hop *h = &p->hops[i];

		if (h->ev.hook == HOOK_KFREE_SKB && !h->note && (i != dropped || delivered >= 0))
			h->note = HOP_NOTE_COPY_FREED;
	}
	if (delivered >= 0) {
		p->fate_hop = delivered + 1;
		return FATE_DELIVERED;
	}
	if (dropped >= 0) {
		p->fate_hop = dropped + 1;
		return FATE_DROPPED;
	}
	/* No copy's end was seen (the trace ended, or only a tap's copy ended). */
	return seen == FATE_DROPPED || seen == FATE_DELIVERED ? FATE_UNKNOWN : seen;
}

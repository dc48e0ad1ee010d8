/* SPDX-License-Identifier: GPL-2.0 */
/* Grouping hop events into packets (one skb's life) and packets into flows, and judging
 * each packet's fate when its life ends. */
#ifndef TIMELINE_H
#define TIMELINE_H

#include <stdbool.h>
#include <linux/types.h>
#include "hoptrace.h"
#include "pipeline/icmp.h"

enum fate {
	FATE_UNKNOWN = 0,
	FATE_DELIVERED,
	FATE_DROPPED,
	FATE_NO_ROUTE, /* a send failed its route lookup: no packet was ever built */
};

/* Why a free is not the packet's fate, though the kernel called it a drop. */
enum hop_note {
	HOP_NOTE_NONE = 0,
	HOP_NOTE_COPY_FREED,   /* a copy freed while another copy of the packet was delivered */
	HOP_NOTE_PROCESSED,    /* freed as a drop after the socket processed it (free_judge_fn) */
	HOP_NOTE_AFTER_SOCKET, /* freed as a drop when the socket that took it went away */
};

struct hop {
	struct hop_event ev; /* the fixed part; ev.cap_len bytes at data */
	__u8 *data;
	enum hop_note note; /* set when the packet's fate is judged */
};

#define TIMELINE_MAX_COPIES 4

struct packet {
	__u64 id;
	__u64 skb;
	__u64 flow_id;		     /* 0: no tuple was ever seen */
	struct hop_tuple flow_tuple; /* the flow's first packet's tuple, as first seen */
	struct icmp_facts icmp;	     /* its ICMP message, read where it joined its flow */
	enum fate fate;
	bool incomplete; /* events were lost while it lived, or it was evicted */
	bool reply;	 /* travels opposite to the flow's first packet */
	bool judged;	 /* the filter has seen its bytes */
	bool rejected;	 /* the filter refused it: its hops are not kept */
	/* It began as a packet socket's copy whose own packet was not open any more (read
	 * after that packet was reported): a tap's view, not a packet of its own. */
	bool tap_copy;
	int hop_count;
	int hop_cap;
	/* The first hop of its current skb's life: a handoff moves the packet to a new skb
	 * whose address earlier hops of it may have seen on another skb (its own copy, freed
	 * just before). Only hops from here on are that skb's. */
	int skb_since;
	__u32 hops_dropped; /* hops past TIMELINE_MAX_HOPS, counted but not kept */
	struct hop *hops;
	int fate_hop; /* the hop that decided the fate, counted from 1; 0: the last one */
	/* Copies: clones share the data buffer (skb->head) of the original. */
	__u64 head; /* the data buffer of its latest hop */
	bool held;  /* its skb was freed while a copy lived on: it waits for the copy */
	/* A socket took it last: it ends delivered unless another hop shows within HOLD_NS
	 * (the read and the free of delivered data mostly have no tracepoint). */
	bool settling;
	__u64 wait_ts;				/* when it began to wait (held or settling) */
	struct packet *wait_older, *wait_newer; /* waiting packets, by wait_ts */
	bool wait_linked;
	__u64 copy_skbs[TIMELINE_MAX_COPIES]; /* addresses of copies still alive */
	int copy_count;
	struct packet *head_next;
	struct packet *bucket_next;
	struct packet *older, *newer; /* open packets, oldest first */
};

/* Whether hop i of p saw an earlier skb at the address p's skb has now (see skb_since). */
static inline bool packet__earlier_life(const struct packet *p, int i)
{
	return i < p->skb_since && p->hops[i].ev.skb == p->skb;
}

/* Whether hops i and j of p saw the same skb: the same address in the same life of it. */
static inline bool packet__same_skb(const struct packet *p, int i, int j)
{
	return p->hops[i].ev.skb == p->hops[j].ev.skb &&
	       packet__earlier_life(p, i) == packet__earlier_life(p, j);
}

/* Whether a packet socket (tcpdump) read or dropped this skb: on sock_recv the reader, on
 * kfree_skb the socket the kernel names as receiving it (6.11+). Such a socket gets its own
 * clone of a packet from a device (dev_queue_xmit_nit, packet_rcv), never an skb that a
 * socket of another kind took, and what becomes of that clone is the tap's, not the
 * packet's. */
static inline bool hop__packet_socket(const struct hop_event *ev)
{
	return (ev->flags & HOP_F_SOCK) && ev->sk_family == HOP_AF_PACKET &&
	       (ev->hook == HOOK_SOCK_RECV || ev->hook == HOOK_KFREE_SKB);
}

#define TIMELINE_MAX_HOPS 128
#define TIMELINE_MAX_OPEN 65536
#define TIMELINE_MAX_FLOWS 65536

/* Called when a packet's life ends (or the trace ends); the packet is freed after. */
typedef void (*packet_done_fn)(void *ctx, const struct packet *pkt);

struct drop_site {
	__u32 reason;
	bool has_reason;
	__u64 location;
	__u64 count;
};

struct timeline_totals {
	__u64 events;
	__u64 packets;
	__u64 dropped;
	__u64 delivered;
	__u64 unknown;
	__u64 no_route;
	__u64 incomplete;
	__u64 filtered; /* packets the filter expression refused */
	/* Hops of packets already reported: a socket's late read or free of a packet that
	 * settled as delivered (or whose first hops were lost), a packet socket's copy read
	 * after its packet ended. */
	__u64 after_end;
	struct drop_site *sites;
	int site_count;
};

struct timeline;

/* Whether a kfree_skb hop freed a packet that a socket had processed (TCP freeing a pure ACK
 * it acted on as NOT_SPECIFIED) or had taken (taken_by: that socket's hop of the same skb,
 * or NULL) and let go unread when it closed: the note that says so, or HOP_NOTE_NONE for a
 * drop. */
typedef enum hop_note (*free_judge_fn)(void *ctx, const struct hop_event *ev,
				       const struct hop_event *taken_by);

/* Decides from a packet's first hop that carries bytes whether the packet is kept. */
typedef bool (*packet_accept_fn)(void *ctx, const struct hop_event *ev, const __u8 *data);

struct timeline *timeline__new(packet_done_fn done, void *ctx);
void timeline__free(struct timeline *tl);

/* Keeps only packets that accept() takes, judged on their first hop with captured bytes;
 * a packet that never carries bytes (its tuple came from the socket) is kept. */
void timeline__set_filter(struct timeline *tl, packet_accept_fn accept, void *ctx);

/* Lets judge() tell frees after processing from drops; without it every kfree_skb that
 * decides a packet's fate is a drop. */
void timeline__set_free_judge(struct timeline *tl, free_judge_fn judge, void *ctx);

/* Ends packets held for a copy that did not show up by now_ns (kernel monotonic time). */
void timeline__expire(struct timeline *tl, __u64 now_ns);

/* Adds one decoded hop; ends the packet's life on kfree_skb/consume_skb. Returns 0 or
 * -ENOMEM. */
int timeline__add(struct timeline *tl, const struct hop_event *ev, const __u8 *data);

/* Marks every open packet incomplete: events were lost while they lived. */
void timeline__mark_loss(struct timeline *tl);

/* Ends every open packet with fate unknown (the trace ended first). */
void timeline__finish(struct timeline *tl);

const struct timeline_totals *timeline__totals(const struct timeline *tl);

/* The canonical name of a fate: "dropped", "delivered", "unknown". */
const char *fate__name(enum fate fate);

#endif /* TIMELINE_H */

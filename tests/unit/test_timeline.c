// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the timeline on synthetic hop streams: fates, drop sites, skb address reuse,
 * flow grouping in both directions, loss marking, the hop cap, the filter, the bounds on
 * open packets and flows, and reports from beside the path (bpf_prog hops). */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "pipeline/timeline.h"

#define SKB_A 0xffff888004a3c000ull
#define SKB_B 0xffff888004a3d000ull
#define DROP_AT 0xffffffff81a00010ull
#define REASON_NO_SOCKET 3
#define REASON_NETFILTER_DROP 11

/* What the done callback saw of one packet; the packet itself is freed after the call. */
struct seen {
	__u64 id, skb, flow_id;
	enum fate fate;
	bool incomplete, reply;
	int hop_count;
	__u32 hops_dropped;
	__u16 first_hook, last_hook;
	__u64 first_ts, last_ts, before_last_ts;
	struct hop_tuple flow_tuple;
};

#define SEEN_MAX 64

static struct seen seen[SEEN_MAX];
static int seen_count; /* every call, also past SEEN_MAX */
/* The device of the last hop of the packet done last. */
static char last_ifname[HOPTRACE_IFNAMSIZ], last_kind[HOPTRACE_KINDSIZ];

static void on_done(void *ctx, const struct packet *p)
{
	struct seen *s;

	(void)ctx;
	if (seen_count++ >= SEEN_MAX)
		return;
	s = &seen[seen_count - 1];
	*s = (struct seen){ .id = p->id,
			    .skb = p->skb,
			    .flow_id = p->flow_id,
			    .fate = p->fate,
			    .incomplete = p->incomplete,
			    .reply = p->reply,
			    .hop_count = p->hop_count,
			    .hops_dropped = p->hops_dropped,
			    .flow_tuple = p->flow_tuple };
	if (p->hop_count) {
		memcpy(last_ifname, p->hops[p->hop_count - 1].ev.ifname, sizeof(last_ifname));
		memcpy(last_kind, p->hops[p->hop_count - 1].ev.dev_kind, sizeof(last_kind));
		s->first_hook = p->hops[0].ev.hook;
		s->last_hook = p->hops[p->hop_count - 1].ev.hook;
		s->first_ts = p->hops[0].ev.ts_ns;
		s->last_ts = p->hops[p->hop_count - 1].ev.ts_ns;
		if (p->hop_count > 1)
			s->before_last_ts = p->hops[p->hop_count - 2].ev.ts_ns;
	}
}

static struct timeline *fresh(void)
{
	seen_count = 0;
	memset(seen, 0, sizeof(seen));
	return timeline__new(on_done, NULL);
}

static __u64 clock_ns = 1000;

/* A hop of skb with no tuple and no bytes; the next timestamp each time. */
static struct hop_event hop(__u64 skb, __u16 hook, __u16 flags)
{
	return (struct hop_event){
		.ts_ns = clock_ns++, .skb = skb, .hook = hook, .flags = flags, .len = 84
	};
}

/* An IPv4 tuple: 10.0.0.<a>:<ap> -> 10.0.0.<b>:<bp>. */
static struct hop_tuple tuple4(int a, __u16 ap, int b, __u16 bp, __u8 proto)
{
	struct hop_tuple t = { .sport = ap, .dport = bp, .family = HOP_AF_INET, .proto = proto };
	__u32 sa = htonl(0x0a000000u | a), da = htonl(0x0a000000u | b);

	memcpy(t.saddr, &sa, 4);
	memcpy(t.daddr, &da, 4);
	return t;
}

static struct hop_event hop_tuple(__u64 skb, __u16 hook, __u16 flags, struct hop_tuple t)
{
	struct hop_event ev = hop(skb, hook, flags | HOP_F_TUPLE);

	ev.tuple = t;
	return ev;
}

static void add(struct timeline *tl, struct hop_event ev)
{
	CHECK(timeline__add(tl, &ev, NULL) == 0);
}

static void drop(struct timeline *tl, __u64 skb, __u32 reason, __u64 location)
{
	struct hop_event ev = hop(skb, HOOK_KFREE_SKB, HOP_F_HAS_REASON);

	ev.reason = reason;
	ev.location = location;
	add(tl, ev);
}

static void test_delivered(void)
{
	struct timeline *tl = fresh();
	const struct timeline_totals *t = timeline__totals(tl);

	add(tl, hop(SKB_A, HOOK_DEV_XMIT, HOP_F_NEW));
	add(tl, hop(SKB_A, HOOK_NETIF_RECEIVE, 0));
	CHECK(seen_count == 0); /* still alive: nothing printed yet */
	add(tl, hop(SKB_A, HOOK_CONSUME_SKB, 0));
	CHECK(seen_count == 1);
	CHECK(seen[0].fate == FATE_DELIVERED);
	CHECK(seen[0].hop_count == 3);
	CHECK(seen[0].first_hook == HOOK_DEV_XMIT && seen[0].last_hook == HOOK_CONSUME_SKB);
	CHECK(seen[0].skb == SKB_A && !seen[0].incomplete);
	CHECK(seen[0].flow_id == 0); /* no tuple was ever seen */
	CHECK(t->events == 3 && t->packets == 1 && t->delivered == 1);
	CHECK(t->dropped == 0 && t->unknown == 0 && t->site_count == 0);
	CHECK_STR(fate__name(FATE_DELIVERED), "delivered");
	timeline__free(tl);
}

static void test_dropped_and_sites(void)
{
	struct timeline *tl = fresh();
	const struct timeline_totals *t = timeline__totals(tl);

	add(tl, hop(SKB_A, HOOK_DEV_XMIT, HOP_F_NEW));
	drop(tl, SKB_A, REASON_NETFILTER_DROP, DROP_AT);
	CHECK(seen_count == 1 && seen[0].fate == FATE_DROPPED && seen[0].hop_count == 2);
	CHECK(seen[0].last_hook == HOOK_KFREE_SKB);

	/* The same site again, then another location, then the same reason with none given. */
	add(tl, hop(SKB_B, HOOK_NETIF_RECEIVE, HOP_F_NEW));
	drop(tl, SKB_B, REASON_NETFILTER_DROP, DROP_AT);
	drop(tl, SKB_A, REASON_NO_SOCKET, DROP_AT + 0x40);
	{
		struct hop_event ev = hop(SKB_A, HOOK_KFREE_SKB, 0);

		ev.reason = REASON_NO_SOCKET;
		ev.location = DROP_AT + 0x40;
		add(tl, ev);
	}
	CHECK(seen_count == 4);
	CHECK(t->packets == 4 && t->dropped == 4 && t->delivered == 0);
	CHECK(t->site_count == 3);
	if (t->site_count == 3) {
		CHECK(t->sites[0].reason == REASON_NETFILTER_DROP && t->sites[0].count == 2);
		CHECK(t->sites[0].location == DROP_AT && t->sites[0].has_reason);
		CHECK(t->sites[1].reason == REASON_NO_SOCKET && t->sites[1].count == 1);
		CHECK(!t->sites[2].has_reason && t->sites[2].count == 1);
	}
	CHECK_STR(fate__name(FATE_DROPPED), "dropped");
	timeline__free(tl);
}

static void test_open_at_finish_is_unknown(void)
{
	struct timeline *tl = fresh();
	const struct timeline_totals *t = timeline__totals(tl);

	add(tl, hop(SKB_A, HOOK_DEV_XMIT, HOP_F_NEW));
	add(tl, hop(SKB_B, HOOK_DEV_XMIT, HOP_F_NEW));
	add(tl, hop(SKB_A, HOOK_NETIF_RECEIVE, 0));
	CHECK(seen_count == 0);
	timeline__finish(tl);
	CHECK(seen_count == 2);
	CHECK(seen[0].fate == FATE_UNKNOWN && seen[1].fate == FATE_UNKNOWN);
	CHECK(seen[0].skb == SKB_A && seen[0].hop_count == 2); /* oldest first */
	CHECK(seen[1].skb == SKB_B && seen[1].hop_count == 1);
	CHECK(t->unknown == 2 && t->packets == 2);
	CHECK_STR(fate__name(FATE_UNKNOWN), "unknown");
	timeline__finish(tl); /* nothing left: a second finish is harmless */
	CHECK(seen_count == 2);
	timeline__free(tl);
}

static void test_new_on_open_address(void)
{
	struct timeline *tl = fresh();

	add(tl, hop(SKB_A, HOOK_DEV_XMIT, HOP_F_NEW));
	add(tl, hop(SKB_A, HOOK_NETIF_RECEIVE, 0));
	/* The skb was freed where no hook saw it; its address now holds a new packet. */
	add(tl, hop(SKB_A, HOOK_DEV_XMIT, HOP_F_NEW));
	CHECK(seen_count == 1);
	CHECK(seen[0].fate == FATE_UNKNOWN && seen[0].hop_count == 2);
	add(tl, hop(SKB_A, HOOK_CONSUME_SKB, 0));
	CHECK(seen_count == 2);
	CHECK(seen[1].fate == FATE_DELIVERED && seen[1].hop_count == 2);
	CHECK(seen[1].id != seen[0].id);

	/* A free is never a new life: it ends the open packet with its hops. */
	add(tl, hop(SKB_B, HOOK_DEV_XMIT, HOP_F_NEW));
	drop(tl, SKB_B, REASON_NO_SOCKET, DROP_AT);
	{
		struct hop_event ev = hop(SKB_B, HOOK_DEV_XMIT, HOP_F_NEW);

		add(tl, ev);
		ev = hop(SKB_B, HOOK_KFREE_SKB, HOP_F_NEW);
		add(tl, ev);
	}
	CHECK(seen_count == 4);
	CHECK(seen[3].fate == FATE_DROPPED && seen[3].hop_count == 2);
	timeline__free(tl);
}

/* 28 bytes from the IP header of a UDP packet 10.0.0.1:1000 -> 10.0.0.2:2000 with IP ID
 * id, as a hop with those bytes captured (netns 7). */
static __u8 pause_bytes[3][28];

static struct hop_event udp_hop_bytes(__u64 skb, __u16 hook, __u16 flags, __u64 ts, __u16 id,
				      __u8 *p)
{
	struct hop_event ev = hop_tuple(skb, hook, flags, tuple4(1, 1000, 2, 2000, 17));

	memset(p, 0, 28);
	p[0] = 0x45, p[9] = 17;
	p[4] = id >> 8, p[5] = id & 0xff;
	memcpy(p + 12, ev.tuple.saddr, 4);
	memcpy(p + 16, ev.tuple.daddr, 4);
	p[20] = 1000 >> 8, p[21] = 1000 & 0xff, p[22] = 2000 >> 8, p[23] = 2000 & 0xff;
	p[25] = 8;
	ev.ts_ns = ts;
	ev.netns = 7;
	ev.cap_len = 28;
	return ev;
}

/* The BPF side calls an skb fresh when its buffer changed after a pause of over 2 ms: a
 * reused address, or ip_forward()'s new buffer after slow PREROUTING rules. The same
 * strong identity (a non-zero IP ID) keeps the packet; another one, or an ID of 0 (which
 * an unconnected UDP socket's DF datagrams all have), starts a new packet. */
static void test_fresh_after_pause(void)
{
	static const struct {
		__u16 id_before, id_after;
		int packets;
	} cases[] = { { 77, 77, 1 }, { 77, 78, 2 }, { 0, 0, 2 } };

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct timeline *tl = fresh();
		struct hop_event ev;

		ev = udp_hop_bytes(SKB_A, HOOK_NETIF_RECEIVE, HOP_F_NEW, 1000000,
				   cases[i].id_before, pause_bytes[0]);
		CHECK(timeline__add(tl, &ev, pause_bytes[0]) == 0);
		ev = udp_hop_bytes(SKB_A, HOOK_NF, HOP_F_NEW, 9000000, cases[i].id_after,
				   pause_bytes[1]);
		CHECK(timeline__add(tl, &ev, pause_bytes[1]) == 0);
		drop(tl, SKB_A, REASON_NO_SOCKET, DROP_AT);
		CHECK(seen_count == cases[i].packets);
		timeline__free(tl);
	}
}

static void test_flows_and_replies(void)
{
	struct hop_tuple ab = tuple4(1, 40000, 2, 80, 6), ba = tuple4(2, 80, 1, 40000, 6);
	struct hop_tuple other_port = tuple4(1, 40001, 2, 80, 6);
	struct hop_tuple other_proto = tuple4(1, 40000, 2, 80, 17);
	struct timeline *tl = fresh();

	add(tl, hop_tuple(SKB_A, HOOK_DEV_XMIT, HOP_F_NEW, ab));
	add(tl, hop(SKB_A, HOOK_CONSUME_SKB, 0));
	add(tl, hop_tuple(SKB_B, HOOK_DEV_XMIT, HOP_F_NEW, ba));
	add(tl, hop(SKB_B, HOOK_CONSUME_SKB, 0));
	add(tl, hop_tuple(SKB_A, HOOK_DEV_XMIT, HOP_F_NEW, ab));
	add(tl, hop(SKB_A, HOOK_CONSUME_SKB, 0));
	add(tl, hop_tuple(SKB_A, HOOK_DEV_XMIT, HOP_F_NEW, other_port));
	add(tl, hop(SKB_A, HOOK_CONSUME_SKB, 0));
	add(tl, hop_tuple(SKB_A, HOOK_DEV_XMIT, HOP_F_NEW, other_proto));
	add(tl, hop(SKB_A, HOOK_CONSUME_SKB, 0));
	CHECK(seen_count == 5);
	CHECK(seen[0].flow_id != 0);
	CHECK(seen[0].flow_id == seen[1].flow_id && seen[1].flow_id == seen[2].flow_id);
	CHECK(!seen[0].reply && seen[1].reply && !seen[2].reply);
	/* The flow is named by its first packet's tuple, replies included. */
	CHECK(!memcmp(&seen[1].flow_tuple, &ab, sizeof(ab)));
	CHECK(seen[3].flow_id != seen[0].flow_id && seen[3].flow_id != 0);
	CHECK(seen[4].flow_id != seen[0].flow_id && seen[4].flow_id != seen[3].flow_id);
	timeline__free(tl);
}

/* The tuple of a packet's first hop with one decides its flow, even after NAT rewrote it. */
static void test_flow_from_first_tuple(void)
{
	struct hop_tuple pod = tuple4(1, 40000, 2, 53, 17), natted = tuple4(9, 1024, 2, 53, 17);
	struct timeline *tl = fresh();

	add(tl, hop(SKB_A, HOOK_DEV_XMIT, HOP_F_NEW)); /* no tuple yet */
	add(tl, hop_tuple(SKB_A, HOOK_DEV_XMIT, 0, pod));
	add(tl, hop_tuple(SKB_A, HOOK_NETIF_RECEIVE, 0, natted));
	add(tl, hop(SKB_A, HOOK_CONSUME_SKB, 0));
	add(tl, hop_tuple(SKB_B, HOOK_DEV_XMIT, HOP_F_NEW, pod));
	add(tl, hop(SKB_B, HOOK_CONSUME_SKB, 0));
	CHECK(seen_count == 2);
	CHECK(seen[0].flow_id != 0 && seen[0].flow_id == seen[1].flow_id);
	CHECK(!memcmp(&seen[0].flow_tuple, &pod, sizeof(pod)));
	timeline__free(tl);
}

static void test_mark_loss(void)
{
	struct timeline *tl = fresh();
	const struct timeline_totals *t = timeline__totals(tl);

	add(tl, hop(SKB_A, HOOK_DEV_XMIT, HOP_F_NEW));
	timeline__mark_loss(tl);
	add(tl, hop(SKB_B, HOOK_DEV_XMIT, HOP_F_NEW)); /* began after the loss */
	add(tl, hop(SKB_A, HOOK_CONSUME_SKB, 0));
	add(tl, hop(SKB_B, HOOK_CONSUME_SKB, 0));
	CHECK(seen_count == 2);
	CHECK(seen[0].skb == SKB_A && seen[0].incomplete);
	CHECK(seen[0].fate == FATE_DELIVERED); /* the fate stands; it is flagged, not changed */
	CHECK(seen[1].skb == SKB_B && !seen[1].incomplete);
	CHECK(t->incomplete == 1);
	timeline__mark_loss(tl); /* with nothing open: no effect, no crash */
	timeline__free(tl);
}

static void test_hop_cap(void)
{
	const int hops = TIMELINE_MAX_HOPS + 72;
	struct timeline *tl = fresh();
	__u64 first_ts = clock_ns;

	for (int i = 0; i < hops; i++)
		add(tl, hop(SKB_A, i % 2 ? HOOK_NETIF_RECEIVE : HOOK_DEV_XMIT, i ? 0 : HOP_F_NEW));
	drop(tl, SKB_A, REASON_NO_SOCKET, DROP_AT);
	CHECK(seen_count == 1);
	CHECK(seen[0].hop_count == TIMELINE_MAX_HOPS);
	CHECK(seen[0].hops_dropped == (__u32)(hops + 1 - TIMELINE_MAX_HOPS));
	CHECK(seen[0].first_ts == first_ts);
	/* The first ones are kept in order, and the last is the drop that judged it. */
	CHECK(seen[0].before_last_ts == first_ts + TIMELINE_MAX_HOPS - 2);
	CHECK(seen[0].last_hook == HOOK_KFREE_SKB && seen[0].fate == FATE_DROPPED);
	CHECK(seen[0].last_ts == first_ts + hops);
	timeline__free(tl);
}

/* Refuses packets whose first captured byte is 0xee. */
static int filter_calls;

static bool refuse_ee(void *ctx, const struct hop_event *ev, const __u8 *data)
{
	(void)ctx;
	(void)ev;
	filter_calls++;
	return data[0] != 0xee;
}

static void add_bytes(struct timeline *tl, struct hop_event ev, __u8 first)
{
	__u8 data[20] = { first, 0x45 };

	ev.cap_len = sizeof(data);
	CHECK(timeline__add(tl, &ev, data) == 0);
}

static void test_filter(void)
{
	struct timeline *tl = fresh();
	const struct timeline_totals *t = timeline__totals(tl);

	filter_calls = 0;
	timeline__set_filter(tl, refuse_ee, NULL);
	/* Refused: its first hop with bytes decides, a hop without bytes before it does not. */
	add(tl, hop(SKB_A, HOOK_DEV_XMIT, HOP_F_NEW));
	add_bytes(tl, hop(SKB_A, HOOK_DEV_XMIT, 0), 0xee);
	add_bytes(tl, hop(SKB_A, HOOK_NETIF_RECEIVE, 0), 0x00); /* judged once only */
	drop(tl, SKB_A, REASON_NO_SOCKET, DROP_AT);
	CHECK(seen_count == 0);
	CHECK(filter_calls == 1);
	CHECK(t->filtered == 1 && t->packets == 0 && t->dropped == 0 && t->site_count == 0);

	/* Accepted. */
	add_bytes(tl, hop(SKB_B, HOOK_DEV_XMIT, HOP_F_NEW), 0x45);
	add(tl, hop(SKB_B, HOOK_CONSUME_SKB, 0));
	CHECK(seen_count == 1 && seen[0].hop_count == 2 && seen[0].fate == FATE_DELIVERED);

	/* Never carries bytes (its tuple came from the socket): kept. */
	add(tl, hop(SKB_A, HOOK_DEV_XMIT, HOP_F_NEW | HOP_F_TUPLE_FROM_SK));
	drop(tl, SKB_A, REASON_NO_SOCKET, DROP_AT);
	CHECK(seen_count == 2 && seen[1].fate == FATE_DROPPED);

	/* A refused packet still open at the end is not reported either. */
	add_bytes(tl, hop(SKB_A, HOOK_DEV_XMIT, HOP_F_NEW), 0xee);
	timeline__finish(tl);
	CHECK(seen_count == 2);
	CHECK(t->filtered == 2 && t->packets == 2 && t->unknown == 0);
	CHECK(filter_calls == 3);
	timeline__free(tl);
}

/* More open packets than the timeline holds: the oldest go, as unknown and incomplete. */
static void test_open_packets_bounded(void)
{
	const int extra = 5;
	struct timeline *tl = fresh();
	const struct timeline_totals *t = timeline__totals(tl);

	for (int i = 0; i < TIMELINE_MAX_OPEN + extra; i++)
		add(tl, hop(SKB_A + 0x100ull * i, HOOK_DEV_XMIT, HOP_F_NEW));
	CHECK(seen_count == extra);
	CHECK(seen[0].skb == SKB_A && seen[0].fate == FATE_UNKNOWN && seen[0].incomplete);
	CHECK(seen[extra - 1].skb == SKB_A + 0x100ull * (extra - 1));
	/* An evicted packet's later normal free neither revives it nor makes a packet of one
	 * consume hop: it is counted as a hop after its packet's end. */
	add(tl, hop(SKB_A + 0x100ull, HOOK_CONSUME_SKB, 0));
	CHECK(seen_count == extra && t->after_end == 1);
	timeline__finish(tl);
	CHECK(t->packets == (__u64)TIMELINE_MAX_OPEN + extra);
	CHECK(t->incomplete == extra);
	timeline__free(tl);
}

/* A flood of distinct flows: the flow table starts afresh rather than growing without end,
 * and flow ids keep counting so that no two flows share one. */
/* A drop with no skb->dev reports the arrival device by index (skb_iif): named from the
 * packet's receive hop in that namespace, never from another namespace's device. */
static void test_arrival_device_named(void)
{
	struct timeline *tl = fresh();
	struct hop_event rx = hop(SKB_A, HOOK_NETIF_RECEIVE, HOP_F_NEW);
	struct hop_event other = hop(SKB_B, HOOK_NETIF_RECEIVE, HOP_F_NEW);
	struct hop_event ev = hop(SKB_A, HOOK_KFREE_SKB, HOP_F_DEV_IIF);

	rx.netns = 7, rx.ifindex = 2;
	strcpy(rx.ifname, "eth0");
	strcpy(rx.dev_kind, "veth");
	other.netns = 8, other.ifindex = 3;
	strcpy(other.ifname, "veth-b");
	add(tl, rx);
	add(tl, other);
	ev.netns = 7, ev.ifindex = 2;
	add(tl, ev);
	CHECK(seen_count == 1);
	CHECK_STR(last_ifname, "eth0");
	CHECK_STR(last_kind, "veth");
	/* Index 3 was seen only in namespace 8: a drop in namespace 7 stays unnamed. */
	ev.skb = SKB_B, ev.netns = 7, ev.ifindex = 3;
	add(tl, ev);
	CHECK(seen_count == 2);
	CHECK_STR(last_ifname, "");
	timeline__free(tl);
}

/* The handoff of a packet to a new skb (a headroom expansion on the way out): one packet,
 * its old skb's consume gone, its fate the new skb's. */
static void test_handoff_keeps_one_packet(void)
{
	struct timeline *tl = fresh();
	const struct timeline_totals *t = timeline__totals(tl);
	struct hop_event consume = hop(SKB_A, HOOK_CONSUME_SKB, HOP_F_HANDOFF);
	struct hop_event link = hop(SKB_B, HOOK_HANDOFF, 0);

	strcpy(consume.dev_kind, "vxlan");
	link.info.handoff.prev = SKB_A;
	add(tl, hop(SKB_A, HOOK_NF, HOP_F_NEW));
	add(tl, consume);
	CHECK(seen_count == 0); /* waits for its new skb */
	add(tl, link);
	add(tl, hop(SKB_B, HOOK_DEV_XMIT, 0));
	drop(tl, SKB_B, REASON_NO_SOCKET, DROP_AT);
	CHECK(seen_count == 1);
	CHECK(seen[0].fate == FATE_DROPPED);
	CHECK(seen[0].hop_count == 3); /* nf, dev_xmit, kfree: no consume in between */
	CHECK(seen[0].first_hook == HOOK_NF);
	CHECK(t->packets == 1 && t->dropped == 1 && t->delivered == 0);
	timeline__free(tl);
}

/* A handoff whose new skb is never seen: not delivered at a tunnel device (unknown), taken
 * at its word elsewhere; the wait ends by later events' clocks or at the end. */
static void test_handoff_unseen(void)
{
	struct timeline *tl = fresh();
	struct hop_event consume = hop(SKB_A, HOOK_CONSUME_SKB, HOP_F_HANDOFF);
	struct hop_event later = hop(SKB_B, HOOK_DEV_XMIT, HOP_F_NEW);

	strcpy(consume.dev_kind, "vxlan");
	add(tl, hop(SKB_A, HOOK_NF, HOP_F_NEW));
	add(tl, consume);
	timeline__finish(tl);
	CHECK(seen_count == 1 && seen[0].fate == FATE_UNKNOWN);
	timeline__free(tl);

	tl = fresh();
	consume.dev_kind[0] = 0;
	add(tl, hop(SKB_A, HOOK_NF, HOP_F_NEW));
	add(tl, consume);
	later.ts_ns = consume.ts_ns + 20000000; /* 20 ms on: the wait is over */
	add(tl, later);
	CHECK(seen_count == 1 && seen[0].fate == FATE_DELIVERED && seen[0].skb == SKB_A);
	timeline__free(tl);
}

/* The flake of test_healthy (healthy_fail_1.jsonl, packets 44 and 45): IPv6 UDP forwarded
 * into VXLAN on node n1 is handed off to a new skb (a headroom expansion) at the address
 * of the packet's own tap copy, which a packet socket in pod p1 read and freed on another
 * CPU microseconds before. The new skb's first hop, a transmit in n1, must not be compared
 * with the copy's free in p1 (no device between: an address reuse) but carry the packet on.
 * Events in the order they arrived, their clocks as in the trace (CPU 0's sit among CPU 1's). */
#define SKB_2000 0xffff88812d3a2000ull
#define SKB_2900 0xffff88812d3a2900ull
#define NS_P1 101
#define NS_N1 102
#define NS_N2 103
#define NS_P2 104

static struct hop_event hop_on(__u64 skb, __u16 hook, __u16 flags, __u32 cpu, __u32 netns,
			       __u64 head, __u64 ts)
{
	struct hop_event ev = hop(skb, hook, flags);

	ev.cpu = cpu, ev.netns = netns, ev.head = head, ev.ts_ns = ts;
	return ev;
}

/* The forwarded datagram from pod p1 up to its consume for headroom in n1 (CPU 1), its tap
 * copy at 2900 read and freed in p1 (CPU 0) when copy_at says, among those hops. */
static void forward_to_expansion(struct timeline *tl, __u64 head, int copy_at)
{
	static const struct {
		__u16 hook;
		__u32 netns;
		__u64 ts;
	} path[] = {
		{ HOOK_NF, NS_P1, 886879700 },	     { HOOK_NF, NS_P1, 886880500 },
		{ HOOK_DEV_XMIT, NS_P1, 886885600 }, { HOOK_NETIF_RECEIVE, NS_N1, 886887000 },
		{ HOOK_NF, NS_N1, 886893800 },	     { HOOK_NETIF_RECEIVE, NS_N1, 886894800 },
		{ HOOK_NF, NS_N1, 886895900 },	     { HOOK_NF, NS_N1, 886896000 },
	};
	struct hop_event tap_read = hop_on(SKB_2900, HOOK_SOCK_RECV,
					   HOP_F_NEW | HOP_F_CLONED | HOP_F_SOCK, 0, NS_P1, head,
					   886893600);
	struct hop_event tap_free =
		hop_on(SKB_2900, HOOK_CONSUME_SKB, HOP_F_CLONED, 0, NS_P1, head, 886894300);
	struct hop_event consume =
		hop_on(SKB_2000, HOOK_CONSUME_SKB, HOP_F_HANDOFF, 1, NS_N1, head, 886897000);

	tap_read.sk_family = HOP_AF_PACKET, tap_read.sk_type = HOP_SOCK_RAW;
	tap_free.copies = 2; /* the original still shares the buffer */
	strcpy(consume.dev_kind, "vxlan");
	for (int i = 0; i < (int)(sizeof(path) / sizeof(path[0])); i++) {
		if (i == copy_at) {
			add(tl, tap_read);
			add(tl, tap_free);
		}
		add(tl, hop_on(SKB_2000, path[i].hook, i ? 0 : HOP_F_NEW, 1, path[i].netns, head,
			       path[i].ts));
	}
	add(tl, consume);
}

/* The new skb 2900 from the handoff on: through the underlay to pod p2's socket. */
static void forward_after_expansion(struct timeline *tl, __u64 head)
{
	static const struct {
		__u16 hook;
		__u32 netns;
	} path[] = {
		{ HOOK_DEV_XMIT, NS_N1 },
		{ HOOK_NF, NS_N1 },
		{ HOOK_NF, NS_N1 },
		{ HOOK_DEV_XMIT, NS_N1 },
		{ HOOK_NETIF_RECEIVE, NS_N2 },
		{ HOOK_NF, NS_N2 },
		{ HOOK_NETIF_RECEIVE, NS_N2 },
		{ HOOK_NF, NS_N2 },
		{ HOOK_DEV_XMIT, NS_N2 },
		{ HOOK_NETIF_RECEIVE, NS_P2 },
		{ HOOK_SOCK_QUEUE, NS_P2 },
	};
	struct hop_event link = hop_on(SKB_2900, HOOK_HANDOFF, 0, 1, 0, 0, 886897500);

	link.info.handoff.prev = SKB_2000;
	add(tl, link);
	for (int i = 0; i < (int)(sizeof(path) / sizeof(path[0])); i++)
		add(tl, hop_on(SKB_2900, path[i].hook, 0, 1, path[i].netns, head,
			       886898000 + 1000 * i));
}

static void test_handoff_to_address_of_freed_copy(void)
{
	const __u64 head = 0xffff888110a4c000ull, new_head = 0xffff888110a4d000ull;
	struct timeline *tl = fresh();
	const struct timeline_totals *t = timeline__totals(tl);

	forward_to_expansion(tl, head, 4);
	CHECK(seen_count == 0); /* parked: waits for its new skb */
	forward_after_expansion(tl, new_head);
	timeline__finish(tl);
	CHECK(seen_count == 1);
	CHECK(t->packets == 1 && t->delivered == 1 && t->unknown == 0);
	CHECK(seen[0].fate == FATE_DELIVERED);
	CHECK(seen[0].skb == SKB_2900);
	/* 8 hops of 2000 and 11 of the new 2900, the copy's read and free: no consume of 2000 */
	CHECK(seen[0].hop_count == 8 + 11 + 2);
	CHECK(seen[0].last_hook == HOOK_SOCK_QUEUE);
	timeline__free(tl);
}

/* The same handoff when the address was another packet's: a reply read in pod p1 on CPU 0,
 * its read and free arriving among the forwarded packet's hops with clocks out of order
 * (each CPU's clock is read after its record is reserved). Each packet keeps its own hops. */
static void test_handoff_to_address_of_other_packet(void)
{
	const __u64 head = 0xffff888110a4c000ull, reply_head = 0xffff888110a4e000ull;
	struct timeline *tl = fresh();
	const struct timeline_totals *t = timeline__totals(tl);
	struct hop_event reply_read =
		hop_on(SKB_2900, HOOK_SOCK_RECV, HOP_F_SOCK, 0, NS_P1, reply_head, 886899900);

	reply_read.sk_family = HOP_AF_INET6, reply_read.sk_type = 2, reply_read.sk_proto = 17;
	add(tl, hop_on(SKB_2900, HOOK_NETIF_RECEIVE, HOP_F_NEW, 0, NS_P1, reply_head, 886859500));
	add(tl, hop_on(SKB_2900, HOOK_SOCK_QUEUE, 0, 0, NS_P1, reply_head, 886863400));
	forward_to_expansion(tl, head, -1);
	add(tl, reply_read); /* its clock is later than the handoff's */
	add(tl, hop_on(SKB_2900, HOOK_CONSUME_SKB, 0, 0, NS_P1, reply_head, 886899950));
	CHECK(seen_count == 1 && seen[0].fate == FATE_DELIVERED && seen[0].hop_count == 4);
	forward_after_expansion(tl, head + 0x1000);
	timeline__finish(tl);
	CHECK(seen_count == 2);
	CHECK(t->packets == 2 && t->delivered == 2 && t->unknown == 0);
	CHECK(seen[1].skb == SKB_2900 && seen[1].fate == FATE_DELIVERED);
	CHECK(seen[1].hop_count == 8 + 11 && seen[1].first_hook == HOOK_NF);
	timeline__free(tl);
}

/* The packet-socket stress (a busy tcpdump in pod p1, IPv6 UDP over the overlay): a
 * socket took a datagram, whose address the BPF side keeps tracked since the read data's
 * free has no tracepoint. A clone of a later datagram gets that address: the tap's copy,
 * made at transmit in p1 and dropped there by the packet socket with its queue full
 * (PACKET_SOCK_ERROR at packet_rcv), or read by it. Neither is the taken skb. */
#define SKB_A_00 0xffff888107329200ull
#define SKB_B_00 0xffff888107329500ull
#define SKB_C_00 0xffff888107329f00ull
#define REASON_PACKET_SOCK_ERROR 106
#define REASON_SOCKET_RCVBUFF 5
#define AT_PACKET_RCV 0xffffffff821b513full

static const __u8 v6_p1[16] = { 0xfd, 0, 2, 0x44, 0, 1, [15] = 2 };
static const __u8 v6_p2[16] = { 0xfd, 0, 2, 0x44, 0, 2, [15] = 2 };

static struct hop_tuple tuple6(const __u8 *s, __u16 sp, const __u8 *d, __u16 dp)
{
	struct hop_tuple t = { .sport = sp, .dport = dp, .family = HOP_AF_INET6, .proto = 17 };

	memcpy(t.saddr, s, 16);
	memcpy(t.daddr, d, 16);
	return t;
}

static struct hop_event hop6(__u64 skb, __u16 hook, __u16 flags, __u32 netns, __u64 head,
			     struct hop_tuple t)
{
	struct hop_event ev = hop(skb, hook, flags | HOP_F_TUPLE);

	ev.netns = netns, ev.head = head, ev.tuple = t;
	return ev;
}

/* A UDP socket's taking: the cgroup hook sees neither buffer nor namespace. */
static struct hop_event udp_taken(__u64 skb)
{
	struct hop_event ev = hop(skb, HOOK_SOCK_QUEUE, HOP_F_SOCK);

	ev.sk_family = HOP_AF_INET6, ev.sk_type = 2, ev.sk_proto = 17;
	return ev;
}

/* A datagram from pod p1 to pod p2's socket (cloned: p1's tap cloned it at transmit). */
static void datagram_to_p2(struct timeline *tl, __u64 skb, __u64 head, struct hop_tuple t)
{
	add(tl, hop6(skb, HOOK_NF, HOP_F_NEW, NS_P1, head, t));
	add(tl, hop6(skb, HOOK_DEV_XMIT, HOP_F_CLONED, NS_P1, head, t));
	add(tl, hop6(skb, HOOK_NETIF_RECEIVE, HOP_F_CLONED, NS_N1, head, t));
	add(tl, hop6(skb, HOOK_DEV_XMIT, HOP_F_CLONED, NS_N1, head, t));
	add(tl, hop6(skb, HOOK_NETIF_RECEIVE, HOP_F_CLONED, NS_P2, head, t));
	add(tl, udp_taken(skb));
}

/* The packet socket's drop of a clone at skb: its queue was full. */
static struct hop_event tap_drop(__u64 skb, __u16 flags, __u64 head, struct hop_tuple t)
{
	struct hop_event ev = hop6(skb, HOOK_KFREE_SKB,
				   flags | HOP_F_SOCK | HOP_F_CLONED | HOP_F_HAS_REASON, NS_P1,
				   head, t);

	ev.sk_family = HOP_AF_PACKET, ev.sk_type = HOP_SOCK_RAW;
	ev.reason = REASON_PACKET_SOCK_ERROR, ev.location = AT_PACKET_RCV;
	ev.copies = 2; /* the datagram itself still has the buffer */
	return ev;
}

/* The first datagram was taken by p2's socket at SKB_A_00 and settles; the next one's tap
 * copy at transmit gets SKB_A_00 and is dropped: not the first one's end, and not the
 * second one's fate (a copy's). With the address untracked too (fresh), on a kernel that
 * names no socket at a drop (before 6.11: only the other buffer tells), and with no packet
 * to be the copy of (a tap's loss alone: no packet). */
static void test_tap_drop_at_address_of_taken_packet(void)
{
	const __u64 head1 = 0xffff888104d9d200ull, head2 = 0xffff888104d9cfc0ull;
	const __u64 s = 1000000000ull;
	struct hop_tuple t = tuple6(v6_p1, 33125, v6_p2, 5353);

	for (int variant = 0; variant < 3; variant++) {
		struct timeline *tl = fresh();
		const struct timeline_totals *tt = timeline__totals(tl);
		struct hop_event drop_ev =
			tap_drop(SKB_A_00, variant == 1 ? HOP_F_NEW : 0, head2, t);

		if (variant == 2)
			drop_ev.flags &= ~HOP_F_SOCK, drop_ev.sk_family = drop_ev.sk_type = 0;
		datagram_to_p2(tl, SKB_A_00, head1, t);
		add(tl, hop6(SKB_B_00, HOOK_NF, HOP_F_NEW, NS_P1, head2, t));
		add(tl, drop_ev);
		add(tl, hop6(SKB_B_00, HOOK_DEV_XMIT, HOP_F_CLONED, NS_P1, head2, t));
		add(tl, hop6(SKB_B_00, HOOK_NETIF_RECEIVE, HOP_F_CLONED, NS_P2, head2, t));
		add(tl, udp_taken(SKB_B_00));
		timeline__expire(tl, clock_ns + 2 * s);
		CHECK(seen_count == 2);
		CHECK(tt->packets == 2 && tt->delivered == 2 && tt->dropped == 0);
		CHECK(seen[0].skb == SKB_A_00 && seen[0].fate == FATE_DELIVERED);
		CHECK(seen[0].hop_count == 6 && seen[0].last_hook == HOOK_SOCK_QUEUE);
		/* The copy's drop is among the second datagram's hops, not its fate. */
		CHECK(seen[1].skb == SKB_B_00 && seen[1].fate == FATE_DELIVERED);
		CHECK(seen[1].hop_count == 5);
		timeline__finish(tl);
		timeline__free(tl);
	}

	/* The tap's loss with no datagram open to be the copy of: no packet of its own. */
	{
		struct timeline *tl = fresh();
		const struct timeline_totals *tt = timeline__totals(tl);

		datagram_to_p2(tl, SKB_A_00, head1, t);
		add(tl, tap_drop(SKB_A_00, 0, head2, t));
		timeline__expire(tl, clock_ns + 2 * s);
		timeline__finish(tl);
		CHECK(seen_count == 1 && seen[0].fate == FATE_DELIVERED && seen[0].hop_count == 6);
		CHECK(tt->packets == 1 && tt->dropped == 0 && tt->after_end == 1);
		timeline__free(tl);
	}
}

/* A drop of the taken skb itself stays its fate: the socket's queue was full (the same
 * buffer, cloned as it was), whether or not the BPF side still tracked the address. And a
 * read of it that shows the clone bit its last hop did not have (a raw socket's clone was
 * made after that hop) is its own. */
static void test_drop_of_taken_packet_stays(void)
{
	const __u64 head = 0xffff888104d9d200ull;
	struct hop_tuple t = tuple6(v6_p1, 33125, v6_p2, 5353);
	struct timeline *tl = fresh();
	struct hop_event read =
		hop6(SKB_C_00, HOOK_SOCK_RECV, HOP_F_SOCK | HOP_F_CLONED, NS_P2, head, t);

	read.sk_family = HOP_AF_INET6, read.sk_type = 2, read.sk_proto = 17;
	add(tl, hop6(SKB_C_00, HOOK_NETIF_RECEIVE, HOP_F_NEW, NS_P2, head, t));
	add(tl, hop6(SKB_C_00, HOOK_NF, 0, NS_P2, head, t));
	add(tl, udp_taken(SKB_C_00));
	add(tl, read);
	add(tl, hop6(SKB_C_00, HOOK_CONSUME_SKB, HOP_F_CLONED, NS_P2, head, t));
	CHECK(seen_count == 1 && seen[0].fate == FATE_DELIVERED && seen[0].hop_count == 5);
	timeline__free(tl);

	for (int fresh_drop = 0; fresh_drop < 2; fresh_drop++) {
		struct hop_event ev =
			hop6(SKB_C_00, HOOK_KFREE_SKB,
			     HOP_F_CLONED | HOP_F_HAS_REASON | (fresh_drop ? HOP_F_NEW : 0), NS_P2,
			     head, t);

		tl = fresh();
		ev.reason = REASON_SOCKET_RCVBUFF, ev.location = DROP_AT, ev.copies = 1;
		datagram_to_p2(tl, SKB_C_00, head, t);
		add(tl, ev);
		CHECK(seen_count == 1 && seen[0].fate == FATE_DROPPED && seen[0].hop_count == 7);
		CHECK(timeline__totals(tl)->dropped == 1);
		timeline__free(tl);
	}
}

/* A reply taken by the client's socket in p1 at SKB_A_00; the data buffer comes back for
 * the next reply (the same head), whose tap copy, made at its receive in p1, gets the
 * address SKB_A_00 and is read by the packet socket 8 ms later, then freed (flagged by the
 * BPF side as a consume for headroom). The first reply stays delivered: the tap's read is
 * not its skb, and no copy's free is a handoff. */
static void test_tap_read_at_address_of_taken_reply(void)
{
	const __u64 head = 0xffff8881140b2c00ull, s = 1000000000ull;
	struct hop_tuple t = tuple6(v6_p2, 5353, v6_p1, 51807);
	struct hop_event own_tap = hop6(SKB_B_00, HOOK_SOCK_RECV,
					HOP_F_NEW | HOP_F_SOCK | HOP_F_CLONED, NS_P1, head, t);
	struct hop_event own_tap_free =
		hop6(SKB_B_00, HOOK_CONSUME_SKB, HOP_F_CLONED, NS_P1, head, t);
	struct hop_event late_read =
		hop6(SKB_A_00, HOOK_SOCK_RECV, HOP_F_SOCK | HOP_F_CLONED, NS_P1, head, t);
	struct hop_event late_free =
		hop6(SKB_A_00, HOOK_CONSUME_SKB, HOP_F_CLONED | HOP_F_HANDOFF, NS_P1, head, t);
	struct timeline *tl = fresh();
	const struct timeline_totals *tt = timeline__totals(tl);

	own_tap.sk_family = late_read.sk_family = HOP_AF_PACKET;
	own_tap.sk_type = late_read.sk_type = HOP_SOCK_RAW;
	own_tap_free.copies = late_free.copies = 2;
	strcpy(late_free.ifname, "eth0");
	strcpy(late_free.dev_kind, "veth");
	/* The first reply with its own tap copy, read at once. */
	add(tl, hop6(SKB_A_00, HOOK_NETIF_RECEIVE, HOP_F_NEW | HOP_F_CLONED, NS_P1, head, t));
	add(tl, own_tap);
	add(tl, own_tap_free);
	add(tl, hop6(SKB_A_00, HOOK_NF, HOP_F_CLONED, NS_P1, head, t));
	add(tl, udp_taken(SKB_A_00));
	/* The next reply, its buffer at the same head, taken too. */
	clock_ns += 4000000;
	add(tl, hop6(SKB_C_00, HOOK_NETIF_RECEIVE, HOP_F_NEW | HOP_F_CLONED, NS_P1, head, t));
	add(tl, hop6(SKB_C_00, HOOK_NF, HOP_F_CLONED, NS_P1, head, t));
	add(tl, udp_taken(SKB_C_00));
	/* Its tap copy, read late at the first reply's address. */
	clock_ns += 4000000;
	add(tl, late_read);
	add(tl, late_free);
	timeline__expire(tl, clock_ns + 2 * s);
	timeline__finish(tl);
	CHECK(tt->packets == 2 && tt->delivered == 2 && tt->unknown == 0 && tt->dropped == 0);
	CHECK(seen_count == 2);
	CHECK(seen[0].skb == SKB_A_00 && seen[0].fate == FATE_DELIVERED);
	CHECK(seen[0].hop_count == 5 && seen[0].last_hook == HOOK_SOCK_QUEUE);
	CHECK(seen[1].skb == SKB_C_00 && seen[1].fate == FATE_DELIVERED);
	timeline__free(tl);
}

/* A datagram's own tap copy, read on another CPU while the datagram goes on, is freed in a
 * way the BPF side takes for a consume for headroom (HOP_F_HANDOFF). Only the packet's own
 * skb is handed off: the datagram must not wait for a new skb (and split at its next hop). */
static void test_tap_copy_free_is_no_handoff(void)
{
	const __u64 head = 0xffff888104d9d200ull;
	struct hop_tuple t = tuple6(v6_p1, 33125, v6_p2, 5353);
	struct hop_event tap_read = hop6(SKB_B_00, HOOK_SOCK_RECV,
					 HOP_F_NEW | HOP_F_SOCK | HOP_F_CLONED, NS_P1, head, t);
	struct hop_event tap_free =
		hop6(SKB_B_00, HOOK_CONSUME_SKB, HOP_F_CLONED | HOP_F_HANDOFF, NS_P1, head, t);
	struct timeline *tl = fresh();
	const struct timeline_totals *tt = timeline__totals(tl);

	tap_read.sk_family = HOP_AF_PACKET, tap_read.sk_type = HOP_SOCK_RAW;
	tap_free.copies = 2;
	strcpy(tap_free.dev_kind, "veth");
	add(tl, hop6(SKB_A_00, HOOK_NF, HOP_F_NEW, NS_P1, head, t));
	add(tl, hop6(SKB_A_00, HOOK_DEV_XMIT, HOP_F_CLONED, NS_P1, head, t));
	add(tl, tap_read);
	add(tl, tap_free);
	add(tl, hop6(SKB_A_00, HOOK_NETIF_RECEIVE, HOP_F_CLONED, NS_N1, head, t));
	add(tl, hop6(SKB_A_00, HOOK_CONSUME_SKB, HOP_F_CLONED, NS_N1, head, t));
	timeline__finish(tl);
	CHECK(seen_count == 1 && tt->packets == 1 && tt->delivered == 1);
	CHECK(seen[0].hop_count == 6 && seen[0].fate == FATE_DELIVERED);
	timeline__free(tl);
}

static void test_flow_flood_bounded(void)
{
	const int flows = TIMELINE_MAX_FLOWS + 100;
	struct hop_tuple first = tuple4(1, 1, 2, 80, 6);
	struct timeline *tl = fresh();
	const struct timeline_totals *t = timeline__totals(tl);
	__u64 first_flow, last_flow = 0;
	bool increasing = true;

	add(tl, hop_tuple(SKB_A, HOOK_DEV_XMIT, HOP_F_NEW, first));
	add(tl, hop(SKB_A, HOOK_CONSUME_SKB, 0));
	first_flow = seen[0].flow_id;
	for (int i = 1; i < flows; i++) {
		struct hop_tuple tu = tuple4(3 + (i >> 16), (__u16)i, 2, 80, 6);

		add(tl, hop_tuple(SKB_B, HOOK_DEV_XMIT, HOP_F_NEW, tu));
		add(tl, hop(SKB_B, HOOK_CONSUME_SKB, 0));
		if (seen_count <= SEEN_MAX) {
			increasing &= seen[seen_count - 1].flow_id > last_flow;
			last_flow = seen[seen_count - 1].flow_id;
		}
	}
	CHECK(increasing);
	CHECK(seen_count == flows);
	CHECK(t->packets == (__u64)flows);
	/* The first flow was forgotten when the table started afresh: it gets a new id. */
	seen_count = 0;
	add(tl, hop_tuple(SKB_A, HOOK_DEV_XMIT, HOP_F_NEW, first));
	add(tl, hop(SKB_A, HOOK_CONSUME_SKB, 0));
	CHECK(seen_count == 1 && seen[0].flow_id > (__u64)TIMELINE_MAX_FLOWS);
	CHECK(seen[0].flow_id != first_flow);
	timeline__free(tl);
}

#define NS_POD_A 4026532001u
#define NS_NODE 4026532002u
#define NS_POD_D 4026532003u
#define NS_OTHER 4026532004u
#define NF_HOOK_IN 1
#define NF_HOOK_OUT 3

/* A hop of skb in a namespace, with a tuple. */
static struct hop_event hop_at(__u64 skb, __u16 hook, __u16 flags, __u32 netns, struct hop_tuple t)
{
	struct hop_event ev = hop_tuple(skb, hook, flags, t);

	ev.netns = netns;
	return ev;
}

static struct hop_event nf_at(__u64 skb, __u16 flags, __u32 netns, __u8 nf_hook, struct hop_tuple t)
{
	struct hop_event ev = hop_at(skb, HOOK_NF, flags, netns, t);

	ev.info.nf.pf = 2;
	ev.info.nf.hook = nf_hook;
	return ev;
}

/* An RST from pod d (10.0.0.4:port) to pod a (10.0.0.1:cport) across the node, as a
 * router namespace forwards it: sent in d, received in a, freed there by TCP unseen. */
static void rst_path(struct timeline *tl, __u64 skb, __u16 flags, __u16 port, __u16 cport)
{
	struct hop_tuple t = tuple4(4, port, 1, cport, 6);

	add(tl, nf_at(skb, flags, NS_POD_D, NF_HOOK_OUT, t));
	add(tl, hop_at(skb, HOOK_DEV_XMIT, 0, NS_POD_D, t));
	add(tl, hop_at(skb, HOOK_NETIF_RECEIVE, 0, NS_NODE, t));
	add(tl, nf_at(skb, 0, NS_NODE, 2, t));
	add(tl, hop_at(skb, HOOK_DEV_XMIT, 0, NS_NODE, t));
	add(tl, hop_at(skb, HOOK_NETIF_RECEIVE, 0, NS_POD_A, t));
	add(tl, nf_at(skb, 0, NS_POD_A, 0, t));
	add(tl, nf_at(skb, 0, NS_POD_A, NF_HOOK_IN, t));
}

/* Each RST's skb is freed unseen and the next RST takes its address; the BPF side sees a
 * tracked address, so no hop says "new". The jump from pod a back to pod d, with no device
 * between, does. */
static void test_reuse_across_namespaces(void)
{
	struct timeline *tl = fresh();

	rst_path(tl, SKB_A, HOP_F_NEW, 9000, 40000);
	for (int i = 1; i < 4; i++)
		rst_path(tl, SKB_A, 0, 9000 + i, 40000 + i);
	timeline__finish(tl);
	CHECK(seen_count == 4);
	for (int i = 0; i < 4 && i < seen_count; i++) {
		CHECK(seen[i].hop_count == 8);
		CHECK(seen[i].fate == FATE_UNKNOWN);
		CHECK(seen[i].flow_tuple.sport == 9000 + i);
	}
	timeline__free(tl);
}

/* The report of issue 12: an RST to pod a freed unseen, its address reused by an IPv6
 * router solicitation elsewhere that is dropped. The drop is the solicitation's alone. */
static void test_reuse_by_other_family(void)
{
	struct hop_tuple rs = { .family = HOP_AF_INET6, .proto = 58 };
	struct timeline *tl = fresh();
	struct hop_event ev;

	rst_path(tl, SKB_A, HOP_F_NEW, 9000, 40000);
	ev = hop_at(SKB_A, HOOK_KFREE_SKB, 0, NS_POD_A, rs); /* same namespace, even */
	add(tl, ev);
	CHECK(seen_count == 2);
	CHECK(seen[0].fate == FATE_UNKNOWN && seen[0].hop_count == 8);
	CHECK(seen[1].fate == FATE_DROPPED && seen[1].hop_count == 1);
	CHECK(seen[1].flow_tuple.family == HOP_AF_INET6);
	/* Behind a device hop too: a device does not change the family. */
	add(tl, hop_at(SKB_B, HOOK_DEV_XMIT, HOP_F_NEW, NS_POD_A, tuple4(1, 1, 2, 2, 17)));
	add(tl, hop_at(SKB_B, HOOK_NETIF_RECEIVE, 0, NS_NODE, rs));
	timeline__finish(tl);
	CHECK(seen_count == 4 && seen[2].hop_count == 1 && seen[3].hop_count == 1);
	timeline__free(tl);
}

/* In one namespace, a tuple that no NAT explains: both ends changed between two netfilter
 * hops (one NAT hook rewrites one end), another protocol, or the packet turned round. */
static void test_reuse_by_other_tuple(void)
{
	struct hop_tuple ab = tuple4(1, 40000, 2, 80, 6);
	struct hop_tuple other = tuple4(1, 40001, 2, 81, 6), back = tuple4(2, 81, 1, 40001, 6);
	struct hop_tuple udp = tuple4(2, 81, 1, 40001, 17);
	struct timeline *tl = fresh();

	add(tl, nf_at(SKB_A, HOP_F_NEW, NS_POD_A, 0, ab));
	add(tl, nf_at(SKB_A, 0, NS_POD_A, NF_HOOK_IN, ab));
	add(tl, nf_at(SKB_A, 0, NS_POD_A, NF_HOOK_OUT, other));
	add(tl, hop_at(SKB_A, HOOK_DEV_XMIT, 0, NS_POD_A, back));
	add(tl, hop_at(SKB_A, HOOK_NETIF_RECEIVE, 0, NS_POD_A, udp));
	timeline__finish(tl);
	CHECK(seen_count == 4);
	CHECK(seen_count == 4 && seen[0].hop_count == 2 && seen[1].hop_count == 1 &&
	      seen[2].hop_count == 1 && seen[3].hop_count == 1);
	timeline__free(tl);
}

/* 20 IPv4 + 8 UDP + 8 VXLAN + 14 Ethernet + 20 IPv4 + 4 ports: a VXLAN packet's bytes. */
#define VXLAN_BYTES 74

static void put_ip4(__u8 *p, const struct hop_tuple *t)
{
	p[0] = 0x45;
	p[9] = t->proto;
	memcpy(p + 12, t->saddr, 4);
	memcpy(p + 16, t->daddr, 4);
	p[20] = t->sport >> 8, p[21] = t->sport & 0xff;
	p[22] = t->dport >> 8, p[23] = t->dport & 0xff;
}

static void add_vxlan(struct timeline *tl, struct hop_event ev, const struct hop_tuple *inner)
{
	__u8 data[VXLAN_BYTES] = { 0 };

	put_ip4(data, &ev.tuple);
	data[28] = 0x08; /* VNI valid */
	data[36 + 12] = 0x08;
	put_ip4(data + 50, inner);
	ev.cap_len = sizeof(data);
	CHECK(timeline__add(tl, &ev, data) == 0);
}

/* What a healthy path does and must stay one packet: veth crossings, DNAT then SNAT at
 * netfilter hooks, both at once where no netfilter hop is seen, VXLAN with and without the
 * inner header captured, a macvlan-like receive into another namespace, IPv6 reassembly,
 * NAT on loopback. */
static void test_healthy_paths_stay_whole(void)
{
	struct hop_tuple pod = tuple4(1, 40000, 2, 53, 17), svc = tuple4(1, 40000, 9, 53, 17);
	struct hop_tuple dnat = tuple4(1, 40000, 3, 5353, 17), both = tuple4(7, 1024, 3, 5353, 17);
	struct hop_tuple outer = tuple4(100, 43097, 101, 4789, 17);
	struct hop_tuple frag = { .family = HOP_AF_INET6,
				  .proto = 44,
				  .saddr = { 0xfd, [15] = 1 },
				  .daddr = { 0xfd, [15] = 2 } },
			 whole = frag;
	struct timeline *tl = fresh();
	struct hop_event ev;

	add(tl, nf_at(SKB_A, HOP_F_NEW, NS_POD_A, NF_HOOK_OUT, svc));
	add(tl, hop_at(SKB_A, HOOK_DEV_XMIT, 0, NS_POD_A, svc));
	add(tl, hop_at(SKB_A, HOOK_NETIF_RECEIVE, 0, NS_NODE, svc));
	add(tl, nf_at(SKB_A, 0, NS_NODE, 0, svc));
	add(tl, nf_at(SKB_A, 0, NS_NODE, 2, dnat)); /* DNAT'ed in PREROUTING */
	add(tl, nf_at(SKB_A, 0, NS_NODE, 4, dnat));
	add(tl, hop_at(SKB_A, HOOK_DEV_XMIT, 0, NS_NODE, both)); /* SNAT in POSTROUTING */
	/* Into a VXLAN device; out of it encapsulated, in the underlay's namespace. */
	add(tl, hop_at(SKB_A, HOOK_DEV_XMIT, 0, NS_NODE, both));
	add_vxlan(tl, nf_at(SKB_A, 0, NS_OTHER, NF_HOOK_OUT, outer), &both);
	add(tl, nf_at(SKB_A, 0, NS_OTHER, 4, outer)); /* the inner header not captured */
	add(tl, hop_at(SKB_A, HOOK_DEV_XMIT, 0, NS_OTHER, outer));
	add(tl, hop_at(SKB_A, HOOK_NETIF_RECEIVE, 0, NS_POD_D, outer));
	add(tl, nf_at(SKB_A, 0, NS_POD_D, NF_HOOK_IN, outer));
	add(tl, hop_at(SKB_A, HOOK_NETIF_RECEIVE, 0, NS_POD_D, both)); /* decapsulated */
	/* A receive whose rx_handler hands it to a device in another namespace. */
	add(tl, hop_at(SKB_A, HOOK_NETIF_RECEIVE, 0, NS_POD_A, both));
	add(tl, nf_at(SKB_A, 0, NS_OTHER, 0, both));
	/* Two NAT hooks with no netfilter hop seen between: both ends at once. */
	add(tl, hop_at(SKB_A, HOOK_DEV_XMIT, 0, NS_OTHER, pod));
	ev = hop_at(SKB_A, HOOK_SOCK_RECV, 0, NS_OTHER, pod);
	ev.flags |= HOP_F_TUPLE_FROM_SK; /* a socket's tuple is compared with nothing */
	ev.tuple = tuple4(50, 1, 51, 2, 6);
	add(tl, ev);
	add(tl, hop(SKB_A, HOOK_CONSUME_SKB, 0));
	CHECK(seen_count == 1 && seen[0].hop_count == 19 && seen[0].fate == FATE_DELIVERED);

	/* IPv6: a fragment header (first fragment) before reassembly, none after. */
	whole.proto = 17, whole.sport = 5000, whole.dport = 53;
	add(tl, nf_at(SKB_B, HOP_F_NEW, NS_NODE, 0, frag));
	add(tl, nf_at(SKB_B, 0, NS_NODE, NF_HOOK_IN, whole));
	drop(tl, SKB_B, REASON_NO_SOCKET, DROP_AT);
	CHECK(seen_count == 2 && seen[1].hop_count == 3 && seen[1].fate == FATE_DROPPED);

	/* Loopback: one address at both ends; a DNAT of the port does not turn it round. */
	add(tl, nf_at(SKB_B, HOP_F_NEW, NS_POD_A, NF_HOOK_OUT, tuple4(1, 40000, 1, 80, 6)));
	add(tl, nf_at(SKB_B, 0, NS_POD_A, 4, tuple4(1, 40000, 1, 8080, 6)));
	add(tl, hop(SKB_B, HOOK_CONSUME_SKB, 0));
	CHECK(seen_count == 3 && seen[2].hop_count == 3);
	timeline__free(tl);
}

/* Events were lost while the packet lived: hops between may be missing, so only the BPF
 * side's "new" splits it. */
static void test_incomplete_not_split(void)
{
	struct timeline *tl = fresh();

	add(tl, nf_at(SKB_A, HOP_F_NEW, NS_POD_A, NF_HOOK_OUT, tuple4(1, 1, 2, 2, 6)));
	timeline__mark_loss(tl);
	add(tl, hop_at(SKB_A, HOOK_NETIF_RECEIVE, 0, NS_POD_D, tuple4(1, 1, 2, 2, 6)));
	add(tl, nf_at(SKB_A, 0, NS_POD_D, NF_HOOK_IN, tuple4(1, 1, 2, 2, 6)));
	timeline__finish(tl);
	CHECK(seen_count == 1 && seen[0].hop_count == 3 && seen[0].incomplete);
	timeline__free(tl);
}

/* A BPF program's return for skb, in a namespace: no tuple, no bytes. */
static struct hop_event bpf_ret_at(__u64 skb, __u32 netns, __s32 ret)
{
	struct hop_event ev = hop(skb, HOOK_BPF_PROG, 0);

	ev.netns = netns;
	ev.info.bpf.prog_id = 7;
	ev.info.bpf.attach = HOP_BPF_TC_INGRESS;
	ev.info.bpf.ret = ret;
	return ev;
}

/* bpf_prog hops join their packet and change nothing else: a drop after them is the fate,
 * a device crossing after one is no reused address, one of an skb no packet has opens
 * none, and one after a socket took the packet leaves it delivered. */
static void test_bpf_prog_hops(void)
{
	struct hop_tuple t = tuple4(1, 1000, 2, 7777, 17);
	struct timeline *tl = fresh();
	struct hop_event taken;

	add(tl, hop_at(SKB_A, HOOK_NETIF_RECEIVE, HOP_F_NEW, NS_NODE, t));
	add(tl, bpf_ret_at(SKB_A, NS_NODE, -1));
	add(tl, bpf_ret_at(SKB_A, NS_NODE, 2));
	drop(tl, SKB_A, REASON_NO_SOCKET, DROP_AT);
	CHECK(seen_count == 1 && seen[0].fate == FATE_DROPPED && seen[0].hop_count == 4);
	CHECK(seen[0].last_hook == HOOK_KFREE_SKB);

	/* Redirected by the program to another namespace's device. */
	add(tl, hop_at(SKB_B, HOOK_NETIF_RECEIVE, HOP_F_NEW, NS_NODE, t));
	add(tl, bpf_ret_at(SKB_B, NS_NODE, 7));
	add(tl, hop_at(SKB_B, HOOK_DEV_XMIT, 0, NS_POD_D, t));
	add(tl, hop(SKB_B, HOOK_CONSUME_SKB, 0));
	CHECK(seen_count == 2 && seen[1].hop_count == 4 && seen[1].fate == FATE_DELIVERED);

	add(tl, bpf_ret_at(SKB_A, NS_NODE, 0));
	CHECK(timeline__totals(tl)->after_end == 1);

	add(tl, hop_at(SKB_A, HOOK_NETIF_RECEIVE, HOP_F_NEW, NS_NODE, t));
	taken = hop(SKB_A, HOOK_SOCK_QUEUE, HOP_F_SOCK);
	add(tl, taken);
	add(tl, bpf_ret_at(SKB_A, NS_NODE, 1));
	timeline__expire(tl, clock_ns + 2000000000ull);
	CHECK(seen_count == 3 && seen[2].fate == FATE_DELIVERED && seen[2].hop_count == 3);
	timeline__finish(tl);
	CHECK(seen_count == 3);
	timeline__free(tl);
}

/* Packets a socket took settle as delivered HOLD_NS (1 s) after their last taking, in that
 * order; a packet taken again waits anew, and one a later hop moved on waits no more. */
static void test_settled_expire_in_order(void)
{
	const __u64 s = 1000000000ull;
	struct hop_tuple t = tuple4(1, 1000, 2, 7777, 17);
	__u64 skbs[4] = { SKB_A, SKB_B, SKB_A + 0x100, SKB_B + 0x100 };
	struct timeline *tl = fresh();
	__u64 start = clock_ns;

	for (int i = 0; i < 4; i++) {
		clock_ns = start + (__u64)i * s / 10; /* taken at +0, +0.1, +0.2, +0.3 s */
		add(tl, hop_at(skbs[i], HOOK_NETIF_RECEIVE, HOP_F_NEW, NS_NODE, t));
		add(tl, hop(skbs[i], HOOK_SOCK_QUEUE, HOP_F_SOCK));
	}
	/* The first is taken again at +0.5 s: it waits until +1.5 s now. The second goes on
	 * to a drop's path: a hop that is no socket's ends its wait (and its drop ends it). */
	clock_ns = start + s / 2;
	add(tl, hop(SKB_A, HOOK_SOCK_QUEUE, HOP_F_SOCK));
	add(tl, hop_at(SKB_B, HOOK_DEV_XMIT, 0, NS_NODE, t));
	CHECK(seen_count == 0);
	timeline__expire(tl, start + s + s / 10 + 10); /* past the second's +1.1 s */
	CHECK(seen_count == 0);
	timeline__expire(tl, start + s + s / 4); /* +1.25 s: the third is due */
	CHECK(seen_count == 1 && seen[0].skb == skbs[2] && seen[0].fate == FATE_DELIVERED);
	timeline__expire(tl, start + s + 4 * s / 10); /* +1.4 s: the fourth */
	CHECK(seen_count == 2 && seen[1].skb == skbs[3] && seen[1].fate == FATE_DELIVERED);
	timeline__expire(tl, start + s + 6 * s / 10); /* +1.6 s: the first, taken again */
	CHECK(seen_count == 3 && seen[2].skb == SKB_A && seen[2].fate == FATE_DELIVERED);
	CHECK(seen[2].hop_count == 3);
	timeline__expire(tl, start + 10 * s);
	CHECK(seen_count == 3); /* the second waits for no socket */
	drop(tl, SKB_B, REASON_NO_SOCKET, DROP_AT);
	CHECK(seen_count == 4 && seen[3].skb == SKB_B && seen[3].fate == FATE_DROPPED);
	timeline__finish(tl);
	timeline__free(tl);
}

/* A socket's free of what it read may come seconds after the taking (a UDP read's free is
 * deferred to the CPU that made the skb). Whether it joins its packet follows from the two
 * time stamps alone: within the second it does, after it the packet has settled and the
 * free is counted after its end, whether the reader polled (timeline__expire) in between
 * or not. */
static void test_late_free_joins_by_time_stamps(void)
{
	const __u64 s = 1000000000ull;
	struct hop_tuple t = tuple4(1, 1000, 2, 7777, 17);
	struct timeline *tl = fresh();
	__u64 start = clock_ns;

	/* Within the second: joins, with or without a poll between. */
	add(tl, hop_at(SKB_A, HOOK_NETIF_RECEIVE, HOP_F_NEW, NS_NODE, t));
	add(tl, hop(SKB_A, HOOK_SOCK_QUEUE, HOP_F_SOCK));
	timeline__expire(tl, start + 9 * s / 10);
	clock_ns = start + 9 * s / 10 + 1;
	add(tl, hop(SKB_A, HOOK_CONSUME_SKB, 0));
	CHECK(seen_count == 1 && seen[0].fate == FATE_DELIVERED && seen[0].hop_count == 3);

	/* After it, with no poll between: the free is no longer the packet's. */
	start = clock_ns = start + 2 * s;
	add(tl, hop_at(SKB_B, HOOK_NETIF_RECEIVE, HOP_F_NEW, NS_NODE, t));
	add(tl, hop(SKB_B, HOOK_SOCK_QUEUE, HOP_F_SOCK));
	clock_ns = start + s + s / 10;
	add(tl, hop(SKB_B, HOOK_CONSUME_SKB, 0));
	CHECK(seen_count == 2 && seen[1].fate == FATE_DELIVERED && seen[1].hop_count == 2);
	CHECK(timeline__totals(tl)->after_end == 1);
	timeline__finish(tl);
	CHECK(seen_count == 2);
	timeline__free(tl);
}

int main(void)
{
	RUN(test_delivered);
	RUN(test_late_free_joins_by_time_stamps);
	RUN(test_dropped_and_sites);
	RUN(test_open_at_finish_is_unknown);
	RUN(test_new_on_open_address);
	RUN(test_flows_and_replies);
	RUN(test_flow_from_first_tuple);
	RUN(test_mark_loss);
	RUN(test_hop_cap);
	RUN(test_filter);
	RUN(test_open_packets_bounded);
	RUN(test_flow_flood_bounded);
	RUN(test_reuse_across_namespaces);
	RUN(test_reuse_by_other_family);
	RUN(test_reuse_by_other_tuple);
	RUN(test_healthy_paths_stay_whole);
	RUN(test_incomplete_not_split);
	RUN(test_arrival_device_named);
	RUN(test_handoff_keeps_one_packet);
	RUN(test_handoff_unseen);
	RUN(test_handoff_to_address_of_freed_copy);
	RUN(test_handoff_to_address_of_other_packet);
	RUN(test_tap_drop_at_address_of_taken_packet);
	RUN(test_drop_of_taken_packet_stays);
	RUN(test_tap_read_at_address_of_taken_reply);
	RUN(test_tap_copy_free_is_no_handoff);
	RUN(test_fresh_after_pause);
	RUN(test_bpf_prog_hops);
	RUN(test_settled_expire_in_order);
	CHECK_EXIT();
}

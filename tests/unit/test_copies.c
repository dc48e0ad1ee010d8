// SPDX-License-Identifier: GPL-2.0
/* Unit tests of judging a packet across its copies and of frees after processing, on
 * synthetic hop streams: a raw socket's clone delivered while ping_rcv frees the original
 * with NO_SOCKET, a copy that never shows, a TCP send's fast clone, a packet socket's
 * copy, and TCP's NOT_SPECIFIED frees of segments it processed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>

#include "check.h"
#include "btf_fixture.h"
#include "host/drop_reason.h"
#include "host/kallsyms.h"
#include "pipeline/processed.h"
#include "pipeline/timeline.h"
#include "pipeline/verdict.h"

#define SKB_ORIG 0xffff888004a3c000ull
#define SKB_CLONE 0xffff888004a3c100ull
#define SKB_TAP 0xffff888004a3c200ull
#define HEAD 0xffff888010000000ull
#define OTHER_HEAD 0xffff888020000000ull
#define REASON_NOT_SPECIFIED 2
#define REASON_NO_SOCKET 3
#define REASON_NETFILTER_DROP 11
#define REASON_QUEUE_PURGE 40
#define AT_PING_RCV 0xffffffff81a000b3ull
#define AT_STATE_PROCESS 0xffffffff81b001c6ull
#define AT_V4_RCV 0xffffffff81b10099ull
#define AT_ESTABLISHED 0xffffffff81b30010ull
#define AT_V4_RCV_HELPER 0xffffffff81b40010ull
#define SEC_NS 1000000000ull
#define AF_INET_NUM 2
#define SOCK_STREAM_NUM 1
#define IPPROTO_TCP_NUM 6
#define IPPROTO_UDP_NUM 17
#define IPPROTO_ICMP_NUM 1
#define TCP_ESTABLISHED_NUM 1
#define TCP_TIME_WAIT_NUM 6
#define TCP_CLOSE_WAIT_NUM 8
#define TCP_LISTEN_NUM 10

/* What the done callback saw of one packet (the packet is freed after the call). */
struct seen {
	enum fate fate;
	int hop_count, fate_hop;
	__u16 fate_hook;
	__u32 fate_reason;
	enum hop_note notes[16];
};

static struct seen seen[8];
static int seen_count;

static void on_done(void *ctx, const struct packet *p)
{
	struct seen *s;

	(void)ctx;
	if (seen_count++ >= 8)
		return;
	s = &seen[seen_count - 1];
	*s = (struct seen){ .fate = p->fate, .hop_count = p->hop_count, .fate_hop = p->fate_hop };
	if (p->fate_hop > 0) {
		s->fate_hook = p->hops[p->fate_hop - 1].ev.hook;
		s->fate_reason = p->hops[p->fate_hop - 1].ev.reason;
	}
	for (int i = 0; i < p->hop_count && i < 16; i++)
		s->notes[i] = p->hops[i].note;
}

static struct timeline *fresh(void)
{
	seen_count = 0;
	memset(seen, 0, sizeof(seen));
	return timeline__new(on_done, NULL);
}

static __u64 clock_ns = 1000;

static struct hop_event hop(__u64 skb, __u16 hook, __u16 flags)
{
	return (struct hop_event){ .ts_ns = clock_ns++,
				   .skb = skb,
				   .hook = hook,
				   .flags = flags,
				   .head = HEAD,
				   .len = 84 };
}

static struct hop_event freed(__u64 skb, __u16 hook, __u16 flags, __u16 copies, __u32 reason)
{
	struct hop_event ev = hop(skb, hook, flags | (reason ? HOP_F_HAS_REASON : 0));

	ev.copies = copies;
	ev.reason = reason;
	ev.location = reason == REASON_NO_SOCKET ? AT_PING_RCV : 0;
	return ev;
}

static struct hop_event sock_read(__u64 skb, __u16 flags, __u8 family, __u8 type, __u8 proto)
{
	struct hop_event ev = hop(skb, HOOK_SOCK_RECV, flags | HOP_F_SOCK);

	ev.sk_family = family;
	ev.sk_type = type;
	ev.sk_proto = proto;
	return ev;
}

static void add(struct timeline *tl, struct hop_event ev)
{
	CHECK(timeline__add(tl, &ev, NULL) == 0);
}

/* The echo reply's path into pod a, as the original skb. */
static void reply_path(struct timeline *tl)
{
	add(tl, hop(SKB_ORIG, HOOK_NETIF_RECEIVE, HOP_F_NEW));
	add(tl, hop(SKB_ORIG, HOOK_NF, HOP_F_CLONED));
}

static void test_raw_socket_clone_delivers(void)
{
	struct timeline *tl = fresh();
	const struct timeline_totals *t = timeline__totals(tl);

	reply_path(tl);
	/* raw_v4_input queued a clone; ping_rcv frees the original: 2 share the data. */
	add(tl, freed(SKB_ORIG, HOOK_KFREE_SKB, HOP_F_CLONED, 2, REASON_NO_SOCKET));
	CHECK(seen_count == 0); /* waits for the copy */
	add(tl, sock_read(SKB_CLONE, HOP_F_NEW | HOP_F_CLONED, AF_INET_NUM, 3, IPPROTO_ICMP_NUM));
	add(tl, freed(SKB_CLONE, HOOK_CONSUME_SKB, HOP_F_CLONED, 1, 0));
	CHECK(seen_count == 1);
	CHECK(seen[0].fate == FATE_DELIVERED && seen[0].hop_count == 5);
	CHECK(seen[0].fate_hook == HOOK_CONSUME_SKB);
	CHECK(seen[0].notes[2] == HOP_NOTE_COPY_FREED);
	CHECK(seen[0].notes[4] == HOP_NOTE_NONE);
	CHECK(t->packets == 1 && t->delivered == 1 && t->dropped == 0 && t->site_count == 0);
	timeline__free(tl);
}

/* Read first, freed later: the clone's read comes before the original's free. */
static void test_clone_read_before_original_freed(void)
{
	struct timeline *tl = fresh();

	reply_path(tl);
	add(tl, sock_read(SKB_CLONE, HOP_F_NEW | HOP_F_CLONED, AF_INET_NUM, 3, IPPROTO_ICMP_NUM));
	add(tl, freed(SKB_CLONE, HOOK_CONSUME_SKB, HOP_F_CLONED, 2, 0));
	CHECK(seen_count == 0);
	add(tl, freed(SKB_ORIG, HOOK_KFREE_SKB, HOP_F_CLONED, 1, REASON_NO_SOCKET));
	CHECK(seen_count == 1 && seen[0].fate == FATE_DELIVERED);
	CHECK(timeline__totals(tl)->dropped == 0);
	timeline__free(tl);
}

static void test_copy_never_seen_stays_a_drop(void)
{
	struct timeline *tl = fresh();
	const struct timeline_totals *t = timeline__totals(tl);

	reply_path(tl);
	add(tl, freed(SKB_ORIG, HOOK_KFREE_SKB, HOP_F_CLONED, 2, REASON_NETFILTER_DROP));
	CHECK(seen_count == 0);
	timeline__expire(tl, clock_ns + SEC_NS / 2);
	CHECK(seen_count == 0); /* not due yet */
	timeline__expire(tl, clock_ns + 2 * SEC_NS);
	CHECK(seen_count == 1 && seen[0].fate == FATE_DROPPED);
	CHECK(seen[0].fate_reason == REASON_NETFILTER_DROP && seen[0].notes[2] == HOP_NOTE_NONE);
	CHECK(t->dropped == 1 && t->site_count == 1);
	/* The address came back for another packet meanwhile: it is not the held one. */
	timeline__free(tl);

	tl = fresh();
	reply_path(tl);
	add(tl, freed(SKB_ORIG, HOOK_KFREE_SKB, HOP_F_CLONED, 2, REASON_NETFILTER_DROP));
	timeline__finish(tl);
	CHECK(seen_count == 1 && seen[0].fate == FATE_DROPPED);
	timeline__free(tl);
}

/* A TCP segment is its send queue skb's fast clone: that copy never leaves the sender. */
static void test_tcp_fast_clone_drop_is_final(void)
{
	struct timeline *tl = fresh();

	add(tl, hop(SKB_ORIG, HOOK_NF, HOP_F_NEW | HOP_F_CLONED | HOP_F_FCLONE));
	add(tl,
	    freed(SKB_ORIG, HOOK_KFREE_SKB, HOP_F_CLONED | HOP_F_FCLONE, 2, REASON_NETFILTER_DROP));
	CHECK(seen_count == 1 && seen[0].fate == FATE_DROPPED);
	/* Its retransmission, another fast clone of the same data, is a packet of its own. */
	add(tl, hop(SKB_CLONE, HOOK_NF, HOP_F_NEW | HOP_F_CLONED | HOP_F_FCLONE));
	add(tl, freed(SKB_CLONE, HOOK_KFREE_SKB, HOP_F_CLONED | HOP_F_FCLONE, 2,
		      REASON_NETFILTER_DROP));
	CHECK(seen_count == 2 && seen[1].fate == FATE_DROPPED && seen[1].hop_count == 2);
	timeline__free(tl);
}

/* A packet socket (tcpdump) reading its copy does not deliver a dropped packet, and its
 * copy's free does not drop a delivered one. */
static void test_packet_socket_copy_is_no_fate(void)
{
	struct timeline *tl = fresh();

	reply_path(tl);
	add(tl, freed(SKB_ORIG, HOOK_KFREE_SKB, HOP_F_CLONED, 2, REASON_NETFILTER_DROP));
	add(tl, sock_read(SKB_TAP, HOP_F_NEW | HOP_F_CLONED, HOP_AF_PACKET, 3, 0));
	add(tl, freed(SKB_TAP, HOOK_CONSUME_SKB, HOP_F_CLONED, 1, 0));
	CHECK(seen_count == 1 && seen[0].fate == FATE_DROPPED);
	CHECK(seen[0].fate_hop == 3 && seen[0].fate_reason == REASON_NETFILTER_DROP);
	CHECK(timeline__totals(tl)->site_count == 1);
	timeline__free(tl);

	tl = fresh();
	reply_path(tl);
	add(tl, sock_read(SKB_TAP, HOP_F_NEW | HOP_F_CLONED, HOP_AF_PACKET, 3, 0));
	add(tl, freed(SKB_TAP, HOOK_KFREE_SKB, HOP_F_CLONED, 2, REASON_NO_SOCKET));
	add(tl, freed(SKB_ORIG, HOOK_CONSUME_SKB, HOP_F_CLONED, 1, 0));
	CHECK(seen_count == 1 && seen[0].fate == FATE_DELIVERED);
	CHECK(seen[0].notes[3] == HOP_NOTE_COPY_FREED);
	CHECK(timeline__totals(tl)->dropped == 0);
	timeline__free(tl);
}

/* Only a clone first seen where it leaves the path, sharing the data, is a copy. */
/* A packet socket's copy taken at transmit ends in the sender's namespace while the
 * original goes on through the node: the copy's hops say nothing of the original's path,
 * so the original's next hop in another namespace is still the same packet. */
static void test_tap_copy_does_not_split_path(void)
{
	struct timeline *tl = fresh();
	struct hop_event out = hop(SKB_ORIG, HOOK_DEV_XMIT, HOP_F_NEW | HOP_F_CLONED);
	struct hop_event tap =
		sock_read(SKB_TAP, HOP_F_NEW | HOP_F_CLONED, HOP_AF_PACKET, HOP_SOCK_RAW, 0);
	struct hop_event tap_free = freed(SKB_TAP, HOOK_CONSUME_SKB, HOP_F_CLONED, 2, 0);
	struct hop_event in = hop(SKB_ORIG, HOOK_NETIF_RECEIVE, HOP_F_CLONED);
	struct hop_event fwd = hop(SKB_ORIG, HOOK_DEV_XMIT, HOP_F_CLONED);

	out.netns = tap.netns = tap_free.netns = 1;
	in.netns = fwd.netns = 2;
	strcpy(out.dev_kind, "veth");
	strcpy(fwd.dev_kind, "veth");
	add(tl, out);
	add(tl, tap);
	add(tl, in);
	add(tl, tap_free);
	add(tl, fwd); /* node -> node: its last own hop was the receive in namespace 2 */
	add(tl, freed(SKB_ORIG, HOOK_CONSUME_SKB, 0, 1, 0));
	timeline__finish(tl);
	CHECK(seen_count == 1);
	CHECK(seen[0].fate == FATE_DELIVERED);
	CHECK(seen[0].hop_count == 6);
	timeline__free(tl);
}

static void test_what_is_not_a_copy(void)
{
	struct timeline *tl = fresh();
	struct hop_event ev;

	reply_path(tl);
	add(tl, freed(SKB_ORIG, HOOK_KFREE_SKB, HOP_F_CLONED, 2, REASON_NO_SOCKET));
	ev = sock_read(SKB_CLONE, HOP_F_NEW | HOP_F_CLONED, AF_INET_NUM, 3, IPPROTO_ICMP_NUM);
	ev.head = OTHER_HEAD; /* other data */
	add(tl, ev);
	add(tl, hop(SKB_TAP, HOOK_NETIF_RECEIVE, HOP_F_NEW | HOP_F_CLONED)); /* has a path */
	timeline__finish(tl);
	CHECK(seen_count == 3);
	for (int i = 0; i < seen_count && i < 3; i++)
		if (seen[i].hop_count == 3)
			CHECK(seen[i].fate == FATE_DROPPED);
	timeline__free(tl);
}

static enum hop_note judge_not_specified(void *ctx, const struct hop_event *ev,
					 const struct hop_event *taken_by)
{
	(void)ctx;
	if (ev->reason == REASON_NOT_SPECIFIED && (ev->flags & HOP_F_SOCK))
		return HOP_NOTE_PROCESSED;
	return taken_by && ev->reason == REASON_QUEUE_PURGE ? HOP_NOTE_AFTER_SOCKET : HOP_NOTE_NONE;
}

static void test_free_after_processing_is_delivered(void)
{
	struct timeline *tl = fresh();
	struct hop_event ev;

	timeline__set_free_judge(tl, judge_not_specified, NULL);
	add(tl, hop(SKB_ORIG, HOOK_NETIF_RECEIVE, HOP_F_NEW));
	ev = freed(SKB_ORIG, HOOK_KFREE_SKB, HOP_F_SOCK, 1, REASON_NOT_SPECIFIED);
	ev.sk_state = TCP_CLOSE_WAIT_NUM;
	add(tl, ev);
	CHECK(seen_count == 1 && seen[0].fate == FATE_DELIVERED);
	CHECK(seen[0].notes[1] == HOP_NOTE_PROCESSED && seen[0].fate_hop == 2);
	CHECK(timeline__totals(tl)->dropped == 0 && timeline__totals(tl)->delivered == 1);
	/* The same free with no socket named stays a drop. */
	add(tl, hop(SKB_CLONE, HOOK_NETIF_RECEIVE, HOP_F_NEW));
	add(tl, freed(SKB_CLONE, HOOK_KFREE_SKB, 0, 1, REASON_NOT_SPECIFIED));
	CHECK(seen_count == 2 && seen[1].fate == FATE_DROPPED);
	CHECK(seen[1].notes[1] == HOP_NOTE_NONE);
	timeline__free(tl);
}

static struct drop_reasons *reasons(void)
{
	static const char *const names[] = { "SKB_DROP_REASON_NOT_SPECIFIED",
					     "SKB_DROP_REASON_NO_SOCKET" };
	static const long long values[] = { REASON_NOT_SPECIFIED, REASON_NO_SOCKET };
	return btf_fixture__reasons(names, values, 2);
}

static const char *fixture(const char *name)
{
	static char path[512];
	const char *slash = strrchr(__FILE__, '/');
	int dir_len = slash ? (int)(slash - __FILE__) : 1;

	snprintf(path, sizeof(path), "%.*s/../fixtures/%s", dir_len, slash ? __FILE__ : ".", name);
	return path;
}

static struct hop_event tcp_free(__u32 reason, __u64 at, __u8 state, __u8 proto)
{
	struct hop_event ev = freed(SKB_ORIG, HOOK_KFREE_SKB, HOP_F_SOCK, 1, reason);

	ev.location = at;
	ev.sk_family = AF_INET_NUM;
	ev.sk_state = state;
	ev.sk_proto = proto;
	ev.sk_type = proto ? SOCK_STREAM_NUM : 0;
	return ev;
}

/* The rule of docs/output.md, fact by fact. */
static void test_tcp_processed_rule(void)
{
	struct enrich en = { .reasons = reasons(),
			     .ksyms = kallsyms__load(fixture("kallsyms_tcp.txt")) };
	struct hop_event ev;
	struct hop h = {};
	char buf[320];

	CHECK(en.reasons && en.ksyms);
	ev = tcp_free(REASON_NOT_SPECIFIED, AT_STATE_PROCESS, TCP_CLOSE_WAIT_NUM, IPPROTO_TCP_NUM);
	CHECK(processed__tcp_free(&en, &ev));
	h.ev = ev;
	h.note = HOP_NOTE_PROCESSED;
	verdict__note(&en, &h, buf, sizeof(buf));
	CHECK(strstr(buf, "NOT_SPECIFIED at tcp_rcv_state_process+0x1c6 after TCP processed it") &&
	      strstr(buf, "CLOSE_WAIT"));
	/* Each fact missing or different makes it a drop again. */
	ev.flags &= ~HOP_F_SOCK;
	CHECK(!processed__tcp_free(&en, &ev));
	ev = tcp_free(REASON_NO_SOCKET, AT_STATE_PROCESS, TCP_CLOSE_WAIT_NUM, IPPROTO_TCP_NUM);
	CHECK(!processed__tcp_free(&en, &ev));
	ev = tcp_free(REASON_NOT_SPECIFIED, AT_STATE_PROCESS, TCP_LISTEN_NUM, IPPROTO_TCP_NUM);
	CHECK(!processed__tcp_free(&en, &ev));
	ev = tcp_free(REASON_NOT_SPECIFIED, AT_STATE_PROCESS, TCP_CLOSE_WAIT_NUM, IPPROTO_UDP_NUM);
	CHECK(!processed__tcp_free(&en, &ev));
	ev = tcp_free(REASON_NOT_SPECIFIED, AT_ESTABLISHED, TCP_ESTABLISHED_NUM, IPPROTO_TCP_NUM);
	CHECK(!processed__tcp_free(&en, &ev));
	/* tcp_v4_rcv: only what a time-wait socket answered. */
	ev = tcp_free(REASON_NOT_SPECIFIED, AT_V4_RCV, TCP_TIME_WAIT_NUM, 0);
	CHECK(processed__tcp_free(&en, &ev));
	ev = tcp_free(REASON_NOT_SPECIFIED, AT_V4_RCV, TCP_ESTABLISHED_NUM, IPPROTO_TCP_NUM);
	CHECK(!processed__tcp_free(&en, &ev));
	ev = tcp_free(REASON_NOT_SPECIFIED, AT_V4_RCV_HELPER, TCP_TIME_WAIT_NUM, 0);
	CHECK(!processed__tcp_free(&en, &ev)); /* a name that only starts alike */
	drop_reasons__free(en.reasons);
	kallsyms__free(en.ksyms);
}

static struct hop_event sock_taken(__u64 skb)
{
	struct hop_event ev = hop(skb, HOOK_SOCK_QUEUE, HOP_F_SOCK);

	ev.head = 0; /* the cgroup hook sees no buffer */
	ev.sk_family = AF_INET_NUM;
	ev.sk_proto = IPPROTO_UDP_NUM;
	return ev;
}

/* A datagram a socket took, then read and freed where no hook sees it: delivered once a
 * second passes with no other hop of its skb; a late read of it is not a packet. */
static void test_socket_take_settles_delivered(void)
{
	struct timeline *tl = fresh();

	add(tl, hop(SKB_ORIG, HOOK_NETIF_RECEIVE, HOP_F_NEW));
	add(tl, sock_taken(SKB_ORIG));
	timeline__expire(tl, clock_ns + SEC_NS / 2);
	CHECK(seen_count == 0);
	timeline__expire(tl, clock_ns + 2 * SEC_NS);
	CHECK(seen_count == 1 && seen[0].fate == FATE_DELIVERED && seen[0].fate_hop == 2);
	clock_ns += 3 * SEC_NS;
	add(tl, sock_read(SKB_ORIG, 0, AF_INET_NUM, 2, IPPROTO_UDP_NUM));
	timeline__finish(tl);
	CHECK(seen_count == 1 && timeline__totals(tl)->after_end == 1);
	timeline__free(tl);
}

/* A drop right after the socket took it (its receive buffer full) is the fate; a socket
 * closing with the packet unread (QUEUE_PURGE) is a note on a delivered packet. */
static void test_free_after_socket_took_it(void)
{
	struct timeline *tl = fresh();

	timeline__set_free_judge(tl, judge_not_specified, NULL);
	add(tl, hop(SKB_ORIG, HOOK_NETIF_RECEIVE, HOP_F_NEW));
	add(tl, sock_taken(SKB_ORIG));
	add(tl, freed(SKB_ORIG, HOOK_KFREE_SKB, 0, 1, REASON_NETFILTER_DROP));
	CHECK(seen_count == 1 && seen[0].fate == FATE_DROPPED);
	add(tl, hop(SKB_CLONE, HOOK_NETIF_RECEIVE, HOP_F_NEW));
	add(tl, sock_taken(SKB_CLONE));
	add(tl, freed(SKB_CLONE, HOOK_KFREE_SKB, 0, 1, REASON_QUEUE_PURGE));
	CHECK(seen_count == 2 && seen[1].fate == FATE_DELIVERED);
	CHECK(seen[1].notes[2] == HOP_NOTE_AFTER_SOCKET);
	CHECK(timeline__totals(tl)->dropped == 1);
	timeline__free(tl);
}

/* A packet socket's copy read after its packet ended is no packet of its own. */
static void test_late_tap_copy_is_no_packet(void)
{
	struct timeline *tl = fresh();

	reply_path(tl);
	add(tl, freed(SKB_ORIG, HOOK_CONSUME_SKB, HOP_F_CLONED, 1, 0));
	add(tl, sock_read(SKB_TAP, HOP_F_NEW | HOP_F_CLONED, HOP_AF_PACKET, 3, 0));
	add(tl, freed(SKB_TAP, HOOK_CONSUME_SKB, HOP_F_CLONED, 1, 0));
	timeline__finish(tl);
	CHECK(seen_count == 1 && timeline__totals(tl)->packets == 1);
	CHECK(timeline__totals(tl)->after_end == 2);
	timeline__free(tl);
}

int main(void)
{
	RUN(test_raw_socket_clone_delivers);
	RUN(test_clone_read_before_original_freed);
	RUN(test_copy_never_seen_stays_a_drop);
	RUN(test_tcp_fast_clone_drop_is_final);
	RUN(test_packet_socket_copy_is_no_fate);
	RUN(test_tap_copy_does_not_split_path);
	RUN(test_what_is_not_a_copy);
	RUN(test_free_after_processing_is_delivered);
	RUN(test_tcp_processed_rule);
	RUN(test_socket_take_settles_delivered);
	RUN(test_free_after_socket_took_it);
	RUN(test_late_tap_copy_is_no_packet);
	CHECK_EXIT();
}

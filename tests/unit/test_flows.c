// SPDX-License-Identifier: GPL-2.0
/* Unit tests of flows with ICMP, on synthetic hop streams with packet bytes: an ICMP error
 * joins the flow of the packet it quotes as that flow's answer, an echo keys by its
 * identifier and goes the way its type says, and a tuple NAT gave a packet leads answers
 * and replies to the packet's flow. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "packet_bytes.h"
#include "pipeline/timeline.h"

#define SKB_A 0xffff888004a3c000ull
#define A "10.0.0.1"
#define B "10.0.0.2"
#define VIP "10.96.0.10"

struct seen {
	__u64 flow_id;
	bool reply;
	struct hop_tuple flow_tuple;
	struct icmp_facts icmp;
};

#define SEEN_MAX 16

static struct seen seen[SEEN_MAX];
static int seen_count;

static void on_done(void *ctx, const struct packet *p)
{
	(void)ctx;
	if (seen_count < SEEN_MAX)
		seen[seen_count] = (struct seen){ p->flow_id, p->reply, p->flow_tuple, p->icmp };
	seen_count++;
}

static struct timeline *fresh(void)
{
	seen_count = 0;
	memset(seen, 0, sizeof(seen));
	return timeline__new(on_done, NULL);
}

static __u64 clock_ns = 1000;

/* One packet's life: a hop with its bytes (an IPv4 packet, raw IP), then a consume. The
 * tuple is what the BPF side reads: addresses, protocol, and ports for UDP only. */
static void packet(struct timeline *tl, const __u8 *bytes, int len)
{
	struct hop_event ev = { .ts_ns = clock_ns++,
				.skb = SKB_A,
				.hook = HOOK_DEV_XMIT,
				.flags = HOP_F_NEW | HOP_F_TUPLE,
				.cap_len = len,
				.len = len };
	struct hop_event end = { .ts_ns = clock_ns++, .skb = SKB_A, .hook = HOOK_CONSUME_SKB };

	ev.tuple.family = HOP_AF_INET;
	ev.tuple.proto = bytes[9];
	memcpy(ev.tuple.saddr, bytes + 12, 4);
	memcpy(ev.tuple.daddr, bytes + 16, 4);
	if (ev.tuple.proto == 17) {
		ev.tuple.sport = bytes[20] << 8 | bytes[21];
		ev.tuple.dport = bytes[22] << 8 | bytes[23];
	}
	CHECK(timeline__add(tl, &ev, bytes) == 0);
	CHECK(timeline__add(tl, &end, NULL) == 0);
}

static void udp(struct timeline *tl, const char *src, __u16 sport, const char *dst, __u16 dport)
{
	__u8 b[28];

	put_ipv4(b, 17, src, dst);
	put_ports(b + 20, sport, dport);
	packet(tl, b, sizeof(b));
}

static void echo(struct timeline *tl, __u8 type, const char *src, const char *dst, __u16 id)
{
	__u8 b[28];

	put_ipv4(b, 1, src, dst);
	put_icmp(b + 20, type, 0, id, 1);
	packet(tl, b, sizeof(b));
}

/* An ICMP error from src to dst quoting a UDP datagram qsrc:qsport -> qdst:qdport. */
static void udp_error(struct timeline *tl, __u8 type, __u8 code, const char *src, const char *dst,
		      const char *qsrc, __u16 qsport, const char *qdst, __u16 qdport)
{
	__u8 b[56];

	put_ipv4(b, 1, src, dst);
	put_icmp(b + 20, type, code, 0, 0);
	put_ipv4(b + 28, 17, qsrc, qdst);
	put_ports(b + 48, qsport, qdport);
	packet(tl, b, sizeof(b));
}

/* The report: a port unreachable, then a ping between the same hosts. The error
 * answers the UDP flow; the ping is a flow of its own, its request no reply. */
static void test_error_then_ping(void)
{
	struct timeline *tl = fresh();

	udp(tl, A, 40000, B, 9);
	udp_error(tl, 3, 3, B, A, A, 40000, B, 9);
	echo(tl, 8, A, B, 7);
	echo(tl, 0, B, A, 7);
	CHECK(seen_count == 4);
	CHECK(seen[0].flow_id && !seen[0].reply && seen[0].flow_tuple.proto == 17);
	CHECK(seen[1].flow_id == seen[0].flow_id && seen[1].reply);
	CHECK(seen[1].icmp.role == ICMP_ROLE_ERROR && icmp__answers(&seen[1].icmp));
	CHECK(seen[1].icmp.type == 3 && seen[1].icmp.code == 3);
	CHECK(seen[1].flow_tuple.proto == 17 && seen[1].flow_tuple.dport == 9);
	CHECK(seen[2].flow_id && seen[2].flow_id != seen[0].flow_id && !seen[2].reply);
	CHECK(seen[2].icmp.role == ICMP_ROLE_REQUEST && seen[2].icmp.id == 7);
	CHECK(seen[3].flow_id == seen[2].flow_id && seen[3].reply);
	CHECK(seen[3].icmp.role == ICMP_ROLE_REPLY);
	timeline__free(tl);
}

/* An error about a datagram never seen starts the datagram's flow, as its answer. */
static void test_error_first(void)
{
	struct timeline *tl = fresh();

	udp_error(tl, 3, 3, B, A, A, 40000, B, 9);
	udp(tl, A, 40000, B, 9);
	CHECK(seen_count == 2);
	CHECK(seen[0].flow_id && seen[0].reply);
	CHECK(seen[0].flow_tuple.proto == 17 && seen[0].flow_tuple.sport == 40000);
	CHECK(seen[1].flow_id == seen[0].flow_id && !seen[1].reply);
	timeline__free(tl);
}

/* Echo: the identifier keys the flow; a reply seen first is still the reply, and the flow
 * is named in the request's direction; the peer's own ping with the same identifier is
 * another exchange, whose request is no reply. */
static void test_echo_by_identifier(void)
{
	struct timeline *tl = fresh();
	struct hop_tuple ab = { .family = HOP_AF_INET, .proto = 1 };

	inet_pton(AF_INET, A, ab.saddr);
	inet_pton(AF_INET, B, ab.daddr);
	echo(tl, 0, B, A, 1); /* reply first: the request went before the trace began */
	echo(tl, 8, A, B, 1); /* the next request */
	echo(tl, 8, A, B, 2); /* another ping process */
	echo(tl, 8, B, A, 1); /* B pings A with the same identifier */
	echo(tl, 0, A, B, 1); /* ... and A answers */
	CHECK(seen_count == 5);
	CHECK(seen[0].reply && !memcmp(&seen[0].flow_tuple, &ab, sizeof(ab)));
	CHECK(seen[1].flow_id == seen[0].flow_id && !seen[1].reply);
	CHECK(seen[2].flow_id != seen[0].flow_id && !seen[2].reply);
	CHECK(seen[3].flow_id != seen[0].flow_id && seen[3].flow_id != seen[2].flow_id);
	CHECK(!seen[3].reply);
	CHECK(seen[4].flow_id == seen[3].flow_id && seen[4].reply);
	timeline__free(tl);
}

/* Time exceeded about an echo request answers that echo's flow. */
static void test_error_about_echo(void)
{
	struct timeline *tl = fresh();
	__u8 b[56];

	echo(tl, 8, A, B, 5);
	put_ipv4(b, 1, "10.0.5.1", A);
	put_icmp(b + 20, 11, 0, 0, 0);
	put_ipv4(b + 28, 1, A, B);
	put_icmp(b + 48, 8, 0, 5, 1);
	packet(tl, b, sizeof(b));
	CHECK(seen_count == 2);
	CHECK(seen[1].flow_id == seen[0].flow_id && seen[1].reply);
	CHECK(icmp__answers(&seen[1].icmp) && seen[1].icmp.quoted_id == 5);
	timeline__free(tl);
}

/* DNAT: A sends to a service address, rewritten to B:7001 on the way. B's port
 * unreachable quotes the rewritten datagram, and B's UDP reply comes from the rewritten
 * address: both find the datagram's flow. */
static void test_answers_through_nat(void)
{
	struct timeline *tl = fresh();
	struct hop_event ev = { .skb = SKB_A, .hook = HOOK_NETIF_RECEIVE, .flags = HOP_F_TUPLE };
	__u8 b[28];

	put_ipv4(b, 17, A, VIP);
	put_ports(b + 20, 40000, 53);
	ev.ts_ns = clock_ns++;
	ev.flags |= HOP_F_NEW;
	ev.cap_len = sizeof(b);
	ev.tuple = (struct hop_tuple){
		.family = HOP_AF_INET, .proto = 17, .sport = 40000, .dport = 53
	};
	memcpy(ev.tuple.saddr, b + 12, 4);
	memcpy(ev.tuple.daddr, b + 16, 4);
	CHECK(timeline__add(tl, &ev, b) == 0);
	/* After DNAT. */
	put_ipv4(b, 17, A, B);
	put_ports(b + 20, 40000, 7001);
	ev.ts_ns = clock_ns++;
	ev.flags &= ~HOP_F_NEW;
	ev.hook = HOOK_DEV_XMIT;
	ev.tuple.dport = 7001;
	memcpy(ev.tuple.daddr, b + 16, 4);
	CHECK(timeline__add(tl, &ev, b) == 0);
	ev = (struct hop_event){ .ts_ns = clock_ns++, .skb = SKB_A, .hook = HOOK_KFREE_SKB };
	CHECK(timeline__add(tl, &ev, NULL) == 0);
	udp_error(tl, 3, 3, B, A, A, 40000, B, 7001);
	udp(tl, B, 7001, A, 40000);
	udp(tl, A, 40001, B, 7001); /* another source port: another flow */
	CHECK(seen_count == 4);
	CHECK(seen[0].flow_tuple.dport == 53);
	CHECK(seen[1].flow_id == seen[0].flow_id && seen[1].reply);
	CHECK(seen[2].flow_id == seen[0].flow_id && seen[2].reply);
	CHECK(seen[3].flow_id != seen[0].flow_id && !seen[3].reply);
	timeline__free(tl);
}

int main(void)
{
	RUN(test_error_then_ping);
	RUN(test_error_first);
	RUN(test_echo_by_identifier);
	RUN(test_error_about_echo);
	RUN(test_answers_through_nat);
	CHECK_EXIT();
}

// SPDX-License-Identifier: GPL-2.0
/* Unit tests of a packet's identity (pipeline/identity.c) and of its use in telling a reused
 * skb address from the packet that had it (pipeline/skb_reuse.c): two TCP segments of one
 * flow at the same address, as when TCP frees what was read and the next segment gets the
 * address within microseconds; the same segment across NAT; a UDP datagram. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "packet_bytes.h"
#include "pipeline/identity.h"
#include "pipeline/skb_reuse.h"
#include "pipeline/timeline.h"

#define SKB 0xffff888004a3c000ull
#define TCP 6
#define UDP 17

/* A TCP segment src:40000 -> dst:8081 with the given IP ID, sequence and ack numbers. */
static __u16 tcp_segment(__u8 *p, const char *src, const char *dst, __u16 ip_id, __u32 seq,
			 __u32 ack)
{
	int n = put_ipv4(p, TCP, src, dst);

	p[4] = ip_id >> 8, p[5] = ip_id & 0xff;
	memset(p + n, 0, 20);
	put_ports(p + n, 40000, 8081);
	p[n + 4] = seq >> 24, p[n + 5] = seq >> 16, p[n + 6] = seq >> 8, p[n + 7] = seq;
	p[n + 8] = ack >> 24, p[n + 9] = ack >> 16, p[n + 10] = ack >> 8, p[n + 11] = ack;
	p[n + 12] = 5 << 4;
	p[n + 13] = 0x10; /* ACK */
	return n + 20;
}

static struct hop_event event(__u16 hook, __u16 cap_len)
{
	return (struct hop_event){ .skb = SKB, .hook = hook, .cap_len = cap_len, .netns = 1 };
}

static void test_tcp_identity_read(void)
{
	__u8 b[64];
	struct hop_event ev =
		event(HOOK_NETIF_RECEIVE, tcp_segment(b, "10.0.0.1", "10.0.0.2", 77, 1000, 2000));
	struct packet_identity id;

	CHECK(identity__read(&ev, b, &id));
	CHECK(id.has_ip_id && id.ip_id == 77 && id.has_l4);
	CHECK(id.tcp_seq == 1000 && id.tcp_ack == 2000 && id.tcp_flags == 0x10);
	ev.cap_len = 10; /* not even the IP header */
	CHECK(!identity__read(&ev, b, &id));
}

/* The hops are fed to skb_reuse__new_life as the timeline would: the packet's last hop of
 * the skb, then a hop at the same address. */
static bool new_life_after(const __u8 *first, __u16 first_len, const __u8 *next, __u16 next_len)
{
	struct hop h = { .ev = event(HOOK_NETIF_RECEIVE, first_len), .data = (__u8 *)first };
	struct packet p = { .skb = SKB, .hop_count = 1, .hops = &h };
	struct hop_event ev = event(HOOK_NF, next_len);

	h.ev.flags = HOP_F_TUPLE;
	ev.flags = HOP_F_TUPLE;
	return skb_reuse__new_life(&p, &ev, next, false);
}

static void test_next_segment_is_new_packet(void)
{
	__u8 a[64], b[64];
	__u16 na = tcp_segment(a, "10.0.0.1", "10.0.0.2", 77, 1000, 2000);
	__u16 nb = tcp_segment(b, "10.0.0.1", "10.0.0.2", 78, 2448, 2000);

	CHECK(new_life_after(a, na, b, nb));
	/* The same segment seen again (its next hop) is the same packet. */
	nb = tcp_segment(b, "10.0.0.1", "10.0.0.2", 77, 1000, 2000);
	CHECK(!new_life_after(a, na, b, nb));
	/* ... and so it is after DNAT rewrote its destination. */
	nb = tcp_segment(b, "10.0.0.1", "10.0.0.9", 77, 1000, 2000);
	CHECK(!new_life_after(a, na, b, nb));
	/* A pure ACK that acknowledges more is another one, even with the same IP ID. */
	nb = tcp_segment(b, "10.0.0.1", "10.0.0.2", 77, 1000, 3448);
	CHECK(new_life_after(a, na, b, nb));
}

static void test_udp_length_tells(void)
{
	__u8 a[64], b[64];
	int na = put_ipv4(a, UDP, "10.0.0.1", "10.0.0.2"), nb;

	put_ports(a + na, 40000, 53);
	a[na + 4] = 0, a[na + 5] = 40;
	na += 8;
	memcpy(b, a, na);
	nb = na;
	CHECK(!new_life_after(a, na, b, nb));
	b[20 + 5] = 41;
	CHECK(new_life_after(a, na, b, nb));
}

int main(void)
{
	RUN(test_tcp_identity_read);
	RUN(test_next_segment_is_new_packet);
	RUN(test_udp_length_tells);
	CHECK_EXIT();
}

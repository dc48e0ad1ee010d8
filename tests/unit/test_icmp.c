// SPDX-License-Identifier: GPL-2.0
/* Unit tests of reading ICMP and ICMPv6 messages from captured bytes: echo identifier and
 * sequence and which way an echo goes, errors and the header they quote (also an echo's),
 * the MTU of "fragmentation needed" and "packet too big", names, and bytes cut short: behind
 * an Ethernet header, inside VXLAN, truncated at the snap length. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "packet_bytes.h"
#include "pipeline/icmp.h"

#define A4 "10.0.0.1"
#define B4 "10.0.0.2"
#define A6 "fd00::1"
#define B6 "fd00::2"

static struct hop_tuple tuple(int family, __u8 proto, const char *src, __u16 sport, const char *dst,
			      __u16 dport)
{
	struct hop_tuple t = { .family = family, .proto = proto, .sport = sport, .dport = dport };

	inet_pton(family == HOP_AF_INET6 ? AF_INET6 : AF_INET, src, t.saddr);
	inet_pton(family == HOP_AF_INET6 ? AF_INET6 : AF_INET, dst, t.daddr);
	return t;
}

/* A hop whose bytes start at an IP header (or at Ethernet, with l2). */
static struct hop_event hop_of(int len, bool l2)
{
	return (struct hop_event){ .cap_len = len, .flags = HOP_F_TUPLE | (l2 ? HOP_F_L2 : 0) };
}

static void test_echo_v4(void)
{
	__u8 b[64];
	int n = put_ipv4(b, 1, A4, B4);
	struct hop_event ev;
	struct icmp_facts f;
	char buf[128];

	n += put_icmp(b + n, 8, 0, 0x1234, 7);
	ev = hop_of(n, false);
	CHECK(icmp__from_hop(&ev, b, &f));
	CHECK(f.role == ICMP_ROLE_REQUEST && f.type == 8 && f.code == 0);
	CHECK(f.id == 0x1234 && f.seq == 7 && f.family == HOP_AF_INET);
	CHECK(!icmp__answers(&f));
	icmp__describe(&f, buf, sizeof(buf));
	CHECK_STR(buf, "ICMP echo request (type 8, code 0), id 4660 seq 7");
	CHECK_STR(icmp__role_name(f.role), "echo_request");
	b[20] = 0; /* echo reply */
	CHECK(icmp__from_hop(&ev, b, &f) && f.role == ICMP_ROLE_REPLY && f.id == 0x1234);
}

static void test_echo_v6(void)
{
	__u8 b[64];
	int n = put_ipv6(b, 58, A6, B6);
	struct hop_event ev;
	struct icmp_facts f;

	n += put_icmp(b + n, 128, 0, 99, 3);
	ev = hop_of(n, false);
	CHECK(icmp__from_hop(&ev, b, &f));
	CHECK(f.role == ICMP_ROLE_REQUEST && f.id == 99 && f.seq == 3);
	CHECK(f.family == HOP_AF_INET6);
	b[40] = 129;
	CHECK(icmp__from_hop(&ev, b, &f) && f.role == ICMP_ROLE_REPLY);
	/* ICMPv6's numbers are not ICMP's: type 8 over IPv6 is no echo request. */
	b[40] = 8;
	CHECK(icmp__from_hop(&ev, b, &f) && f.role == ICMP_ROLE_ERROR);
	/* Neighbour discovery: neither echo nor error. */
	b[40] = 135;
	CHECK(icmp__from_hop(&ev, b, &f) && f.role == ICMP_ROLE_OTHER);
}

/* Port unreachable from B about A's UDP datagram: the quote names the datagram. */
static void test_port_unreachable_v4(void)
{
	struct hop_tuple want = tuple(HOP_AF_INET, 17, A4, 40000, B4, 9);
	__u8 b[128];
	int n = put_eth(b, 0x0800);
	struct hop_event ev;
	struct icmp_facts f;
	char buf[128];

	n += put_ipv4(b + n, 1, B4, A4);
	n += put_icmp(b + n, 3, 3, 0, 0);
	n += put_ipv4(b + n, 17, A4, B4);
	n += put_ports(b + n, 40000, 9);
	ev = hop_of(n, true);
	CHECK(icmp__from_hop(&ev, b, &f));
	CHECK(f.role == ICMP_ROLE_ERROR && f.type == 3 && f.code == 3);
	CHECK(icmp__answers(&f));
	CHECK(!memcmp(&f.quoted, &want, sizeof(want)));
	CHECK_STR(icmp__name(&f, buf, sizeof(buf)), "port unreachable");
	icmp__describe(&f, buf, sizeof(buf));
	CHECK_STR(buf, "ICMP port unreachable (type 3, code 3)");
	/* Cut at the snap length inside the quoted header: an error without its quote. */
	ev.cap_len = n - 20;
	CHECK(icmp__from_hop(&ev, b, &f) && f.role == ICMP_ROLE_ERROR);
	CHECK(!icmp__answers(&f) && !f.quoted.family);
	/* Cut inside the ICMP header itself: no message at all. */
	ev.cap_len = 14 + 20 + 4;
	CHECK(!icmp__from_hop(&ev, b, &f) && f.role == ICMP_ROLE_NONE);
}

static void test_unreachable_v6_and_too_big(void)
{
	struct hop_tuple want = tuple(HOP_AF_INET6, 17, A6, 5000, B6, 7702);
	__u8 b[128];
	int n = put_ipv6(b, 58, B6, A6);
	struct hop_event ev;
	struct icmp_facts f;
	char buf[128];

	n += put_icmp(b + n, 1, 4, 0, 0);
	n += put_ipv6(b + n, 17, A6, B6);
	n += put_ports(b + n, 5000, 7702);
	ev = hop_of(n, false);
	CHECK(icmp__from_hop(&ev, b, &f) && icmp__answers(&f));
	CHECK(!memcmp(&f.quoted, &want, sizeof(want)));
	icmp__describe(&f, buf, sizeof(buf));
	CHECK_STR(buf, "ICMPv6 port unreachable (type 1, code 4)");
	/* Packet too big: the MTU is the whole second word. */
	put_icmp(b + 40, 2, 0, 0, 1400);
	CHECK(icmp__from_hop(&ev, b, &f) && f.mtu == 1400 && icmp__answers(&f));
	CHECK_STR(icmp__name(&f, buf, sizeof(buf)), "packet too big");
	/* Time exceeded (hop limit). */
	put_icmp(b + 40, 3, 0, 0, 0);
	CHECK(icmp__from_hop(&ev, b, &f) && icmp__answers(&f));
	CHECK_STR(icmp__name(&f, buf, sizeof(buf)), "time exceeded");
	/* An ICMPv6 error quoting an IPv4 header is no quote. */
	put_icmp(b + 40, 1, 4, 0, 0);
	put_ipv4(b + 48, 17, A4, B4);
	CHECK(icmp__from_hop(&ev, b, &f) && f.role == ICMP_ROLE_ERROR && !icmp__answers(&f));
}

/* Fragmentation needed carries the next-hop MTU; time exceeded about an echo request
 * quotes the request's identifier. */
static void test_frag_needed_and_quoted_echo(void)
{
	__u8 b[128];
	int n = put_ipv4(b, 1, B4, A4);
	struct hop_event ev;
	struct icmp_facts f;
	char buf[128];

	n += put_icmp(b + n, 3, 4, 0, 1450);
	n += put_ipv4(b + n, 1, A4, "10.0.9.9");
	n += put_icmp(b + n, 8, 0, 0x4242, 1);
	ev = hop_of(n, false);
	CHECK(icmp__from_hop(&ev, b, &f) && icmp__answers(&f));
	CHECK(f.mtu == 1450);
	CHECK(f.quoted.proto == 1 && f.quoted_role == ICMP_ROLE_REQUEST && f.quoted_id == 0x4242);
	icmp__describe(&f, buf, sizeof(buf));
	CHECK_STR(buf, "ICMP fragmentation needed (type 3, code 4), mtu 1450");
	put_icmp(b + 20, 11, 0, 0, 0);
	CHECK(icmp__from_hop(&ev, b, &f) && icmp__answers(&f) && !f.mtu);
	CHECK_STR(icmp__name(&f, buf, sizeof(buf)), "time exceeded");
	CHECK(f.quoted_role == ICMP_ROLE_REQUEST && f.quoted_id == 0x4242);
	/* A type without a name here is named by its number. */
	b[20] = 42;
	CHECK(icmp__from_hop(&ev, b, &f) && f.role == ICMP_ROLE_OTHER);
	CHECK_STR(icmp__name(&f, buf, sizeof(buf)), "type 42");
}

/* Not ICMP, or ICMP without its header: no message. A later fragment has no ICMP header
 * to read; a protocol number that is ICMPv6's over IPv4 is not ICMP. */
static void test_not_icmp(void)
{
	__u8 b[64];
	int n = put_ipv4(b, 17, A4, B4);
	struct hop_event ev;
	struct icmp_facts f;

	n += put_ports(b + n, 1, 2);
	ev = hop_of(n, false);
	CHECK(!icmp__from_hop(&ev, b, &f));
	put_ipv4(b, 1, A4, B4);
	put_icmp(b + 20, 8, 0, 1, 1);
	b[7] = 0x10; /* fragment offset 16 */
	CHECK(!icmp__from_hop(&ev, b, &f));
	b[7] = 0;
	b[9] = 58;
	CHECK(!icmp__from_hop(&ev, b, &f));
	CHECK(!icmp__from_hop(&ev, NULL, &f));
}

/* Inside VXLAN the pod's packet is the inner one. */
static void test_inside_vxlan(void)
{
	__u8 b[160];
	int n = put_ipv4(b, 17, "172.31.77.1", "172.31.77.2");
	struct hop_event ev;
	struct icmp_facts f;

	n += put_ports(b + n, 43000, 4789);
	memset(b + n, 0, 8);
	b[n] = 0x08; /* VNI valid */
	n += 8;
	n += put_eth(b + n, 0x0800);
	n += put_ipv4(b + n, 1, A4, B4);
	n += put_icmp(b + n, 8, 0, 77, 2);
	ev = hop_of(n, false);
	CHECK(icmp__from_hop(&ev, b, &f));
	CHECK(f.role == ICMP_ROLE_REQUEST && f.id == 77 && f.seq == 2);
}

int main(void)
{
	RUN(test_echo_v4);
	RUN(test_echo_v6);
	RUN(test_port_unreachable_v4);
	RUN(test_unreachable_v6_and_too_big);
	RUN(test_frag_needed_and_quoted_echo);
	RUN(test_not_icmp);
	RUN(test_inside_vxlan);
	CHECK_EXIT();
}

// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the pcap-filter module: tcpdump expressions on hand-built IPv4 and IPv6
 * packets, captured from the Ethernet header and from the IP header. */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cli/pcap_filter.h"

#define ETH_HLEN 14
#define ETH_P_IP 0x0800
#define ETH_P_ARP 0x0806
#define ETH_P_IPV6 0x86dd
#define IPV4_HLEN 20
#define IPV6_HLEN 40

/* One test packet: the IP packet and the same one behind an Ethernet header. */
struct test_packet {
	const char *name;
	__u8 frame[ETH_HLEN + 128];
	__u32 ip_len;
};

enum packet_id {
	PKT_V4_UDP,  /* 10.0.0.1:40000 -> 10.0.0.53:53 */
	PKT_V4_TCP,  /* 10.0.0.2:40000 -> 10.0.0.1:80 */
	PKT_V4_ICMP, /* 10.0.0.3 -> 10.0.0.4, echo request */
	PKT_V6_UDP,  /* [fd00::1]:40000 -> [fd00::35]:53 */
	PKT_V6_TCP,  /* [fd00::1]:40000 -> [fd00::2]:80 */
	PKT__COUNT,
};

static struct test_packet packets[PKT__COUNT];

static void put16(__u8 *p, __u16 v)
{
	v = htons(v);
	memcpy(p, &v, sizeof(v));
}

static void put_ipv4(__u8 *p, const char *addr)
{
	inet_pton(AF_INET, addr, p);
}

static void put_ipv6(__u8 *p, const char *addr)
{
	inet_pton(AF_INET6, addr, p);
}

static void build_ethernet(__u8 *p, __u16 proto)
{
	static const __u8 macs[12] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 };

	memcpy(p, macs, sizeof(macs));
	put16(p + 12, proto);
}

/* An IPv4 header (no options) for a payload of len bytes; the checksum is not checked. */
static __u8 *build_ipv4(struct test_packet *t, __u8 proto, const char *src, const char *dst,
			__u32 len)
{
	__u8 *ip = t->frame + ETH_HLEN;

	build_ethernet(t->frame, ETH_P_IP);
	ip[0] = 0x45;
	put16(ip + 2, IPV4_HLEN + len);
	ip[8] = 64;
	ip[9] = proto;
	put_ipv4(ip + 12, src);
	put_ipv4(ip + 16, dst);
	t->ip_len = IPV4_HLEN + len;
	return ip + IPV4_HLEN;
}

static __u8 *build_ipv6(struct test_packet *t, __u8 next, const char *src, const char *dst,
			__u32 len)
{
	__u8 *ip = t->frame + ETH_HLEN;

	build_ethernet(t->frame, ETH_P_IPV6);
	ip[0] = 0x60;
	put16(ip + 4, len);
	ip[6] = next;
	ip[7] = 64;
	put_ipv6(ip + 8, src);
	put_ipv6(ip + 24, dst);
	t->ip_len = IPV6_HLEN + len;
	return ip + IPV6_HLEN;
}

static void build_udp(__u8 *p, __u16 sport, __u16 dport)
{
	put16(p, sport);
	put16(p + 2, dport);
	put16(p + 4, 8);
}

static void build_tcp(__u8 *p, __u16 sport, __u16 dport)
{
	put16(p, sport);
	put16(p + 2, dport);
	p[12] = 5 << 4; /* data offset: 20 bytes */
	p[13] = 0x02;	/* SYN */
}

static void build_packets(void)
{
	memset(packets, 0, sizeof(packets));
	packets[PKT_V4_UDP].name = "IPv4 UDP";
	build_udp(build_ipv4(&packets[PKT_V4_UDP], IPPROTO_UDP, "10.0.0.1", "10.0.0.53", 8), 40000,
		  53);
	packets[PKT_V4_TCP].name = "IPv4 TCP";
	build_tcp(build_ipv4(&packets[PKT_V4_TCP], IPPROTO_TCP, "10.0.0.2", "10.0.0.1", 20), 40000,
		  80);
	packets[PKT_V4_ICMP].name = "IPv4 ICMP";
	build_ipv4(&packets[PKT_V4_ICMP], IPPROTO_ICMP, "10.0.0.3", "10.0.0.4", 8)[0] = 8;
	packets[PKT_V6_UDP].name = "IPv6 UDP";
	build_udp(build_ipv6(&packets[PKT_V6_UDP], IPPROTO_UDP, "fd00::1", "fd00::35", 8), 40000,
		  53);
	packets[PKT_V6_TCP].name = "IPv6 TCP";
	build_tcp(build_ipv6(&packets[PKT_V6_TCP], IPPROTO_TCP, "fd00::1", "fd00::2", 20), 40000,
		  80);
}

static bool match_packet(const struct pcap_filter *pf, const struct test_packet *t, bool l2)
{
	const __u8 *data = l2 ? t->frame : t->frame + ETH_HLEN;
	__u32 len = l2 ? ETH_HLEN + t->ip_len : t->ip_len;

	return pcap_filter__match(pf, l2, data, len, len);
}

/* Which of packets[] each expression matches, the same with or without Ethernet. */
static const struct {
	const char *expr;
	bool want[PKT__COUNT];
} match_table[] = {
	{ "udp port 53", { true, false, false, true, false } },
	{ "host 10.0.0.1", { true, true, false, false, false } },
	{ "tcp", { false, true, false, false, true } },
	{ "ip6 and udp", { false, false, false, true, false } },
	{ "not icmp", { true, true, false, true, true } },
	{ "", { true, true, true, true, true } },
};

static void check_expression(const char *expr, const bool *want)
{
	char err[256] = "";
	struct pcap_filter *pf;
	int i, l2;

	pf = pcap_filter__compile(expr, 128, err, sizeof(err));
	CHECK(pf);
	if (!pf) {
		fprintf(stderr, "  \"%s\": %s\n", expr, err);
		return;
	}
	for (i = 0; i < PKT__COUNT; i++) {
		for (l2 = 0; l2 <= 1; l2++) {
			if (match_packet(pf, &packets[i], l2) == want[i])
				continue;
			fprintf(stderr, "  \"%s\" on %s%s: want %s\n", expr, packets[i].name,
				l2 ? " over Ethernet" : "", want[i] ? "a match" : "no match");
			CHECK(!"filter result");
		}
	}
	pcap_filter__free(pf);
}

static void test_match_table(void)
{
	size_t i;

	build_packets();
	for (i = 0; i < sizeof(match_table) / sizeof(match_table[0]); i++)
		check_expression(match_table[i].expr, match_table[i].want);
}

static void test_syntax_error(void)
{
	char err[256] = "";
	struct pcap_filter *pf;

	pf = pcap_filter__compile("udp port", 128, err, sizeof(err));
	CHECK(!pf);
	CHECK(strstr(err, "syntax error"));
	pcap_filter__free(pf);
}

/* An expression no packet of either kind can match is an error, as tcpdump makes it. */
static void test_rejects_all(void)
{
	char err[256] = "";
	struct pcap_filter *pf;

	pf = pcap_filter__compile("ip and ip6", 0, err, sizeof(err));
	CHECK(!pf);
	CHECK(strstr(err, "rejects all packets"));
	pcap_filter__free(pf);
}

/* "arp" has no meaning on raw IP (libpcap refuses it there): Ethernet frames only. */
static void test_ethernet_only_expression(void)
{
	__u8 arp[ETH_HLEN + 28] = { 0 };
	char err[256] = "";
	struct pcap_filter *pf;

	build_packets();
	build_ethernet(arp, ETH_P_ARP);
	pf = pcap_filter__compile("arp", 128, err, sizeof(err));
	CHECK(pf);
	if (!pf)
		return;
	CHECK(pcap_filter__match(pf, true, arp, sizeof(arp), sizeof(arp)));
	CHECK(!match_packet(pf, &packets[PKT_V4_UDP], true));
	CHECK(!match_packet(pf, &packets[PKT_V4_UDP], false));
	pcap_filter__free(pf);
}

/* Reading past the capture fails the test, as in tcpdump; lengths come from wire_len. */
static void test_short_capture(void)
{
	const struct test_packet *t = &packets[PKT_V4_UDP];
	const __u8 *ip = t->frame + ETH_HLEN;
	char err[256] = "";
	struct pcap_filter *ports, *greater;

	build_packets();
	ports = pcap_filter__compile("udp port 53", 128, err, sizeof(err));
	greater = pcap_filter__compile("greater 1000", 128, err, sizeof(err));
	CHECK(ports && greater);
	if (ports && greater) {
		CHECK(!pcap_filter__match(ports, false, ip, IPV4_HLEN, t->ip_len));
		CHECK(pcap_filter__match(ports, false, ip, IPV4_HLEN + 4, t->ip_len));
		CHECK(!pcap_filter__match(ports, false, NULL, 0, t->ip_len));
		CHECK(!pcap_filter__match(greater, false, ip, t->ip_len, t->ip_len));
		CHECK(pcap_filter__match(greater, false, ip, t->ip_len, 1500));
	}
	pcap_filter__free(ports);
	pcap_filter__free(greater);
}

int main(void)
{
	RUN(test_match_table);
	RUN(test_syntax_error);
	RUN(test_rejects_all);
	RUN(test_ethernet_only_expression);
	RUN(test_short_capture);
	CHECK_EXIT();
}

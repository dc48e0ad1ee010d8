// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the typed parsers users type into: IPv4/IPv6 CIDRs (masking, prefixes, bad
 * input), protocols, ports and durations; and address formatting. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "cli/addr.h"
#include "check.h"

/* Parses text and formats the masked address and prefix back, "?" when it is refused. */
static const char *cidr_text(const char *text)
{
	static char out[INET6_ADDRSTRLEN + 8];
	char addr[INET6_ADDRSTRLEN];
	struct hop_cidr c;

	if (addr__parse_cidr(text, &c))
		return "?";
	snprintf(out, sizeof(out), "%s/%u", addr__format(c.family, c.addr, addr, sizeof(addr)),
		 c.prefix);
	return out;
}

static void test_cidr_v4(void)
{
	struct hop_cidr c;

	CHECK(addr__parse_cidr("10.0.0.1", &c) == 0);
	CHECK(c.family == HOP_AF_INET);
	CHECK(c.prefix == 32);
	CHECK(c.mask[0] == 0xffffffffu);
	CHECK(c.mask[1] == 0 && c.mask[2] == 0 && c.mask[3] == 0);
	CHECK(c.addr[0] == htonl(0x0a000001));

	CHECK(addr__parse_cidr("10.244.7.9/16", &c) == 0);
	CHECK(c.prefix == 16);
	CHECK(c.mask[0] == htonl(0xffff0000u));
	CHECK(c.addr[0] == htonl(0x0af40000)); /* masked to the prefix */

	CHECK_STR(cidr_text("10.1.255.3/20"), "10.1.240.0/20");
	CHECK_STR(cidr_text("192.168.1.1/31"), "192.168.1.0/31");
	CHECK_STR(cidr_text("255.255.255.255/1"), "128.0.0.0/1");
	CHECK_STR(cidr_text("10.9.8.7/0"), "0.0.0.0/0");
	CHECK_STR(cidr_text("10.9.8.7/32"), "10.9.8.7/32");
	CHECK(addr__parse_cidr("10.9.8.7/0", &c) == 0 && c.mask[0] == 0);
}

static void test_cidr_v6(void)
{
	struct hop_cidr c;

	CHECK(addr__parse_cidr("fd00::1", &c) == 0);
	CHECK(c.family == HOP_AF_INET6);
	CHECK(c.prefix == 128);
	for (int i = 0; i < 4; i++)
		CHECK(c.mask[i] == 0xffffffffu);

	CHECK(addr__parse_cidr("fd00:1:2:3:4:5:6:7/64", &c) == 0);
	CHECK(c.prefix == 64);
	CHECK(c.mask[0] == 0xffffffffu && c.mask[1] == 0xffffffffu);
	CHECK(c.mask[2] == 0 && c.mask[3] == 0);
	CHECK(c.addr[2] == 0 && c.addr[3] == 0);

	CHECK(addr__parse_cidr("fd00::ffff:ffff:ffff:ffff/65", &c) == 0);
	CHECK(c.mask[2] == htonl(0x80000000u));
	CHECK(c.addr[2] == htonl(0x80000000u));

	CHECK_STR(cidr_text("fd00:1:2:3:4:5:6:7/64"), "fd00:1:2:3::/64");
	CHECK_STR(cidr_text("2001:db8::1/32"), "2001:db8::/32");
	CHECK_STR(cidr_text("fd00::1/0"), "::/0");
	CHECK_STR(cidr_text("fd00::1/128"), "fd00::1/128");
	CHECK_STR(cidr_text("::ffff:10.0.0.1"), "::ffff:10.0.0.1/128"); /* stays IPv6 */
}

static void test_cidr_bad(void)
{
	static const char *const bad[] = {
		"",
		"abc",
		"10.0.0.256",
		"10.0.0",
		"10.0.0.1.2",
		"1.2.3.4/33",
		"1.2.3.4/-1",
		"1.2.3.4/+8",
		"1.2.3.4/8x",
		"1.2.3.4/ 8",
		"1.2.3.4/8 ",
		"10.0.0.1/",
		"10.0.0.1//8",
		"10.0.0.1/8/8",
		"/8",
		" 10.0.0.1",
		"10.0.0.1 ",
		"x10.0.0.1",
		"10.0.0.1x",
		"fd00::/129",
		"fd00::/-0",
		"fd00:::1",
		"fd00::1/",
		"fd00::g",
		"[fd00::1]",
		"10.0.0.1,10.0.0.2",
		"1.2.3.4/99999999999999999999",
		"fd00:0000:0000:0000:0000:0000:0000:0000:0000/64", /* too long for any address */
	};
	struct hop_cidr c;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (addr__parse_cidr(bad[i], &c) != -EINVAL) {
			fprintf(stderr, "  accepted \"%s\"\n", bad[i]);
			CHECK(!"a bad CIDR is refused with -EINVAL");
		}
	}
	CHECK(addr__parse_cidr(NULL, &c) == -EINVAL);
}

static void test_cidr_contains(void)
{
	struct in6_addr in6, out6;
	struct hop_cidr c;
	__u32 in = htonl(0x0a01f0ff), out = htonl(0x0a020000);

	CHECK(addr__parse_cidr("10.1.240.0/20", &c) == 0);
	CHECK(addr__cidr_contains(&c, HOP_AF_INET, &in));
	CHECK(!addr__cidr_contains(&c, HOP_AF_INET, &out));
	CHECK(!addr__cidr_contains(&c, HOP_AF_INET6, &in6)); /* another family never matches */

	CHECK(addr__parse_cidr("fd00:1::/32", &c) == 0);
	inet_pton(AF_INET6, "fd00:1:ffff::9", &in6);
	inet_pton(AF_INET6, "fd00:2::9", &out6);
	CHECK(addr__cidr_contains(&c, HOP_AF_INET6, &in6));
	CHECK(!addr__cidr_contains(&c, HOP_AF_INET6, &out6));
	CHECK(!addr__cidr_contains(&c, HOP_AF_INET, &in));

	CHECK(addr__parse_cidr("0.0.0.0/0", &c) == 0);
	CHECK(addr__cidr_contains(&c, HOP_AF_INET, &out));
}

static void test_format(void)
{
	__u8 v4[4] = { 192, 0, 2, 1 }, v6[16] = { 0xfd, 0, [15] = 1 };
	char buf[INET6_ADDRSTRLEN], tiny[4];

	CHECK_STR(addr__format(HOP_AF_INET, v4, buf, sizeof(buf)), "192.0.2.1");
	CHECK_STR(addr__format(HOP_AF_INET6, v6, buf, sizeof(buf)), "fd00::1");
	CHECK_STR(addr__format(0, v4, buf, sizeof(buf)), "?");
	CHECK_STR(addr__format(7, v4, buf, sizeof(buf)), "?");
	CHECK_STR(addr__format(HOP_AF_INET, v4, tiny, sizeof(tiny)), "?"); /* does not fit */
}

static void test_proto(void)
{
	static const struct {
		const char *text;
		int want; /* -1: refused */
	} cases[] = {
		{ "tcp", 6 },
		{ "TCP", 6 },
		{ "udp", 17 },
		{ "icmp", 1 },
		{ "icmp6", 58 },
		{ "icmpv6", 58 },
		{ "ipv6-icmp", 58 },
		{ "sctp", 132 },
		{ "gre", 47 },
		{ "esp", 50 },
		{ "6", 6 },
		{ "1", 1 },
		{ "255", 255 },
		{ "0", -1 },
		{ "256", -1 },
		{ "-1", -1 },
		{ "+6", -1 },
		{ " 6", -1 },
		{ "6 ", -1 },
		{ "6x", -1 },
		{ "", -1 },
		{ "tcpx", -1 },
		{ "tc", -1 },
		{ "0x6", -1 },
		{ "99999999999999999999", -1 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		__u8 proto = 0;
		int err = addr__parse_proto(cases[i].text, &proto);

		if (cases[i].want < 0 ? err != -EINVAL : err || proto != cases[i].want) {
			fprintf(stderr, "  \"%s\": err %d proto %u, want %d\n", cases[i].text, err,
				proto, cases[i].want);
			CHECK(!"protocol parsed as expected");
		}
	}
	CHECK_STR(addr__proto_name(6), "tcp");
	CHECK_STR(addr__proto_name(58), "icmp6");
	CHECK(addr__proto_name(200) == NULL);
}

static void test_port(void)
{
	static const struct {
		const char *text;
		int want;
	} cases[] = {
		{ "1", 1 },	{ "53", 53 },	 { "65535", 65535 },
		{ "0", -1 },	{ "65536", -1 }, { "-1", -1 },
		{ "+80", -1 },	{ " 80", -1 },	 { "80 ", -1 },
		{ "80x", -1 },	{ "", -1 },	 { "http", -1 },
		{ "0x50", -1 }, { "1e2", -1 },	 { "99999999999999999999", -1 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		__u16 port = 0;
		int err = addr__parse_port(cases[i].text, &port);

		if (cases[i].want < 0 ? err != -EINVAL : err || port != cases[i].want) {
			fprintf(stderr, "  \"%s\": err %d port %u, want %d\n", cases[i].text, err,
				port, cases[i].want);
			CHECK(!"port parsed as expected");
		}
	}
}

static void test_duration(void)
{
	static const struct {
		const char *text;
		double want; /* < 0: refused */
	} cases[] = {
		{ "10", 10 },	      { "10s", 10 },   { "500ms", 0.5 }, { "2m", 120 },
		{ "1h", 3600 },	      { "1.5s", 1.5 }, { "0.25", 0.25 }, { "0", 0 },
		{ "", -1 },	      { "-1", -1 },    { "+1", -1 },	 { " 1", -1 },
		{ "1 s", -1 },	      { "1s ", -1 },   { "10x", -1 },	 { "ms", -1 },
		{ "s", -1 },	      { "1ss", -1 },   { "inf", -1 },	 { "nan", -1 },
		{ "infinity", -1 },   { "1e400", -1 }, { "0x10", -1 },	 { "1e10", -1 },
		{ "3000000000", -1 }, /* more than INT_MAX seconds */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		double s = -2;
		int err = addr__parse_duration(cases[i].text, &s);

		if (cases[i].want < 0 ? err != -EINVAL : err || s != cases[i].want) {
			fprintf(stderr, "  \"%s\": err %d seconds %g, want %g\n", cases[i].text,
				err, s, cases[i].want);
			CHECK(!"duration parsed as expected");
		}
	}
}

int main(void)
{
	RUN(test_cidr_v4);
	RUN(test_cidr_v6);
	RUN(test_cidr_bad);
	RUN(test_cidr_contains);
	RUN(test_format);
	RUN(test_proto);
	RUN(test_port);
	RUN(test_duration);
	CHECK_EXIT();
}

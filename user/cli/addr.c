// SPDX-License-Identifier: GPL-2.0
/* Address, CIDR, protocol, port and duration parsing: every number a user types is checked
 * here, with one error convention (-EINVAL) for the option table to report. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "cli/addr.h"

/* strtol and strtod skip leading blanks and take signs and hex; what users type here is
 * plain decimal, so anything else is refused before they see it. */
static bool starts_decimal(const char *text)
{
	return isdigit((unsigned char)*text);
}

/* A whole decimal number in [min, max], or -EINVAL. */
static int parse_decimal(const char *text, long min, long max, long *out)
{
	char *end;

	if (!starts_decimal(text))
		return -EINVAL;
	errno = 0;
	*out = strtol(text, &end, 10);
	return errno || *end || *out < min || *out > max ? -EINVAL : 0;
}

static int parse_prefix(const char *text, int max)
{
	char *end;
	long v;

	if (!starts_decimal(text))
		return -EINVAL;
	errno = 0;
	v = strtol(text, &end, 10);
	if (errno || *end || v < 0 || v > max)
		return -EINVAL;
	return (int)v;
}

static void build_mask(struct hop_cidr *c)
{
	int words = c->family == HOP_AF_INET ? 1 : 4;
	int bits = c->prefix;

	for (int i = 0; i < 4; i++) {
		__u32 m = 0;

		if (i < words) {
			if (bits >= 32)
				m = 0xFFFFFFFFu;
			else if (bits > 0)
				m = 0xFFFFFFFFu << (32 - bits);
			bits = bits > 32 ? bits - 32 : 0;
		}
		c->mask[i] = htonl(m);
		c->addr[i] &= c->mask[i];
	}
}

int addr__parse_cidr(const char *text, struct hop_cidr *c)
{
	char buf[INET6_ADDRSTRLEN + 8];
	char *slash;
	int prefix = -1;

	if (!text || strlen(text) >= sizeof(buf))
		return -EINVAL;
	memset(c, 0, sizeof(*c));
	strcpy(buf, text);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = 0;
	if (inet_pton(AF_INET, buf, c->addr) == 1)
		c->family = HOP_AF_INET;
	else if (inet_pton(AF_INET6, buf, c->addr) == 1)
		c->family = HOP_AF_INET6;
	else
		return -EINVAL;
	if (slash) {
		prefix = parse_prefix(slash, c->family == HOP_AF_INET ? 32 : 128);
		if (prefix < 0)
			return -EINVAL;
	}
	c->prefix = prefix >= 0 ? prefix : (c->family == HOP_AF_INET ? 32 : 128);
	build_mask(c);
	return 0;
}

bool addr__cidr_contains(const struct hop_cidr *c, int family, const void *addr)
{
	__u32 a[4] = {};

	if (c->family != family)
		return false;
	memcpy(a, addr, family == HOP_AF_INET ? 4 : 16);
	for (int i = 0; i < 4; i++)
		if ((a[i] & c->mask[i]) != c->addr[i])
			return false;
	return true;
}

const char *addr__format(int family, const void *addr, char *buf, size_t size)
{
	int af = family == HOP_AF_INET ? AF_INET : family == HOP_AF_INET6 ? AF_INET6 : -1;

	if (af < 0 || !inet_ntop(af, addr, buf, size))
		snprintf(buf, size, "?");
	return buf;
}

static const struct {
	const char *name;
	__u8 number;
} proto_names[] = {
	{ "icmp", 1 }, { "tcp", 6 },	{ "udp", 17 },	 { "gre", 47 },
	{ "esp", 50 }, { "icmp6", 58 }, { "sctp", 132 },
};

int addr__parse_proto(const char *text, __u8 *proto)
{
	long v;

	for (size_t i = 0; i < sizeof(proto_names) / sizeof(proto_names[0]); i++) {
		if (!strcasecmp(text, proto_names[i].name)) {
			*proto = proto_names[i].number;
			return 0;
		}
	}
	if (!strcasecmp(text, "icmpv6") || !strcasecmp(text, "ipv6-icmp")) {
		*proto = 58;
		return 0;
	}
	if (parse_decimal(text, 1, 255, &v))
		return -EINVAL;
	*proto = (__u8)v;
	return 0;
}

const char *addr__proto_name(__u8 proto)
{
	for (size_t i = 0; i < sizeof(proto_names) / sizeof(proto_names[0]); i++)
		if (proto_names[i].number == proto)
			return proto_names[i].name;
	return NULL;
}

int addr__parse_port(const char *text, __u16 *port)
{
	long v;

	if (parse_decimal(text, 1, 65535, &v))
		return -EINVAL;
	*port = (__u16)v;
	return 0;
}

int addr__parse_duration(const char *text, double *seconds)
{
	static const struct {
		const char *unit;
		double scale;
	} units[] = { { "", 1 }, { "s", 1 }, { "ms", 0.001 }, { "m", 60 }, { "h", 3600 } };
	char *end;
	double v;

	if (!starts_decimal(text) && *text != '.')
		return -EINVAL;
	errno = 0;
	v = strtod(text, &end);
	/* Decimal digits, a point and an exponent only: strtod would also take "0x10". */
	if (errno || end == text || strspn(text, "0123456789.eE+-") < (size_t)(end - text) ||
	    !isfinite(v) || v < 0)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (!strcmp(end, units[i].unit)) {
			*seconds = v * units[i].scale;
			return *seconds <= (double)INT_MAX ? 0 : -EINVAL;
		}
	}
	return -EINVAL;
}

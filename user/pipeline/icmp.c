// SPDX-License-Identifier: GPL-2.0
/* ICMP messages on captured bytes, bounds-checked at every step (the bytes come from the
 * kernel, truncated at the snap length). The names are RFC 792/1191 (ICMP) and RFC 4443/4861
 * (ICMPv6) wording. */
#include <stdio.h>
#include <string.h>
#include "pipeline/headers.h"
#include "pipeline/icmp.h"

#define ICMP_HLEN 8
#define ANY_CODE -1

struct icmp_name {
	__u8 family;
	__u8 type;
	short code; /* ANY_CODE: every code of the type without a row of its own */
	const char *name;
};

/* Rows of one type: the specific codes before the type's ANY_CODE row. */
static const struct icmp_name icmp_names[] = {
	{ HOP_AF_INET, 0, ANY_CODE, "echo reply" },
	{ HOP_AF_INET, 3, 0, "network unreachable" },
	{ HOP_AF_INET, 3, 1, "host unreachable" },
	{ HOP_AF_INET, 3, 2, "protocol unreachable" },
	{ HOP_AF_INET, 3, 3, "port unreachable" },
	{ HOP_AF_INET, 3, 4, "fragmentation needed" },
	{ HOP_AF_INET, 3, 5, "source route failed" },
	{ HOP_AF_INET, 3, 6, "network unknown" },
	{ HOP_AF_INET, 3, 7, "host unknown" },
	{ HOP_AF_INET, 3, 9, "network administratively prohibited" },
	{ HOP_AF_INET, 3, 10, "host administratively prohibited" },
	{ HOP_AF_INET, 3, 13, "communication administratively prohibited" },
	{ HOP_AF_INET, 3, ANY_CODE, "destination unreachable" },
	{ HOP_AF_INET, 4, ANY_CODE, "source quench" },
	{ HOP_AF_INET, 5, ANY_CODE, "redirect" },
	{ HOP_AF_INET, 8, ANY_CODE, "echo request" },
	{ HOP_AF_INET, 9, ANY_CODE, "router advertisement" },
	{ HOP_AF_INET, 10, ANY_CODE, "router solicitation" },
	{ HOP_AF_INET, 11, 1, "fragment reassembly time exceeded" },
	{ HOP_AF_INET, 11, ANY_CODE, "time exceeded" },
	{ HOP_AF_INET, 12, ANY_CODE, "parameter problem" },
	{ HOP_AF_INET, 13, ANY_CODE, "timestamp request" },
	{ HOP_AF_INET, 14, ANY_CODE, "timestamp reply" },
	{ HOP_AF_INET6, 1, 0, "no route to destination" },
	{ HOP_AF_INET6, 1, 1, "communication administratively prohibited" },
	{ HOP_AF_INET6, 1, 2, "beyond scope of source address" },
	{ HOP_AF_INET6, 1, 3, "address unreachable" },
	{ HOP_AF_INET6, 1, 4, "port unreachable" },
	{ HOP_AF_INET6, 1, 5, "source address failed policy" },
	{ HOP_AF_INET6, 1, 6, "reject route to destination" },
	{ HOP_AF_INET6, 1, ANY_CODE, "destination unreachable" },
	{ HOP_AF_INET6, 2, ANY_CODE, "packet too big" },
	{ HOP_AF_INET6, 3, 1, "fragment reassembly time exceeded" },
	{ HOP_AF_INET6, 3, ANY_CODE, "time exceeded" },
	{ HOP_AF_INET6, 4, ANY_CODE, "parameter problem" },
	{ HOP_AF_INET6, 128, ANY_CODE, "echo request" },
	{ HOP_AF_INET6, 129, ANY_CODE, "echo reply" },
	{ HOP_AF_INET6, 130, ANY_CODE, "multicast listener query" },
	{ HOP_AF_INET6, 131, ANY_CODE, "multicast listener report" },
	{ HOP_AF_INET6, 132, ANY_CODE, "multicast listener done" },
	{ HOP_AF_INET6, 133, ANY_CODE, "router solicitation" },
	{ HOP_AF_INET6, 134, ANY_CODE, "router advertisement" },
	{ HOP_AF_INET6, 135, ANY_CODE, "neighbour solicitation" },
	{ HOP_AF_INET6, 136, ANY_CODE, "neighbour advertisement" },
	{ HOP_AF_INET6, 137, ANY_CODE, "redirect" },
	{ HOP_AF_INET6, 143, ANY_CODE, "multicast listener report v2" },
};

/* ICMPv6 numbers its errors below 128 (RFC 4443); ICMP's errors are the messages that carry
 * the offending packet's header: unreachable, source quench, redirect, time exceeded,
 * parameter problem. */
static enum icmp_role role_of(__u8 family, __u8 type)
{
	if (family == HOP_AF_INET6) {
		if (type == 128 || type == 129)
			return type == 128 ? ICMP_ROLE_REQUEST : ICMP_ROLE_REPLY;
		return type < 128 ? ICMP_ROLE_ERROR : ICMP_ROLE_OTHER;
	}
	switch (type) {
	case 8:
		return ICMP_ROLE_REQUEST;
	case 0:
		return ICMP_ROLE_REPLY;
	case 3:
	case 4:
	case 5:
	case 11:
	case 12:
		return ICMP_ROLE_ERROR;
	default:
		return ICMP_ROLE_OTHER;
	}
}

static bool is_icmp_proto(__u8 family, __u8 proto)
{
	return (family == HOP_AF_INET && proto == HOP_IPPROTO_ICMP) ||
	       (family == HOP_AF_INET6 && proto == HOP_IPPROTO_ICMPV6);
}

/* The header an error quotes: IP header and (at least) the first 8 bytes after it. An
 * ICMP error only ever quotes a packet of its own IP version. */
static void parse_quoted(__u8 family, const __u8 *q, __u32 len, struct icmp_facts *f)
{
	struct hop_tuple t;
	__u32 l4;

	if (!headers__ip_tuple(q, len, &t, &l4) || t.family != family)
		return;
	f->quoted = t;
	if (!l4 || !is_icmp_proto(family, t.proto) || len < l4 + ICMP_HLEN)
		return;
	f->quoted_role = role_of(family, q[l4]);
	if (f->quoted_role == ICMP_ROLE_REQUEST || f->quoted_role == ICMP_ROLE_REPLY)
		f->quoted_id = headers__be16(q + l4 + 4);
	else
		f->quoted_role = ICMP_ROLE_NONE; /* only an echo's identifier keys its flow */
}

bool icmp__parse(__u8 family, const __u8 *l4, __u32 len, struct icmp_facts *f)
{
	memset(f, 0, sizeof(*f));
	if (!l4 || len < ICMP_HLEN || (family != HOP_AF_INET && family != HOP_AF_INET6))
		return false;
	f->family = family;
	f->type = l4[0];
	f->code = l4[1];
	f->role = role_of(family, f->type);
	if (f->role == ICMP_ROLE_REQUEST || f->role == ICMP_ROLE_REPLY) {
		f->id = headers__be16(l4 + 4);
		f->seq = headers__be16(l4 + 6);
	}
	if (family == HOP_AF_INET && f->type == 3 && f->code == 4)
		f->mtu = headers__be16(l4 + 6);
	else if (family == HOP_AF_INET6 && f->type == 2)
		f->mtu = headers__be32(l4 + 4);
	if (f->role == ICMP_ROLE_ERROR)
		parse_quoted(family, l4 + ICMP_HLEN, len - ICMP_HLEN, f);
	return true;
}

bool icmp__from_hop(const struct hop_event *ev, const __u8 *data, struct icmp_facts *f)
{
	struct hop_tuple t;
	__u32 l4;

	memset(f, 0, sizeof(*f));
	if (!headers__pod_packet(ev, data, &t, &l4) || !l4 || !is_icmp_proto(t.family, t.proto) ||
	    l4 >= ev->cap_len)
		return false;
	return icmp__parse(t.family, data + l4, ev->cap_len - l4, f);
}

const char *icmp__name(const struct icmp_facts *f, char *buf, size_t size)
{
	for (size_t i = 0; i < sizeof(icmp_names) / sizeof(icmp_names[0]); i++) {
		const struct icmp_name *n = &icmp_names[i];

		if (n->family == f->family && n->type == f->type &&
		    (n->code == ANY_CODE || n->code == f->code))
			return n->name;
	}
	snprintf(buf, size, "type %u", f->type);
	return buf;
}

const char *icmp__role_name(enum icmp_role role)
{
	switch (role) {
	case ICMP_ROLE_REQUEST:
		return "echo_request";
	case ICMP_ROLE_REPLY:
		return "echo_reply";
	case ICMP_ROLE_ERROR:
		return "error";
	case ICMP_ROLE_OTHER:
		return "other";
	default:
		return NULL;
	}
}

void icmp__describe(const struct icmp_facts *f, char *buf, size_t size)
{
	char name[16], extra[48] = "";

	if (f->role == ICMP_ROLE_REQUEST || f->role == ICMP_ROLE_REPLY)
		snprintf(extra, sizeof(extra), ", id %u seq %u", f->id, f->seq);
	else if (f->mtu)
		snprintf(extra, sizeof(extra), ", mtu %u", f->mtu);
	snprintf(buf, size, "%s %s (type %u, code %u)%s",
		 f->family == HOP_AF_INET6 ? "ICMPv6" : "ICMP", icmp__name(f, name, sizeof(name)),
		 f->type, f->code, extra);
}

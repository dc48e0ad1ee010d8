/* SPDX-License-Identifier: GPL-2.0 */
/* ICMP and ICMPv6 messages read from a hop's captured bytes: what kind of message, the echo
 * identifier and sequence, and for an error the header of the packet it answers. */
#ifndef PIPELINE_ICMP_H
#define PIPELINE_ICMP_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "hoptrace.h"

#define HOP_IPPROTO_ICMP 1
#define HOP_IPPROTO_ICMPV6 58

enum icmp_role {
	ICMP_ROLE_NONE = 0, /* not ICMP, or its header was not captured */
	ICMP_ROLE_REQUEST,  /* echo request */
	ICMP_ROLE_REPLY,    /* echo reply */
	ICMP_ROLE_ERROR,    /* an error about another packet, whose header it quotes */
	ICMP_ROLE_OTHER,    /* neighbour discovery, router advertisement, timestamp, ... */
};

struct icmp_facts {
	enum icmp_role role;
	__u8 family; /* HOP_AF_INET: ICMP, HOP_AF_INET6: ICMPv6 */
	__u8 type;
	__u8 code;
	__u16 id;  /* echo: the identifier, which request and reply share */
	__u16 seq; /* echo: the sequence number */
	__u32 mtu; /* fragmentation needed (ICMP) or packet too big (ICMPv6), else 0 */
	/* Error: the quoted packet's tuple (ports from the first 8 bytes of its transport
	 * header); family 0 when the quote was not captured. */
	struct hop_tuple quoted;
	enum icmp_role quoted_role; /* the quoted packet is itself an echo: its role ... */
	__u16 quoted_id;	    /* ... and identifier */
};

/* Parses the ICMP (family HOP_AF_INET) or ICMPv6 message at l4, len captured bytes.
 * False when it is too short to hold a type and code. */
bool icmp__parse(__u8 family, const __u8 *l4, __u32 len, struct icmp_facts *f);

/* The ICMP message of a hop's pod packet (inside a tunnel, the inner one). False when the
 * hop's bytes hold none. */
bool icmp__from_hop(const struct hop_event *ev, const __u8 *data, struct icmp_facts *f);

/* Whether the message is an error whose quote was captured: it answers the quoted packet,
 * and shares that packet's flow. */
static inline bool icmp__answers(const struct icmp_facts *f)
{
	return f->role == ICMP_ROLE_ERROR && f->quoted.family;
}

/* What the message says, in words: "echo request", "port unreachable", "time exceeded",
 * "fragmentation needed", "packet too big"; "type N" for one without a name here. */
const char *icmp__name(const struct icmp_facts *f, char *buf, size_t size);

/* "echo_request", "echo_reply", "error", "other"; NULL for ICMP_ROLE_NONE. */
const char *icmp__role_name(enum icmp_role role);

/* The message in one phrase: "ICMP port unreachable (type 3, code 3)", with ", id N seq M"
 * for an echo and ", mtu N" where the message gives one. */
void icmp__describe(const struct icmp_facts *f, char *buf, size_t size);

#endif /* PIPELINE_ICMP_H */

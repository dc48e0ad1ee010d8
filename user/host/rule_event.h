/* SPDX-License-Identifier: GPL-2.0 */
/* One rule decision the kernel reported for a packet hoptrace marked: an nf_tables trace
 * message (NFT_MSG_TRACE, for nftables and iptables-nft) or an iptables-legacy TRACE log
 * line (nfnetlink_log). Both listeners (host/nft_trace.c, host/xt_trace.c) fill this, and
 * the pipeline joins it to the traced packet by namespace and the packet's headers. */
#ifndef HOST_RULE_EVENT_H
#define HOST_RULE_EVENT_H

#include <stdbool.h>
#include <linux/types.h>
#include "hoptrace.h"

enum rule_event_source {
	RULE_SRC_NFTRACE = 1, /* nf_tables tracing: meta nftrace set 1 */
	RULE_SRC_XT_TRACE,    /* iptables-legacy: -j TRACE, logged through nfnetlink_log */
};

enum rule_event_type {
	RULE_EV_RULE = 1, /* a rule matched and gave a verdict */
	RULE_EV_RETURN,	  /* the end of a chain was reached: back to the calling chain */
	RULE_EV_POLICY,	  /* the end of a base chain: its policy decided */
};

/* The kernel's verdict codes (NF_DROP, NF_ACCEPT, ... and nf_tables' own), as the trace
 * carries them. RULE_VERDICT_UNKNOWN: the message says none (iptables-legacy's TRACE log
 * names the rule, not what it did; the ruleset says). */
enum rule_verdict {
	RULE_VERDICT_DROP = 0,
	RULE_VERDICT_ACCEPT = 1,
	RULE_VERDICT_STOLEN = 2,
	RULE_VERDICT_QUEUE = 3,
	RULE_VERDICT_REPEAT = 4,
	RULE_VERDICT_CONTINUE = -1,
	RULE_VERDICT_BREAK = -2,
	RULE_VERDICT_JUMP = -3,
	RULE_VERDICT_GOTO = -4,
	RULE_VERDICT_RETURN = -5,
	RULE_VERDICT_UNKNOWN = -100,
};

#define RULE_EV_NAME 64
/* nf_tables sends at most 40 bytes of network header and 20 of transport header; the
 * legacy log sends the packet from its network header, of which this much is kept. */
#define RULE_EV_HDR 64

struct rule_event {
	enum rule_event_source source;
	__u32 netns;	      /* inode of the namespace the listener runs in */
	__u8 family;	      /* the packet's: HOP_AF_INET or HOP_AF_INET6 */
	char table_family[8]; /* "ip", "ip6", "inet", "bridge", "netdev", "arp" */
	char table[RULE_EV_NAME];
	char chain[RULE_EV_NAME];
	__u64 handle;  /* nf_tables rule handle; 0 for a policy or return, and for legacy */
	__u32 rulenum; /* legacy: the rule's number in its chain, from 1; 0 for nf_tables */
	enum rule_event_type type;
	int verdict;			/* enum rule_verdict */
	char jump_target[RULE_EV_NAME]; /* the chain of a jump or goto */
	/* nf_tables: the base chain this decision was reached from (its hook and priority
	 * are the ruleset's to say); "" when not known. */
	char base_chain[RULE_EV_NAME];
	__u8 hook;	/* NF_INET_*, or RULE_HOOK_UNKNOWN */
	__u32 iif, oif; /* 0: none */
	__u32 trace_id; /* nf_tables' id of the packet in this namespace; 0 legacy */
	/* The packet at the decision, from its network header on: nh_len bytes at nh. For
	 * nf_tables the transport header follows the network header here (they come as two
	 * attributes); a message without headers inherits those of the same trace id. */
	__u16 nh_len;
	__u8 nh[RULE_EV_HDR];
	__u64 seq; /* arrival order, over all listeners */
};

#define RULE_HOOK_UNKNOWN 0xff

/* The addresses whose packets a listener marks for tracing (both directions). count 0:
 * every packet (costly; the caller warns). */
struct rule_mark {
	const struct hop_cidr *cidrs;
	int count;
};

typedef void (*rule_event_fn)(void *ctx, const struct rule_event *ev);

/* "drop", "accept", "jump", "goto", "return", "continue", "queue", "stolen", "repeat",
 * "break" or "unknown". */
const char *rule_verdict__name(int verdict);

/* "rule", "return", "policy". */
const char *rule_event__type_name(enum rule_event_type type);

#endif /* HOST_RULE_EVENT_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* Rule attribution: which rules a packet met, and which one dropped it. The rule events
 * the tracers report (host/rule_event.h) wait here until their packet is judged; each is
 * joined to it by namespace, addresses and the packet's identity (IPv4 ID, TCP sequence,
 * ICMP sequence), and named from the namespace's ruleset (its text, position, comment and
 * owner). Without tracing, the rulesets' counters at the start and at the drop name the
 * rules that may have dropped it. */
#ifndef PIPELINE_RULE_TRAIL_H
#define PIPELINE_RULE_TRAIL_H

#include <stdbool.h>
#include <linux/types.h>
#include "host/rule_event.h"
#include "pipeline/timeline.h"

struct coverage;

#define RULE_HIT_NAME 64

/* One rule the packet met (or, from counters, may have met), named. */
struct rule_hit {
	const char *source; /* "nftrace", "xt_trace", "counters" */
	__u32 netns;
	__u8 family;  /* the packet's: HOP_AF_INET, HOP_AF_INET6 */
	int hook;     /* NF_INET_*, -1 when not known */
	int priority; /* of the base chain it was reached from */
	enum rule_event_type type;
	const char *verdict; /* "drop", "accept", "jump", ..., "reject" from the ruleset */
	char table_family[8];
	char table[RULE_HIT_NAME];
	char chain[RULE_HIT_NAME];
	char target[RULE_HIT_NAME]; /* a jump's or goto's chain */
	__u64 handle;		    /* nf_tables; 0 for legacy and policies */
	int index;		    /* position in the chain, from 1; 0 for a policy */
	char text[320];		    /* "" when the ruleset did not have it */
	char comment[128];
	const char *owner; /* by chain-name conventions (nf_chain__owner), or NULL */
	char path[256];	   /* the chains reached through, "FORWARD -> KUBE-FORWARD" */
	bool legacy;
	__u64 rise; /* counters: packets counted between the start and the drop */
	bool exact; /* counters: the rise equals the drops seen at that place */
	int after;  /* the packet's hop (index) it comes after */
};

struct rule_trail;

/* counters: read the rules' counters now, as the start, so that a drop no event names can
 * be matched to the rules whose counters rose. NULL on ENOMEM. */
struct rule_trail *rule_trail__new(const struct coverage *cov, bool counters);
void rule_trail__free(struct rule_trail *rt);

/* Keeps one event until its packet is judged (a rule_event_fn). */
void rule_trail__add(void *rt, const struct rule_event *ev);

/* The rules pkt met, in the order it met them, each placed after one of its hops. The
 * events joined are used up. Returns the count and a new array in *hits (free() it), or
 * -1 on ENOMEM. A decision whose base chain has no IPv4/IPv6 hook (netdev, bridge) keeps
 * hook -1 and is placed after the packet's first hop in that namespace. */
int rule_trail__collect(struct rule_trail *rt, const struct packet *pkt, struct rule_hit **hits);

/* The rules that may have dropped a packet of family pf (2, 10) at hook (NF_INET_*)
 * between observer priorities [from, to) in netns, by their counters' rise since the
 * start, read after the drop at drop_ns (kernel monotonic). Writes up to max; returns how
 * many there were, or 0. The drop is counted at that place, for `exact`. */
int rule_trail__candidates(struct rule_trail *rt, __u32 netns, __u8 pf, int hook, int from, int to,
			   __u64 drop_ns, struct rule_hit *out, int max);

/* Events added in all. */
unsigned long rule_trail__added(const struct rule_trail *rt);

/* Decisions of the namespaces' own rules that no packet took (theirs was filtered out or
 * lost): those let go and those still waiting. */
unsigned long rule_trail__unjoined(const struct rule_trail *rt);

#endif /* PIPELINE_RULE_TRAIL_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* Netfilter observation points: where the observer programs sit (positions just below the
 * standard table priorities), and the names of families, hooks and tables. */
#ifndef PIPELINE_NF_RANGES_H
#define PIPELINE_NF_RANGES_H

#include <stdbool.h>
#include <linux/types.h>
#include "hoptrace.h"

#define NFPROTO_IPV4 2
#define NFPROTO_IPV6 10
#define NF_INET_PRE_ROUTING 0
#define NF_INET_LOCAL_IN 1
#define NF_INET_POST_ROUTING 4
#define NF_INET_NUMHOOKS 5

/* The range after observation position pos: the table whose standard priority lies there. */
struct nf_range {
	const char *table; /* "raw", "conntrack", "mangle", "nat (dst)", "filter", ... */
	int priority;	   /* that table's standard priority */
	int from, to;	   /* observer priorities bounding the range: [from, to) */
};

/* Indexed by position: the observer at position pos links at nf_ranges__table[pos].from. */
extern const struct nf_range nf_ranges__table[HOP_NF_POSITIONS];

/* Per hook (NF_INET_*), the positions it has, position 0 (the entry) first; a 0 after the
 * first slot ends the list. */
extern const __u8 nf_ranges__positions[NF_INET_NUMHOOKS][HOP_NF_POSITIONS];

/* The range of conntrack's confirm (priority INT_MAX), the last of every hook that has it. */
const struct nf_range *netfilter__confirm_range(void);

/* The range after pos in hook (NF_INET_*), or NULL for an unknown pair. */
const struct nf_range *netfilter__range(__u8 hook, __u8 pos);

/* The priorities around the range after pos in hook: the observer at pos and the next one
 * the hook has (INT_MAX after the last). False for an unknown pair. */
bool netfilter__range_bounds(__u8 hook, __u8 pos, int *from, int *to);

/* "PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING" or "?". */
const char *netfilter__hook_name(__u8 hook);

/* "ipv4", "ipv6" or "?". */
const char *netfilter__family_name(__u8 pf);

#endif /* PIPELINE_NF_RANGES_H */

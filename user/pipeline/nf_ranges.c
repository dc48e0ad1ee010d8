// SPDX-License-Identifier: GPL-2.0
/* Where in a netfilter hook the observers sit: one position just below each standard table
 * priority, so that a drop between two observers is the table's between them. The loader
 * links observers at these priorities; the verdict names the table from them. */
#include <limits.h>
#include <stddef.h>
#include <linux/types.h>
#include "hoptrace.h"
#include "pipeline/nf_ranges.h"

/* Observer priorities: one just below each standard table (include/uapi/linux/
 * netfilter_ipv4.h; IPv6 uses the same values). INT_MIN and INT_MAX are refused for
 * links, and INT_MAX is conntrack confirm's own. */
const struct nf_range nf_ranges__table[HOP_NF_POSITIONS] = {
	{ "raw", -300, INT_MIN + 1, -201 },
	{ "conntrack", -200, -201, -151 },
	{ "mangle", -150, -151, -101 },
	{ "nat (dst)", -100, -101, -1 },
	{ "filter", 0, -1, 49 },
	{ "security", 50, 49, 99 },
	{ "nat (src)", 100, 99, 299 },
	{ "conntrack helper", 300, 299, INT_MAX - 1 },
	{ "conntrack confirm", INT_MAX, INT_MAX - 1, INT_MAX },
};

/* Which positions each hook gets: only where a standard table sits, to keep the cost on
 * every packet of a covered namespace small. Position 0 (the entry) is always there. */
const __u8 nf_ranges__positions[NF_INET_NUMHOOKS][HOP_NF_POSITIONS] = {
	/* PREROUTING */ { 0, 1, 2, 3, 4 },
	/* INPUT */ { 0, 2, 4, 5, 6, 8 },
	/* FORWARD */ { 0, 2, 4, 5 },
	/* OUTPUT */ { 0, 1, 2, 3, 4, 5 },
	/* POSTROUTING */ { 0, 2, 6, 7, 8 },
};

static bool hook_has_position(__u8 hook, __u8 pos)
{
	for (int i = 0; i < HOP_NF_POSITIONS; i++)
		if (nf_ranges__positions[hook][i] == pos && (i == 0 || pos != 0))
			return true;
	return false;
}

/* The range after pos ends at the next position this hook has, not the next in the table. */
const struct nf_range *netfilter__range(__u8 hook, __u8 pos)
{
	if (hook >= NF_INET_NUMHOOKS || pos >= HOP_NF_POSITIONS || !hook_has_position(hook, pos))
		return NULL;
	return &nf_ranges__table[pos];
}

bool netfilter__range_bounds(__u8 hook, __u8 pos, int *from, int *to)
{
	if (!netfilter__range(hook, pos))
		return false;
	*from = nf_ranges__table[pos].from;
	*to = INT_MAX;
	for (int i = 0; i + 1 < HOP_NF_POSITIONS; i++) {
		if (nf_ranges__positions[hook][i] == pos && nf_ranges__positions[hook][i + 1]) {
			*to = nf_ranges__table[nf_ranges__positions[hook][i + 1]].from;
			break;
		}
	}
	return true;
}

const char *netfilter__hook_name(__u8 hook)
{
	static const char *names[] = { "PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING" };

	return hook < NF_INET_NUMHOOKS ? names[hook] : "?";
}

const char *netfilter__family_name(__u8 pf)
{
	return pf == NFPROTO_IPV4 ? "ipv4" : pf == NFPROTO_IPV6 ? "ipv6" : "?";
}

const struct nf_range *netfilter__confirm_range(void)
{
	return &nf_ranges__table[HOP_NF_POSITIONS - 1];
}

/* SPDX-License-Identifier: GPL-2.0 */
/* What the kernel has registered in the netfilter range that dropped a packet, asked once
 * per (namespace, family, hook, range) for the whole trace: a hook dump means entering the
 * namespace and a netlink round trip, which a busy drop must not pay again. */
#ifndef PIPELINE_CHAIN_NAMES_H
#define PIPELINE_CHAIN_NAMES_H

#include <stdbool.h>
#include <linux/types.h>

struct coverage;
struct chain_names;

/* A cache over the namespaces cov watches (cov must outlive it). NULL on ENOMEM. */
struct chain_names *chain_names__new(const struct coverage *cov);

/* "nft ip filter FORWARD (0), ..." for hook (NF_INET_*) of family pf in the namespace with
 * that inode, between the observer priorities from and to; "" when nothing is registered
 * there, the namespace is not watched, or the kernel cannot list hooks. */
const char *chain_names__between(struct chain_names *cn, __u32 netns, __u8 pf, __u8 hook, int from,
				 int to);

/* Whether the kernel listed that range and nothing is registered in it (false when it
 * could not be listed): a drop after the range's observer cannot be that hook's. */
bool chain_names__none_between(struct chain_names *cn, __u32 netns, __u8 pf, __u8 hook, int from,
			       int to);

/* How many hook dumps were asked of the kernel (each answer is kept). */
unsigned long chain_names__dumps(const struct chain_names *cn);

void chain_names__free(struct chain_names *cn);

#endif /* PIPELINE_CHAIN_NAMES_H */

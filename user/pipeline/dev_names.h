/* SPDX-License-Identifier: GPL-2.0 */
/* Device names learned from the hops that showed them, to name a device a later hop knows
 * only by index (the arrival device, skb_iif, of a hop without skb->dev). */
#ifndef PIPELINE_DEV_NAMES_H
#define PIPELINE_DEV_NAMES_H

#include <linux/types.h>
#include "hoptrace.h"

#define DEV_NAMES 256

struct dev_name {
	__u32 netns;
	__u32 ifindex;
	char ifname[HOPTRACE_IFNAMSIZ];
	char kind[HOPTRACE_KINDSIZ];
};

/* A small direct-mapped table by (namespace, index); zeroed is empty. */
struct dev_names {
	struct dev_name slots[DEV_NAMES];
};

/* Remembers the device ev names, in its namespace. */
void dev_names__learn(struct dev_names *dn, const struct hop_event *ev);

/* Names ev's arrival device (HOP_F_DEV_IIF) from an earlier hop in the same namespace;
 * unknown stays unnamed: never a device the packet did not touch. */
void dev_names__fill(const struct dev_names *dn, struct hop_event *ev);

#endif /* PIPELINE_DEV_NAMES_H */

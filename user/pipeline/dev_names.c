// SPDX-License-Identifier: GPL-2.0
/* The packet's own receive hop usually names the device first; a slot taken by another
 * device only costs a name, never gives a wrong one (the index and namespace must match). */
#include <string.h>
#include "pipeline/dev_names.h"
#include "util/hash.h"

static unsigned int slot_of(__u32 netns, __u32 ifindex)
{
	return hash64((__u64)netns << 32 | ifindex) % DEV_NAMES;
}

void dev_names__learn(struct dev_names *dn, const struct hop_event *ev)
{
	struct dev_name *d;

	if (!ev->ifindex || !ev->netns || !ev->ifname[0] || (ev->flags & HOP_F_DEV_IIF))
		return;
	d = &dn->slots[slot_of(ev->netns, ev->ifindex)];
	d->netns = ev->netns;
	d->ifindex = ev->ifindex;
	memcpy(d->ifname, ev->ifname, sizeof(d->ifname));
	memcpy(d->kind, ev->dev_kind, sizeof(d->kind));
}

void dev_names__fill(const struct dev_names *dn, struct hop_event *ev)
{
	const struct dev_name *d;

	if (!(ev->flags & HOP_F_DEV_IIF) || ev->ifname[0] || !ev->ifindex)
		return;
	d = &dn->slots[slot_of(ev->netns, ev->ifindex)];
	if (d->netns != ev->netns || d->ifindex != ev->ifindex)
		return;
	memcpy(ev->ifname, d->ifname, sizeof(ev->ifname));
	memcpy(ev->dev_kind, d->kind, sizeof(ev->dev_kind));
}

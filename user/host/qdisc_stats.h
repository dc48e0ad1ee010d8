/* SPDX-License-Identifier: GPL-2.0 */
/* A namespace's queueing disciplines and their counters, by a netlink qdisc dump inside
 * it: what a qdisc drop (QDISC_DROP and the like) is attributed to. */
#ifndef HOST_QDISC_STATS_H
#define HOST_QDISC_STATS_H

#include <linux/types.h>

#define QDISC_KIND_LEN 16

struct qdisc_stat {
	__u32 ifindex;
	__u32 handle;		   /* tc's major:minor as one number (0x00010000 is "1:") */
	__u32 parent;		   /* TC_H_ROOT (0xffffffff) for a root qdisc */
	char kind[QDISC_KIND_LEN]; /* "pfifo", "tbf", "fq_codel", "noqueue", ... */
	__u64 drops;
	__u64 overlimits;
	__u64 requeues;
	__u32 qlen;
	__u32 backlog; /* bytes */
};

/* The qdiscs of ifindex (0: of every device) in the namespace at netns_path. Returns how
 * many (at most max), or -errno. */
int qdisc_stats__read(const char *netns_path, __u32 ifindex, struct qdisc_stat *out, int max);

/* "1:", "ffff:", "1:2", "root" (TC_H_ROOT), "none" (0): a handle as tc prints it. */
void qdisc_stats__handle(__u32 handle, char *buf, size_t size);

#endif /* HOST_QDISC_STATS_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* Who took a trace, and its clocks: what joins one node's trace to another's (hoptrace
 * merge, issue 17). The monotonic clock of the hop timestamps and the wall clock are read
 * together at start and end, so a timestamp converts to wall time with a known error. */
#ifndef HOST_NODE_IDENTITY_H
#define HOST_NODE_IDENTITY_H

#include <linux/types.h>

/* CLOCK_MONOTONIC and CLOCK_REALTIME read together: real_ns was read between two
 * monotonic reads mono_ns - error_ns and mono_ns + error_ns. */
struct clock_pair {
	__u64 mono_ns;
	__u64 real_ns;
	__u64 error_ns;
};

/* Most --only-netns namespaces a trace names as its scope. */
#define NODE_SCOPE_MAX 64

struct node_identity {
	char name[64]; /* --node-name, else the host name: how merge names the node */
	char hostname[256];
	char boot_id[40]; /* /proc/sys/kernel/random/boot_id, "" when unreadable */
	char kernel[128]; /* uname -r */
	struct clock_pair start, end;
	/* --only-netns: the namespaces reported (the part of the kernel this trace is), by
	 * inode and as named; none: all of them. Two traces of one boot with disjoint scopes
	 * are two "nodes" to merge. */
	int scope_count;
	__u32 scope_inodes[NODE_SCOPE_MAX];
	char scope_names[NODE_SCOPE_MAX][64];
};

/* Reads the node's names and the start clocks; never fails (what cannot be read is "").
 * name: the node's name for merge, or NULL for the host name. */
void node_identity__read(struct node_identity *ni, const char *name);

/* Reads the end clocks. */
void node_identity__end(struct node_identity *ni);

/* Reads the two clocks together, keeping the tightest of a few tries. */
void clock_pair__read(struct clock_pair *cp);

#endif /* HOST_NODE_IDENTITY_H */

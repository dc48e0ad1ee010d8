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

struct node_identity {
	char hostname[256];
	char boot_id[40]; /* /proc/sys/kernel/random/boot_id, "" when unreadable */
	char kernel[128]; /* uname -r */
	struct clock_pair start, end;
};

/* Reads the node's names and the start clocks; never fails (what cannot be read is ""). */
void node_identity__read(struct node_identity *ni);

/* Reads the end clocks. */
void node_identity__end(struct node_identity *ni);

/* Reads the two clocks together, keeping the tightest of a few tries. */
void clock_pair__read(struct clock_pair *cp);

#endif /* HOST_NODE_IDENTITY_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* What sits in a netfilter hook between two priorities, as the kernel lists it (nfnetlink
 * hook dump, Linux 5.14+): nft base chains by table and chain name, other hooks by function. */
#ifndef NFHOOKS_H
#define NFHOOKS_H

#include <stddef.h>
#include <linux/types.h>

/* Enters the namespace at netns_path and writes, comma-separated, the hooks registered for
 * family pf and hook number with from < priority < to (to INT_MAX: up to it inclusive; BPF
 * observers left out), e.g.
 * "nft ip filter FORWARD (0)". Returns the number found (buf "" when 0), or -errno when the
 * kernel cannot list hooks. */
int nfhooks__between(const char *netns_path, __u8 pf, __u8 hook, int from, int to, char *buf,
		     size_t size);

/* Reads a hook dump answer from fd (the netlink socket, or a test's socket pair) into buf as
 * above. Returns the entries found in range, or -errno (the kernel's error included). */
int nfhooks__read_dump(int fd, int from, int to, char *buf, size_t size);

#endif /* NFHOOKS_H */

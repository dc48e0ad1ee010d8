/* SPDX-License-Identifier: GPL-2.0 */
/* One libnftables user at a time. libnftables initialises process-wide state (its
 * arbitrary-precision numbers, libxtables for iptables-nft's compat expressions) on the first
 * context made, and libxtables keeps global state while it prints; hoptrace makes contexts
 * from two threads (the rule counters' reader and the rule tracer), so every use of the
 * library, from making a context to freeing it, holds this lock. */
#ifndef HOST_NFTLIB_LOCK_H
#define HOST_NFTLIB_LOCK_H

void nftlib__lock(void);
void nftlib__unlock(void);

#endif /* HOST_NFTLIB_LOCK_H */

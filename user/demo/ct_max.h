/* SPDX-License-Identifier: GPL-2.0 */
/* The global conntrack maximum (net.netfilter.nf_conntrack_max), which the conntrack-full
 * scenario lowers for the length of one probe. */
#ifndef DEMO_CT_MAX_H
#define DEMO_CT_MAX_H

#define CT_MAX_PATH "/proc/sys/net/netfilter/nf_conntrack_max"
#define CT_COUNT_PATH "/proc/sys/net/netfilter/nf_conntrack_count"

/* The maximum is writable only from the initial namespace: open it there, set it from
 * anywhere. Return 0 (or an fd), or -1 with errno set. */
int demo_ct_max__open(void);
int demo_ct_max__set(int fd, long value);
int demo_ct_max__write(long value);

#endif /* DEMO_CT_MAX_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* The readers behind host/bpf_attached.h, one per way a program is attached. The device
 * readers run inside the device's network namespace (an ifindex is a namespace's); each
 * appends to out from index *n on, never past max, and fills id, link_id, attach,
 * priority, handle and direct_action (position and the description are the caller's). */
#ifndef HOST_BPF_ATTACHED_READ_H
#define HOST_BPF_ATTACHED_READ_H

#include <stdbool.h>
#include "host/bpf_attached.h"

/* Generic (skb) XDP on ifindex, from the link's IFLA_XDP. Returns 0 or -errno (-ENODEV:
 * no such device here). */
int attached_xdp__read(__u32 ifindex, struct attached_prog *out, int *n, int max);

/* tcx programs in run order, with their links. A kernel without tcx (before 6.6) has
 * none. Returns 0 or -errno. */
int attached_tcx__read(__u32 ifindex, bool ingress, struct attached_prog *out, int *n, int max);

/* cls_bpf filters of the clsact (or ingress) qdisc's ingress or egress block, in run
 * order. Returns 0 or -errno. */
int attached_tc__read(__u32 ifindex, bool ingress, struct attached_prog *out, int *n, int max);

/* BPF_PROG_QUERY on target (an fd, or an ifindex for tcx) for attach_type: program ids
 * into prog_ids and, where the kernel tells them (tcx, 6.6+), link ids into link_ids
 * (else zeros). Returns the count (at most max) or -errno. */
int attached_query__run(__u32 target, __u32 attach_type, __u32 query_flags, __u32 *prog_ids,
			__u32 *link_ids, int max);

/* The id of the bpf_link of link_type holding prog_id that match accepts; 0 when there is
 * none, or several (not one to name). */
struct bpf_link_info;
__u32 attached_link__find(__u32 link_type, __u32 prog_id,
			  bool (*match)(const struct bpf_link_info *info, void *ctx), void *ctx);

#endif /* HOST_BPF_ATTACHED_READ_H */

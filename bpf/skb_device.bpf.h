/* SPDX-License-Identifier: GPL-2.0 */
/* The device and network namespace of a hop, read from the skb or the device the hook
 * names. Shared by the main object and the fexit object (prog_exit.bpf.c). */
#ifndef SKB_DEVICE_BPF_H
#define SKB_DEVICE_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "hoptrace.h"
#include "core_fixes.bpf.h"

static __always_inline void read_dev(struct hop_event *e, struct net_device *dev)
{
	e->ifindex = BPF_CORE_READ(dev, ifindex);
	e->netns = dev_netns_inum(dev);
	bpf_probe_read_kernel_str(e->ifname, sizeof(e->ifname), dev->name);
	const char *kind = BPF_CORE_READ(dev, rtnl_link_ops, kind);

	if (!kind || bpf_probe_read_kernel_str(e->dev_kind, sizeof(e->dev_kind), kind) < 0)
		e->dev_kind[0] = 0;
}

/* The hop's device and namespace when the hop has no device: where skb->dev is unset (TCP
 * clears it on receive, before tcp_v4_do_rcv; a local packet has none before ip_output),
 * the device the packet arrived on (skb_iif) if it arrived at all. The route's device
 * only stands in on the way out, where it is the device the packet is headed to; an skb
 * whose life ends here never touched it (a received packet's local route names lo), so
 * there it gives the namespace alone. Off the hot path: only hops without a device. */
static __always_inline void skb_fill_no_device(struct hop_event *e, struct sk_buff *skb,
					       bool ends_life)
{
	struct dst_entry *dst = skb_dst_ptr(skb);
	struct net_device *dev = dst ? BPF_CORE_READ(dst, dev) : NULL;
	__u32 iif = BPF_CORE_READ(skb, skb_iif);
	struct sock *sk;

	if (dev && !iif && !ends_life) {
		read_dev(e, dev);
		e->flags |= HOP_F_NETNS_FROM_DST;
		return;
	}
	if (iif) {
		e->ifindex = iif;
		e->flags |= HOP_F_DEV_IIF;
	}
	if (dev) {
		e->netns = dev_netns_inum(dev);
		e->flags |= HOP_F_NETNS_FROM_DST;
		return;
	}
	sk = BPF_CORE_READ(skb, sk);
	if (sk) {
		e->netns = sk_netns_inum(sk);
		e->flags |= HOP_F_NETNS_FROM_SK;
	}
}

/* The hop's device and namespace: the device given (the hook's, else skb->dev), else what
 * skb_fill_no_device finds. */
static __always_inline void skb_fill_device(struct hop_event *e, struct sk_buff *skb,
					    struct net_device *dev, bool ends_life)
{
	e->ifindex = 0;
	e->netns = 0;
	e->ifname[0] = 0;
	e->dev_kind[0] = 0;
	if (dev)
		read_dev(e, dev);
	else
		skb_fill_no_device(e, skb, ends_life);
}

#endif /* SKB_DEVICE_BPF_H */

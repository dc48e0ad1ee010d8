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

/* The device's index, namespace, name and kind (core_fixes.bpf.h says what direct is). The
 * name is copied whole, terminator and all: the kernel keeps it NUL-terminated within
 * IFNAMSIZ. The kind is a string elsewhere, so that one is probe-read either way. */
static __always_inline void read_dev(struct hop_event *e, struct net_device *dev, bool direct)
{
	const struct rtnl_link_ops *ops;
	const char *kind;

	_Static_assert(sizeof(e->ifname) == 16, "ifname is IFNAMSIZ");
	if (direct) {
		e->ifindex = dev->ifindex;
		e->netns = dev_netns_inum(dev, true);
		((__u64 *)e->ifname)[0] = *(__u64 *)&dev->name[0];
		((__u64 *)e->ifname)[1] = *(__u64 *)&dev->name[8];
		ops = dev->rtnl_link_ops;
		kind = ops ? ops->kind : NULL;
	} else {
		e->ifindex = BPF_CORE_READ(dev, ifindex);
		e->netns = dev_netns_inum(dev, false);
		bpf_probe_read_kernel_str(e->ifname, sizeof(e->ifname), dev->name);
		kind = BPF_CORE_READ(dev, rtnl_link_ops, kind);
	}
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
		read_dev(e, dev, false);
		e->flags |= HOP_F_NETNS_FROM_DST;
		return;
	}
	if (iif) {
		e->ifindex = iif;
		e->flags |= HOP_F_DEV_IIF;
	}
	if (dev) {
		e->netns = dev_netns_inum(dev, false);
		e->flags |= HOP_F_NETNS_FROM_DST;
		return;
	}
	sk = BPF_CORE_READ(skb, sk);
	if (sk) {
		e->netns = sk_netns_inum(sk, false);
		e->flags |= HOP_F_NETNS_FROM_SK;
	}
}

/* The hop's device and namespace: the device given (the hook's, else skb->dev), else what
 * skb_fill_no_device finds. */
static __always_inline void skb_fill_device(struct hop_event *e, struct sk_buff *skb,
					    struct net_device *dev, bool ends_life, bool direct)
{
	e->ifindex = 0;
	e->netns = 0;
	e->ifname[0] = 0;
	e->dev_kind[0] = 0;
	if (dev)
		read_dev(e, dev, direct);
	else
		skb_fill_no_device(e, skb, ends_life);
}

#endif /* SKB_DEVICE_BPF_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel struct drift in one place: each accessor reads a field that moved or changed
 * between kernels, the CO-RE way, with the kernel commit that changed it. */
#ifndef CORE_FIXES_BPF_H
#define CORE_FIXES_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>

/* The network namespace of a device: dev->nd_net.net (possible_net_t, a struct since
 * 0c5c9fb55106 "net: Introduce possible_net_t", 4.1, older than any kernel we run on). */
static __always_inline __u32 dev_netns_inum(struct net_device *dev)
{
	return BPF_CORE_READ(dev, nd_net.net, ns.inum);
}

static __always_inline __u32 sk_netns_inum(struct sock *sk)
{
	return BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
}

/* skb->_skb_refdst holds the dst pointer with SKB_DST_NOREF in bit 0. */
static __always_inline struct dst_entry *skb_dst_ptr(struct sk_buff *skb)
{
	unsigned long refdst = BPF_CORE_READ(skb, _skb_refdst);

	return (struct dst_entry *)(refdst & ~1UL);
}

/* sk->sk_protocol became a plain u16 in bf9765145b85 ("sock: Make sk_protocol a 16-bit
 * value", 5.6); before that it was a bitfield. */
struct sock___bitfield_protocol {
	unsigned int sk_protocol : 8;
} __attribute__((preserve_access_index));

static __always_inline __u8 sk_protocol(struct sock *sk)
{
	if (bpf_core_field_size(sk->sk_protocol) == sizeof(__u16))
		return BPF_CORE_READ(sk, sk_protocol);
	return BPF_CORE_READ_BITFIELD_PROBED((struct sock___bitfield_protocol *)sk, sk_protocol);
}

#endif /* CORE_FIXES_BPF_H */

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

/* The cgroup v2 id of a socket's cgroup: sk->sk_cgrp_data.cgroup->kn->id (cgroup_id()).
 * sock_cgroup_data has held the cgroup pointer as a member since 8520e224f547 ("bpf,
 * cgroups: Fix cgroup v2 fallback on v1/v2 mixed mode", 5.15); before, a union packed it
 * into a u64 with net_prio/net_cls data. Only drops with a reason ask (5.17+), so the union
 * never meets this; where the member is missing the id is 0, unknown. */
static __always_inline __u64 sk_cgroup_id(struct sock *sk)
{
	struct cgroup *cgrp;

	if (!sk || !bpf_core_field_exists(sk->sk_cgrp_data) ||
	    !bpf_core_field_exists(sk->sk_cgrp_data.cgroup))
		return 0;
	cgrp = BPF_CORE_READ(sk, sk_cgrp_data.cgroup);
	return cgrp ? BPF_CORE_READ(cgrp, kn, id) : 0;
}

#endif /* CORE_FIXES_BPF_H */

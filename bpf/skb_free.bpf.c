// SPDX-License-Identifier: GPL-2.0
/* The end of an skb's life: kfree_skb (a drop, with its reason) and consume_skb (normal
 * end). One handler per hook; one thin wrapper per attach method of the ladder. */
#include "hoptrace.bpf.h"

/* The socket a cgroup-BPF drop happened for, whose cgroup's programs did it: the sender for
 * an inet egress program's drop, the receiver for an ingress one's (sk_filter calls those
 * SOCKET_FILTER), which the tracepoint names as rx_sk (6.11+; before, skb->sk, which is
 * mostly unset there). Its cgroup id goes in info.drop.sk_cgroup, beside info.nf's bytes.
 * Only recorded drops come here, and only those two reasons read anything: the enum values
 * are the running kernel's (CO-RE), and a kernel without them keeps none of this code. */
static __always_inline void drop_cgroup_fill(struct hop_event *e, struct sk_buff *skb,
					     const struct hop_site *site)
{
	struct sock *sk;

	if (!cfg_kfree_has_reason)
		return;
	if (bpf_core_enum_value_exists(enum skb_drop_reason, SKB_DROP_REASON_BPF_CGROUP_EGRESS) &&
	    site->reason ==
		    bpf_core_enum_value(enum skb_drop_reason, SKB_DROP_REASON_BPF_CGROUP_EGRESS))
		sk = BPF_CORE_READ(skb, sk);
	else if (bpf_core_enum_value_exists(enum skb_drop_reason, SKB_DROP_REASON_SOCKET_FILTER) &&
		 site->reason ==
			 bpf_core_enum_value(enum skb_drop_reason, SKB_DROP_REASON_SOCKET_FILTER))
		sk = cfg_kfree_has_rx_sk ? site->rx_sk : BPF_CORE_READ(skb, sk);
	else
		return;
	e->info.drop.sk_cgroup = sk_cgroup_id(sk);
}

/* The socket of a drop at a socket, where the kernel names it: the tracepoint's rx_sk
 * (6.11+), else skb->sk (mostly unset on receive before then). */
static __always_inline struct sock *drop_socket(struct sk_buff *skb, const struct hop_site *site)
{
	return cfg_kfree_has_rx_sk ? site->rx_sk : BPF_CORE_READ(skb, sk);
}

/* Whether the drop's reason is this one (a kernel without it never matches). */
#define drop_reason_is(site, name)                                 \
	(bpf_core_enum_value_exists(enum skb_drop_reason, name) && \
	 (site)->reason == bpf_core_enum_value(enum skb_drop_reason, name))

/* A drop at a full socket: its inode (user space finds the owning process by it) and the
 * queue that was full, the receive buffer (size and bytes charged to it) or the listen
 * queue (maximum and length). Only these reasons read anything, the hot path of other
 * drops pays two compares. NO_SOCKET has no socket to read. Time-wait and request
 * sockets are only a sock_common: nothing past it is theirs. */
static __always_inline void drop_socket_fill(struct hop_event *e, struct sk_buff *skb,
					     const struct hop_site *site)
{
	bool listen = false;
	struct sock *sk;
	__u8 state;

	if (!cfg_kfree_has_reason)
		return;
	if (drop_reason_is(site, SKB_DROP_REASON_TCP_LISTEN_OVERFLOW))
		listen = true;
	else if (!drop_reason_is(site, SKB_DROP_REASON_SOCKET_RCVBUFF) &&
		 !drop_reason_is(site, SKB_DROP_REASON_SOCKET_BACKLOG))
		return;
	sk = drop_socket(skb, site);
	if (!sk)
		return;
	state = BPF_CORE_READ(sk, __sk_common.skc_state);
	if (state == TCP_TIME_WAIT || state == TCP_NEW_SYN_RECV)
		return;
	/* A NULL link reads as 0 all the way down: no file, no inode. */
	e->info.drop.sk_ino = BPF_CORE_READ(sk, sk_socket, file, f_inode, i_ino);
	if (listen) {
		e->info.drop.sk_limit = BPF_CORE_READ(sk, sk_max_ack_backlog);
		e->info.drop.sk_fill = BPF_CORE_READ(sk, sk_ack_backlog);
	} else {
		e->info.drop.sk_limit = BPF_CORE_READ(sk, sk_rcvbuf);
		e->info.drop.sk_fill = BPF_CORE_READ(sk, sk_backlog.rmem_alloc.counter);
	}
}

static __always_inline int on_kfree_skb(struct sk_buff *skb, __u64 location, __u32 reason,
					bool has_reason, struct sock *rx_sk, bool direct)
{
	struct hop_site site = {
		.rx_sk = rx_sk,
		.location = location,
		.reason = reason,
		.hook = HOOK_KFREE_SKB,
		.flags = has_reason ? HOP_F_HAS_REASON : 0,
		.ends_life = true,
		.direct = direct,
	};

	return hop_observe(skb, &site);
}

/* A normal end only completes a packet some earlier hop took up: every skb the node
 * frees passes here, and one never seen alive has no path to complete. Drops, by
 * contrast, are reported even for an skb first seen at its drop. */
static __always_inline int on_consume_skb(struct sk_buff *skb, __u64 location, bool direct)
{
	struct hop_site site = {
		.location = location,
		.hook = HOOK_CONSUME_SKB,
		.ends_life = true,
		.tracked_only = true,
		.direct = direct,
	};

	return hop_observe(skb, &site);
}

/* tp_btf and raw_tp share the argument layout: skb, location, reason (5.17+), rx_sk
 * (6.11+: the socket a drop happened in, e.g. TCP's, which tells a segment TCP processed). */
SEC("tp_btf/kfree_skb")
int BPF_PROG(kfree_skb_tp_btf, struct sk_buff *skb, void *location)
{
	__u32 reason = cfg_kfree_has_reason ? (__u32)ctx[2] : 0;
	struct sock *rx_sk = cfg_kfree_has_rx_sk ? (struct sock *)ctx[3] : NULL;

	return on_kfree_skb(skb, (__u64)location, reason, cfg_kfree_has_reason, rx_sk, true);
}

SEC("raw_tp/kfree_skb")
int BPF_PROG(kfree_skb_raw_tp, struct sk_buff *skb, void *location)
{
	__u32 reason = cfg_kfree_has_reason ? (__u32)ctx[2] : 0;
	struct sock *rx_sk = cfg_kfree_has_rx_sk ? (struct sock *)ctx[3] : NULL;

	return on_kfree_skb(skb, (__u64)location, reason, cfg_kfree_has_reason, rx_sk, false);
}

SEC("tracepoint/skb/kfree_skb")
int kfree_skb_tracepoint(struct trace_event_raw_kfree_skb *args)
{
	__u32 reason = 0;
	bool has_reason = bpf_core_field_exists(args->reason);

	if (has_reason)
		reason = BPF_CORE_READ(args, reason);
	return on_kfree_skb(BPF_CORE_READ(args, skbaddr), (__u64)BPF_CORE_READ(args, location),
			    reason, has_reason, NULL, false);
}

SEC("tp_btf/consume_skb")
int BPF_PROG(consume_skb_tp_btf, struct sk_buff *skb)
{
	return on_consume_skb(skb, cfg_consume_has_location ? ctx[1] : 0, true);
}

SEC("raw_tp/consume_skb")
int BPF_PROG(consume_skb_raw_tp, struct sk_buff *skb)
{
	return on_consume_skb(skb, cfg_consume_has_location ? ctx[1] : 0, false);
}

// SPDX-License-Identifier: GPL-2.0
/* Delivery to the application: a socket copying a packet's data to user space
 * (skb:skb_copy_datagram_iovec). TCP frees read data without a tracepoint, so this is
 * often the last hop that can be seen of a delivered packet. */
#include "hoptrace.bpf.h"

static __always_inline int on_sock_recv(struct sk_buff *skb, bool direct)
{
	struct hop_site site = { .hook = HOOK_SOCK_RECV, .delivers = true, .direct = direct };

	return hop_observe(skb, &site);
}

SEC("tp_btf/skb_copy_datagram_iovec")
int BPF_PROG(sock_recv_tp_btf, struct sk_buff *skb)
{
	return on_sock_recv(skb, true);
}

SEC("raw_tp/skb_copy_datagram_iovec")
int BPF_PROG(sock_recv_raw_tp, struct sk_buff *skb)
{
	return on_sock_recv(skb, false);
}

/* Turning the context pointer into a number. A cgroup skb program's context is the kernel's
 * sk_buff, but the verifier types it as __sk_buff and allows no arithmetic on it. A
 * privileged program may store a pointer into a map value, and what it loads back is a
 * plain scalar: the sk_buff's address, the key the other hooks track it by. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} ctx_addr SEC(".maps");

static __always_inline __u64 skb_address(struct __sk_buff *ctx)
{
	__u32 zero = 0;
	volatile __u64 *slot = bpf_map_lookup_elem(&ctx_addr, &zero);

	if (!slot)
		return 0;
	*slot = (__u64)ctx;
	return *slot;
}

/* The packet's first bytes, from its IP header on (ingress filters see skb->data there). */
static __always_inline void queue_capture(struct hop_event *e, struct __sk_buff *ctx)
{
	__u32 n = ctx->len;

	e->wire_len = n;
	/* The helper wants a size from 1 to the record's room (cfg_snaplen, rodata the
	 * verifier knows). Older verifiers lose a lower bound through a min(): the size is
	 * bounded as n - 1 below cfg_snaplen, then one added back. */
	if (n > cfg_snaplen)
		n = cfg_snaplen;
	n -= 1;
	barrier_var(n);
	if (n >= cfg_snaplen)
		return;
	n += 1;
	barrier_var(n);
	if (!bpf_skb_load_bytes(ctx, 0, e->data, n))
		e->cap_len = n;
}

/* Only skbs an earlier hop took up are reported: everything this hop would add (namespace,
 * device, tuple) the earlier hops already have, and the helpers a cgroup program may call
 * do not include the kernel memory reads the other hooks use. */
static __always_inline void sock_queue_report(struct __sk_buff *ctx, __u64 skb)
{
	struct track_state *st = bpf_map_lookup_elem(&tracked_skbs, &skb);
	struct bpf_sock *sk = ctx->sk;
	struct hop_event *e;

	if (!st)
		return;
	st->delivered = 1;
	st->nf_valid = 0;
	forget_last_skb(skb);
	e = event_reserve();
	if (!e)
		return;
	__builtin_memset(e, 0, sizeof(*e));
	e->ts_ns = bpf_ktime_get_ns();
	e->skb = skb;
	e->cpu = bpf_get_smp_processor_id();
	e->hook = HOOK_SOCK_QUEUE;
	e->len = ctx->len;
	e->mark = ctx->mark;
	e->ifindex = ctx->ifindex;
	/* The filter runs for full sockets only; the verifier wants that said. */
	if (sk)
		sk = bpf_sk_fullsock(sk);
	if (sk) {
		e->sk_family = sk->family;
		e->sk_type = sk->type;
		e->sk_proto = sk->protocol;
		e->sk_state = sk->state;
		e->flags |= HOP_F_SOCK;
	}
	queue_capture(e, ctx);
	event_submit(e);
}

/* Attached to the root cgroup (all sockets of the node), this runs where the kernel's
 * sk_filter() decides whether an inet socket takes a packet: TCP before processing a
 * segment, UDP, raw and ping sockets before queueing a datagram. It never refuses one. */
SEC("cgroup_skb/ingress")
int sock_queue_cgroup(struct __sk_buff *ctx)
{
	__u64 skb = skb_address(ctx);

	if (skb && maybe_tracked(skb))
		sock_queue_report(ctx, skb);
	return 1;
}

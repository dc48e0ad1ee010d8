/* SPDX-License-Identifier: GPL-2.0 */
/* What every hook program shares: the run-time configuration (rodata, defined once in
 * config.bpf.c), the maps, and hop_observe(), the filter-track-emit path each hook calls. */
#ifndef HOPTRACE_BPF_H
#define HOPTRACE_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "hoptrace.h"
#include "tracking.bpf.h"

/* Configuration, written by user space before load; the verifier sees the values as
 * constants and removes the paths they turn off. */
extern const volatile struct hop_cidr cfg_pod[HOPTRACE_MAX_CIDRS];
extern const volatile __u32 cfg_pod_count;
extern const volatile struct hop_cidr cfg_peer[HOPTRACE_MAX_CIDRS];
extern const volatile __u32 cfg_peer_count;
extern const volatile __u8 cfg_proto;		     /* 0: any */
extern const volatile __u16 cfg_port;		     /* host order, 0: any */
extern const volatile __u32 cfg_snaplen;	     /* <= HOPTRACE_SNAPLEN_MAX */
extern const volatile bool cfg_kfree_has_reason;     /* kfree_skb tracepoint has reason */
extern const volatile bool cfg_consume_has_location; /* consume_skb has location (6.3+) */
extern const volatile bool cfg_kfree_has_rx_sk;	     /* kfree_skb names the rx socket (6.11+) */

/* The last traced skb each CPU handled, while it lives and no socket took it: a route
 * lookup (which has no skb) that follows on the same CPU for the same destination belongs
 * to it, and ran in its namespace (fib.bpf.c). */
struct last_skb {
	__u64 skb;
	__u32 daddr; /* IPv4 destination as the hop saw it */
	__u32 netns; /* the namespace of that hop, 0 when unknown */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct last_skb);
} last_skbs SEC(".maps");

/* The counting filter (tracking.bpf.h), defined in config.bpf.c. In front of the slots,
 * their total: while nothing matched yet (a node where the traced pod is quiet), every hook
 * reads one shared, unchanging line instead of a random slot of a 256 KiB array. Also never
 * lowered by LRU evictions. */
extern struct hop_track_hints track_hints;

static __always_inline __u32 *track_hint_slot(__u64 skb)
{
	return &track_hints.slots[track_hint_index(skb)];
}

static __always_inline bool maybe_tracked(__u64 skb)
{
	return track_hints.total && *track_hint_slot(skb) != 0;
}

#include "skb_parse.bpf.h"
#include "filter.bpf.h"

/* What a hook program knows about its hop, beyond the skb. */
struct hop_site {
	struct net_device *dev; /* the device of the hop, or NULL to take skb->dev */
	struct sock *rx_sk;	/* kfree_skb: the socket the kernel names as receiving it */
	__u64 location;
	__u32 reason;
	__u16 hook;
	__u16 flags;
	bool ends_life;	   /* kfree_skb, consume_skb: the skb is gone after this hop */
	bool tracked_only; /* reports only skbs an earlier hop took up (consume_skb) */
	bool at_l3;	   /* skb->data points at the network header (receive path) */
	bool nf_entry;	   /* the entry of a netfilter hook: nf_pf, nf_hook say which */
	bool nf_unranged;  /* entered through nf_hook_slow: no table positions follow */
	bool delivers;	   /* a socket reads the data here */
	bool direct;	   /* the skb pointer is BTF-typed: fields can be loaded directly */
	bool keeps_nf;	   /* a step inside a netfilter hook: the drop after it is that hook's */
	__s32 ret;	   /* HOOK_CT_CONFIRM: the function's return */
	__u8 nf_pf;
	__u8 nf_hook;
};

/* A record of the configured size, or NULL (counted as lost) when the ring is full. */
static __always_inline struct hop_event *event_reserve(void)
{
	struct hop_event *e = bpf_ringbuf_reserve(&events, sizeof(*e) + cfg_snaplen, 0);

	if (!e)
		stats_count(true);
	return e;
}

static __always_inline bool skb_track(__u64 key, __u64 now)
{
	struct track_state st = { .first_ts = now };

	st.last_ts = st.first_ts;

	if (bpf_map_update_elem(&tracked_skbs, &key, &st, BPF_NOEXIST))
		return false;
	__sync_fetch_and_add(&track_hints.total, 1);
	__sync_fetch_and_add(track_hint_slot(key), 1);
	return true;
}

static __always_inline void skb_untrack(__u64 key)
{
	if (!bpf_map_delete_elem(&tracked_skbs, &key)) {
		__sync_fetch_and_add(track_hint_slot(key), -1);
		__sync_fetch_and_add(&track_hints.total, -1);
	}
}

/* Who reads or last held the packet: family, type, protocol and TCP state. Time-wait and
 * request sockets are only a sock_common (TCP's): sk_type and sk_protocol are not theirs. */
static __always_inline void sock_fill(struct hop_event *e, struct sock *sk)
{
	if (!sk)
		return;
	e->sk_family = BPF_CORE_READ(sk, __sk_common.skc_family);
	e->sk_state = BPF_CORE_READ(sk, __sk_common.skc_state);
	if (e->sk_state != TCP_TIME_WAIT && e->sk_state != TCP_NEW_SYN_RECV) {
		e->sk_type = BPF_CORE_READ(sk, sk_type);
		e->sk_proto = sk_protocol(sk);
	}
	e->flags |= HOP_F_SOCK;
	if (!e->netns) {
		e->netns = sk_netns_inum(sk);
		e->flags |= HOP_F_NETNS_FROM_SK;
	}
}

/* Facts about the skb's copies, read only for hops that are recorded: whether its data is
 * shared with a clone, whether it is a TCP send's fast clone, and, at a free, how many
 * sk_buffs still share the data (this one included). */
static __always_inline void copies_fill(struct hop_event *e, struct sk_buff *skb,
					const struct hop_site *site, const struct skb_view *v)
{
	struct skb_shared_info *shinfo;
	__u32 end;

	e->head = (__u64)v->head;
	if (BPF_CORE_READ_BITFIELD_PROBED(skb, cloned))
		e->flags |= HOP_F_CLONED;
	if (BPF_CORE_READ_BITFIELD_PROBED(skb, fclone) == SKB_FCLONE_CLONE)
		e->flags |= HOP_F_FCLONE;
	if (!site->ends_life || !v->head)
		return;
	/* skb_shinfo(): the shared info sits at head + end (end is an offset on 64-bit). */
	end = BPF_CORE_READ(skb, end);
	shinfo = (struct skb_shared_info *)(v->head + end);
	e->copies = BPF_CORE_READ(shinfo, dataref.counter) & 0xffff; /* SKB_DATAREF_MASK */
}

/* kfree_skb's extra facts about a cgroup-BPF drop and a drop at a socket (skb_free.bpf.c). */
static __always_inline void drop_cgroup_fill(struct hop_event *e, struct sk_buff *skb,
					     const struct hop_site *site);
static __always_inline void drop_socket_fill(struct hop_event *e, struct sk_buff *skb,
					     const struct hop_site *site);

static __always_inline void hop_fill(struct hop_event *e, struct sk_buff *skb,
				     const struct hop_site *site, const struct skb_view *v,
				     __u64 now)
{
	struct net_device *dev = site->dev ? site->dev : BPF_CORE_READ(skb, dev);

	e->ts_ns = now;
	e->skb = (__u64)skb;
	e->location = site->location;
	e->reason = site->reason;
	e->cpu = bpf_get_smp_processor_id();
	e->hook = site->hook;
	e->len = BPF_CORE_READ(skb, len);
	e->mark = BPF_CORE_READ(skb, mark);
	e->pad = 0;
	e->pad2 = 0;
	__builtin_memset(&e->info, 0, sizeof(e->info));
	e->flags |= site->flags;
	e->copies = 0;
	e->sk_family = e->sk_type = e->sk_proto = e->sk_state = 0;
	e->pad3[0] = e->pad3[1] = 0;
	skb_fill_device(e, skb, dev, site->ends_life);
	copies_fill(e, skb, site, v);
	sock_fill(e, site->delivers ? BPF_CORE_READ(skb, sk) : site->rx_sk);
	skb_capture(e, skb, v, dev);
	/* A constant per hook: the other hooks carry no code for it. */
	if (site->hook == HOOK_KFREE_SKB) {
		drop_cgroup_fill(e, skb, site);
		drop_socket_fill(e, skb, site);
	}
	if (site->hook == HOOK_CT_CONFIRM)
		e->info.ct.ret = site->ret;
}

/* Netfilter position bookkeeping: entering a hook starts it, any other hop of the skb ends
 * it, and the end of the skb's life reports where it was (the drop attribution needs that).
 * Route lookups never come here (fib.bpf.c): a lookup made from inside a hook, like a
 * REJECT's for its ICMP answer, leaves the hook open. */
static __always_inline void track_update(struct track_state *st, const struct hop_site *site,
					 struct hop_event *e)
{
	if (!st)
		return;
	if (site->ends_life) {
		if (st->nf_valid && e) {
			e->info.nf.pf = st->nf_pf;
			e->info.nf.hook = st->nf_hook;
			e->info.nf.pos = st->nf_pos;
			e->flags |= HOP_F_NF_STATE;
		}
		return;
	}
	st->delivered |= site->delivers;
	if (site->keeps_nf)
		return;
	st->nf_valid = site->nf_entry;
	st->nf_pf = site->nf_pf;
	st->nf_hook = site->nf_hook;
	st->nf_pos = site->nf_unranged ? HOP_NF_POS_UNKNOWN : 0;
}

static __always_inline void remember_last_skb(struct sk_buff *skb, const struct skb_view *v,
					      __u32 netns)
{
	__u32 zero = 0;
	struct last_skb *last = bpf_map_lookup_elem(&last_skbs, &zero);

	if (!last)
		return;
	last->skb = (__u64)skb;
	last->daddr = v->tuple.family == HOP_AF_INET ? *(const __u32 *)v->tuple.daddr : 0;
	last->netns = netns;
}

/* A freed skb, or one a socket took, is routed no more: the next lookup on this CPU is not
 * its (a send's lookup runs before its skb exists). */
static __always_inline void forget_last_skb(__u64 skb)
{
	__u32 zero = 0;
	struct last_skb *last = bpf_map_lookup_elem(&last_skbs, &zero);

	if (last && last->skb == skb)
		last->skb = 0;
}

/* Headroom expansion replaces the skb of a packet on its way out: ip_finish_output2 and
 * ip6_finish_output2 call skb_expand_head() when the output device reserves more headroom
 * than the skb has, and for an skb not charged to a socket's write memory (a forwarded
 * one) that makes a new skb (a clone, then pskb_expand_head(); a copy in kernels with
 * skb_copy_expand() there), consumes the original and sends the new one. IPv6 forwarded
 * into VXLAN does that for every packet: ip6_forward() reserves only the device's
 * hard_header_len, ip_forward() the whole LL_RESERVED_SPACE. The packet is the same, so
 * the consumed skb is remembered per CPU until its successor, the next new skb there with
 * the same headers and length, shows up within HANDOFF_WINDOW_NS. */
struct handoff {
	__u64 skb; /* 0: none pending */
	__u64 ts;
	__u32 l3_len;
	__u32 pad;
	struct hop_tuple tuple;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct handoff);
} handoffs SEC(".maps");

#define HANDOFF_WINDOW_NS 1000000ULL
#define HH_DATA_MOD 16

/* skb->data's offset from skb->head. Both are read here as plain numbers: v->head may be
 * a typed pointer (direct loads), and the verifier refuses arithmetic mixing the two. */
static __always_inline __u32 skb_data_off(struct sk_buff *skb)
{
	__u64 data = (__u64)BPF_CORE_READ(skb, data), head = (__u64)BPF_CORE_READ(skb, head);

	return data - head;
}

/* Bytes from the IP header to the end of the packet, whatever link header was pushed. */
static __always_inline __u32 skb_l3_len(struct sk_buff *skb, const struct skb_view *v)
{
	return BPF_CORE_READ(skb, len) + skb_data_off(skb) - v->l3_off;
}

/* The kernel's own test before skb_expand_head(): skb->data still at the network header
 * (a packet freed after delivery has its headers pulled, one freed after transmit points
 * at its link header) and less headroom than the device's LL_RESERVED_SPACE. */
static __always_inline bool consumed_for_headroom(struct sk_buff *skb, const struct skb_view *v)
{
	struct net_device *dev = BPF_CORE_READ(skb, dev);
	__u32 data_off, reserved;

	if (!dev || !v->l3_ok)
		return false;
	data_off = skb_data_off(skb);
	if (data_off != v->l3_off)
		return false;
	reserved = BPF_CORE_READ(dev, hard_header_len) + BPF_CORE_READ(dev, needed_headroom);
	return data_off < (reserved & ~(HH_DATA_MOD - 1)) + HH_DATA_MOD;
}

/* At the consume of a tracked skb: if it is one a headroom expansion replaces, note it for
 * its successor and tell user space to wait for it. */
static __always_inline void handoff_begin(struct sk_buff *skb, const struct skb_view *v,
					  struct hop_event *e)
{
	__u32 zero = 0;
	struct handoff *h;

	if (!consumed_for_headroom(skb, v))
		return;
	h = bpf_map_lookup_elem(&handoffs, &zero);
	if (!h)
		return;
	h->skb = (__u64)skb;
	h->ts = bpf_ktime_get_ns();
	h->l3_len = skb_l3_len(skb, v);
	__builtin_memcpy(&h->tuple, &v->tuple, sizeof(h->tuple));
	if (e)
		e->flags |= HOP_F_HANDOFF;
}

static __always_inline bool same_tuple(const struct hop_tuple *a, const struct hop_tuple *b)
{
	const __u64 *x = (const __u64 *)a, *y = (const __u64 *)b;

	return x[0] == y[0] && x[1] == y[1] && x[2] == y[2] && x[3] == y[3] && x[4] == y[4];
}

/* The consumed skb a new, matching skb on this CPU carries on, or 0. Claims it. */
static __always_inline __u64 handoff_take(struct sk_buff *skb, const struct skb_view *v)
{
	__u32 zero = 0;
	struct handoff *h = bpf_map_lookup_elem(&handoffs, &zero);
	__u64 prev;

	if (!h || !h->skb || !v->l3_ok)
		return 0;
	if (bpf_ktime_get_ns() - h->ts > HANDOFF_WINDOW_NS) {
		h->skb = 0;
		return 0;
	}
	if (h->l3_len != skb_l3_len(skb, v) || !same_tuple(&h->tuple, &v->tuple))
		return 0;
	prev = h->skb;
	h->skb = 0;
	return prev;
}

/* Tells user space that skb carries on prev's packet; the hops follow as that packet's. */
static __always_inline void handoff_emit(struct sk_buff *skb, __u64 prev)
{
	struct hop_event *e = event_reserve();

	if (!e)
		return;
	__builtin_memset(e, 0, sizeof(*e));
	e->ts_ns = bpf_ktime_get_ns();
	e->skb = (__u64)skb;
	e->cpu = bpf_get_smp_processor_id();
	e->hook = HOOK_HANDOFF;
	e->info.handoff.prev = prev;
	event_submit(e);
}

#define REUSE_GAP_NS 2000000ULL

/* Some frees have no tracepoint (TCP frees read data and a SYN-SENT socket's RST with
 * __kfree_skb, a UDP read frees on its own CPU that way), and the address then comes back
 * holding another packet. Signs of that: the skb was read by a socket and is on a path
 * again, or is freed with another data buffer than the one the socket took (a socket's
 * queue keeps the buffer it took to the end: a packet dropped at its first traced hook,
 * there, would be a false drop of the packet that was read); or its data buffer changed
 * while it sat unseen for a while (a buffer reallocated mid-path, for encapsulation
 * headroom, follows the previous hop within microseconds). */
static __always_inline bool skb_reused(struct sk_buff *skb, struct track_state *st,
				       const struct hop_site *site, const struct skb_view *v,
				       __u64 now)
{
	__u64 head = (__u64)v->head;

	/* A socket reading a clone whose buffer is not the one tracked: the address holds a
	 * copy of another packet now (a packet socket's, a raw socket's). */
	if (site->delivers)
		return st->head && head && st->head != head &&
		       BPF_CORE_READ_BITFIELD_PROBED(skb, cloned);
	if (site->ends_life)
		return st->delivered && st->head && head && st->head != head;
	if (st->delivered)
		return true;
	if (st->head && st->head != head && now - st->last_ts > REUSE_GAP_NS)
		return true;
	st->head = head;
	st->last_ts = now;
	return false;
}

/* The path every hook takes. Non-matching, untracked skbs leave after the parse without
 * touching the ring buffer or the clock; that is the cost all other traffic pays. A hop
 * reads the clock once (40 ns under this hypervisor's clock source, make bench says): its
 * time stamp, the tracking's and the reuse test's are one time. */
static __always_inline int hop_observe(struct sk_buff *skb, const struct hop_site *site)
{
	struct track_state *st = NULL;
	struct skb_view v = {};
	struct hop_event *e;
	__u64 key = (__u64)skb, prev, now = 0;
	bool fresh = false;
	__u32 netns = 0;

	if (!skb)
		return 0;
	if (maybe_tracked(key))
		st = bpf_map_lookup_elem(&tracked_skbs, &key);
	if (!st && site->tracked_only)
		return 0;
	skb_view_init(&v, skb, site->at_l3, site->direct);
	if (st) {
		now = bpf_ktime_get_ns();
		if (!skb_view_is_packet(&v) || skb_reused(skb, st, site, &v, now)) {
			skb_untrack(key);
			st = NULL;
		}
	}
	if (!st) {
		if (!v.tuple_ok || (!tuple_matches(&v.tuple) && !tunnel_inner_matches(&v)))
			return 0;
		prev = handoff_take(skb, &v);
		if (prev)
			handoff_emit(skb, prev);
		/* After the handoff's record: this hop comes after it, in time too. */
		if (!now || prev)
			now = bpf_ktime_get_ns();
		fresh = !prev;
		/* Failing to insert means another path tracked it a moment ago. */
		if (!site->ends_life) {
			skb_track(key, now);
			st = bpf_map_lookup_elem(&tracked_skbs, &key);
			if (st)
				st->head = (__u64)v.head;
		}
	}

	e = event_reserve();
	if (!e) {
		if (site->hook == HOOK_CONSUME_SKB)
			handoff_begin(skb, &v, NULL);
		track_update(st, site, NULL);
	} else {
		e->flags = fresh ? HOP_F_NEW : 0;
		hop_fill(e, skb, site, &v, now);
		if (site->nf_entry) {
			e->info.nf.pf = site->nf_pf;
			e->info.nf.hook = site->nf_hook;
		}
		if (site->hook == HOOK_CONSUME_SKB)
			handoff_begin(skb, &v, e);
		track_update(st, site, e);
		netns = e->netns;
		event_submit(e);
	}
	if (!site->ends_life && !site->delivers) {
		remember_last_skb(skb, &v, netns);
	} else if (st) {
		forget_last_skb(key);
		if (site->ends_life)
			skb_untrack(key);
	}
	return 0;
}

#endif /* HOPTRACE_BPF_H */

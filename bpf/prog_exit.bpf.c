// SPDX-License-Identifier: GPL-2.0
/* The return of a tc, tcx or cgroup-skb BPF program that is not hoptrace's, for the skbs
 * hoptrace tracks: the program that dropped a packet is seen doing it. A separate object
 * from the main one (hoptrace.bpf.c), loaded once per program watched: user space names
 * the target (its fd and BTF function name) before load, fexit attaches to it, and the
 * maps are the main object's, shared with bpf_map__reuse_fd (user/load/prog_fexit.c).
 *
 * A tracing program attached to another BPF program sees a tc or cgroup-skb program's
 * struct __sk_buff * as the kernel's struct sk_buff *: the verifier translates program
 * context types for fentry/fexit (btf_ctx_access() -> btf_translate_to_vmlinux(), with
 * struct bpf_ctx_convert from include/linux/bpf_types.h; 91cc1a99740e "bpf: Annotate
 * context types" and 5b92a28aae4d "bpf: Support attaching tracing BPF program to other
 * BPF programs", both Linux 5.5).
 *
 * No XDP: a generic-XDP program's context translates to struct xdp_buff, which holds the
 * packet's data but no way back to its skb, so its return cannot be tied to a tracked
 * packet. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "hoptrace.h"
#include "tracking.bpf.h"
#include "skb_device.bpf.h"

/* Written by user space before load, one instance per watched program. */
const volatile __u32 cfg_wakeup_backlog = 1 << 20; /* the main object's value */
const volatile __u32 cfg_prog_id = 0;		   /* the watched program */
const volatile __u8 cfg_attach = 0; /* enum hop_bpf_attach: where it was found attached */

/* The main object's .bss, which holds only the counting filter (config.bpf.c); user space
 * checks that against the main skeleton when it builds. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hop_track_hints);
} track_hints SEC(".maps");

/* The watched program runs for every packet of its device or cgroup: an untracked skb
 * leaves after a load or two, as at the main object's hooks. */
static __always_inline bool maybe_tracked(__u64 skb)
{
	__u32 zero = 0;
	struct hop_track_hints *h = bpf_map_lookup_elem(&track_hints, &zero);

	return h && h->total && h->slots[track_hint_index(skb)];
}

/* Where the program ran. The same tc program can sit on ingress and egress (user space
 * watches a program once, under the first attach point it found): the skb says which
 * direction this run was. */
static __always_inline __u8 attach_point(struct sk_buff *skb)
{
	bool ingress;

	if (cfg_attach < HOP_BPF_TCX_INGRESS || cfg_attach > HOP_BPF_TC_EGRESS ||
	    !bpf_core_field_exists(skb->tc_at_ingress))
		return cfg_attach;
	ingress = BPF_CORE_READ_BITFIELD_PROBED(skb, tc_at_ingress);
	if (cfg_attach <= HOP_BPF_TCX_EGRESS)
		return ingress ? HOP_BPF_TCX_INGRESS : HOP_BPF_TCX_EGRESS;
	return ingress ? HOP_BPF_TC_INGRESS : HOP_BPF_TC_EGRESS;
}

/* A hop without packet bytes (cap_len 0): the record is the fixed part alone. */
static __always_inline void bpf_hop_fill(struct hop_event *e, struct sk_buff *skb, int ret)
{
	__builtin_memset(e, 0, sizeof(*e));
	e->ts_ns = bpf_ktime_get_ns();
	e->skb = (__u64)skb;
	e->cpu = bpf_get_smp_processor_id();
	e->hook = HOOK_BPF_PROG;
	e->len = BPF_CORE_READ(skb, len);
	e->mark = BPF_CORE_READ(skb, mark);
	/* The buffer, so the timeline keeps indexing the packet by it (copies join by it). */
	e->head = (__u64)BPF_CORE_READ(skb, head);
	skb_fill_device(e, skb, BPF_CORE_READ(skb, dev), false);
	e->info.bpf.prog_id = cfg_prog_id;
	e->info.bpf.ret = ret;
	e->info.bpf.attach = attach_point(skb);
}

SEC("fexit")
int BPF_PROG(prog_exit, struct sk_buff *skb, int ret)
{
	__u64 key = (__u64)skb;
	struct track_state *st;
	struct hop_event *e;

	if (!skb || !maybe_tracked(key))
		return 0;
	st = bpf_map_lookup_elem(&tracked_skbs, &key);
	if (!st)
		return 0;
	/* tc and cgroup programs run outside netfilter's hooks: a drop after this is not
	 * inside the hook the skb entered last (track_update in hoptrace.bpf.h). */
	st->nf_valid = 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		stats_count(true);
		return 0;
	}
	bpf_hop_fill(e, skb, ret);
	event_submit(e);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

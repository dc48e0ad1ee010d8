// SPDX-License-Identifier: GPL-2.0
/* Netfilter observation: programs linked into each netfilter hook at priorities just below
 * the standard tables' (user/pipeline/nf_ranges.c places them). They always accept. Position 0,
 * the hook's entry, records a hop; the others only note in the tracking map how far a
 * traced skb got, so a later netfilter drop names the table that gave it. */
#include "hoptrace.bpf.h"

#define NF_ACCEPT 1

static __always_inline int nf_observe(struct bpf_nf_ctx *ctx, __u8 pos)
{
	const struct nf_hook_state *state = ctx->state;
	struct sk_buff *skb = ctx->skb;
	struct track_state *st;
	__u64 key;

	if (pos == 0) {
		struct hop_site site = {
			.hook = HOOK_NF,
			.at_l3 = true,
			.direct = true,
			.nf_entry = true,
			/* Plain loads: the context's state is a trusted pointer. */
			.nf_pf = state->pf,
			.nf_hook = state->hook,
		};

		hop_observe(skb, &site);
		return NF_ACCEPT;
	}
	/* Untracked traffic pays a load and a compare here. */
	key = (__u64)skb;
	if (!maybe_tracked(key))
		return NF_ACCEPT;
	st = bpf_map_lookup_elem(&tracked_skbs, &key);
	if (st && st->nf_valid)
		st->nf_pos = pos;
	return NF_ACCEPT;
}

/* libbpf 1.1 does not know this section; user space sets the program type (netfilter) and
 * attach type before load and creates the links with BPF_LINK_CREATE itself. */
#define NF_OBSERVER(pos)                             \
	SEC("netfilter")                             \
	int nf_observe_##pos(struct bpf_nf_ctx *ctx) \
	{                                            \
		return nf_observe(ctx, pos);         \
	}

NF_OBSERVER(0)
NF_OBSERVER(1)
NF_OBSERVER(2)
NF_OBSERVER(3)
NF_OBSERVER(4)
NF_OBSERVER(5)
NF_OBSERVER(6)
NF_OBSERVER(7)
NF_OBSERVER(8)

// SPDX-License-Identifier: GPL-2.0
/* Netfilter on kernels without BPF netfilter links (before 6.4): the entry of
 * nf_hook_slow, the function that runs a hook's chain, by fentry or else kprobe. It names
 * the family and hook a packet entered; without observers between the tables, a drop there
 * names the hook but not the table. */
#include "hoptrace.bpf.h"

static __always_inline int on_nf_hook_slow(struct sk_buff *skb, struct nf_hook_state *state,
					   bool direct)
{
	struct hop_site site = {
		.hook = HOOK_NF,
		.at_l3 = true,
		.direct = direct,
		.nf_entry = true,
		.nf_unranged = true,
		.nf_pf = BPF_CORE_READ(state, pf),
		.nf_hook = BPF_CORE_READ(state, hook),
	};

	return hop_observe(skb, &site);
}

SEC("fentry/nf_hook_slow")
int BPF_PROG(netfilter_fentry, struct sk_buff *skb, struct nf_hook_state *state)
{
	return on_nf_hook_slow(skb, state, true);
}

SEC("kprobe/nf_hook_slow")
int BPF_KPROBE(netfilter_kprobe, struct sk_buff *skb, struct nf_hook_state *state)
{
	return on_nf_hook_slow(skb, state, false);
}

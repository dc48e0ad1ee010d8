// SPDX-License-Identifier: GPL-2.0
/* Conntrack refusing a new entry, seen where it happens: the return of
 * __nf_conntrack_confirm, by fexit where the kernel allows it. Confirm runs last in
 * POSTROUTING and INPUT (priority INT_MAX); when the entry's tuple clashes with one already
 * in the table (two flows SNATed to the same source port, a race between two packets of one
 * UDP flow it could not resolve) it counts insert_failed and returns NF_DROP, and
 * nf_hook_slow frees the skb as NETFILTER_DROP. With BPF netfilter links the drop is already
 * placed in confirm's range; without them (before 6.4) this hop is the only way to tell an
 * insert failure from a rule. The function runs once per new flow: cheap where it hooks. */
#include "hoptrace.bpf.h"

#define HOP_NF_ACCEPT 1

SEC("fexit/__nf_conntrack_confirm")
int BPF_PROG(ct_confirm_fexit, struct sk_buff *skb, int ret)
{
	struct hop_site site = {
		.hook = HOOK_CT_CONFIRM,
		.direct = true,
		.keeps_nf = true,
		.ret = ret,
	};

	/* Accepted entries are the normal case: no hop. */
	if (ret == HOP_NF_ACCEPT)
		return 0;
	return hop_observe(skb, &site);
}

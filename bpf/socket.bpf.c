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

// SPDX-License-Identifier: GPL-2.0
/* Device hops: transmit into a device (veth, bridge, vxlan, uplink...) and entry into a
 * device's receive path. The device kind is read from the device, so user space can name
 * a veth transmit without a veth-specific hook. */
#include "hoptrace.bpf.h"

static __always_inline int on_dev_xmit(struct sk_buff *skb, struct net_device *dev, bool direct)
{
	struct hop_site site = { .dev = dev, .hook = HOOK_DEV_XMIT, .direct = direct };

	return hop_observe(skb, &site);
}

static __always_inline int on_netif_receive(struct sk_buff *skb, bool direct)
{
	/* The tracepoint fires before __netif_receive_skb_core resets the network header:
	 * skb->data is where the IP header is. */
	struct hop_site site = { .hook = HOOK_NETIF_RECEIVE, .at_l3 = true, .direct = direct };

	return hop_observe(skb, &site);
}

SEC("tp_btf/net_dev_start_xmit")
int BPF_PROG(dev_xmit_tp_btf, struct sk_buff *skb, struct net_device *dev)
{
	return on_dev_xmit(skb, dev, true);
}

SEC("raw_tp/net_dev_start_xmit")
int BPF_PROG(dev_xmit_raw_tp, struct sk_buff *skb, struct net_device *dev)
{
	return on_dev_xmit(skb, dev, false);
}

SEC("tp_btf/netif_receive_skb")
int BPF_PROG(netif_receive_tp_btf, struct sk_buff *skb)
{
	return on_netif_receive(skb, true);
}

SEC("raw_tp/netif_receive_skb")
int BPF_PROG(netif_receive_raw_tp, struct sk_buff *skb)
{
	return on_netif_receive(skb, false);
}

// SPDX-License-Identifier: GPL-2.0
/* The demo's stand-in for a CNI's policy program (not a tracer: hoptrace never attaches
 * its own programs to tc). Attached on the host side of a pod's veth, on ingress, it sees
 * what the pod sends, as Cilium's from-container program does, and drops IPv4 packets
 * from deny_saddr to deny_daddr, the way a NetworkPolicy enforced in BPF would. Every
 * other packet gets "no opinion" (-1: TCX_NEXT, TC_ACT_UNSPEC), so programs after it
 * still run. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define ETH_P_IP 0x0800
#define TC_NO_OPINION -1
#define TC_SHOT 2

const volatile __u32 deny_saddr; /* network byte order */
const volatile __u32 deny_daddr;

SEC("tc")
int demo_cni_policy(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);

	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return TC_NO_OPINION;
	if (ip->saddr == deny_saddr && ip->daddr == deny_daddr)
		return TC_SHOT;
	return TC_NO_OPINION;
}

char LICENSE[] SEC("license") = "GPL";

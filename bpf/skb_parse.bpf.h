/* SPDX-License-Identifier: GPL-2.0 */
/* Reading a packet's facts out of an skb: where its IP header is, its tuple (from the
 * headers, or from the owning socket before the IP header exists) and the first bytes to
 * capture. Its device and namespace: skb_device.bpf.h. */
#ifndef SKB_PARSE_BPF_H
#define SKB_PARSE_BPF_H

#include "core_fixes.bpf.h"
#include "skb_device.bpf.h"

#define ETH_P_IP_BE 0x0008     /* htons(0x0800) */
#define ETH_P_IPV6_BE 0xDD86   /* htons(0x86DD) */
#define ETH_P_8021Q_BE 0x0081  /* htons(0x8100) */
#define ETH_P_8021AD_BE 0xA888 /* htons(0x88A8) */
#define ETH_HLEN 14
#define ARPHRD_ETHER 1
#define ARPHRD_LOOPBACK 772
#define IP_OFFSET_MASK 0x1FFF
#define TCP_TIME_WAIT 6
#define TCP_NEW_SYN_RECV 12
#define SKB_HEADER_UNSET 0xFFFF

/* The header bytes read in one go: an IPv6 header plus the ports, or an IPv4 header
 * without options plus the ports. */
#define L3_PROBE_LEN 44

struct skb_view {
	struct hop_tuple tuple __attribute__((aligned(8)));
	unsigned char *head;
	__u16 protocol; /* skb->protocol, network byte order */
	__u32 l3_off;	/* offset of the IP header from head, when l3_ok */
	__u32 l4_off;	/* offset of the transport header, when l3_ok */
	bool l3_ok;
	bool tuple_ok;
	bool tuple_from_sk;
};

static __always_inline void read_ports(struct hop_tuple *t, const __u8 *l4)
{
	if (t->proto != IPPROTO_TCP && t->proto != IPPROTO_UDP && t->proto != IPPROTO_SCTP)
		return;
	t->sport = ((__u16)l4[0] << 8) | l4[1];
	t->dport = ((__u16)l4[2] << 8) | l4[3];
}

static __always_inline bool parse_ipv4(struct skb_view *v, const __u8 *hdr, __u32 off)
{
	struct hop_tuple *t = &v->tuple;
	__u32 ihl = (hdr[0] & 0x0F) * 4;
	__u16 frag = ((__u16)hdr[6] << 8) | hdr[7];
	__u8 l4[4];

	if (ihl < 20)
		return false;
	v->l4_off = off + ihl;
	t->family = HOP_AF_INET;
	t->proto = hdr[9];
	__builtin_memcpy(t->saddr, hdr + 12, 4);
	__builtin_memcpy(t->daddr, hdr + 16, 4);
	if (frag & IP_OFFSET_MASK)
		return true; /* a later fragment carries no ports */
	if (ihl == 20) {
		read_ports(t, hdr + 20);
	} else if (!bpf_probe_read_kernel(l4, sizeof(l4), v->head + off + ihl)) {
		read_ports(t, l4);
	}
	return true;
}

static __always_inline bool parse_ipv6(struct skb_view *v, const __u8 *hdr, __u32 off)
{
	struct hop_tuple *t = &v->tuple;

	v->l4_off = off + 40;
	t->family = HOP_AF_INET6;
	t->proto = hdr[6]; /* extension headers are left unparsed: proto names the first */
	__builtin_memcpy(t->saddr, hdr + 8, 16);
	__builtin_memcpy(t->daddr, hdr + 24, 16);
	read_ports(t, hdr + 40);
	return true;
}

/* Parses the IP header at off if it is one: the version must agree with skb->protocol
 * when that is set (it is still 0 for a locally built packet before ip_output). */
static __always_inline bool parse_l3_at(struct skb_view *v, __u32 off, __u16 protocol)
{
	__u8 hdr[L3_PROBE_LEN];
	__u8 version;

	if (bpf_probe_read_kernel(hdr, sizeof(hdr), v->head + off))
		return false;
	version = hdr[0] >> 4;
	if (version == 4 && (protocol == ETH_P_IP_BE || !protocol)) {
		if (!parse_ipv4(v, hdr, off))
			return false;
	} else if (version == 6 && (protocol == ETH_P_IPV6_BE || !protocol)) {
		parse_ipv6(v, hdr, off);
	} else {
		return false;
	}
	v->l3_off = off;
	v->l3_ok = true;
	return true;
}

#ifdef HOP_RDONLY_CAST
/* Linux 6.2+: a read-only typed view of any kernel address. The verifier replaces the call
 * with a register move, and loads through the result are fault-tolerant plain loads: the
 * header costs a few loads instead of one bpf_probe_read_kernel (a helper call of about 35
 * ns, on the path every packet of the node takes). */
extern void *bpf_rdonly_cast(const void *obj__ign, __u32 btf_id__k) __ksym;

static __always_inline void read_ports_cast(struct hop_tuple *t, unsigned long l4)
{
	const struct udphdr *uh;

	if (t->proto != IPPROTO_TCP && t->proto != IPPROTO_UDP && t->proto != IPPROTO_SCTP)
		return;
	/* TCP, UDP and SCTP all begin with the two ports. */
	uh = bpf_rdonly_cast((void *)l4, bpf_core_type_id_kernel(struct udphdr));
	t->sport = __builtin_bswap16(uh->source);
	t->dport = __builtin_bswap16(uh->dest);
}

/* parse_l3_at, reading through typed views of the header instead of a copy. */
static __always_inline bool parse_l3_cast(struct skb_view *v, __u32 off, __u16 protocol)
{
	unsigned long base = (unsigned long)v->head + off;
	const struct iphdr *ip =
		bpf_rdonly_cast((void *)base, bpf_core_type_id_kernel(struct iphdr));
	const struct ipv6hdr *ip6;
	struct hop_tuple *t = &v->tuple;
	__u8 version = BPF_CORE_READ_BITFIELD(ip, version);
	__u32 ihl;

	if (version == 4 && (protocol == ETH_P_IP_BE || !protocol)) {
		ihl = BPF_CORE_READ_BITFIELD(ip, ihl) * 4;
		if (ihl < 20)
			return false;
		v->l4_off = off + ihl;
		t->family = HOP_AF_INET;
		t->proto = ip->protocol;
		*(__u32 *)t->saddr = ip->saddr;
		*(__u32 *)t->daddr = ip->daddr;
		if (!(__builtin_bswap16(ip->frag_off) & IP_OFFSET_MASK))
			read_ports_cast(t, base + ihl);
	} else if (version == 6 && (protocol == ETH_P_IPV6_BE || !protocol)) {
		ip6 = bpf_rdonly_cast((void *)base, bpf_core_type_id_kernel(struct ipv6hdr));
		v->l4_off = off + 40;
		t->family = HOP_AF_INET6;
		t->proto = ip6->nexthdr;
		for (int i = 0; i < 4; i++) {
			((__u32 *)t->saddr)[i] = ip6->saddr.in6_u.u6_addr32[i];
			((__u32 *)t->daddr)[i] = ip6->daddr.in6_u.u6_addr32[i];
		}
		read_ports_cast(t, base + 40);
	} else {
		return false;
	}
	v->l3_off = off;
	v->l3_ok = true;
	return true;
}

/* Only programs that hold a BTF-typed skb (direct) use it: they run on the kernels that
 * have the kfunc, and the raw_tp/kprobe programs stay free of kfunc calls. */
#define PARSE_L3(direct, v, off, protocol) \
	((direct) ? parse_l3_cast(v, off, protocol) : parse_l3_at(v, off, protocol))
#else
#define PARSE_L3(direct, v, off, protocol) parse_l3_at(v, off, protocol)
#endif

/* Before the IP header exists (or after it is gone), the owning socket still says who
 * talks to whom. Request and time-wait sockets are TCP and lack sk_protocol. */
static __always_inline bool tuple_from_sock(struct skb_view *v, struct sock *sk)
{
	struct hop_tuple *t = &v->tuple;
	__u8 state, family;

	if (!sk)
		return false;
	/* Checked before it is stored: a netlink, unix or vsock socket's family is no tuple's,
	 * and a record that carried one would be refused whole by user space. */
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family != HOP_AF_INET && family != HOP_AF_INET6)
		return false;
	t->family = family;
	state = BPF_CORE_READ(sk, __sk_common.skc_state);
	if (state == TCP_TIME_WAIT || state == TCP_NEW_SYN_RECV)
		t->proto = IPPROTO_TCP;
	else
		t->proto = sk_protocol(sk);
	/* Explicit sizes: READ_INTO on an array would copy one element. */
	if (family == HOP_AF_INET) {
		bpf_core_read(t->saddr, 4, &sk->__sk_common.skc_rcv_saddr);
		bpf_core_read(t->daddr, 4, &sk->__sk_common.skc_daddr);
	} else {
		bpf_core_read(t->saddr, 16, &sk->__sk_common.skc_v6_rcv_saddr);
		bpf_core_read(t->daddr, 16, &sk->__sk_common.skc_v6_daddr);
	}
	t->sport = BPF_CORE_READ(sk, __sk_common.skc_num);
	t->dport = __builtin_bswap16(BPF_CORE_READ(sk, __sk_common.skc_dport));
	v->tuple_from_sk = true;
	return true;
}

/* A field of the skb: a plain load where the program holds a BTF-typed skb (tp_btf,
 * netfilter), else a probe read (raw_tp, tracepoint). The loads cost a few ns, each probe
 * read about 35: this is the path every packet of the node takes. */
#define SKB_FIELD(direct, skb, field) ((direct) ? (skb)->field : BPF_CORE_READ(skb, field))

/* Whether sk is an IPv4/IPv6 socket (not netlink, unix, vsock...). */
static __always_inline bool sk_is_inet(struct sock *sk)
{
	__u16 family;

	if (!sk)
		return false;
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	return family == HOP_AF_INET || family == HOP_AF_INET6;
}

/* Finds the packet's IP header and tuple. at_l3: skb->data is the network header (the
 * receive path, where network_header is not reset yet when the tracepoint fires). */
static __always_inline void skb_view_init(struct skb_view *v, struct sk_buff *skb, bool at_l3,
					  bool direct)
{
	__u16 protocol;
	__u16 nh;

#ifdef HOP_RDONLY_CAST
	/* A load of a pointer field through the tracepoint's trusted skb has the verifier
	 * look the field up in the kernel's BTF by name, a scan of every type each time (6.4+):
	 * it was a third of the load time. The same loads through an untrusted view of the
	 * skb are the same instructions, without the lookups. */
	if (direct)
		skb = bpf_rdonly_cast(skb, bpf_core_type_id_kernel(struct sk_buff));
#endif
	protocol = SKB_FIELD(direct, skb, protocol);
	v->protocol = protocol;
	v->head = SKB_FIELD(direct, skb, head);
	/* No protocol yet: an IP packet built here, before ip_local_out sets it, is always an
	 * inet socket's. Netlink, unix and vsock skbs have none either, and a netlink skb's
	 * network header points at its message: "4c 00 00 00 14 00..." reads as IPv4. */
	if (!protocol && !sk_is_inet(SKB_FIELD(direct, skb, sk)))
		return;
	if (at_l3) {
		v->tuple_ok = PARSE_L3(direct, v, SKB_FIELD(direct, skb, data) - v->head, protocol);
	} else {
		nh = SKB_FIELD(direct, skb, network_header);
		v->tuple_ok = nh && nh != SKB_HEADER_UNSET && PARSE_L3(direct, v, nh, protocol);
	}
	if (!v->tuple_ok)
		v->tuple_ok = tuple_from_sock(v, SKB_FIELD(direct, skb, sk));
}

/* Whether the skb can be the packet an earlier hop tracked at its address. One that has no
 * IP tuple (a unix, netlink or vsock skb, an ARP frame) is a new skb that took the address
 * of a packet freed where no hook saw it. A VLAN-tagged frame keeps its packet's identity. */
static __always_inline bool skb_view_is_packet(const struct skb_view *v)
{
	return v->tuple_ok || v->protocol == ETH_P_8021Q_BE || v->protocol == ETH_P_8021AD_BE;
}

static __always_inline bool dev_has_ethernet_header(struct net_device *dev)
{
	__u16 type;

	if (!dev)
		return false;
	type = BPF_CORE_READ(dev, type);
	return type == ARPHRD_ETHER || type == ARPHRD_LOOPBACK;
}

/* Copies the first bytes of the packet: from the Ethernet header when the skb has one
 * right before its IP header, else from the IP header. Only the linear part is read. */
static __always_inline void skb_capture(struct hop_event *e, struct sk_buff *skb,
					const struct skb_view *v, struct net_device *dev)
{
	__u32 start, avail, n, data_off, tail;
	__u16 mac;

	e->cap_len = 0;
	e->wire_len = 0;
	__builtin_memcpy(&e->tuple, &v->tuple, sizeof(e->tuple));
	if (v->tuple_ok)
		e->flags |= v->tuple_from_sk ? HOP_F_TUPLE | HOP_F_TUPLE_FROM_SK : HOP_F_TUPLE;
	if (!v->l3_ok)
		return;
	start = v->l3_off;
	mac = BPF_CORE_READ(skb, mac_header);
	if (mac != SKB_HEADER_UNSET && mac + ETH_HLEN == start &&
	    dev_has_ethernet_header(dev ? dev : BPF_CORE_READ(skb, dev))) {
		start = mac;
		e->flags |= HOP_F_L2;
	}
	tail = BPF_CORE_READ(skb, tail);
	data_off = BPF_CORE_READ(skb, data) - v->head;
	e->wire_len = BPF_CORE_READ(skb, len) + data_off - start;
	avail = tail > start ? tail - start : 0;
	n = avail < cfg_snaplen ? avail : cfg_snaplen;
	if (n > HOPTRACE_SNAPLEN_MAX)
		n = HOPTRACE_SNAPLEN_MAX;
	if (!bpf_probe_read_kernel(e->data, n, v->head + start))
		e->cap_len = n;
}

#endif /* SKB_PARSE_BPF_H */

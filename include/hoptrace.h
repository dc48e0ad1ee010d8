/* SPDX-License-Identifier: GPL-2.0 */
/* What the BPF programs and user space share: the hop event record, hook ids and the
 * filter's limits. Plain C with fixed-width types; each side brings its own __u8..__u64
 * (vmlinux.h in BPF, <linux/types.h> in user space). */
#ifndef HOPTRACE_H
#define HOPTRACE_H

#define HOPTRACE_IFNAMSIZ 16
#define HOPTRACE_KINDSIZ 16
#define HOPTRACE_SNAPLEN_DEFAULT 128
#define HOPTRACE_SNAPLEN_MAX 512
#define HOPTRACE_MAX_CIDRS 16
/* Kernel-to-user ring buffer bytes unless the user asks for more (--ring-size). */
#define HOPTRACE_RING_DEFAULT (8u << 20)

/* UDP ports of the tunnels whose inner packet both sides look into. */
#define HOP_VXLAN_PORT 4789
#define HOP_VXLAN_LINUX_PORT 8472 /* the Linux default before IANA's, used by flannel */
#define HOP_GENEVE_PORT 6081

/* Address families as the kernel numbers them (AF_INET, AF_INET6). */
#define HOP_AF_INET 2
#define HOP_AF_INET6 10

/* Logical hooks: where in the kernel a hop was seen. Values are stable (JSON, pcapng). */
enum hop_hook {
	HOOK_NONE = 0,
	HOOK_KFREE_SKB = 1,	/* skb freed as a drop */
	HOOK_CONSUME_SKB = 2,	/* skb freed after normal use */
	HOOK_DEV_XMIT = 3,	/* handed to a device's transmit (veth included) */
	HOOK_NETIF_RECEIVE = 4, /* entered a device's receive path */
	HOOK_NF = 5,		/* entered a netfilter hook (family and hook in info.nf) */
	HOOK_FIB = 6,		/* an IPv4 route lookup for a traced flow (info.fib) */
	HOOK_SOCK_RECV = 7,	/* a socket read its data: delivered to the application */
	HOOK_HANDOFF = 8,	/* not a hop: skb carries on the packet of info.handoff.prev */
	/* A socket accepted the packet into its receive queue (the root cgroup's inet ingress
	 * filter ran for it): delivered, even where the read and the free have no tracepoint. */
	HOOK_SOCK_QUEUE = 9,
	/* A tc, XDP or cgroup BPF program (not hoptrace's) returned for a traced skb: seen
	 * with fexit on that program, where the kernel allows fexit (info.bpf). */
	HOOK_BPF_PROG = 10,
	/* Conntrack refused to confirm the skb's new entry (__nf_conntrack_confirm returned
	 * other than NF_ACCEPT: its tuple clashed, an insert failure): seen with fexit on that
	 * function, where the kernel allows fexit (info.ct). The netfilter position the skb
	 * was at stays for the drop that follows. */
	HOOK_CT_CONFIRM = 11,
	HOOK__COUNT,
};

/* Event flags: facts the BPF side knew when it recorded the hop. */
enum hop_flag {
	HOP_F_NEW = 1 << 0,	       /* skb was not tracked before this hop */
	HOP_F_L2 = 1 << 1,	       /* data[] starts at an Ethernet header */
	HOP_F_TUPLE = 1 << 2,	       /* tuple is valid */
	HOP_F_TUPLE_FROM_SK = 1 << 3,  /* tuple came from the owning socket, no IP header yet */
	HOP_F_HAS_REASON = 1 << 4,     /* reason is the kernel's drop reason */
	HOP_F_NETNS_FROM_SK = 1 << 5,  /* netns came from the socket (no device) */
	HOP_F_NETNS_FROM_DST = 1 << 6, /* netns came from the route's device */
	HOP_F_NF_STATE = 1 << 7,       /* info.nf holds where in netfilter the skb last was */
	/* No skb->dev: ifindex is skb->skb_iif, the arrival device, without a name (user
	 * space names it from an earlier hop in that namespace). */
	HOP_F_DEV_IIF = 1 << 8,
	/* consume_skb on the way out, for headroom: the packet goes on in a new skb, which a
	 * HOOK_HANDOFF record names if it is seen. */
	HOP_F_HANDOFF = 1 << 9,
	HOP_F_CLONED = 1 << 10, /* skb->cloned: its data buffer is (or was) shared by a clone */
	HOP_F_FCLONE = 1 << 11, /* a TCP send's fast clone: its twin is the send queue's copy */
	HOP_F_SOCK = 1 << 12,	/* sk_family..sk_state describe a socket (see hop_event) */
};

/* Socket families and states the judging compares against (the kernel's numbers). */
#define HOP_AF_PACKET 17
#define HOP_SOCK_RAW 3

/* Netfilter observation points: the entry of a hook, then one just before each standard
 * table priority (user/pipeline/nf_ranges.c has the table of them). */
#define HOP_NF_POSITIONS 9
#define HOP_NF_POS_UNKNOWN 0xff /* seen in the hook, but no position inside it */
/* The observer at position N is the BPF program HOP_NF_PROG_PREFIX "N". */
#define HOP_NF_PROG_PREFIX "nf_observe_"

/* Where a BPF program seen by HOOK_BPF_PROG was attached (what user space told the fexit
 * program when it attached it). Values are stable (JSON). */
enum hop_bpf_attach {
	HOP_BPF_TCX_INGRESS = 1,
	HOP_BPF_TCX_EGRESS = 2,
	HOP_BPF_TC_INGRESS = 3, /* cls_bpf on clsact (or ingress) */
	HOP_BPF_TC_EGRESS = 4,
	HOP_BPF_XDP_GENERIC = 5,
	HOP_BPF_CGROUP_INGRESS = 6,
	HOP_BPF_CGROUP_EGRESS = 7,
};

/* The union's member follows the hook: nf for HOOK_NF and (with HOP_F_NF_STATE) for
 * HOOK_KFREE_SKB; drop for HOOK_KFREE_SKB (its first bytes are nf's); fib for HOOK_FIB;
 * handoff for HOOK_HANDOFF; bpf for HOOK_BPF_PROG; ct for HOOK_CT_CONFIRM. */
union hop_info {
	struct {
		__u8 pf;   /* NFPROTO_IPV4 (2), NFPROTO_IPV6 (10) */
		__u8 hook; /* NF_INET_PRE_ROUTING (0) .. NF_INET_POST_ROUTING (4) */
		__u8 pos;  /* last observation point passed in that hook */
		__u8 pad;
	} nf;
	struct {
		__u32 table;
		__s32 err; /* 0, or -ENETUNREACH and friends */
		__u8 gw[16];
		__u8 gw_family;
		__u8 pad[3];
	} fib;
	struct {
		__u64 prev; /* the skb whose packet this skb carries on */
	} handoff;
	struct {
		__u8 nf[4]; /* info.nf, with HOP_F_NF_STATE */
		__u32 pad;
		/* The cgroup (v2 id) of the socket a cgroup-BPF drop happened for: the sending
		 * socket (BPF_CGROUP_EGRESS) or the receiving one (SOCKET_FILTER, where the
		 * tracepoint names it); 0 when not read or unknown. */
		__u64 sk_cgroup;
		/* A drop at a socket (SOCKET_RCVBUFF, SOCKET_BACKLOG, TCP_LISTEN_OVERFLOW): the
		 * socket's inode (user space finds its owner by it; 0 when not read or it has
		 * no file) and, by the reason, the receive buffer's size and the bytes charged
		 * to it, or the listen queue's maximum and length, at the drop. */
		__u64 sk_ino;
		__u32 sk_limit;
		__u32 sk_fill;
	} drop;
	struct {
		__u32 prog_id; /* the program that returned */
		__s32 ret;     /* what it returned (TC_ACT_*, XDP_*, 0/1 for cgroup skb) */
		__u8 attach;   /* enum hop_bpf_attach */
		__u8 pad[7];
	} bpf;
	struct {
		__s32 ret; /* what __nf_conntrack_confirm returned: NF_DROP (0), ... */
		__u32 pad;
	} ct;
	__u8 raw[32];
};

/* A CIDR of the filter, pre-masked by user space; IPv4 uses word 0. Network byte order. */
struct hop_cidr {
	__u32 addr[4];
	__u32 mask[4];
	__u8 family;
	__u8 prefix;
	__u8 pad[2];
};
_Static_assert(sizeof(struct hop_cidr) == 36, "hop_cidr layout");

/* Addresses in network byte order (IPv4 in the first 4 bytes); ports in host order. */
struct hop_tuple {
	__u8 saddr[16];
	__u8 daddr[16];
	__u16 sport;
	__u16 dport;
	__u8 family; /* HOP_AF_INET, HOP_AF_INET6, or 0 when unknown */
	__u8 proto;  /* IPPROTO_* */
	__u8 pad[2];
};
_Static_assert(sizeof(struct hop_tuple) == 40, "hop_tuple layout");

/* One hop of one skb. cap_len bytes of packet data follow the fixed part; the ring
 * buffer record is sizeof(struct hop_event) + the configured snap length. */
struct hop_event {
	__u64 ts_ns;	/* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u64 skb;	/* skb address: the packet's identity while it lives */
	__u64 location; /* kfree_skb/consume_skb: caller address */
	__u32 netns;	/* network namespace inode, 0 when unknown */
	__u32 ifindex;
	__u32 len;    /* skb->len */
	__u32 reason; /* kfree_skb drop reason (raw enum value) */
	__u32 cpu;
	__u32 mark;
	__u16 hook;    /* enum hop_hook */
	__u16 flags;   /* enum hop_flag */
	__u16 cap_len; /* bytes of data[] that hold packet bytes */
	__u16 pad;
	__u32 wire_len; /* length of the packet from the first captured byte on */
	__u32 pad2;
	union hop_info info;
	char ifname[HOPTRACE_IFNAMSIZ];
	char dev_kind[HOPTRACE_KINDSIZ]; /* rtnl_link_ops->kind: "veth", "bridge", ... */
	struct hop_tuple tuple;
	/* skb->head: the data buffer. A clone shares it with its original, so it names the
	 * packet across copies (raw sockets, packet sockets and multicast get clones). */
	__u64 head;
	/* kfree_skb/consume_skb: the sk_buffs sharing the data buffer at the free, this one
	 * included (skb_shinfo()->dataref); more than 1 means another copy lives on. 0: unknown. */
	__u16 copies;
	/* With HOP_F_SOCK: on sock_recv the reading socket, on sock_queue the accepting one, on
	 * kfree_skb the socket the kernel names as receiving it (the tracepoint's rx_sk, 6.11+).
	 * AF_*, SOCK_*, IPPROTO_* (0 for time-wait and request sockets, which are TCP), TCP_*
	 * state. */
	__u8 sk_family;
	__u8 sk_type;
	__u8 sk_proto;
	__u8 sk_state;
	__u8 pad3[2];
	__u8 data[];
};
_Static_assert(sizeof(struct hop_event) == 184, "hop_event layout");

#define HOP_RT_TABLE_DEFAULT 253
#define HOP_RT_TABLE_MAIN 254
#define HOP_EAGAIN 11

/* Whether a route lookup failed for good. The tracepoint sees each table: -EAGAIN means
 * "not in this table", which is final only for main (the one table tried without policy
 * rules) and default (the last one with the standard rules). Both sides judge alike. */
static inline int hop_fib_failed(__u32 table, __s32 err)
{
	if (!err)
		return 0;
	return err != -HOP_EAGAIN || table == HOP_RT_TABLE_MAIN || table == HOP_RT_TABLE_DEFAULT;
}

/* A counting filter in front of the BPF side's tracking map: how many tracked skbs hash to
 * each slot, and their total (bpf/tracking.bpf.h). The main object keeps it in its .bss;
 * the fexit object (bpf/prog_exit.bpf.c) reads it through that map, which user space
 * shares with it, so both must see this one layout. */
#define HOP_TRACK_HINT_SLOTS 65536
struct hop_track_hints {
	__u32 total;
	__u32 slots[HOP_TRACK_HINT_SLOTS];
};

/* Per-CPU counters kept by the BPF side; user space sums them at exit and while tracing. */
struct hop_stats {
	__u64 events; /* records submitted to the ring buffer */
	__u64 lost;   /* records dropped because the ring buffer was full */
};

#endif /* HOPTRACE_H */

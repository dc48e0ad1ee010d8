// SPDX-License-Identifier: GPL-2.0
/* Route lookups for traced flows (fib:fib_table_lookup, IPv4). A lookup has no skb: one
 * that follows a traced skb on the same CPU for the same destination is that skb's hop;
 * a failed one with no skb is the evidence of a send that never produced a packet. */
#include "hoptrace.bpf.h"

extern const volatile bool cfg_fib_table_is_ptr; /* older kernels pass struct fib_table * */

#define LOOPBACK_IFINDEX_NUM 1 /* the kernel's LOOPBACK_IFINDEX: what output lookups put in iif */

/* direct: the tp_btf program holds a trusted flowi4 and loads its fields plainly; raw_tp
 * reads them with probe reads. Every route lookup of the node comes through here. */
static __always_inline bool flow_tuple(struct hop_tuple *t, const struct flowi4 *flp, bool direct)
{
	__u8 proto;

	t->family = HOP_AF_INET;
	if (direct) {
		proto = flp->__fl_common.flowic_proto;
		*(__u32 *)t->saddr = flp->saddr;
		*(__u32 *)t->daddr = flp->daddr;
	} else {
		proto = BPF_CORE_READ(flp, __fl_common.flowic_proto);
		/* Explicit sizes: READ_INTO on an array would copy one element. */
		bpf_core_read(t->saddr, 4, &flp->saddr);
		bpf_core_read(t->daddr, 4, &flp->daddr);
	}
	t->proto = proto;
	if (proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == IPPROTO_SCTP) {
		t->sport = __builtin_bswap16(BPF_CORE_READ(flp, uli.ports.sport));
		t->dport = __builtin_bswap16(BPF_CORE_READ(flp, uli.ports.dport));
	}
	return true;
}

/* The namespace of the task on this CPU: the sender's, for a lookup a send makes. */
static __always_inline __u32 current_netns(void)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	return BPF_CORE_READ(task, nsproxy, net_ns, ns.inum);
}

/* Whose lookup this is: the CPU's last traced skb if it still lives (no free, no socket has
 * taken it) and goes to the same destination; *netns is then that skb's namespace. The
 * task on the CPU is unrelated to such a lookup: it runs in softirq, for a forward or for
 * an ICMP error's re-lookup of the packet in hand. A lookup with no such skb is a send's,
 * made before its skb exists: by the sending task, in its namespace, for an output lookup
 * (flowi4_iif is loopback); for an input lookup the namespace cannot be told (0). */
static __always_inline __u64 lookup_owner(const struct hop_tuple *t, const struct flowi4 *flp,
					  __u32 *netns)
{
	__u32 zero = 0, iif = BPF_CORE_READ(flp, __fl_common.flowic_iif);
	struct last_skb *last = bpf_map_lookup_elem(&last_skbs, &zero);

	if (last && last->skb && last->daddr == *(const __u32 *)t->daddr) {
		*netns = last->netns;
		return last->skb;
	}
	*netns = iif && iif != LOOPBACK_IFINDEX_NUM ? 0 : current_netns();
	return 0;
}

static __always_inline void fill_fib(struct hop_event *e, __u64 table,
				     const struct fib_nh_common *nhc, int err, __u32 netns)
{
	struct net_device *dev = nhc ? BPF_CORE_READ(nhc, nhc_dev) : NULL;

	e->info.fib.table = table;
	e->info.fib.err = err;
	if (nhc) {
		e->info.fib.gw_family = BPF_CORE_READ(nhc, nhc_gw_family);
		BPF_CORE_READ_INTO(&e->info.fib.gw, nhc, nhc_gw);
	}
	if (dev) {
		read_dev(e, dev);
	} else {
		/* No device (a failed lookup): where the lookup ran, as lookup_owner found it. */
		e->netns = netns;
		if (netns)
			e->flags |= HOP_F_NETNS_FROM_SK;
	}
}

static __always_inline int on_fib_lookup(__u64 tb, const struct flowi4 *flp,
					 const struct fib_nh_common *nhc, int err, bool direct)
{
	struct hop_tuple t __attribute__((aligned(8))) = {};
	struct hop_event *e;
	__u64 skb, table;
	__u32 netns;
	bool failed;

	if (!flp || !flow_tuple(&t, flp, direct))
		return 0;
	table = cfg_fib_table_is_ptr ? BPF_CORE_READ((struct fib_table *)tb, tb_id) : tb;
	failed = hop_fib_failed(table, err);
	/* A failing lookup for a send not yet bound to a source cannot be matched by address:
	 * pass it on (failures are rare) and let user space keep it if it came from a traced
	 * pod's namespace. */
	if (!tuple_matches(&t) && !(failed && !*(const __u32 *)t.saddr))
		return 0;
	skb = lookup_owner(&t, flp, &netns);
	if (!skb && !failed)
		return 0; /* a working lookup with no packet yet says nothing */
	e = event_reserve();
	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	e->ts_ns = bpf_ktime_get_ns();
	e->skb = skb;
	e->cpu = bpf_get_smp_processor_id();
	e->hook = HOOK_FIB;
	e->flags = HOP_F_TUPLE;
	__builtin_memcpy(&e->tuple, &t, sizeof(t));
	fill_fib(e, table, nhc, err, netns);
	event_submit(e);
	return 0;
}

SEC("tp_btf/fib_table_lookup")
int BPF_PROG(fib_lookup_tp_btf, __u64 tb, const struct flowi4 *flp)
{
	return on_fib_lookup(tb, flp, (const struct fib_nh_common *)ctx[2], (int)ctx[3], true);
}

SEC("raw_tp/fib_table_lookup")
int BPF_PROG(fib_lookup_raw_tp)
{
	return on_fib_lookup(ctx[0], (const struct flowi4 *)ctx[1],
			     (const struct fib_nh_common *)ctx[2], (int)ctx[3], false);
}

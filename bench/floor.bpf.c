// SPDX-License-Identifier: GPL-2.0
/* Two references for the benchmark.
 * bench_floor: the measuring instrument's own cost, an empty program on hoptrace's busiest
 * tracepoint. Its run_time_ns per run under the kernel's run-time accounting is what the
 * accounting itself reads (the clock reads around the program), subtracted to give a
 * program's net cost.
 * bench_floor with the bench_empty_* programs: empty programs on the six tracepoints
 * hoptrace attaches to. The pps they leave is the most any tracer on those hooks can keep,
 * whatever its programs do: the reference for the idle-path ratio.
 * bench_part_*: the price of each kind of work a matching hop does, one kind per program,
 * on the same tracepoint as bench_floor (floor --parts): their net cost per run, beside a
 * matching hop's, says where its time goes. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("tp_btf/net_dev_start_xmit")
int BPF_PROG(bench_floor)
{
	return 0;
}

#define EMPTY(name, tracepoint)          \
	SEC("tp_btf/" #tracepoint)       \
	int BPF_PROG(bench_empty_##name) \
	{                                \
		return 0;                \
	}

/* A clock read: bpf_ktime_get_ns(), which a hop takes for its time stamp. */
SEC("tp_btf/net_dev_start_xmit")
int BPF_PROG(bench_part_clock, struct sk_buff *skb)
{
	return bpf_ktime_get_ns() == 0;
}

/* One field read through a helper (bpf_probe_read_kernel), as raw_tp programs read. */
SEC("tp_btf/net_dev_start_xmit")
int BPF_PROG(bench_part_probe_read, struct sk_buff *skb)
{
	unsigned int len = 0;

	bpf_probe_read_kernel(&len, sizeof(len), &skb->len);
	return len == 0;
}

/* The same field by a plain load of the BTF-typed pointer, as tp_btf programs read. */
SEC("tp_btf/net_dev_start_xmit")
int BPF_PROG(bench_part_direct_read, struct sk_buff *skb)
{
	return skb->len == 0;
}

/* The device's name and kind, as a hop records them. */
SEC("tp_btf/net_dev_start_xmit")
int BPF_PROG(bench_part_device, struct sk_buff *skb, struct net_device *dev)
{
	char name[16], kind[16];
	const char *k;

	bpf_probe_read_kernel_str(name, sizeof(name), dev->name);
	k = dev->rtnl_link_ops ? dev->rtnl_link_ops->kind : NULL;
	if (k)
		bpf_probe_read_kernel_str(kind, sizeof(kind), k);
	return name[0] == 0;
}

/* The snap: the first 128 bytes of the packet, copied. */
SEC("tp_btf/net_dev_start_xmit")
int BPF_PROG(bench_part_snap, struct sk_buff *skb)
{
	unsigned char buf[128];

	return bpf_probe_read_kernel(buf, sizeof(buf), skb->head + skb->mac_header) != 0;
}

/* A lookup in an LRU hash of hoptrace's tracking map's size, by the skb's address: the
 * lookup every hop of a tracked skb makes. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, __u64[4]);
} part_map SEC(".maps");

SEC("tp_btf/net_dev_start_xmit")
int BPF_PROG(bench_part_lookup, struct sk_buff *skb)
{
	__u64 key = (__u64)skb;

	return bpf_map_lookup_elem(&part_map, &key) != NULL;
}

/* A record the size of a hop's (184 bytes and the default 128-byte snap) reserved in a ring
 * buffer and submitted without waking the reader, which floor --parts runs. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20);
} part_ring SEC(".maps");

SEC("tp_btf/net_dev_start_xmit")
int BPF_PROG(bench_part_ring, struct sk_buff *skb)
{
	__u64 *e = bpf_ringbuf_reserve(&part_ring, 312, 0);

	if (!e)
		return 0;
	e[0] = (__u64)skb;
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	return 0;
}

EMPTY(kfree_skb, kfree_skb)
EMPTY(consume_skb, consume_skb)
EMPTY(netif_receive, netif_receive_skb)
EMPTY(sock_recv, skb_copy_datagram_iovec)
EMPTY(fib_lookup, fib_table_lookup)

char LICENSE[] SEC("license") = "GPL";

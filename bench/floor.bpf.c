// SPDX-License-Identifier: GPL-2.0
/* Two references for the benchmark.
 * bench_floor: the measuring instrument's own cost, an empty program on hoptrace's busiest
 * tracepoint. Its run_time_ns per run under the kernel's run-time accounting is what the
 * accounting itself reads (the clock reads around the program), subtracted to give a
 * program's net cost.
 * bench_floor with the bench_empty_* programs: empty programs on the six tracepoints
 * hoptrace attaches to. The pps they leave is the most any tracer on those hooks can keep,
 * whatever its programs do: the reference for the idle-path ratio. */
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

EMPTY(kfree_skb, kfree_skb)
EMPTY(consume_skb, consume_skb)
EMPTY(netif_receive, netif_receive_skb)
EMPTY(sock_recv, skb_copy_datagram_iovec)
EMPTY(fib_lookup, fib_table_lookup)

char LICENSE[] SEC("license") = "GPL";

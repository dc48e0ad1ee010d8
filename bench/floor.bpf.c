// SPDX-License-Identifier: GPL-2.0
/* The measuring instrument's own cost: an empty program on hoptrace's busiest tracepoint.
 * Its run_time_ns per run under kernel.bpf_stats_enabled is what the accounting itself
 * reads (the clock reads around the program), subtracted to give a program's net cost. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("tp_btf/net_dev_start_xmit")
int BPF_PROG(bench_floor)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

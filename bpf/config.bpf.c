// SPDX-License-Identifier: GPL-2.0
/* The one definition of the run-time configuration and shared globals every hook program
 * declares extern (hoptrace.bpf.h); user space sets them through the skeleton's rodata. */
#include "hoptrace.bpf.h"

/* The scalars first, then the address sets: the filter of every packet reads the counts
 * and the first pod entry, which then share the first cache line. */
const volatile __u32 cfg_pod_count = 0;
const volatile __u32 cfg_peer_count = 0;
const volatile __u8 cfg_proto = 0;
const volatile __u16 cfg_port = 0;
const volatile __u32 cfg_snaplen = HOPTRACE_SNAPLEN_DEFAULT;
const volatile __u32 cfg_wakeup_backlog = 1 << 20;
const volatile bool cfg_kfree_has_reason = false;
const volatile bool cfg_consume_has_location = false;
const volatile bool cfg_kfree_has_rx_sk = false;
const volatile bool cfg_fib_table_is_ptr = false;
const volatile struct hop_cidr cfg_pod[HOPTRACE_MAX_CIDRS] = {};
const volatile struct hop_cidr cfg_peer[HOPTRACE_MAX_CIDRS] = {};

struct hop_track_hints track_hints = {};

char LICENSE[] SEC("license") = "GPL";

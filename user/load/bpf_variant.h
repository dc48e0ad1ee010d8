/* SPDX-License-Identifier: GPL-2.0 */
/* The BPF object comes in two builds of the same source (bpf/hoptrace.bpf.c): one reads
 * packet headers with bpf_rdonly_cast (Linux 6.2+), one with bpf_probe_read_kernel. */
#ifndef BPF_VARIANT_H
#define BPF_VARIANT_H

#include <stdbool.h>

struct hoptrace_bpf;

/* Opens the skeleton with the build that reads headers through bpf_rdonly_cast when
 * rdonly_cast, else with the probe-read build. NULL with errno set on failure. */
struct hoptrace_bpf *bpf_variant__open(bool rdonly_cast);

#endif /* BPF_VARIANT_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* Who dropped a packet that a BPF program or a qdisc dropped: the programs on that attach
 * point (listed once per device and direction for the whole trace, in the device's
 * namespace), the one seen returning the drop where fexit is allowed, and for qdisc drops
 * the qdisc whose drop counter rose. Part of the single judging step. */
#ifndef PIPELINE_BPF_BLAME_H
#define PIPELINE_BPF_BLAME_H

#include <stdbool.h>
#include <linux/types.h>
#include "host/bpf_attached.h"
#include "host/qdisc_stats.h"

struct netns_names;
struct bpf_blame;

/* own_ids: hoptrace's own program ids (never culprits), copied. cgroup2: the v2 mount
 * point ("" when none). NULL on ENOMEM. */
struct bpf_blame *bpf_blame__new(struct netns_names *nn, const char *cgroup2,
				 const __u32 *own_ids, int own_count);
void bpf_blame__free(struct bpf_blame *bb);

/* The program with this id as listed or described (name, tag, owner); NULL when it is
 * gone. Cached for the trace. */
const struct attached_prog *bpf_blame__prog(struct bpf_blame *bb, __u32 id);

#endif /* PIPELINE_BPF_BLAME_H */

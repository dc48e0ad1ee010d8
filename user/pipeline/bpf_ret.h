/* SPDX-License-Identifier: GPL-2.0 */
/* What a tc, tcx, XDP or cgroup-skb program's return value means, by where it ran: the
 * names a bpf_prog hop and a verdict print. */
#ifndef PIPELINE_BPF_RET_H
#define PIPELINE_BPF_RET_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "hoptrace.h"

/* The return's name: "TC_ACT_SHOT", "TC_ACT_UNSPEC" (tc and tcx: the next program, or the
 * hook's default), "XDP_DROP", "allow", "drop" (cgroup skb; "+cn" where an egress program
 * asks for congestion notification); a number for a value without one. Returns buf or a
 * constant. */
const char *bpf_ret__name(enum hop_bpf_attach attach, __s32 ret, char *buf, size_t size);

/* What the return does to the packet, in words, or NULL when the name says it: "next" for
 * TC_ACT_UNSPEC, whose meaning is "on to the next program". */
const char *bpf_ret__meaning(enum hop_bpf_attach attach, __s32 ret);

/* Whether the return drops the packet: TC_ACT_SHOT on tc and tcx (TC_ACT_STOLEN, _QUEUED
 * and _TRAP end it too, but as consumed), XDP_DROP and XDP_ABORTED, a cgroup program's
 * return without bit 0. */
bool bpf_ret__drops(enum hop_bpf_attach attach, __s32 ret);

/* tcx or cls_bpf, ingress or egress; a cgroup's inet ingress or egress. */
bool bpf_ret__is_tc(enum hop_bpf_attach attach);
bool bpf_ret__is_cgroup(enum hop_bpf_attach attach);

#endif /* PIPELINE_BPF_RET_H */

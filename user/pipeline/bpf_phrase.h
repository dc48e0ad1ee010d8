/* SPDX-License-Identifier: GPL-2.0 */
/* A BPF program's or a qdisc's drop as words, for the verdict line (text, pcapng). */
#ifndef PIPELINE_BPF_PHRASE_H
#define PIPELINE_BPF_PHRASE_H

#include <stddef.h>
#include "pipeline/bpf_blame.h"

/* "tc ingress of veth0: program 412 \"cil_from_container\" (tag 3f2a1b9c..., tcx, 2nd of
 * 2) returned TC_ACT_SHOT [cilium]", or the candidates, or why none is named. ifname: the
 * drop's device. Returns what snprintf returns. */
int bpf_phrase__verdict(const struct verdict_bpf *b, const char *ifname, char *buf, size_t size);

/* "qdisc pfifo 1: (root) of veth0: its drop counter rose by 153 since the start". */
int bpf_phrase__qdisc(const struct verdict_qdisc *q, const char *ifname, char *buf, size_t size);

/* "1st", "2nd", "3rd", "4th", ... */
const char *bpf_phrase__ordinal(int n, char *buf, size_t size);

#endif /* PIPELINE_BPF_PHRASE_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* Who dropped a packet that a BPF program or a qdisc dropped: the programs on that attach
 * point (listed once per device and direction for the whole trace, in the device's
 * namespace), the one seen returning the drop where fexit is allowed, and for qdisc drops
 * the qdisc whose drop counter rose. Part of the single judging step. */
#ifndef PIPELINE_BPF_BLAME_H
#define PIPELINE_BPF_BLAME_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "host/bpf_attached.h"
#include "host/qdisc_stats.h"

struct coverage;
struct own_progs;
struct netns_names;
struct bpf_blame;
struct packet;
struct hop;

/* A drop by a BPF program: where, which programs run there, and which one did it. */
struct verdict_bpf {
	enum hop_bpf_attach attach; /* the culprit's, else the first listed's, else the hook's */
	const struct attached_prog *progs; /* those on the attach point(s), in run order */
	int prog_count;
	const struct attached_prog *culprit; /* NULL when not known or gone */
	__u32 culprit_id; /* with how == "fexit": the program seen, even when it is gone now */
	/* "fexit": seen returning the drop; "only_program": the only one there; "candidates":
	 * several, not known which; "none": nothing is attached there now. */
	const char *how;
	int ret;	   /* what the culprit returned, with how == "fexit" */
	const char *owner; /* the culprit's, or the one all candidates share; NULL */
	char cgroup[192];  /* cgroup drops: the socket's cgroup, "" when not known */
	int err;	   /* the listing failed: -errno (progs empty) */
};

/* A drop by a qdisc: the qdisc on the device whose drop counter rose. */
struct verdict_qdisc {
	struct qdisc_stat q;
	__u64 drops_rise;
	/* "start": since the trace began; "first_read": since its device's first drop was
	 * judged (a namespace not watched from the start); "unknown": read for the first time
	 * now, the only qdisc on the device that can drop. */
	const char *rise_since;
	int err; /* the qdiscs could not be read: -errno */
};

/* own: hoptrace's own programs (never listed nor culprits), copied. cgroup2: the v2 mount
 * point ("" when none). cov: the namespaces whose qdisc counters are read now, as the
 * start. NULL on ENOMEM. */
struct bpf_blame *bpf_blame__new(struct netns_names *nn, const char *cgroup2,
				 const struct coverage *cov, const struct own_progs *own);
void bpf_blame__free(struct bpf_blame *bb);

/* The program with this id as listed or described (name, tag, owner); NULL when it is
 * gone. Cached for the trace. */
const struct attached_prog *bpf_blame__prog(struct bpf_blame *bb, __u32 id);

/* Whether a drop reason is a BPF program's (TC_INGRESS, TC_EGRESS, XDP,
 * BPF_CGROUP_EGRESS, SOCKET_FILTER) or a qdisc's (QDISC_*, CAKE_*, FQ_*). */
bool bpf_blame__is_bpf_reason(const char *reason);

/* The BPF reason a drop stands for: its own, or "XDP" for a reasonless free in generic
 * XDP's code (kernels free a generic XDP_DROP without a reason; the location says where).
 * NULL when it is no BPF program's. */
const char *bpf_blame__cause(const char *reason, const char *location);
bool bpf_blame__is_qdisc_reason(const char *reason);

/* On a kernel without drop reasons: the reason a drop stands for when fexit saw a program
 * return a drop for the skb right before it was freed ("TC_INGRESS", "TC_EGRESS",
 * "BPF_CGROUP_EGRESS", "SOCKET_FILTER"); NULL otherwise. */
const char *bpf_blame__cause_seen(const struct packet *pkt, const struct hop *drop);

/* Judges pkt's drop (hop drop, reason) by the BPF programs there. Returns false when the
 * reason is not a BPF program's. out points into bb: valid until bpf_blame__free. */
bool bpf_blame__judge(struct bpf_blame *bb, const struct packet *pkt, const struct hop *drop,
		      const char *reason, struct verdict_bpf *out);

/* Judges a qdisc drop: the qdisc of the drop's device whose drops rose most (a leaf over
 * its root). Returns false when nothing on the device rose or it could not be read (then
 * out->err says why). */
bool bpf_blame__qdisc(struct bpf_blame *bb, const struct hop *drop, struct verdict_qdisc *out);

/* How many programs of p's attach point b lists (p's "of": "2nd of 2"). */
int bpf_blame__of_point(const struct verdict_bpf *b, const struct attached_prog *p);

#endif /* PIPELINE_BPF_BLAME_H */

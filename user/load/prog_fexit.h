/* SPDX-License-Identifier: GPL-2.0 */
/* fexit on the BPF programs (not hoptrace's) that run on traced devices' tc hooks and for
 * sockets' cgroups: one instance of the fexit object (bpf/prog_exit.bpf.c) per program,
 * sharing the main object's tracking map, ring buffer and counters, so each program's
 * return for a traced skb comes in as a bpf_prog hop. */
#ifndef LOAD_PROG_FEXIT_H
#define LOAD_PROG_FEXIT_H

#include <linux/types.h>
#include "load/features.h"

struct own_progs;
struct attached_prog;
struct prog_fexit;

/* The main object's maps the fexit instances write to (their fds). */
struct prog_fexit_maps {
	int tracked_skbs;
	int events;
	int stats;
	int track_hints; /* the main object's .bss: struct hop_track_hints */
};

/* At most this many programs watched: each is a program load and a trampoline. */
#define PROG_FEXIT_MAX 64

/* Ready to watch programs, writing to maps, with the main object's ring wake-up threshold
 * (its cfg_wakeup_backlog). own: hoptrace's programs (copied), never watched. kf must outlive the result. NULL
 * on ENOMEM. */
struct prog_fexit *prog_fexit__new(const struct prog_fexit_maps *maps, __u32 wakeup_backlog,
				   const struct kernel_features *kf, const struct own_progs *own);

/* Attaches fexit to program p (p->id, p->attach, p->name: its BTF function name, p->has_btf).
 * Returns 1 when attached, 0 when skipped (fentry refused here, XDP, no BTF, the limit
 * reached; hoptrace's own or already watched), -errno when it failed; prog_fexit__reason
 * says why for the last two ("" for hoptrace's own and already watched). */
int prog_fexit__attach(struct prog_fexit *pf, const struct attached_prog *p);

/* Why the last prog_fexit__attach skipped or failed: a short phrase, or "". */
const char *prog_fexit__reason(const struct prog_fexit *pf);

/* Programs watched now. */
int prog_fexit__count(const struct prog_fexit *pf);

/* The id of the i-th program watched (0 <= i < prog_fexit__count). */
__u32 prog_fexit__id(const struct prog_fexit *pf, int i);

/* Detaches and unloads every instance; NULL is allowed. */
void prog_fexit__free(struct prog_fexit *pf);

#endif /* LOAD_PROG_FEXIT_H */

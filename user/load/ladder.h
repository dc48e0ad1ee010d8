/* SPDX-License-Identifier: GPL-2.0 */
/* The attach ladder: per logical hook, the ways it can attach, best first. The plan picks
 * the first way this kernel allows and says why it passed over the others. */
#ifndef ATTACH_H
#define ATTACH_H

#include <stdbool.h>
#include <stdio.h>
#include "load/features.h"

struct bpf_object;

struct attach_way {
	const char *hook;   /* logical hook, e.g. "kfree_skb" */
	const char *method; /* "tp_btf", "raw_tp", "tracepoint" */
	const char *prog;   /* BPF program name: <hook>_<method>, or a prefix when multi */
	bool multi;	    /* several programs (netfilter observers) share the prefix prog */
	const char *target; /* tracepoint "category/name" */
	/* NULL when usable here, else why not. */
	const char *(*unusable)(const struct kernel_features *kf, const struct attach_way *way);
};

#define ATTACH_MAX_HOOKS 16

struct attach_choice {
	const char *hook;
	const struct attach_way *way; /* NULL: no way on this kernel */
	char rejected[384];	      /* "method: why; ..." for each way passed over */
	char attach_error[128];	      /* set when the chosen way failed to attach */
};

struct attach_plan {
	struct attach_choice hooks[ATTACH_MAX_HOOKS];
	int count;
};

/* Chooses a way per logical hook for this kernel. */
void attach_plan__build(struct attach_plan *plan, const struct kernel_features *kf);

/* Turns autoload on for the chosen programs and off for every other program in obj. */
int attach_plan__apply(const struct attach_plan *plan, struct bpf_object *obj);

/* The plan and the kernel features, as text lines or one JSON object. */
void attach_plan__print(const struct attach_plan *plan, const struct kernel_features *kf, FILE *f,
			bool json);

#endif /* ATTACH_H */

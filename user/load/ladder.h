/* SPDX-License-Identifier: GPL-2.0 */
/* The attach ladder: per logical hook (the hook table's rows), the ways it can attach, best
 * first. Each method (tp_btf, raw_tp, tracepoint, nf_link, cgroup_skb, fentry, fexit,
 * kprobe) knows why it cannot be used here and how it attaches. The plan picks the first
 * way this kernel allows and says why it passed over the others. */
#ifndef LOAD_LADDER_H
#define LOAD_LADDER_H

#include <stdbool.h>
#include <stdio.h>
#include "load/features.h"
#include "pipeline/hooks.h"

struct bpf_object;
struct bpf_link;
struct nf_links;
struct prog_watch;

#define ATTACH_MAX_LINKS 16

/* What attaching made, so that it can be undone. */
struct attach_state {
	/* The objects holding the loaded programs (load/tracer.c loads them in one or two);
	 * the first has the netfilter observers. */
	struct bpf_object *objs[2];
	const char *const *netns_paths; /* where per-namespace hooks (netfilter links) go */
	int netns_count;
	const char *cgroup_root; /* where the socket-delivery hook goes (cgroup v2 root) */
	struct bpf_link *links[ATTACH_MAX_LINKS];
	int link_count;
	struct nf_links *nf; /* netfilter observer links, in every covered namespace */
	/* The bpf_prog hook's programs (fexit on other BPF programs): what to watch, and the
	 * watching; freed with the rest. */
	struct prog_watch *watch;
};

struct attach_method {
	const char *name;
	bool prog_family; /* the way's prog is the prefix of several programs */
	/* NULL when usable here, else why not. */
	const char *(*unusable)(const struct kernel_features *kf, const struct hook_way *way);
	/* Attaches the way's programs; 0 or -errno. */
	int (*attach)(struct attach_state *st, const struct hook_way *way);
};

struct attach_choice {
	const struct hook_row *row;	    /* the logical hook */
	const char *hook;		    /* the row's logical name */
	const struct hook_way *way;	    /* NULL: no way on this kernel */
	const struct attach_method *method; /* how the chosen way probes and attaches */
	char rejected[384];		    /* "method: why; ..." for each way passed over */
	char attach_error[128];		    /* set when the chosen way failed to attach */
};

struct attach_plan {
	struct attach_choice hooks[HOOK__COUNT];
	int count;
};

/* Chooses a way per logical hook for this kernel. */
void attach_plan__build(struct attach_plan *plan, const struct kernel_features *kf);

/* Turns autoload on for the chosen programs and off for every other program in obj. */
int attach_plan__apply(const struct attach_plan *plan, struct bpf_object *obj);

/* Attaches every chosen way; a hook that fails is recorded in its choice and skipped.
 * Returns the number of hooks attached. */
int attach_plan__attach(struct attach_plan *plan, struct attach_state *st);

/* Undoes everything st holds. */
void attach_state__detach(struct attach_state *st);

/* The plan and the kernel features, as text lines or one JSON object. */
void attach_plan__print(const struct attach_plan *plan, const struct kernel_features *kf, FILE *f,
			bool json);

#endif /* LOAD_LADDER_H */

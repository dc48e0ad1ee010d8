/* SPDX-License-Identifier: GPL-2.0 */
/* What each logical hook means, one row per hook, indexed by enum hop_hook: its name, the
 * name its hops carry, its default layer, whether it ends the skb's life and with which
 * fate, its pcapng direction, how its details print, and its ways to attach (best first).
 * Adding a hook is its BPF handler, its enum value and one row here. */
#ifndef PIPELINE_HOOKS_H
#define PIPELINE_HOOKS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "hoptrace.h"
#include "pipeline/timeline.h"

struct enrich;
struct hop_view;
struct json_writer;

enum hook_direction {
	HOOK_DIR_NONE, /* not a device crossing */
	HOOK_DIR_IN,   /* entering a device */
	HOOK_DIR_OUT,  /* leaving through a device */
};

/* One way to attach a hook. The method names a rung of the loader's ladder, which knows
 * how to probe for it and how to attach it (load/ladder.c). */
struct hook_way {
	const char *method; /* "tp_btf", "raw_tp", "nf_link", "cgroup_skb", "fexit", ... */
	const char *prog;   /* BPF program: <hook>_<method>, or the prefix of a numbered family */
	const char *target; /* tracepoint "category/name", or kernel function */
	/* fentry/fexit on a function that may be in a module: the module whose BTF has it
	 * when the kernel does not have it built in (/sys/kernel/btf/<module>); NULL: none. */
	const char *module;
};

#define HOOK_MAX_WAYS 3

struct hook_row {
	const char *name;     /* the logical hook, as `hoptrace hooks` lists it */
	const char *hop_name; /* what its hops are called in the timeline */
	/* A more telling name for some of its hops (a transmit into a veth: "veth_xmit"), and
	 * the test that picks it; NULL: none. */
	const char *hop_alias;
	bool (*alias_applies)(const struct hop_event *ev);
	const char *layer;   /* when neither a pod namespace nor the device kind says more */
	bool layer_fixed;    /* the layer holds whatever the device (a node's own step) */
	enum fate ends_life; /* FATE_UNKNOWN: the skb lives on after this hop */
	bool delivers;	     /* a socket took the packet here: delivered, whatever follows unseen */
	/* A report about the skb from beside its path (a BPF program's return), no sighting of
	 * the packet: no bytes, no tuple. It opens no packet, ends none, never tells an skb
	 * address reused, and a socket's taking stays the end of the skb it follows. */
	bool annotates;
	/* A refinement of what other hooks already say (ct_confirm: the netfilter observers
	 * place an insert failure by position; this sees it): not having it is no warning. */
	bool optional;
	enum hook_direction direction;
	/* The hop's particulars: a short phrase for text and pcapng comments, and members of
	 * the hop's JSON object. NULL: none. */
	void (*text_details)(struct enrich *en, const struct hop_view *v, char *buf, size_t size);
	void (*json_details)(struct enrich *en, const struct hop_view *v, struct json_writer *w);
	struct hook_way ways[HOOK_MAX_WAYS];
};

/* The row of hook, or NULL for a value no row has (HOOK_NONE, a newer binary's record). */
const struct hook_row *hook__row(unsigned int hook);

/* The name of ev's hop ("unknown" for a hook without a row). */
const char *hook__hop_name(const struct hop_event *ev);

#endif /* PIPELINE_HOOKS_H */

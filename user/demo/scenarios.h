/* SPDX-License-Identifier: GPL-2.0 */
/* The demo's scenarios as data: the fault (a script), the client traffic, the verdict
 * hoptrace must reach, and what to tell the user about it. */
#ifndef DEMO_SCENARIO_H
#define DEMO_SCENARIO_H

#include <stdbool.h>
#include "demo/traffic.h"

/* The verdict a scenario must produce for the client's packet (fields of struct verdict;
 * NULL: not checked). */
struct demo_expect {
	const char *fate;      /* "dropped", "delivered", ... as fate__name() spells them */
	const char *reason;    /* drop reason, e.g. "NETFILTER_DROP" */
	const char *netns;     /* the namespace's role in the cluster, e.g. "node2" */
	const char *layer;     /* "pod", "node", "overlay", "kernel", ... */
	const char *nf_family; /* with nf_hook and nf_table: the drop was netfilter's */
	const char *nf_hook;   /* or several, "A|B": any of them */
	const char *nf_table;
	const char *nf_chain; /* the chain of the rule that dropped it, as the rule trace names */
	bool ct_table_full;   /* the verdict must say conntrack was full */
	bool ct_insert_fail;  /* ...that conntrack refused the entry at confirm */
	const char *bpf_prog; /* the BPF program the verdict names as culprit or candidate */
	/* The `hoptrace check` item that must fail and explain the drop; "none": no item may
	 * fail; NULL: not checked. */
	const char *check_item;
};

/* A CNI's policy program on a node's device (demo/cni_dropper.h), dropping the client's
 * packets to the probe's address. */
struct demo_cni_bpf {
	const char *node; /* the node's role, "node1"; NULL: none */
	const char *dev;  /* the device in it, on whose ingress the program sits */
};

struct demo_scenario {
	const char *name;
	const char *title;	 /* the fault, in a line */
	const char *breakage;	 /* what the set-up breaks, for the user */
	const char *script;	 /* the breakage, run with the cluster's shell helpers; or NULL */
	const char *traffic;	 /* what the client does, for the user */
	struct demo_probe probe; /* .netns holds the sending pod's role */
	bool fill_conntrack;	 /* fill the table and lower the maximum around the probe */
	bool rules;		 /* trace the rules (--rules): the verdict names the rule */
	struct demo_cni_bpf cni_bpf;
	struct demo_expect expect;
	const char *explain; /* what the timeline shows and why */
	const char *fix;     /* the usual fix, or NULL */
};

/* Every scenario, the one `hoptrace demo` runs without argument first; ends with a row
 * whose name is NULL. */
extern const struct demo_scenario demo_scenarios[];

/* The scenario called name, or NULL. */
const struct demo_scenario *demo_scenario__find(const char *name);

/* Says on stderr, as prog ("hoptrace demo"), that no scenario is called name, with the
 * nearest name when it looks like a typo of one. */
void demo_scenario__report_unknown(const char *prog, const char *name);

#endif /* DEMO_SCENARIO_H */

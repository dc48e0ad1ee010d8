/* SPDX-License-Identifier: GPL-2.0 */
/* Running one scenario: build the cluster, break it, trace the client's traffic, keep
 * the verdict of the client's packet, tear everything down. Shared by demo and selftest. */
#ifndef DEMO_RUN_H
#define DEMO_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include "demo/cluster.h"
#include "demo/traffic.h"
#include "demo/scenarios.h"

/* The verdict of the client's packet, copied out of the trace. */
struct demo_found {
	bool seen; /* a packet of the client's flow was traced */
	char fate[16];
	char reason[96];
	char netns[64];
	char ifname[16];
	char layer[16];
	char location[128];
	bool nf;
	char nf_family[16];
	char nf_hook[24];
	char nf_table[32];
	char nf_chain[64]; /* the chain of the rule that dropped it, "" when none was named */
	char nf_rule[640]; /* that rule as the verdict says it (verdict__rule_phrase) */
	bool ct_table_full;
	bool ct_insert_fail;
	char ct_insert_by[8]; /* how: "fexit", "range", "counter" (verdict.h) */
	char bpf_prog[64];    /* the BPF program named (culprit, else the first candidate) */
	char bpf_how[16];     /* "fexit", "only_program", "candidates", "none" */
	char bpf_phrase[512]; /* the verdict's words for it (bpf_phrase__verdict) */
	int hops;
	int score; /* how telling this packet is: a drop beats a delivery beats an unknown */
};

/* What `hoptrace check` said of the broken cluster, for the client's path. */
struct demo_check {
	bool ran;
	int fails;
	char explains[32]; /* the failed item that explains the verdict's drop, "" for none */
	char line[512];	   /* that line ("fail ITEM (WHERE): FACT"), else the first failed one */
};

struct demo_result {
	struct demo_found found;
	enum probe_result probe;
	char probe_text[160]; /* what the client saw */
	int trace_status;     /* the trace's exit status */
	struct demo_check check;
};

/* Makes the scenario's trace write a bundle (--bundle) to path, with its path check; NULL:
 * none. */
void demo_run__set_bundle(const char *path);

/* Installs the demo's SIGINT/SIGTERM/SIGHUP handler (Ctrl-C tears down, then exits). */
void demo_run__signals(void);

/* Runs sc on c (whose run lock the caller holds) and tears the cluster down again.
 * show: print the text timeline of the run's packets on stdout. Returns 0 when the trace
 * ran (whatever it found), -1 when the cluster or the trace could not run (reason on
 * stderr), or 128+signal when interrupted. */
int demo_run__scenario(struct demo_cluster *c, const struct demo_scenario *sc, bool show,
		       struct demo_result *res);

/* Whether found is what sc expects; when not, why lists the fields that differ. */
bool demo_run__check(const struct demo_cluster *c, const struct demo_scenario *sc,
		     const struct demo_found *found, char *why, size_t size);

/* Whether `hoptrace check` of the broken cluster names what sc expects (expect.check_item);
 * when not, appends why. */
bool demo_run__check_check(const struct demo_scenario *sc, const struct demo_result *res, char *why,
			   size_t size);

/* One line for an expectation or a finding: "dropped NETFILTER_DROP in node2, layer
 * node, netfilter ipv4 FORWARD filter". Namespaces show as roles without the prefix. */
const char *demo_run__format_expect(const struct demo_expect *e, char *buf, size_t size);
const char *demo_run__format_found(const struct demo_cluster *c, const struct demo_found *f,
				   char *buf, size_t size);

#endif /* DEMO_RUN_H */

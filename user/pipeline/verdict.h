/* SPDX-License-Identifier: GPL-2.0 */
/* Judging a finished packet: its fate and, for a drop, who dropped it, where and why.
 * Every sink (text, JSON, pcapng) and the selftest read the same verdict. */
#ifndef VERDICT_H
#define VERDICT_H

#include <stdbool.h>
#include <linux/types.h>
#include "pipeline/enrich.h"
#include "pipeline/bpf_blame.h"
#include "pipeline/rule_trail.h"
#include "pipeline/sock_phrase.h"
#include "pipeline/timeline.h"

#define VERDICT_MAX_CANDIDATES 3

struct verdict {
	enum fate fate;
	const struct hop *last; /* the hop that ended the packet's life (or the last seen) */
	const char *reason;	/* drop reason name, NULL when the kernel gave none */
	char reason_buf[96];
	char location[128]; /* "symbol+0xoff", empty when unknown */
	__u32 netns;
	const char *netns_name; /* NULL when unnamed */
	char netns_label[320];	/* the pod's ns/name, the name, "netns:<inode>", or "-" */
	const struct pod *pod;	/* the Kubernetes pod of that namespace, or NULL */
	const char *ifname;	/* NULL when the drop had no device */
	const char *layer;
	/* Netfilter attribution, when the drop happened inside a netfilter hook. */
	bool nf;
	const char *nf_family; /* "ipv4", "ipv6", "netdev" */
	const char *nf_hook;   /* "PREROUTING", ..., or "ingress"/"egress" for netdev */
	bool nf_inferred;      /* no observer saw the hook: inferred from the hops around */
	const char *nf_table;  /* "filter", "nat (dst)", "conntrack", ... */
	int nf_priority;       /* the standard priority of that table */
	char nf_chains[256]; /* what the kernel lists in that range, "nft ip filter FORWARD (0)" */
	bool ct_insert_fail; /* the conntrack confirm step refused the entry */
	/* How that is known: "fexit" (__nf_conntrack_confirm seen returning NF_DROP),
	 * "range" (after the hook's last observer, where only confirm runs), "counter" (no
	 * table known, but insert_failed rose in that namespace, in a hook confirm ends). */
	const char *ct_insert_by;
	bool ct_table_full; /* conntrack was at its maximum while this was dropped */
	/* ...inferred: no table known (no observers between tables), conntrack's statistics
	 * say it dropped for want of room in that namespace */
	bool ct_table_full_likely;
	bool tunnel; /* the packet was inside a tunnel when it ended */
	/* no_route: the failed lookup */
	int route_err;
	__u32 route_table;
	/* A netfilter drop in a namespace without netfilter observers: no hook or table can be
	 * named, and nf_hint says how to trace it so they are. */
	bool nf_unobserved;
	char nf_hint[720];
	/* The rule (or base chain policy) that dropped it, as the rule trace saw it; NULL
	 * when no trace named one (pipeline/rule_trail.h). */
	const struct rule_hit *nf_rule;
	/* Else, by the rules' counters: the drop rules whose counters rose there, most first
	 * (nf_cand_total: how many there were). */
	struct rule_hit nf_cands[VERDICT_MAX_CANDIDATES];
	int nf_cand_count;
	int nf_cand_total;
	/* A BPF program's drop (tc, tcx, generic XDP, cgroup skb): the programs there and
	 * the culprit where known; a qdisc's drop: the qdisc whose counter rose. */
	bool has_bpf;
	struct verdict_bpf bpf;
	bool has_qdisc;
	struct verdict_qdisc qdisc;
	/* A drop at a socket: its owner and what was full (sock.kind NONE otherwise). */
	struct verdict_socket sock;
};

struct hop_view;

/* Judges pkt from its hop views (hopview__build). The result points into pkt, views and
 * en; use it before they go away. */
void verdict__judge(struct enrich *en, const struct packet *pkt, const struct hop_view *views,
		    int view_count, struct verdict *v);

/* A free that is not the packet's fate (hop->note set): "copy_freed" or
 * "freed_after_processing" for JSON, NULL for no note. */
const char *verdict__note_kind(enum hop_note note);

/* The note as one sentence: what was freed where, and why it is not the fate. */
void verdict__note(struct enrich *en, const struct hop *h, char *buf, size_t size);

/* The rule as one phrase: "chain KUBE-FORWARD rule #3 (handle 12) \"...\" via FORWARD ->
 * KUBE-FORWARD [kube-proxy]". */
void verdict__rule_phrase(const struct rule_hit *hit, char *buf, size_t size);

/* One line for the verdict, as the text timeline and pcapng comments print it. */
void verdict__describe(const struct verdict *v, char *buf, size_t size);

#endif /* VERDICT_H */

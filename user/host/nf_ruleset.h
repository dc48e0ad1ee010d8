/* SPDX-License-Identifier: GPL-2.0 */
/* A network namespace's packet-filtering rules, read once: every nf_tables rule (native
 * nftables and iptables-nft) with its handle, position, verdict, comment, counter and
 * text, and every iptables-legacy rule with its number, target, counter and text; the
 * chains with their hooks, priorities, policies and policy counters. Rule attribution
 * reads the rule a trace message names from here, and, without tracing, compares two
 * snapshots' counters to find the rules that dropped. */
#ifndef HOST_NF_RULESET_H
#define HOST_NF_RULESET_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#define NF_RULESET_NAME 64
#define NF_RULESET_TEXT 320

struct nf_rule {
	char family[8]; /* table family: "ip", "ip6", "inet", "bridge", "netdev", "arp" */
	char table[NF_RULESET_NAME];
	char chain[NF_RULESET_NAME];
	__u64 handle; /* nf_tables handle; 0 for iptables-legacy */
	int index;    /* position in its chain, from 1 (iptables' rule number) */
	/* The rule as its owner wrote it: the iptables form for a table of iptables (legacy,
	 * or iptables-nft where iptables-nft-save recovers it), else nft's. */
	char text[NF_RULESET_TEXT];
	char comment[128];
	char verdict[16];	      /* "drop", "reject", "accept", "jump", "goto", "return",
					 * "queue", other targets by name (lowercase), "" none */
	char target[NF_RULESET_NAME]; /* the chain a jump or goto enters */
	bool has_counter;
	__u64 packets, bytes;
	bool legacy; /* iptables-legacy (x_tables), not nf_tables */
};

struct nf_chain {
	char family[8];
	char table[NF_RULESET_NAME];
	char chain[NF_RULESET_NAME];
	bool base;	  /* attached to a hook */
	int hook;	  /* NF_INET_* (0 PREROUTING .. 4 POSTROUTING), -1 for others or none */
	int priority;	  /* base chains; legacy tables get their table's standard priority */
	char policy[8];	  /* "accept", "drop", "" for a regular chain */
	bool has_counter; /* the policy's counter (legacy and iptables-nft base chains) */
	__u64 packets;	  /* packets the policy decided */
	bool legacy;
};

struct nf_ruleset {
	struct nf_rule *rules;
	int rule_count;
	struct nf_chain *chains;
	int chain_count;
	/* What could not be read, one phrase per part ("iptables-legacy-save: not found"),
	 * "" when everything was. */
	char errors[256];
};

/* Reads the rules of the namespace at netns_path (a /run/netns file or /proc/PID/ns/net;
 * NULL: the caller's own). A backend that has no tables there contributes nothing; one
 * that cannot be read is noted in rs->errors. Returns 0, or -errno when the namespace
 * cannot be entered (rs is then empty). */
int nf_ruleset__read(const char *netns_path, struct nf_ruleset *rs);

void nf_ruleset__free(struct nf_ruleset *rs);

/* The nf_tables rule with this handle in family/table/chain, or NULL. */
const struct nf_rule *nf_ruleset__by_handle(const struct nf_ruleset *rs, const char *family,
					    const char *table, const char *chain, __u64 handle);

/* The rule at index (from 1) of a chain; legacy picks the backend. NULL when none. */
const struct nf_rule *nf_ruleset__by_index(const struct nf_ruleset *rs, bool legacy,
					   const char *family, const char *table, const char *chain,
					   int index);

const struct nf_chain *nf_ruleset__chain(const struct nf_ruleset *rs, bool legacy,
					 const char *family, const char *table, const char *chain);

/* A rule (or a base chain's policy: rule NULL) whose counter rose between two snapshots
 * and whose verdict drops. */
struct nf_candidate {
	const struct nf_rule *rule;   /* in the later snapshot; NULL: the chain's policy */
	const struct nf_chain *chain; /* in the later snapshot */
	__u64 rise;		      /* packets counted between the snapshots */
	char path[256];		      /* base chain -> ... -> chain, "FORWARD -> KUBE-FORWARD" */
};

/* The rules that may have dropped a packet of family pf (2 ipv4, 10 ipv6) at hook
 * (NF_INET_*) in the priority range [from, to): drop/reject rules, and drop policies,
 * reachable from base chains of that hook and range (through jumps and gotos), whose
 * counters rose from before to after. Writes up to max, most risen first; returns how many
 * there were in all. */
int nf_ruleset__drop_candidates(const struct nf_ruleset *before, const struct nf_ruleset *after,
				__u8 pf, int hook, int from, int to, struct nf_candidate *out,
				int max);

/* Who writes chains of this name, by the conventions of Kubernetes network plugins:
 * "kube-proxy" (KUBE-*), "kube-router" (KUBE-NWPLCY-*, KUBE-ROUTER-*, KUBE-POD-FW-*),
 * "calico" (cali-*), "cilium" (CILIUM_*), "flannel" (FLANNEL-*), "antrea" (ANTREA-*), or
 * NULL. */
const char *nf_chain__owner(const char *chain);

#endif /* HOST_NF_RULESET_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* Naming the facts the kernel recorded: hook names, layers, drop reasons, code locations,
 * namespace names and wall-clock times. Every sink asks here, so they all agree. */
#ifndef ENRICH_H
#define ENRICH_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "hoptrace.h"

struct kallsyms;
struct drop_reasons;
struct netns_names;
struct podns;
struct ctstat;
struct chain_names;
struct rule_trail;
struct bpf_blame;
struct pod_list;
struct pod;
struct btf;
struct sock_owners;

struct check_report;

struct enrich {
	struct kallsyms *ksyms;	      /* NULL: locations print as addresses */
	struct drop_reasons *reasons; /* NULL: this kernel passes no drop reason */
	struct netns_names *netns;    /* NULL: namespaces print as inodes */
	struct podns *pods;	      /* NULL: no namespace is known to be a pod */
	struct ctstat *ct;	      /* NULL: conntrack statistics not read */
	struct chain_names *chains;   /* what sits in a netfilter range, asked once per range */
	struct rule_trail *rules;     /* rule decisions and rulesets; NULL: rules not named */
	struct bpf_blame *bpf;	      /* BPF programs and qdiscs at drops; NULL: not named */
	/* The Kubernetes pods of this node (host/pods.h): their namespaces read as
	 * "namespace/name". NULL: none known. */
	const struct pod_list *kube_pods;
	/* Socket inode -> owning process, for drops at a socket (host/sock_owner.h); NULL:
	 * owners not named. */
	struct sock_owners *sock_owners;
	/* --check: the layer-by-layer check of the traced pod's path, done at start (check/),
	 * whose failed items explain drops. NULL: not run. */
	struct check_report *check;
	__s64 mono_to_wall_ns; /* CLOCK_REALTIME - CLOCK_MONOTONIC at start */
	/* The namespaces with netfilter observers when those are per namespace (BPF netfilter
	 * links); NULL when the netfilter hook sees every namespace, or none. */
	const __u32 *nf_netns;
	int nf_netns_count;
};

/* Loads what naming needs; a part that cannot load leaves its pointer NULL (the output
 * then shows raw values), so this does not fail. */
void enrich__init(struct enrich *en, const struct btf *btf, const struct hop_cidr *pods,
		  int pod_count);
void enrich__free(struct enrich *en);

/* "pod", "veth", "bridge", "overlay", "node" or "kernel": the part of the path the hop
 * belongs to, in the order operators check them. */
const char *enrich__layer(struct enrich *en, const struct hop_event *ev);

/* Whether nftables itself freed the packet (nft_do_chain frees its drops since 6.x): a
 * rule's drop, never conntrack's. */
bool enrich__is_nftables_drop(const struct enrich *en, const struct hop_event *ev);

/* The layer a device kind belongs to ("bridge", "overlay", "veth"), or NULL. */
const char *enrich__device_layer(const char *dev_kind);

/* Whether a device of this kind (rtnl_link_ops->kind) is a tunnel: "vxlan", "geneve". */
bool enrich__is_tunnel_kind(const char *dev_kind);

/* Whether a kfree_skb hop is a netfilter drop: by its reason, or on kernels without reasons
 * by its location in nf_hook_slow. */
bool enrich__is_netfilter_drop(const struct enrich *en, const struct hop_event *ev);

/* The drop reason's name, or NULL when the hop carries none. */
const char *enrich__reason(const struct enrich *en, const struct hop_event *ev, char *buf,
			   size_t size);

/* Whether netfilter hops in this namespace are seen: false only where observers are linked
 * per namespace and this one has none (a --netns not given). */
bool enrich__nf_observed(const struct enrich *en, __u32 netns);

/* "symbol+0xoff" for the hop's location, or NULL when it has none. */
const char *enrich__location(const struct enrich *en, const struct hop_event *ev, char *buf,
			     size_t size);

struct drop_site;

/* A drop site's reason and location, named as a drop hop's would be (each NULL when the
 * site has none). */
void enrich__drop_site(const struct enrich *en, const struct drop_site *site, char *reason,
		       size_t reason_size, const char **r, char *loc, size_t loc_size,
		       const char **l);

/* The namespace's name, or NULL when none is known. */
const char *enrich__netns(struct enrich *en, __u32 inode);

/* The Kubernetes pod whose network namespace this is, or NULL. */
const struct pod *enrich__pod(const struct enrich *en, __u32 inode);

/* The pod's "namespace/name", else the namespace's name, else "netns:<inode>", else "-"
 * when the hop had none: what every output prints for a namespace. Returns buf or a
 * constant. */
const char *enrich__netns_label(struct enrich *en, __u32 inode, char *buf, size_t size);

__u64 enrich__wall_ns(const struct enrich *en, __u64 mono_ns);

#endif /* ENRICH_H */

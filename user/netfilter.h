/* SPDX-License-Identifier: GPL-2.0 */
/* Netfilter observation: where the observer programs sit (positions between the standard
 * table priorities), the names of families, hooks and tables, and the BPF netfilter links
 * created in each covered network namespace. */
#ifndef NETFILTER_H
#define NETFILTER_H

#include <stdbool.h>
#include <linux/types.h>

struct bpf_object;

/* Not in libbpf 1.1's headers: BPF netfilter programs and links arrived in Linux 6.4
 * (84601d6ee68a). */
#define HOP_BPF_PROG_TYPE_NETFILTER 32
#define HOP_BPF_NETFILTER 45

/* The range after observation position pos: the table whose standard priority lies there. */
struct nf_range {
	const char *table; /* "raw", "conntrack", "mangle", "nat (dst)", "filter", ... */
	int priority;	   /* that table's standard priority */
	int from, to;	   /* observer priorities bounding the range: [from, to) */
};

/* The range after pos in hook (NF_INET_*), or NULL for an unknown pair. */
const struct nf_range *netfilter__range(__u8 hook, __u8 pos);

/* The priorities around the range after pos in hook: the observer at pos and the next one
 * the hook has (INT_MAX after the last). False for an unknown pair. */
bool netfilter__range_bounds(__u8 hook, __u8 pos, int *from, int *to);

/* "PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING" or "?". */
const char *netfilter__hook_name(__u8 hook);

/* "ipv4", "ipv6" or "?". */
const char *netfilter__family_name(__u8 pf);

/* Sets the program type of every nf_observe_* program in obj (libbpf 1.1 does not know
 * SEC("netfilter")). */
int netfilter__prepare(struct bpf_object *obj);

struct nf_links;

/* Creates the observer links in each namespace file given (e.g. /proc/self/ns/net,
 * /run/netns/node1), IPv4 and IPv6. On failure closes what it made and returns NULL with
 * one line on stderr. */
struct nf_links *netfilter__attach(struct bpf_object *obj, const char *const *netns_paths,
				   int count);

/* Number of links and of namespaces covered. */
int netfilter__link_count(const struct nf_links *links);
int netfilter__netns_count(const struct nf_links *links);

/* Closes every link: the observers leave the hooks. */
void netfilter__detach(struct nf_links *links);

#endif /* NETFILTER_H */

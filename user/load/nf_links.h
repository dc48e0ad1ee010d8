/* SPDX-License-Identifier: GPL-2.0 */
/* BPF netfilter links: the observer programs linked at their positions in every hook, for
 * IPv4 and IPv6, in each covered network namespace. */
#ifndef LOAD_NF_LINKS_H
#define LOAD_NF_LINKS_H

struct bpf_object;

/* Not in libbpf 1.1's headers: BPF netfilter programs and links arrived in Linux 6.4
 * (84601d6ee68a). */
#define HOP_BPF_PROG_TYPE_NETFILTER 32
#define HOP_BPF_NETFILTER 45

/* Sets the program type of every observer program in obj (libbpf 1.1 does not know
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

#endif /* LOAD_NF_LINKS_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* A packet's hops as a person reads them: the hops the kernel recorded, each with what
 * follows from its neighbours (a netfilter hook's verdict and table, an address change by
 * NAT, a tunnel put on or taken off), plus the synthetic hops nat, vxlan_encap and
 * vxlan_decap where those changes happened. Every sink and the verdict read these. */
#ifndef HOPVIEW_H
#define HOPVIEW_H

#include <stdbool.h>
#include "pipeline/enrich.h"
#include "pipeline/headers.h"
#include "pipeline/icmp.h"
#include "pipeline/nf_ranges.h"
#include "pipeline/rule_trail.h"
#include "pipeline/timeline.h"

enum hop_view_kind {
	HOP_VIEW_KERNEL, /* a hop the kernel recorded */
	/* the tuple changed between the previous hop and this one (or an ICMP error's quote) */
	HOP_VIEW_NAT,
	HOP_VIEW_TUNNEL_ENCAP, /* from here on the packet is inside a tunnel */
	HOP_VIEW_TUNNEL_DECAP, /* from here on it is not */
	HOP_VIEW_RULE,	       /* a netfilter rule decided (pipeline/rule_trail.h) */
};

struct hop_view {
	enum hop_view_kind kind;
	const struct hop *hop; /* the kernel's hop (for a synthetic one: the hop it precedes) */
	const char *name;      /* "veth_xmit", "nf_hook", "nat", "vxlan_encap", ... */
	const char *layer;
	/* nf_hook hops */
	bool nf;
	const char *nf_family;
	const char *nf_hook;
	bool nf_dropped;		 /* the packet died inside this hook, by netfilter */
	const struct nf_range *nf_range; /* who dropped it, when nf_dropped */
	bool nf_ct_refused; /* conntrack was seen refusing the entry at confirm (fexit) */
	/* nat hops */
	struct hop_tuple before, after;
	const char *nat_kind; /* "dnat", "snat", "dnat+snat", "icmp_reverse" */
	/* icmp_reverse: the header the ICMP error quotes, before and after (else family 0) */
	struct hop_tuple quoted_before, quoted_after;
	/* nf_rule hops: the rule, its chain and what it decided */
	const struct rule_hit *rule;
	/* hops inside (or entering/leaving) a tunnel */
	bool tunnel;
	struct tunnel_info tun;
};

/* The names of the synthetic hops ("nat", "vxlan_encap", ...), NULL-terminated. */
extern const char *const hopview__synthetic_names[];

/* Builds the views of pkt's hops into a new array (free() it); returns the count, or -1
 * on ENOMEM. */
int hopview__build(struct enrich *en, const struct packet *pkt, struct hop_view **views);

/* The same, with the rules the packet met (rule_trail__collect) as nf_rule hops, each
 * after the hop it names; the views point into hits. */
int hopview__build_with_rules(struct enrich *en, const struct packet *pkt,
			      const struct rule_hit *hits, int hit_count, struct hop_view **views);

/* An nf_rule hop's particulars: "ip filter KUBE-FORWARD rule #3 (handle 12): drop
 * \"-m conntrack ...\"". */
void hopview__rule_details(const struct rule_hit *hit, char *buf, size_t size);

/* The hop's particulars as one short phrase: the netfilter verdict and table, NAT before ->
 * after, the tunnel and VNI, the route chosen, the drop reason and location. */
void hopview__details(struct enrich *en, const struct hop_view *v, char *buf, size_t size);

/* "proto src:port -> dst:port" (brackets around IPv6 addresses). */
void hopview__format_tuple(const struct hop_tuple *t, char *buf, size_t size);

#endif /* HOPVIEW_H */

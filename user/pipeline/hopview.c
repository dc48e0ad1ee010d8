// SPDX-License-Identifier: GPL-2.0
/* Hop views: what a hop means in the light of the hops around it. Computed per finished
 * packet, in user space, from facts the BPF side recorded. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/addr.h"
#include "pipeline/hooks.h"
#include "pipeline/chain_names.h"
#include "pipeline/hopview.h"

/* The tuple a hop's packet has for its pod: the inner one inside a tunnel. False when the
 * hop has none. */
static bool pod_tuple(const struct hop *hop, struct hop_tuple *t)
{
	struct tunnel_info ti;

	if (headers__tunnel(&hop->ev, hop->data, &ti)) {
		*t = ti.inner;
		return true;
	}
	if (!(hop->ev.flags & HOP_F_TUPLE))
		return false;
	*t = hop->ev.tuple;
	return true;
}

static bool same_endpoint(const __u8 *a, __u16 ap, const __u8 *b, __u16 bp)
{
	return !memcmp(a, b, 16) && ap == bp;
}

static const char *nat_kind(const struct hop_tuple *b, const struct hop_tuple *a)
{
	bool dst = !same_endpoint(b->daddr, b->dport, a->daddr, a->dport);
	bool src = !same_endpoint(b->saddr, b->sport, a->saddr, a->sport);

	if (dst && src)
		return "dnat+snat";
	if (dst)
		return "dnat";
	return src ? "snat" : NULL;
}

/* The hop after hop i that the packet itself made, skipping route lookups: a lookup has
 * no skb of its own, and one made from inside a hook does not end the hook (a REJECT looks
 * up the route of its ICMP answer, a reverse lookup of the rejected packet's destination,
 * while that packet is still in the hook). Conntrack refusing the entry is inside the hook
 * too (*ct_refused). NULL when none follows. */
static const struct hop_event *next_packet_hop(const struct packet *p, int i, bool *ct_refused)
{
	*ct_refused = false;
	while (++i < p->hop_count) {
		const struct hop_event *ev = &p->hops[i].ev;

		if (ev->hook == HOOK_CT_CONFIRM)
			*ct_refused = true;
		else if (ev->hook != HOOK_FIB)
			return ev;
	}
	return NULL;
}

/* Whether the kernel lists nothing registered in the range after the drop's last observer
 * (false when it cannot list hooks there). */
static bool nothing_after(struct enrich *en, const struct hop_event *drop)
{
	int from, to;

	return netfilter__range_bounds(drop->info.nf.hook, drop->info.nf.pos, &from, &to) &&
	       chain_names__none_between(en->chains, drop->netns, drop->info.nf.pf,
					 drop->info.nf.hook, from, to);
}

/* In PREROUTING and INPUT skb->dev is the input device for the whole hook: a free with
 * another skb->dev came after the hook. */
static bool left_input_hook(const struct hop_event *nf, const struct hop_event *drop)
{
	bool input = nf->info.nf.hook == NF_INET_PRE_ROUTING ||
		     nf->info.nf.hook == NF_INET_LOCAL_IN;
	__u16 not_skb_dev = HOP_F_DEV_IIF | HOP_F_NETNS_FROM_DST | HOP_F_NETNS_FROM_SK;

	return input && nf->ifindex && drop->ifindex && nf->ifindex != drop->ifindex &&
	       nf->netns == drop->netns && !(nf->flags & not_skb_dev) &&
	       !(drop->flags & not_skb_dev);
}

/* An nf_hook hop's verdict: dropped here when the packet's life ends next, by netfilter,
 * with the BPF side's note that it was still inside this hook. */
static void nf_verdict(struct enrich *en, const struct packet *p, int i, struct hop_view *v)
{
	bool ct_refused;
	const struct hop_event *ev = &p->hops[i].ev, *next = next_packet_hop(p, i, &ct_refused);
	const struct nf_range *range;

	v->nf = true;
	v->nf_family = netfilter__family_name(ev->info.nf.pf);
	v->nf_hook = netfilter__hook_name(ev->info.nf.hook);
	if (!next)
		return;
	if (next->hook != HOOK_KFREE_SKB || !(next->flags & HOP_F_NF_STATE) ||
	    next->info.nf.pf != ev->info.nf.pf || next->info.nf.hook != ev->info.nf.hook ||
	    !enrich__is_netfilter_drop(en, next))
		return;
	range = netfilter__range(next->info.nf.hook, next->info.nf.pos);
	/* Conntrack was seen refusing the entry in this hook: that is who dropped it, whether
	 * or not observers placed the drop (without netfilter links nothing does). */
	if (ct_refused) {
		v->nf_dropped = true;
		v->nf_range = netfilter__confirm_range();
		v->nf_ct_refused = true;
		return;
	}
	/* Past the last observer only conntrack's confirm runs in the hook: a drop there that
	 * nftables made came after the hook (the netdev family's egress chain). */
	if (range && range->priority == INT_MAX && enrich__is_nftables_drop(en, next))
		return;
	/* Nothing is registered after the observer it passed last, or it was freed on another
	 * device than the input hook held: the hook let it go, and a later hook of another
	 * family dropped it (a bridge-family chain after the IPv4 hooks br_netfilter runs a
	 * bridged packet through, with skb->dev the bridge). */
	if (range && (nothing_after(en, next) || left_input_hook(ev, next)))
		return;
	v->nf_dropped = true;
	v->nf_range = range;
}

struct builder {
	struct hop_view *views;
	int count;
	int cap;
};

static struct hop_view *push(struct builder *b, enum hop_view_kind kind, const struct hop *hop)
{
	if (b->count == b->cap) {
		int cap = b->cap ? b->cap * 2 : 16;
		struct hop_view *v = realloc(b->views, cap * sizeof(*v));

		if (!v)
			return NULL;
		b->views = v;
		b->cap = cap;
	}
	memset(&b->views[b->count], 0, sizeof(b->views[0]));
	b->views[b->count].kind = kind;
	b->views[b->count].hop = hop;
	return &b->views[b->count++];
}

const char *const hopview__synthetic_names[] = {
	"nat", "vxlan_encap", "vxlan_decap", "geneve_encap", "geneve_decap", NULL,
};

static const char *tunnel_hop_name(const char *kind, bool encap)
{
	if (!strcmp(kind, "geneve"))
		return encap ? "geneve_encap" : "geneve_decap";
	return encap ? "vxlan_encap" : "vxlan_decap";
}

/* Whether cur's ICMP error quotes another header than prev's: conntrack translated the
 * error with the packet it quotes (the reverse of that packet's NAT). Fills both quotes. */
static bool icmp_error_translated(const struct hop *prev, const struct hop *cur,
				  const struct hop_tuple *after, struct hop_tuple *quoted_before,
				  struct hop_tuple *quoted_after)
{
	struct icmp_facts b, a;

	if (after->proto != HOP_IPPROTO_ICMP && after->proto != HOP_IPPROTO_ICMPV6)
		return false;
	if (!icmp__from_hop(&prev->ev, prev->data, &b) || !icmp__answers(&b) ||
	    !icmp__from_hop(&cur->ev, cur->data, &a) || !icmp__answers(&a) ||
	    !memcmp(&a.quoted, &b.quoted, sizeof(a.quoted)))
		return false;
	*quoted_before = b.quoted;
	*quoted_after = a.quoted;
	return true;
}

/* A nat hop before cur when its tuple differs from prev's, or its ICMP error quotes
 * another header. */
static int push_nat(struct builder *b, const struct hop *prev, const struct hop *cur)
{
	struct hop_tuple before, after, quoted_before, quoted_after;
	struct hop_view *v;
	const char *kind;
	bool reverse;

	/* A route lookup's flow has no ports (and often no protocol): not a packet to compare. */
	if (!prev || cur->ev.hook == HOOK_FIB || !pod_tuple(prev, &before) ||
	    !pod_tuple(cur, &after) || before.family != after.family)
		return 0;
	reverse = icmp_error_translated(prev, cur, &after, &quoted_before, &quoted_after);
	kind = reverse ? "icmp_reverse" : nat_kind(&before, &after);
	if (!kind)
		return 0;
	v = push(b, HOP_VIEW_NAT, cur);
	if (!v)
		return -1;
	v->name = "nat";
	v->layer = "service";
	v->before = before;
	v->after = after;
	v->nat_kind = kind;
	if (reverse) {
		v->quoted_before = quoted_before;
		v->quoted_after = quoted_after;
	}
	return 0;
}

/* Synthetic hops that go before hop i: tunnel on/off, and NAT between i-1 and i. */
static int push_changes(struct builder *b, const struct hop *prev, const struct hop *cur,
			const struct tunnel_info *prev_tun, bool prev_in,
			const struct tunnel_info *tun, bool in)
{
	struct hop_view *v;

	if (in != prev_in) {
		v = push(b, in ? HOP_VIEW_TUNNEL_ENCAP : HOP_VIEW_TUNNEL_DECAP, cur);
		if (!v)
			return -1;
		v->tunnel = true;
		v->tun = in ? *tun : *prev_tun;
		v->name = tunnel_hop_name(v->tun.kind, in);
		v->layer = "overlay";
	}
	return push_nat(b, prev, cur);
}

/* The last hop before i that saw the headers of i's own skb. A copy (a clone a socket
 * reads) branched off at a point no hop shows: its first hop is compared with nothing, or
 * a clone taken before a NAT would read as the NAT undone. */
static const struct hop *last_headers_hop(const struct packet *p, int i)
{
	for (int j = i - 1; j >= 0; j--) {
		const struct hop *h = &p->hops[j];

		if (h->ev.skb == p->hops[i].ev.skb && h->ev.hook != HOOK_FIB &&
		    (h->ev.flags & HOP_F_TUPLE))
			return h;
	}
	return NULL;
}

static int push_rules(struct builder *b, const struct packet *p, int i, const struct rule_hit *hits,
		      int hit_count)
{
	for (int k = 0; k < hit_count; k++) {
		struct hop_view *v;

		if (hits[k].after != i)
			continue;
		v = push(b, HOP_VIEW_RULE, &p->hops[i]);
		if (!v)
			return -1;
		v->name = "nf_rule";
		v->layer = b->views[b->count - 2].layer;
		v->rule = &hits[k];
	}
	return 0;
}

int hopview__build(struct enrich *en, const struct packet *p, struct hop_view **views)
{
	return hopview__build_with_rules(en, p, NULL, 0, views);
}

int hopview__build_with_rules(struct enrich *en, const struct packet *p,
			      const struct rule_hit *hits, int hit_count, struct hop_view **views)
{
	struct builder b = {};
	struct tunnel_info tun, prev_tun = {};
	bool in, prev_in = false;
	struct hop_view *v;

	for (int i = 0; i < p->hop_count; i++) {
		const struct hop *h = &p->hops[i];

		in = headers__tunnel(&h->ev, h->data, &tun);
		/* Hops without bytes (socket tuples, route lookups) say nothing of tunnels. */
		if (!h->ev.cap_len)
			in = prev_in, tun = prev_tun;
		if (i > 0 &&
		    push_changes(&b, last_headers_hop(p, i), h, &prev_tun, prev_in, &tun, in))
			goto out_nomem;
		v = push(&b, HOP_VIEW_KERNEL, h);
		if (!v)
			goto out_nomem;
		v->name = hook__hop_name(&h->ev);
		v->layer = enrich__layer(en, &h->ev);
		v->tunnel = in;
		if (in)
			v->tun = tun;
		if (h->ev.hook == HOOK_NF)
			nf_verdict(en, p, i, v);
		if (push_rules(&b, p, i, hits, hit_count))
			goto out_nomem;
		prev_in = in;
		prev_tun = tun;
	}
	*views = b.views;
	return b.count;

out_nomem:
	free(b.views);
	*views = NULL;
	return -1;
}

void hopview__format_tuple(const struct hop_tuple *t, char *buf, size_t size)
{
	char src[64], dst[64], num[8];
	const char *proto = addr__proto_name(t->proto);
	bool v6 = t->family == HOP_AF_INET6;

	if (!proto) {
		snprintf(num, sizeof(num), "ip%u", t->proto);
		proto = num;
	}
	addr__format(t->family, t->saddr, src, sizeof(src));
	addr__format(t->family, t->daddr, dst, sizeof(dst));
	if (t->sport || t->dport)
		snprintf(buf, size, "%s %s%s%s:%u -> %s%s%s:%u", proto, v6 ? "[" : "", src,
			 v6 ? "]" : "", t->sport, v6 ? "[" : "", dst, v6 ? "]" : "", t->dport);
	else
		snprintf(buf, size, "%s %s -> %s", proto, src, dst);
}

void hopview__details(struct enrich *en, const struct hop_view *v, char *buf, size_t size)
{
	const struct hook_row *row = hook__row(v->hop->ev.hook);
	char a[128], b[128];
	int n;

	buf[0] = 0;
	switch (v->kind) {
	case HOP_VIEW_NAT:
		hopview__format_tuple(&v->before, a, sizeof(a));
		hopview__format_tuple(&v->after, b, sizeof(b));
		n = snprintf(buf, size, "%s: %s => %s", v->nat_kind, a, b);
		if (v->quoted_before.family && n >= 0 && (size_t)n < size) {
			hopview__format_tuple(&v->quoted_before, a, sizeof(a));
			hopview__format_tuple(&v->quoted_after, b, sizeof(b));
			snprintf(buf + n, size - n, "; quoted %s => %s", a, b);
		}
		return;
	case HOP_VIEW_TUNNEL_ENCAP:
	case HOP_VIEW_TUNNEL_DECAP:
		hopview__format_tuple(&v->tun.outer, a, sizeof(a));
		snprintf(buf, size, "%s vni %u, outer %s", v->tun.kind, v->tun.vni, a);
		return;
	case HOP_VIEW_RULE:
		hopview__rule_details(v->rule, buf, size);
		return;
	case HOP_VIEW_KERNEL:
		if (row && row->text_details)
			row->text_details(en, v, buf, size);
		return;
	}
}

void hopview__rule_details(const struct rule_hit *hit, char *buf, size_t size)
{
	int n;

	if (hit->type == RULE_EV_POLICY)
		n = snprintf(buf, size, "%s %s %s: policy %s", hit->table_family, hit->table,
			     hit->chain, hit->verdict);
	else if (hit->type == RULE_EV_RETURN)
		n = snprintf(buf, size, "%s %s %s: end of chain, return", hit->table_family,
			     hit->table, hit->chain);
	else if (hit->handle)
		n = snprintf(buf, size, "%s %s %s rule #%d (handle %llu): %s%s%s",
			     hit->table_family, hit->table, hit->chain, hit->index,
			     (unsigned long long)hit->handle, hit->verdict,
			     hit->target[0] ? " " : "", hit->target);
	else
		n = snprintf(buf, size, "%s %s %s rule #%d: %s%s%s", hit->table_family, hit->table,
			     hit->chain, hit->index, hit->verdict, hit->target[0] ? " " : "",
			     hit->target);
	if (hit->text[0] && n > 0 && (size_t)n < size)
		snprintf(buf + n, size - n, " \"%s\"", hit->text);
}

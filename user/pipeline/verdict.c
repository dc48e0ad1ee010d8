// SPDX-License-Identifier: GPL-2.0
/* The verdict of a packet, judged once from its hop views, so that every output says the
 * same thing about where and why it died. */
#include <stdio.h>
#include <string.h>
#include "check/check.h"
#include "host/conntrack_stats.h"
#include "host/netns_names.h"
#include "pipeline/hooks.h"
#include "pipeline/hopview.h"
#include "pipeline/chain_names.h"
#include "host/pod_netns.h"
#include "host/sock_owner.h"
#include "pipeline/bpf_phrase.h"
#include "pipeline/verdict.h"

static bool starts_with(const char *s, const char *prefix)
{
	return s && !strncmp(s, prefix, strlen(prefix));
}

/* Drops that are routing decisions, taken in the IP layer of whichever namespace. */
static bool routing_reason(const char *r)
{
	static const char *const names[] = { "IP_RPFILTER",	 "IP_INNOROUTES",
					     "IP_OUTNOROUTES",	 "IP_INADDRERRORS",
					     "IP_OUTADDRERRORS", "IP_INVALID_SOURCE",
					     "IP_LOCAL_SOURCE" };

	for (size_t i = 0; r && i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(r, names[i]))
			return true;
	return false;
}

/* The route the packet was given led into a tunnel device (an MTU drop there is the
 * overlay's doing). */
static bool routed_into_tunnel(const struct packet *p)
{
	for (int i = p->hop_count - 1; i >= 0; i--) {
		const struct hop_event *ev = &p->hops[i].ev;

		if (ev->hook == HOOK_FIB)
			return enrich__is_tunnel_kind(ev->dev_kind);
	}
	return false;
}

static const char *table_layer(const char *table)
{
	if (starts_with(table, "nat"))
		return "service";
	if (starts_with(table, "conntrack"))
		return "kernel";
	return "node";
}

/* What is registered in the range that dropped the packet (asked once per range). */
static void name_chains(struct enrich *en, struct verdict *v)
{
	const struct hop_event *drop = &v->last->ev;
	int from, to;

	if (!netfilter__range_bounds(drop->info.nf.hook, drop->info.nf.pos, &from, &to))
		return;
	snprintf(v->nf_chains, sizeof(v->nf_chains), "%s",
		 chain_names__between(en->chains, v->netns, drop->info.nf.pf, drop->info.nf.hook,
				      from, to));
}

static bool drops(const char *verdict)
{
	return !strcmp(verdict, "drop") || !strcmp(verdict, "reject");
}

/* The rule that dropped it: the trace's last dropping decision in that namespace and hook.
 * Where no trace names one, the rules whose counters rose there since the start. */
static void name_rule(struct enrich *en, const struct hop_view *views, int count, struct verdict *v)
{
	const struct hop_event *drop = &v->last->ev;
	int from, to;

	for (int i = count - 1; i >= 0; i--) {
		const struct rule_hit *h = views[i].kind == HOP_VIEW_RULE ? views[i].rule : NULL;

		if (h && h->netns == v->netns && h->hook == drop->info.nf.hook &&
		    drops(h->verdict)) {
			v->nf_rule = h;
			return;
		}
	}
	if (!en->rules ||
	    !netfilter__range_bounds(drop->info.nf.hook, drop->info.nf.pos, &from, &to))
		return;
	v->nf_cand_total = rule_trail__candidates(en->rules, v->netns, drop->info.nf.pf,
						  drop->info.nf.hook, from, to, drop->ts_ns,
						  v->nf_cands, VERDICT_MAX_CANDIDATES);
	v->nf_cand_count = v->nf_cand_total < VERDICT_MAX_CANDIDATES ? v->nf_cand_total :
								       VERDICT_MAX_CANDIDATES;
}

/* Conntrack gave up on a new flow in v's namespace: its table was full at some moment of
 * the trace. The check taken at start did not see that, so it is told. */
static bool table_full(struct enrich *en, const struct verdict *v)
{
	struct ctstat_counts now;
	__u64 rise;

	if (!en->ct || !ctstat__table_full(en->ct, v->netns, &now, &rise))
		return false;
	if (en->check)
		check__saw_conntrack_refuse(
			en->check, v->netns, v->netns_label,
			"conntrack refused new flows during the trace: its drop "
			"counter rose by %llu; %llu of %llu entries when the drop "
			"was judged",
			(unsigned long long)rise, (unsigned long long)now.count,
			(unsigned long long)now.max);
	return true;
}

/* Conntrack refused the entry at confirm: the check at start could not know. */
static void tell_check_insert_failed(struct enrich *en, const struct verdict *v)
{
	__u64 rise;

	if (!en->check)
		return;
	rise = en->ct ? ctstat__insert_failed_rise(en->ct, v->netns) : 0;
	check__saw_conntrack_refuse(en->check, v->netns, v->netns_label,
				    "conntrack refused a new entry at confirm during the "
				    "trace (insert_failed rose by %llu): its tuple clashed "
				    "with an existing entry's, as when NAT leaves two flows "
				    "the same source port",
				    (unsigned long long)rise);
}

/* Without observers between the tables (no netfilter links, no fexit on confirm) a drop in
 * POSTROUTING or INPUT names no table. Conntrack's confirm runs last in those two hooks;
 * when no rule is known to have dropped it and insert_failed rose in that namespace during
 * the trace, the drop is most likely that refusal: said so, with "counter" as the basis. */
static bool insert_failed_unplaced(struct enrich *en, const struct verdict *v)
{
	if (!en->ct || v->nf_rule || v->nf_cand_count || !v->nf_hook || !v->nf_family ||
	    (strcmp(v->nf_hook, "POSTROUTING") && strcmp(v->nf_hook, "INPUT")) ||
	    (strcmp(v->nf_family, "ipv4") && strcmp(v->nf_family, "ipv6")))
		return false;
	return ctstat__insert_failed_rise(en->ct, v->netns) > 0;
}

/* The same for conntrack's own entry point, PREROUTING and OUTPUT (its first table there):
 * no rule known, and conntrack gave up on packets for want of room in that namespace. */
static bool table_full_unplaced(struct enrich *en, const struct verdict *v)
{
	if (!en->ct || v->nf_rule || v->nf_cand_count || !v->nf_hook || !v->nf_family ||
	    (strcmp(v->nf_hook, "PREROUTING") && strcmp(v->nf_hook, "OUTPUT")) ||
	    (strcmp(v->nf_family, "ipv4") && strcmp(v->nf_family, "ipv6")))
		return false;
	return table_full(en, v);
}

/* The drop happened inside a netfilter hook: that hook's view names the table. */
static bool judge_netfilter(struct enrich *en, const struct hop_view *views, int count,
			    struct verdict *v)
{
	for (int i = count - 1; i >= 0; i--) {
		const struct hop_view *hv = &views[i];

		if (!hv->nf_dropped)
			continue;
		v->nf = true;
		v->nf_family = hv->nf_family;
		v->nf_hook = hv->nf_hook;
		v->nf_table = hv->nf_range ? hv->nf_range->table : NULL;
		v->nf_priority = hv->nf_range ? hv->nf_range->priority : 0;
		name_chains(en, v);
		v->ct_insert_fail = v->nf_table && !strcmp(v->nf_table, "conntrack confirm");
		if (v->ct_insert_fail)
			v->ct_insert_by = hv->nf_ct_refused ? "fexit" : "range";
		v->ct_table_full = v->nf_table && !strcmp(v->nf_table, "conntrack") &&
				   table_full(en, v);
		/* conntrack's own drops are no rule's. */
		if (!starts_with(v->nf_table, "conntrack"))
			name_rule(en, views, count, v);
		if (!v->nf_table && insert_failed_unplaced(en, v)) {
			v->ct_insert_fail = true;
			v->ct_insert_by = "counter";
		} else if (!v->nf_table && table_full_unplaced(en, v)) {
			v->ct_table_full = true;
			v->ct_table_full_likely = true;
		}
		if (v->ct_insert_fail)
			tell_check_insert_failed(en, v);
		return true;
	}
	return false;
}

/* The hop of the dropped skb before the drop, route lookups and programs' returns left out;
 * NULL when none. */
static const struct hop_event *hop_before_drop(const struct packet *pkt, const struct hop *drop)
{
	for (const struct hop *h = drop - 1; h >= pkt->hops; h--) {
		const struct hook_row *row = hook__row(h->ev.hook);

		/* A program's return (bpf_prog) says something of the hop it annotates. */
		if (h->ev.hook != HOOK_FIB && h->ev.skb == drop->ev.skb && !(row && row->annotates))
			return &h->ev;
	}
	return NULL;
}

/* A netfilter drop outside every IPv4/IPv6 hook is the netdev family's (an nftables
 * `table netdev` chain on the device), inferred from where it fell: right after the
 * device received the packet (ingress), or after POSTROUTING let it out towards the device
 * (egress). No observer sits in those hooks, so the verdict says it is inferred. A bridge
 * family chain on a bridge port's prerouting looks the same as the port's ingress. */
static bool judge_netdev(struct enrich *en, const struct packet *pkt, struct verdict *v)
{
	const struct hop_event *drop = &v->last->ev, *prev = hop_before_drop(pkt, v->last);

	/* Without observers in the namespace an IPv4/IPv6 hook's drop looks the same. */
	if (!prev || !drop->ifindex || !enrich__is_netfilter_drop(en, drop) ||
	    prev->ifindex != drop->ifindex || prev->netns != drop->netns ||
	    !enrich__nf_observed(en, drop->netns))
		return false;
	if (prev->hook == HOOK_NETIF_RECEIVE)
		v->nf_hook = "ingress";
	else if (prev->hook == HOOK_NF && prev->info.nf.hook == NF_INET_POST_ROUTING)
		v->nf_hook = "egress";
	else
		return false;
	v->nf = true;
	v->nf_family = "netdev";
	v->nf_inferred = true;
	return true;
}

/* An nftables drop after the IPv4/IPv6 hooks a bridge runs a bridged packet through
 * (br_netfilter: those hops are on the bridge device), on another device: a bridge-family
 * chain dropped it. No observer sits in the bridge family's hooks: inferred, hook unknown. */
static bool judge_bridge(struct enrich *en, const struct packet *pkt, struct verdict *v)
{
	const struct hop_event *drop = &v->last->ev;

	if (!enrich__is_nftables_drop(en, drop))
		return false;
	for (const struct hop *h = v->last - 1; h >= pkt->hops; h--) {
		const struct hop_event *ev = &h->ev;

		if (ev->skb != drop->skb || ev->hook != HOOK_NF)
			continue;
		if (ev->netns != drop->netns || strcmp(ev->dev_kind, "bridge") ||
		    ev->ifindex == drop->ifindex)
			return false;
		v->nf = true;
		v->nf_family = "bridge";
		v->nf_inferred = true;
		return true;
	}
	return false;
}

/* Where a drop belongs in the operator's checklist: pod, veth, bridge, service, overlay,
 * node, kernel. */
static const char *drop_layer(struct enrich *en, const struct packet *pkt,
			      const struct hop_view *views, int count, struct verdict *v)
{
	const struct hop_event *ev = &v->last->ev;
	bool in_pod = en->pods && podns__is_pod(en->pods, ev->netns);

	if (judge_netfilter(en, views, count, v))
		return in_pod ? "pod" : table_layer(v->nf_table);
	if (judge_netdev(en, pkt, v) && !in_pod) /* on a pod's host-side veth: "veth" */
		return enrich__device_layer(ev->dev_kind) ? enrich__device_layer(ev->dev_kind) :
							    "node";
	if (!v->nf && judge_bridge(en, pkt, v) && !in_pod)
		return "bridge";
	if (in_pod)
		return "pod";
	if (starts_with(v->reason, "VXLAN_") || starts_with(v->reason, "TUNNEL"))
		return "overlay";
	if (routing_reason(v->reason))
		return "node";
	if (v->reason && !strcmp(v->reason, "PKT_TOO_BIG") && routed_into_tunnel(pkt))
		return "overlay";
	if (v->tunnel || enrich__is_tunnel_kind(ev->dev_kind))
		return "overlay";
	return enrich__layer(en, ev);
}

/* A netfilter drop where no observer was linked: say so, and how to trace it with them. An
 * ip-netns namespace is one --netns away; another is covered when it holds a --pod-ip. */
static void judge_unobserved(struct enrich *en, struct verdict *v)
{
	const struct hop_event *ev = &v->last->ev;

	if (!enrich__is_netfilter_drop(en, ev) || enrich__nf_observed(en, ev->netns))
		return;
	v->nf_unobserved = true;
	if (netns_names__is_ip_netns(v->netns_name))
		snprintf(v->nf_hint, sizeof(v->nf_hint),
			 "no netfilter observation in netns %s: run with --netns %s or --netns all",
			 v->netns_name, v->netns_name);
	else if (v->pod)
		snprintf(v->nf_hint, sizeof(v->nf_hint),
			 "no netfilter observation in pod %s's netns: run with --pod %s",
			 v->netns_label, v->netns_label);
	else
		snprintf(v->nf_hint, sizeof(v->nf_hint),
			 "no netfilter observation in netns %s: it has no /run/netns name, so "
			 "trace an address it holds with --pod-ip",
			 v->netns_label);
}

/* A drop at a socket: the socket the kernel named (BPF read its inode and its full queue
 * for these reasons only) and the process owning it, found once per socket. NO_SOCKET has
 * none to name. */
static void judge_socket(struct enrich *en, struct verdict *v)
{
	const struct hop_event *ev = &v->last->ev;
	struct verdict_socket *s = &v->sock;

	if (!v->reason)
		return;
	if (!strcmp(v->reason, "NO_SOCKET")) {
		s->kind = VERDICT_SOCK_NO_SOCKET;
		return;
	}
	if (!strcmp(v->reason, "SOCKET_RCVBUFF") || !strcmp(v->reason, "SOCKET_BACKLOG"))
		s->kind = VERDICT_SOCK_BUFFER;
	else if (!strcmp(v->reason, "TCP_LISTEN_OVERFLOW"))
		s->kind = VERDICT_SOCK_LISTEN;
	else
		return;
	s->inode = ev->info.drop.sk_ino;
	s->limit = ev->info.drop.sk_limit;
	s->fill = ev->info.drop.sk_fill;
	/* A read socket has a buffer size, or a queue that was over its maximum. */
	s->named = s->inode || s->limit || s->fill;
	s->owner = sock_owners__lookup(en->sock_owners, s->inode);
}

void verdict__judge(struct enrich *en, const struct packet *pkt, const struct hop_view *views,
		    int view_count, struct verdict *v)
{
	const char *label, *cause;
	const struct hop_event *ev;

	memset(v, 0, sizeof(*v));
	v->fate = pkt->fate;
	if (!pkt->hop_count)
		return;
	/* The hop that decided the fate: with copies, not always the last one. */
	v->last = &pkt->hops[pkt->fate_hop > 0 && pkt->fate_hop <= pkt->hop_count ?
				     pkt->fate_hop - 1 :
				     pkt->hop_count - 1];
	ev = &v->last->ev;
	v->netns = ev->netns;
	v->netns_name = enrich__netns(en, ev->netns);
	v->pod = enrich__pod(en, ev->netns);
	label = enrich__netns_label(en, ev->netns, v->netns_label, sizeof(v->netns_label));
	if (label != v->netns_label)
		snprintf(v->netns_label, sizeof(v->netns_label), "%s", label);
	v->ifname = ev->ifname[0] ? ev->ifname : NULL;
	v->layer = enrich__layer(en, ev);
	v->tunnel = view_count > 0 && views[view_count - 1].tunnel;
	if (pkt->fate == FATE_NO_ROUTE) {
		v->route_err = ev->info.fib.err;
		v->route_table = ev->info.fib.table;
		return;
	}
	if (pkt->fate != FATE_DROPPED)
		return;
	v->reason = enrich__reason(en, ev, v->reason_buf, sizeof(v->reason_buf));
	if (!enrich__location(en, ev, v->location, sizeof(v->location)))
		v->location[0] = 0;
	judge_unobserved(en, v);
	judge_socket(en, v);
	v->layer = drop_layer(en, pkt, views, view_count, v);
	cause = bpf_blame__cause(v->reason, v->location[0] ? v->location : NULL);
	/* Without a reason (before 5.17) a program seen returning the drop says it. */
	if (!cause && !v->reason)
		cause = bpf_blame__cause_seen(pkt, v->last);
	if (cause)
		v->has_bpf = bpf_blame__judge(en->bpf, pkt, v->last, cause, &v->bpf);
	else if (bpf_blame__is_qdisc_reason(v->reason))
		v->has_qdisc = bpf_blame__qdisc(en->bpf, v->last, &v->qdisc);
}

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

/* The kind of socket a hop names: "a UDP socket", "a raw socket". */
static const char *socket_kind(const struct hop_event *ev)
{
	if (!(ev->flags & HOP_F_SOCK))
		return "a socket";
	if (ev->sk_family == HOP_AF_PACKET)
		return "a packet socket";
	if (ev->sk_type == HOP_SOCK_RAW)
		return "a raw socket";
	switch (ev->sk_proto) {
	case 6:
		return "a TCP socket";
	case 17:
		return "a UDP socket";
	case 1:
	case 58:
		return "a ping socket";
	default:
		return "a socket";
	}
}

static void delivered_how(const struct hop *last, char *buf, size_t size)
{
	if (last && last->note == HOP_NOTE_PROCESSED)
		snprintf(buf, size, "processed by TCP");
	else if (last && last->note == HOP_NOTE_AFTER_SOCKET)
		snprintf(buf, size, "taken by a socket that closed before reading it");
	else if (last && last->ev.hook == HOOK_SOCK_RECV)
		snprintf(buf, size, "read by %s", socket_kind(&last->ev));
	else if (last && last->ev.hook == HOOK_SOCK_QUEUE)
		snprintf(buf, size, "taken by %s", socket_kind(&last->ev));
	else
		snprintf(buf, size, "consumed");
}

static const char *const tcp_state_names[] = {
	[1] = "ESTABLISHED", [4] = "FIN_WAIT1", [5] = "FIN_WAIT2", [6] = "TIME_WAIT",
	[8] = "CLOSE_WAIT",  [9] = "LAST_ACK",	[11] = "CLOSING",
};

const char *verdict__note_kind(enum hop_note note)
{
	switch (note) {
	case HOP_NOTE_COPY_FREED:
		return "copy_freed";
	case HOP_NOTE_PROCESSED:
		return "freed_after_processing";
	case HOP_NOTE_AFTER_SOCKET:
		return "freed_after_socket";
	default:
		return NULL;
	}
}

void verdict__note(struct enrich *en, const struct hop *h, char *buf, size_t size)
{
	char reason_buf[96], loc_buf[128], ns_buf[48];
	const char *reason = enrich__reason(en, &h->ev, reason_buf, sizeof(reason_buf));
	const char *loc = enrich__location(en, &h->ev, loc_buf, sizeof(loc_buf));
	const char *ns = enrich__netns_label(en, h->ev.netns, ns_buf, sizeof(ns_buf));
	__u8 st = h->ev.sk_state;

	if (!reason)
		reason = "reason unknown";
	if (!loc)
		loc = "?";
	if (h->note == HOP_NOTE_PROCESSED)
		snprintf(buf, size,
			 "freed with %s at %s after TCP processed it (socket %s, netns %s)", reason,
			 loc,
			 st < sizeof(tcp_state_names) / sizeof(tcp_state_names[0]) &&
					 tcp_state_names[st] ?
				 tcp_state_names[st] :
				 "?",
			 ns);
	else if (h->note == HOP_NOTE_AFTER_SOCKET)
		snprintf(buf, size,
			 "freed with %s at %s after its socket took it: the socket closed with it "
			 "unread (netns %s)",
			 reason, loc, ns);
	else
		snprintf(
			buf, size,
			"a copy (skb 0x%llx) freed with %s at %s in netns %s: not the packet's fate",
			(unsigned long long)h->ev.skb, reason, loc, ns);
}

void verdict__rule_phrase(const struct rule_hit *hit, char *buf, size_t size)
{
	char via[280] = "";
	int n;

	/* The path is worth saying when a jump led to the chain. */
	if (strchr(hit->path, '>'))
		snprintf(via, sizeof(via), " via %s", hit->path);
	if (hit->type == RULE_EV_POLICY)
		n = snprintf(buf, size, "chain %s policy %s%s", hit->chain, hit->verdict, via);
	else if (hit->handle)
		n = snprintf(buf, size, "chain %s rule #%d (handle %llu)%s%s%s%s", hit->chain,
			     hit->index, (unsigned long long)hit->handle, hit->text[0] ? " \"" : "",
			     hit->text, hit->text[0] ? "\"" : "", via);
	else
		n = snprintf(buf, size, "chain %s rule #%d%s%s%s%s", hit->chain, hit->index,
			     hit->text[0] ? " \"" : "", hit->text, hit->text[0] ? "\"" : "", via);
	if (hit->owner && n > 0 && (size_t)n < size)
		snprintf(buf + n, size - n, " [%s]", hit->owner);
}

/* "; chain ... rule ..." from the trace, or the counters' best candidate. */
static int describe_rule(const struct verdict *v, char *buf, size_t size)
{
	char phrase[640];
	const struct rule_hit *c = &v->nf_cands[0];

	if (v->nf_rule) {
		verdict__rule_phrase(v->nf_rule, phrase, sizeof(phrase));
		return snprintf(buf, size, ": %s", phrase);
	}
	if (!v->nf_cand_count)
		return 0;
	verdict__rule_phrase(c, phrase, sizeof(phrase));
	return snprintf(buf, size, "; by rule counters (inferred): %s rose by %llu%s%s", phrase,
			(unsigned long long)c->rise,
			c->exact ? ", as many as the drops seen here" : "",
			v->nf_cand_total > 1 ? " (other candidates in JSON)" : "");
}

void verdict__describe(const struct verdict *v, char *buf, size_t size)
{
	char where[360], how[48];
	int n;

	snprintf(where, sizeof(where), "netns %s, dev %s", v->netns_label, or_dash(v->ifname));
	switch (v->fate) {
	case FATE_DELIVERED:
		delivered_how(v->last, how, sizeof(how));
		snprintf(buf, size, "delivered (%s in netns %s)", how, v->netns_label);
		return;
	case FATE_NO_ROUTE:
		snprintf(buf, size,
			 "NO ROUTE in %s (netns %s): %s in table %u; the send never "
			 "produced a packet",
			 v->layer, v->netns_label,
			 v->route_err == -HOP_EAGAIN ? "no matching route" : "route lookup failed",
			 v->route_table);
		return;
	case FATE_DROPPED:
		break;
	default:
		if (v->last && v->last->ev.hook == HOOK_CONSUME_SKB)
			snprintf(buf, size,
				 "unknown: its skb was replaced on the way out (%s) and the new "
				 "one was not seen",
				 where);
		else
			snprintf(buf, size,
				 "unknown: not freed while traced (last seen in netns %s)",
				 v->netns_label);
		return;
	}
	n = snprintf(buf, size, "DROPPED in %s (%s): %s at %s", v->layer, where,
		     v->reason ? v->reason : "reason unknown", v->location[0] ? v->location : "?");
	if (v->nf && v->nf_rule && n > 0 && (size_t)n < size)
		n += snprintf(buf + n, size - n, "; netfilter %s %s%s%s", v->nf_family, v->nf_hook,
			      v->nf_table ? ", table " : "", v->nf_table ? v->nf_table : "");
	else if (v->nf && v->nf_table && n > 0 && (size_t)n < size)
		n += snprintf(buf + n, size - n, "; netfilter %s %s, table %s (priority %d)%s%s%s",
			      v->nf_family, v->nf_hook, v->nf_table, v->nf_priority,
			      v->nf_chains[0] ? " [" : "", v->nf_chains,
			      v->nf_chains[0] ? "]" : "");
	else if (v->nf && v->nf_inferred && !v->nf_hook && n > 0 && (size_t)n < size)
		n += snprintf(
			buf + n, size - n,
			"; netfilter %s (inferred: an nftables %s-family chain; the IPv4/IPv6 "
			"hooks it passed let it go)",
			v->nf_family, v->nf_family);
	else if (v->nf && v->nf_inferred && n > 0 && (size_t)n < size)
		n += snprintf(buf + n, size - n,
			      "; netfilter %s %s of %s (inferred: no IPv4/IPv6 hook dropped it)",
			      v->nf_family, v->nf_hook, or_dash(v->ifname));
	else if (v->nf && n > 0 && (size_t)n < size)
		n += snprintf(buf + n, size - n, "; netfilter %s %s (table not known here)",
			      v->nf_family, v->nf_hook);
	if (v->nf && n > 0 && (size_t)n < size)
		n += describe_rule(v, buf + n, size - n);
	if (v->ct_insert_fail && n > 0 && (size_t)n < size)
		n += snprintf(buf + n, size - n, "; ct_insert_fail: conntrack refused the entry%s",
			      !strcmp(v->ct_insert_by, "fexit") ?
				      " (seen: __nf_conntrack_confirm returned NF_DROP)" :
			      !strcmp(v->ct_insert_by, "counter") ?
				      " (likely: no table is known here, and insert_failed rose "
				      "in this namespace)" :
				      "");
	if (v->ct_table_full && n > 0 && (size_t)n < size)
		n += snprintf(buf + n, size - n, "; conntrack table full%s",
			      v->ct_table_full_likely ? " (likely: no table is known here, and "
							"conntrack dropped packets for want of "
							"room in this namespace)" :
							"");
	if (v->has_bpf && n > 0 && (size_t)n < size - 2) {
		n += snprintf(buf + n, size - n, "; ");
		n += bpf_phrase__verdict(&v->bpf, v->ifname, buf + n, size - n);
	}
	if (v->has_qdisc && n > 0 && (size_t)n < size - 2) {
		n += snprintf(buf + n, size - n, "; ");
		n += bpf_phrase__qdisc(&v->qdisc, v->ifname, buf + n, size - n);
	}
	if (v->sock.kind && n > 0 && (size_t)n < size - 2) {
		n += snprintf(buf + n, size - n, "; ");
		n += sock_phrase__verdict(&v->sock, v->pod ? v->netns_label : NULL, buf + n,
					  size - n);
	}
	if (v->nf_unobserved && n > 0 && (size_t)n < size)
		snprintf(buf + n, size - n, " (%s)", v->nf_hint);
}

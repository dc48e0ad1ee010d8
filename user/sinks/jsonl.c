// SPDX-License-Identifier: GPL-2.0
/* JSON Lines output: a "hop" object per hop, a "packet" object when a packet's life ends,
 * and a "summary" object last. The schema is docs/output.md; it grows, it never breaks. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cli/addr.h"
#include "host/conntrack_stats.h"
#include "host/node_identity.h"
#include "host/pods.h"
#include "host/sock_owner.h"
#include "pipeline/hooks.h"
#include "pipeline/identity.h"
#include "pipeline/hopview.h"
#include "util/json_writer.h"
#include "sinks/json_blame.h"
#include "sinks/sink.h"
#include "check/check.h"
#include "pipeline/verdict.h"
#include "util/line_builder.h"

static void write_tuple(struct json_writer *w, const char *key, const struct hop_tuple *t)
{
	char buf[64];
	const char *proto = addr__proto_name(t->proto);

	json__object_begin(w, key);
	json__string(w, "family", t->family == HOP_AF_INET6 ? "ipv6" : "ipv4");
	if (proto)
		json__string(w, "proto", proto);
	else
		json__uint(w, "proto", t->proto);
	json__string(w, "src", addr__format(t->family, t->saddr, buf, sizeof(buf)));
	json__string(w, "dst", addr__format(t->family, t->daddr, buf, sizeof(buf)));
	json__uint(w, "sport", t->sport);
	json__uint(w, "dport", t->dport);
	json__object_end(w);
}

/* The chains a rule was reached through, base chain first. */
static void write_path(struct json_writer *w, const char *path)
{
	char chain[RULE_HIT_NAME];
	const char *p = path;

	json__array_begin(w, "path");
	while (*p) {
		size_t n = strcspn(p, " ");

		snprintf(chain, sizeof(chain), "%.*s", (int)n, p);
		json__string(w, NULL, chain);
		p += n;
		if (!strncmp(p, " -> ", 4))
			p += 4;
		else
			break;
	}
	json__array_end(w);
}

/* A rule's own members: where it is, what it says, what it decided, who wrote it. In the
 * verdict's nf, "table" already names the priority range: the rule's table is rule_table. */
static void write_rule_members(struct json_writer *w, const struct rule_hit *hit, bool in_nf)
{
	json__string(w, in_nf ? "rule_table_family" : "table_family", hit->table_family);
	json__string(w, in_nf ? "rule_table" : "table", hit->table);
	json__string(w, "chain", hit->chain);
	if (hit->handle)
		json__uint(w, "rule_handle", hit->handle);
	else
		json__null(w, "rule_handle");
	if (hit->index)
		json__uint(w, "rule_index", hit->index);
	else
		json__null(w, "rule_index");
	json__string(w, "rule", hit->text[0] ? hit->text : NULL);
	json__string(w, "comment", hit->comment[0] ? hit->comment : NULL);
	json__string(w, "verdict_type", rule_event__type_name(hit->type));
	json__string(w, "rule_verdict", hit->verdict);
	json__string(w, "target", hit->target[0] ? hit->target : NULL);
	write_path(w, hit->path);
	json__string(w, "owner", hit->owner);
	json__string(w, "rule_source", hit->source);
}

/* The rule that dropped it (from a trace), or the candidates (from counters): the trace's
 * members go into nf itself, the candidates into a list. */
static void write_nf_rule(struct json_writer *w, const struct verdict *v)
{
	if (v->nf_rule) {
		write_rule_members(w, v->nf_rule, true);
		return;
	}
	if (!v->nf_cand_count)
		return;
	json__string(w, "rule_source", "counters");
	json__array_begin(w, "candidates");
	for (int i = 0; i < v->nf_cand_count; i++) {
		json__object_begin(w, NULL);
		write_rule_members(w, &v->nf_cands[i], false);
		json__uint(w, "rise", v->nf_cands[i].rise);
		json__bool(w, "rise_equals_drops", v->nf_cands[i].exact);
		json__object_end(w);
	}
	json__array_end(w);
	json__uint(w, "candidates_total", v->nf_cand_total);
}

/* What follows from the hop's neighbours (NAT, a tunnel), then the hook's own details. */
static void write_view_extras(struct json_writer *w, struct enrich *en, const struct hop_view *v)
{
	const struct hook_row *row = hook__row(v->hop->ev.hook);

	if (v->kind == HOP_VIEW_NAT) {
		json__object_begin(w, "nat");
		json__string(w, "kind", v->nat_kind);
		write_tuple(w, "before", &v->before);
		write_tuple(w, "after", &v->after);
		if (v->quoted_before.family) {
			write_tuple(w, "quoted_before", &v->quoted_before);
			write_tuple(w, "quoted_after", &v->quoted_after);
		}
		json__object_end(w);
	}
	if (v->tunnel) {
		json__object_begin(w, v->tun.kind);
		json__uint(w, "vni", v->tun.vni);
		write_tuple(w, "outer", &v->tun.outer);
		write_tuple(w, "inner", &v->tun.inner);
		json__object_end(w);
	}
	if (v->kind == HOP_VIEW_RULE) {
		json__object_begin(w, "rule");
		write_rule_members(w, v->rule, false);
		json__object_end(w);
	}
	if (v->kind == HOP_VIEW_KERNEL && row && row->json_details)
		row->json_details(en, v, w);
}

/* Where the hop's device came from: skb->dev (or the hook's own device), the arrival
 * device skb->skb_iif where skb->dev was unset, the route's device (a route lookup's
 * result, or the device a local packet is headed to), or nothing (null). */
static const char *dev_source(const struct hop_event *ev)
{
	if (!ev->ifindex)
		return NULL;
	if (ev->flags & HOP_F_DEV_IIF)
		return "skb_iif";
	if (ev->hook == HOOK_FIB || (ev->flags & HOP_F_NETNS_FROM_DST))
		return "route";
	return "skb_dev";
}

/* What the packet's headers keep along its path (pipeline/identity.h), where readable. */
static void write_identity(struct json_writer *w, const struct hop *h)
{
	struct packet_identity id;

	if (!h->data || !identity__read(&h->ev, h->data, &id))
		return;
	json__object_begin(w, "ident");
	if (id.has_ip_id)
		json__uint(w, "ip_id", id.ip_id);
	if (id.has_l4 && id.proto == 6) {
		json__uint(w, "tcp_seq", id.tcp_seq);
		json__uint(w, "tcp_ack", id.tcp_ack);
	} else if (id.has_l4 && id.proto == 17) {
		json__uint(w, "udp_len", id.udp_len);
	} else if (id.has_l4 && id.icmp_echo) {
		json__uint(w, "icmp_seq", id.icmp_seq);
	}
	json__object_end(w);
}

static void write_clocks(struct json_writer *w, const char *key, const struct clock_pair *c)
{
	json__object_begin(w, key);
	json__uint(w, "mono_ns", c->mono_ns);
	json__uint(w, "real_ns", c->real_ns);
	json__uint(w, "error_ns", c->error_ns);
	json__object_end(w);
}

/* Who took the trace, and the clocks that turn its timestamps into another node's time. */
static void write_node(struct json_writer *w, const struct node_identity *ni)
{
	if (!ni)
		return;
	json__object_begin(w, "node");
	json__string(w, "name", ni->name);
	json__string(w, "hostname", ni->hostname);
	json__string(w, "boot_id", ni->boot_id[0] ? ni->boot_id : NULL);
	json__string(w, "kernel", ni->kernel);
	write_clocks(w, "clock_start", &ni->start);
	write_clocks(w, "clock_end", &ni->end);
	if (ni->scope_count) {
		json__array_begin(w, "scope");
		for (int i = 0; i < ni->scope_count; i++) {
			json__object_begin(w, NULL);
			json__uint(w, "netns", ni->scope_inodes[i]);
			json__string(w, "netns_name", ni->scope_names[i]);
			json__object_end(w);
		}
		json__array_end(w);
	}
	json__object_end(w);
}

/* The Kubernetes pod whose namespace it is: only where one is known. */
static void write_pod(struct json_writer *w, const struct pod *pod)
{
	if (!pod)
		return;
	json__object_begin(w, "pod");
	json__string(w, "namespace", pod->ns);
	json__string(w, "name", pod->name);
	json__string(w, "uid", pod->uid[0] ? pod->uid : NULL);
	json__object_end(w);
}

/* The socket that read the packet (sock_recv) or in which the kernel freed it (kfree_skb). */
static void write_socket(struct json_writer *w, const struct hop_event *ev)
{
	json__object_begin(w, "socket");
	json__uint(w, "family", ev->sk_family);
	json__uint(w, "type", ev->sk_type);
	json__uint(w, "proto", ev->sk_proto);
	json__uint(w, "state", ev->sk_state);
	json__object_end(w);
}

void output_json__hop(struct json_writer *w, struct enrich *en, const struct packet *pkt,
		      const struct hop_view *v)
{
	const struct hop_event *ev = &v->hop->ev;
	struct line_builder l;
	char skb[24];

	line__init(&l, skb, sizeof(skb));
	line__hex(&l, ev->skb);
	json__object_begin(w, NULL);
	json__string(w, "type", "hop");
	json__uint(w, "pkt", pkt->id);
	json__uint(w, "ts_ns", enrich__wall_ns(en, ev->ts_ns));
	json__string(w, "hook", v->name);
	json__string(w, "layer", v->layer);
	json__uint(w, "netns", ev->netns);
	json__string(w, "netns_name", enrich__netns(en, ev->netns));
	write_pod(w, enrich__pod(en, ev->netns));
	json__uint(w, "ifindex", ev->ifindex);
	json__string(w, "ifname", ev->ifname[0] ? ev->ifname : NULL);
	json__string(w, "dev_kind", ev->dev_kind[0] ? ev->dev_kind : NULL);
	json__string(w, "dev_source", dev_source(ev));
	json__uint(w, "len", ev->len);
	json__uint(w, "cpu", ev->cpu);
	json__string(w, "skb", skb);
	if (ev->mark)
		json__uint(w, "mark", ev->mark);
	if (ev->flags & HOP_F_TUPLE)
		write_tuple(w, "tuple", &ev->tuple);
	if (ev->flags & HOP_F_TUPLE_FROM_SK)
		json__string(w, "tuple_source", "socket");
	if (ev->flags & HOP_F_SOCK)
		write_socket(w, ev);
	write_identity(w, v->hop);
	if (ev->copies > 1)
		json__uint(w, "copies", ev->copies);
	if (ev->flags & HOP_F_CLONED)
		json__bool(w, "cloned", true);
	write_view_extras(w, en, v);
	json__object_end(w);
}

/* A drop at a socket: who owns it (null when no process was found, or there is no socket)
 * and the queue that was full. */
static void write_socket_drop(struct json_writer *w, const struct verdict_socket *s)
{
	const struct sock_owner *o = s->owner;

	if (!s->kind)
		return;
	if (o) {
		json__object_begin(w, "socket_owner");
		json__int(w, "pid", o->pid);
		json__string(w, "command", o->comm);
		json__string(w, "container_id", o->container_id[0] ? o->container_id : NULL);
		json__object_end(w);
	} else {
		json__null(w, "socket_owner");
	}
	if (s->inode)
		json__uint(w, "socket_inode", s->inode);
	if (!s->named)
		return;
	if (s->kind == VERDICT_SOCK_BUFFER) {
		json__object_begin(w, "buffer");
		json__uint(w, "size", s->limit);
		json__uint(w, "fill", s->fill);
		json__object_end(w);
	} else if (s->kind == VERDICT_SOCK_LISTEN) {
		json__object_begin(w, "listen_queue");
		json__uint(w, "length", s->fill);
		json__uint(w, "max", s->limit);
		json__object_end(w);
	}
}

static void write_verdict(struct json_writer *w, const struct verdict *v)
{
	if (v->fate == FATE_NO_ROUTE) {
		json__object_begin(w, "route");
		json__uint(w, "table", v->route_table);
		json__int(w, "err", v->route_err);
		json__string(w, "netns_name", v->netns_name);
		json__string(w, "layer", v->layer);
		json__object_end(w);
		return;
	}
	if (v->fate != FATE_DROPPED)
		return;
	json__object_begin(w, "drop");
	json__string(w, "reason", v->reason);
	json__string(w, "location", v->location[0] ? v->location : NULL);
	json__uint(w, "netns", v->netns);
	json__string(w, "netns_name", v->netns_name);
	write_pod(w, v->pod);
	json__string(w, "ifname", v->ifname);
	json__string(w, "dev_source", v->last ? dev_source(&v->last->ev) : NULL);
	json__string(w, "layer", v->layer);
	if (v->nf) {
		json__object_begin(w, "nf");
		json__string(w, "family", v->nf_family);
		json__string(w, "hook", v->nf_hook);
		json__string(w, "table", v->nf_table);
		if (v->nf_table)
			json__int(w, "priority", v->nf_priority);
		else
			json__null(w, "priority");
		json__string(w, "verdict", "drop");
		json__string(w, "hooks_in_range", v->nf_chains[0] ? v->nf_chains : NULL);
		if (v->nf_inferred)
			json__bool(w, "inferred", true);
		write_nf_rule(w, v);
		json__object_end(w);
	}
	if (v->ct_insert_fail) {
		json__bool(w, "ct_insert_fail", true);
		json__string(w, "ct_insert_fail_by", v->ct_insert_by);
	}
	if (v->ct_table_full)
		json__bool(w, "ct_table_full", true);
	if (v->ct_table_full_likely)
		json__bool(w, "ct_table_full_inferred", true);
	if (v->nf_unobserved) {
		json__bool(w, "netfilter_observed", false);
		json__string(w, "hint", v->nf_hint);
	}
	write_socket_drop(w, &v->sock);
	json_blame__write(w, v);
	json__object_end(w);
}

/* Frees that are not the packet's fate: a copy's, or one after TCP processed it. */
static void write_notes(struct json_writer *w, struct enrich *en, const struct packet *p)
{
	char reason[96], loc[128], text[320];
	int n = 0;

	for (int i = 0; i < p->hop_count; i++)
		n += p->hops[i].note != HOP_NOTE_NONE;
	if (!n)
		return;
	json__array_begin(w, "notes");
	for (int i = 0; i < p->hop_count; i++) {
		const struct hop *h = &p->hops[i];

		if (!h->note)
			continue;
		verdict__note(en, h, text, sizeof(text));
		json__object_begin(w, NULL);
		json__string(w, "kind", verdict__note_kind(h->note));
		json__string(w, "reason", enrich__reason(en, &h->ev, reason, sizeof(reason)));
		json__string(w, "location", enrich__location(en, &h->ev, loc, sizeof(loc)));
		json__string(w, "netns_name", enrich__netns(en, h->ev.netns));
		json__string(w, "text", text);
		json__object_end(w);
	}
	json__array_end(w);
}

/* The packet's ICMP message; an error that answers the packet it quotes says so. */
static void write_icmp(struct json_writer *w, const struct icmp_facts *f)
{
	char name[16];

	if (!f->role)
		return;
	json__object_begin(w, "icmp");
	json__uint(w, "type", f->type);
	json__uint(w, "code", f->code);
	json__string(w, "name", icmp__name(f, name, sizeof(name)));
	json__string(w, "role", icmp__role_name(f->role));
	if (f->role == ICMP_ROLE_REQUEST || f->role == ICMP_ROLE_REPLY) {
		json__uint(w, "id", f->id);
		json__uint(w, "seq", f->seq);
	}
	if (f->mtu)
		json__uint(w, "mtu", f->mtu);
	if (f->quoted.family)
		write_tuple(w, "quoted", &f->quoted);
	json__object_end(w);
	if (icmp__answers(f))
		json__bool(w, "answer", true);
}

/* --check: the failed item that explains the drop. */
static void write_check_line(struct json_writer *w, const struct enrich *en,
			     const struct verdict *v)
{
	const struct check_line *l;

	if (!en->check || v->fate != FATE_DROPPED)
		return;
	l = check__explains(en->check, v->reason, v->location[0] ? v->location : NULL,
			    v->ct_table_full || v->ct_insert_fail);
	if (!l)
		return;
	json__object_begin(w, "check");
	json__string(w, "layer", l->layer);
	json__string(w, "item", l->item);
	json__string(w, "where", l->where);
	json__string(w, "fact", l->fact);
	json__object_end(w);
}

void output_json__packet(struct json_writer *w, struct enrich *en, const struct judged_packet *jp)
{
	const struct packet *p = jp->pkt;
	char line[1024];

	json__object_begin(w, NULL);
	json__string(w, "type", "packet");
	json__uint(w, "pkt", p->id);
	json__uint(w, "flow", p->flow_id);
	json__string(w, "fate", fate__name(p->fate));
	json__uint(w, "hops", p->hop_count + p->hops_dropped);
	json__bool(w, "incomplete", p->incomplete);
	json__bool(w, "reply", p->reply);
	if (p->flow_id)
		write_tuple(w, "flow_tuple", &p->flow_tuple);
	write_icmp(w, &p->icmp);
	write_verdict(w, &jp->verdict);
	write_notes(w, en, p);
	verdict__describe(&jp->verdict, line, sizeof(line));
	json__string(w, "verdict", line);
	write_check_line(w, en, &jp->verdict);
	json__object_end(w);
}

static int json_packet(struct sink *s, const struct judged_packet *jp)
{
	struct json_writer w;

	json__init(&w, s->f);
	for (int i = 0; i < jp->view_count; i++) {
		output_json__hop(&w, s->en, jp->pkt, &jp->views[i]);
		json__newline(&w);
	}
	output_json__packet(&w, s->en, jp);
	json__newline(&w);
	/* Flushed once per poll round by the session, not per packet. */
	return -sink__stream_error(s->f);
}

static void write_conntrack(struct json_writer *w, const struct ctstat *ct)
{
	json__array_begin(w, "conntrack");
	for (int i = 0; ct && i < ct->count; i++) {
		const struct ctstat_ns *ns = &ct->ns[i];

		if (!ns->end.present)
			continue;
		json__object_begin(w, NULL);
		json__uint(w, "netns", ns->inode);
		json__string(w, "netns_path", ns->path);
		json__uint(w, "insert_failed", ns->end.insert_failed - ns->start.insert_failed);
		json__uint(w, "drop", ns->end.drop - ns->start.drop);
		json__uint(w, "early_drop", ns->end.early_drop - ns->start.early_drop);
		json__uint(w, "count", ns->end.count);
		json__uint(w, "max", ns->end.max);
		json__object_end(w);
	}
	json__array_end(w);
}

void output_json__summary(struct json_writer *w, struct enrich *en, const struct trace_summary *sum)
{
	const struct timeline_totals *t = sum->totals;
	char reason[96], loc[128];

	json__object_begin(w, NULL);
	json__string(w, "type", "summary");
	json__uint(w, "events", t->events);
	json__uint(w, "lost_events", sum->lost_events);
	json__uint(w, "bad_events", sum->bad_events);
	json__uint(w, "packets", t->packets);
	json__uint(w, "dropped", t->dropped);
	json__uint(w, "delivered", t->delivered);
	json__uint(w, "unknown", t->unknown);
	json__uint(w, "no_route", t->no_route);
	json__uint(w, "filtered", t->filtered);
	if (sum->scoped)
		json__uint(w, "out_of_scope", sum->out_of_scope);
	json__uint(w, "after_end", t->after_end);
	json__uint(w, "incomplete", t->incomplete);
	json__array_begin(w, "drop_sites");
	for (int i = 0; i < t->site_count; i++) {
		const char *r, *l;

		enrich__drop_site(en, &t->sites[i], reason, sizeof(reason), &r, loc, sizeof(loc),
				  &l);
		json__object_begin(w, NULL);
		json__string(w, "reason", r);
		json__string(w, "location", l);
		json__uint(w, "count", t->sites[i].count);
		json__object_end(w);
	}
	json__array_end(w);
	write_conntrack(w, sum->ct);
	write_node(w, sum->node);
	if (en->check)
		check__json_object(w, "check", en->check);
	if (sum->rules_traced >= 0) {
		json__object_begin(w, "rules");
		json__int(w, "traced_netns", sum->rules_traced);
		json__uint(w, "messages", sum->rules_read);
		json__uint(w, "lost_messages", sum->rules_lost);
		json__uint(w, "unjoined", sum->rules_unjoined);
		json__object_end(w);
	}
	json__object_end(w);
}

static int json_summary(struct sink *s, const struct trace_summary *sum)
{
	struct json_writer w;

	json__init(&w, s->f);
	output_json__summary(&w, s->en, sum);
	json__newline(&w);
	fflush(s->f);
	return -sink__stream_error(s->f);
}

static void json_free(struct sink *s)
{
	free(s);
}

struct sink *output_json__new(FILE *f, struct enrich *en)
{
	struct sink *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	*s = (struct sink){ json_packet, json_summary, json_free, en, f };
	return s;
}

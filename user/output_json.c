// SPDX-License-Identifier: GPL-2.0
/* JSON Lines output: a "hop" object per hop, a "packet" object when a packet's life ends,
 * and a "summary" object last. The schema is docs/output.md; it grows, it never breaks. */
#include <stdlib.h>
#include "addr.h"
#include "json.h"
#include "sink.h"

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

static void write_drop(struct json_writer *w, struct enrich *en, const struct hop_event *ev,
		       bool with_place)
{
	char reason[96], loc[128];

	json__object_begin(w, "drop");
	json__string(w, "reason", enrich__reason(en, ev, reason, sizeof(reason)));
	json__string(w, "location", enrich__location(en, ev, loc, sizeof(loc)));
	if (with_place) {
		json__uint(w, "netns", ev->netns);
		json__string(w, "netns_name", enrich__netns(en, ev->netns));
		json__string(w, "ifname", ev->ifname[0] ? ev->ifname : NULL);
		json__string(w, "layer", enrich__layer(en, ev));
	}
	json__object_end(w);
}

void output_json__hop(struct json_writer *w, struct enrich *en, const struct packet *pkt,
		      const struct hop *hop)
{
	const struct hop_event *ev = &hop->ev;
	char skb[24];

	snprintf(skb, sizeof(skb), "0x%llx", (unsigned long long)ev->skb);
	json__object_begin(w, NULL);
	json__string(w, "type", "hop");
	json__uint(w, "pkt", pkt->id);
	json__uint(w, "ts_ns", enrich__wall_ns(en, ev->ts_ns));
	json__string(w, "hook", enrich__hook_name(ev));
	json__string(w, "layer", enrich__layer(en, ev));
	json__uint(w, "netns", ev->netns);
	json__string(w, "netns_name", enrich__netns(en, ev->netns));
	json__uint(w, "ifindex", ev->ifindex);
	json__string(w, "ifname", ev->ifname[0] ? ev->ifname : NULL);
	json__string(w, "dev_kind", ev->dev_kind[0] ? ev->dev_kind : NULL);
	json__uint(w, "len", ev->len);
	json__uint(w, "cpu", ev->cpu);
	json__string(w, "skb", skb);
	if (ev->mark)
		json__uint(w, "mark", ev->mark);
	if (ev->flags & HOP_F_TUPLE)
		write_tuple(w, "tuple", &ev->tuple);
	if (ev->flags & HOP_F_TUPLE_FROM_SK)
		json__string(w, "tuple_source", "socket");
	if (ev->hook == HOOK_KFREE_SKB)
		write_drop(w, en, ev, false);
	json__object_end(w);
}

static int json_packet(struct sink *s, const struct packet *p)
{
	struct json_writer w;
	const struct hop_event *last = &p->hops[p->hop_count - 1].ev;

	json__init(&w, s->f);
	for (int i = 0; i < p->hop_count; i++) {
		output_json__hop(&w, s->en, p, &p->hops[i]);
		json__newline(&w);
	}
	json__object_begin(&w, NULL);
	json__string(&w, "type", "packet");
	json__uint(&w, "pkt", p->id);
	json__uint(&w, "flow", p->flow_id);
	json__string(&w, "fate", fate__name(p->fate));
	json__uint(&w, "hops", p->hop_count + p->hops_dropped);
	json__bool(&w, "incomplete", p->incomplete);
	json__bool(&w, "reply", p->reply);
	if (p->flow_id)
		write_tuple(&w, "flow_tuple", &p->flow_tuple);
	if (p->fate == FATE_DROPPED)
		write_drop(&w, s->en, last, true);
	json__object_end(&w);
	json__newline(&w);
	fflush(s->f);
	return -sink__stream_error(s->f);
}

static int json_summary(struct sink *s, const struct trace_summary *sum)
{
	const struct timeline_totals *t = sum->totals;
	struct json_writer w;
	char reason[96], loc[128];

	json__init(&w, s->f);
	json__object_begin(&w, NULL);
	json__string(&w, "type", "summary");
	json__uint(&w, "events", t->events);
	json__uint(&w, "lost_events", sum->lost_events);
	json__uint(&w, "bad_events", sum->bad_events);
	json__uint(&w, "packets", t->packets);
	json__uint(&w, "dropped", t->dropped);
	json__uint(&w, "delivered", t->delivered);
	json__uint(&w, "unknown", t->unknown);
	json__uint(&w, "incomplete", t->incomplete);
	json__array_begin(&w, "drop_sites");
	for (int i = 0; i < t->site_count; i++) {
		struct hop_event ev = { .hook = HOOK_KFREE_SKB, .reason = t->sites[i].reason,
					.location = t->sites[i].location,
					.flags = t->sites[i].has_reason ? HOP_F_HAS_REASON : 0 };

		json__object_begin(&w, NULL);
		json__string(&w, "reason", enrich__reason(s->en, &ev, reason, sizeof(reason)));
		json__string(&w, "location", enrich__location(s->en, &ev, loc, sizeof(loc)));
		json__uint(&w, "count", t->sites[i].count);
		json__object_end(&w);
	}
	json__array_end(&w);
	json__object_end(&w);
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

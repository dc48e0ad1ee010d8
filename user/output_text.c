// SPDX-License-Identifier: GPL-2.0
/* The human timeline: a flow header when the flow changes, one line per hop with the
 * time since the packet's first hop, and a verdict line per packet. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "addr.h"
#include "sink.h"

struct text_sink {
	struct sink base;
	__u64 last_flow;
};

int sink__stream_error(FILE *f)
{
	if (!ferror(f))
		return 0;
	return errno ? errno : EIO;
}

static void format_tuple(const struct hop_tuple *t, char *buf, size_t size)
{
	char src[64], dst[64];
	const char *proto = addr__proto_name(t->proto);
	char num[8];

	if (!proto) {
		snprintf(num, sizeof(num), "ip%u", t->proto);
		proto = num;
	}
	addr__format(t->family, t->saddr, src, sizeof(src));
	addr__format(t->family, t->daddr, dst, sizeof(dst));
	if (t->sport || t->dport) {
		if (t->family == HOP_AF_INET6)
			snprintf(buf, size, "%s [%s]:%u -> [%s]:%u", proto, src, t->sport, dst,
				 t->dport);
		else
			snprintf(buf, size, "%s %s:%u -> %s:%u", proto, src, t->sport, dst, t->dport);
	} else {
		snprintf(buf, size, "%s %s -> %s", proto, src, dst);
	}
}

static const char *netns_label(struct enrich *en, __u32 inode, char *buf, size_t size)
{
	const char *name = enrich__netns(en, inode);

	if (name)
		return name;
	if (!inode)
		return "-";
	snprintf(buf, size, "netns:%u", inode);
	return buf;
}

static void print_hop(struct text_sink *ts, const struct hop *first, const struct hop *h)
{
	struct enrich *en = ts->base.en;
	const struct hop_event *ev = &h->ev;
	char ns[48], dev[48], reason[96], loc[128];
	const char *r;
	double us = (double)(ev->ts_ns - first->ev.ts_ns) / 1000.0;

	if (ev->ifname[0] && ev->dev_kind[0])
		snprintf(dev, sizeof(dev), "%s(%s)", ev->ifname, ev->dev_kind);
	else
		snprintf(dev, sizeof(dev), "%s", ev->ifname[0] ? ev->ifname : "-");
	fprintf(ts->base.f, "    %+12.3fus  %-14s %-20s %-14s %-7s len %u", us,
		netns_label(en, ev->netns, ns, sizeof(ns)), dev, enrich__hook_name(ev),
		enrich__layer(en, ev), ev->len);
	r = enrich__reason(en, ev, reason, sizeof(reason));
	if (r)
		fprintf(ts->base.f, "  %s", r);
	if (ev->hook == HOOK_KFREE_SKB && enrich__location(en, ev, loc, sizeof(loc)))
		fprintf(ts->base.f, " at %s", loc);
	fprintf(ts->base.f, "\n");
}

static void print_verdict(struct text_sink *ts, const struct packet *p)
{
	struct enrich *en = ts->base.en;
	const struct hop_event *last = &p->hops[p->hop_count - 1].ev;
	char ns[48], reason[96], loc[128];
	const char *r, *l;

	fprintf(ts->base.f, "    => ");
	if (p->fate == FATE_DROPPED) {
		r = enrich__reason(en, last, reason, sizeof(reason));
		l = enrich__location(en, last, loc, sizeof(loc));
		fprintf(ts->base.f, "DROPPED in %s (netns %s, dev %s): %s at %s",
			enrich__layer(en, last), netns_label(en, last->netns, ns, sizeof(ns)),
			last->ifname[0] ? last->ifname : "-", r ? r : "reason unknown",
			l ? l : "?");
	} else if (p->fate == FATE_DELIVERED) {
		fprintf(ts->base.f, "delivered (consumed in netns %s)",
			netns_label(en, last->netns, ns, sizeof(ns)));
	} else {
		fprintf(ts->base.f, "unknown: not freed while traced (last seen %s in netns %s)",
			enrich__hook_name(last), netns_label(en, last->netns, ns, sizeof(ns)));
	}
	if (p->incomplete)
		fprintf(ts->base.f, " [incomplete: events were lost]");
	fprintf(ts->base.f, "\n");
}

static int text_packet(struct sink *s, const struct packet *p)
{
	struct text_sink *ts = (struct text_sink *)s;
	char tuple[160];

	if (p->flow_id != ts->last_flow || !p->flow_id) {
		if (p->flow_id)
			format_tuple(&p->flow_tuple, tuple, sizeof(tuple));
		else
			snprintf(tuple, sizeof(tuple), "(no IP header seen)");
		fprintf(s->f, "flow %llu  %s\n", (unsigned long long)p->flow_id, tuple);
		ts->last_flow = p->flow_id;
	}
	fprintf(s->f, "  packet %llu%s  skb 0x%llx  %d hop%s%s\n", (unsigned long long)p->id,
		p->reply ? " (reply)" : "", (unsigned long long)p->skb, p->hop_count,
		p->hop_count == 1 ? "" : "s", p->hops_dropped ? " (more hops not kept)" : "");
	for (int i = 0; i < p->hop_count; i++)
		print_hop(ts, &p->hops[0], &p->hops[i]);
	print_verdict(ts, p);
	fflush(s->f);
	return -sink__stream_error(s->f);
}

static int text_summary(struct sink *s, const struct trace_summary *sum)
{
	const struct timeline_totals *t = sum->totals;
	char reason[96], loc[128];

	fprintf(s->f, "\nsummary: %.1fs, %llu events, %llu lost, %llu packets: %llu dropped, "
		      "%llu delivered, %llu unknown",
		sum->seconds, (unsigned long long)t->events, (unsigned long long)sum->lost_events,
		(unsigned long long)t->packets, (unsigned long long)t->dropped,
		(unsigned long long)t->delivered, (unsigned long long)t->unknown);
	if (t->incomplete)
		fprintf(s->f, " (%llu incomplete)", (unsigned long long)t->incomplete);
	fprintf(s->f, "\n");
	for (int i = 0; i < t->site_count; i++) {
		struct hop_event ev = { .hook = HOOK_KFREE_SKB, .reason = t->sites[i].reason,
					.location = t->sites[i].location,
					.flags = t->sites[i].has_reason ? HOP_F_HAS_REASON : 0 };
		const char *r = enrich__reason(s->en, &ev, reason, sizeof(reason));
		const char *l = enrich__location(s->en, &ev, loc, sizeof(loc));

		fprintf(s->f, "  drop site: %-24s at %-40s x%llu\n", r ? r : "reason unknown",
			l ? l : "?", (unsigned long long)t->sites[i].count);
	}
	fflush(s->f);
	return -sink__stream_error(s->f);
}

static void text_free(struct sink *s)
{
	free(s);
}

struct sink *output_text__new(FILE *f, struct enrich *en)
{
	struct text_sink *ts = calloc(1, sizeof(*ts));

	if (!ts)
		return NULL;
	ts->base = (struct sink){ text_packet, text_summary, text_free, en, f };
	return &ts->base;
}

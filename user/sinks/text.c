// SPDX-License-Identifier: GPL-2.0
/* The human timeline: a line naming the hop columns, a flow header when the flow changes,
 * one line per hop with the time since the packet's first hop, and a verdict line per
 * packet. Lengths are the packet's bytes from its IP header on, wherever the hop saw it,
 * so that a transmit (link-layer header pushed) and a receive (pulled) read alike. */
#define _GNU_SOURCE /* fwrite_unlocked: the sink is the stream's one writer */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cli/addr.h"
#include "host/conntrack_stats.h"
#include "pipeline/hopview.h"
#include "sinks/sink.h"
#include "check/check.h"
#include "pipeline/verdict.h"
#include "util/line_builder.h"

struct text_sink {
	struct sink base;
	__u64 last_flow;
	bool header_written;
};

#define ETH_HEADER_LEN 14

/* The hop line's columns, and the header that names them. */
#define HOP_COLUMNS "    %14s  %-14s %-20s %-14s %-8s"
#define DETAILS_COLUMN " %-9s  %s\n"

static const char *plural(__u64 n)
{
	return n == 1 ? "" : "s";
}

/* Bytes from the IP header to the end of the packet, or 0 when the hop saw no IP header
 * (then skb->len would count whatever header the skb started at). */
static __u32 ip_length(const struct hop_event *ev)
{
	if (!ev->wire_len)
		return 0;
	if (ev->flags & HOP_F_L2)
		return ev->wire_len > ETH_HEADER_LEN ? ev->wire_len - ETH_HEADER_LEN : 0;
	return ev->wire_len;
}

static void write_header(struct text_sink *ts)
{
	if (ts->header_written)
		return;
	ts->header_written = true;
	fprintf(ts->base.f, HOP_COLUMNS DETAILS_COLUMN, "+time", "netns", "device(kind)", "hook",
		"layer", "IP length", "details");
}

int sink__stream_error(FILE *f)
{
	if (!ferror(f))
		return 0;
	return errno ? errno : EIO;
}

/* One hop line, in the columns of HOP_COLUMNS and DETAILS_COLUMN, built without printf (the
 * line of every hop: util/line_builder.h says why). */
static void print_view(struct text_sink *ts, const struct hop *first, const struct hop_view *v)
{
	struct enrich *en = ts->base.en;
	const struct hop_event *ev = &v->hop->ev;
	char ns[48], dev[48], details[320], len[16], time[24], line[1024];
	struct line_builder l;
	__u32 ip_len = ip_length(ev);

	line__init(&l, dev, sizeof(dev));
	line__str(&l, ev->ifname[0] ? ev->ifname : "-");
	if (ev->ifname[0] && ev->dev_kind[0]) {
		line__char(&l, '(');
		line__str(&l, ev->dev_kind);
		line__char(&l, ')');
	}
	line__init(&l, len, sizeof(len));
	if (v->kind == HOP_VIEW_KERNEL && ev->hook != HOOK_FIB && ip_len) {
		line__str(&l, "len ");
		line__u64(&l, ip_len);
	}
	line__init(&l, time, sizeof(time));
	line__us3(&l, (__s64)(ev->ts_ns - first->ev.ts_ns));
	line__str(&l, "us");
	hopview__details(en, v, details, sizeof(details));

	line__init(&l, line, sizeof(line));
	line__str(&l, "    ");
	line__right(&l, time, 14);
	line__str(&l, "  ");
	line__left(&l, enrich__netns_label(en, ev->netns, ns, sizeof(ns)), 14);
	line__char(&l, ' ');
	line__left(&l, dev, 20);
	line__char(&l, ' ');
	line__left(&l, v->name, 14);
	line__char(&l, ' ');
	line__left(&l, v->layer, 8);
	line__char(&l, ' ');
	/* The details line up in one column; no trailing blanks when there are none. */
	if (details[0]) {
		line__left(&l, len, 9);
		line__str(&l, "  ");
		line__str(&l, details);
	} else {
		line__str(&l, len);
	}
	line__char(&l, '\n');
	fwrite_unlocked(line, 1, l.len, ts->base.f);
}

/* --check: the failed check item that explains this drop, under its verdict. */
static void print_check(FILE *f, const struct enrich *en, const struct verdict *v)
{
	const struct check_line *l;

	if (!en->check || v->fate != FATE_DROPPED)
		return;
	l = check__explains(en->check, v->reason, v->location[0] ? v->location : NULL,
			    v->ct_table_full || v->ct_insert_fail);
	if (l)
		fprintf(f, "       check: fail %s (%s): %s\n", l->item, l->where, l->fact);
}

/* The packet's ICMP message; an error answers the packet it quotes, in this flow. */
static void print_icmp(FILE *f, const struct packet *p)
{
	char what[128], quoted[160];

	if (!p->icmp.role)
		return;
	icmp__describe(&p->icmp, what, sizeof(what));
	if (!icmp__answers(&p->icmp)) {
		fprintf(f, "    icmp: %s\n", what);
		return;
	}
	hopview__format_tuple(&p->icmp.quoted, quoted, sizeof(quoted));
	fprintf(f, "    answer: %s, quoting %s\n", what, quoted);
}

static int text_packet(struct sink *s, const struct judged_packet *jp)
{
	struct text_sink *ts = (struct text_sink *)s;
	const struct packet *p = jp->pkt;
	char tuple[160], line[1024];

	write_header(ts);
	if (p->flow_id != ts->last_flow || !p->flow_id) {
		if (p->flow_id)
			hopview__format_tuple(&p->flow_tuple, tuple, sizeof(tuple));
		else
			snprintf(tuple, sizeof(tuple), "(no IP header seen)");
		fprintf(s->f, "flow %llu  %s\n", (unsigned long long)p->flow_id, tuple);
		ts->last_flow = p->flow_id;
	}
	fprintf(s->f, "  packet %llu%s  skb 0x%llx  %d hop%s%s\n", (unsigned long long)p->id,
		p->reply ? " (reply)" : "", (unsigned long long)p->skb, p->hop_count,
		p->hop_count == 1 ? "" : "s", p->hops_dropped ? " (more hops not kept)" : "");
	print_icmp(s->f, p);
	for (int i = 0; i < jp->view_count; i++)
		print_view(ts, &p->hops[0], &jp->views[i]);
	verdict__describe(&jp->verdict, line, sizeof(line));
	fprintf(s->f, "    => %s%s\n", line,
		p->incomplete ? " [incomplete: events were lost]" : "");
	print_check(s->f, s->en, &jp->verdict);
	for (int i = 0; i < p->hop_count; i++) {
		if (!p->hops[i].note)
			continue;
		verdict__note(s->en, &p->hops[i], line, sizeof(line));
		fprintf(s->f, "       note: %s\n", line);
	}
	/* Flushed once per poll round by the session, not per packet. */
	return -sink__stream_error(s->f);
}

static void print_conntrack(FILE *f, const struct ctstat *ct)
{
	for (int i = 0; ct && i < ct->count; i++) {
		const struct ctstat_ns *ns = &ct->ns[i];

		if (!ns->end.present)
			continue;
		if (ns->end.insert_failed == ns->start.insert_failed &&
		    ns->end.drop == ns->start.drop && ns->end.early_drop == ns->start.early_drop &&
		    ns->end.count < ns->end.max)
			continue;
		fprintf(f,
			"  conntrack in %s: insert_failed +%llu, drop +%llu, early_drop +%llu, "
			"entries %llu of %llu\n",
			ns->path,
			(unsigned long long)(ns->end.insert_failed - ns->start.insert_failed),
			(unsigned long long)(ns->end.drop - ns->start.drop),
			(unsigned long long)(ns->end.early_drop - ns->start.early_drop),
			(unsigned long long)ns->end.count, (unsigned long long)ns->end.max);
	}
}

static int text_summary(struct sink *s, const struct trace_summary *sum)
{
	const struct timeline_totals *t = sum->totals;
	char reason[96], loc[128];

	fprintf(s->f,
		"\nsummary: %.1fs, %llu event%s, %llu lost, %llu packet%s: %llu dropped, "
		"%llu delivered, %llu unknown",
		sum->seconds, (unsigned long long)t->events, plural(t->events),
		(unsigned long long)sum->lost_events, (unsigned long long)t->packets,
		plural(t->packets), (unsigned long long)t->dropped,
		(unsigned long long)t->delivered, (unsigned long long)t->unknown);
	if (t->incomplete)
		fprintf(s->f, " (%llu incomplete)", (unsigned long long)t->incomplete);
	/* Packets the filter expression refused are not among the packets counted above. */
	fprintf(s->f, "; %llu filtered out", (unsigned long long)t->filtered);
	if (sum->scoped)
		fprintf(s->f, "; %llu hop%s outside --only-netns not shown", sum->out_of_scope,
			plural(sum->out_of_scope));
	fprintf(s->f, "\n");
	if (t->no_route)
		fprintf(s->f, "  %llu send%s found no route\n", (unsigned long long)t->no_route,
			plural(t->no_route));
	if (sum->rules_traced >= 0)
		fprintf(s->f,
			"  rules: traced in %d namespace%s, %lu decision%s read, kernel dropped "
			"messages %lu time%s, %lu found no traced packet\n",
			sum->rules_traced, plural(sum->rules_traced), sum->rules_read,
			plural(sum->rules_read), sum->rules_lost, plural(sum->rules_lost),
			sum->rules_unjoined);
	print_conntrack(s->f, sum->ct);
	/* --check: what did not pass, whether or not a drop showed it. */
	for (int i = 0; s->en->check && i < s->en->check->count; i++) {
		const struct check_line *l = &s->en->check->lines[i];

		if (l->status != CHECK_OK)
			fprintf(s->f, "  check: %s %s (%s): %s\n", check__status_name(l->status),
				l->item, l->where, l->fact);
	}
	for (int i = 0; i < t->site_count; i++) {
		const char *r, *l;

		enrich__drop_site(s->en, &t->sites[i], reason, sizeof(reason), &r, loc, sizeof(loc),
				  &l);

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

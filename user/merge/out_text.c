// SPDX-License-Identifier: GPL-2.0
/* The merged timeline as text: the nodes and their clocks, then per flow its packets, each
 * hop with its node, on the first input's clock, and one verdict for the whole path. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "merge/merge.h"
#include "merge/merge_text.h"
#include "util/appendf.h"

static void tuple_text(const cJSON *t, char *buf, size_t size)
{
	const cJSON *proto = cJSON_GetObjectItemCaseSensitive(t, "proto");
	char p[16];

	if (cJSON_IsString(proto))
		snprintf(p, sizeof(p), "%s", proto->valuestring);
	else
		snprintf(p, sizeof(p), "proto %lld", mj__int(t, "proto", 0));
	if (mj__int(t, "sport", 0) || mj__int(t, "dport", 0))
		snprintf(buf, size, "%s %s:%lld -> %s:%lld", p, mj__str(t, "src") ?: "?",
			 mj__int(t, "sport", 0), mj__str(t, "dst") ?: "?", mj__int(t, "dport", 0));
	else
		snprintf(buf, size, "%s %s -> %s", p, mj__str(t, "src") ?: "?",
			 mj__str(t, "dst") ?: "?");
}

void merge_text__details(const cJSON *hop, char *buf, size_t size)
{
	const char *hook = mj__str(hop, "hook") ?: "";
	const cJSON *o, *t;
	char a[160], b[160];

	buf[0] = 0;
	if ((o = mj__obj(hop, "nf"))) {
		appendf(buf, size, "%s %s %s", mj__str(o, "family") ?: "", mj__str(o, "hook") ?: "",
			mj__str(o, "verdict") ?: "");
		if (mj__str(o, "table"))
			appendf(buf, size, " (table %s)", mj__str(o, "table"));
	}
	if ((o = mj__obj(hop, "drop")))
		appendf(buf, size, "%s at %s%s%s", mj__str(o, "reason") ?: "(no reason)",
			mj__str(o, "location") ?: "?", mj__str(o, "note") ? ", " : "",
			mj__str(o, "note") ?: "");
	if ((o = mj__obj(hop, "nat"))) {
		tuple_text(mj__obj(o, "before"), a, sizeof(a));
		tuple_text(mj__obj(o, "after"), b, sizeof(b));
		appendf(buf, size, "%s %s => %s", mj__str(o, "kind") ?: "nat", a, b);
	}
	if (!strcmp(hook, "vxlan_encap") || !strcmp(hook, "vxlan_decap") ||
	    !strcmp(hook, "geneve_encap") || !strcmp(hook, "geneve_decap")) {
		o = mj__obj(hop, "vxlan") ?: mj__obj(hop, "geneve");
		t = o ? mj__obj(o, "outer") : NULL;
		if (t) {
			tuple_text(t, a, sizeof(a));
			appendf(buf, size, "vni %lld outer %s", mj__int(o, "vni", 0), a);
		}
	}
	if ((o = mj__obj(hop, "fib")))
		appendf(buf, size, "table %lld%s", mj__int(o, "table", 0),
			mj__int(o, "err", 0) ? ": lookup failed" : "");
	if ((o = mj__obj(hop, "rule")))
		appendf(buf, size, "%s %s: chain %s %s", mj__str(o, "table_family") ?: "",
			mj__str(o, "table") ?: "", mj__str(o, "chain") ?: "?",
			mj__str(o, "rule")		   ?:
				mj__str(o, "rule_verdict") ?:
							     "");
	if ((o = mj__obj(hop, "bpf")))
		appendf(buf, size, "program %lld \"%s\" returned %s", mj__int(o, "prog_id", 0),
			mj__str(o, "name") ?: "?", mj__str(o, "ret_name") ?: "?");
}

/* What a hop's line and its details read of it. */
static const char *const hop_members[] = { "dev_kind", "ifname", "netns_name", "hook",	"layer",
					   "nf",       "drop",	 "nat",	       "vxlan", "geneve",
					   "fib",      "rule",	 "bpf" };

/* Return: 0, or -EIO when the hop's text cannot be read again. */
static int print_hop(FILE *f, const struct merge_input *in, const struct merge_hop *h, long long t0)
{
	cJSON *owned;
	const cJSON *o = merge_hop__members(in, h, hop_members,
					    sizeof(hop_members) / sizeof(hop_members[0]), &owned);
	const char *kind = mj__str(o, "dev_kind");
	char dev[96], details[512], time[32];

	if (!o)
		return -EIO;
	if (kind && mj__str(o, "ifname"))
		snprintf(dev, sizeof(dev), "%s(%s)", mj__str(o, "ifname"), kind);
	else
		snprintf(dev, sizeof(dev), "%s", mj__str(o, "ifname") ?: "-");
	snprintf(time, sizeof(time), "%+.3fus", (double)(merge__ts(in, h->ts_ns) - t0) / 1000.0);
	merge_text__details(o, details, sizeof(details));
	fprintf(f, "    %-13s %-10s %-14s %-20s %-14s ", time, in->label,
		mj__str(o, "netns_name") ?: "?", dev, mj__str(o, "hook") ?: "?");
	/* The details line up in one column; no trailing blanks when there are none. */
	if (details[0])
		fprintf(f, "%-8s %s\n", mj__str(o, "layer") ?: "?", details);
	else
		fprintf(f, "%s\n", mj__str(o, "layer") ?: "?");
	cJSON_Delete(owned);
	return 0;
}

/* The node's clock in words. */
void merge_text__clock(const struct merge_set *set, const struct merge_input *in, char *buf,
		       size_t size)
{
	const char *via = in->clock_via >= 0 ? set->inputs[in->clock_via].label : "?";

	switch (in->clock_source) {
	case MERGE_CLOCK_REFERENCE:
		snprintf(buf, size, "the reference clock");
		break;
	case MERGE_CLOCK_PACKETS:
		snprintf(
			buf, size,
			"clock %+.9f s +- %.6f s against %s (from %d packet pairs there, %d back)%s",
			(double)in->offset_ns / 1e9, (double)in->bound_ns / 1e9, via, in->pairs_out,
			in->pairs_back,
			in->clock_contradicts ? "; the two ways contradict each other" : "");
		break;
	case MERGE_CLOCK_ONE_WAY:
		snprintf(
			buf, size,
			"clock %+.9f s against %s, not bounded: packets went one way only (%d of them)",
			(double)in->offset_ns / 1e9, via, in->pairs_out + in->pairs_back);
		break;
	case MERGE_CLOCK_WALL:
		snprintf(buf, size, "its own wall clock: no packet joins it to another node");
		break;
	}
}

int merge__write_text(const struct merge_set *set, FILE *f)
{
	unsigned long long last_flow = ~0ull;
	unsigned long counts[5] = { 0 }, joined = 0;
	static const char *const fates[5] = { "dropped", "delivered", "no_route", "lost",
					      "unknown" };
	char buf[512];

	for (int i = 0; i < set->input_count; i++) {
		const struct merge_input *in = &set->inputs[i];

		merge_text__clock(set, in, buf, sizeof(buf));
		fprintf(f,
			"node %s: %s: host %s, kernel %s, boot %.8s; %s; %d packet%s, %d joined\n",
			in->label, in->path, in->hostname ?: "?", in->kernel ?: "?",
			in->boot_id ?: "?", buf, in->part_count, in->part_count == 1 ? "" : "s",
			in->joined);
	}
	for (int i = 0; i < set->packet_count; i++) {
		const struct merge_packet *mp = &set->packets[i];
		cJSON *owned;
		const cJSON *packet =
			merge_part__packet(&set->inputs[mp->parts[0]->input], mp->parts[0], &owned);
		const cJSON *ft = mj__obj(packet, "flow_tuple");
		int hops = 0;

		if (mp->flow != last_flow) {
			if (ft)
				tuple_text(ft, buf, sizeof(buf));
			else
				snprintf(buf, sizeof(buf), "(no IP header seen)");
			fprintf(f, "flow %llu  %s\n", mp->flow, buf);
			last_flow = mp->flow;
		}
		for (int k = 0; k < mp->part_count; k++)
			hops += mp->parts[k]->hop_count;
		fprintf(f, "  packet %llu%s ", mp->id,
			cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(packet, "reply")) ?
				" (reply)" :
				"");
		cJSON_Delete(owned);
		for (int k = 0; k < mp->part_count; k++)
			fprintf(f, "%s %s #%llu", k ? " ->" : "",
				set->inputs[mp->parts[k]->input].label, mp->parts[k]->pkt);
		fprintf(f, "  %d hop%s\n", hops, hops == 1 ? "" : "s");
		for (int k = 0; k < mp->part_count; k++) {
			const struct merge_part *p = mp->parts[k];

			for (int h = 0; h < p->hop_count; h++)
				if (print_hop(f, &set->inputs[p->input], &p->hops[h], mp->first_ts))
					return -EIO;
		}
		fprintf(f, "    => %s\n", mp->verdict);
		for (int k = 0; k < 5; k++)
			if (!strcmp(mp->fate, fates[k]))
				counts[k]++;
		joined += mp->part_count > 1;
	}
	fprintf(f,
		"summary: %d nodes, %d packets (%lu seen on more than one node): %lu dropped, %lu "
		"delivered, %lu lost between nodes, %lu unknown",
		set->input_count, set->packet_count, joined, counts[0], counts[1], counts[3],
		counts[4]);
	if (counts[2])
		fprintf(f, ", %lu no route", counts[2]);
	if (set->conflicts)
		fprintf(f, "; %lu joins refused (they would hold a node twice)", set->conflicts);
	fputc('\n', f);
	fflush(f);
	return ferror(f) ? -EIO : 0;
}

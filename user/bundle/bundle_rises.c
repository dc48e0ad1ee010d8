// SPDX-License-Identifier: GPL-2.0
/* What rose between the start and the end snapshot, set against the drops the trace saw at
 * the same place: a drop counter that rose more than that counted drops no hook saw (a NIC
 * ring, a backlog, a path the kernel frees without a reason). The comparison is per
 * namespace, and per device for device counters; it cannot tell which packets the counter
 * counted, so traffic the trace did not follow shows here too (docs/bundle.md). */
#define _GNU_SOURCE
#include <string.h>
#include "bundle/bundle_priv.h"

static bool drop_counter(const char *name)
{
	static const char *const words[] = { "drop",	"discard", "err",     "fail",	"overflow",
					     "noports", "prune",   "squeeze", "missed", "fifo" };

	/* Conntrack evicting an unanswered entry to make room drops no packet. */
	if (!strcmp(name, "early_drop"))
		return false;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasestr(name, words[i]))
			return true;
	return false;
}

static unsigned long traced_drops(const struct bundle *b, __u32 netns, const char *dev)
{
	unsigned long n = 0;

	for (int i = 0; i < b->drop_count; i++)
		if (b->drops[i].netns == netns && (!dev || !strcmp(b->drops[i].ifname, dev)))
			n += b->drops[i].count;
	return n;
}

struct place {
	const struct bundle *b;
	const struct bundle_netns *ns;
	const char *kind;
	const char *dev; /* NULL: the namespace as a whole */
	cJSON *out;
};

static void add_rise(struct place *p, const char *name, double start, double end)
{
	cJSON *r;
	unsigned long seen;

	if (end <= start)
		return;
	seen = traced_drops(p->b, p->ns->inode, p->dev);
	r = cJSON_CreateObject();
	cJSON_AddStringToObject(r, "netns", p->ns->label);
	cJSON_AddStringToObject(r, "kind", p->kind);
	cJSON_AddStringToObject(r, "name", name);
	if (p->dev)
		cJSON_AddStringToObject(r, "device", p->dev);
	else
		cJSON_AddNullToObject(r, "device");
	bundle__add_integer(r, "start", (unsigned long long)start);
	bundle__add_integer(r, "end", (unsigned long long)end);
	bundle__add_integer(r, "rise", (unsigned long long)(end - start));
	bundle__add_integer(r, "traced_drops", seen);
	cJSON_AddBoolToObject(r, "unexplained", drop_counter(name) && end - start > seen);
	cJSON_AddItemToArray(p->out, r);
}

/* Counters present at both ends: one that appeared meanwhile has no start. */
static void flat(struct place *p, const cJSON *start, const cJSON *end)
{
	const cJSON *e, *s;

	cJSON_ArrayForEach(e, end)
	{
		s = cJSON_GetObjectItem(start, e->string);
		if (cJSON_IsNumber(s) && cJSON_IsNumber(e))
			add_rise(p, e->string, s->valuedouble, e->valuedouble);
	}
}

static void per_device(struct place *p, const cJSON *start, const cJSON *end)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, end)
	{
		p->dev = e->string;
		flat(p, cJSON_GetObjectItem(start, e->string), e);
	}
	p->dev = NULL;
}

/* softnet_stat per CPU, summed: which CPU dropped matters less than that one did. */
static void softnet(struct place *p, const cJSON *start, const cJSON *end)
{
	static const char *const fields[] = { "processed", "dropped", "time_squeeze" };
	const cJSON *row;

	if (!start || !end)
		return;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		double s = 0, e = 0;

		cJSON_ArrayForEach(row, start)
			s += cJSON_GetNumberValue(cJSON_GetObjectItem(row, fields[i]));
		cJSON_ArrayForEach(row, end)
			e += cJSON_GetNumberValue(cJSON_GetObjectItem(row, fields[i]));
		add_rise(p, fields[i], s, e);
	}
}

static void netns_rises(struct bundle *b, const struct bundle_netns *ns, cJSON *out)
{
	static const char *const flat_kinds[] = { "snmp", "netstat", "snmp6" };
	char name[PATH_MAX];
	cJSON *start, *end;
	struct place p = { b, ns, NULL, NULL, out };

	snprintf(name, sizeof(name), "netns/%s/start/counters.json", ns->dir);
	start = bundle__read_json(b, name);
	snprintf(name, sizeof(name), "netns/%s/end/counters.json", ns->dir);
	end = bundle__read_json(b, name);
	if (start && end) {
		for (size_t i = 0; i < sizeof(flat_kinds) / sizeof(flat_kinds[0]); i++) {
			p.kind = flat_kinds[i];
			flat(&p, cJSON_GetObjectItem(start, p.kind),
			     cJSON_GetObjectItem(end, p.kind));
		}
		p.kind = "dev";
		per_device(&p, cJSON_GetObjectItem(start, "dev"), cJSON_GetObjectItem(end, "dev"));
		p.kind = "ethtool";
		per_device(&p, cJSON_GetObjectItem(start, "ethtool"),
			   cJSON_GetObjectItem(end, "ethtool"));
		p.kind = "softnet";
		softnet(&p, cJSON_GetObjectItem(start, "softnet"),
			cJSON_GetObjectItem(end, "softnet"));
	}
	cJSON_Delete(start);
	cJSON_Delete(end);
	/* Conntrack's statistics: drop (no room for a new entry) and insert_failed (the entry
	 * clashed at confirm) are packets it dropped. */
	snprintf(name, sizeof(name), "netns/%s/start/conntrack.json", ns->dir);
	start = bundle__read_json(b, name);
	snprintf(name, sizeof(name), "netns/%s/end/conntrack.json", ns->dir);
	end = bundle__read_json(b, name);
	if (start && end) {
		p.kind = "conntrack";
		flat(&p, cJSON_GetObjectItem(start, "stats"), cJSON_GetObjectItem(end, "stats"));
	}
	cJSON_Delete(start);
	cJSON_Delete(end);
}

cJSON *bundle_rises__build(struct bundle *b)
{
	cJSON *top = cJSON_CreateObject(), *rises = cJSON_AddArrayToObject(top, "rises");

	for (int i = 0; i < b->netns_count; i++)
		netns_rises(b, &b->netns[i], rises);
	return top;
}

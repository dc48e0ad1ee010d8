// SPDX-License-Identifier: GPL-2.0
/* The merged timeline as JSON Lines (docs/output.md "hoptrace merge"): a node record per
 * input, then per packet its hops (each the node's own hop object, with its node, the
 * merged packet id and the time on the reference clock) and its packet object, and a
 * summary. Times are written from integers: cJSON's doubles would round ns since 1970. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "merge/line_scan.h"
#include "merge/merge.h"
#include "merge/merge_text.h"

static const char *const clock_names[] = {
	[MERGE_CLOCK_REFERENCE] = "reference",
	[MERGE_CLOCK_PACKETS] = "packets",
	[MERGE_CLOCK_ONE_WAY] = "one_way",
	[MERGE_CLOCK_WALL] = "wall_clock",
};

static void set_raw_int(cJSON *obj, const char *key, long long v)
{
	char text[32];

	snprintf(text, sizeof(text), "%lld", v);
	if (cJSON_GetObjectItemCaseSensitive(obj, key))
		cJSON_ReplaceItemInObjectCaseSensitive(obj, key, cJSON_CreateRaw(text));
	else
		cJSON_AddRawToObject(obj, key, text);
}

static void set_number(cJSON *obj, const char *key, double v)
{
	if (cJSON_GetObjectItemCaseSensitive(obj, key))
		cJSON_ReplaceItemInObjectCaseSensitive(obj, key, cJSON_CreateNumber(v));
	else
		cJSON_AddNumberToObject(obj, key, v);
}

static void set_string(cJSON *obj, const char *key, const char *v)
{
	if (cJSON_GetObjectItemCaseSensitive(obj, key))
		cJSON_ReplaceItemInObjectCaseSensitive(obj, key, cJSON_CreateString(v));
	else
		cJSON_AddStringToObject(obj, key, v);
}

/* A string as cJSON prints it when it needs no escape; false when it does. */
static bool plain_string(const char *s, char *buf, size_t size)
{
	for (const char *c = s; *c; c++)
		if ((unsigned char)*c < 32 || *c == '"' || *c == '\\')
			return false;
	return (size_t)snprintf(buf, size, "\"%s\"", s) < size;
}

/* The hop's line with the members set, without parsing it, where the line allows. */
static char *hop_as_set(const struct merge_input *in, const struct merge_packet *mp,
			const struct merge_part *p, const struct merge_hop *h)
{
	char id[32], ts[32], node[sizeof(in->label) + 3], node_pkt[32], node_ts[32];
	const char *text;

	/* Ids of 16 digits and more are printed by cJSON's rules: cJSON does it. */
	if (h->obj || mp->id >= 1000000000000000ull || p->pkt >= 1000000000000000ull ||
	    !plain_string(in->label, node, sizeof(node)))
		return NULL;
	text = merge__text_of(in, &h->text);
	if (!text)
		return NULL;
	snprintf(id, sizeof(id), "%llu", mp->id);
	snprintf(ts, sizeof(ts), "%lld", merge__ts(in, h->ts_ns));
	snprintf(node_pkt, sizeof(node_pkt), "%llu", p->pkt);
	snprintf(node_ts, sizeof(node_ts), "%lld", h->ts_ns);
	return merge_line__set(text, h->text.len,
			       (const struct merge_member[]){ { "pkt", id },
							      { "ts_ns", ts },
							      { "node", node },
							      { "node_pkt", node_pkt },
							      { "node_ts_ns", node_ts } },
			       5);
}

char *merge_json__hop(const struct merge_set *set, const struct merge_packet *mp,
		      const struct merge_part *p, int hop)
{
	const struct merge_input *in = &set->inputs[p->input];
	const struct merge_hop *h = &p->hops[hop];
	char *text = hop_as_set(in, mp, p, h);
	const cJSON *obj;
	cJSON *copy;

	if (text)
		return text;
	obj = merge_hop__object(in, h, &copy);
	/* The parsed text is this call's own to change; a kept object is copied. */
	if (obj && !copy)
		copy = cJSON_Duplicate(obj, 1);
	if (!copy)
		return NULL;
	set_number(copy, "pkt", (double)mp->id);
	set_raw_int(copy, "ts_ns", merge__ts(in, h->ts_ns));
	set_string(copy, "node", in->label);
	set_number(copy, "node_pkt", (double)p->pkt);
	set_raw_int(copy, "node_ts_ns", h->ts_ns);
	text = cJSON_PrintUnformatted(copy);
	cJSON_Delete(copy);
	return text;
}

static const char *const place_members[] = { "netns_name", "ifname", "hook" };

/* Where the packet was last seen: its deciding part's last kernel hop. */
static cJSON *place_object(const struct merge_set *set, const struct merge_part *p)
{
	const struct merge_input *in = &set->inputs[p->input];
	const struct merge_hop *h;
	const cJSON *hop;
	cJSON *o = cJSON_CreateObject(), *owned;

	cJSON_AddStringToObject(o, "node", in->label);
	if (!p->hop_count)
		return o; /* a packet object without hops: nowhere to name */
	h = &p->hops[p->last_kernel >= 0 ? p->last_kernel : p->hop_count - 1];
	hop = merge_hop__members(in, h, place_members,
				 sizeof(place_members) / sizeof(place_members[0]), &owned);
	cJSON_AddItemToObject(
		o, "netns_name",
		cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(hop, "netns_name"), 1) ?:
			cJSON_CreateNull());
	cJSON_AddItemToObject(o, "ifname",
			      cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(hop, "ifname"), 1) ?:
				      cJSON_CreateNull());
	cJSON_AddStringToObject(o, "hook", mj__str(hop, "hook") ?: "?");
	set_raw_int(o, "ts_ns", merge__ts(in, h->ts_ns));
	cJSON_Delete(owned);
	return o;
}

char *merge_json__packet(const struct merge_set *set, const struct merge_packet *mp)
{
	const struct merge_part *decider = mp->parts[mp->fate_part];
	cJSON *o = cJSON_CreateObject(), *nodes, *parts, *owned[MERGE_MAX_INPUTS] = { NULL };
	const cJSON *v, *packet[MERGE_MAX_INPUTS];
	int hops = 0;
	char *text;

	if (!o)
		return NULL;
	/* Each part's packet object: a packet crosses each node once. */
	for (int k = 0; k < mp->part_count && k < MERGE_MAX_INPUTS; k++) {
		packet[k] = merge_part__packet(&set->inputs[mp->parts[k]->input], mp->parts[k],
					       &owned[k]);
		if (!packet[k]) {
			for (int j = 0; j < k; j++)
				cJSON_Delete(owned[j]);
			cJSON_Delete(o);
			return NULL;
		}
	}
	cJSON_AddStringToObject(o, "type", "packet");
	cJSON_AddNumberToObject(o, "pkt", (double)mp->id);
	cJSON_AddNumberToObject(o, "flow", (double)mp->flow);
	cJSON_AddStringToObject(o, "fate", mp->fate);
	nodes = cJSON_AddArrayToObject(o, "nodes");
	parts = cJSON_AddArrayToObject(o, "parts");
	for (int k = 0; k < mp->part_count; k++) {
		const struct merge_part *p = mp->parts[k];
		cJSON *po = cJSON_CreateObject();

		cJSON_AddItemToArray(nodes, cJSON_CreateString(set->inputs[p->input].label));
		cJSON_AddStringToObject(po, "node", set->inputs[p->input].label);
		cJSON_AddNumberToObject(po, "pkt", (double)p->pkt);
		cJSON_AddStringToObject(po, "fate", p->fate ?: "unknown");
		cJSON_AddNumberToObject(po, "hops", (double)mj__int(packet[k], "hops", 0));
		cJSON_AddBoolToObject(po, "left_node", p->left_node);
		cJSON_AddItemToArray(parts, po);
		hops += p->hop_count;
	}
	cJSON_AddNumberToObject(o, "hops", hops);
	cJSON_AddBoolToObject(o, "reply",
			      cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(packet[0], "reply")));
	if ((v = mj__obj(packet[0], "flow_tuple")))
		cJSON_AddItemToObject(o, "flow_tuple", cJSON_Duplicate(v, 1));
	if ((v = mj__obj(packet[0], "icmp")))
		cJSON_AddItemToObject(o, "icmp", cJSON_Duplicate(v, 1));
	if (!strcmp(mp->fate, "dropped") && (v = mj__obj(packet[mp->fate_part], "drop"))) {
		cJSON *drop = cJSON_Duplicate(v, 1);

		set_string(drop, "node", set->inputs[decider->input].label);
		cJSON_AddItemToObject(o, "drop", drop);
	}
	if (!strcmp(mp->fate, "lost")) {
		cJSON *lost = place_object(set, decider);

		cJSON_AddStringToObject(lost, "from", set->inputs[decider->input].label);
		cJSON_AddStringToObject(lost, "to", set->inputs[mp->lost_to].label);
		cJSON_AddItemToObject(o, "lost", lost);
	}
	cJSON_AddItemToObject(o, "last_seen", place_object(set, mp->parts[mp->part_count - 1]));
	cJSON_AddStringToObject(o, "verdict", mp->verdict);
	text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	for (int k = 0; k < mp->part_count && k < MERGE_MAX_INPUTS; k++)
		cJSON_Delete(owned[k]);
	return text;
}

static cJSON *node_object(const struct merge_set *set, const struct merge_input *in)
{
	cJSON *o = cJSON_CreateObject(), *clock;
	const cJSON *scope = cJSON_GetObjectItemCaseSensitive(in->node, "scope");

	cJSON_AddStringToObject(o, "type", "node");
	cJSON_AddStringToObject(o, "node", in->label);
	cJSON_AddStringToObject(o, "file", in->path);
	cJSON_AddStringToObject(o, "format", in->pcapng ? "pcapng" : "jsonl");
	cJSON_AddStringToObject(o, "name", in->name);
	cJSON_AddItemToObject(o, "hostname",
			      in->hostname ? cJSON_CreateString(in->hostname) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "boot_id",
			      in->boot_id ? cJSON_CreateString(in->boot_id) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "kernel",
			      in->kernel ? cJSON_CreateString(in->kernel) : cJSON_CreateNull());
	if (scope)
		cJSON_AddItemToObject(o, "scope", cJSON_Duplicate(scope, 1));
	clock = cJSON_AddObjectToObject(o, "clock");
	cJSON_AddStringToObject(clock, "source", clock_names[in->clock_source]);
	set_raw_int(clock, "offset_ns", in->offset_ns);
	if (in->bound_ns >= 0)
		set_raw_int(clock, "bound_ns", in->bound_ns);
	else
		cJSON_AddNullToObject(clock, "bound_ns");
	cJSON_AddItemToObject(clock, "against",
			      in->clock_via >= 0 ?
				      cJSON_CreateString(set->inputs[in->clock_via].label) :
				      cJSON_CreateNull());
	cJSON_AddNumberToObject(clock, "pairs_there", in->pairs_out);
	cJSON_AddNumberToObject(clock, "pairs_back", in->pairs_back);
	cJSON_AddBoolToObject(clock, "contradicts", in->clock_contradicts);
	cJSON_AddNumberToObject(o, "packets", in->part_count);
	cJSON_AddNumberToObject(o, "joined", in->joined);
	return o;
}

static cJSON *summary_object(const struct merge_set *set)
{
	static const char *const fates[] = { "dropped", "delivered", "no_route", "lost",
					     "unknown" };
	cJSON *o = cJSON_CreateObject();
	int joined = 0;

	cJSON_AddStringToObject(o, "type", "summary");
	cJSON_AddNumberToObject(o, "nodes", set->input_count);
	cJSON_AddNumberToObject(o, "packets", set->packet_count);
	for (int i = 0; i < set->packet_count; i++)
		joined += set->packets[i].part_count > 1;
	cJSON_AddNumberToObject(o, "joined", joined);
	for (size_t f = 0; f < sizeof(fates) / sizeof(fates[0]); f++) {
		int n = 0;

		for (int i = 0; i < set->packet_count; i++)
			n += !strcmp(set->packets[i].fate, fates[f]);
		cJSON_AddNumberToObject(o, fates[f], n);
	}
	cJSON_AddNumberToObject(o, "conflicts", (double)set->conflicts);
	cJSON_AddNumberToObject(o, "joined_by_time", (double)set->ambiguous);
	return o;
}

/* Appends the object's compact text and a newline; frees the object. */
static int append_line(FILE *f, cJSON *o)
{
	char *text = o ? cJSON_PrintUnformatted(o) : NULL;

	cJSON_Delete(o);
	if (!text)
		return -ENOMEM;
	fprintf(f, "%s\n", text);
	free(text);
	return 0;
}

char *merge_json__trailer(const struct merge_set *set)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int ret = 0;

	if (!f)
		return NULL;
	for (int i = 0; i < set->input_count && !ret; i++)
		ret = append_line(f, node_object(set, &set->inputs[i]));
	if (!ret)
		ret = append_line(f, summary_object(set));
	if (fclose(f) || ret) {
		free(buf);
		return NULL;
	}
	return buf;
}

int merge__write_json(const struct merge_set *set, FILE *f)
{
	for (int i = 0; i < set->input_count; i++)
		if (append_line(f, node_object(set, &set->inputs[i])))
			return -ENOMEM;
	for (int i = 0; i < set->packet_count; i++) {
		const struct merge_packet *mp = &set->packets[i];
		char *text;

		for (int k = 0; k < mp->part_count; k++) {
			for (int h = 0; h < mp->parts[k]->hop_count; h++) {
				errno = 0;
				text = merge_json__hop(set, mp, mp->parts[k], h);
				if (!text)
					return errno == EIO ? -EIO : -ENOMEM;
				fprintf(f, "%s\n", text);
				free(text);
			}
		}
		errno = 0;
		text = merge_json__packet(set, mp);
		if (!text)
			return errno == EIO ? -EIO : -ENOMEM;
		fprintf(f, "%s\n", text);
		free(text);
	}
	if (append_line(f, summary_object(set)))
		return -ENOMEM;
	fflush(f);
	return ferror(f) ? -EIO : 0;
}

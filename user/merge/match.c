// SPDX-License-Identifier: GPL-2.0
/* Which parts of different nodes are one packet. A packet keeps, between nodes, its inner
 * header (the pod's addresses and ports, inside any tunnel; NAT's before and after are both
 * hops of the node that did it) and its identity (docs/output.md "ident": IPv4 id, TCP
 * sequence and acknowledgement, UDP length, ICMP echo sequence). Each kernel hop of a part
 * gives a key of the two; parts of different nodes sharing a key are joined.
 *
 * A key held by several parts of one node (IPv6 UDP datagrams of one length, say) is
 * ambiguous: those parts are joined, once the clocks are known, to the other node's part
 * nearest in time, within MERGE_IN_FLIGHT_NS. A join that would put two parts of one node
 * in one packet is refused and counted: a packet crosses each node once. */
#define _GNU_SOURCE /* qsort_r */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "merge/line_scan.h"
#include "merge/merge.h"

struct part_key {
	const char *key; /* in its input's store */
	struct merge_part *part;
};

struct matcher {
	struct merge_set *set;
	struct merge_part **parts; /* every input's parts */
	int count;
	int *parent;		   /* union-find over parts */
	unsigned long long *nodes; /* per root: the inputs its parts come from, a bit each */
};

/* One member of the key: a string as it is, a number as cJSON read it, else "-". */
static void append_value(char *buf, size_t *n, size_t size, const cJSON *v)
{
	if (cJSON_IsString(v))
		merge_key__append(buf, n, size, 's', v->valuestring, strlen(v->valuestring), 0);
	else if (cJSON_IsNumber(v))
		merge_key__append(buf, n, size, 'n', NULL, 0, v->valuedouble);
	else
		merge_key__append(buf, n, size, 0, NULL, 0, 0);
}

bool merge__hop_key(const cJSON *hop, char *buf, size_t size)
{
	const cJSON *tunnel = mj__obj(hop, "vxlan"), *ident = mj__obj(hop, "ident"), *tuple;
	size_t n = 0;

	buf[0] = 0;
	if (!tunnel)
		tunnel = mj__obj(hop, "geneve");
	tuple = tunnel ? mj__obj(tunnel, "inner") : mj__obj(hop, "tuple");
	if (!tuple || !ident || !cJSON_GetArraySize(ident))
		return false;
	for (size_t i = 0; i < MERGE_KEY_TUPLE_FIELDS; i++)
		append_value(buf, &n, size,
			     cJSON_GetObjectItemCaseSensitive(tuple, merge_key__tuple[i]));
	for (size_t i = 0; i < MERGE_KEY_IDENT_FIELDS; i++)
		append_value(buf, &n, size,
			     cJSON_GetObjectItemCaseSensitive(ident, merge_key__ident[i]));
	return n < size;
}

static int find(struct matcher *m, int i)
{
	while (m->parent[i] != i) {
		m->parent[i] = m->parent[m->parent[i]];
		i = m->parent[i];
	}
	return i;
}

static int index_of(const struct matcher *m, const struct merge_part *p)
{
	/* Parts are numbered input by input. */
	int base = 0;

	for (int i = 0; i < p->input; i++)
		base += m->set->inputs[i].part_count;
	return base + (int)(p - m->set->inputs[p->input].parts);
}

/* Joins two parts' packets, unless that would hold one node twice. */
static void join(struct matcher *m, int a, int b)
{
	int ra = find(m, a), rb = find(m, b);

	if (ra == rb)
		return;
	if (m->nodes[ra] & m->nodes[rb]) {
		m->set->conflicts++;
		return;
	}
	m->parent[rb] = ra;
	m->nodes[ra] |= m->nodes[rb];
}

static int compare_keys(const void *a, const void *b)
{
	const struct part_key *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c)
		return c;
	return (x->part > y->part) - (x->part < y->part);
}

/* Every part's keys, each once per part, sorted so that equal keys are neighbours. */
static struct part_key *collect_keys(struct matcher *m, size_t *count)
{
	struct part_key *keys = NULL;
	size_t n = 0, cap = 0;

	for (int i = 0; i < m->count; i++) {
		struct merge_part *p = m->parts[i];

		for (int k = 0; k < p->hop_count; k++) {
			/* A hop repeating the key before it has none of its own: one per part
			 * is enough to join. */
			const char *key = p->hops[k].key;

			if (!key)
				continue;
			if (n == cap) {
				void *grown;

				cap = cap ? cap * 2 : 1024;
				grown = realloc(keys, cap * sizeof(*keys));
				if (!grown) {
					free(keys);
					return NULL;
				}
				keys = grown;
			}
			keys[n++] = (struct part_key){ key, p };
		}
	}
	if (n)
		qsort(keys, n, sizeof(*keys), compare_keys);
	*count = n;
	return keys ? keys : calloc(1, sizeof(*keys));
}

/* A run of equal keys: joins its parts when each node holds one of them; returns whether
 * the run is ambiguous (a node holds several, another holds one or more). */
static bool join_run(struct matcher *m, const struct part_key *run, size_t len)
{
	unsigned long long seen = 0, twice = 0;
	int first = -1;

	for (size_t i = 0; i < len; i++) {
		unsigned long long bit = 1ull << run[i].part->input;

		if (i && run[i].part == run[i - 1].part)
			continue;
		twice |= seen & bit;
		seen |= bit;
	}
	if (!(seen & (seen - 1)))
		return false; /* one node only */
	if (twice)
		return true;
	for (size_t i = 0; i < len; i++) {
		int idx = index_of(m, run[i].part);

		if (first < 0)
			first = idx;
		else
			join(m, first, idx);
	}
	return false;
}

/* The corrected time of a part's first hop. */
static long long part_time(const struct merge_set *set, const struct merge_part *p)
{
	return p->hop_count ? merge__ts(&set->inputs[p->input], p->hops[0].ts_ns) : 0;
}

/* Parts of an ambiguous run, by corrected time. */
struct timed_part {
	long long t;
	struct merge_part *part;
	bool used;
};

static int compare_timed(const void *a, const void *b)
{
	const struct timed_part *x = a, *y = b;

	return (x->t > y->t) - (x->t < y->t);
}

/* Looked at past a part for its partner: the run is sorted by time, so the nearest part of
 * another node is among the next few unless many of one node crowd between. */
#define NEAREST_LOOKAHEAD 64

/* An ambiguous run: in time order, each part joins the nearest later part of another
 * node within MERGE_IN_FLIGHT_NS, each part once. */
static void join_nearest(struct matcher *m, const struct part_key *run, size_t len)
{
	struct timed_part *tp = calloc(len, sizeof(*tp));
	size_t n = 0;

	if (!tp)
		return;
	for (size_t i = 0; i < len; i++)
		if (!i || run[i].part != run[i - 1].part)
			tp[n++] = (struct timed_part){ part_time(m->set, run[i].part), run[i].part,
						       false };
	qsort(tp, n, sizeof(*tp), compare_timed);
	for (size_t i = 0; i < n; i++) {
		size_t best = n;

		if (tp[i].used)
			continue;
		for (size_t j = i + 1; j < n && j <= i + NEAREST_LOOKAHEAD; j++) {
			if (tp[j].t - tp[i].t > MERGE_IN_FLIGHT_NS)
				break;
			if (!tp[j].used && tp[j].part->input != tp[i].part->input) {
				best = j;
				break;
			}
		}
		if (best == n)
			continue;
		tp[i].used = tp[best].used = true;
		m->set->ambiguous++;
		join(m, index_of(m, tp[i].part), index_of(m, tp[best].part));
	}
	free(tp);
}

static int compare_parts_in_time(const void *a, const void *b, void *arg)
{
	const struct merge_part *x = *(struct merge_part *const *)a;
	const struct merge_part *y = *(struct merge_part *const *)b;
	long long tx = part_time(arg, x), ty = part_time(arg, y);

	if (tx != ty)
		return (tx > ty) - (tx < ty);
	/* At the same instant, the part that arrived from elsewhere comes second. */
	return (int)x->arrived - (int)y->arrived;
}

static int compare_packets_in_time(const void *a, const void *b)
{
	const struct merge_packet *x = a, *y = b;

	if (x->first_ts != y->first_ts)
		return (x->first_ts > y->first_ts) - (x->first_ts < y->first_ts);
	return (x->parts[0]->input > y->parts[0]->input) -
	       (x->parts[0]->input < y->parts[0]->input);
}

/* One merged packet per group, its parts in time order, the packets in time order. */
static int build_packets(struct matcher *m)
{
	struct merge_set *set = m->set;
	int *slot = malloc((size_t)m->count * sizeof(*slot)), n = 0;

	if (!slot)
		return -1;
	set->packets = calloc((size_t)m->count + 1, sizeof(*set->packets));
	if (!set->packets) {
		free(slot);
		return -1;
	}
	for (int i = 0; i < m->count; i++)
		slot[i] = -1;
	for (int in = 0; in < set->input_count; in++)
		set->inputs[in].joined = 0;
	for (int i = 0; i < m->count; i++) {
		int r = find(m, i);
		struct merge_packet *mp;

		if (slot[r] < 0)
			slot[r] = n++;
		mp = &set->packets[slot[r]];
		if (!mp->parts) {
			mp->parts = calloc((size_t)__builtin_popcountll(m->nodes[r]),
					   sizeof(*mp->parts));
			if (!mp->parts) {
				free(slot);
				return -1;
			}
		}
		mp->parts[mp->part_count++] = m->parts[i];
	}
	free(slot);
	set->packet_count = n;
	for (int i = 0; i < n; i++) {
		struct merge_packet *mp = &set->packets[i];

		qsort_r(mp->parts, (size_t)mp->part_count, sizeof(*mp->parts),
			compare_parts_in_time, set);
		mp->first_ts = part_time(set, mp->parts[0]);
		if (mp->part_count > 1)
			for (int k = 0; k < mp->part_count; k++)
				set->inputs[mp->parts[k]->input].joined++;
	}
	qsort(set->packets, (size_t)n, sizeof(*set->packets), compare_packets_in_time);
	for (int i = 0; i < n; i++) {
		set->packets[i].id = (unsigned long long)i + 1;
		for (int k = 0; k < set->packets[i].part_count; k++)
			set->packets[i].parts[k]->merged = i;
	}
	return 0;
}

int merge__match(struct merge_set *set)
{
	struct matcher m = { .set = set };
	struct part_key *keys;
	bool *ambiguous;
	size_t key_count = 0, i, j;
	int ret = -1;

	for (int in = 0; in < set->input_count; in++)
		m.count += set->inputs[in].part_count;
	m.parts = calloc((size_t)m.count + 1, sizeof(*m.parts));
	m.parent = calloc((size_t)m.count + 1, sizeof(*m.parent));
	m.nodes = calloc((size_t)m.count + 1, sizeof(*m.nodes));
	if (!m.parts || !m.parent || !m.nodes)
		goto out;
	for (int in = 0, n = 0; in < set->input_count; in++)
		for (int k = 0; k < set->inputs[in].part_count; k++, n++) {
			m.parts[n] = &set->inputs[in].parts[k];
			m.parent[n] = n;
			m.nodes[n] = 1ull << in;
		}
	keys = collect_keys(&m, &key_count);
	if (!keys)
		goto out;
	ambiguous = calloc(key_count + 1, sizeof(*ambiguous));
	if (!ambiguous)
		goto free_keys;
	for (i = 0; i < key_count; i = j) {
		for (j = i + 1; j < key_count && !strcmp(keys[i].key, keys[j].key); j++)
			;
		ambiguous[i] = join_run(&m, &keys[i], j - i);
	}
	/* The clocks from the unambiguous joins, then the ambiguous ones by time. */
	ret = build_packets(&m);
	if (ret)
		goto free_ambiguous;
	merge__clocks(set);
	for (int k = 0; k < set->packet_count; k++)
		free(set->packets[k].parts);
	free(set->packets);
	set->packets = NULL;
	for (i = 0; i < key_count; i = j) {
		for (j = i + 1; j < key_count && !strcmp(keys[i].key, keys[j].key); j++)
			;
		if (ambiguous[i])
			join_nearest(&m, &keys[i], j - i);
	}
	ret = build_packets(&m);
free_ambiguous:
	free(ambiguous);
free_keys:
	free(keys);
out:
	free(m.parts);
	free(m.parent);
	free(m.nodes);
	return ret;
}

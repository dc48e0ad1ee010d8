// SPDX-License-Identifier: GPL-2.0
/* Events wait in arrival order in a bounded ring; a packet takes the ones that match it
 * when it is judged, which is after every decision about it was made (the kernel sends a
 * rule's message before the packet goes on or is freed). Naming the rules is
 * pipeline/rulesets.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "host/nf_ruleset.h"
#include "host/nft_trace.h"
#include "pipeline/headers.h"
#include "pipeline/identity.h"
#include "pipeline/nf_ranges.h"
#include "pipeline/rule_trail.h"
#include "pipeline/rulesets.h"
#include "util/clock.h"

#define PENDING_MAX 4096
/* Events older than this found no packet: theirs was filtered out, or lost. */
#define PENDING_TTL_NS (10ull * 1000000000ull)
#define PATH_DEPTH 16

struct pending {
	struct rule_event ev;
	__u64 arrived_ns;
	bool used;
	bool has_id; /* the headers held an identity and a tuple */
	struct packet_identity id;
	struct hop_tuple tuple;
};

struct rule_trail {
	struct pending *ring;
	int head, count; /* oldest at head */
	unsigned long unjoined;
	unsigned long added;
	struct rulesets *sets;
};

struct rule_trail *rule_trail__new(const struct coverage *cov, bool counters)
{
	struct rule_trail *rt = calloc(1, sizeof(*rt));

	if (!rt)
		return NULL;
	rt->sets = rulesets__new(cov, counters);
	if (!rt->sets) {
		free(rt);
		return NULL;
	}
	return rt;
}

void rule_trail__free(struct rule_trail *rt)
{
	if (!rt)
		return;
	rulesets__free(rt->sets);
	free(rt->ring);
	free(rt);
}

/* The packet the event's headers show, as a hop of its own would: its tuple and identity. */
static void read_headers(struct pending *p)
{
	struct hop_event fake = { .cap_len = p->ev.nh_len };
	__u32 l4;

	p->has_id = p->ev.nh_len && headers__ip_tuple(p->ev.nh, p->ev.nh_len, &p->tuple, &l4) &&
		    identity__read(&fake, p->ev.nh, &p->id) && (p->id.has_ip_id || p->id.has_l4);
}

static bool own_table(const struct rule_event *ev)
{
	return !strcmp(ev->table_family, "inet") &&
	       !strncmp(ev->table, NFT_TRACE_TABLE_PREFIX, strlen(NFT_TRACE_TABLE_PREFIX));
}

/* A decision of the namespace's rules (not of hoptrace's marking) that no packet took. */
static bool unjoined(const struct pending *p)
{
	return !p->used && !own_table(&p->ev);
}

unsigned long rule_trail__added(const struct rule_trail *rt)
{
	return rt ? rt->added : 0;
}

unsigned long rule_trail__unjoined(const struct rule_trail *rt)
{
	unsigned long n = rt ? rt->unjoined : 0;

	for (int k = 0; rt && k < rt->count; k++)
		n += unjoined(&rt->ring[(rt->head + k) % PENDING_MAX]);
	return n;
}

static void drop_oldest(struct rule_trail *rt)
{
	rt->unjoined += unjoined(&rt->ring[rt->head]);
	rt->head = (rt->head + 1) % PENDING_MAX;
	rt->count--;
}

void rule_trail__add(void *ctx, const struct rule_event *ev)
{
	struct rule_trail *rt = ctx;
	__u64 now = clock__mono_ns();
	struct pending *p;

	rt->added++;
	if (!rt->ring) {
		rt->ring = calloc(PENDING_MAX, sizeof(*rt->ring));
		if (!rt->ring) {
			rt->unjoined++;
			return;
		}
	}
	while (rt->count && (rt->count == PENDING_MAX || rt->ring[rt->head].used ||
			     now - rt->ring[rt->head].arrived_ns > PENDING_TTL_NS))
		drop_oldest(rt);
	p = &rt->ring[(rt->head + rt->count++) % PENDING_MAX];
	memset(p, 0, sizeof(*p));
	p->ev = *ev;
	p->arrived_ns = now;
	read_headers(p);
}

static bool hop_tuple_of(const struct hop *h, struct hop_tuple *t)
{
	__u32 l4;

	if (h->data && h->ev.cap_len && headers__pod_packet(&h->ev, h->data, t, &l4))
		return true;
	if (!(h->ev.flags & HOP_F_TUPLE))
		return false;
	*t = h->ev.tuple;
	return true;
}

static bool same_tuple(const struct hop_tuple *a, const struct hop_tuple *b)
{
	return a->family == b->family && a->proto == b->proto && a->sport == b->sport &&
	       a->dport == b->dport && !memcmp(a->saddr, b->saddr, 16) &&
	       !memcmp(a->daddr, b->daddr, 16);
}

/* What each hop of the packet shows, read once per packet rather than once per event. */
struct hop_key {
	bool ok; /* the hop has bytes with a tuple and an identity */
	struct hop_tuple tuple;
	struct packet_identity id;
};

static void read_keys(const struct packet *pkt, struct hop_key *keys)
{
	for (int i = 0; i < pkt->hop_count; i++) {
		const struct hop *h = &pkt->hops[i];

		keys[i].ok = h->ev.hook != HOOK_FIB && h->data && hop_tuple_of(h, &keys[i].tuple) &&
			     identity__read(&h->ev, h->data, &keys[i].id);
	}
}

/* The packet's hop in the event's namespace that shows the same packet: the same tuple
 * (as NAT had left it there) and the same identity. -1 when none. */
static int matching_hop(const struct packet *pkt, const struct hop_key *keys,
			const struct pending *p)
{
	for (int i = 0; i < pkt->hop_count; i++)
		if (keys[i].ok && pkt->hops[i].ev.netns == p->ev.netns &&
		    same_tuple(&keys[i].tuple, &p->tuple) && identity__same(&keys[i].id, &p->id))
			return i;
	return -1;
}

/* The hop a decision comes after: the packet's last netfilter observation in that
 * namespace and hook at or below the chain's priority, else its first hop there. */
static int place_after(const struct packet *pkt, const struct rule_hit *hit, int matched)
{
	int after = -1, from, to;

	for (int i = 0; i < pkt->hop_count; i++) {
		const struct hop_event *ev = &pkt->hops[i].ev;

		if (ev->netns != hit->netns || ev->hook != HOOK_NF || ev->info.nf.hook != hit->hook)
			continue;
		if (netfilter__range_bounds(ev->info.nf.hook, ev->info.nf.pos, &from, &to) &&
		    from <= hit->priority)
			after = i;
	}
	if (after >= 0)
		return after;
	for (int i = 0; i < pkt->hop_count; i++)
		if (pkt->hops[i].ev.netns == hit->netns)
			return i;
	return matched;
}

static bool shown_verdict(const char *v)
{
	static const char *const shown[] = { "drop", "reject", "accept", "jump",
					     "goto", "return", "queue" };

	for (size_t i = 0; v && i < sizeof(shown) / sizeof(shown[0]); i++)
		if (!strcmp(v, shown[i]))
			return true;
	return false;
}

/* A rule that only matched (a counter, a mark, a log) decided nothing; the end of a chain
 * and an accepting policy are where every packet that got there goes on: the jumps and
 * the decisive rules tell the path. */
static bool shown(const struct rule_hit *hit)
{
	switch (hit->type) {
	case RULE_EV_POLICY:
		return !strcmp(hit->verdict, "drop");
	case RULE_EV_RETURN:
		return false;
	default:
		return shown_verdict(hit->verdict);
	}
}

struct path_state {
	__u32 netns;
	int hook;
	char table[RULE_HIT_NAME];
	char stack[PATH_DEPTH][RULE_HIT_NAME];
	int depth;
};

/* Follows the chains as the decisions move through them: a decision in a chain on the stack
 * returns to it; one in a new chain was jumped to; a return leaves its chain. */
static void follow_path(struct path_state *ps, struct rule_hit *hit)
{
	int i;

	if (ps->netns != hit->netns || ps->hook != hit->hook || strcmp(ps->table, hit->table)) {
		ps->netns = hit->netns;
		ps->hook = hit->hook;
		snprintf(ps->table, sizeof(ps->table), "%s", hit->table);
		ps->depth = 0;
	}
	for (i = ps->depth - 1; i >= 0 && strcmp(ps->stack[i], hit->chain); i--)
		;
	if (i >= 0)
		ps->depth = i + 1;
	else if (ps->depth < PATH_DEPTH)
		snprintf(ps->stack[ps->depth++], RULE_HIT_NAME, "%s", hit->chain);
	hit->path[0] = 0;
	for (i = 0; i < ps->depth; i++) {
		size_t n = strlen(hit->path);

		snprintf(hit->path + n, sizeof(hit->path) - n, "%s%s", i ? " -> " : "",
			 ps->stack[i]);
	}
	if (hit->type == RULE_EV_RETURN && ps->depth)
		ps->depth--;
}

int rule_trail__collect(struct rule_trail *rt, const struct packet *pkt, struct rule_hit **hits)
{
	struct path_state ps = { .hook = -2 };
	struct hop_key keys[TIMELINE_MAX_HOPS];
	struct rule_hit *out = NULL;
	int n = 0, cap = 0;

	*hits = NULL;
	if (!rt || !rt->count || pkt->hop_count > TIMELINE_MAX_HOPS)
		return 0;
	read_keys(pkt, keys);
	for (int k = 0; k < rt->count; k++) {
		struct pending *p = &rt->ring[(rt->head + k) % PENDING_MAX];
		struct rule_hit *hit;
		int matched;

		if (p->used || !p->has_id || (matched = matching_hop(pkt, keys, p)) < 0)
			continue;
		p->used = true;
		if (own_table(&p->ev))
			continue;
		if (n == cap) {
			struct rule_hit *grown =
				realloc(out, (cap = cap ? cap * 2 : 8) * sizeof(*out));

			if (!grown) {
				free(out);
				return -1;
			}
			out = grown;
		}
		hit = &out[n];
		memset(hit, 0, sizeof(*hit));
		hit->source = p->ev.source == RULE_SRC_XT_TRACE ? "xt_trace" : "nftrace";
		hit->netns = p->ev.netns;
		hit->family = p->ev.family;
		hit->hook = -1;
		hit->type = p->ev.type;
		hit->legacy = p->ev.source == RULE_SRC_XT_TRACE;
		hit->handle = p->ev.handle;
		snprintf(hit->table_family, sizeof(hit->table_family), "%s", p->ev.table_family);
		snprintf(hit->table, sizeof(hit->table), "%s", p->ev.table);
		snprintf(hit->chain, sizeof(hit->chain), "%s", p->ev.chain);
		snprintf(hit->target, sizeof(hit->target), "%s", p->ev.jump_target);
		rulesets__name(rt->sets, &p->ev, hit);
		hit->owner = nf_chain__owner(hit->chain);
		follow_path(&ps, hit);
		if (!shown(hit))
			continue;
		hit->after = place_after(pkt, hit, matched);
		n++;
	}
	*hits = out;
	return n;
}

int rule_trail__candidates(struct rule_trail *rt, __u32 netns, __u8 pf, int hook, int from, int to,
			   __u64 drop_ns, struct rule_hit *out, int max)
{
	return rt ? rulesets__candidates(rt->sets, netns, pf, hook, from, to, drop_ns, out, max) :
		    0;
}

// SPDX-License-Identifier: GPL-2.0
/* Events wait in arrival order in a bounded ring; a packet takes the ones that match it
 * when it is judged, which is after every decision about it was made (the kernel sends a
 * rule's message before the packet goes on or is freed). The rulesets are read per
 * namespace when first needed, and again when an event names a rule the copy lacks. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "host/nf_ruleset.h"
#include "host/watched_netns.h"
#include "pipeline/headers.h"
#include "pipeline/identity.h"
#include "pipeline/nf_ranges.h"
#include "pipeline/rule_trail.h"
#include "util/clock.h"

#define PENDING_MAX 4096
/* Events older than this found no packet: theirs was filtered out, or lost. */
#define PENDING_TTL_NS (10ull * 1000000000ull)
/* A ruleset is read again for an unknown rule at most this often. */
#define REREAD_NS (1000000000ull)
#define PATH_DEPTH 16

struct pending {
	struct rule_event ev;
	__u64 arrived_ns;
	bool used;
	bool has_id; /* the headers held an identity and a tuple */
	struct packet_identity id;
	struct hop_tuple tuple;
};

/* A place where drops were seen, for counters' "exact". */
struct drop_place {
	__u8 pf;
	int hook, from;
	__u64 drops;
};

struct netns_rules {
	__u32 netns;
	const char *path;
	struct nf_ruleset start; /* counters at the start */
	bool have_start;
	struct nf_ruleset now; /* the latest read */
	bool have_now;
	__u64 now_ns;
	struct drop_place places[16];
	int place_count;
};

struct rule_trail {
	struct pending *ring;
	int head, count; /* oldest at head */
	unsigned long unjoined;
	unsigned long added;
	struct netns_rules *ns;
	int ns_count;
	/* The start's counters are read beside the loading and attaching: a node with tens
	 * of thousands of rules takes seconds to list, which the start must not wait for. */
	pthread_t reader;
	bool reading;	     /* the reader runs or has not been joined yet */
	__u64 start_done_ns; /* when the start's counters were all read */
};

static struct netns_rules *netns_rules(struct rule_trail *rt, __u32 netns)
{
	for (int i = 0; i < rt->ns_count; i++)
		if (rt->ns[i].netns == netns)
			return &rt->ns[i];
	return NULL;
}

static void *read_start(void *arg)
{
	struct rule_trail *rt = arg;

	for (int i = 0; i < rt->ns_count; i++)
		rt->ns[i].have_start = !nf_ruleset__read(rt->ns[i].path, &rt->ns[i].start);
	rt->start_done_ns = clock__mono_ns();
	return NULL;
}

/* The start's counters, once read (waits for the reader the first time). */
static void await_start(struct rule_trail *rt)
{
	if (!rt->reading)
		return;
	pthread_join(rt->reader, NULL);
	rt->reading = false;
}

struct rule_trail *rule_trail__new(const struct coverage *cov, bool counters)
{
	struct rule_trail *rt = calloc(1, sizeof(*rt));

	if (!rt)
		return NULL;
	rt->ns = calloc(cov->count ? cov->count : 1, sizeof(*rt->ns));
	if (!rt->ns) {
		free(rt);
		return NULL;
	}
	for (int i = 0; i < cov->count; i++) {
		rt->ns[rt->ns_count].netns = cov->inodes[i];
		rt->ns[rt->ns_count++].path = cov->paths[i];
	}
	/* The thread enters namespaces with setns, which moves only the calling thread. */
	if (counters && !pthread_create(&rt->reader, NULL, read_start, rt))
		rt->reading = true;
	else if (counters)
		read_start(rt);
	return rt;
}

void rule_trail__free(struct rule_trail *rt)
{
	if (!rt)
		return;
	await_start(rt);
	for (int i = 0; i < rt->ns_count; i++) {
		nf_ruleset__free(&rt->ns[i].start);
		nf_ruleset__free(&rt->ns[i].now);
	}
	free(rt->ns);
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
	       !strncmp(ev->table, "hoptrace_", strlen("hoptrace_"));
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

/* The ruleset of a namespace, read now if not yet, or again when it lacks a rule an event
 * names (want_again) and the last read is a while ago. NULL when it cannot be read. */
static const struct nf_ruleset *ruleset(struct netns_rules *nr, bool want_again)
{
	__u64 now = clock__mono_ns();

	if (nr->have_now && !(want_again && now - nr->now_ns > REREAD_NS))
		return &nr->now;
	nf_ruleset__free(&nr->now);
	nr->have_now = !nf_ruleset__read(nr->path, &nr->now);
	nr->now_ns = now;
	return nr->have_now ? &nr->now : NULL;
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

static void copy_rule(struct rule_hit *hit, const struct nf_rule *r)
{
	hit->index = r->index;
	snprintf(hit->text, sizeof(hit->text), "%s", r->text);
	snprintf(hit->comment, sizeof(hit->comment), "%s", r->comment);
	if (!hit->target[0])
		snprintf(hit->target, sizeof(hit->target), "%s", r->target);
}

/* Names an nf_tables decision: its verdict from the message, its hook, priority and text
 * from the ruleset. */
static void name_nft(struct netns_rules *nr, const struct rule_event *ev, struct rule_hit *hit)
{
	const struct nf_ruleset *rs = nr ? ruleset(nr, false) : NULL;
	const struct nf_rule *r = NULL;
	const struct nf_chain *base;
	const char *base_name = ev->base_chain[0] ? ev->base_chain : ev->chain;

	hit->verdict = rule_verdict__name(ev->verdict);
	if (ev->type == RULE_EV_RULE && rs) {
		r = nf_ruleset__by_handle(rs, ev->table_family, ev->table, ev->chain, ev->handle);
		if (!r) {
			rs = ruleset(nr, true);
			r = rs ? nf_ruleset__by_handle(rs, ev->table_family, ev->table, ev->chain,
						       ev->handle) :
				 NULL;
		}
	}
	if (r) {
		copy_rule(hit, r);
		/* A reject answers, then drops: the trace says drop, the rule says more. */
		if (ev->verdict == RULE_VERDICT_DROP && !strcmp(r->verdict, "reject"))
			hit->verdict = "reject";
	}
	base = rs ? nf_ruleset__chain(rs, false, ev->table_family, ev->table, base_name) : NULL;
	if (base && base->base) {
		hit->hook = base->hook;
		hit->priority = base->priority;
	}
}

/* Names an iptables-legacy decision: the log names the rule; the ruleset says what it
 * does. */
static void name_legacy(struct netns_rules *nr, const struct rule_event *ev, struct rule_hit *hit)
{
	const struct nf_ruleset *rs = nr ? ruleset(nr, false) : NULL;
	const struct nf_rule *r = NULL;
	const struct nf_chain *c;

	hit->hook = ev->hook == RULE_HOOK_UNKNOWN ? -1 : ev->hook;
	hit->verdict = ev->type == RULE_EV_RETURN ? "return" : "unknown";
	if (!rs)
		return;
	if (ev->type == RULE_EV_RULE) {
		r = nf_ruleset__by_index(rs, true, ev->table_family, ev->table, ev->chain,
					 ev->rulenum);
		if (!r && (rs = ruleset(nr, true)))
			r = nf_ruleset__by_index(rs, true, ev->table_family, ev->table, ev->chain,
						 ev->rulenum);
	}
	if (r) {
		copy_rule(hit, r);
		hit->verdict = r->verdict[0] ? r->verdict : "continue";
	}
	c = rs ? nf_ruleset__chain(rs, true, ev->table_family, ev->table, ev->chain) : NULL;
	if (ev->type == RULE_EV_POLICY && c)
		hit->verdict = !strcmp(c->policy, "drop") ? "drop" : "accept";
	/* Legacy tables sit at their standard priorities, whichever chain of them. */
	for (int i = 0; rs && i < rs->chain_count; i++)
		if (rs->chains[i].legacy && rs->chains[i].base && rs->chains[i].hook == hit->hook &&
		    !strcmp(rs->chains[i].table, ev->table))
			hit->priority = rs->chains[i].priority;
}

/* The verdict the legacy path names is a pointer into the ruleset or a constant: keep a
 * copy that outlives a re-read. */
static const char *stable_verdict(const char *v)
{
	static const char *const known[] = { "drop",   "reject", "accept",   "jump",
					     "goto",   "return", "queue",    "stolen",
					     "repeat", "break",	 "continue", "unknown" };

	for (size_t i = 0; v && i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(v, known[i]))
			return known[i];
	return "other";
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
		struct netns_rules *nr;
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
		nr = netns_rules(rt, p->ev.netns);
		if (hit->legacy)
			name_legacy(nr, &p->ev, hit);
		else
			name_nft(nr, &p->ev, hit);
		hit->verdict = stable_verdict(hit->verdict);
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

static struct drop_place *drop_place(struct netns_rules *nr, __u8 pf, int hook, int from)
{
	for (int i = 0; i < nr->place_count; i++)
		if (nr->places[i].pf == pf && nr->places[i].hook == hook &&
		    nr->places[i].from == from)
			return &nr->places[i];
	if (nr->place_count == (int)(sizeof(nr->places) / sizeof(nr->places[0])))
		return NULL;
	nr->places[nr->place_count] = (struct drop_place){ pf, hook, from, 0 };
	return &nr->places[nr->place_count++];
}

int rule_trail__candidates(struct rule_trail *rt, __u32 netns, __u8 pf, int hook, int from, int to,
			   __u64 drop_ns, struct rule_hit *out, int max)
{
	struct netns_rules *nr = rt ? netns_rules(rt, netns) : NULL;
	struct nf_candidate cands[8];
	struct drop_place *place;
	bool counted_before; /* the drop may be in the start's counters already */
	int total;

	if (!nr)
		return 0;
	await_start(rt);
	if (!nr->have_start)
		return 0;
	counted_before = drop_ns < rt->start_done_ns;
	place = drop_place(nr, pf, hook, from);
	if (place)
		place->drops++;
	/* The counters must be read after the drop counted there. */
	if (!nr->have_now || nr->now_ns < drop_ns) {
		nf_ruleset__free(&nr->now);
		nr->have_now = !nf_ruleset__read(nr->path, &nr->now);
		nr->now_ns = clock__mono_ns();
	}
	if (!nr->have_now)
		return 0;
	total = nf_ruleset__drop_candidates(&nr->start, &nr->now, pf, hook, from, to, cands,
					    (int)(sizeof(cands) / sizeof(cands[0])));
	for (int i = 0; i < total && i < max && i < (int)(sizeof(cands) / sizeof(cands[0])); i++) {
		const struct nf_candidate *c = &cands[i];
		struct rule_hit *hit = &out[i];

		memset(hit, 0, sizeof(*hit));
		hit->source = "counters";
		hit->netns = netns;
		hit->family = pf == NFPROTO_IPV6 ? HOP_AF_INET6 : HOP_AF_INET;
		hit->hook = hook;
		hit->priority = c->chain->priority;
		hit->type = c->rule ? RULE_EV_RULE : RULE_EV_POLICY;
		hit->legacy = c->chain->legacy;
		snprintf(hit->table_family, sizeof(hit->table_family), "%s", c->chain->family);
		snprintf(hit->table, sizeof(hit->table), "%s", c->chain->table);
		snprintf(hit->chain, sizeof(hit->chain), "%s", c->chain->chain);
		snprintf(hit->path, sizeof(hit->path), "%s", c->path);
		if (c->rule) {
			copy_rule(hit, c->rule);
			hit->handle = c->rule->handle;
			hit->verdict = stable_verdict(c->rule->verdict);
		} else {
			hit->verdict = "drop";
		}
		hit->owner = nf_chain__owner(hit->chain);
		hit->rise = c->rise;
		hit->exact = place && !counted_before && c->rise == place->drops;
	}
	return total;
}

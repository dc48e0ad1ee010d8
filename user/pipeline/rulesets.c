// SPDX-License-Identifier: GPL-2.0
/* The rulesets are read per namespace when first needed, and again when a decision names a
 * rule the copy lacks (it was added since). The start's counters are read beside the
 * loading and attaching, in a thread: a node with tens of thousands of rules takes seconds
 * to list, which the start must not wait for. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "host/nf_ruleset.h"
#include "host/watched_netns.h"
#include "pipeline/nf_ranges.h"
#include "pipeline/rulesets.h"
#include "util/clock.h"

/* A ruleset is read again for an unknown rule at most this often. */
#define REREAD_NS (1000000000ull)

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
	bool reported; /* a failed read was said */
};

struct rulesets {
	struct netns_rules *ns;
	int ns_count;
	pthread_t reader;
	bool reading;	     /* the reader runs or has not been joined yet */
	__u64 start_done_ns; /* when the start's counters were all read */
};

static struct netns_rules *netns_rules(struct rulesets *rs, __u32 netns)
{
	for (int i = 0; i < rs->ns_count; i++)
		if (rs->ns[i].netns == netns)
			return &rs->ns[i];
	return NULL;
}

static void *read_start(void *arg)
{
	struct rulesets *rs = arg;

	for (int i = 0; i < rs->ns_count; i++)
		rs->ns[i].have_start = !nf_ruleset__read(rs->ns[i].path, &rs->ns[i].start);
	rs->start_done_ns = clock__mono_ns();
	return NULL;
}

/* The start's counters, once read (waits for the reader the first time). */
static void await_start(struct rulesets *rs)
{
	if (!rs->reading)
		return;
	pthread_join(rs->reader, NULL);
	rs->reading = false;
}

struct rulesets *rulesets__new(const struct coverage *cov, bool counters)
{
	struct rulesets *rs = calloc(1, sizeof(*rs));

	if (!rs)
		return NULL;
	rs->ns = calloc(cov->count ? cov->count : 1, sizeof(*rs->ns));
	if (!rs->ns) {
		free(rs);
		return NULL;
	}
	for (int i = 0; i < cov->count; i++) {
		rs->ns[rs->ns_count].netns = cov->inodes[i];
		rs->ns[rs->ns_count++].path = cov->paths[i];
	}
	/* The thread enters namespaces with setns, which moves only the calling thread. */
	if (counters && !pthread_create(&rs->reader, NULL, read_start, rs))
		rs->reading = true;
	else if (counters)
		read_start(rs);
	return rs;
}

void rulesets__free(struct rulesets *rs)
{
	if (!rs)
		return;
	await_start(rs);
	for (int i = 0; i < rs->ns_count; i++) {
		nf_ruleset__free(&rs->ns[i].start);
		nf_ruleset__free(&rs->ns[i].now);
	}
	free(rs->ns);
	free(rs);
}

/* Once per namespace: what of its rules could not be read (rules are then named without
 * their text, or not at all). */
static void report_unread(struct netns_rules *nr)
{
	if (nr->reported || (nr->have_now && !nr->now.errors[0]))
		return;
	nr->reported = true;
	fprintf(stderr, "hoptrace: reading the rules of %s: %s\n", nr->path,
		nr->have_now ? nr->now.errors : "the namespace could not be entered");
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
	report_unread(nr);
	return nr->have_now ? &nr->now : NULL;
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

void rulesets__name(struct rulesets *rs, const struct rule_event *ev, struct rule_hit *hit)
{
	struct netns_rules *nr = rs ? netns_rules(rs, ev->netns) : NULL;

	if (ev->source == RULE_SRC_XT_TRACE)
		name_legacy(nr, ev, hit);
	else
		name_nft(nr, ev, hit);
	hit->verdict = stable_verdict(hit->verdict);
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

int rulesets__candidates(struct rulesets *rs, __u32 netns, __u8 pf, int hook, int from, int to,
			 __u64 drop_ns, struct rule_hit *out, int max)
{
	struct netns_rules *nr = rs ? netns_rules(rs, netns) : NULL;
	struct nf_candidate cands[8];
	struct drop_place *place;
	bool counted_before; /* the drop may be in the start's counters already */
	int total;

	if (!nr)
		return 0;
	await_start(rs);
	if (!nr->have_start)
		return 0;
	counted_before = drop_ns < rs->start_done_ns;
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

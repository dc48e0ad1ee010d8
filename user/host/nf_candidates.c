// SPDX-License-Identifier: GPL-2.0
/* Which rules dropped, without a trace: the drop and reject rules (and drop policies) a
 * packet could reach at the hook where it died, whose counters rose between a snapshot
 * taken before and one taken at the drop. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "host/nf_ruleset_parse.h"
#include "util/appendf.h"

#define WALK_DEPTH 16

struct walk {
	const struct nf_ruleset *before, *after;
	bool *visited; /* per chain of after */
	struct nf_candidate *found;
	int count, capacity;
};

static bool family_of(__u8 pf, const char *family)
{
	if (!strcmp(family, "inet"))
		return true;
	return (pf == 2 && !strcmp(family, "ip")) || (pf == 10 && !strcmp(family, "ip6"));
}

/* What a counter gained since before (old NULL: new since, counted from 0). A counter that
 * went down was reset since: all it holds is new. */
static __u64 rise_of(bool old_counts, __u64 before, __u64 after)
{
	if (!old_counts)
		before = 0;
	return after >= before ? after - before : after;
}

/* The same rule in before: by handle in nf_tables. In x_tables a number names another rule
 * once one is inserted above it, so the rule is the one of the same text, nearest its
 * number. */
static const struct nf_rule *rule_before(const struct nf_ruleset *before, const struct nf_rule *r)
{
	const struct nf_rule *rules, *best = NULL;
	int i, n;

	if (!r->legacy)
		return nf_ruleset__by_handle(before, r->family, r->table, r->chain, r->handle);
	rules = nf_ruleset__rules_of(before, true, r->family, r->table, r->chain, &n);
	for (i = 0; i < n; i++)
		if (!strcmp(rules[i].text, r->text) &&
		    (!best || abs(rules[i].index - r->index) < abs(best->index - r->index)))
			best = &rules[i];
	return best;
}

static void add(struct walk *w, const struct nf_rule *rule, const struct nf_chain *chain,
		__u64 rise, const char *path)
{
	struct nf_candidate *c;

	if (w->count == w->capacity) {
		int want = w->capacity ? w->capacity * 2 : 16;
		struct nf_candidate *bigger = realloc(w->found, want * sizeof(*bigger));

		if (!bigger)
			return;
		w->found = bigger;
		w->capacity = want;
	}
	c = &w->found[w->count++];
	memset(c, 0, sizeof(*c));
	c->rule = rule;
	c->chain = chain;
	c->rise = rise;
	appendf(c->path, sizeof(c->path), "%s", path);
}

static bool drops(const struct nf_rule *r)
{
	return !strcmp(r->verdict, "drop") || !strcmp(r->verdict, "reject");
}

static void walk_chain(struct walk *w, const struct nf_chain *chain, const char *path, int depth)
{
	const struct nf_rule *rules;
	int i, n;

	if (w->visited[chain - w->after->chains])
		return;
	w->visited[chain - w->after->chains] = true;
	rules = nf_ruleset__rules_of(w->after, chain->legacy, chain->family, chain->table,
				     chain->chain, &n);
	for (i = 0; i < n; i++) {
		const struct nf_rule *r = &rules[i], *old;
		const struct nf_chain *next;
		char next_path[sizeof(w->found->path)] = "";
		__u64 rise;

		if (drops(r) && r->has_counter) {
			old = rule_before(w->before, r);
			rise = rise_of(old && old->has_counter, old ? old->packets : 0, r->packets);
			if (rise)
				add(w, r, chain, rise, path);
			continue;
		}
		if (strcmp(r->verdict, "jump") && strcmp(r->verdict, "goto"))
			continue;
		next = nf_ruleset__chain(w->after, chain->legacy, chain->family, chain->table,
					 r->target);
		if (!next || depth + 1 >= WALK_DEPTH)
			continue;
		appendf(next_path, sizeof(next_path), "%s -> %s", path, next->chain);
		walk_chain(w, next, next_path, depth + 1);
	}
}

static void add_policy(struct walk *w, const struct nf_chain *chain)
{
	const struct nf_chain *old;
	__u64 rise;

	if (strcmp(chain->policy, "drop") || !chain->has_counter)
		return;
	old = nf_ruleset__chain(w->before, chain->legacy, chain->family, chain->table,
				chain->chain);
	rise = rise_of(old && old->has_counter, old ? old->packets : 0, chain->packets);
	if (rise)
		add(w, NULL, chain, rise, chain->chain);
}

static int by_rise(const void *a, const void *b)
{
	const struct nf_candidate *x = a, *y = b;

	if (x->rise != y->rise)
		return x->rise < y->rise ? 1 : -1;
	return strcmp(x->path, y->path);
}

/* Base chains in the order a packet meets them, so each chain's path is through the first
 * base chain that reaches it. */
static int by_priority(const void *a, const void *b)
{
	const struct nf_chain *x = *(const struct nf_chain *const *)a;
	const struct nf_chain *y = *(const struct nf_chain *const *)b;

	if (x->priority != y->priority)
		return x->priority < y->priority ? -1 : 1;
	return x < y ? -1 : x > y;
}

int nf_ruleset__drop_candidates(const struct nf_ruleset *before, const struct nf_ruleset *after,
				__u8 pf, int hook, int from, int to, struct nf_candidate *out,
				int max)
{
	struct walk w = { .before = before, .after = after };
	const struct nf_chain **bases;
	int i, n = 0, total;

	w.visited = calloc(after->chain_count + 1, sizeof(*w.visited));
	bases = calloc(after->chain_count + 1, sizeof(*bases));
	if (!w.visited || !bases) {
		free(w.visited);
		free(bases);
		return -ENOMEM;
	}
	for (i = 0; i < after->chain_count; i++) {
		const struct nf_chain *c = &after->chains[i];

		if (c->base && c->hook == hook && c->priority >= from && c->priority < to &&
		    family_of(pf, c->family))
			bases[n++] = c;
	}
	qsort(bases, n, sizeof(*bases), by_priority);
	for (i = 0; i < n; i++) {
		walk_chain(&w, bases[i], bases[i]->chain, 0);
		add_policy(&w, bases[i]);
	}
	if (w.count)
		qsort(w.found, w.count, sizeof(*w.found), by_rise);
	for (i = 0; out && i < w.count && i < max; i++)
		out[i] = w.found[i];
	total = w.count;
	free(w.found);
	free(w.visited);
	free(bases);
	return total;
}

// SPDX-License-Identifier: GPL-2.0
/* Building a ruleset: growing its arrays within the bounds, noting what was left out, and
 * putting rules and chains in the order the lookups search. */
#include <stdlib.h>
#include <string.h>
#include "host/nf_ruleset_parse.h"
#include "util/appendf.h"

/* The arrays double from 64: a count of 0 or a power of two from 64 up is a full array. */
static void *grow(void *array, int count, size_t size)
{
	if (count && (count < 64 || (count & (count - 1))))
		return array;
	return realloc(array, (size_t)(count ? count * 2 : 64) * size);
}

struct nf_rule *nf_ruleset__add_rule(struct nf_ruleset *rs)
{
	struct nf_rule *rules, *rule;

	if (rs->rule_count >= NF_RULESET_MAX_RULES) {
		nf_ruleset__note(rs, "rules: more than 20000, the rest not read");
		return NULL;
	}
	rules = grow(rs->rules, rs->rule_count, sizeof(*rules));
	if (!rules) {
		nf_ruleset__note(rs, "rules: out of memory");
		return NULL;
	}
	rs->rules = rules;
	rule = &rules[rs->rule_count++];
	memset(rule, 0, sizeof(*rule));
	rule->index = rs->rule_count; /* the order read, until nf_ruleset__finish */
	return rule;
}

struct nf_chain *nf_ruleset__add_chain(struct nf_ruleset *rs)
{
	struct nf_chain *chains, *chain;

	if (rs->chain_count >= NF_RULESET_MAX_CHAINS) {
		nf_ruleset__note(rs, "chains: more than 20000, the rest not read");
		return NULL;
	}
	chains = grow(rs->chains, rs->chain_count, sizeof(*chains));
	if (!chains) {
		nf_ruleset__note(rs, "chains: out of memory");
		return NULL;
	}
	rs->chains = chains;
	chain = &chains[rs->chain_count++];
	memset(chain, 0, sizeof(*chain));
	chain->hook = -1;
	return chain;
}

void nf_ruleset__note(struct nf_ruleset *rs, const char *phrase)
{
	if (strstr(rs->errors, phrase))
		return;
	appendf(rs->errors, sizeof(rs->errors), "%s%s", rs->errors[0] ? "; " : "", phrase);
}

void nf_ruleset__copy(char *dst, size_t size, const char *src, size_t len)
{
	if (len >= size)
		len = size - 1;
	memcpy(dst, src, len);
	dst[len] = 0;
}

void nf_ruleset__set_text(struct nf_rule *rule, const char *src, size_t len)
{
	size_t keep = sizeof(rule->text) - 4;

	if (len < sizeof(rule->text)) {
		nf_ruleset__copy(rule->text, sizeof(rule->text), src, len);
		return;
	}
	memcpy(rule->text, src, keep);
	strcpy(rule->text + keep, "...");
}

static int compare_keys(bool la, const char *fa, const char *ta, const char *ca, bool lb,
			const char *fb, const char *tb, const char *cb)
{
	int c;

	if (la != lb)
		return la ? 1 : -1;
	c = strcmp(fa, fb);
	if (!c)
		c = strcmp(ta, tb);
	if (!c)
		c = strcmp(ca, cb);
	return c;
}

int nf_ruleset__compare_keys(bool legacy, const char *family, const char *table, const char *chain,
			     const struct nf_rule *rule)
{
	return compare_keys(legacy, family, table, chain, rule->legacy, rule->family, rule->table,
			    rule->chain);
}

static int compare_rules(const void *a, const void *b)
{
	const struct nf_rule *x = a, *y = b;
	int c = nf_ruleset__compare_keys(x->legacy, x->family, x->table, x->chain, y);

	return c ? c : (x->index > y->index) - (x->index < y->index);
}

int nf_ruleset__compare_chains(const void *a, const void *b)
{
	const struct nf_chain *x = a, *y = b;

	return compare_keys(x->legacy, x->family, x->table, x->chain, y->legacy, y->family,
			    y->table, y->chain);
}

void nf_ruleset__finish(struct nf_ruleset *rs)
{
	int i;

	/* The index read so far is an order within the chain: sorting by it keeps the chain's
	 * rules in their order whatever order the chains came in. */
	if (rs->rule_count)
		qsort(rs->rules, rs->rule_count, sizeof(*rs->rules), compare_rules);
	if (rs->chain_count)
		qsort(rs->chains, rs->chain_count, sizeof(*rs->chains), nf_ruleset__compare_chains);
	for (i = 0; i < rs->rule_count; i++) {
		struct nf_rule *r = &rs->rules[i], *prev = r - 1;
		bool same_chain = i && !nf_ruleset__compare_keys(prev->legacy, prev->family,
								 prev->table, prev->chain, r);

		r->index = same_chain ? prev->index + 1 : 1;
	}
}

// SPDX-License-Identifier: GPL-2.0
/* Finding a chain or a rule of a finished ruleset: binary searches over the order
 * nf_ruleset__finish left, since a trace can name a rule per packet. */
#include <stdlib.h>
#include <string.h>
#include "host/nf_ruleset_parse.h"

struct nf_rule *nf_ruleset__rules_of(const struct nf_ruleset *rs, bool legacy, const char *family,
				     const char *table, const char *chain, int *n)
{
	int lo = 0, hi = rs->rule_count, end;

	/* The first rule not before the chain. */
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (nf_ruleset__compare_keys(legacy, family, table, chain, &rs->rules[mid]) > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	end = lo;
	while (end < rs->rule_count &&
	       !nf_ruleset__compare_keys(legacy, family, table, chain, &rs->rules[end]))
		end++;
	*n = end - lo;
	return *n ? rs->rules + lo : NULL;
}

const struct nf_rule *nf_ruleset__by_handle(const struct nf_ruleset *rs, const char *family,
					    const char *table, const char *chain, __u64 handle)
{
	int i, n;
	const struct nf_rule *rules = nf_ruleset__rules_of(rs, false, family, table, chain, &n);

	for (i = 0; i < n; i++)
		if (rules[i].handle == handle)
			return &rules[i];
	return NULL;
}

const struct nf_rule *nf_ruleset__by_index(const struct nf_ruleset *rs, bool legacy,
					   const char *family, const char *table, const char *chain,
					   int index)
{
	int n;
	const struct nf_rule *rules = nf_ruleset__rules_of(rs, legacy, family, table, chain, &n);

	return index >= 1 && index <= n ? &rules[index - 1] : NULL;
}

const struct nf_chain *nf_ruleset__chain(const struct nf_ruleset *rs, bool legacy,
					 const char *family, const char *table, const char *chain)
{
	struct nf_chain key = { .legacy = legacy };

	if (!rs->chain_count)
		return NULL;
	nf_ruleset__copy(key.family, sizeof(key.family), family, strlen(family));
	nf_ruleset__copy(key.table, sizeof(key.table), table, strlen(table));
	nf_ruleset__copy(key.chain, sizeof(key.chain), chain, strlen(chain));
	return bsearch(&key, rs->chains, rs->chain_count, sizeof(key), nf_ruleset__compare_chains);
}

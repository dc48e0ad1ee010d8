// SPDX-License-Identifier: GPL-2.0
/* iptables' form over iptables-nft's rules, from `iptables-nft-save -c`: the rules are
 * nf_tables rules already (read from nft), but their owner wrote them as iptables rules,
 * and only the save shows xt comments and the base chains' policy counters. */
#include <string.h>
#include "host/xt_save_parse.h"

/* One chain's lines of an iptables-nft-save output, all together as it prints them. */
struct nft_run {
	char family[8], table[NF_RULESET_NAME];
	char chain[NF_RULESET_NAME];
	const char *first; /* its first line */
	int count;
};

static void apply_run(const struct nft_run *run, struct nf_ruleset *rs)
{
	const char *p = run->first;
	struct save_line l;
	struct save_rule r;
	struct nf_rule *rules;
	int n, i;

	if (!run->count)
		return;
	rules = nf_ruleset__rules_of(rs, false, run->family, run->table, run->chain, &n);
	if (n != run->count) {
		nf_ruleset__note(rs, "iptables-nft-save: a chain differs from nft's listing, "
				     "its nft text kept");
		return;
	}
	for (i = 0; i < n && xt_save__next_line(&p, &l) && xt_save__parse_rule(&l, &r); i++)
		xt_save__set_rule(&rules[i], &r,
				  nf_ruleset__chain(rs, false, run->family, run->table, r.jump) !=
					  NULL);
}

static void set_policy_counter(const struct nft_run *run, const struct save_line *l,
			       struct nf_ruleset *rs)
{
	char name[NF_RULESET_NAME], policy[16];
	const struct nf_chain *found;
	bool has_counter;
	__u64 packets = 0;

	if (!xt_save__parse_chain(l, name, policy, &has_counter, &packets) || !has_counter)
		return;
	found = nf_ruleset__chain(rs, false, run->family, run->table, name);
	if (!found || !found->base)
		return;
	rs->chains[found - rs->chains].has_counter = true;
	rs->chains[found - rs->chains].packets = packets;
}

void xt_rules__apply_nft(const char *save, const char *family, struct nf_ruleset *rs)
{
	struct nft_run run = { 0 };
	struct save_line l;
	struct save_rule r;

	nf_ruleset__copy(run.family, sizeof(run.family), family, strlen(family));
	while (xt_save__next_line(&save, &l)) {
		bool is_rule = run.table[0] && xt_save__parse_rule(&l, &r);

		if (!is_rule || strcmp(r.chain, run.chain)) {
			apply_run(&run, rs);
			run.count = 0;
			run.chain[0] = 0;
		}
		if (is_rule) {
			if (!run.count++) {
				strcpy(run.chain, r.chain);
				run.first = l.start;
			}
		} else if (*l.start == '*') {
			nf_ruleset__copy(run.table, sizeof(run.table), l.start + 1,
					 l.end - l.start - 1);
		} else if (*l.start == ':' && run.table[0]) {
			set_policy_counter(&run, &l, rs);
		} else if (!strncmp(l.start, "COMMIT", 6)) {
			run.table[0] = 0;
		}
	}
	apply_run(&run, rs);
}

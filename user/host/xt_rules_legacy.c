// SPDX-License-Identifier: GPL-2.0
/* iptables-legacy's tables from `iptables-legacy-save -c`: x_tables has no handles, so a
 * rule is its number in its chain; base chains get the hook of their name and their
 * table's fixed priority. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "host/xt_save_parse.h"

static int legacy_hook(const char *chain)
{
	static const char *const names[] = { "PREROUTING", "INPUT", "FORWARD", "OUTPUT",
					     "POSTROUTING" };
	int i;

	for (i = 0; i < 5; i++)
		if (!strcmp(chain, names[i]))
			return i;
	return -1;
}

/* x_tables' tables register at fixed priorities (NF_IP_PRI_*); nat's source and destination
 * halves differ. */
static int legacy_priority(const char *table, int hook)
{
	if (!strcmp(table, "raw"))
		return -300;
	if (!strcmp(table, "mangle"))
		return -150;
	if (!strcmp(table, "nat"))
		return hook == 0 || hook == 3 ? -100 : 100;
	if (!strcmp(table, "security"))
		return 50;
	return 0;
}

struct legacy_table {
	char family[8], table[NF_RULESET_NAME];
	int first_chain; /* this table's chains in rs */
	bool sorted;	 /* ... and ordered by name, to find jump targets among them */
};

static void add_legacy_chain(struct legacy_table *t, const struct save_line *l,
			     struct nf_ruleset *rs)
{
	char name[NF_RULESET_NAME], policy[16];
	struct nf_chain *chain;
	bool has_counter;
	__u64 packets = 0;
	int i;

	if (!xt_save__parse_chain(l, name, policy, &has_counter, &packets))
		return;
	chain = nf_ruleset__add_chain(rs);
	if (!chain)
		return;
	strcpy(chain->family, t->family);
	strcpy(chain->table, t->table);
	strcpy(chain->chain, name);
	chain->legacy = true;
	t->sorted = false;
	if (!strcmp(policy, "-"))
		return;
	chain->base = true;
	chain->hook = legacy_hook(name);
	chain->priority = legacy_priority(t->table, chain->hook);
	for (i = 0; policy[i] && i < (int)sizeof(chain->policy) - 1; i++)
		chain->policy[i] = tolower((unsigned char)policy[i]);
	chain->policy[i] = 0;
	chain->has_counter = has_counter;
	chain->packets = packets;
}

static bool legacy_chain_exists(struct legacy_table *t, const char *name, struct nf_ruleset *rs)
{
	struct nf_chain key = { .legacy = true };
	int n = rs->chain_count - t->first_chain;

	if (n <= 0 || !name[0])
		return false;
	if (!t->sorted) {
		qsort(rs->chains + t->first_chain, n, sizeof(key), nf_ruleset__compare_chains);
		t->sorted = true;
	}
	strcpy(key.family, t->family);
	strcpy(key.table, t->table);
	strcpy(key.chain, name);
	return bsearch(&key, rs->chains + t->first_chain, n, sizeof(key),
		       nf_ruleset__compare_chains) != NULL;
}

static void add_legacy_rule(struct legacy_table *t, const struct save_line *l,
			    struct nf_ruleset *rs)
{
	struct save_rule r;
	struct nf_rule *rule;

	if (!xt_save__parse_rule(l, &r))
		return;
	rule = nf_ruleset__add_rule(rs);
	if (!rule)
		return;
	strcpy(rule->family, t->family);
	strcpy(rule->table, t->table);
	strcpy(rule->chain, r.chain);
	rule->legacy = true;
	rule->has_counter = r.has_counter;
	rule->packets = r.packets;
	rule->bytes = r.bytes;
	xt_save__set_rule(rule, &r, legacy_chain_exists(t, r.jump, rs));
}

void xt_rules__parse_legacy(const char *save, const char *family, struct nf_ruleset *rs)
{
	struct legacy_table t = { 0 };
	struct save_line l;

	nf_ruleset__copy(t.family, sizeof(t.family), family, strlen(family));
	while (xt_save__next_line(&save, &l)) {
		if (*l.start == '*') {
			nf_ruleset__copy(t.table, sizeof(t.table), l.start + 1,
					 l.end - l.start - 1);
			t.first_chain = rs->chain_count;
			t.sorted = false;
		} else if (*l.start == ':' && t.table[0]) {
			add_legacy_chain(&t, &l, rs);
		} else if (t.table[0] && (*l.start == '[' || *l.start == '-')) {
			add_legacy_rule(&t, &l, rs);
		}
	}
}

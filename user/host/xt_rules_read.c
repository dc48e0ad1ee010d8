// SPDX-License-Identifier: GPL-2.0
/* iptables-save's output (`-c`: with counters) as rules: iptables-legacy's tables read
 * whole, and iptables-nft's laid over the nf_tables rules they are, so that a rule of
 * iptables reads as iptables wrote it. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "host/nf_ruleset_parse.h"

/* One `[packets:bytes] -A CHAIN ...` line. */
struct save_rule {
	char chain[NF_RULESET_NAME];
	const char *text; /* after "-A CHAIN " */
	size_t text_len;
	bool has_counter;
	__u64 packets, bytes;
	char comment[128];
	char jump[NF_RULESET_NAME]; /* -j's target */
	char go[NF_RULESET_NAME];   /* -g's chain */
};

struct save_line {
	const char *start, *end, *next;
};

static bool line_next(const char **p, struct save_line *l)
{
	if (!**p)
		return false;
	l->start = *p;
	l->end = strchr(*p, '\n');
	if (!l->end)
		l->end = *p + strlen(*p);
	l->next = *l->end ? l->end + 1 : l->end;
	*p = l->next;
	return true;
}

static const char *skip_spaces(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

/* "[packets:bytes]" at *s, moved past. */
static bool read_counter(const char **s, const char *end, __u64 *packets, __u64 *bytes)
{
	char *stop;

	if (*s >= end || **s != '[')
		return false;
	*packets = strtoull(*s + 1, &stop, 10);
	if (*stop != ':')
		return false;
	*bytes = strtoull(stop + 1, &stop, 10);
	if (*stop != ']')
		return false;
	*s = skip_spaces(stop + 1, end);
	return true;
}

/* The next argument of a rule: a word, or a "quoted string" as iptables-save quotes
 * (backslash escapes), without the quotes. */
static const char *next_arg(const char *s, const char *end, char *buf, size_t size)
{
	size_t n = 0;

	s = skip_spaces(s, end);
	if (s < end && *s == '"') {
		for (s++; s < end && *s != '"'; s++) {
			if (*s == '\\' && s + 1 < end)
				s++;
			if (n + 1 < size)
				buf[n++] = *s;
		}
		if (s < end)
			s++;
	} else {
		for (; s < end && *s != ' ' && *s != '\t'; s++)
			if (n + 1 < size)
				buf[n++] = *s;
	}
	buf[n] = 0;
	return s;
}

static bool parse_rule_line(const struct save_line *l, struct save_rule *r)
{
	const char *s = skip_spaces(l->start, l->end);
	char arg[NF_RULESET_TEXT];

	memset(r, 0, sizeof(*r));
	r->has_counter = read_counter(&s, l->end, &r->packets, &r->bytes);
	if (l->end - s < 3 || strncmp(s, "-A ", 3))
		return false;
	s = next_arg(s + 3, l->end, r->chain, sizeof(r->chain));
	r->text = skip_spaces(s, l->end);
	r->text_len = l->end - r->text;
	for (s = r->text; s < l->end;) {
		s = next_arg(s, l->end, arg, sizeof(arg));
		if (!strcmp(arg, "-j") || !strcmp(arg, "--jump"))
			s = next_arg(s, l->end, r->jump, sizeof(r->jump));
		else if (!strcmp(arg, "-g") || !strcmp(arg, "--goto"))
			s = next_arg(s, l->end, r->go, sizeof(r->go));
		else if (!strcmp(arg, "--comment") && !r->comment[0])
			s = next_arg(s, l->end, r->comment, sizeof(r->comment));
	}
	return true;
}

/* The verdict of -j's target: the standard ones and REJECT by their nf_tables names, a chain
 * of the table as a jump, any other target by its name. */
static void set_verdict(struct nf_rule *rule, const struct save_rule *r, bool jump_is_chain)
{
	static const char *const standard[][2] = {
		{ "ACCEPT", "accept" }, { "DROP", "drop" },   { "RETURN", "return" },
		{ "REJECT", "reject" }, { "QUEUE", "queue" }, { "NFQUEUE", "queue" },
	};
	size_t i;

	rule->target[0] = 0;
	if (r->go[0]) {
		strcpy(rule->verdict, "goto");
		strcpy(rule->target, r->go);
		return;
	}
	for (i = 0; i < sizeof(standard) / sizeof(standard[0]); i++) {
		if (!strcmp(r->jump, standard[i][0])) {
			strcpy(rule->verdict, standard[i][1]);
			return;
		}
	}
	if (jump_is_chain) {
		strcpy(rule->verdict, "jump");
		strcpy(rule->target, r->jump);
		return;
	}
	for (i = 0; r->jump[i] && i < sizeof(rule->verdict) - 1; i++)
		rule->verdict[i] = tolower((unsigned char)r->jump[i]);
	rule->verdict[i] = 0;
}

static void set_rule(struct nf_rule *rule, const struct save_rule *r, bool jump_is_chain)
{
	nf_ruleset__set_text(rule, r->text, r->text_len);
	strcpy(rule->comment, r->comment);
	set_verdict(rule, r, jump_is_chain);
}

/* ":CHAIN POLICY [packets:bytes]": the chain's name, its policy ("-" for a chain of the
 * user) and the policy's counter. */
static bool parse_chain_line(const struct save_line *l, char *name, char *policy, bool *has_counter,
			     __u64 *packets)
{
	const char *s = l->start;
	__u64 bytes;

	if (*s != ':')
		return false;
	s = next_arg(s + 1, l->end, name, NF_RULESET_NAME);
	s = next_arg(s, l->end, policy, 16);
	s = skip_spaces(s, l->end);
	*has_counter = read_counter(&s, l->end, packets, &bytes);
	return true;
}

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

	if (!parse_chain_line(l, name, policy, &has_counter, &packets))
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

	if (!parse_rule_line(l, &r))
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
	set_rule(rule, &r, legacy_chain_exists(t, r.jump, rs));
}

void xt_rules__parse_legacy(const char *save, const char *family, struct nf_ruleset *rs)
{
	struct legacy_table t = { 0 };
	struct save_line l;

	nf_ruleset__copy(t.family, sizeof(t.family), family, strlen(family));
	while (line_next(&save, &l)) {
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
	for (i = 0; i < n && line_next(&p, &l) && parse_rule_line(&l, &r); i++)
		set_rule(&rules[i], &r,
			 nf_ruleset__chain(rs, false, run->family, run->table, r.jump) != NULL);
}

static void set_policy_counter(const struct nft_run *run, const struct save_line *l,
			       struct nf_ruleset *rs)
{
	char name[NF_RULESET_NAME], policy[16];
	const struct nf_chain *found;
	bool has_counter;
	__u64 packets = 0;

	if (!parse_chain_line(l, name, policy, &has_counter, &packets) || !has_counter)
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
	while (line_next(&save, &l)) {
		bool is_rule = run.table[0] && parse_rule_line(&l, &r);

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

// SPDX-License-Identifier: GPL-2.0
/* nft's text listing (`nft -s -a list ruleset`) as each rule's text: the JSON form says what
 * a rule does, but a person reads the rule as nft prints it. Stateless, so the text does not
 * change with the counters. */
#include <stdlib.h>
#include <string.h>
#include "host/nf_ruleset_parse.h"

#define HANDLE_MARK " # handle "

/* The next word of *p, or the next "quoted" name without its quotes. */
static void next_word(const char **p, char *buf, size_t size)
{
	const char *s = *p + strspn(*p, " \t"), *end;

	if (*s == '"') {
		end = strchr(s + 1, '"');
		if (!end)
			end = s + strlen(s);
		nf_ruleset__copy(buf, size, s + 1, end - s - 1);
		*p = *end ? end + 1 : end;
		return;
	}
	end = s + strcspn(s, " \t{");
	nf_ruleset__copy(buf, size, s, end - s);
	*p = end;
}

/* How far a line moves the nesting: its braces outside quoted strings. */
static int brace_balance(const char *s, const char *end)
{
	bool quoted = false;
	int balance = 0;

	for (; s < end; s++) {
		if (*s == '"')
			quoted = !quoted;
		else if (!quoted && *s == '{')
			balance++;
		else if (!quoted && *s == '}')
			balance--;
	}
	return balance;
}

static bool starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

struct listing_chain {
	char family[8], table[NF_RULESET_NAME], chain[NF_RULESET_NAME];
	struct nf_rule *rules; /* this chain's in rs */
	int n, next;	       /* how many; where the next line's rule is likely */
};

static void set_rule_text(struct listing_chain *c, const char *text, const char *mark)
{
	__u64 handle = strtoull(mark + strlen(HANDLE_MARK), NULL, 10);
	int i;

	/* The listing and the JSON come from two dumps of the same rules, in the same order
	 * unless the ruleset changed between them: look where the last one matched first. */
	for (i = 0; i < c->n; i++) {
		struct nf_rule *rule = &c->rules[(c->next + i) % c->n];

		if (rule->handle == handle) {
			nf_ruleset__set_text(rule, text, mark - text);
			c->next = (c->next + i + 1) % c->n;
			return;
		}
	}
}

void nft_rules__parse_listing(const char *listing, struct nf_ruleset *rs)
{
	struct listing_chain c = { 0 };
	const char *line = listing, *next;
	int depth = 0;

	for (; *line; line = next) {
		const char *end = strchr(line, '\n'), *s = line + strspn(line, " \t"), *mark;
		if (!end)
			end = line + strlen(line);
		next = *end ? end + 1 : end;
		if (depth == 0 && starts_with(s, "table ")) {
			s += strlen("table");
			next_word(&s, c.family, sizeof(c.family));
			next_word(&s, c.table, sizeof(c.table));
		} else if (depth == 1 && starts_with(s, "chain ")) {
			s += strlen("chain");
			next_word(&s, c.chain, sizeof(c.chain));
			c.rules = nf_ruleset__rules_of(rs, false, c.family, c.table, c.chain, &c.n);
			c.next = 0;
		} else if (depth == 2 && c.n) {
			/* A rule line ends in its handle; chain settings carry none. */
			for (mark = end - 1; mark > s && *mark != '#'; mark--)
				;
			mark--;
			if (mark >= s && starts_with(mark, HANDLE_MARK))
				set_rule_text(&c, s, mark);
		}
		depth += brace_balance(line, end);
		if (depth < 2)
			c.n = 0;
	}
}

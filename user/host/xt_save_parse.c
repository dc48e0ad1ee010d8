// SPDX-License-Identifier: GPL-2.0
/* iptables-save's grammar: rule lines with their counters, targets and comments (quoted as
 * iptables-save quotes), chain lines with their policies. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "host/xt_save_parse.h"

bool xt_save__next_line(const char **p, struct save_line *l)
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

bool xt_save__parse_rule(const struct save_line *l, struct save_rule *r)
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

void xt_save__set_rule(struct nf_rule *rule, const struct save_rule *r, bool jump_is_chain)
{
	nf_ruleset__set_text(rule, r->text, r->text_len);
	strcpy(rule->comment, r->comment);
	set_verdict(rule, r, jump_is_chain);
}

/* ":CHAIN POLICY [packets:bytes]": the chain's name, its policy ("-" for a chain of the
 * user) and the policy's counter. */
bool xt_save__parse_chain(const struct save_line *l, char *name, char *policy, bool *has_counter,
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

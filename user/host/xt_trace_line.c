// SPDX-License-Identifier: GPL-2.0
/* Table names are the kernel's own (no ':'), the type and the number are fixed words, but
 * iptables lets a user chain's name hold a ':': the chain is whatever lies between the
 * first ':' and the last two. */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include "host/xt_trace_line.h"

#define TRACE_TAG "TRACE: "

static int type_of(const char *word, size_t len, enum rule_event_type *type)
{
	static const struct {
		const char *name;
		enum rule_event_type type;
	} types[] = {
		{ "rule", RULE_EV_RULE },
		{ "return", RULE_EV_RETURN },
		{ "policy", RULE_EV_POLICY },
	};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (strlen(types[i].name) == len && !memcmp(types[i].name, word, len)) {
			*type = types[i].type;
			return 0;
		}
	}
	return -EINVAL;
}

static int rulenum_of(const char *text, size_t len, __u32 *num)
{
	unsigned long v = 0;

	if (!len || len > 9)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (text[i] < '0' || text[i] > '9')
			return -EINVAL;
		v = v * 10 + (text[i] - '0');
	}
	*num = v;
	return 0;
}

int xt_trace_line__parse(const char *prefix, struct rule_event *ev)
{
	const char *s, *end, *first, *type_colon, *num_colon;
	enum rule_event_type type;
	size_t table_len, chain_len;
	__u32 rulenum;

	if (!prefix || strncmp(prefix, TRACE_TAG, strlen(TRACE_TAG)))
		return -EINVAL;
	s = prefix + strlen(TRACE_TAG);
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\n'))
		end--;
	first = memchr(s, ':', end - s);
	num_colon = memrchr(s, ':', end - s);
	if (!first || num_colon == first)
		return -EINVAL;
	type_colon = memrchr(s, ':', num_colon - s);
	if (type_colon == first)
		return -EINVAL;
	table_len = first - s;
	chain_len = type_colon - first - 1;
	if (!table_len || table_len >= RULE_EV_NAME || !chain_len || chain_len >= RULE_EV_NAME ||
	    type_of(type_colon + 1, num_colon - type_colon - 1, &type) ||
	    rulenum_of(num_colon + 1, end - num_colon - 1, &rulenum))
		return -EINVAL;
	memcpy(ev->table, s, table_len);
	ev->table[table_len] = '\0';
	memcpy(ev->chain, first + 1, chain_len);
	ev->chain[chain_len] = '\0';
	ev->type = type;
	ev->rulenum = rulenum;
	return 0;
}

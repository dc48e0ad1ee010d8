// SPDX-License-Identifier: GPL-2.0
/* nft's JSON listing (`nft -j -a list ruleset`) into chains and rules: each chain's hook,
 * priority and policy; each rule's handle, comment, counter and verdict. */
#include <ctype.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "host/nf_ruleset_parse.h"

static const char *string_of(const cJSON *obj, const char *key)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(item) ? item->valuestring : "";
}

static void copy_string(char *dst, size_t size, const cJSON *obj, const char *key)
{
	const char *s = string_of(obj, key);

	nf_ruleset__copy(dst, size, s, strlen(s));
}

/* The hook numbers of ip, ip6, inet and bridge agree (NF_INET_* and NF_BR_*); arp's and
 * netdev's hooks have other numbers, so they count as none. */
static int hook_number(const char *family, const char *hook)
{
	static const char *const names[] = { "prerouting", "input", "forward", "output",
					     "postrouting" };
	size_t i;

	if (!strcmp(family, "arp") || !strcmp(family, "netdev"))
		return -1;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(hook, names[i]))
			return i;
	return -1;
}

static void add_chain(const cJSON *obj, struct nf_ruleset *rs)
{
	const cJSON *prio = cJSON_GetObjectItemCaseSensitive(obj, "prio");
	struct nf_chain *chain = nf_ruleset__add_chain(rs);

	if (!chain)
		return;
	copy_string(chain->family, sizeof(chain->family), obj, "family");
	copy_string(chain->table, sizeof(chain->table), obj, "table");
	copy_string(chain->chain, sizeof(chain->chain), obj, "name");
	chain->base = cJSON_GetObjectItemCaseSensitive(obj, "hook") != NULL;
	if (!chain->base)
		return;
	chain->hook = hook_number(chain->family, string_of(obj, "hook"));
	chain->priority = cJSON_IsNumber(prio) ? prio->valueint : 0;
	copy_string(chain->policy, sizeof(chain->policy), obj, "policy");
}

/* One statement of a rule: a counter, or what decides the packet's fate. The last verdict
 * of a rule is the one that ends it. */
static void read_statement(const cJSON *stmt, struct nf_rule *rule)
{
	static const char *const verdicts[] = { "accept",     "drop",	  "reject", "return",
						"queue",      "continue", "snat",   "dnat",
						"masquerade", "redirect" };
	const cJSON *body = stmt->child;
	const char *key;
	size_t i;

	if (!body || !body->string)
		return;
	key = body->string;
	if (!strcmp(key, "counter") && cJSON_IsObject(body)) {
		const cJSON *packets = cJSON_GetObjectItemCaseSensitive(body, "packets");
		const cJSON *bytes = cJSON_GetObjectItemCaseSensitive(body, "bytes");

		rule->has_counter = true;
		rule->packets = cJSON_IsNumber(packets) ? (__u64)packets->valuedouble : 0;
		rule->bytes = cJSON_IsNumber(bytes) ? (__u64)bytes->valuedouble : 0;
		return;
	}
	if (!strcmp(key, "jump") || !strcmp(key, "goto")) {
		strcpy(rule->verdict, key);
		copy_string(rule->target, sizeof(rule->target), body, "target");
		return;
	}
	/* iptables-nft's targets without an nf_tables equivalent (REJECT among them). */
	if (!strcmp(key, "xt") && !strcmp(string_of(body, "type"), "target")) {
		const char *name = string_of(body, "name");

		for (i = 0; name[i] && i < sizeof(rule->verdict) - 1; i++)
			rule->verdict[i] = tolower((unsigned char)name[i]);
		rule->verdict[i] = 0;
		rule->target[0] = 0;
		return;
	}
	for (i = 0; i < sizeof(verdicts) / sizeof(verdicts[0]); i++) {
		if (!strcmp(key, verdicts[i])) {
			strcpy(rule->verdict, key);
			rule->target[0] = 0;
			return;
		}
	}
}

static void add_rule(const cJSON *obj, struct nf_ruleset *rs)
{
	const cJSON *handle = cJSON_GetObjectItemCaseSensitive(obj, "handle");
	const cJSON *expr = cJSON_GetObjectItemCaseSensitive(obj, "expr");
	const cJSON *stmt;
	struct nf_rule *rule = nf_ruleset__add_rule(rs);

	if (!rule)
		return;
	copy_string(rule->family, sizeof(rule->family), obj, "family");
	copy_string(rule->table, sizeof(rule->table), obj, "table");
	copy_string(rule->chain, sizeof(rule->chain), obj, "chain");
	copy_string(rule->comment, sizeof(rule->comment), obj, "comment");
	rule->handle = cJSON_IsNumber(handle) ? (__u64)handle->valuedouble : 0;
	cJSON_ArrayForEach(stmt, expr) read_statement(stmt, rule);
}

int nft_rules__parse_json(const char *json, struct nf_ruleset *rs)
{
	cJSON *doc = cJSON_Parse(json);
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(doc, "nftables");
	const cJSON *item;

	if (!cJSON_IsArray(list)) {
		nf_ruleset__note(rs, "nft: its JSON listing could not be read");
		cJSON_Delete(doc);
		return -1;
	}
	cJSON_ArrayForEach(item, list)
	{
		const cJSON *chain = cJSON_GetObjectItemCaseSensitive(item, "chain");
		const cJSON *rule = cJSON_GetObjectItemCaseSensitive(item, "rule");

		if (cJSON_IsObject(chain))
			add_chain(chain, rs);
		else if (cJSON_IsObject(rule))
			add_rule(rule, rs);
	}
	cJSON_Delete(doc);
	return 0;
}

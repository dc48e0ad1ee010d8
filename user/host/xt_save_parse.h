/* SPDX-License-Identifier: GPL-2.0 */
/* The lines of iptables-save's output (`-c`: with counters), shared by the reader of
 * iptables-legacy's tables and the one laying iptables' form over iptables-nft's. */
#ifndef HOST_XT_SAVE_PARSE_H
#define HOST_XT_SAVE_PARSE_H

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

/* The next line of *p into l, *p moved past it; false at the end. */
bool xt_save__next_line(const char **p, struct save_line *l);

/* A rule line into r; false when l is none. */
bool xt_save__parse_rule(const struct save_line *l, struct save_rule *r);

/* ":CHAIN POLICY [packets:bytes]": the chain's name, its policy ("-" for a chain of the
 * user) and the policy's counter; false when l is none. */
bool xt_save__parse_chain(const struct save_line *l, char *name, char *policy, bool *has_counter,
			  __u64 *packets);

/* Gives rule r's text, comment and verdict; jump_is_chain: -j names a chain of the table. */
void xt_save__set_rule(struct nf_rule *rule, const struct save_rule *r, bool jump_is_chain);

#endif /* HOST_XT_SAVE_PARSE_H */

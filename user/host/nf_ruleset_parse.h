/* SPDX-License-Identifier: GPL-2.0 */
/* The inside of the ruleset reader, shared by its parts and by its unit tests: building a
 * ruleset piece by piece, and the parsers of nft's and iptables-save's outputs, which take
 * text and never touch a namespace. */
#ifndef HOST_NF_RULESET_PARSE_H
#define HOST_NF_RULESET_PARSE_H

#include <stdbool.h>
#include "host/nf_ruleset.h"

/* Bounds per namespace: a cluster of thousands of services stays under them; past them
 * the rest is left out and rs->errors says so. */
#define NF_RULESET_MAX_RULES 20000
#define NF_RULESET_MAX_CHAINS 20000

/* A zeroed rule or chain appended to rs, or NULL (noted in rs->errors) past the bounds or
 * out of memory. A rule's index is taken as its order until nf_ruleset__finish. */
struct nf_rule *nf_ruleset__add_rule(struct nf_ruleset *rs);
struct nf_chain *nf_ruleset__add_chain(struct nf_ruleset *rs);

/* Appends one phrase to rs->errors, once (a phrase already there is not repeated). */
void nf_ruleset__note(struct nf_ruleset *rs, const char *phrase);

/* Copies a rule's text, cut with "..." when longer than NF_RULESET_TEXT allows; len is
 * how many bytes of src to take. */
void nf_ruleset__set_text(struct nf_rule *rule, const char *src, size_t len);

/* Copies at most len bytes of src into a buffer of size, always terminated. */
void nf_ruleset__copy(char *dst, size_t size, const char *src, size_t len);

/* Orders rules and chains by (backend, family, table, chain), keeping each chain's rules
 * in their order, and numbers each chain's rules from 1; the lookups rely on that order. */
void nf_ruleset__finish(struct nf_ruleset *rs);

/* Orders by (backend, family, table, chain): a key against a rule, and two chains (qsort's
 * form). */
int nf_ruleset__compare_keys(bool legacy, const char *family, const char *table, const char *chain,
			     const struct nf_rule *rule);
int nf_ruleset__compare_chains(const void *a, const void *b);

/* The rules of one chain (after nf_ruleset__finish): the first, and their count in n; NULL
 * and 0 when the chain has none. */
struct nf_rule *nf_ruleset__rules_of(const struct nf_ruleset *rs, bool legacy, const char *family,
				     const char *table, const char *chain, int *n);

/* Adds the tables, chains and rules of `nft -j list ruleset` (with handles). Returns 0, or
 * -1 when json is not that document (noted in rs->errors). */
int nft_rules__parse_json(const char *json, struct nf_ruleset *rs);

/* Gives each nf_tables rule of rs its text from `nft -s -a list ruleset` (rules matched by
 * family, table, chain and handle; the trailing "# handle N" left out). Rules must be
 * finished. */
void nft_rules__parse_listing(const char *listing, struct nf_ruleset *rs);

/* Adds the tables of an `iptables-legacy-save -c` output (family "ip" or "ip6"). */
void xt_rules__parse_legacy(const char *save, const char *family, struct nf_ruleset *rs);

/* Gives the nf_tables rules of the tables an `iptables-nft-save -c` output prints their
 * iptables form (text, verdict, comment) and their base chains' policy counters: the Nth
 * rule of a chain there is the Nth of that chain in nf_tables. A chain whose rule count
 * differs keeps nft's form (noted in rs->errors). Rules must be finished. */
void xt_rules__apply_nft(const char *save, const char *family, struct nf_ruleset *rs);

/* Runs an iptables save command (argv[0] looked up on PATH) in the caller's network
 * namespace and returns its output (malloc'd, the caller frees), or NULL with the reason
 * noted in rs->errors ("iptables-nft-save: not found"). */
char *xt_save__run(const char *const argv[], struct nf_ruleset *rs);

/* Reads nf_tables in the caller's namespace into rs through libnftables: the JSON listing
 * and the text one. Returns 0, or -1 when nft could not list (noted in rs->errors). */
int nft_rules__read(struct nf_ruleset *rs);

#endif /* HOST_NF_RULESET_PARSE_H */

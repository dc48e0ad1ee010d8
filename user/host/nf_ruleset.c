// SPDX-License-Identifier: GPL-2.0
/* Reading a namespace's ruleset: nf_tables first (native nftables and iptables-nft), the
 * iptables form of iptables-nft's tables over it, then iptables-legacy's tables. Every part
 * runs inside the namespace; a part that fails is noted and the others still read. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>
#include "hoptrace.h"
#include "host/nf_ruleset_parse.h"
#include "host/xt_tables.h"
#include "host/nsenter.h"

/* Whether nf_tables has a table iptables-nft-save would print for this family: only
 * iptables' own table names are, so a native nftables ruleset runs no command. */
static bool has_iptables_table(const struct nf_ruleset *rs, const char *family)
{
	static const char *const names[] = { "filter", "nat", "mangle", "raw", "security" };
	int i;
	size_t j;

	for (i = 0; i < rs->chain_count; i++) {
		const struct nf_chain *c = &rs->chains[i];

		if (c->legacy || strcmp(c->family, family))
			continue;
		for (j = 0; j < sizeof(names) / sizeof(names[0]); j++)
			if (!strcmp(c->table, names[j]))
				return true;
	}
	return false;
}

static void read_iptables_nft(struct nf_ruleset *rs, const char *family, const char *command)
{
	const char *argv[] = { command, "-c", NULL };
	char *save;

	if (!has_iptables_table(rs, family))
		return;
	save = xt_save__run(argv, rs);
	if (!save) {
		nf_ruleset__note(rs, "iptables-nft's rules shown in nft's form");
		return;
	}
	xt_rules__apply_nft(save, family, rs);
	free(save);
}

static void read_legacy(struct nf_ruleset *rs, const char *family, int hop_family,
			const char *command)
{
	const char *argv[] = { command, "-c", NULL };
	char *save;

	if (!xt_tables__present(hop_family, NULL))
		return;
	save = xt_save__run(argv, rs);
	if (!save)
		return;
	xt_rules__parse_legacy(save, family, rs);
	free(save);
}

static int read_here(void *ctx)
{
	struct nf_ruleset *rs = ctx;

	if (!nft_rules__read(rs)) {
		read_iptables_nft(rs, "ip", "iptables-nft-save");
		read_iptables_nft(rs, "ip6", "ip6tables-nft-save");
	}
	read_legacy(rs, "ip", HOP_AF_INET, "iptables-legacy-save");
	read_legacy(rs, "ip6", HOP_AF_INET6, "ip6tables-legacy-save");
	nf_ruleset__finish(rs);
	return 0;
}

int nf_ruleset__read(const char *netns_path, struct nf_ruleset *rs)
{
	int ret;

	memset(rs, 0, sizeof(*rs));
	ret = netns_path ? nsenter__run(netns_path, read_here, rs) : read_here(rs);
	if (ret < 0)
		nf_ruleset__free(rs);
	return ret;
}

void nf_ruleset__free(struct nf_ruleset *rs)
{
	free(rs->rules);
	free(rs->chains);
	memset(rs, 0, sizeof(*rs));
}

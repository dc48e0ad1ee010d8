// SPDX-License-Identifier: GPL-2.0
/* nf_tables through libnftables, in-process: one context opened and closed in the caller's
 * namespace (its netlink socket belongs to the namespace it was opened in), asked for each
 * table twice: as JSON for what each rule does, as text for how it reads. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nftables/libnftables.h>
#include "host/nf_ruleset_parse.h"
#include "host/nft_trace.h"
#include "host/nftlib_lock.h"

/* A list command with these output flags; its output, valid until the next command, or
 * NULL with nft's first line of error noted. */
static const char *list(struct nft_ctx *ctx, unsigned int flags, const char *cmd,
			struct nf_ruleset *rs)
{
	const char *err;
	char phrase[160];

	nft_ctx_output_set_flags(ctx, flags);
	if (!nft_run_cmd_from_buffer(ctx, cmd))
		return nft_ctx_get_output_buffer(ctx);
	err = nft_ctx_get_error_buffer(ctx);
	if (!err || !*err)
		err = "listing failed";
	snprintf(phrase, sizeof(phrase), "nft: %.*s", (int)strcspn(err, "\n"), err);
	nf_ruleset__note(rs, phrase);
	return NULL;
}

/* One table as JSON (what each rule does: json) or as text (how it reads: the rules must
 * be read and finished first, the text is looked up by handle). A table nft cannot print
 * is noted and skipped. */
static void read_table(struct nft_ctx *ctx, const char *family, const char *name, bool json,
		       struct nf_ruleset *rs)
{
	char cmd[160];
	const char *out;

	snprintf(cmd, sizeof(cmd), "list table %s %s", family, name);
	if (json) {
		out = list(ctx, NFT_CTX_OUTPUT_JSON | NFT_CTX_OUTPUT_HANDLE, cmd, rs);
		if (out)
			nft_rules__parse_json(out, rs);
		return;
	}
	out = list(ctx, NFT_CTX_OUTPUT_HANDLE | NFT_CTX_OUTPUT_STATELESS, cmd, rs);
	if (out)
		nft_rules__parse_listing(out, rs);
}

/* Each table of the list ("table FAMILY NAME" lines) but the marking tables, read one way. */
static void read_tables(struct nft_ctx *ctx, const char *tables, bool json, struct nf_ruleset *rs)
{
	char family[16], name[NF_RULESET_NAME];

	for (const char *line = tables; *line; line += strcspn(line, "\n"), line += *line == '\n')
		if (sscanf(line, "table %15s %63s", family, name) == 2 &&
		    strncmp(name, NFT_TRACE_TABLE_PREFIX, strlen(NFT_TRACE_TABLE_PREFIX)))
			read_table(ctx, family, name, json, rs);
}

/* The ruleset, table by table, hoptrace's own marking tables left out: libnftables 1.0.6
 * stops its JSON output at the "flags" of a table that has an owner (the marking tables
 * have one), which would lose every table after it. */
static int read_locked(struct nf_ruleset *rs)
{
	struct nft_ctx *ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	char *tables = NULL;
	const char *out;
	int ret = -1;

	if (!ctx) {
		nf_ruleset__note(rs, "nft: no context could be made");
		return -1;
	}
	if (nft_ctx_buffer_output(ctx) || nft_ctx_buffer_error(ctx)) {
		nf_ruleset__note(rs, "nft: its output could not be buffered");
		goto out;
	}
	out = list(ctx, 0, "list tables", rs);
	/* The buffer is the next command's: keep the list. */
	if (!out || !(tables = strdup(out)))
		goto out;
	read_tables(ctx, tables, true, rs);
	nf_ruleset__finish(rs);
	read_tables(ctx, tables, false, rs);
	ret = 0;
out:
	free(tables);
	nft_ctx_free(ctx);
	return ret;
}

int nft_rules__read(struct nf_ruleset *rs)
{
	int ret;

	nftlib__lock();
	ret = read_locked(rs);
	nftlib__unlock();
	return ret;
}

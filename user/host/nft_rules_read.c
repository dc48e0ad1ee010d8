// SPDX-License-Identifier: GPL-2.0
/* nf_tables through libnftables, in-process: one context opened and closed in the caller's
 * namespace (its netlink socket belongs to the namespace it was opened in), asked for the
 * ruleset twice: as JSON for what each rule does, as text for how it reads. */
#include <stdio.h>
#include <string.h>
#include <nftables/libnftables.h>
#include "host/nf_ruleset_parse.h"
#include "host/nftlib_lock.h"

/* "list ruleset" with these output flags; its output, valid until the next command, or
 * NULL with nft's first line of error noted. */
static const char *list_ruleset(struct nft_ctx *ctx, unsigned int flags, struct nf_ruleset *rs)
{
	const char *err;
	char phrase[160];

	nft_ctx_output_set_flags(ctx, flags);
	if (!nft_run_cmd_from_buffer(ctx, "list ruleset"))
		return nft_ctx_get_output_buffer(ctx);
	err = nft_ctx_get_error_buffer(ctx);
	if (!err || !*err)
		err = "list ruleset failed";
	snprintf(phrase, sizeof(phrase), "nft: %.*s", (int)strcspn(err, "\n"), err);
	nf_ruleset__note(rs, phrase);
	return NULL;
}

static int read_locked(struct nf_ruleset *rs)
{
	struct nft_ctx *ctx = nft_ctx_new(NFT_CTX_DEFAULT);
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
	out = list_ruleset(ctx, NFT_CTX_OUTPUT_JSON | NFT_CTX_OUTPUT_HANDLE, rs);
	if (!out || nft_rules__parse_json(out, rs))
		goto out;
	nf_ruleset__finish(rs);
	ret = 0;
	out = list_ruleset(ctx, NFT_CTX_OUTPUT_HANDLE | NFT_CTX_OUTPUT_STATELESS, rs);
	if (out)
		nft_rules__parse_listing(out, rs);
out:
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

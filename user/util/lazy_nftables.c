// SPDX-License-Identifier: GPL-2.0
/* libnftables' functions hoptrace calls (host/nft_rules_read.c, host/nft_trace.c), loaded
 * on first use (util/lazy_lib.h). */
#include <stddef.h>
#include <stdint.h>
#include <nftables/libnftables.h>
#include "lazy_sonames.h" /* generated: $(BUILD)/lazy_sonames.h */
#include "util/lazy_lib.h"

enum {
	CTX_NEW,
	CTX_FREE,
	SET_FLAGS,
	BUFFER_OUTPUT,
	GET_OUTPUT,
	BUFFER_ERROR,
	GET_ERROR,
	RUN,
	COUNT
};
static const char *const names[] = { "nft_ctx_new",
				     "nft_ctx_free",
				     "nft_ctx_output_set_flags",
				     "nft_ctx_buffer_output",
				     "nft_ctx_get_output_buffer",
				     "nft_ctx_buffer_error",
				     "nft_ctx_get_error_buffer",
				     "nft_run_cmd_from_buffer",
				     NULL };
static void *slots[COUNT];
static struct lazy_lib lib = { HOPTRACE_SONAME_NFTABLES, names, slots, 0 };

struct nft_ctx *nft_ctx_new(uint32_t flags)
{
	return lazy_lib__open(&lib) ? ((struct nft_ctx * (*)(uint32_t)) slots[CTX_NEW])(flags) :
				      NULL;
}

/* The ones below take a context only nft_ctx_new made: the library is open. */
void nft_ctx_free(struct nft_ctx *ctx)
{
	((void (*)(struct nft_ctx *))slots[CTX_FREE])(ctx);
}

void nft_ctx_output_set_flags(struct nft_ctx *ctx, unsigned int flags)
{
	((void (*)(struct nft_ctx *, unsigned int))slots[SET_FLAGS])(ctx, flags);
}

int nft_ctx_buffer_output(struct nft_ctx *ctx)
{
	return ((int (*)(struct nft_ctx *))slots[BUFFER_OUTPUT])(ctx);
}

const char *nft_ctx_get_output_buffer(struct nft_ctx *ctx)
{
	return ((const char *(*)(struct nft_ctx *))slots[GET_OUTPUT])(ctx);
}

int nft_ctx_buffer_error(struct nft_ctx *ctx)
{
	return ((int (*)(struct nft_ctx *))slots[BUFFER_ERROR])(ctx);
}

const char *nft_ctx_get_error_buffer(struct nft_ctx *ctx)
{
	return ((const char *(*)(struct nft_ctx *))slots[GET_ERROR])(ctx);
}

int nft_run_cmd_from_buffer(struct nft_ctx *nft, const char *buf)
{
	return ((int (*)(struct nft_ctx *, const char *))slots[RUN])(nft, buf);
}

// SPDX-License-Identifier: GPL-2.0
/* libcrypto's SHA-256 as hoptrace calls it (bundle/bundle_sha256.c), loaded on first use
 * (util/lazy_lib.h). */
#include <stddef.h>
#include <openssl/evp.h>
#include "lazy_sonames.h" /* generated: $(BUILD)/lazy_sonames.h */
#include "util/lazy_lib.h"

enum { CTX_NEW, SHA256, INIT, UPDATE, FINAL, CTX_FREE, COUNT };
static const char *const names[] = { "EVP_MD_CTX_new",
				     "EVP_sha256",
				     "EVP_DigestInit_ex",
				     "EVP_DigestUpdate",
				     "EVP_DigestFinal_ex",
				     "EVP_MD_CTX_free",
				     NULL };
static void *slots[COUNT];
static struct lazy_lib lib = { HOPTRACE_SONAME_CRYPTO, names, slots, 0 };

EVP_MD_CTX *EVP_MD_CTX_new(void)
{
	return lazy_lib__open(&lib) ? ((EVP_MD_CTX * (*)(void)) slots[CTX_NEW])() : NULL;
}

const EVP_MD *EVP_sha256(void)
{
	return lazy_lib__open(&lib) ? ((const EVP_MD *(*)(void))slots[SHA256])() : NULL;
}

/* The ones below take a context only EVP_MD_CTX_new made: the library is open. */
int EVP_DigestInit_ex(EVP_MD_CTX *ctx, const EVP_MD *type, ENGINE *impl)
{
	return ((int (*)(EVP_MD_CTX *, const EVP_MD *, ENGINE *))slots[INIT])(ctx, type, impl);
}

int EVP_DigestUpdate(EVP_MD_CTX *ctx, const void *d, size_t cnt)
{
	return ((int (*)(EVP_MD_CTX *, const void *, size_t))slots[UPDATE])(ctx, d, cnt);
}

int EVP_DigestFinal_ex(EVP_MD_CTX *ctx, unsigned char *md, unsigned int *s)
{
	return ((int (*)(EVP_MD_CTX *, unsigned char *, unsigned int *))slots[FINAL])(ctx, md, s);
}

void EVP_MD_CTX_free(EVP_MD_CTX *ctx)
{
	if (ctx) /* the library's accepts NULL; without it there is no context to free */
		((void (*)(EVP_MD_CTX *))slots[CTX_FREE])(ctx);
}

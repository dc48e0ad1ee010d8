// SPDX-License-Identifier: GPL-2.0
/* The manifest's SHA-256 sums, so that the receiver can check the files with sha256sum -c:
 * libcrypto's, streamed, since a trace file may be large. */
#include <errno.h>
#include <stdio.h>
#include <openssl/evp.h>
#include "bundle/bundle_priv.h"

int bundle_sha256__file(const char *path, char hex[65], unsigned long long *bytes)
{
	unsigned char buf[65536], md[EVP_MAX_MD_SIZE];
	EVP_MD_CTX *ctx;
	unsigned int len = 0;
	FILE *f;
	size_t n;
	int err = 0;

	*bytes = 0;
	f = fopen(path, "rb");
	if (!f)
		return -errno;
	ctx = EVP_MD_CTX_new();
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
		err = -ENOMEM;
	while (!err && (n = fread(buf, 1, sizeof(buf), f)) > 0) {
		*bytes += n;
		if (!EVP_DigestUpdate(ctx, buf, n))
			err = -EIO;
	}
	if (!err && ferror(f))
		err = -EIO;
	if (!err && !EVP_DigestFinal_ex(ctx, md, &len))
		err = -EIO;
	for (unsigned int i = 0; !err && i < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	EVP_MD_CTX_free(ctx);
	fclose(f);
	return err;
}

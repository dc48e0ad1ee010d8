/* SPDX-License-Identifier: GPL-2.0 */
/* A 64-bit mixer (the murmur3 finaliser's first rounds) for hash tables keyed by addresses
 * and indexes, whose low bits alone spread badly. */
#ifndef UTIL_HASH_H
#define UTIL_HASH_H

#include <linux/types.h>

static inline unsigned int hash64(__u64 v)
{
	v ^= v >> 33;
	v *= 0xff51afd7ed558ccdULL;
	v ^= v >> 33;
	return (unsigned int)v;
}

#endif /* UTIL_HASH_H */

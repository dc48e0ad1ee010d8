/* SPDX-License-Identifier: GPL-2.0 */
/* Synthetic kernel BTF for unit tests: drop reason enums as a kernel's BTF holds them, so
 * that tests name reasons through the real loader instead of a table of their own. */
#ifndef BTF_FIXTURE_H
#define BTF_FIXTURE_H

#include <bpf/btf.h>
#include "check.h"
#include "host/drop_reason.h"

/* Adds enum name with the given names and values to btf. */
static inline void btf_fixture__enum(struct btf *btf, const char *name, const char *const *names,
				     const long long *values, int count)
{
	CHECK(btf__add_enum(btf, name, 4) > 0);
	for (int i = 0; i < count; i++)
		CHECK(btf__add_enum_value(btf, names[i], values[i]) == 0);
}

/* The drop reasons of a kernel whose skb_drop_reason holds just these; NULL on failure. */
static inline struct drop_reasons *btf_fixture__reasons(const char *const *names,
							const long long *values, int count)
{
	struct drop_reasons *dr;
	struct btf *btf = btf__new_empty();

	CHECK(btf);
	if (!btf)
		return NULL;
	CHECK(btf__add_int(btf, "int", 4, BTF_INT_SIGNED) > 0);
	btf_fixture__enum(btf, "skb_drop_reason", names, values, count);
	dr = drop_reasons__load(btf);
	CHECK(dr);
	btf__free(btf);
	return dr;
}

#endif /* BTF_FIXTURE_H */

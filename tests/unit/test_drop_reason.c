// SPDX-License-Identifier: GPL-2.0
/* Unit tests of drop reason names: the running kernel's BTF and a synthetic BTF. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "check.h"
#include "btf_fixture.h"
#include "host/drop_reason.h"

#define FOO_SUBSYS 1
#define BAR_SUBSYS 2

/* The value the kernel's BTF gives an enumerator of enum skb_drop_reason, -1 if none. */
static long long kernel_reason(const struct btf *btf, const char *name)
{
	int id = btf__find_by_name_kind(btf, "skb_drop_reason", BTF_KIND_ENUM);
	const struct btf_type *t = id < 0 ? NULL : btf__type_by_id(btf, id);
	const struct btf_enum *e;
	int i;

	for (i = 0, e = t ? btf_enum(t) : NULL; t && i < btf_vlen(t); i++, e++) {
		if (!strcmp(btf__name_by_offset(btf, e->name_off), name))
			return (__u32)e->val;
	}
	return -1;
}

static void check_kernel_reason(const struct btf *btf, const struct drop_reasons *dr,
				const char *name)
{
	char full[64], buf[32];
	long long value;

	snprintf(full, sizeof(full), "SKB_DROP_REASON_%s", name);
	value = kernel_reason(btf, full);
	CHECK(value >= 0);
	if (value >= 0)
		CHECK_STR(drop_reasons__name(dr, value, buf, sizeof(buf)), name);
}

static void test_kernel_btf(void)
{
	struct btf *btf = btf__load_vmlinux_btf();
	struct drop_reasons *dr;
	char buf[32];

	if (!btf) {
		SKIP("no kernel BTF");
		return;
	}
	dr = drop_reasons__load(btf);
	if (!dr && errno == ENOENT) {
		SKIP("kernel has no enum skb_drop_reason");
		btf__free(btf);
		return;
	}
	CHECK(dr != NULL);
	check_kernel_reason(btf, dr, "NO_SOCKET");
	check_kernel_reason(btf, dr, "NETFILTER_DROP");
	check_kernel_reason(btf, dr, "NOT_SPECIFIED");
	CHECK_STR(drop_reasons__name(dr, 0xfffe, buf, sizeof(buf)), "UNKNOWN(65534)");
	drop_reasons__free(dr);
	btf__free(btf);
}

/* A small kernel's worth of drop reason enums, with the traps real kernels hold. */
static struct btf *synthetic_btf(void)
{
	static const char *const core[] = { "SKB_DROP_REASON_NOT_SPECIFIED",
					    "SKB_DROP_REASON_NO_SOCKET", "SKB_DROP_REASON_MAX",
					    "SKB_DROP_REASON_SUBSYS_MASK" };
	static const long long core_v[] = { 2, 3, 4, 0xffff0000 };
	static const char *const subsys[] = { "SKB_DROP_REASON_SUBSYS_CORE",
					      "SKB_DROP_REASON_SUBSYS_FOO",
					      "SKB_DROP_REASON_SUBSYS_BAR",
					      "SKB_DROP_REASON_SUBSYS_NUM" };
	static const long long subsys_v[] = { 0, FOO_SUBSYS, BAR_SUBSYS, 3 };
	static const char *const foo[] = { "__FOO_DROP_REASON", "FOO_DROP_FIRST", "FOO_DROP_SECOND",
					   "FOO_DROP_MAX" };
	static const long long foo_v[] = { FOO_SUBSYS << 16, FOO_SUBSYS << 16 | 1,
					   FOO_SUBSYS << 16 | 2, FOO_SUBSYS << 16 | 3 };
	/* Like mac80211's: subsystem 0 values that are not drops, and an unlisted subsystem. */
	static const char *const mixed[] = { "MIXED_CONTINUE", "MIXED_DROP", "MIXED_ALIEN" };
	static const long long mixed_v[] = { 3, BAR_SUBSYS << 16 | 5, 7 << 16 | 1 };
	static const char *const other[] = { "OTHER_VALUE" };
	static const long long other_v[] = { BAR_SUBSYS << 16 | 6 };
	struct btf *btf = btf__new_empty();

	CHECK(btf != NULL);
	if (!btf)
		return NULL;
	CHECK(btf__add_int(btf, "int", 4, BTF_INT_SIGNED) > 0);
	btf_fixture__enum(btf, "skb_drop_reason", core, core_v, 4);
	btf_fixture__enum(btf, "skb_drop_reason_subsys", subsys, subsys_v, 4);
	btf_fixture__enum(btf, "foo_drop_reason", foo, foo_v, 4);
	btf_fixture__enum(btf, "mixed_drop_reason", mixed, mixed_v, 3);
	btf_fixture__enum(btf, "other_enum", other, other_v, 1); /* not named *_drop_reason */
	return btf;
}

static void test_synthetic_btf(void)
{
	struct btf *btf = synthetic_btf();
	struct drop_reasons *dr = btf ? drop_reasons__load(btf) : NULL;
	char buf[32];

	CHECK(dr != NULL);
	/* Names are copied: the BTF may go before the table. */
	btf__free(btf);
	if (!dr)
		return;
	CHECK_STR(drop_reasons__name(dr, 2, buf, sizeof(buf)), "NOT_SPECIFIED");
	CHECK_STR(drop_reasons__name(dr, 3, buf, sizeof(buf)), "NO_SOCKET");
	CHECK_STR(drop_reasons__name(dr, 0, buf, sizeof(buf)), "UNKNOWN(0)");
	CHECK_STR(drop_reasons__name(dr, 4, buf, sizeof(buf)), "UNKNOWN(4)");
	CHECK_STR(drop_reasons__name(dr, 0xffff0000, buf, sizeof(buf)), "UNKNOWN(4294901760)");
	CHECK_STR(drop_reasons__name(dr, FOO_SUBSYS << 16 | 1, buf, sizeof(buf)), "FOO_DROP_FIRST");
	CHECK_STR(drop_reasons__name(dr, FOO_SUBSYS << 16 | 2, buf, sizeof(buf)),
		  "FOO_DROP_SECOND");
	CHECK_STR(drop_reasons__name(dr, FOO_SUBSYS << 16 | 9, buf, sizeof(buf)), "UNKNOWN(65545)");
	CHECK_STR(drop_reasons__name(dr, BAR_SUBSYS << 16 | 5, buf, sizeof(buf)), "MIXED_DROP");
	CHECK_STR(drop_reasons__name(dr, 7 << 16 | 1, buf, sizeof(buf)), "UNKNOWN(458753)");
	CHECK_STR(drop_reasons__name(dr, BAR_SUBSYS << 16 | 6, buf, sizeof(buf)),
		  "UNKNOWN(131078)");
	CHECK_STR(drop_reasons__name(dr, 3 << 16, buf, sizeof(buf)), "UNKNOWN(196608)");
	drop_reasons__free(dr);
}

static void test_module_btf(void)
{
	static const char *const mod[] = { "MOD_DROP_X", "MOD_DROP_Y" };
	static const long long mod_v[] = { BAR_SUBSYS << 16 | 1, BAR_SUBSYS << 16 | 5 };
	struct btf *base = synthetic_btf();
	struct btf *split = base ? btf__new_empty_split(base) : NULL;
	struct drop_reasons *dr = base ? drop_reasons__load(base) : NULL;
	char buf[32];

	CHECK(split != NULL && dr != NULL);
	if (!split || !dr)
		goto out;
	btf_fixture__enum(split, "mod_drop_reason", mod, mod_v, 2);
	CHECK(drop_reasons__add_btf(dr, split) == 0);
	CHECK_STR(drop_reasons__name(dr, BAR_SUBSYS << 16 | 1, buf, sizeof(buf)), "MOD_DROP_X");
	/* The vmlinux name of a value stays. */
	CHECK_STR(drop_reasons__name(dr, BAR_SUBSYS << 16 | 5, buf, sizeof(buf)), "MIXED_DROP");
	CHECK_STR(drop_reasons__name(dr, 2, buf, sizeof(buf)), "NOT_SPECIFIED");
out:
	drop_reasons__free(dr);
	btf__free(split);
	btf__free(base);
}

static void test_absent_enum(void)
{
	struct btf *btf = btf__new_empty();
	char buf[32];

	CHECK(btf__add_int(btf, "int", 4, BTF_INT_SIGNED) > 0);
	errno = 0;
	CHECK(drop_reasons__load(btf) == NULL);
	CHECK(errno == ENOENT);
	CHECK_STR(drop_reasons__name(NULL, 6, buf, sizeof(buf)), "UNKNOWN(6)");
	btf__free(btf);
}

int main(void)
{
	RUN(test_kernel_btf);
	RUN(test_synthetic_btf);
	RUN(test_module_btf);
	RUN(test_absent_enum);
	CHECK_EXIT();
}

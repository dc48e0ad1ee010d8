// SPDX-License-Identifier: GPL-2.0
/* Drop reason names from BTF: the core enum skb_drop_reason plus subsystem enums. */
#include "host/drop_reason.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>

/* The kernel's SKB_DROP_REASON_SUBSYS_SHIFT is a #define, so BTF cannot give it. */
#define SUBSYS_SHIFT 16
#define CORE_PREFIX "SKB_DROP_REASON_"
#define SUBSYS_ENUM_SUFFIX "_drop_reason"

struct drop_reason {
	__u32 value;
	__u32 seq; /* insertion order: the first name given for a value wins */
	char *name;
};

struct drop_reasons {
	struct drop_reason *reasons;
	size_t cnt, cap;
	__u32 *subsys; /* subsystem ids listed by enum skb_drop_reason_subsys, CORE excluded */
	size_t subsys_cnt;
};

static int drop_reasons__add(struct drop_reasons *dr, __u32 value, const char *name)
{
	struct drop_reason *r;

	if (dr->cnt == dr->cap) {
		size_t cap = dr->cap ? dr->cap * 2 : 256;

		r = realloc(dr->reasons, cap * sizeof(*r));
		if (!r)
			return -ENOMEM;
		dr->reasons = r;
		dr->cap = cap;
	}
	r = &dr->reasons[dr->cnt];
	r->name = strdup(name);
	if (!r->name)
		return -ENOMEM;
	r->value = value;
	r->seq = dr->cnt++;
	return 0;
}

static int drop_reason__cmp(const void *a, const void *b)
{
	const struct drop_reason *x = a, *y = b;

	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Sorts by value and drops later names of a value already named. */
static void drop_reasons__sort(struct drop_reasons *dr)
{
	size_t i, n = 0;

	if (!dr->cnt)
		return;
	qsort(dr->reasons, dr->cnt, sizeof(*dr->reasons), drop_reason__cmp);
	for (i = 0; i < dr->cnt; i++) {
		if (n && dr->reasons[n - 1].value == dr->reasons[i].value) {
			free(dr->reasons[i].name);
			continue;
		}
		dr->reasons[n] = dr->reasons[i];
		dr->reasons[n].seq = n;
		n++;
	}
	dr->cnt = n;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t len = strlen(s), suffix_len = strlen(suffix);

	return len >= suffix_len && !strcmp(s + len - suffix_len, suffix);
}

static const struct btf_type *find_enum(const struct btf *btf, const char *name)
{
	int id = btf__find_by_name_kind(btf, name, BTF_KIND_ENUM);

	return id < 0 ? NULL : btf__type_by_id(btf, id);
}

static int drop_reasons__load_core(struct drop_reasons *dr, const struct btf *btf,
				   const struct btf_type *t)
{
	const struct btf_enum *e = btf_enum(t);
	const char *name;
	int i, err;

	for (i = 0; i < btf_vlen(t); i++, e++) {
		name = btf__name_by_offset(btf, e->name_off);
		/* SUBSYS_MASK is a mask, MAX a count: neither is ever a reason. */
		if ((__u32)e->val >> SUBSYS_SHIFT || !strcmp(name, CORE_PREFIX "MAX"))
			continue;
		if (!strncmp(name, CORE_PREFIX, strlen(CORE_PREFIX)))
			name += strlen(CORE_PREFIX);
		err = drop_reasons__add(dr, e->val, name);
		if (err)
			return err;
	}
	return 0;
}

/* Records the subsystem ids; absent before 6.5, when no subsystem reasons existed. */
static int drop_reasons__load_subsys(struct drop_reasons *dr, const struct btf *btf)
{
	const struct btf_type *t = find_enum(btf, "skb_drop_reason_subsys");
	const struct btf_enum *e;
	int i;

	if (!t)
		return 0;
	dr->subsys = calloc(btf_vlen(t), sizeof(*dr->subsys));
	if (!dr->subsys)
		return -ENOMEM;
	for (i = 0, e = btf_enum(t); i < btf_vlen(t); i++, e++) {
		/* SUBSYS_NUM counts the subsystems; it is not one. */
		if (e->val && !has_suffix(btf__name_by_offset(btf, e->name_off), "_NUM"))
			dr->subsys[dr->subsys_cnt++] = e->val;
	}
	return 0;
}

static bool drop_reasons__is_subsys(const struct drop_reasons *dr, __u32 value)
{
	__u32 subsys = value >> SUBSYS_SHIFT;
	size_t i;

	for (i = 0; subsys && i < dr->subsys_cnt; i++) {
		if (dr->subsys[i] == subsys)
			return true;
	}
	return false;
}

/* Adds the enumerators of one "*_drop_reason" enum that carry a known subsystem; others
 * (mac80211's RX_CONTINUE, base markers of unlisted subsystems) are not drop reasons. */
static int drop_reasons__add_enum(struct drop_reasons *dr, const struct btf *btf,
				  const struct btf_type *t)
{
	const struct btf_enum *e = btf_enum(t);
	int i, err;

	for (i = 0; i < btf_vlen(t); i++, e++) {
		if (!drop_reasons__is_subsys(dr, e->val))
			continue;
		err = drop_reasons__add(dr, e->val, btf__name_by_offset(btf, e->name_off));
		if (err)
			return err;
	}
	return 0;
}

int drop_reasons__add_btf(struct drop_reasons *dr, const struct btf *btf)
{
	const struct btf *base = btf__base_btf(btf);
	__u32 id, cnt = btf__type_cnt(btf);
	const struct btf_type *t;
	const char *name;
	int err;

	/* A split BTF numbers its own types after its base's, which were scanned already. */
	for (id = base ? btf__type_cnt(base) : 1; id < cnt; id++) {
		t = btf__type_by_id(btf, id);
		if (!btf_is_enum(t))
			continue;
		name = btf__name_by_offset(btf, t->name_off);
		if (!name || !has_suffix(name, SUBSYS_ENUM_SUFFIX) ||
		    !strcmp(name, "skb_drop_reason"))
			continue;
		err = drop_reasons__add_enum(dr, btf, t);
		if (err)
			return err;
	}
	drop_reasons__sort(dr);
	return 0;
}

struct drop_reasons *drop_reasons__load(const struct btf *btf)
{
	const struct btf_type *core = find_enum(btf, "skb_drop_reason");
	struct drop_reasons *dr;
	int err;

	if (!core) {
		errno = ENOENT;
		return NULL;
	}
	dr = calloc(1, sizeof(*dr));
	if (!dr) {
		errno = ENOMEM;
		return NULL;
	}
	err = drop_reasons__load_core(dr, btf, core);
	if (!err)
		err = drop_reasons__load_subsys(dr, btf);
	if (!err && btf__base_btf(btf))
		err = drop_reasons__add_btf(dr, btf__base_btf(btf));
	if (!err)
		err = drop_reasons__add_btf(dr, btf);
	if (err) {
		drop_reasons__free(dr);
		errno = -err;
		return NULL;
	}
	return dr;
}

void drop_reasons__free(struct drop_reasons *dr)
{
	size_t i;

	if (!dr)
		return;
	for (i = 0; i < dr->cnt; i++)
		free(dr->reasons[i].name);
	free(dr->reasons);
	free(dr->subsys);
	free(dr);
}

const char *drop_reasons__name(const struct drop_reasons *dr, __u32 value, char *buf, size_t size)
{
	size_t lo = 0, hi = dr ? dr->cnt : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (dr->reasons[mid].value == value)
			return dr->reasons[mid].name;
		if (dr->reasons[mid].value < value)
			lo = mid + 1;
		else
			hi = mid;
	}
	snprintf(buf, size, "UNKNOWN(%u)", value);
	return buf;
}

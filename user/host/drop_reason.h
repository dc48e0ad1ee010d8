/* SPDX-License-Identifier: GPL-2.0 */
/* Drop reason values to names, read from the running kernel's BTF. */
#ifndef HOPTRACE_DROP_REASON_H
#define HOPTRACE_DROP_REASON_H

#include <stddef.h>
#include <linux/types.h>

struct btf;
struct drop_reasons;

/* Builds the value->name table from btf's `enum skb_drop_reason` (names without the
 * SKB_DROP_REASON_ prefix) and, for subsystem reasons (a subsystem of enum
 * skb_drop_reason_subsys in the bits above SKB_DROP_REASON_SUBSYS_SHIFT), from the
 * enumerators of enums named "*_drop_reason". Returns NULL with errno set, ENOENT when btf
 * has no enum skb_drop_reason (5.10 kernels): the caller then reports reasons as absent.
 * Names are copied; btf may be freed afterwards. */
struct drop_reasons *drop_reasons__load(const struct btf *btf);

/* Adds the subsystem reasons of another BTF, typically a module's split BTF (openvswitch,
 * mac80211 keep their enums there). Returns 0 or a negative errno. */
int drop_reasons__add_btf(struct drop_reasons *dr, const struct btf *btf);

/* Frees dr; NULL is allowed. */
void drop_reasons__free(struct drop_reasons *dr);

/* The name for value, e.g. "NETFILTER_DROP", "NOT_SPECIFIED"; subsystem reasons keep their
 * enumerator name (e.g. "OVS_DROP_LAST_ACTION"). Unknown values, or any value when dr is
 * NULL, format as "UNKNOWN(<value>)" into buf. Never returns NULL. */
const char *drop_reasons__name(const struct drop_reasons *dr, __u32 value, char *buf, size_t size);

#endif /* HOPTRACE_DROP_REASON_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* Conntrack statistics of the covered namespaces: read at start and end (their change goes
 * in the summary), and "is the table full" asked when a drop is judged. */
#ifndef CTSTAT_H
#define CTSTAT_H

#include <stdbool.h>
#include <linux/types.h>

struct coverage;

struct ctstat_counts {
	__u64 insert_failed;
	__u64 drop;
	__u64 early_drop;
	__u64 count;  /* entries now */
	__u64 max;    /* nf_conntrack_max */
	bool present; /* the namespace has conntrack statistics */
};

struct ctstat_ns {
	__u32 inode;
	char *path;
	struct ctstat_counts start, end;
};

struct ctstat {
	struct ctstat_ns *ns;
	int count;
};

/* Reads the counters in the namespace that `path` enters; all zero when unreadable. */
void ctstat__read(const char *path, struct ctstat_counts *c);

/* Reads the start counters in each covered namespace. NULL on ENOMEM. */
struct ctstat *ctstat__start(const struct coverage *cov);

/* Reads the end counters. */
void ctstat__finish(struct ctstat *ct);

/* Whether the namespace's conntrack gave up on packets for want of an entry during the
 * trace, or is at its maximum now. False for namespaces not covered. now (may be NULL):
 * the counters read to decide; drop_rise: how much "drop" grew since the start. */
bool ctstat__table_full(struct ctstat *ct, __u32 inode, struct ctstat_counts *now,
			__u64 *drop_rise);

/* How much insert_failed grew in the namespace since the start (read now); 0 for a
 * namespace not covered. */
__u64 ctstat__insert_failed_rise(struct ctstat *ct, __u32 inode);

void ctstat__free(struct ctstat *ct);

#endif /* CTSTAT_H */

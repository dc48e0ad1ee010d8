/* SPDX-License-Identifier: GPL-2.0 */
/* hoptrace's own BPF programs, which are never a drop's culprit nor watched: this
 * process's by id, and any hoptrace's by name (a second trace's copies run beside it; its
 * socket hook sits on the root cgroup, in every cgroup's effective list). */
#ifndef HOST_OWN_PROGS_H
#define HOST_OWN_PROGS_H

#include <stdbool.h>
#include <linux/types.h>

#define OWN_PROGS_MAX 64
#define OWN_PROGS_NAME_LEN 64

struct own_progs {
	__u32 ids[OWN_PROGS_MAX];
	char names[OWN_PROGS_MAX][OWN_PROGS_NAME_LEN];
	int count;
};

/* Adds a program (id 0: not loaded, known by name only); past OWN_PROGS_MAX it is left
 * out. */
void own_progs__add(struct own_progs *o, __u32 id, const char *name);

/* Whether the program listed with this id and name (its BTF function name, or the
 * kernel's first 15 characters of it) is hoptrace's. o may be NULL. */
bool own_progs__has(const struct own_progs *o, __u32 id, const char *listed_name);

#endif /* HOST_OWN_PROGS_H */

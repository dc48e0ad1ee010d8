/* SPDX-License-Identifier: GPL-2.0 */
/* Where the cgroup v2 hierarchy is mounted: its root cgroup is where a program that must
 * see every socket of the node attaches. */
#ifndef HOST_CGROUP_ROOT_H
#define HOST_CGROUP_ROOT_H

#include <stdbool.h>
#include <stddef.h>

/* The mount point of the cgroup2 hierarchy's root (a mount of "/" of it, as
 * /proc/self/mountinfo lists it) into buf. False when none is mounted. */
bool cgroup_root__find(char *buf, size_t size);

/* The same, from a mountinfo file's text (for tests). */
bool cgroup_root__parse(const char *mountinfo, char *buf, size_t size);

#endif /* HOST_CGROUP_ROOT_H */

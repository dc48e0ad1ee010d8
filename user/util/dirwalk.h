/* SPDX-License-Identifier: GPL-2.0 */
/* Visiting the entries of a directory (namespace files under /run/netns, processes under
 * /proc), one callback per entry. */
#ifndef DIRWALK_H
#define DIRWALK_H

/* Called with "<dir>/<name><suffix>" and the entry's name; a non-zero return stops. */
typedef int (*dirwalk_fn)(void *ctx, const char *path, const char *name);

/* Calls fn for each entry of dir not starting with a dot. A missing directory has no
 * entries. Returns the first non-zero return of fn, else 0. */
int dirwalk(const char *dir, const char *suffix, dirwalk_fn fn, void *ctx);

#endif /* DIRWALK_H */

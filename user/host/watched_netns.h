/* SPDX-License-Identifier: GPL-2.0 */
/* The network namespaces a trace covers with per-namespace hooks (netfilter links): the
 * initial one, those holding a traced pod address, and those the user names. */
#ifndef COVERAGE_H
#define COVERAGE_H

#include <linux/types.h>

struct podns;

#define COVERAGE_MAX 256

struct coverage {
	char *paths[COVERAGE_MAX];
	__u32 inodes[COVERAGE_MAX];
	int count;
};

/* Checks the --netns names before anything attaches: each must be a namespace under
 * /run/netns (or "all"). Returns 0, or -1 with one line on stderr. */
int coverage__check_names(const char *const *names, int count);

/* Collects the namespaces, each once. Returns 0 or -ENOMEM. */
int coverage__collect(struct coverage *cov, const char *const *names, int count,
		      struct podns *pods);

/* Adds one namespace by a path that enters it (a --pod's), unless it is covered already.
 * Returns 0 or -ENOMEM. */
int coverage__add_path(struct coverage *cov, const char *path);

void coverage__free(struct coverage *cov);

#endif /* COVERAGE_H */

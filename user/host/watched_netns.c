// SPDX-License-Identifier: GPL-2.0
/* Namespace coverage: paths to open for setns(2), de-duplicated by inode so a namespace
 * reached both as a pod's and by name gets one set of links. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "host/watched_netns.h"
#include "util/dirwalk.h"
#include "host/pod_netns.h"

#define RUN_NETNS "/run/netns"

int coverage__check_names(const char *const *names, int count)
{
	char path[512];
	struct stat st;

	for (int i = 0; i < count; i++) {
		if (!strcmp(names[i], "all"))
			continue;
		snprintf(path, sizeof(path), RUN_NETNS "/%s", names[i]);
		if (stat(path, &st)) {
			fprintf(stderr,
				"hoptrace: --netns %s: no such network namespace (see ip netns "
				"list)\n",
				names[i]);
			return -1;
		}
	}
	return 0;
}

int coverage__add_path(struct coverage *cov, const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return 0; /* gone since it was listed: nothing to cover */
	for (int i = 0; i < cov->count; i++)
		if (cov->inodes[i] == st.st_ino)
			return 0;
	if (cov->count >= COVERAGE_MAX)
		return 0;
	cov->paths[cov->count] = strdup(path);
	if (!cov->paths[cov->count])
		return -ENOMEM;
	cov->inodes[cov->count++] = st.st_ino;
	return 0;
}

static int add_named(void *ctx, const char *path, const char *name)
{
	(void)name;
	return coverage__add_path(ctx, path);
}

static int add_all_named(struct coverage *cov)
{
	return dirwalk(RUN_NETNS, NULL, add_named, cov);
}

int coverage__collect(struct coverage *cov, const char *const *names, int count, struct podns *pods)
{
	const __u32 *inodes;
	char path[512];
	int err = coverage__add_path(cov, "/proc/self/ns/net");

	/* Only namespaces holding a traced address: every other pod keeps its hooks empty. */
	for (int i = 0; pods && !err && i < podns__inodes(pods, &inodes); i++)
		if (podns__holds_traced(pods, inodes[i]))
			err = coverage__add_path(cov, podns__path(pods, i));
	for (int i = 0; !err && i < count; i++) {
		if (!strcmp(names[i], "all")) {
			err = add_all_named(cov);
			continue;
		}
		snprintf(path, sizeof(path), RUN_NETNS "/%s", names[i]);
		err = coverage__add_path(cov, path);
	}
	return err;
}

void coverage__free(struct coverage *cov)
{
	for (int i = 0; i < cov->count; i++)
		free(cov->paths[i]);
	cov->count = 0;
}

// SPDX-License-Identifier: GPL-2.0
/* One directory walk for every module that lists namespaces or processes. */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include "util/dirwalk.h"

int dirwalk(const char *dir, const char *suffix, dirwalk_fn fn, void *ctx)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d = opendir(dir);
	int err = 0;

	if (!d)
		return 0;
	while (!err && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s%s", dir, de->d_name, suffix ? suffix : "");
		err = fn(ctx, path, de->d_name);
	}
	closedir(d);
	return err;
}

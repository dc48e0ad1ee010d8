// SPDX-License-Identifier: GPL-2.0
/* Finding the cgroup v2 root from /proc/self/mountinfo. Its lines read
 *   ID PARENT MAJ:MIN ROOT MOUNT-POINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER-OPTIONS
 * A cgroup2 mount whose ROOT is "/" shows the whole hierarchy (inside a cgroup namespace,
 * or for a bind mount of a sub-cgroup, ROOT names the cgroup it starts at). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "host/cgroup_root.h"

/* Mount points escape space, tab, newline and backslash as \ooo. */
static void unescape(const char *in, char *out, size_t size)
{
	size_t n = 0;

	while (*in && n + 1 < size) {
		if (in[0] == '\\' && in[1] >= '0' && in[1] <= '7' && in[2] && in[3]) {
			out[n++] = (char)strtol((char[]){ in[1], in[2], in[3], 0 }, NULL, 8);
			in += 4;
		} else {
			out[n++] = *in++;
		}
	}
	out[n] = 0;
}

static bool line_is_cgroup2_root(const char *line, char *buf, size_t size)
{
	char root[256], mount[4096], fstype[64];
	const char *sep = strstr(line, " - ");

	if (!sep || sscanf(sep, " - %63s", fstype) != 1 || strcmp(fstype, "cgroup2"))
		return false;
	if (sscanf(line, "%*s %*s %*s %255s %4095s", root, mount) != 2 || strcmp(root, "/"))
		return false;
	unescape(mount, buf, size);
	return true;
}

bool cgroup_root__parse(const char *mountinfo, char *buf, size_t size)
{
	const char *line = mountinfo;

	while (line && *line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char copy[8192];

		if (len < sizeof(copy)) {
			memcpy(copy, line, len);
			copy[len] = 0;
			if (line_is_cgroup2_root(copy, buf, size))
				return true;
		}
		line = end ? end + 1 : NULL;
	}
	return false;
}

bool cgroup_root__find(char *buf, size_t size)
{
	FILE *f = fopen("/proc/self/mountinfo", "r");
	char line[8192];
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = line_is_cgroup2_root(line, buf, size);
	fclose(f);
	return found;
}

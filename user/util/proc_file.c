// SPDX-License-Identifier: GPL-2.0
/* Sysctl-style files hold one number and a newline. */
#include <stdio.h>
#include "util/proc_file.h"

long long proc_file__read_number(const char *path)
{
	long long v = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

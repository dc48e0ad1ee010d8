// SPDX-License-Identifier: GPL-2.0
/* The process's name is what tells a reused pid from ours. */
#include <stdio.h>
#include <string.h>
#include "host/hoptrace_pid.h"

bool hoptrace_pid__alive(pid_t pid)
{
	char path[64], comm[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = '\0';
	fclose(f);
	comm[strcspn(comm, "\n")] = '\0';
	return !strcmp(comm, "hoptrace");
}

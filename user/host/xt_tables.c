// SPDX-License-Identifier: GPL-2.0
/* ip_tables_names / ip6_tables_names list the tables x_tables has made here, one a line. */
#include <stdio.h>
#include <string.h>
#include <linux/types.h>
#include "hoptrace.h"
#include "host/xt_tables.h"

bool xt_tables__present(int family, const char *table)
{
	const char *path = family == HOP_AF_INET6 ? "/proc/thread-self/net/ip6_tables_names" :
						    "/proc/thread-self/net/ip_tables_names";
	FILE *f = fopen(path, "re");
	bool found = false;
	char line[64];

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		found = table ? !strcmp(line, table) : line[0] != '\0';
	}
	fclose(f);
	return found;
}

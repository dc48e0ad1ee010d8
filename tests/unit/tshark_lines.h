/* SPDX-License-Identifier: GPL-2.0 */
/* Reading a pcapng file back with tshark, the real consumer, in unit tests: one line per
 * frame of the fields the arguments ask for, joined by tabs. */
#ifndef TSHARK_LINES_H
#define TSHARK_LINES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"

/* Runs tshark on path with the given arguments (-e FIELD ..., -Y FILTER); NULL when it
 * cannot start. */
static inline FILE *tshark__open(const char *path, const char *args)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd), "tshark -r '%s' -T fields -E separator=/t %s 2>/dev/null", path,
		 args);
	return popen(cmd, "r");
}

/* Checks tshark's lines for path against want, rows of them; tshark must end cleanly (it
 * fails on a file it finds damaged). */
static inline void check_tshark_lines(const char *path, const char *args, const char *const *want,
				      int rows)
{
	char *line = NULL;
	size_t cap = 0;
	int n = 0;
	FILE *p = tshark__open(path, args);

	CHECK(p);
	if (!p)
		return;
	while (getline(&line, &cap, p) > 0) {
		line[strcspn(line, "\n")] = '\0';
		if (n < rows)
			CHECK_STR(line, want[n]);
		else
			fprintf(stderr, "  unexpected line: %s\n", line);
		n++;
	}
	free(line);
	CHECK(n == rows);
	CHECK(pclose(p) == 0);
}

#endif /* TSHARK_LINES_H */

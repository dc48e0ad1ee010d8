// SPDX-License-Identifier: GPL-2.0
/* Live status: redrawn in place with a carriage return, erased before any other line is
 * printed, and only when stderr is a terminal, so logs and pipes never see it. */
#include <stdio.h>
#include <unistd.h>
#include "cli/status.h"

void status__init(struct status *st, bool wanted)
{
	st->enabled = wanted && isatty(STDERR_FILENO);
	st->shown = false;
	st->last = -1;
}

void status__show(struct status *st, double elapsed, __u64 events, __u64 packets, __u64 drops,
		  __u64 lost)
{
	if (!st->enabled || elapsed - st->last < 0.25)
		return;
	st->last = elapsed;
	fprintf(stderr,
		"\r\033[K[hoptrace] %.1fs  events %llu  packets %llu  drops %llu  lost %llu",
		elapsed, (unsigned long long)events, (unsigned long long)packets,
		(unsigned long long)drops, (unsigned long long)lost);
	fflush(stderr);
	st->shown = true;
}

void status__clear(struct status *st)
{
	if (!st->shown)
		return;
	fprintf(stderr, "\r\033[K");
	fflush(stderr);
	st->shown = false;
}

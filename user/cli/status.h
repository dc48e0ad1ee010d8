/* SPDX-License-Identifier: GPL-2.0 */
/* The one-line live status on stderr while tracing; never mixed into the output stream. */
#ifndef STATUS_H
#define STATUS_H

#include <stdbool.h>
#include <linux/types.h>

struct status {
	bool enabled; /* stderr is a terminal and --quiet was not given */
	bool shown;   /* a status line is on screen now */
	double last;
};

void status__init(struct status *st, bool wanted);

/* Redraws the line, at most a few times a second. */
void status__show(struct status *st, double elapsed, __u64 events, __u64 packets, __u64 drops,
		  __u64 lost);

/* Erases the line before other output is written to the terminal. */
void status__clear(struct status *st);

#endif /* STATUS_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* The trace session: parse -> plan -> load -> attach -> poll -> report. */
#ifndef TRACE_H
#define TRACE_H

#include "cli/options.h"

struct enrich;
struct judged_packet;

/* Lets a caller (demo, selftest) see each finished packet, judged, with its names. */
struct trace_observer {
	void (*packet)(void *ctx, struct enrich *en, const struct judged_packet *jp);
	void *ctx;
	bool no_output; /* no text/JSON sink: the observer is the only consumer */
};

/* Runs a whole trace; returns the process exit status (the command's, with "--"). */
int trace__run(struct trace_config *opts);

/* trace__run with an observer (NULL: none). */
int trace__run_observed(struct trace_config *opts, const struct trace_observer *obs);

/* `hoptrace hooks`: prints the attach plan for this kernel. */
int trace__print_hooks(bool json);

/* The same, to f. */
int trace__print_hooks_to(FILE *f, bool json);

#endif /* TRACE_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* The trace session: parse -> plan -> load -> attach -> poll -> report. */
#ifndef TRACE_H
#define TRACE_H

#include "options.h"

/* Runs a whole trace; returns the process exit status (the command's, with "--"). */
int trace__run(struct options *opts);

/* `hoptrace hooks`: prints the attach plan for this kernel. */
int trace__print_hooks(bool json);

#endif /* TRACE_H */

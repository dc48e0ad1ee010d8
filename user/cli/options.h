/* SPDX-License-Identifier: GPL-2.0 */
/* The command line: one table of options with typed parsers; --help is generated from it. */
#ifndef OPTIONS_H
#define OPTIONS_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>
#include "trace_config.h"

/* Fills cfg with defaults, then parses argv (starting at argv[0] = subcommand or program
 * name). On a bad option prints one line to stderr and returns -1; returns 1 when --help or
 * --version was printed (exit 0); 0 otherwise. allow_trace: the trace options are valid. */
int options__parse(struct trace_config *opts, int argc, char **argv, bool allow_trace);

/* Writes the option help, generated from the option table. */
void options__usage(FILE *f);

#endif /* OPTIONS_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* Start-up phases: where the time and the memory of getting ready go. Each mark closes the
 * phase since the previous one; HOPTRACE_PHASES=1 prints them to stderr at the end of the
 * start-up (make bench reads them for its breakdown). Off, a mark costs one branch. */
#ifndef PHASES_H
#define PHASES_H

#include <stdio.h>

/* Starts the clock: the phase before the first mark runs from the binary's load (after the
 * dynamic linker, before main) through option parsing. */
void phases__begin(void);
void phases__mark(const char *name);
/* Writes "phases: name ms (+rss KiB) ..." when asked for; then forgets the marks. */
void phases__report(FILE *f);

#endif /* PHASES_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* Writing an output file whole or not at all: into a temporary file beside it, renamed over
 * it once complete, so a failure never leaves half a result at the path. */
#ifndef UTIL_WHOLE_FILE_H
#define UTIL_WHOLE_FILE_H

#include <stdio.h>

/* Writes path through write(f, ctx), which returns 0 or -errno; the file gets mode 0644
 * less the umask. Returns 0, or -errno (nothing is left at path nor beside it). */
int whole_file__write(const char *path, int (*write)(FILE *f, const void *ctx), const void *ctx);

#endif /* UTIL_WHOLE_FILE_H */

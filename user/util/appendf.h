/* SPDX-License-Identifier: GPL-2.0 */
/* Building one line in a fixed buffer piece by piece. */
#ifndef UTIL_APPENDF_H
#define UTIL_APPENDF_H

#include <stddef.h>

/* Appends to the string in buf like snprintf, never past size: what does not fit is cut
 * (a line for a person can afford that; its start is what matters). */
void appendf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif /* UTIL_APPENDF_H */

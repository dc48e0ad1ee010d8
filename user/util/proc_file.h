/* SPDX-License-Identifier: GPL-2.0 */
/* One number read from, or written to, a /proc or /sys file. */
#ifndef UTIL_PROC_FILE_H
#define UTIL_PROC_FILE_H

/* The first number in path, or -1 when the file cannot be read or holds none. */
long long proc_file__read_number(const char *path);

#endif /* UTIL_PROC_FILE_H */

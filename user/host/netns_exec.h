/* SPDX-License-Identifier: GPL-2.0 */
/* Running a program inside a network namespace, with its input given and its output kept:
 * for the tools (iptables-legacy-restore, -save) whose kernel interface hoptrace does not
 * speak itself. No shell is involved. */
#ifndef HOST_NETNS_EXEC_H
#define HOST_NETNS_EXEC_H

/* Runs argv (argv[0] searched in PATH) in the network namespace of netns_path, with input
 * (NULL: none) on its standard input. Its standard output and standard error are stored
 * in *out and *errout (malloc'd, NUL-terminated, the caller frees; a NULL pointer
 * discards that stream). Returns its exit status (128 + signal when killed), or -errno
 * when it could not run: -ENOENT for a program that is not installed, -ETIMEDOUT when it
 * ran past 10 s (it is killed), -EFBIG when its output passed 64 MiB. */
int netns_exec__run(const char *netns_path, char *const argv[], const char *input, char **out,
		    char **errout);

#endif /* HOST_NETNS_EXEC_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* Running the command given after "--" while the trace is attached. */
#ifndef COMMAND_H
#define COMMAND_H

#include <stdbool.h>
#include <sys/types.h>

/* True when argv[0] names an executable file (directly or through PATH). */
bool command__exists(const char *name);

/* Starts argv with its standard output sent to our standard error, so it never mixes with
 * the trace, default signal dispositions and nothing blocked; returns the child's pid, or
 * -errno when it could not be executed (then the child is already reaped). Call it with
 * the signals hoptrace handles blocked: the child unblocks them once they are its own. */
pid_t command__start(char **argv);

/* Non-blocking: true once the child has ended; *status is its exit code (128+signal when
 * killed, as shells report it). */
bool command__ended(pid_t pid, int *status);

/* Blocking: waits for the child to end and sets *status as command__ended does. */
void command__wait(pid_t pid, int *status);

/* Waits for pid at most timeout_s; past that kills it (SIGKILL) and reaps it. Returns its
 * raw wait status, or -1 when it was killed or could not be waited for. */
int command__wait_bounded(pid_t pid, double timeout_s);

#endif /* COMMAND_H */

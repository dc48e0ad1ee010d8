/* SPDX-License-Identifier: GPL-2.0 */
/* Whether a pid that left a marking in a ruleset (a table hoptrace_<pid>, a TRACE rule
 * hoptrace:<pid>) still runs as hoptrace: only then is the marking someone's. */
#ifndef HOST_HOPTRACE_PID_H
#define HOST_HOPTRACE_PID_H

#include <stdbool.h>
#include <sys/types.h>

/* True when /proc/<pid>/comm is "hoptrace". A pid gone, or reused by another program, is
 * not; nor is a hoptrace in another pid namespace or renamed (its marking is taken for a
 * dead one's). */
bool hoptrace_pid__alive(pid_t pid);

#endif /* HOST_HOPTRACE_PID_H */

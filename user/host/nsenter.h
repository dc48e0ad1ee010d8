/* SPDX-License-Identifier: GPL-2.0 */
/* Running a piece of work inside another network namespace and coming back. */
#ifndef NSENTER_H
#define NSENTER_H

/* Enters the network namespace of netns_path (a /run/netns file or /proc/PID/ns/net), runs
 * fn(ctx) there and returns to the namespace the process was in. Returns fn's result, or
 * -errno when the namespace could not be entered (fn not run) or left. */
int nsenter__run(const char *netns_path, int (*fn)(void *ctx), void *ctx);

#endif /* NSENTER_H */

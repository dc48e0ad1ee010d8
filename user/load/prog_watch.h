/* SPDX-License-Identifier: GPL-2.0 */
/* Which BPF programs the bpf_prog hook watches (load/prog_fexit.h does the watching): at
 * start, the tc and tcx programs on every device of the covered namespaces and the inet
 * skb programs of the cgroup v2 tree; while tracing, those on a device a traced hop names
 * for the first time, and those of the socket's cgroup a cgroup-BPF drop names. Each
 * device and cgroup is listed once. Nothing here stops a trace: what could not be listed
 * or watched is counted and said (prog_watch__summary). */
#ifndef LOAD_PROG_WATCH_H
#define LOAD_PROG_WATCH_H

#include <stddef.h>
#include "hoptrace.h"

struct prog_fexit;
struct prog_watch;

/* Watches programs through pf (which it owns from now on, even on failure) in the network
 * namespaces at netns_paths (the covered ones: devices elsewhere are not listed) and the
 * cgroup tree at cgroup2_root ("" for none). NULL on ENOMEM. */
struct prog_watch *prog_watch__new(struct prog_fexit *pf, const char *const *netns_paths,
				   int netns_count, const char *cgroup2_root);

/* Lists and watches what is there now. Returns 0 (the rung is up, whatever was found). */
int prog_watch__start(struct prog_watch *w);

/* Called with every hop: a device or a drop's cgroup not seen before is listed and its
 * programs watched, for the packets after this one. Costs a hash lookup otherwise; does
 * nothing before prog_watch__start or with w NULL. */
void prog_watch__hop(struct prog_watch *w, const struct hop_event *ev);

/* One line for -v: programs watched, devices and cgroups listed, what was skipped or
 * failed and why; "" before prog_watch__start. */
void prog_watch__summary(const struct prog_watch *w, char *buf, size_t size);

/* Detaches every watched program and frees w; NULL is allowed. */
void prog_watch__free(struct prog_watch *w);

#endif /* LOAD_PROG_WATCH_H */

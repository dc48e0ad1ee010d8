/* SPDX-License-Identifier: GPL-2.0 */
/* Rule tracing over every watched namespace (--rules): an nf_tables tracer in each, and an
 * iptables-legacy tracer where legacy tables exist. A namespace where a tracer cannot start
 * is said in one line and keeps the rule counters; nothing half-installed stays. */
#ifndef HOST_RULE_TRACERS_H
#define HOST_RULE_TRACERS_H

#include <stdbool.h>
#include <sys/types.h>
#include "host/rule_event.h"

struct coverage;
struct rule_tracers;

/* Removes what dead hoptrace processes left, then starts the tracers. labels[i] names
 * cov's namespace i in messages. NULL only on ENOMEM. */
struct rule_tracers *rule_tracers__start(const struct coverage *cov, const char *const *labels,
					 pid_t pid, const struct rule_mark *mark);

/* Namespaces where a tracer of either kind runs. */
int rule_tracers__traced_count(const struct rule_tracers *rt);

/* Namespaces whose nf_tables rules are traced, and whose legacy rules are. */
int rule_tracers__nft_count(const struct rule_tracers *rt);
int rule_tracers__xt_count(const struct rule_tracers *rt);

/* Hands every waiting event to fn. Returns how many, or -errno of the first failed read. */
int rule_tracers__drain(struct rule_tracers *rt, rule_event_fn fn, void *ctx);

/* Messages the kernel could not queue to a tracer (socket buffer full). */
unsigned long rule_tracers__lost(const struct rule_tracers *rt);

/* Takes every marking away. NULL is a no-op. */
void rule_tracers__stop(struct rule_tracers *rt);

/* `hoptrace cleanup`: removes the marking tables and rules of hoptrace processes that no
 * longer run, in every namespace of cov. Returns how many were removed, or -errno. */
int rule_tracers__cleanup(const struct coverage *cov, const char *const *labels, bool verbose);

#endif /* HOST_RULE_TRACERS_H */

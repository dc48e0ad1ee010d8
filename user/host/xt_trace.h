/* SPDX-License-Identifier: GPL-2.0 */
/* iptables-legacy rule tracing in one network namespace: TRACE rules in the raw table
 * (PREROUTING and OUTPUT, IPv4 and IPv6 where legacy tables exist) mark the traced
 * addresses, the namespace's netfilter logger for those families is switched to
 * nfnetlink_log, and a listener on nflog group 0 (where the kernel sends TRACE lines)
 * turns each "TRACE: table:chain:type:rulenum" line into a rule event. Everything it adds
 * carries the comment "hoptrace:<pid>", and is taken away by xt_trace__stop, or by a later
 * xt_trace__cleanup_dead when the process that added it is gone. */
#ifndef HOST_XT_TRACE_H
#define HOST_XT_TRACE_H

#include <stddef.h>
#include <sys/types.h>
#include "host/rule_event.h"

struct xt_trace;

/* Whether iptables-legacy has tables in that namespace (ip_tables or ip6_tables names):
 * only then is there anything for TRACE to report. */
bool xt_trace__wanted(const char *netns_path);

/* Installs the marking and opens the listener in the namespace at netns_path (inode
 * netns, filled into every event). NULL with one phrase in err when anything fails; then
 * nothing of it is left installed. */
struct xt_trace *xt_trace__start(const char *netns_path, __u32 netns, pid_t pid,
				 const struct rule_mark *mark, char *err, size_t errsize);

/* A descriptor that polls readable when events wait. */
int xt_trace__fd(const struct xt_trace *t);

/* Hands every event waiting now to fn (without blocking). Returns how many, or -errno on a
 * read error. Messages the kernel dropped (socket buffer full) are counted in
 * xt_trace__lost, and reading goes on. */
int xt_trace__read(struct xt_trace *t, rule_event_fn fn, void *ctx);

/* Messages the kernel could not queue to the listener. */
unsigned long xt_trace__lost(const struct xt_trace *t);

/* Removes the TRACE rules, restores the logger and closes the listener. NULL is a no-op. */
void xt_trace__stop(struct xt_trace *t);

/* Removes TRACE rules of hoptrace processes that no longer run, in that namespace. Returns
 * how many were removed, or -errno. */
int xt_trace__cleanup_dead(const char *netns_path);

#endif /* HOST_XT_TRACE_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* hoptrace's TRACE rules in the raw table of iptables-legacy: written and taken away
 * through iptables-legacy-restore --noflush, one transaction per family, so a set of rules
 * is in whole or not at all. Each rule carries the comment "hoptrace:<pid>" of the process
 * that added it. */
#ifndef HOST_XT_TRACE_RULES_H
#define HOST_XT_TRACE_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "host/rule_event.h"

#define XT_TRACE_COMMENT "hoptrace:"

/* Whether the rules of owner are to go. */
typedef bool (*xt_trace_doomed_fn)(void *ctx, pid_t owner);

/* The restore input inserting, at the top of raw PREROUTING and OUTPUT, a TRACE rule for
 * each of mark's cidrs of family (HOP_AF_INET or HOP_AF_INET6) as source and as
 * destination, or one per chain for every packet when mark->count is 0. malloc'd; *count
 * says how many rules (0: none of the cidrs is of that family). NULL when out of memory. */
char *xt_trace_rules__add_script(int family, pid_t pid, const struct rule_mark *mark, int *count);

/* The pid in a hoptrace comment of one line of iptables-save, or 0 for any other line. */
pid_t xt_trace_rules__owner(const char *line);

/* The restore input deleting the rules of saved (iptables-save -t raw) whose owner doomed
 * names. malloc'd, *count rules; NULL when out of memory. */
char *xt_trace_rules__delete_script(const char *saved, xt_trace_doomed_fn doomed, void *ctx,
				    int *count);

/* Adds the rules of xt_trace_rules__add_script in the namespace. Returns how many, or
 * -errno with one phrase in err
 * (which does not name the namespace: netns_path may be a /proc/self/fd link). */
int xt_trace_rules__add(const char *netns_path, int family, pid_t pid, const struct rule_mark *mark,
			char *err, size_t errsize);

/* Deletes the hoptrace rules whose owner doomed names from the namespace's raw table (which
 * must exist: reading a legacy table that does not would create it). Returns how many, or
 * -errno with one phrase in err
 * (which does not name the namespace: netns_path may be a /proc/self/fd link). */
int xt_trace_rules__remove(const char *netns_path, int family, xt_trace_doomed_fn doomed, void *ctx,
			   char *err, size_t errsize);

#endif /* HOST_XT_TRACE_RULES_H */

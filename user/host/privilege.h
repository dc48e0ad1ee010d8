/* SPDX-License-Identifier: GPL-2.0 */
/* Whether this process may load and attach tracing programs. */
#ifndef PRIVILEGE_H
#define PRIVILEGE_H

#include <stdbool.h>
#include <stddef.h>

/* True when the effective capabilities allow BPF tracing (CAP_SYS_ADMIN, or CAP_BPF with
 * CAP_PERFMON) and namespace entry (CAP_SYS_ADMIN or CAP_NET_ADMIN for links). When false,
 * why names what is missing. */
bool privilege__can_trace(char *why, size_t size);

/* Once everything is attached and the command started: keeps only what the rest of the
 * trace uses (CAP_SYS_ADMIN to enter namespaces for pod discovery and conntrack counters,
 * and to keep using the BPF maps; CAP_SYS_PTRACE to name namespaces by their processes;
 * CAP_NET_ADMIN and CAP_NET_RAW to read rulesets and their counters at a drop, for
 * iptables-save too, and to take the rule-tracing marks away at the end) and drops every other capability from all sets, the bounding set included, with
 * no_new_privs. Returns 0 or -errno. */
int privilege__drop_after_attach(void);

#endif /* PRIVILEGE_H */

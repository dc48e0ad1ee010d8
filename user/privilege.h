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

#endif /* PRIVILEGE_H */

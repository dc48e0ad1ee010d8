/* SPDX-License-Identifier: GPL-2.0 */
/* The line the kernel's TRACE target logs for every decision on a marked packet:
 * "TRACE: <table>:<chain>:<type>:<rulenum> " (ipt_do_table's trace_packet). */
#ifndef HOST_XT_TRACE_LINE_H
#define HOST_XT_TRACE_LINE_H

#include "host/rule_event.h"

/* Fills table, chain, type and rulenum of ev from an nflog prefix. -EINVAL when the prefix
 * is not a TRACE line (other users of the logger send their own); ev is then unchanged. */
int xt_trace_line__parse(const char *prefix, struct rule_event *ev);

#endif /* HOST_XT_TRACE_LINE_H */

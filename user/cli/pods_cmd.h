/* SPDX-License-Identifier: GPL-2.0 */
/* `hoptrace pods`: the pods of this node, as hoptrace finds them for --pod. */
#ifndef CLI_PODS_CMD_H
#define CLI_PODS_CMD_H

#include <stdio.h>
#include "trace_config.h"

/* Lists the pods (o->state_dirs, o->pod_json as for --pod) on f: a table, or with o->json
 * one JSON object per pod per line. Returns the exit status: 0, or 1 when no pod was found
 * (what was tried goes to stderr). */
int pods_cmd__run(const struct trace_config *o, FILE *f);

#endif /* CLI_PODS_CMD_H */

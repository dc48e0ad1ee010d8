/* SPDX-License-Identifier: GPL-2.0 */
/* --pod NAMESPACE/NAME to addresses: each pod named is found on this node (host/pods) and
 * its addresses join --pod-ip's, before anything attaches. */
#ifndef CLI_POD_REFS_H
#define CLI_POD_REFS_H

#include "trace_config.h"

struct pod;

/* Finds the pods of o->pod_refs (with o->state_dirs and o->pod_json), adds their addresses
 * to o->pods and keeps every pod found in o->pod_list. Returns 0, or -1 after one line on
 * stderr: an unknown pod, another node's, a pod without addresses, runtime state that
 * cannot be read. Nothing to do without --pod. */
int pod_refs__resolve(struct trace_config *o);

/* The pods of o->pod_refs, in order, from o->pod_list (NULL entries when unresolved):
 * count returned, at most max. */
int pod_refs__pods(const struct trace_config *o, const struct pod **out, int max);

#endif /* CLI_POD_REFS_H */

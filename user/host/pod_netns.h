/* SPDX-License-Identifier: GPL-2.0 */
/* Which network namespaces are pods: those holding one of the traced pod addresses. */
#ifndef PODNS_H
#define PODNS_H

#include <stdbool.h>
#include <linux/types.h>
#include "hoptrace.h"

struct podns;

/* Scans the namespaces of /run/netns and of every process for the given addresses. A
 * namespace counts as a pod when one of its non-bridge devices holds one (a node's bridge
 * holds an address inside the pod range too, and is not a pod), or when it has the shape
 * of a pod: loopback and a single veth. NULL on ENOMEM only. */
struct podns *podns__scan(const struct hop_cidr *pods, int count);
void podns__free(struct podns *pn);

/* Whether inode is a pod namespace; an inode never seen triggers a rescan, at most one
 * a second, since pods appear while tracing. */
bool podns__is_pod(struct podns *pn, __u32 inode);

/* Whether inode holds one of the traced addresses itself (not only the shape of a pod). */
bool podns__holds_traced(struct podns *pn, __u32 inode);

/* Whether a device in some namespace seen (this process's included) holds an address in
 * the i-th traced address or CIDR: one none holds may be a typo, or a pod not started yet. */
bool podns__address_held(const struct podns *pn, int i);

/* Every pod namespace inode found, for callers that must act in each (count returned). */
int podns__inodes(const struct podns *pn, const __u32 **inodes);

/* The file through which pod namespace number i (as in podns__inodes) was found. */
const char *podns__path(const struct podns *pn, int i);

#endif /* PODNS_H */

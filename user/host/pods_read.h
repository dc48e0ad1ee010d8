/* SPDX-License-Identifier: GPL-2.0 */
/* Inside host/pods: the readers of each source (runtime bundles, crictl, a kubectl file)
 * and the namespace reader they share. Not for other callers: they use host/pods.h. */
#ifndef HOST_PODS_READ_H
#define HOST_PODS_READ_H

#include <stdarg.h>
#include "host/pods.h"

/* A new zeroed pod at the end of l, or NULL on ENOMEM. */
struct pod *pods__append(struct pod_list *l);

/* Appends "; "-less text to l->tried, a comma before it when it is not the first. */
void pods__note_tried(struct pod_list *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* What one bundle directory held, for the tried line. */
struct bundle_count {
	int sandboxes;
	int broken; /* config.json files that could not be read or parsed */
};

/* Reads the OCI bundles under dir: containerd's task layout (<dir>/<ns>/<id>/config.json)
 * and CRI-O's (<dir>/<id>/userdata/config.json). Each sandbox becomes a pod whose source is
 * the bundle's runtime ("containerd" or "cri-o"), or source when it is not NULL. Returns 0,
 * or -errno when dir cannot be read (-ENOENT when it does not exist). */
int pods__read_bundles(const char *dir, const char *source, struct pod_list *out,
		       struct bundle_count *count);

/* Asks crictl (on PATH) for the pods and their namespaces. Returns the number of sandboxes
 * read, or -errno: -ENOENT when crictl is not installed; why says what failed. */
int pods__read_crictl(struct pod_list *out, char *why, size_t why_size);

/* Reads `kubectl get pod -o json` output (one Pod or a List) from path ("-": standard
 * input). Pods already in out (by namespace/name) are not added twice. Returns the number
 * of pods read, or -errno with why set. */
int pods__read_pod_json(const char *path, struct pod_list *out, char *why, size_t why_size);

/* Reads the pod's namespace (p->netns_path): its inode, its addresses and the host side of
 * its veth. Returns 0, or -errno when the namespace cannot be entered. */
int pods__read_netns(struct pod *p);

/* For a pod known only by its addresses (from a kubectl file): finds the namespace on this
 * node holding one of them and sets netns_path, and netns_holders to how many hold one.
 * Returns 0, -ENOENT when none does, -EEXIST (netns_path left "") when several do. */
int pods__find_netns_by_ip(struct pod *p);

#endif /* HOST_PODS_READ_H */

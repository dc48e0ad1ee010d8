/* SPDX-License-Identifier: GPL-2.0 */
/* The Kubernetes pods of this node, as the container runtime keeps them on the node (no
 * Kubernetes client): containerd's task bundles (k3s' too), CRI-O's, crictl, or a
 * `kubectl get pod -o json` file. A pod is its sandbox's network namespace; its addresses
 * and its host-side veth come from the namespace itself. */
#ifndef HOST_PODS_H
#define HOST_PODS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "hoptrace.h"

#define POD_MAX_IPS 4

struct pod {
	char ns[64];	      /* Kubernetes namespace */
	char name[254];	      /* pod name */
	char uid[64];	      /* metadata.uid, "" when not known */
	char node[64];	      /* spec.nodeName where the source says it ("" from the runtime) */
	char netns_path[256]; /* a path that enters its network namespace; "" when unknown */
	__u32 netns;	      /* that namespace's inode, 0 when unknown */
	struct hop_cidr ips[POD_MAX_IPS]; /* its addresses (/32, /128) */
	int ip_count;
	char host_veth[16]; /* the host side of its veth ("" when none is found) */
	__u32 host_ifindex;
	__u32 host_netns;   /* the namespace the host side is in */
	char image[256];    /* the image of its first application container, "" */
	const char *source; /* "containerd", "k3s", "cri-o", "crictl", "pod-json" */
	/* A kubectl file's pod, placed by its address: how many namespaces hold one of its
	 * addresses (more than one: left unplaced, netns 0). */
	int netns_holders;
};

struct pod_list {
	struct pod *pods;
	int count;
	/* What was read, for the one-line errors: "containerd (/run/containerd/...: 3
	 * sandboxes), cri-o (/run/containers/storage/...: not present), crictl (not on
	 * PATH)". */
	char tried[512];
};

/* Where to look; NULL/0 members take the defaults. */
struct pod_sources {
	/* Runtime state directories to read instead of the standard ones (tests, unusual
	 * installs): each a containerd task directory (.../io.containerd.runtime.v2.task) or a
	 * CRI-O overlay-containers directory. */
	const char *const *state_dirs;
	int state_dir_count;
	const char *pod_json; /* --pod-json: a file, "-" for standard input, or NULL */
	bool no_crictl;	      /* do not run crictl even when it is on PATH */
};

/* Finds the pods: the runtime's state first, then crictl, then pod_json (whose pods on
 * other nodes are kept with node set and no namespace). Returns 0, or -errno when nothing
 * could be read at all (out->tried says what was tried): -ENOENT when no runtime state is
 * there, another error when some is there but cannot be read. A state directory given in
 * src, or a pod_json, that cannot be read is an error even when others were read: the
 * user asked for it. */
int pods__discover(const struct pod_sources *src, struct pod_list *out);

/* Whether a node name ("" when the source does not say) is this host's: the same in full
 * or before the first dot (kubelet may use either form). */
bool pods__on_this_node(const char *node);

/* The pod called ns/name, or NULL. */
const struct pod *pods__find(const struct pod_list *l, const char *ns, const char *name);

/* The pod whose network namespace has this inode, or NULL. */
const struct pod *pods__by_netns(const struct pod_list *l, __u32 netns);

void pods__free(struct pod_list *l);

/* Parses "NAMESPACE/NAME" or "NAME" (namespace "default"). Returns 0, or -EINVAL with
 * nothing written when it is not a pod reference (empty parts, more than one '/', a name
 * Kubernetes would refuse). */
int pods__parse_ref(const char *arg, char *ns, size_t ns_size, char *name, size_t name_size);

#endif /* HOST_PODS_H */

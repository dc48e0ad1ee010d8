/* SPDX-License-Identifier: GPL-2.0 */
/* The inet skb programs attached anywhere in the cgroup v2 tree (BPF_CGROUP_INET_INGRESS
 * and _EGRESS, each cgroup's own, not inherited ones): what runs for the node's sockets,
 * wherever their cgroup is. */
#ifndef HOST_CGROUP_PROGS_H
#define HOST_CGROUP_PROGS_H

struct attached_prog;

/* At most this many cgroups are visited (a node has hundreds; a walk must stay short). */
#define CGROUP_PROGS_MAX_DIRS 4096

/* Calls fn for each program attached in the tree under cgroup2_root, described
 * (attached__describe; attach is HOP_BPF_CGROUP_INGRESS or _EGRESS). A cgroup that cannot
 * be read is passed over. Returns the number of cgroups visited, or -errno when the root
 * cannot be opened. */
int cgroup_progs__walk(const char *cgroup2_root,
		       void (*fn)(void *ctx, const struct attached_prog *p), void *ctx);

#endif /* HOST_CGROUP_PROGS_H */

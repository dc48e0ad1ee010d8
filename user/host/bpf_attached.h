/* SPDX-License-Identifier: GPL-2.0 */
/* The BPF programs (not hoptrace's own) that run on a device's receive or transmit path,
 * in the order the kernel runs them, and those of a cgroup's inet hooks: what a tc, XDP or
 * cgroup-BPF drop can be attributed to. Read from the kernel, never guessed: tcx by
 * BPF_PROG_QUERY on the ifindex (6.6+), cls_bpf filters of clsact by a netlink filter dump
 * (the program id is an attribute of the filter), generic XDP from the link's IFLA_XDP, a
 * cgroup's effective programs by BPF_PROG_QUERY with BPF_F_QUERY_EFFECTIVE. */
#ifndef HOST_BPF_ATTACHED_H
#define HOST_BPF_ATTACHED_H

#include <stdbool.h>
#include <linux/types.h>
#include "hoptrace.h"

#define ATTACHED_NAME_LEN 64
#define ATTACHED_MAX 32

struct attached_prog {
	__u32 id;
	__u32 link_id;		      /* the bpf_link holding it (tcx, cgroup links); 0: none */
	enum hop_bpf_attach attach;   /* where it runs */
	int position;		      /* 1-based, in the order programs of this hook run */
	__u32 priority;		      /* cls_bpf: the filter's priority (tc's "pref"); else 0 */
	__u32 handle;		      /* cls_bpf: the filter's handle; else 0 */
	bool direct_action;	      /* cls_bpf: da (the program's return is the verdict) */
	bool has_btf;		      /* loaded with BTF: fexit can attach to it */
	char name[ATTACHED_NAME_LEN]; /* the function's name from its BTF, else the kernel's
				       * 15-character program name */
	char tag[17];		      /* the program's tag, 16 hex digits */
	const char *owner;	      /* "cilium", "calico", "aws-network-policy-agent" or NULL */
};

/* "tcx_ingress", "tcx_egress", "tc_ingress", "tc_egress", "xdp_generic",
 * "cgroup_skb_ingress", "cgroup_skb_egress"; "?" for another value. */
const char *attached__attach_name(enum hop_bpf_attach a);

/* Lists the programs on the receive (ingress: generic XDP, tcx ingress, clsact ingress
 * cls_bpf) or transmit (egress: tcx egress, clsact egress cls_bpf) path of ifindex in the
 * network namespace at netns_path (a /run/netns file or /proc/PID/ns/net), in the order the
 * kernel runs them, positions counted per attach point. Returns how many were found (at
 * most max; a kernel without tcx simply has none there), or -errno when the namespace or
 * the device could not be read. */
int attached__device(const char *netns_path, __u32 ifindex, bool ingress, struct attached_prog *out,
		     int max);

/* The programs that run for sockets of the cgroup v2 with this id (its effective inet
 * ingress or egress programs, inherited ones included), cgroup2_root being where the v2
 * hierarchy is mounted. The cgroup's path, relative to the root, goes to path (may be
 * NULL). Returns the count, or -errno (-ENOENT: no such cgroup). */
int attached__cgroup(const char *cgroup2_root, __u64 cgroup_id, bool ingress,
		     struct attached_prog *out, int max, char *path, size_t path_size);

/* Fills name, tag, has_btf and owner of p from the program with id p->id. Returns 0 or
 * -errno (the program is gone). */
int attached__describe(struct attached_prog *p);

/* Who loaded a program of this name, by the names the well-known dataplanes give theirs
 * (cil_* Cilium, calico_* Calico, handle_ingress/handle_egress with the AWS agent's maps);
 * map_names: the names of the program's maps. NULL when none matches. */
const char *attached__owner(const char *prog_name, const char *const *map_names, int map_count);

#endif /* HOST_BPF_ATTACHED_H */

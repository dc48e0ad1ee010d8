/* SPDX-License-Identifier: GPL-2.0 */
/* The demo's "CNI's BPF program": a policy program (bpf/demo_cni.bpf.c) on the host side
 * of a pod's veth, attached the way the CNI would (tcx where the kernel has it, else a
 * cls_bpf filter on clsact), and taken off again. */
#ifndef DEMO_CNI_DROPPER_H
#define DEMO_CNI_DROPPER_H

#include <stdbool.h>
#include <linux/types.h>

struct demo_cni_bpf;

struct cni_dropper {
	struct demo_cni_bpf *skel;
	char netns_path[128];
	int ifindex;
	int link_fd; /* tcx: closing it detaches */
	bool cls;    /* attached as a cls_bpf filter instead */
};

/* Loads the program to drop IPv4 from saddr to daddr (network byte order) and attaches it
 * on the ingress of ifname in the namespace at netns_path. Returns 0, or -1 with one line
 * on stderr (nothing left attached). */
int cni_dropper__attach(struct cni_dropper *d, const char *netns_path, const char *ifname,
			__u32 saddr, __u32 daddr);

/* Detaches and unloads; a zeroed or detached d is fine. */
void cni_dropper__detach(struct cni_dropper *d);

#endif /* DEMO_CNI_DROPPER_H */

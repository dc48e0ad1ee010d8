/* SPDX-License-Identifier: GPL-2.0 */
/* Attaching a BPF program the way a CNI does: a tcx link, a cls_bpf direct-action filter on
 * clsact, generic XDP, a cgroup skb link. For the demo's "a CNI's BPF program drops the
 * flow" and for the tests' own programs; hoptrace's tracer never attaches here. Run inside
 * the device's network namespace: an ifindex is a namespace's. */
#ifndef DEMO_PROG_ATTACH_H
#define DEMO_PROG_ATTACH_H

#include <stdbool.h>
#include <linux/types.h>

/* A tcx link (6.6+). Returns the link's fd (closing it detaches), or -errno. */
int prog_attach__tcx(int prog_fd, int ifindex, bool ingress);

/* A cls_bpf filter, direct action, at priority prio (1..65535) on the clsact qdisc of
 * ifindex, created if missing. Returns 0 or -errno. Stays until prog_attach__cls_detach or
 * the device goes. */
int prog_attach__cls(int prog_fd, int ifindex, bool ingress, __u32 prio);
int prog_attach__cls_detach(int ifindex, bool ingress, __u32 prio);

/* Generic (skb) XDP through a link. Returns the link's fd, or -errno. */
int prog_attach__xdp_generic(int prog_fd, int ifindex);

/* A cgroup skb program on the cgroup directory cgroup_path, through a link. Returns the
 * link's fd, or -errno. */
int prog_attach__cgroup(int prog_fd, const char *cgroup_path, bool ingress);

#endif /* DEMO_PROG_ATTACH_H */

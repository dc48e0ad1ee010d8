// SPDX-License-Identifier: GPL-2.0
/* A device's programs in the kernel's run order. Receive: generic XDP (netif_receive_skb's
 * do_xdp_generic), then tc ingress (sch_handle_ingress runs the tcx programs, then the
 * clsact filters); transmit: tc egress (sch_handle_egress, tcx then clsact). All of it is
 * read inside the device's namespace. */
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include "host/bpf_attached_read.h"
#include "host/nsenter.h"

static const char *const attach_names[] = {
	[HOP_BPF_TCX_INGRESS] = "tcx_ingress",
	[HOP_BPF_TCX_EGRESS] = "tcx_egress",
	[HOP_BPF_TC_INGRESS] = "tc_ingress",
	[HOP_BPF_TC_EGRESS] = "tc_egress",
	[HOP_BPF_XDP_GENERIC] = "xdp_generic",
	[HOP_BPF_CGROUP_INGRESS] = "cgroup_skb_ingress",
	[HOP_BPF_CGROUP_EGRESS] = "cgroup_skb_egress",
};

const char *attached__attach_name(enum hop_bpf_attach a)
{
	unsigned int i = a;

	return i < sizeof(attach_names) / sizeof(attach_names[0]) && attach_names[i] ?
		       attach_names[i] :
		       "?";
}

struct device_listing {
	__u32 ifindex;
	bool ingress;
	struct attached_prog *out;
	int max;
};

/* Numbers each program within its attach point, from 1, in the order listed. */
static void number_positions(struct attached_prog *p, int count)
{
	int next[HOP_BPF_CGROUP_EGRESS + 1] = { 0 };

	for (int i = 0; i < count; i++)
		if (p[i].attach <= HOP_BPF_CGROUP_EGRESS)
			p[i].position = ++next[p[i].attach];
}

static int list_here(void *ctx)
{
	struct device_listing *l = ctx;
	char name[IF_NAMESIZE];
	int n = 0, err = 0;

	if (!if_indextoname(l->ifindex, name))
		return -ENODEV;
	if (l->ingress)
		err = attached_xdp__read(l->ifindex, l->out, &n, l->max);
	if (!err)
		err = attached_tcx__read(l->ifindex, l->ingress, l->out, &n, l->max);
	if (!err)
		err = attached_tc__read(l->ifindex, l->ingress, l->out, &n, l->max);
	return err ? err : n;
}

int attached__device(const char *netns_path, __u32 ifindex, bool ingress, struct attached_prog *out,
		     int max)
{
	struct device_listing l = { ifindex, ingress, out, max };
	int n = nsenter__run(netns_path, list_here, &l);

	if (n < 0)
		return n;
	number_positions(out, n);
	/* Program ids are the system's, not a namespace's: described from here. A program
	 * gone since it was listed keeps its place, without a name. */
	for (int i = 0; i < n; i++)
		attached__describe(&out[i]);
	return n;
}

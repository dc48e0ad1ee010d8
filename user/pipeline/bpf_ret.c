// SPDX-License-Identifier: GPL-2.0
/* Return values of networking BPF programs, as <linux/pkt_cls.h> and <linux/bpf.h> number
 * them (uAPI: stable). */
#include <stdio.h>
#include "pipeline/bpf_ret.h"

/* TC_ACT_* from <linux/pkt_cls.h>, TC_ACT_UNSPEC (-1) to TC_ACT_TRAP (8). */
static const char *const tc_names[] = {
	"TC_ACT_OK",	 "TC_ACT_RECLASSIFY", "TC_ACT_SHOT",	 "TC_ACT_PIPE", "TC_ACT_STOLEN",
	"TC_ACT_QUEUED", "TC_ACT_REPEAT",     "TC_ACT_REDIRECT", "TC_ACT_TRAP",
};
#define TC_ACT_UNSPEC (-1)
#define TC_ACT_SHOT 2

/* enum xdp_action from <linux/bpf.h>. */
static const char *const xdp_names[] = {
	"XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX", "XDP_REDIRECT",
};
#define XDP_DROP 1

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

bool bpf_ret__is_tc(enum hop_bpf_attach attach)
{
	return attach >= HOP_BPF_TCX_INGRESS && attach <= HOP_BPF_TC_EGRESS;
}

bool bpf_ret__is_cgroup(enum hop_bpf_attach attach)
{
	return attach == HOP_BPF_CGROUP_INGRESS || attach == HOP_BPF_CGROUP_EGRESS;
}

const char *bpf_ret__name(enum hop_bpf_attach attach, __s32 ret, char *buf, size_t size)
{
	if (bpf_ret__is_tc(attach) && ret == TC_ACT_UNSPEC)
		return "TC_ACT_UNSPEC";
	if (bpf_ret__is_tc(attach) && ret >= 0 && (size_t)ret < ARRAY_LEN(tc_names))
		return tc_names[ret];
	if (attach == HOP_BPF_XDP_GENERIC && ret >= 0 && (size_t)ret < ARRAY_LEN(xdp_names))
		return xdp_names[ret];
	/* Bit 0 lets the packet pass; on egress bit 1 asks for congestion notification. */
	if (bpf_ret__is_cgroup(attach) && ret >= 0 && ret <= 3)
		return (ret & 1) ? ((ret & 2) ? "allow+cn" : "allow") :
				   ((ret & 2) ? "drop+cn" : "drop");
	snprintf(buf, size, "%d", ret);
	return buf;
}

const char *bpf_ret__meaning(enum hop_bpf_attach attach, __s32 ret)
{
	return bpf_ret__is_tc(attach) && ret == TC_ACT_UNSPEC ? "next" : NULL;
}

bool bpf_ret__drops(enum hop_bpf_attach attach, __s32 ret)
{
	if (bpf_ret__is_tc(attach))
		return ret == TC_ACT_SHOT;
	if (attach == HOP_BPF_XDP_GENERIC)
		return ret == 0 || ret == XDP_DROP;
	return bpf_ret__is_cgroup(attach) && !(ret & 1);
}

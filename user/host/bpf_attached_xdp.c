// SPDX-License-Identifier: GPL-2.0
/* Generic XDP on a device, from RTM_GETLINK's IFLA_XDP. Only the generic (skb) mode runs
 * on the skb path whose drops hoptrace sees; a native (driver) program drops frames
 * before there is an skb, and is not listed. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/bpf.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include "host/bpf_attached_read.h"
#include "host/rtnl_request.h"

struct xdp_reply {
	__u32 prog_id;
};

static int on_xdp_attr(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (type <= IFLA_XDP_MAX && mnl_attr_get_payload_len(attr) >= 1)
		tb[type] = attr;
	return MNL_CB_OK;
}

static int on_link_attr(const struct nlattr *attr, void *data)
{
	const struct nlattr **xdp = data;

	if (mnl_attr_get_type(attr) == IFLA_XDP)
		*xdp = attr;
	return MNL_CB_OK;
}

/* The id of the program attached in skb mode: its own attribute when more than one mode
 * is in use, else the single IFLA_XDP_PROG_ID when that one mode is skb. */
static __u32 skb_prog_id(const struct nlattr *xdp)
{
	const struct nlattr *tb[IFLA_XDP_MAX + 1] = { NULL };

	mnl_attr_parse_nested(xdp, on_xdp_attr, tb);
	if (tb[IFLA_XDP_SKB_PROG_ID] && mnl_attr_get_payload_len(tb[IFLA_XDP_SKB_PROG_ID]) >= 4)
		return mnl_attr_get_u32(tb[IFLA_XDP_SKB_PROG_ID]);
	if (tb[IFLA_XDP_ATTACHED] && mnl_attr_get_u8(tb[IFLA_XDP_ATTACHED]) == XDP_ATTACHED_SKB &&
	    tb[IFLA_XDP_PROG_ID] && mnl_attr_get_payload_len(tb[IFLA_XDP_PROG_ID]) >= 4)
		return mnl_attr_get_u32(tb[IFLA_XDP_PROG_ID]);
	return 0;
}

static int on_link(const struct nlmsghdr *nh, void *data)
{
	struct xdp_reply *reply = data;
	const struct nlattr *xdp = NULL;

	if (nh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	mnl_attr_parse(nh, sizeof(struct ifinfomsg), on_link_attr, &xdp);
	if (xdp)
		reply->prog_id = skb_prog_id(xdp);
	return MNL_CB_OK;
}

static bool same_device(const struct bpf_link_info *info, void *ctx)
{
	return info->xdp.ifindex == *(__u32 *)ctx;
}

int attached_xdp__read(__u32 ifindex, struct attached_prog *out, int *n, int max)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nh = mnl_nlmsg_put_header(buf);
	struct xdp_reply reply = { 0 };
	struct ifinfomsg *ifi;
	int err;

	nh->nlmsg_type = RTM_GETLINK;
	nh->nlmsg_flags = NLM_F_REQUEST;
	ifi = mnl_nlmsg_put_extra_header(nh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	mnl_attr_put_u32(nh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	err = rtnl_request__run(nh, on_link, &reply);
	if (err)
		return err;
	if (!reply.prog_id || *n >= max)
		return 0;
	memset(&out[*n], 0, sizeof(out[*n]));
	out[*n].id = reply.prog_id;
	out[*n].attach = HOP_BPF_XDP_GENERIC;
	out[*n].direct_action = true;
	/* The link's ifindex is of the namespace it was made in, which the link does not
	 * tell: a link is named only when no other XDP link of this program has that index. */
	out[*n].link_id =
		attached_link__find(BPF_LINK_TYPE_XDP, reply.prog_id, same_device, &ifindex);
	(*n)++;
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/* cls_bpf filters of a device's clsact (or ingress) qdisc, by a netlink filter dump of its
 * ingress or egress block. The dump walks the filters as classification does (by
 * priority, then each classifier's own list), so its order is the run order. Only "bpf"
 * filters are programs; other classifiers are not listed. Filters of chains other than 0
 * run only when an action jumps there, which a direct-action program cannot ask for: they
 * are left out. A filter under a classful root qdisc (htb, prio) classifies into classes
 * rather than deciding a packet's fate the way clsact's do, and is out of scope. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include "host/bpf_attached_read.h"
#include "host/rtnl_request.h"

struct filter_dump {
	bool ingress;
	struct attached_prog *out;
	int *n;
	int max;
};

static int on_filter_attr(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (type <= TCA_MAX)
		tb[type] = attr;
	return MNL_CB_OK;
}

static int on_bpf_attr(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (type <= TCA_BPF_MAX)
		tb[type] = attr;
	return MNL_CB_OK;
}

static bool u32_attr(const struct nlattr *attr, __u32 *value)
{
	if (!attr || mnl_attr_get_payload_len(attr) < 4)
		return false;
	*value = mnl_attr_get_u32(attr);
	return true;
}

/* One program from a "bpf" filter's options; false for the dump's per-priority entry
 * (no options) and for a classic BPF filter (no program id). */
static bool filter_prog(const struct nlattr *options, struct attached_prog *p)
{
	const struct nlattr *tb[TCA_BPF_MAX + 1] = { NULL };
	__u32 flags = 0;

	if (!options)
		return false;
	mnl_attr_parse_nested(options, on_bpf_attr, tb);
	if (!u32_attr(tb[TCA_BPF_ID], &p->id) || !p->id)
		return false;
	u32_attr(tb[TCA_BPF_FLAGS], &flags);
	p->direct_action = flags & TCA_BPF_FLAG_ACT_DIRECT;
	return true;
}

static int on_filter(const struct nlmsghdr *nh, void *data)
{
	const struct nlattr *tb[TCA_MAX + 1] = { NULL };
	const struct tcmsg *tcm = mnl_nlmsg_get_payload(nh);
	struct filter_dump *d = data;
	struct attached_prog p;
	__u32 chain = 0;

	if (nh->nlmsg_type != RTM_NEWTFILTER || *d->n >= d->max)
		return MNL_CB_OK;
	mnl_attr_parse(nh, sizeof(*tcm), on_filter_attr, tb);
	if (!tb[TCA_KIND] || mnl_attr_validate(tb[TCA_KIND], MNL_TYPE_NUL_STRING) ||
	    strcmp(mnl_attr_get_str(tb[TCA_KIND]), "bpf"))
		return MNL_CB_OK;
	if (u32_attr(tb[TCA_CHAIN], &chain) && chain)
		return MNL_CB_OK;
	memset(&p, 0, sizeof(p));
	if (!filter_prog(tb[TCA_OPTIONS], &p))
		return MNL_CB_OK;
	p.attach = d->ingress ? HOP_BPF_TC_INGRESS : HOP_BPF_TC_EGRESS;
	p.priority = TC_H_MAJ(tcm->tcm_info) >> 16; /* tcm_info: priority, then protocol */
	p.handle = tcm->tcm_handle;
	d->out[(*d->n)++] = p;
	return MNL_CB_OK;
}

int attached_tc__read(__u32 ifindex, bool ingress, struct attached_prog *out, int *n, int max)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nh = mnl_nlmsg_put_header(buf);
	struct filter_dump d = { ingress, out, n, max };
	struct tcmsg *tcm;

	nh->nlmsg_type = RTM_GETTFILTER;
	nh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	tcm = mnl_nlmsg_put_extra_header(nh, sizeof(*tcm));
	tcm->tcm_family = AF_UNSPEC;
	tcm->tcm_ifindex = ifindex;
	/* clsact's blocks; the classic ingress qdisc answers to the same ingress parent. A
	 * device without either has nothing to dump (not an error). */
	tcm->tcm_parent = TC_H_MAKE(TC_H_CLSACT, ingress ? TC_H_MIN_INGRESS : TC_H_MIN_EGRESS);
	return rtnl_request__run(nh, on_filter, &d);
}

// SPDX-License-Identifier: GPL-2.0
/* A namespace's qdiscs and their counters by an RTM_GETQDISC dump inside it. The kernel
 * dumps every device's qdiscs (it has no per-device qdisc dump), so the device is chosen
 * here. Counters come from TCA_STATS2's queue statistics, or from the older TCA_STATS
 * where a qdisc gives only those. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/gen_stats.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include "host/nsenter.h"
#include "host/qdisc_stats.h"
#include "host/rtnl_request.h"

struct qdisc_dump {
	__u32 ifindex;
	struct qdisc_stat *out;
	int count;
	int max;
};

static int on_attr(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (type <= TCA_MAX)
		tb[type] = attr;
	return MNL_CB_OK;
}

static int on_stats2_attr(const struct nlattr *attr, void *data)
{
	const struct nlattr **queue = data;

	if (mnl_attr_get_type(attr) == TCA_STATS_QUEUE)
		*queue = attr;
	return MNL_CB_OK;
}

static void read_counters(const struct nlattr *const *tb, struct qdisc_stat *q)
{
	const struct nlattr *queue = NULL;

	if (tb[TCA_STATS2])
		mnl_attr_parse_nested(tb[TCA_STATS2], on_stats2_attr, &queue);
	if (queue && mnl_attr_get_payload_len(queue) >= sizeof(struct gnet_stats_queue)) {
		struct gnet_stats_queue s;

		memcpy(&s, mnl_attr_get_payload(queue), sizeof(s));
		q->drops = s.drops;
		q->overlimits = s.overlimits;
		q->requeues = s.requeues;
		q->qlen = s.qlen;
		q->backlog = s.backlog;
	} else if (tb[TCA_STATS] &&
		   mnl_attr_get_payload_len(tb[TCA_STATS]) >= sizeof(struct tc_stats)) {
		struct tc_stats s;

		memcpy(&s, mnl_attr_get_payload(tb[TCA_STATS]), sizeof(s));
		q->drops = s.drops;
		q->overlimits = s.overlimits;
		q->qlen = s.qlen;
		q->backlog = s.backlog;
	}
}

static int on_qdisc(const struct nlmsghdr *nh, void *data)
{
	const struct nlattr *tb[TCA_MAX + 1] = { NULL };
	const struct tcmsg *tcm = mnl_nlmsg_get_payload(nh);
	struct qdisc_dump *d = data;
	struct qdisc_stat *q;

	if (nh->nlmsg_type != RTM_NEWQDISC || d->count >= d->max ||
	    (d->ifindex && (__u32)tcm->tcm_ifindex != d->ifindex))
		return MNL_CB_OK;
	mnl_attr_parse(nh, sizeof(*tcm), on_attr, tb);
	q = &d->out[d->count++];
	memset(q, 0, sizeof(*q));
	q->ifindex = tcm->tcm_ifindex;
	q->handle = tcm->tcm_handle;
	q->parent = tcm->tcm_parent;
	if (tb[TCA_KIND] && !mnl_attr_validate(tb[TCA_KIND], MNL_TYPE_NUL_STRING))
		snprintf(q->kind, sizeof(q->kind), "%s", mnl_attr_get_str(tb[TCA_KIND]));
	read_counters(tb, q);
	return MNL_CB_OK;
}

static int read_here(void *ctx)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nh = mnl_nlmsg_put_header(buf);
	struct qdisc_dump *d = ctx;
	struct tcmsg *tcm;
	int err;

	nh->nlmsg_type = RTM_GETQDISC;
	nh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	tcm = mnl_nlmsg_put_extra_header(nh, sizeof(*tcm));
	tcm->tcm_family = AF_UNSPEC;
	err = rtnl_request__run(nh, on_qdisc, d);
	return err ? err : d->count;
}

int qdisc_stats__read(const char *netns_path, __u32 ifindex, struct qdisc_stat *out, int max)
{
	struct qdisc_dump d = { ifindex, out, 0, max };

	return nsenter__run(netns_path, read_here, &d);
}

void qdisc_stats__handle(__u32 handle, char *buf, size_t size)
{
	if (handle == TC_H_ROOT)
		snprintf(buf, size, "root");
	else if (handle == TC_H_UNSPEC)
		snprintf(buf, size, "none");
	else if (!TC_H_MAJ(handle))
		snprintf(buf, size, ":%x", TC_H_MIN(handle));
	else if (!TC_H_MIN(handle))
		snprintf(buf, size, "%x:", TC_H_MAJ(handle) >> 16);
	else
		snprintf(buf, size, "%x:%x", TC_H_MAJ(handle) >> 16, TC_H_MIN(handle));
}

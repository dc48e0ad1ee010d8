// SPDX-License-Identifier: GPL-2.0
/* The nfnetlink hook dump (NFNL_SUBSYS_HOOK), spoken directly over a netlink socket made
 * inside the namespace: one request per family and hook, asked only when a drop is judged. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_hook.h>
#include <linux/netlink.h>
#include "host/nf_hook_dump.h"
#include "util/appendf.h"
#include "host/nsenter.h"

struct hook_request {
	struct nlmsghdr nh;
	struct nfgenmsg nf;
	struct nlattr hooknum_attr;
	__u32 hooknum;
};

static const struct nlattr *attr_next(const struct nlattr *a)
{
	return (const struct nlattr *)((const char *)a + NLA_ALIGN(a->nla_len));
}

/* Finds attribute type in [start, start + len). */
static const struct nlattr *attr_find(const void *start, int len, int type)
{
	const struct nlattr *a = start;

	while (len >= (int)sizeof(*a) && a->nla_len >= sizeof(*a) && a->nla_len <= len) {
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
		len -= NLA_ALIGN(a->nla_len);
		a = attr_next(a);
	}
	return NULL;
}

static const void *attr_data(const struct nlattr *a)
{
	return (const char *)a + NLA_HDRLEN;
}

static int attr_len(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

static const char *attr_str(const struct nlattr *a)
{
	return a && attr_len(a) > 0 && ((const char *)attr_data(a))[attr_len(a) - 1] == 0 ?
		       attr_data(a) :
		       NULL;
}

static const char *family_name(__u32 family)
{
	switch (family) {
	case 1:
		return "inet";
	case 2:
		return "ip";
	case 7:
		return "bridge";
	case 10:
		return "ip6";
	default:
		return "?";
	}
}

/* One hook entry of the dump, as a name; NULL for a BPF observer. */
static const char *describe_entry(const void *attrs, int len, char *buf, size_t size)
{
	const struct nlattr *fn = attr_find(attrs, len, NFNLA_HOOK_FUNCTION_NAME);
	const struct nlattr *info = attr_find(attrs, len, NFNLA_HOOK_CHAIN_INFO);
	const struct nlattr *desc =
		info ? attr_find(attr_data(info), attr_len(info), NFNLA_HOOK_INFO_DESC) : NULL;
	const char *func = attr_str(fn);

	if (desc) {
		const struct nlattr *table =
			attr_find(attr_data(desc), attr_len(desc), NFNLA_CHAIN_TABLE);
		const struct nlattr *chain =
			attr_find(attr_data(desc), attr_len(desc), NFNLA_CHAIN_NAME);
		const struct nlattr *fam =
			attr_find(attr_data(desc), attr_len(desc), NFNLA_CHAIN_FAMILY);
		__u32 family = fam && attr_len(fam) >= 4 ? ntohl(*(const __u32 *)attr_data(fam)) :
							   0;

		snprintf(buf, size, "nft %s %s %s", family_name(family),
			 attr_str(table) ? attr_str(table) : "?",
			 attr_str(chain) ? attr_str(chain) : "?");
		return buf;
	}
	if (!func || strstr(func, "bpf"))
		return NULL;
	snprintf(buf, size, "%s", func);
	return buf;
}

static int dump_request(int fd, __u8 pf, __u8 hook)
{
	struct hook_request req = {
		.nh = { .nlmsg_len = sizeof(req),
			.nlmsg_type = (NFNL_SUBSYS_HOOK << 8) | NFNL_MSG_HOOK_GET,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
			.nlmsg_seq = 1 },
		.nf = { .nfgen_family = pf, .version = NFNETLINK_V0 },
		.hooknum_attr = { .nla_len = NLA_HDRLEN + 4, .nla_type = NFNLA_HOOK_HOOKNUM },
		.hooknum = htonl(hook),
	};

	return send(fd, &req, sizeof(req), 0) == sizeof(req) ? 0 : -errno;
}

static void append(char *buf, size_t size, const char *name, int priority)
{
	appendf(buf, size, "%s%s (%d)", buf[0] ? ", " : "", name, priority);
}

int nfhooks__read_dump(int fd, int from, int to, char *buf, size_t size)
{
	char msg[16384], name[160];
	int found = 0;

	buf[0] = 0;
	for (;;) {
		ssize_t n = recv(fd, msg, sizeof(msg), 0);
		struct nlmsghdr *nh = (struct nlmsghdr *)msg;

		if (n < 0)
			return -errno;
		for (; NLMSG_OK(nh, n); nh = NLMSG_NEXT(nh, n)) {
			const struct nlattr *prio;
			const void *attrs = (const char *)NLMSG_DATA(nh) + sizeof(struct nfgenmsg);
			int len = nh->nlmsg_len - NLMSG_LENGTH(sizeof(struct nfgenmsg));
			int priority;

			if (nh->nlmsg_type == NLMSG_DONE)
				return found;
			if (nh->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(nh))->error ?: found;
			prio = attr_find(attrs, len, NFNLA_HOOK_PRIORITY);
			if (!prio || attr_len(prio) < 4)
				continue;
			priority = (int)ntohl(*(const __u32 *)attr_data(prio));
			/* The last range of a hook ends at INT_MAX inclusive (conntrack confirm). */
			if (priority <= from || (priority >= to && to != INT_MAX) ||
			    !describe_entry(attrs, len, name, sizeof(name)))
				continue;
			append(buf, size, name, priority);
			found++;
		}
	}
}

static int between_here(__u8 pf, __u8 hook, int from, int to, char *buf, size_t size)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER), err;
	struct timeval tv = { .tv_sec = 1 };

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	err = dump_request(fd, pf, hook);
	if (!err)
		err = nfhooks__read_dump(fd, from, to, buf, size);
	close(fd);
	return err;
}

struct between {
	__u8 pf, hook;
	int from, to;
	char *buf;
	size_t size;
};

static int between_fn(void *ctx)
{
	struct between *b = ctx;

	return between_here(b->pf, b->hook, b->from, b->to, b->buf, b->size);
}

int nfhooks__between(const char *netns_path, __u8 pf, __u8 hook, int from, int to, char *buf,
		     size_t size)
{
	struct between b = { pf, hook, from, to, buf, size };

	buf[0] = 0;
	return nsenter__run(netns_path, between_fn, &b);
}

// SPDX-License-Identifier: GPL-2.0
/* A pod's facts from its network namespace itself: its inode, its addresses (netlink
 * inside it) and the host side of its veth (the peer's ifindex and namespace id, the id
 * resolved by asking the pod's namespace which id each candidate namespace has there). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>
#include "cli/addr.h"
#include "host/nsenter.h"
#include "host/pod_netns.h"
#include "host/pods_read.h"
#include "host/rtnl_request.h"
#include "util/dirwalk.h"

/* Namespaces tried as the veth peer's: this process's and the named ones. */
#define PEER_CANDIDATES_MAX 256

struct inside {
	struct pod *p;
	int addr_ifindex; /* the device holding the first address */
	int link;	  /* its peer's ifindex, 0 when it has none */
	int link_nsid;	  /* the peer's namespace id here, -1: this namespace */
	const char *const *cand_paths;
	int cand_count;
	int self_fd; /* this process's namespace, opened before entering */
	int peer;    /* index in cand_paths of the peer's namespace, -1 none */
};

static int on_attr(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (type >= 0 && type <= IFLA_MAX) /* IFLA_MAX is the largest of the three */
		tb[type] = attr;
	return MNL_CB_OK;
}

static int on_addr(const struct nlmsghdr *nh, void *data)
{
	const struct nlattr *tb[IFLA_MAX + 1] = {};
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nh);
	struct inside *in = data;
	struct pod *p = in->p;
	const struct nlattr *a;
	char text[INET6_ADDRSTRLEN];

	if (nh->nlmsg_type != RTM_NEWADDR || p->ip_count >= POD_MAX_IPS)
		return MNL_CB_OK;
	/* Loopback is host scope, fe80:: link scope: neither is the pod's address. */
	if (ifa->ifa_scope == RT_SCOPE_HOST || ifa->ifa_scope == RT_SCOPE_LINK)
		return MNL_CB_OK;
	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return MNL_CB_OK;
	mnl_attr_parse(nh, sizeof(*ifa), on_attr, tb);
	a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!a || mnl_attr_get_payload_len(a) < (ifa->ifa_family == AF_INET ? 4u : 16u))
		return MNL_CB_OK;
	inet_ntop(ifa->ifa_family, mnl_attr_get_payload(a), text, sizeof(text));
	if (!addr__parse_cidr(text, &p->ips[p->ip_count])) {
		if (!p->ip_count)
			in->addr_ifindex = ifa->ifa_index;
		p->ip_count++;
	}
	return MNL_CB_OK;
}

static int on_info_attr(const struct nlattr *attr, void *data)
{
	if (mnl_attr_get_type(attr) == IFLA_INFO_KIND)
		*(const struct nlattr **)data = attr;
	return MNL_CB_OK;
}

static bool is_veth(const struct nlattr *linkinfo)
{
	const struct nlattr *kind = NULL;

	if (linkinfo)
		mnl_attr_parse_nested(linkinfo, on_info_attr, &kind);
	return kind && !strcmp(mnl_attr_get_str(kind), "veth");
}

static int on_link(const struct nlmsghdr *nh, void *data)
{
	const struct nlattr *tb[IFLA_MAX + 1] = {};
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nh);
	struct inside *in = data;

	if (nh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	mnl_attr_parse(nh, sizeof(*ifi), on_attr, tb);
	/* The device holding the address, or eth0 in a namespace without one. */
	if (in->addr_ifindex ?
		    ifi->ifi_index != in->addr_ifindex :
		    !tb[IFLA_IFNAME] || strcmp(mnl_attr_get_str(tb[IFLA_IFNAME]), "eth0"))
		return MNL_CB_OK;
	/* A macvlan's or ipvlan's IFLA_LINK is its parent, not a peer: only a veth has one. */
	if (!tb[IFLA_LINK] || !is_veth(tb[IFLA_LINKINFO]))
		return MNL_CB_OK;
	in->link = mnl_attr_get_u32(tb[IFLA_LINK]);
	in->link_nsid = tb[IFLA_LINK_NETNSID] ? (int)mnl_attr_get_u32(tb[IFLA_LINK_NETNSID]) : -1;
	return MNL_CB_OK;
}

/* A dump of every address or link; the header is the request's own (zeroed: any family). */
static int dump(int type, size_t header, void *data, mnl_cb_t cb)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nh = mnl_nlmsg_put_header(buf);

	nh->nlmsg_type = type;
	nh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	mnl_nlmsg_put_extra_header(nh, header);
	return rtnl_request__run(nh, cb, data);
}

static int on_nsid(const struct nlmsghdr *nh, void *data)
{
	const struct nlattr *tb[IFLA_MAX + 1] = {};

	if (nh->nlmsg_type != RTM_NEWNSID)
		return MNL_CB_OK;
	mnl_attr_parse(nh, sizeof(struct rtgenmsg), on_attr, tb);
	if (tb[NETNSA_NSID])
		*(int *)data = (int)mnl_attr_get_u32(tb[NETNSA_NSID]);
	return MNL_CB_OK;
}

/* The id the current namespace gives the namespace of fd (-1: none given). */
static int nsid_of(int fd)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nh = mnl_nlmsg_put_header(buf);
	struct rtgenmsg *g;
	int id = -1;

	nh->nlmsg_type = RTM_GETNSID;
	nh->nlmsg_flags = NLM_F_REQUEST;
	g = mnl_nlmsg_put_extra_header(nh, NLMSG_ALIGN(sizeof(*g)));
	g->rtgen_family = AF_UNSPEC;
	mnl_attr_put_u32(nh, NETNSA_FD, fd);
	return rtnl_request__run(nh, on_nsid, &id) ? -1 : id;
}

/* Which candidate namespace has the peer's id here. */
static void find_peer(struct inside *in)
{
	for (int i = 0; i < in->cand_count && in->peer < 0; i++) {
		int fd = i ? open(in->cand_paths[i], O_RDONLY | O_CLOEXEC) : in->self_fd;

		if (fd < 0)
			continue;
		if (nsid_of(fd) == in->link_nsid)
			in->peer = i;
		if (i)
			close(fd);
	}
}

static int read_inside(void *ctx)
{
	struct inside *in = ctx;
	int err = dump(RTM_GETADDR, sizeof(struct ifaddrmsg), in, on_addr);

	if (err)
		return err;
	err = dump(RTM_GETLINK, sizeof(struct ifinfomsg), in, on_link);
	if (err)
		return err;
	if (in->link && in->link_nsid >= 0)
		find_peer(in);
	else if (in->link) /* the peer is in this same namespace */
		if_indextoname(in->link, in->p->host_veth);
	return 0;
}

struct peer_name {
	__u32 ifindex;
	char *name;
};

static int name_inside(void *ctx)
{
	struct peer_name *pn = ctx;

	return if_indextoname(pn->ifindex, pn->name) ? 0 : -errno;
}

struct candidates {
	char *paths[PEER_CANDIDATES_MAX];
	int count;
};

static int add_candidate(void *ctx, const char *path, const char *name)
{
	struct candidates *c = ctx;

	(void)name;
	if (c->count < PEER_CANDIDATES_MAX && (c->paths[c->count] = strdup(path)))
		c->count++;
	return 0;
}

int pods__read_netns(struct pod *p)
{
	struct candidates c = { .count = 1 };
	struct inside in = { .p = p, .peer = -1 };
	struct hop_cidr known[POD_MAX_IPS];
	int known_count = p->ip_count, err;
	struct stat st;

	if (stat(p->netns_path, &st))
		return -errno;
	p->netns = st.st_ino;
	/* The namespace's own addresses replace those a kubectl file gave, unless it has none. */
	memcpy(known, p->ips, sizeof(known));
	p->ip_count = 0;
	c.paths[0] = "/proc/self/ns/net";
	dirwalk("/run/netns", NULL, add_candidate, &c);
	in.cand_paths = (const char *const *)c.paths;
	in.cand_count = c.count;
	in.self_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	err = nsenter__run(p->netns_path, read_inside, &in);
	if (!err && in.peer >= 0 && !stat(c.paths[in.peer], &st)) {
		struct peer_name pn = { in.link, p->host_veth };

		p->host_netns = st.st_ino;
		p->host_ifindex = in.link;
		if (nsenter__run(c.paths[in.peer], name_inside, &pn))
			p->host_veth[0] = 0;
	} else if (!err && in.link && p->host_veth[0]) {
		p->host_netns = p->netns;
		p->host_ifindex = in.link;
	}
	if (!p->ip_count) {
		memcpy(p->ips, known, sizeof(known));
		p->ip_count = known_count;
	}
	if (in.self_fd >= 0)
		close(in.self_fd);
	for (int i = 1; i < c.count; i++)
		free(c.paths[i]);
	return err;
}

int pods__find_netns_by_ip(struct pod *p)
{
	struct podns *pn = podns__scan(p->ips, p->ip_count);
	const __u32 *inodes;
	int holders = 0;

	if (!pn)
		return -ENOMEM;
	for (int i = 0; i < podns__inodes(pn, &inodes); i++) {
		if (!podns__holds_traced(pn, inodes[i]))
			continue;
		if (!holders++)
			snprintf(p->netns_path, sizeof(p->netns_path), "%s", podns__path(pn, i));
	}
	podns__free(pn);
	p->netns_holders = holders;
	/* Two holders (a sandbox its runtime failed to tear down beside the pod that got its
	 * address again): either guess would name the wrong pod's hops. */
	if (holders > 1)
		p->netns_path[0] = 0;
	return holders == 1 ? 0 : holders ? -EEXIST : -ENOENT;
}

// SPDX-License-Identifier: GPL-2.0
/* Where a side of the path lives on this node: the namespace holding its address (as --pod
 * finds pods), the device and MTU there, its gateway, and the node's namespace on the other
 * end of its veth. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "check/check.h"
#include "check/check_env.h"
#include "check/check_side.h"
#include "cli/addr.h"
#include "host/netns_names.h"
#include "host/pods.h"
#include "host/pods_read.h"

/* The device holding addr in the namespace, and its MTU. */
static void find_device(struct check_side *s)
{
	cJSON *links = check_env__ip(s->pod_path, NULL, 0, "addr", "show", NULL), *l, *a;

	cJSON_ArrayForEach(l, links)
	{
		cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(l, "addr_info"))
		{
			if (strcmp(check_env__str(a, "local"), s->addr))
				continue;
			snprintf(s->pod_dev, sizeof(s->pod_dev), "%s", check_env__str(l, "ifname"));
			s->pod_mtu = (int)check_env__int(l, "mtu", 0);
		}
	}
	cJSON_Delete(links);
}

static void find_gateway(struct check_side *s)
{
	cJSON *routes = check_env__ip(s->pod_path, NULL, 0, s->family == AF_INET6 ? "-6" : "-4",
				      "route", "show", "default", NULL);
	const cJSON *r = cJSON_GetArrayItem(routes, 0);

	if (r)
		snprintf(s->gateway, sizeof(s->gateway), "%s", check_env__str(r, "gateway"));
	cJSON_Delete(routes);
}

/* A /run/netns name, else the path itself (cut to fit: a label only). */
static void name_of(const char *path, char *buf, size_t size)
{
	const char *slash = strrchr(path, '/');

	snprintf(buf, size, "%.79s", slash && !strncmp(path, "/run/netns/", 11) ? slash + 1 : path);
}

int check_side__find(struct check_side *s, const char *addr)
{
	struct pod p = { 0 };
	struct netns_names *nn;

	snprintf(s->addr, sizeof(s->addr), "%s", addr);
	s->tunnel_vni = -1;
	if (addr__parse_cidr(addr, &p.ips[0]) ||
	    (p.ips[0].family == AF_INET ? p.ips[0].prefix != 32 : p.ips[0].prefix != 128))
		return -1;
	s->family = p.ips[0].family;
	p.ip_count = 1;
	if (pods__find_netns_by_ip(&p))
		return 0; /* not on this node */
	snprintf(s->pod_path, sizeof(s->pod_path), "%s", p.netns_path);
	nn = netns_names__load();
	name_of(s->pod_path, s->pod_name, sizeof(s->pod_name));
	if (!pods__read_netns(&p) && p.host_veth[0]) {
		snprintf(s->host_veth, sizeof(s->host_veth), "%s", p.host_veth);
		s->node_netns = p.host_netns;
		if (nn && p.host_netns &&
		    !netns_names__path(nn, p.host_netns, s->node_path, sizeof(s->node_path)))
			name_of(s->node_path, s->node_name, sizeof(s->node_name));
		else if (!p.host_netns || !nn)
			s->node_path[0] = 0;
	}
	if (nn && p.host_netns && !s->node_name[0]) {
		const char *n = netns_names__name(nn, p.host_netns);

		snprintf(s->node_name, sizeof(s->node_name), "%s", n ? n : "?");
	}
	netns_names__free(nn);
	find_device(s);
	find_gateway(s);
	return 0;
}

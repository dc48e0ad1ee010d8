// SPDX-License-Identifier: GPL-2.0
/* The checks, layer by layer, in the order an operator walks them: the pod, pod to pod, the
 * Service, the CNI's overlay, the kernel. Each says what it read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "check/check.h"
#include "check/check_env.h"
#include "check/check_layers.h"

/* Bytes a tunnel adds to a packet over an IPv4 underlay: outer IPv4 20, UDP 8, the tunnel
 * header 8, the inner Ethernet header 14 (Geneve without options likewise). */
#define TUNNEL_OVERHEAD_V4 50
#define TUNNEL_OVERHEAD_V6 70

/* `ip route get DST` in the namespace: its first route object, or NULL (err says why). */
static cJSON *route_get(const char *ns, const char *dst, char *err, size_t errlen)
{
	cJSON *r = check_env__ip(ns, err, errlen, "route", "get", dst, NULL);
	cJSON *first = cJSON_DetachItemFromArray(r, 0);

	cJSON_Delete(r);
	return first;
}

/* A device's details: the parsed `ip -j -d link show dev DEV` object, or NULL. */
static cJSON *link_of(const char *ns, const char *dev)
{
	cJSON *l = check_env__ip(ns, NULL, 0, "-d", "link", "show", "dev", dev, NULL);
	cJSON *first = cJSON_DetachItemFromArray(l, 0);

	cJSON_Delete(l);
	return first;
}

static bool link_up(const cJSON *link)
{
	const cJSON *f;

	cJSON_ArrayForEach(
		f, cJSON_GetObjectItemCaseSensitive(link, "flags")) if (cJSON_IsString(f) &&
									!strcmp(f->valuestring,
										"UP")) return true;
	return false;
}

static const char *link_kind(const cJSON *link)
{
	return check_env__str(cJSON_GetObjectItemCaseSensitive(link, "linkinfo"), "info_kind");
}

static const cJSON *link_data(const cJSON *link)
{
	return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(link, "linkinfo"),
						"info_data");
}

void check_layers__pod(struct check_report *r, struct check_side *s, const char *peer)
{
	char err[256] = "";
	cJSON *route;

	if (!s->pod_path[0]) {
		check__add(r, "pod", "netns", "-", CHECK_FAIL,
			   "no network namespace on this node holds %s", s->addr);
		return;
	}
	check__add(r, "pod", "netns", s->pod_name, CHECK_OK, "%s is in netns %s", s->addr,
		   s->pod_name);
	if (!s->pod_dev[0]) {
		check__add(r, "pod", "interface", s->pod_name, CHECK_FAIL,
			   "no device in it holds %s", s->addr);
	} else {
		cJSON *l = link_of(s->pod_path, s->pod_dev);

		check__add(r, "pod", "interface", s->pod_name, link_up(l) ? CHECK_OK : CHECK_FAIL,
			   "%s holds %s, %s, MTU %d", s->pod_dev, s->addr,
			   link_up(l) ? "up" : "down", s->pod_mtu);
		cJSON_Delete(l);
	}
	if (!peer) {
		check__add(r, "pod", "default_route", s->pod_name,
			   s->gateway[0] ? CHECK_OK : CHECK_WARN, "%s%s",
			   s->gateway[0] ? "default route via " : "no default route", s->gateway);
		return;
	}
	route = route_get(s->pod_path, peer, err, sizeof(err));
	if (!route)
		check__add(r, "pod", "route_to_peer", s->pod_name, CHECK_FAIL,
			   "no route to %s in the pod: %s", peer, err);
	else
		check__add(r, "pod", "route_to_peer", s->pod_name, CHECK_OK, "%s via %s dev %s",
			   peer,
			   *check_env__str(route, "gateway") ? check_env__str(route, "gateway") :
							       "(direct)",
			   check_env__str(route, "dev"));
	cJSON_Delete(route);
}

/* The gateway's neighbour entry in the pod: a failed one means the node's side never
 * answered ARP/ND. */
static void check_gateway_neighbour(struct check_report *r, const struct check_side *s)
{
	cJSON *neigh, *n;
	const char *state = NULL;

	if (!s->gateway[0])
		return;
	neigh = check_env__ip(s->pod_path, NULL, 0, "neigh", "show", s->gateway, NULL);
	cJSON_ArrayForEach(n, neigh)
	{
		const cJSON *st =
			cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(n, "state"), 0);

		state = cJSON_IsString(st) ? st->valuestring : "?";
	}
	if (!state)
		check__add(r, "pod-to-pod", "gateway_neighbour", s->pod_name, CHECK_OK,
			   "no entry for the gateway %s yet (made at the first packet)",
			   s->gateway);
	else
		check__add(r, "pod-to-pod", "gateway_neighbour", s->pod_name,
			   !strcmp(state, "FAILED") || !strcmp(state, "INCOMPLETE") ? CHECK_FAIL :
										      CHECK_OK,
			   "the gateway %s is %s", s->gateway, state);
	cJSON_Delete(neigh);
}

void check_layers__pod_to_pod(struct check_report *r, struct check_side *s, const char *peer)
{
	char err[256] = "";
	cJSON *route, *veth, *dev;
	long forward;

	if (!s->pod_path[0])
		return;
	check_gateway_neighbour(r, s);
	if (!s->node_path[0]) {
		check__add(r, "pod-to-pod", "host_veth", s->pod_name, CHECK_WARN,
			   "the host side of %s was not found (not a veth, or its namespace has "
			   "no name or process)",
			   s->pod_dev);
		return;
	}
	veth = link_of(s->node_path, s->host_veth);
	check__add(r, "pod-to-pod", "host_veth", s->node_name,
		   link_up(veth) ? CHECK_OK : CHECK_FAIL, "%s %s%s%s", s->host_veth,
		   link_up(veth) ? "up" : "down", *check_env__str(veth, "master") ? ", on " : "",
		   check_env__str(veth, "master"));
	cJSON_Delete(veth);
	forward = check_env__number(s->node_path, s->family == AF_INET6 ?
							  "/proc/sys/net/ipv6/conf/all/forwarding" :
							  "/proc/sys/net/ipv4/ip_forward");
	check__add(r, "kernel", "ip_forward", s->node_name, forward == 0 ? CHECK_FAIL : CHECK_OK,
		   "%s=%ld",
		   s->family == AF_INET6 ? "net.ipv6.conf.all.forwarding" : "net.ipv4.ip_forward",
		   forward);
	if (!peer)
		return;
	route = route_get(s->node_path, peer, err, sizeof(err));
	if (!route && s->peer_is_service) {
		check__add(r, "pod-to-pod", "route_to_peer", s->node_name, CHECK_OK,
			   "%s is a Service address the node translates (DNAT) before it routes: "
			   "no route of its own needed",
			   peer);
		return;
	}
	if (!route) {
		check__add(r, "pod-to-pod", "route_to_peer", s->node_name, CHECK_FAIL,
			   "route missing: the node has no route to %s (%s)", peer, err);
		return;
	}
	dev = link_of(s->node_path, check_env__str(route, "dev"));
	check__add(r, "pod-to-pod", "route_to_peer", s->node_name, CHECK_OK, "%s via %s dev %s%s%s",
		   peer,
		   *check_env__str(route, "gateway") ? check_env__str(route, "gateway") :
						       "(direct)",
		   check_env__str(route, "dev"), *link_kind(dev) ? " " : "", link_kind(dev));
	if (!strcmp(link_kind(dev), "vxlan") || !strcmp(link_kind(dev), "geneve")) {
		snprintf(s->tunnel_dev, sizeof(s->tunnel_dev), "%s", check_env__str(route, "dev"));
		s->tunnel_vni = (int)check_env__int(link_data(dev), "id", -1);
	}
	cJSON_Delete(dev);
	cJSON_Delete(route);
}

/* Distinct remote VTEP addresses: the device's fixed remote and its FDB entries' dst. */
static int count_vteps(const cJSON *fdb, const char *remote)
{
	const char *seen[64];
	const cJSON *e;
	int n = 0;

	if (*remote)
		seen[n++] = remote;
	cJSON_ArrayForEach(e, fdb)
	{
		const char *dst = check_env__str(e, "dst");
		bool dup = !*dst;

		for (int i = 0; i < n && !dup; i++)
			dup = !strcmp(seen[i], dst);
		if (!dup && n < (int)(sizeof(seen) / sizeof(seen[0])))
			seen[n++] = dst;
	}
	return n;
}

void check_layers__node_tunnel(struct check_side *s, int vni)
{
	cJSON *links = check_env__ip(s->node_path, NULL, 0, "-d", "link", "show", NULL);
	const cJSON *l;

	s->node_tunnel[0] = 0;
	cJSON_ArrayForEach(l, links)
	{
		const char *kind = link_kind(l);

		if (strcmp(kind, "vxlan") && strcmp(kind, "geneve"))
			continue;
		/* The device of the other side's VNI, else the first tunnel. */
		if (!s->node_tunnel[0] || check_env__int(link_data(l), "id", -1) == vni)
			snprintf(s->node_tunnel, sizeof(s->node_tunnel), "%s",
				 check_env__str(l, "ifname"));
	}
	cJSON_Delete(links);
}

/* The tunnel towards the peer: its VNI and remote, and whether a full pod packet fits. */
void check_layers__overlay(struct check_report *r, struct check_side *s,
			   const struct check_side *peer)
{
	cJSON *tun, *under = NULL, *fdb;
	const cJSON *data;
	int tun_mtu, under_mtu = 0, remotes = 0, overhead;
	const char *under_name;

	if (!s->tunnel_dev[0])
		return;
	tun = link_of(s->node_path, s->tunnel_dev);
	data = link_data(tun);
	tun_mtu = (int)check_env__int(tun, "mtu", 0);
	under_name = check_env__str(data, "link");
	if (*under_name)
		under = link_of(s->node_path, under_name);
	under_mtu = (int)check_env__int(under, "mtu", 0);
	/* The underlay's family sets the outer header: the tunnel's local address says it. */
	overhead = strchr(check_env__str(data, "local"), ':') ||
				   strchr(check_env__str(data, "local6"), ':') ?
			   TUNNEL_OVERHEAD_V6 :
			   TUNNEL_OVERHEAD_V4;
	check__add(r, "overlay", "tunnel", s->node_name, link_up(tun) ? CHECK_OK : CHECK_FAIL,
		   "%s: %s VNI %d, port %ld%s%s, %s", s->tunnel_dev, link_kind(tun), s->tunnel_vni,
		   check_env__int(data, "port", 0), *under_name ? ", over " : "", under_name,
		   link_up(tun) ? "up" : "down");
	if (peer && peer->tunnel_vni >= 0 && s->tunnel_vni >= 0 &&
	    peer->tunnel_vni != s->tunnel_vni)
		check__add(r, "overlay", "vni", s->node_name, CHECK_FAIL,
			   "VNI mismatch: %s sends VNI %d on %s, %s's %s has VNI %d", s->node_name,
			   s->tunnel_vni, s->tunnel_dev, peer->node_name, peer->tunnel_dev,
			   peer->tunnel_vni);
	fdb = check_env__bridge(s->node_path, "fdb", "show", "dev", s->tunnel_dev, NULL);
	remotes = count_vteps(fdb, check_env__str(data, "remote"));
	check__add(r, "overlay", "remote_vtep", s->node_name, remotes ? CHECK_OK : CHECK_FAIL,
		   remotes ? "%d remote VTEP%s in %s's forwarding table" :
			     "%d remote VTEPs%s: %s has no FDB entry and no remote, nothing "
			     "to send to",
		   remotes, remotes == 1 ? "" : "s", s->tunnel_dev);
	cJSON_Delete(fdb);
	if (s->pod_mtu > tun_mtu && tun_mtu)
		check__add(r, "overlay", "mtu", s->node_name, CHECK_FAIL,
			   "MTU mismatch: the pod's %s has MTU %d, the tunnel %s %d: full-size "
			   "packets with DF are dropped (PKT_TOO_BIG)",
			   s->pod_dev, s->pod_mtu, s->tunnel_dev, tun_mtu);
	else if (under_mtu && tun_mtu + overhead > under_mtu)
		check__add(r, "overlay", "mtu", s->node_name, CHECK_FAIL,
			   "MTU mismatch: %s's MTU %d plus %d bytes of tunnel overhead passes the "
			   "underlay %s's %d",
			   s->tunnel_dev, tun_mtu, overhead, under_name, under_mtu);
	else if (under_mtu)
		check__add(
			r, "overlay", "mtu", s->node_name, CHECK_OK,
			"the pod's %d fits the tunnel's %d, and %d + %d overhead the underlay's %d",
			s->pod_mtu, tun_mtu, tun_mtu, overhead, under_mtu);
	else
		check__add(r, "overlay", "mtu", s->node_name, CHECK_OK,
			   "the pod's %d fits the tunnel's %d", s->pod_mtu, tun_mtu);
	cJSON_Delete(tun);
	cJSON_Delete(under);
}

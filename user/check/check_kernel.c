// SPDX-License-Identifier: GPL-2.0
/* The kernel layer: conntrack's room, reverse-path filtering against the route back,
 * bridged traffic through iptables; and the Service layer: which kube-proxy mode the
 * node's rules show, and whether the peer is a Service address they translate. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "check/check_env.h"
#include "check/check_layers.h"
#include "host/conntrack_stats.h"

/* Above this share of the maximum, the table is close to full. */
#define CT_WARN_PERCENT 90

void check_layers__conntrack(struct check_report *r, const struct check_side *s)
{
	long count = check_env__number(s->node_path, "/proc/sys/net/netfilter/nf_conntrack_count");
	long max = check_env__number(s->node_path, "/proc/sys/net/netfilter/nf_conntrack_max");

	if (count < 0 || max <= 0) {
		check__add(r, "kernel", "conntrack", s->node_name, CHECK_OK,
			   "conntrack is not loaded in this namespace");
		return;
	}
	if (count >= max) {
		check__add(r, "kernel", "conntrack", s->node_name, CHECK_FAIL,
			   "conntrack count at max: %ld of %ld entries, new flows are dropped",
			   count, max);
	} else {
		struct ctstat_counts c;

		/* Counted since the namespace began: a check at one moment cannot say when
		 * (a trace says how much they rose while it ran). */
		ctstat__read(s->node_path, &c);
		if (c.present && (c.insert_failed || c.drop))
			check__add(r, "kernel", "conntrack", s->node_name, CHECK_WARN,
				   "%ld of %ld entries; yet it has refused entries before: "
				   "insert_failed %llu, drop %llu (conntrack -S)",
				   count, max, (unsigned long long)c.insert_failed,
				   (unsigned long long)c.drop);
		else
			check__add(r, "kernel", "conntrack", s->node_name,
				   count * 100 >= max * CT_WARN_PERCENT ? CHECK_WARN : CHECK_OK,
				   "%ld of %ld entries", count, max);
	}
	if (r->count > 0 && !strcmp(r->lines[r->count - 1].item, "conntrack"))
		r->lines[r->count - 1].netns = s->node_netns;
}

/* The effective rp_filter of a device: the larger of all's and the device's. */
static long rp_filter(const char *ns, const char *dev)
{
	char path[128];
	long all = check_env__number(ns, "/proc/sys/net/ipv4/conf/all/rp_filter"), one;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/rp_filter", dev);
	one = check_env__number(ns, path);
	return all > one ? all : one;
}

/* Traffic from `from` arrives on this node by the device the other node sends it on: the
 * tunnel when it tunnels, else the route's. Strict mode drops it when the route back to
 * its source leaves by another device. */
void check_layers__rp_filter(struct check_report *r, struct check_side *s,
			     const struct check_side *from)
{
	char *argv[] = { (char *)"ip",	(char *)"-j",	    (char *)"route",
			 (char *)"get", (char *)from->addr, NULL };
	char *out = check_env__output(s->node_path, argv);
	cJSON *route = out ? cJSON_Parse(out) : NULL;
	const char *back = check_env__str(cJSON_GetArrayItem(route, 0), "dev");
	const char *in;

	/* It arrives where the other side sends it: out of its tunnel into ours. */
	if (from->tunnel_dev[0])
		check_layers__node_tunnel(s, from->tunnel_vni);
	in = from->tunnel_dev[0] && s->node_tunnel[0] ? s->node_tunnel : back;
	long mode;

	free(out);
	mode = *in ? rp_filter(s->node_path, in) : -1;
	if (mode < 0 || !*back) {
		cJSON_Delete(route);
		return;
	}
	if (mode == 1 && strcmp(in, back))
		check__add(r, "kernel", "rp_filter", s->node_name, CHECK_FAIL,
			   "strict rp_filter with an asymmetric route: traffic from %s arrives on "
			   "%s, the route back to it leaves by %s, and rp_filter is 1 there",
			   from->addr, in, back);
	else
		check__add(r, "kernel", "rp_filter", s->node_name, CHECK_OK,
			   "rp_filter %ld on %s; the route back to %s leaves by %s", mode, in,
			   from->addr, back);
	cJSON_Delete(route);
}

void check_layers__bridge_nf(struct check_report *r, const struct check_side *s)
{
	long v = check_env__number(s->node_path, "/proc/sys/net/bridge/bridge-nf-call-iptables");

	if (v < 0)
		check__add(r, "kernel", "bridge_nf_call_iptables", s->node_name, CHECK_OK,
			   "br_netfilter is not loaded: bridged traffic does not pass iptables");
	else
		check__add(r, "kernel", "bridge_nf_call_iptables", s->node_name,
			   v ? CHECK_OK : CHECK_WARN, "net.bridge.bridge-nf-call-iptables=%ld%s", v,
			   v ? "" : ": Services between pods of one bridge are not translated");
}

/* kube-proxy's mode as the node's rules show it, and whether they translate the peer's
 * address: read before the node's route is judged (a Service address has no route of its
 * own), said in the Service layer. */
void check_layers__service_read(struct check_side *s, const char *peer)
{
	char *save_argv[] = { (char *)"iptables-save", (char *)"-t", (char *)"nat", NULL };
	char *nft_argv[] = { (char *)"nft", (char *)"list", (char *)"ruleset", NULL };
	char *save = check_env__output(s->node_path, save_argv);
	char *nft = check_env__output(s->node_path, nft_argv);
	cJSON *ipvs =
		check_env__ip(s->node_path, NULL, 0, "link", "show", "dev", "kube-ipvs0", NULL);
	const char *mode = "none seen (no kube-proxy rules on this node)";
	char needle[96];

	if (nft && strstr(nft, "table ip kube-proxy"))
		mode = "nftables";
	else if (ipvs && cJSON_GetArraySize(ipvs))
		mode = "ipvs";
	else if (save && strstr(save, ":KUBE-SERVICES"))
		mode = "iptables";
	s->proxy_mode = mode;
	if (peer) {
		snprintf(needle, sizeof(needle), "-d %s/", peer);
		s->peer_is_service = save && strstr(save, needle) && strstr(save, "DNAT");
		snprintf(needle, sizeof(needle), "daddr %s", peer);
		s->peer_is_service |= nft && strstr(nft, needle) && strstr(nft, "dnat");
	}
	free(save);
	free(nft);
	cJSON_Delete(ipvs);
}

void check_layers__service(struct check_report *r, const struct check_side *s, const char *peer)
{
	check__add(r, "service", "kube_proxy_mode", s->node_name, CHECK_OK, "kube-proxy mode: %s",
		   s->proxy_mode ? s->proxy_mode : "not read");
	if (peer && s->peer_is_service)
		check__add(r, "service", "clusterip", s->node_name, CHECK_OK,
			   "%s is translated (DNAT) by the node's rules: a Service address", peer);
}

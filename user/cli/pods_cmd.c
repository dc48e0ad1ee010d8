// SPDX-License-Identifier: GPL-2.0
/* `hoptrace pods`: what --pod would resolve, for every pod of the node. The namespaces are
 * named as in the timeline (host/netns_names), the host veth by its name there. */
#include <stdio.h>
#include <string.h>
#include "cli/addr.h"
#include "cli/pods_cmd.h"
#include "host/netns_names.h"
#include "host/pods.h"
#include "util/json_writer.h"

static void format_ips(const struct pod *p, char *buf, size_t size)
{
	size_t used = 0;
	char a[64];

	buf[0] = 0;
	for (int i = 0; i < p->ip_count && used < size; i++) {
		addr__format(p->ips[i].family, p->ips[i].addr, a, sizeof(a));
		used += snprintf(buf + used, size - used, "%s%s", i ? "," : "", a);
	}
	if (!p->ip_count)
		snprintf(buf, size, "-");
}

static const char *netns_label(struct netns_names *nn, __u32 inode, char *buf, size_t size)
{
	const char *name = nn && inode ? netns_names__name(nn, inode) : NULL;

	if (name)
		return name;
	if (!inode)
		return "-";
	snprintf(buf, size, "%u", inode);
	return buf;
}

static void print_row(FILE *f, const struct pod *p, struct netns_names *nn)
{
	char ref[320], ips[256], ns[96], inode[32], veth[64];
	const char *nsl = ns;

	snprintf(ref, sizeof(ref), "%s/%s", p->ns, p->name);
	format_ips(p, ips, sizeof(ips));
	if (p->host_veth[0] && p->host_netns) {
		char hn[32];

		snprintf(veth, sizeof(veth), "%s@%s", p->host_veth,
			 netns_label(nn, p->host_netns, hn, sizeof(hn)));
	} else {
		snprintf(veth, sizeof(veth), "%s", p->host_veth[0] ? p->host_veth : "-");
	}
	/* A kubectl file's pod of another node has no namespace here: say where it is. */
	if (!p->netns && !pods__on_this_node(p->node))
		snprintf(ns, sizeof(ns), "(on node %.64s)", p->node);
	else
		nsl = netns_label(nn, p->netns, inode, sizeof(inode));
	fprintf(f, "%-40s %-32s %-20s %-24s %s\n", ref, ips, nsl, veth, p->source);
}

static void print_json(FILE *f, const struct pod *p, struct netns_names *nn)
{
	const char *netns_name = nn && p->netns ? netns_names__name(nn, p->netns) : NULL;
	const char *host_name = nn && p->host_netns ? netns_names__name(nn, p->host_netns) : NULL;
	struct json_writer w;
	char a[64];

	json__init(&w, f);
	json__object_begin(&w, NULL);
	json__string(&w, "namespace", p->ns);
	json__string(&w, "name", p->name);
	json__string(&w, "uid", p->uid[0] ? p->uid : NULL);
	json__string(&w, "node", p->node[0] ? p->node : NULL);
	json__array_begin(&w, "ips");
	for (int i = 0; i < p->ip_count; i++)
		json__string(&w, NULL,
			     addr__format(p->ips[i].family, p->ips[i].addr, a, sizeof(a)));
	json__array_end(&w);
	json__uint(&w, "netns", p->netns);
	json__string(&w, "netns_name", netns_name);
	json__string(&w, "netns_path", p->netns_path[0] ? p->netns_path : NULL);
	json__string(&w, "host_veth", p->host_veth[0] ? p->host_veth : NULL);
	json__uint(&w, "host_ifindex", p->host_ifindex);
	json__uint(&w, "host_netns", p->host_netns);
	json__string(&w, "host_netns_name", host_name);
	json__string(&w, "image", p->image[0] ? p->image : NULL);
	json__string(&w, "source", p->source);
	json__object_end(&w);
	json__newline(&w);
}

int pods_cmd__run(const struct trace_config *o, FILE *f)
{
	struct pod_sources src = { o->state_dirs, o->state_dir_count, o->pod_json, false };
	struct pod_list l;
	struct netns_names *nn;
	int err = pods__discover(&src, &l);

	if (err || !l.count) {
		fprintf(stderr, "hoptrace pods: no pods found: read %s\n", l.tried);
		pods__free(&l);
		return 1;
	}
	nn = netns_names__load();
	if (!o->json)
		fprintf(f, "%-40s %-32s %-20s %-24s %s\n", "NAMESPACE/NAME", "IPS", "NETNS",
			"HOST VETH", "SOURCE");
	for (int i = 0; i < l.count; i++) {
		if (l.pods[i].netns_holders > 1)
			fprintf(stderr,
				"hoptrace pods: warning: pod %s/%s: %d network namespaces hold its "
				"address; its namespace is left unknown\n",
				l.pods[i].ns, l.pods[i].name, l.pods[i].netns_holders);
		if (o->json)
			print_json(f, &l.pods[i], nn);
		else
			print_row(f, &l.pods[i], nn);
	}
	netns_names__free(nn);
	pods__free(&l);
	return fflush(f) ? 1 : 0;
}

// SPDX-License-Identifier: GPL-2.0
/* Resolving --pod: one discovery of the node's pods, then each reference checked in turn,
 * so that the first one that cannot be traced is the one line the user reads. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/addr.h"
#include "cli/pod_refs.h"
#include "host/pods.h"

static void sources_of(const struct trace_config *o, struct pod_sources *src)
{
	memset(src, 0, sizeof(*src));
	src->state_dirs = o->state_dirs;
	src->state_dir_count = o->state_dir_count;
	src->pod_json = o->pod_json;
}

/* Whether a kubectl file placed the pod on some other node. */
static bool elsewhere(const struct pod *p)
{
	return !strcmp(p->source, "pod-json") && !pods__on_this_node(p->node);
}

static int add_addresses(struct trace_config *o, const struct pod *p, const char *ref)
{
	for (int i = 0; i < p->ip_count; i++) {
		bool dup = false;

		for (int j = 0; j < o->pod_count && !dup; j++)
			dup = !memcmp(&o->pods[j], &p->ips[i], sizeof(p->ips[i]));
		if (dup)
			continue;
		if (o->pod_count >= HOPTRACE_MAX_CIDRS) {
			fprintf(stderr,
				"hoptrace: --pod %s: too many addresses with --pod-ip (at most %d)\n",
				ref, HOPTRACE_MAX_CIDRS);
			return -1;
		}
		o->pods[o->pod_count++] = p->ips[i];
	}
	return 0;
}

/* -v: what --pod became, so that a surprise (another pod of that name, a stale sandbox)
 * shows before the trace. */
static void report_resolved(const struct pod *p)
{
	char list[160] = "", a[64];
	size_t used = 0;

	for (int i = 0; i < p->ip_count && used < sizeof(list); i++)
		used += snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "",
				 addr__format(p->ips[i].family, p->ips[i].addr, a, sizeof(a)));
	fprintf(stderr, "hoptrace: pod %s/%s: %s in netns %s (%u), host veth %s (from %s)\n", p->ns,
		p->name, list, p->netns_path, p->netns, p->host_veth[0] ? p->host_veth : "none",
		p->source);
}

static int check_one(struct trace_config *o, const char *ref)
{
	const struct pod_list *l = o->pod_list;
	char ns[64], name[254];
	const struct pod *p;

	if (pods__parse_ref(ref, ns, sizeof(ns), name, sizeof(name)))
		return -1; /* refused by the option parser already */
	p = pods__find(l, ns, name);
	if (!p) {
		fprintf(stderr, "hoptrace: no pod %s/%s on this node: read %s\n", ns, name,
			l->tried);
		return -1;
	}
	if (elsewhere(p)) {
		fprintf(stderr, "hoptrace: pod %s/%s runs on node %s, not here (from --pod-json)\n",
			ns, name, p->node);
		return -1;
	}
	if (!p->netns && p->netns_holders > 1) {
		fprintf(stderr,
			"hoptrace: pod %s/%s: %d network namespaces on this node hold its address "
			"(one a stale sandbox?): trace it by --pod-ip, or remove the stale one\n",
			ns, name, p->netns_holders);
		return -1;
	}
	if (!p->netns) {
		fprintf(stderr,
			"hoptrace: pod %s/%s: no network namespace of its own found on this node "
			"(from %s)\n",
			ns, name, p->source);
		return -1;
	}
	if (!p->ip_count) {
		fprintf(stderr,
			"hoptrace: pod %s/%s has no addresses in its network namespace (%s)\n", ns,
			name, p->netns_path);
		return -1;
	}
	if (o->verbose)
		report_resolved(p);
	return add_addresses(o, p, ref);
}

int pod_refs__resolve(struct trace_config *o)
{
	struct pod_sources src;
	int err;

	if (!o->pod_ref_count)
		return 0;
	o->pod_list = calloc(1, sizeof(*o->pod_list));
	if (!o->pod_list) {
		fprintf(stderr, "hoptrace: out of memory\n");
		return -1;
	}
	sources_of(o, &src);
	err = pods__discover(&src, o->pod_list);
	if (err == -ENOENT && !o->state_dir_count) {
		/* No runtime here at all: the same line as for a pod it does not have. */
		fprintf(stderr, "hoptrace: no pod %s on this node: read %s\n", o->pod_refs[0],
			o->pod_list->tried);
		return -1;
	}
	if (err) {
		fprintf(stderr, "hoptrace: --pod %s: cannot read the pods of this node: %s\n",
			o->pod_refs[0], o->pod_list->tried);
		return -1;
	}
	for (int i = 0; i < o->pod_ref_count; i++)
		if (check_one(o, o->pod_refs[i]))
			return -1;
	return 0;
}

int pod_refs__pods(const struct trace_config *o, const struct pod **out, int max)
{
	char ns[64], name[254];
	int n = 0;

	for (int i = 0; i < o->pod_ref_count && n < max; i++)
		out[n++] = o->pod_list && !pods__parse_ref(o->pod_refs[i], ns, sizeof(ns), name,
							   sizeof(name)) ?
				   pods__find(o->pod_list, ns, name) :
				   NULL;
	return n;
}

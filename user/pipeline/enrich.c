// SPDX-License-Identifier: GPL-2.0
/* Enrichment: from kernel facts (numbers, addresses, inodes) to the names a person reads.
 * Loaded once at start-up; per hop it only looks things up. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "host/conntrack_stats.h"
#include "pipeline/chain_names.h"
#include "host/drop_reason.h"
#include "pipeline/enrich.h"
#include "pipeline/hooks.h"
#include "pipeline/timeline.h"
#include "host/kallsyms.h"
#include "host/netns_names.h"
#include "host/pods.h"
#include "host/pod_netns.h"
#include "host/sock_owner.h"
#include "util/phases.h"

static __s64 clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (__s64)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void enrich__init(struct enrich *en, const struct btf *btf, const struct hop_cidr *pods,
		  int pod_count)
{
	__s64 mono;

	memset(en, 0, sizeof(*en));
	en->ksyms = kallsyms__open("/proc/kallsyms");
	phases__mark("kallsyms");
	en->reasons = btf ? drop_reasons__load(btf) : NULL;
	phases__mark("drop_reasons");
	en->netns = netns_names__load();
	en->pods = podns__scan(pods, pod_count);
	phases__mark("netns_scan");
	en->sock_owners = sock_owners__new(NULL);
	/* Read the realtime clock between two monotonic reads to halve the error. */
	mono = clock_ns(CLOCK_MONOTONIC);
	en->mono_to_wall_ns = clock_ns(CLOCK_REALTIME);
	mono = (mono + clock_ns(CLOCK_MONOTONIC)) / 2;
	en->mono_to_wall_ns -= mono;
}

void enrich__free(struct enrich *en)
{
	kallsyms__free(en->ksyms);
	drop_reasons__free(en->reasons);
	netns_names__free(en->netns);
	podns__free(en->pods);
	ctstat__free(en->ct);
	chain_names__free(en->chains);
	sock_owners__free(en->sock_owners);
	memset(en, 0, sizeof(*en));
}

bool enrich__is_netfilter_drop(const struct enrich *en, const struct hop_event *ev)
{
	char buf[128];
	const char *r;

	if (ev->hook != HOOK_KFREE_SKB)
		return false;
	r = enrich__reason(en, ev, buf, sizeof(buf));
	if (r)
		return !strcmp(r, "NETFILTER_DROP");
	/* Before drop reasons (5.17), nf_hook_slow's only free is its drop verdict. */
	r = enrich__location(en, ev, buf, sizeof(buf));
	return r && !strncmp(r, "nf_hook_slow+", 13);
}

bool enrich__nf_observed(const struct enrich *en, __u32 netns)
{
	if (!en->nf_netns)
		return true;
	for (int i = 0; i < en->nf_netns_count; i++)
		if (en->nf_netns[i] == netns)
			return true;
	return false;
}

bool enrich__is_nftables_drop(const struct enrich *en, const struct hop_event *ev)
{
	char buf[128];
	const char *at = enrich__location(en, ev, buf, sizeof(buf));

	return ev->hook == HOOK_KFREE_SKB && at && !strncmp(at, "nft_do_chain+", 13);
}

const char *enrich__device_layer(const char *dev_kind)
{
	if (!strcmp(dev_kind, "bridge"))
		return "bridge";
	if (enrich__is_tunnel_kind(dev_kind))
		return "overlay";
	if (!strcmp(dev_kind, "veth"))
		return "veth";
	return NULL;
}

bool enrich__is_tunnel_kind(const char *dev_kind)
{
	return !strcmp(dev_kind, "vxlan") || !strcmp(dev_kind, "geneve");
}

const char *enrich__layer(struct enrich *en, const struct hop_event *ev)
{
	const struct hook_row *row = hook__row(ev->hook);

	if (en->pods && podns__is_pod(en->pods, ev->netns))
		return "pod";
	if ((row && row->layer_fixed) || enrich__is_netfilter_drop(en, ev))
		return "node";
	if (enrich__device_layer(ev->dev_kind))
		return enrich__device_layer(ev->dev_kind);
	return row ? row->layer : "node";
}

const char *enrich__reason(const struct enrich *en, const struct hop_event *ev, char *buf,
			   size_t size)
{
	if (ev->hook != HOOK_KFREE_SKB || !(ev->flags & HOP_F_HAS_REASON))
		return NULL;
	if (!en->reasons) {
		snprintf(buf, size, "UNKNOWN(%u)", ev->reason);
		return buf;
	}
	return drop_reasons__name(en->reasons, ev->reason, buf, size);
}

const char *enrich__location(const struct enrich *en, const struct hop_event *ev, char *buf,
			     size_t size)
{
	if (!ev->location)
		return NULL;
	if (!en->ksyms) {
		snprintf(buf, size, "0x%llx", (unsigned long long)ev->location);
		return buf;
	}
	return kallsyms__format(en->ksyms, ev->location, buf, size);
}

void enrich__drop_site(const struct enrich *en, const struct drop_site *site, char *reason,
		       size_t reason_size, const char **r, char *loc, size_t loc_size,
		       const char **l)
{
	struct hop_event ev = { .hook = HOOK_KFREE_SKB,
				.reason = site->reason,
				.location = site->location,
				.flags = site->has_reason ? HOP_F_HAS_REASON : 0 };

	*r = enrich__reason(en, &ev, reason, reason_size);
	*l = enrich__location(en, &ev, loc, loc_size);
}

const char *enrich__netns(struct enrich *en, __u32 inode)
{
	return en->netns && inode ? netns_names__name(en->netns, inode) : NULL;
}

const struct pod *enrich__pod(const struct enrich *en, __u32 inode)
{
	return en->kube_pods && inode ? pods__by_netns(en->kube_pods, inode) : NULL;
}

const char *enrich__netns_label(struct enrich *en, __u32 inode, char *buf, size_t size)
{
	const struct pod *pod = enrich__pod(en, inode);
	const char *name = enrich__netns(en, inode);

	if (pod) {
		snprintf(buf, size, "%s/%s", pod->ns, pod->name);
		return buf;
	}
	if (name)
		return name;
	if (!inode)
		return "-";
	snprintf(buf, size, "netns:%u", inode);
	return buf;
}

__u64 enrich__wall_ns(const struct enrich *en, __u64 mono_ns)
{
	/* Unsigned: the same sum for real times, and no overflow (undefined) for a bogus one. */
	return mono_ns + (__u64)en->mono_to_wall_ns;
}

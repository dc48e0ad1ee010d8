// SPDX-License-Identifier: GPL-2.0
/* Finding the programs to watch: devices listed inside their namespace (if_nameindex
 * there), each device's programs by attached__device, the cgroup tree's by
 * cgroup_progs__walk; a seen-set of devices and cgroups so that each is listed once, which
 * is all a hop costs once its device is known. */
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "host/bpf_attached.h"
#include "host/cgroup_progs.h"
#include "host/nsenter.h"
#include "host/watched_netns.h"
#include "load/prog_fexit.h"
#include "load/prog_watch.h"
#include "util/appendf.h"
#include "util/hash.h"

/* Open addressing, linear probing; never more than three quarters full. */
#define SEEN_SLOTS 4096
#define SEEN_FULL (SEEN_SLOTS / 4 * 3)
#define DEVICES_MAX 1024 /* listed per namespace */
#define REASONS_MAX 6

struct seen_set {
	__u64 keys[SEEN_SLOTS]; /* 0: empty */
	int count;
};

/* Why programs were not watched, with how often. */
struct reason_count {
	char reason[96];
	int count;
};

struct prog_watch {
	struct prog_fexit *pf;
	char *netns_paths[COVERAGE_MAX];
	__u32 netns_inodes[COVERAGE_MAX];
	int netns_count;
	char cgroup2_root[256];
	bool started;
	struct seen_set devices; /* netns << 32 | ifindex */
	struct seen_set cgroups; /* cgroup id */
	int devices_listed;
	int cgroups_listed;
	int watched_at_start;
	int not_listed; /* a device or cgroup that could not be listed, or past the set's room */
	int uncovered;	/* devices in namespaces not covered: not listed */
	int list_error; /* the first listing error (-errno) */
	int failed;	/* programs whose fexit failed */
	int skipped;	/* programs passed over, for a reason worth saying */
	struct reason_count reasons[REASONS_MAX];
	int reason_count;
};

/* 1 when key was added, 0 when it was there, -1 when the set has no room left. */
static int seen_add(struct seen_set *s, __u64 key)
{
	unsigned int i = hash64(key) & (SEEN_SLOTS - 1);

	while (s->keys[i]) {
		if (s->keys[i] == key)
			return 0;
		i = (i + 1) & (SEEN_SLOTS - 1);
	}
	if (s->count >= SEEN_FULL)
		return -1;
	s->keys[i] = key;
	s->count++;
	return 1;
}

static void reason_note(struct prog_watch *w, const char *reason)
{
	for (int i = 0; i < w->reason_count; i++) {
		if (!strcmp(w->reasons[i].reason, reason)) {
			w->reasons[i].count++;
			return;
		}
	}
	if (w->reason_count == REASONS_MAX)
		return;
	snprintf(w->reasons[w->reason_count].reason, sizeof(w->reasons[0].reason), "%s", reason);
	w->reasons[w->reason_count++].count = 1;
}

static void watch_one(struct prog_watch *w, const struct attached_prog *p)
{
	int ret = prog_fexit__attach(w->pf, p);
	const char *why = prog_fexit__reason(w->pf);

	if (ret > 0) {
		w->watched_at_start += !w->started;
		return;
	}
	/* A program on several devices or both paths is met again and again, hoptrace's own
	 * cgroup program at every walk: not worth a word. */
	if (!ret && !why[0])
		return;
	if (ret < 0)
		w->failed++;
	else
		w->skipped++;
	reason_note(w, why);
}

static void watch_listed(void *ctx, const struct attached_prog *p)
{
	watch_one(ctx, p);
}

static void list_error(struct prog_watch *w, int err)
{
	w->not_listed++;
	if (!w->list_error)
		w->list_error = err;
}

/* The programs on both paths of a device. */
static void watch_device(struct prog_watch *w, const char *netns_path, __u32 ifindex)
{
	struct attached_prog progs[ATTACHED_MAX];

	w->devices_listed++;
	for (int in = 1; in >= 0; in--) {
		int n = attached__device(netns_path, ifindex, in, progs, ATTACHED_MAX);

		if (n < 0) {
			list_error(w, n);
			return;
		}
		for (int i = 0; i < n; i++)
			watch_one(w, &progs[i]);
	}
}

struct device_list {
	__u32 ifindex[DEVICES_MAX];
	int count;
};

/* Runs inside the namespace: its devices' indexes. */
static int list_devices(void *ctx)
{
	struct device_list *list = ctx;
	struct if_nameindex *all = if_nameindex(), *d;

	if (!all)
		return -errno;
	for (d = all; d->if_index && list->count < DEVICES_MAX; d++)
		list->ifindex[list->count++] = d->if_index;
	if_freenameindex(all);
	return 0;
}

static void watch_netns(struct prog_watch *w, int i)
{
	struct device_list list = { .count = 0 };
	int err = nsenter__run(w->netns_paths[i], list_devices, &list);

	if (err) {
		list_error(w, err);
		return;
	}
	for (int d = 0; d < list.count; d++) {
		int added =
			seen_add(&w->devices, (__u64)w->netns_inodes[i] << 32 | list.ifindex[d]);

		if (added > 0)
			watch_device(w, w->netns_paths[i], list.ifindex[d]);
		else if (added < 0)
			w->not_listed++;
	}
}

/* The socket cgroup's own and inherited programs, both directions. */
static void watch_cgroup(struct prog_watch *w, __u64 cgroup_id)
{
	struct attached_prog progs[ATTACHED_MAX];

	w->cgroups_listed++;
	for (int in = 1; in >= 0; in--) {
		int n = attached__cgroup(w->cgroup2_root, cgroup_id, in, progs, ATTACHED_MAX, NULL,
					 0);

		if (n < 0) {
			list_error(w, n);
			return;
		}
		for (int i = 0; i < n; i++)
			watch_one(w, &progs[i]);
	}
}

struct prog_watch *prog_watch__new(struct prog_fexit *pf, const char *const *netns_paths,
				   int netns_count, const char *cgroup2_root)
{
	struct prog_watch *w = calloc(1, sizeof(*w));
	struct stat st;

	if (!w) {
		prog_fexit__free(pf);
		return NULL;
	}
	w->pf = pf;
	snprintf(w->cgroup2_root, sizeof(w->cgroup2_root), "%s", cgroup2_root ? cgroup2_root : "");
	for (int i = 0; i < netns_count && w->netns_count < COVERAGE_MAX; i++) {
		if (stat(netns_paths[i], &st))
			continue;
		w->netns_paths[w->netns_count] = strdup(netns_paths[i]);
		if (!w->netns_paths[w->netns_count]) {
			prog_watch__free(w);
			return NULL;
		}
		w->netns_inodes[w->netns_count++] = st.st_ino;
	}
	return w;
}

int prog_watch__start(struct prog_watch *w)
{
	int visited;

	for (int i = 0; i < w->netns_count; i++)
		watch_netns(w, i);
	if (w->cgroup2_root[0]) {
		visited = cgroup_progs__walk(w->cgroup2_root, watch_listed, w);
		if (visited < 0)
			list_error(w, visited);
	}
	w->started = true;
	return 0;
}

static int netns_index(const struct prog_watch *w, __u32 inode)
{
	for (int i = 0; i < w->netns_count; i++)
		if (w->netns_inodes[i] == inode)
			return i;
	return -1;
}

/* A device a traced hop names: listed the first time, if its namespace is covered. */
static void device_seen(struct prog_watch *w, __u32 netns, __u32 ifindex)
{
	int added = seen_add(&w->devices, (__u64)netns << 32 | ifindex), i;

	if (added < 0)
		w->not_listed++;
	if (added <= 0)
		return;
	i = netns_index(w, netns);
	if (i < 0)
		w->uncovered++;
	else
		watch_device(w, w->netns_paths[i], ifindex);
}

void prog_watch__hop(struct prog_watch *w, const struct hop_event *ev)
{
	if (!w || !w->started)
		return;
	if (ev->netns && ev->ifindex)
		device_seen(w, ev->netns, ev->ifindex);
	/* A cgroup program's drop: its socket's cgroup (kfree_skb, reasons BPF_CGROUP_EGRESS
	 * and SOCKET_FILTER only). */
	if (ev->hook == HOOK_KFREE_SKB && ev->info.drop.sk_cgroup && w->cgroup2_root[0]) {
		int added = seen_add(&w->cgroups, ev->info.drop.sk_cgroup);

		if (added > 0)
			watch_cgroup(w, ev->info.drop.sk_cgroup);
		else if (added < 0)
			w->not_listed++;
	}
}

void prog_watch__summary(const struct prog_watch *w, char *buf, size_t size)
{
	int watched = prog_fexit__count(w->pf);

	buf[0] = 0;
	if (!w->started)
		return;
	appendf(buf, size, "%d program%s watched (%d at start); %d device%s, %d cgroup%s listed",
		watched, watched == 1 ? "" : "s", w->watched_at_start, w->devices_listed,
		w->devices_listed == 1 ? "" : "s", w->cgroups_listed,
		w->cgroups_listed == 1 ? "" : "s");
	if (w->uncovered)
		appendf(buf, size, ", %d in namespaces not covered (not listed)", w->uncovered);
	if (w->not_listed)
		appendf(buf, size, "; %d could not be listed (%s)", w->not_listed,
			w->list_error ? strerror(-w->list_error) : "no room left");
	if (w->skipped || w->failed)
		appendf(buf, size, "; %d skipped, %d failed:", w->skipped, w->failed);
	for (int i = 0; i < w->reason_count; i++)
		appendf(buf, size, "%s %s (%d)", i ? "," : "", w->reasons[i].reason,
			w->reasons[i].count);
}

void prog_watch__free(struct prog_watch *w)
{
	if (!w)
		return;
	prog_fexit__free(w->pf);
	for (int i = 0; i < w->netns_count; i++)
		free(w->netns_paths[i]);
	free(w);
}

// SPDX-License-Identifier: GPL-2.0
/* Naming the BPF program or qdisc behind a drop. The kernel's drop reason says which hook
 * dropped (tc ingress, tc egress, generic XDP, a cgroup's inet hook, a qdisc); what runs
 * there is read from the kernel once per device, direction or cgroup for the whole trace,
 * so a flood of drops costs one listing. Where fexit saw the programs return, the one that
 * returned the drop is the culprit; elsewhere the listing is all there is, and the verdict
 * says so. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "host/netns_names.h"
#include "host/own_progs.h"
#include "host/watched_netns.h"
#include "pipeline/bpf_ret.h"
#include "pipeline/timeline.h"
#include "util/clock.h"
#include "pipeline/bpf_blame.h"

#define QDISC_MAX 64
#define TC_H_ROOT_HANDLE 0xffffffffu
/* A busy qdisc drop site is read again at most this often. */
#define QDISC_REREAD_NS 100000000LL

struct device_entry {
	__u32 netns, ifindex;
	bool ingress;
	int count, err;
	struct attached_prog progs[ATTACHED_MAX];
};

struct cgroup_entry {
	__u64 id;
	bool ingress;
	int count, err;
	char path[192];
	struct attached_prog progs[ATTACHED_MAX];
};

/* A namespace's qdiscs as read at some moment. */
struct qdisc_reading {
	__u32 netns, ifindex; /* ifindex 0: every device (the start) */
	long long read_ns;
	bool at_start; /* read when the trace began */
	int count, err;
	struct qdisc_stat q[QDISC_MAX];
};

/* A growing array of separately allocated entries: what the verdicts point at stays put. */
struct entries {
	void **items;
	int count, cap;
};

struct bpf_blame {
	struct netns_names *nn;
	char cgroup2[256];
	struct own_progs own;
	struct entries devices, cgroups, starts, qdisc_now, progs;
};

static int entries__add(struct entries *e, void *item)
{
	if (e->count == e->cap) {
		int cap = e->cap ? e->cap * 2 : 16;
		void **items = realloc(e->items, cap * sizeof(*items));

		if (!items)
			return -ENOMEM;
		e->items = items;
		e->cap = cap;
	}
	e->items[e->count++] = item;
	return 0;
}

static void entries__free(struct entries *e)
{
	for (int i = 0; i < e->count; i++)
		free(e->items[i]);
	free(e->items);
}

static struct qdisc_reading *read_qdiscs(struct bpf_blame *bb, __u32 netns, const char *path,
					 __u32 ifindex)
{
	struct qdisc_reading *r = calloc(1, sizeof(*r));
	char buf[PATH_MAX];

	if (!r)
		return NULL;
	r->netns = netns;
	r->ifindex = ifindex;
	if (!path)
		r->err = bb->nn ? netns_names__path(bb->nn, netns, buf, sizeof(buf)) : -ENOENT;
	if (!r->err) {
		r->count = qdisc_stats__read(path ? path : buf, ifindex, r->q, QDISC_MAX);
		if (r->count < 0) {
			r->err = r->count;
			r->count = 0;
		}
	}
	r->read_ns = clock__mono_ns();
	return r;
}

struct bpf_blame *bpf_blame__new(struct netns_names *nn, const char *cgroup2,
				 const struct coverage *cov, const struct own_progs *own)
{
	struct bpf_blame *bb = calloc(1, sizeof(*bb));

	if (!bb)
		return NULL;
	bb->nn = nn;
	snprintf(bb->cgroup2, sizeof(bb->cgroup2), "%s", cgroup2 ? cgroup2 : "");
	if (own)
		bb->own = *own;
	/* The start of every qdisc's drop counter in the watched namespaces; one netlink dump
	 * each. A namespace that appears later starts when its qdisc drop is first judged. */
	for (int i = 0; cov && i < cov->count; i++) {
		struct qdisc_reading *r = read_qdiscs(bb, cov->inodes[i], cov->paths[i], 0);

		if (r)
			r->at_start = true;
		if (!r || entries__add(&bb->starts, r)) {
			free(r);
			goto fail;
		}
	}
	return bb;
fail:
	bpf_blame__free(bb);
	return NULL;
}

void bpf_blame__free(struct bpf_blame *bb)
{
	if (!bb)
		return;
	entries__free(&bb->devices);
	entries__free(&bb->cgroups);
	entries__free(&bb->starts);
	entries__free(&bb->qdisc_now);
	entries__free(&bb->progs);
	free(bb);
}

/* Drops hoptrace's own programs from a listing (its socket hook sits on the root cgroup,
 * so every cgroup's effective list has it) and counts positions again without them: what
 * the user reads is the order of the programs that are not hoptrace's. */
static int without_own(const struct bpf_blame *bb, struct attached_prog *p, int count)
{
	int n = 0;

	for (int i = 0; i < count; i++)
		if (!own_progs__has(&bb->own, p[i].id, p[i].name))
			p[n++] = p[i];
	for (int i = 0; i < n; i++)
		p[i].position = i && p[i - 1].attach == p[i].attach ? p[i - 1].position + 1 : 1;
	return n;
}

static struct device_entry *device_listing(struct bpf_blame *bb, __u32 netns, __u32 ifindex,
					   bool ingress)
{
	struct device_entry *d;
	char path[PATH_MAX];

	for (int i = 0; i < bb->devices.count; i++) {
		d = bb->devices.items[i];
		if (d->netns == netns && d->ifindex == ifindex && d->ingress == ingress)
			return d;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->netns = netns;
	d->ifindex = ifindex;
	d->ingress = ingress;
	d->err = bb->nn ? netns_names__path(bb->nn, netns, path, sizeof(path)) : -ENOENT;
	if (!d->err) {
		d->count = attached__device(path, ifindex, ingress, d->progs, ATTACHED_MAX);
		if (d->count < 0) {
			d->err = d->count;
			d->count = 0;
		}
		d->count = without_own(bb, d->progs, d->count);
	}
	if (entries__add(&bb->devices, d)) {
		free(d);
		return NULL;
	}
	return d;
}

static struct cgroup_entry *cgroup_listing(struct bpf_blame *bb, __u64 id, bool ingress)
{
	struct cgroup_entry *c;

	for (int i = 0; i < bb->cgroups.count; i++) {
		c = bb->cgroups.items[i];
		if (c->id == id && c->ingress == ingress)
			return c;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->id = id;
	c->ingress = ingress;
	if (!bb->cgroup2[0]) {
		c->err = -ENOENT;
	} else {
		c->count = attached__cgroup(bb->cgroup2, id, ingress, c->progs, ATTACHED_MAX,
					    c->path, sizeof(c->path));
		if (c->count < 0) {
			c->err = c->count;
			c->count = 0;
		}
		c->count = without_own(bb, c->progs, c->count);
	}
	if (entries__add(&bb->cgroups, c)) {
		free(c);
		return NULL;
	}
	return c;
}

/* The program with this id, described once for the trace; attach says where it was seen
 * (0: not known). */
static const struct attached_prog *described(struct bpf_blame *bb, __u32 id,
					     enum hop_bpf_attach attach)
{
	struct attached_prog *p;

	for (int i = 0; i < bb->devices.count; i++) {
		struct device_entry *d = bb->devices.items[i];

		for (int j = 0; j < d->count; j++)
			if (d->progs[j].id == id)
				return &d->progs[j];
	}
	for (int i = 0; i < bb->progs.count; i++) {
		p = bb->progs.items[i];
		if (p->id == id)
			return p->name[0] ? p : NULL;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->id = id;
	p->attach = attach;
	p->position = 1;
	/* A program gone is remembered as such (an empty name): asked once. */
	if (attached__describe(p))
		p->name[0] = 0;
	if (entries__add(&bb->progs, p)) {
		free(p);
		return NULL;
	}
	return p->name[0] ? p : NULL;
}

const struct attached_prog *bpf_blame__prog(struct bpf_blame *bb, __u32 id)
{
	return described(bb, id, 0);
}

static const char *const bpf_reasons[] = { "TC_INGRESS", "TC_EGRESS", "XDP", "BPF_CGROUP_EGRESS",
					   "SOCKET_FILTER" };
static const char *const qdisc_prefixes[] = { "QDISC_", "CAKE_", "FQ_" };

bool bpf_blame__is_bpf_reason(const char *reason)
{
	for (size_t i = 0; reason && i < sizeof(bpf_reasons) / sizeof(bpf_reasons[0]); i++)
		if (!strcmp(reason, bpf_reasons[i]))
			return true;
	return false;
}

const char *bpf_blame__cause(const char *reason, const char *location)
{
	static const char *const xdp_sites[] = { "do_xdp_generic+", "netif_receive_generic_xdp+",
						 "bpf_prog_run_generic_xdp+" };

	if (bpf_blame__is_bpf_reason(reason))
		return reason;
	if (reason && strcmp(reason, "NOT_SPECIFIED"))
		return NULL;
	for (size_t i = 0; location && i < sizeof(xdp_sites) / sizeof(xdp_sites[0]); i++)
		if (!strncmp(location, xdp_sites[i], strlen(xdp_sites[i])))
			return "XDP";
	return NULL;
}

const char *bpf_blame__cause_seen(const struct packet *pkt, const struct hop *drop)
{
	for (const struct hop *h = drop - 1; h >= pkt->hops; h--) {
		enum hop_bpf_attach a = h->ev.info.bpf.attach;

		if (h->ev.skb != drop->ev.skb || h->ev.hook == HOOK_FIB)
			continue;
		if (h->ev.hook != HOOK_BPF_PROG || !bpf_ret__drops(a, h->ev.info.bpf.ret))
			return NULL;
		switch (a) {
		case HOP_BPF_TCX_INGRESS:
		case HOP_BPF_TC_INGRESS:
			return "TC_INGRESS";
		case HOP_BPF_TCX_EGRESS:
		case HOP_BPF_TC_EGRESS:
			return "TC_EGRESS";
		case HOP_BPF_CGROUP_EGRESS:
			return "BPF_CGROUP_EGRESS";
		case HOP_BPF_CGROUP_INGRESS:
			return "SOCKET_FILTER";
		default:
			return NULL;
		}
	}
	return NULL;
}

bool bpf_blame__is_qdisc_reason(const char *reason)
{
	for (size_t i = 0; reason && i < sizeof(qdisc_prefixes) / sizeof(qdisc_prefixes[0]); i++)
		if (!strncmp(reason, qdisc_prefixes[i], strlen(qdisc_prefixes[i])))
			return true;
	return false;
}

int bpf_blame__of_point(const struct verdict_bpf *b, const struct attached_prog *p)
{
	int n = 0;

	for (int i = 0; i < b->prog_count; i++)
		n += b->progs[i].attach == p->attach;
	return n ? n : 1;
}

/* The attach points a reason's drop can come from, for the device or cgroup it names. */
static bool reason_points(const char *reason, bool *ingress, bool *tc, bool *xdp, bool *cgroup)
{
	*tc = *xdp = *cgroup = false;
	if (!strcmp(reason, "TC_INGRESS") || !strcmp(reason, "TC_EGRESS")) {
		*tc = true;
		*ingress = !strcmp(reason, "TC_INGRESS");
	} else if (!strcmp(reason, "XDP")) {
		*xdp = *ingress = true;
	} else if (!strcmp(reason, "BPF_CGROUP_EGRESS")) {
		*cgroup = true;
		*ingress = false;
	} else if (!strcmp(reason, "SOCKET_FILTER")) {
		*cgroup = *ingress = true;
	} else {
		return false;
	}
	return true;
}

/* The programs of the listing that the reason's hook runs (tc: tcx and cls_bpf; XDP: the
 * generic XDP one), as a contiguous run: the listing is in run order, XDP first. */
static void pick_range(struct attached_prog *progs, int count, bool xdp, struct verdict_bpf *out)
{
	int first = -1, n = 0;

	for (int i = 0; i < count; i++) {
		bool wanted = xdp ? progs[i].attach == HOP_BPF_XDP_GENERIC :
				    bpf_ret__is_tc(progs[i].attach);

		if (!wanted)
			continue;
		if (first < 0)
			first = i;
		n++;
	}
	out->progs = first < 0 ? NULL : &progs[first];
	out->prog_count = n;
}

/* The last program fexit saw return a drop for the dropped skb, before the drop. */
static const struct hop *fexit_culprit(const struct packet *pkt, const struct hop *drop,
				       bool ingress, bool xdp)
{
	for (const struct hop *h = drop - 1; h >= pkt->hops; h--) {
		const struct hop_event *ev = &h->ev;
		enum hop_bpf_attach a;

		if (ev->hook != HOOK_BPF_PROG || ev->skb != drop->ev.skb)
			continue;
		a = ev->info.bpf.attach;
		if (xdp ? a != HOP_BPF_XDP_GENERIC :
			  (bpf_ret__is_tc(a) || bpf_ret__is_cgroup(a)) &&
				    (a == HOP_BPF_TCX_INGRESS || a == HOP_BPF_TC_INGRESS ||
				     a == HOP_BPF_CGROUP_INGRESS) != ingress)
			continue;
		if (bpf_ret__drops(a, ev->info.bpf.ret))
			return h;
	}
	return NULL;
}

/* The owner the culprit names, or the one every candidate shares. */
static const char *common_owner(const struct verdict_bpf *out)
{
	const char *owner;

	if (out->culprit)
		return out->culprit->owner;
	if (!out->prog_count)
		return NULL;
	owner = out->progs[0].owner;
	for (int i = 1; owner && i < out->prog_count; i++)
		if (!out->progs[i].owner || strcmp(out->progs[i].owner, owner))
			return NULL;
	return owner;
}

bool bpf_blame__judge(struct bpf_blame *bb, const struct packet *pkt, const struct hop *drop,
		      const char *reason, struct verdict_bpf *out)
{
	bool ingress, tc, xdp, cgroup;
	const struct hop *seen;

	memset(out, 0, sizeof(*out));
	if (!bb || !reason || !reason_points(reason, &ingress, &tc, &xdp, &cgroup))
		return false;
	out->attach = cgroup  ? (ingress ? HOP_BPF_CGROUP_INGRESS : HOP_BPF_CGROUP_EGRESS) :
		      xdp     ? HOP_BPF_XDP_GENERIC :
		      ingress ? HOP_BPF_TC_INGRESS :
				HOP_BPF_TC_EGRESS;
	if (cgroup) {
		__u64 id = drop->ev.info.drop.sk_cgroup;
		struct cgroup_entry *c = id ? cgroup_listing(bb, id, ingress) : NULL;

		if (!id) {
			out->err = -ENOENT;
		} else if (!c) {
			out->err = -ENOMEM;
		} else {
			out->progs = c->progs;
			out->prog_count = c->count;
			out->err = c->err;
			snprintf(out->cgroup, sizeof(out->cgroup), "%s", c->path);
		}
	} else {
		struct device_entry *d =
			drop->ev.ifindex ?
				device_listing(bb, drop->ev.netns, drop->ev.ifindex, ingress) :
				NULL;

		if (!d) {
			out->err = drop->ev.ifindex ? -ENOMEM : -ENODEV;
		} else {
			pick_range(d->progs, d->count, xdp, out);
			out->err = d->err;
		}
	}
	seen = fexit_culprit(pkt, drop, ingress, xdp);
	if (seen) {
		out->how = "fexit";
		out->ret = seen->ev.info.bpf.ret;
		out->culprit_id = seen->ev.info.bpf.prog_id;
		out->attach = seen->ev.info.bpf.attach;
		out->culprit = described(bb, out->culprit_id, out->attach);
		for (int i = 0; i < out->prog_count; i++)
			if (out->progs[i].id == out->culprit_id)
				out->culprit = &out->progs[i];
	} else if (out->prog_count == 1) {
		out->how = "only_program";
		out->culprit = &out->progs[0];
	} else {
		out->how = out->prog_count ? "candidates" : "none";
	}
	if (!seen && out->culprit)
		out->attach = out->culprit->attach;
	else if (!seen && out->prog_count)
		out->attach = out->progs[0].attach;
	out->owner = common_owner(out);
	return true;
}

/* The first reading of a qdisc (at the start, or when its device was first judged), or
 * NULL when there is none; *reading says which. */
static const struct qdisc_stat *start_of(const struct bpf_blame *bb, __u32 netns,
					 const struct qdisc_stat *q,
					 const struct qdisc_reading **reading)
{
	for (int i = 0; i < bb->starts.count; i++) {
		const struct qdisc_reading *r = bb->starts.items[i];

		if (r->netns != netns)
			continue;
		for (int j = 0; j < r->count; j++)
			if (r->q[j].ifindex == q->ifindex && r->q[j].handle == q->handle &&
			    r->q[j].parent == q->parent && !strcmp(r->q[j].kind, q->kind)) {
				*reading = r;
				return &r->q[j];
			}
	}
	return NULL;
}

/* The device's qdiscs now, read again when the last reading is older than
 * QDISC_REREAD_NS; the first reading of a device not watched from the start is also its
 * start. */
static struct qdisc_reading *qdiscs_now(struct bpf_blame *bb, __u32 netns, __u32 ifindex)
{
	struct qdisc_reading *r = NULL, *fresh;
	int slot = -1;

	for (int i = 0; i < bb->qdisc_now.count; i++) {
		r = bb->qdisc_now.items[i];
		if (r->netns == netns && r->ifindex == ifindex) {
			slot = i;
			break;
		}
	}
	if (slot >= 0 && clock__mono_ns() - r->read_ns < QDISC_REREAD_NS)
		return r;
	fresh = read_qdiscs(bb, netns, NULL, ifindex);
	if (!fresh)
		return slot >= 0 ? r : NULL;
	if (slot >= 0) {
		/* The verdicts judged before have copied what they needed. */
		free(r);
		bb->qdisc_now.items[slot] = fresh;
		return fresh;
	}
	if (entries__add(&bb->qdisc_now, fresh)) {
		free(fresh);
		return NULL;
	}
	/* Not watched from the start: this first reading is its start. */
	if (!fresh->err) {
		struct qdisc_reading *start = malloc(sizeof(*start));

		if (start) {
			*start = *fresh;
			start->at_start = false;
			if (entries__add(&bb->starts, start))
				free(start);
		}
	}
	return fresh;
}

bool bpf_blame__qdisc(struct bpf_blame *bb, const struct hop *drop, struct verdict_qdisc *out)
{
	const struct hop_event *ev = &drop->ev;
	const struct qdisc_stat *best = NULL, *only = NULL;
	const struct qdisc_reading *best_start = NULL;
	struct qdisc_reading *now;
	__u64 best_rise = 0;
	int droppers = 0;

	memset(out, 0, sizeof(*out));
	if (!bb || !ev->ifindex)
		return false;
	now = qdiscs_now(bb, ev->netns, ev->ifindex);
	if (!now || now->err) {
		out->err = now ? now->err : -ENOMEM;
		return false;
	}
	for (int i = 0; i < now->count; i++) {
		const struct qdisc_reading *reading = NULL;
		const struct qdisc_stat *q = &now->q[i],
					*start = start_of(bb, ev->netns, q, &reading);
		__u64 rise = start && q->drops >= start->drops ? q->drops - start->drops : 0;
		bool leaf = q->parent != TC_H_ROOT_HANDLE;

		if (strcmp(q->kind, "noqueue")) {
			droppers++;
			only = q;
		}
		if (!rise)
			continue;
		/* A classful root counts its children's drops too: the leaf that rose is the
		 * one that dropped. */
		if (!best || (leaf && best->parent == TC_H_ROOT_HANDLE) ||
		    (leaf == (best->parent != TC_H_ROOT_HANDLE) && rise > best_rise)) {
			best = q;
			best_rise = rise;
			best_start = reading;
		}
	}
	if (best) {
		out->q = *best;
		out->drops_rise = best_rise;
		out->rise_since = best_start && best_start->at_start ? "start" : "first_read";
		return true;
	}
	/* Read for the first time at this drop: no rise yet, but a device with one queue
	 * that can drop has only one culprit. */
	if (droppers == 1) {
		out->q = *only;
		out->rise_since = "unknown";
		return true;
	}
	return false;
}

// SPDX-License-Identifier: GPL-2.0
/* The roadmap in order, for the pod and, when this node holds it too, the peer: each side's
 * node is checked on the way out and on the way back (reverse-path filtering looks at the
 * traffic that arrives from the other side). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check/check.h"
#include "check/check_layers.h"
#include "check/check_side.h"

void check__add(struct check_report *r, const char *layer, const char *item, const char *where,
		enum check_status status, const char *fmt, ...)
{
	struct check_line *l;
	va_list ap;

	if (r->count >= CHECK_MAX_LINES)
		return;
	l = &r->lines[r->count++];
	l->layer = layer;
	l->item = item;
	snprintf(l->where, sizeof(l->where), "%s", where && *where ? where : "-");
	l->status = status;
	va_start(ap, fmt);
	vsnprintf(l->fact, sizeof(l->fact), fmt, ap);
	va_end(ap);
}

void check__saw_conntrack_refuse(struct check_report *r, unsigned int netns, const char *where,
				 const char *fmt, ...)
{
	struct check_line *l = NULL;
	va_list ap;

	for (int i = 0; i < r->count && !l; i++)
		if (!strcmp(r->lines[i].item, "conntrack") &&
		    (netns ? r->lines[i].netns == netns :
			     where && !strcmp(r->lines[i].where, where)))
			l = &r->lines[i];
	if (l && l->status == CHECK_FAIL)
		return; /* the check saw it already */
	if (!l) {
		if (r->count >= CHECK_MAX_LINES)
			return;
		check__add(r, "kernel", "conntrack", where, CHECK_FAIL, "-");
		l = &r->lines[r->count - 1];
		l->netns = netns;
	}
	l->status = CHECK_FAIL;
	va_start(ap, fmt);
	vsnprintf(l->fact, sizeof(l->fact), fmt, ap);
	va_end(ap);
}

/* One side's node: outward layers towards `to`, then the kernel's. other: the other side
 * when this node holds it too; compare_vni: say a VNI mismatch here (once, on the pod's
 * side). */
static void check_node(struct check_report *r, struct check_side *s, const char *to,
		       struct check_side *other, bool compare_vni)
{
	check_layers__pod(r, s, to);
	if (s->node_path[0])
		check_layers__service_read(s, to);
	check_layers__pod_to_pod(r, s, to);
	if (!s->node_path[0])
		return;
	check_layers__service(r, s, to);
	check_layers__overlay(r, s, compare_vni ? other : NULL);
	check_layers__conntrack(r, s);
	check_layers__bridge_nf(r, s);
	if (other && other->pod_path[0])
		check_layers__rp_filter(r, s, other);
}

int check__run(struct check_report *r, const char *pod_addr, const char *peer_addr)
{
	if (check_side__find(&r->pod, pod_addr)) {
		fprintf(stderr,
			"hoptrace check: invalid --pod-ip '%s' (one IPv4 or IPv6 address)\n",
			pod_addr);
		return -1;
	}
	if (peer_addr && check_side__find(&r->peer, peer_addr)) {
		fprintf(stderr, "hoptrace check: invalid --peer '%s' (one IPv4 or IPv6 address)\n",
			peer_addr);
		return -1;
	}
	r->has_peer = peer_addr != NULL;
	r->peer_local = r->has_peer && r->peer.pod_path[0];
	/* The peer's node first finds its tunnel, so that each side can compare VNIs. */
	if (r->peer_local) {
		struct check_report scratch = { 0 };

		check_layers__pod_to_pod(&scratch, &r->peer, pod_addr);
	}
	check_node(r, &r->pod, peer_addr, r->peer_local ? &r->peer : NULL, true);
	if (r->peer_local) {
		r->peer.tunnel_dev[0] = 0;
		check_node(r, &r->peer, pod_addr, &r->pod, false);
	}
	return 0;
}

int check__count(const struct check_report *r, enum check_status status)
{
	int n = 0;

	for (int i = 0; i < r->count; i++)
		n += r->lines[i].status == status;
	return n;
}

const char *check__status_name(enum check_status s)
{
	return s == CHECK_FAIL ? "fail" : s == CHECK_WARN ? "warn" : "ok";
}

/* Whether location ("fn+0x7d [mod]") is in function fn, or in a compiler's clone of it
 * ("fn.constprop.0+0x1ab"). */
static bool location_is(const char *location, const char *fn)
{
	size_t n = strlen(fn);

	return location && !strncmp(location, fn, n) &&
	       (location[n] == '+' || location[n] == '.' || !location[n]);
}

const struct check_line *check__explains(const struct check_report *r, const char *reason,
					 const char *location, bool ct_refused)
{
	static const struct {
		const char *reason;
		const char *item;
	} explains[] = {
		{ "IP_INNOROUTES", "route_to_peer" },
		{ "IP_OUTNOROUTES", "route_to_peer" },
		{ "PKT_TOO_BIG", "mtu" },
		{ "IP_RPFILTER", "rp_filter" },
		{ "VXLAN_VNI_NOT_FOUND", "vni" },
		{ "NEIGH_FAILED", "gateway_neighbour" },
	};
	static const struct {
		const char *function;
		const char *item;
	} freed_by[] = {
		{ "ip_error", "route_to_peer" },
		{ "ip_forward", "mtu" },
		{ "vxlan_rcv", "vni" },
		{ "ip_rcv_finish_core", "rp_filter" },
	};
	const char *item = ct_refused ? "conntrack" : NULL;

	for (size_t i = 0; !item && reason && i < sizeof(explains) / sizeof(explains[0]); i++)
		if (!strcmp(explains[i].reason, reason))
			item = explains[i].item;
	for (size_t i = 0; !item && (!reason || !strcmp(reason, "NOT_SPECIFIED")) &&
			   i < sizeof(freed_by) / sizeof(freed_by[0]);
	     i++)
		if (location_is(location, freed_by[i].function))
			item = freed_by[i].item;
	for (int i = 0; item && i < r->count; i++)
		if (r->lines[i].status == CHECK_FAIL && !strcmp(r->lines[i].item, item))
			return &r->lines[i];
	return NULL;
}

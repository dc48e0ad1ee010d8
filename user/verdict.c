// SPDX-License-Identifier: GPL-2.0
/* The verdict of a packet, judged once from its hop views, so that every output says the
 * same thing about where and why it died. */
#include <stdio.h>
#include <string.h>
#include "ctstat.h"
#include "hopview.h"
#include "verdict.h"

/* The drop happened inside a netfilter hook: that hook's view names the table. */
static void judge_netfilter(struct enrich *en, const struct hop_view *views, int count,
			    struct verdict *v)
{
	for (int i = count - 1; i >= 0; i--) {
		const struct hop_view *hv = &views[i];

		if (!hv->nf_dropped)
			continue;
		v->nf = true;
		v->nf_family = hv->nf_family;
		v->nf_hook = hv->nf_hook;
		v->nf_table = hv->nf_range ? hv->nf_range->table : NULL;
		v->nf_priority = hv->nf_range ? hv->nf_range->priority : 0;
		if (!v->nf_table)
			return;
		if (!strcmp(v->nf_table, "conntrack confirm")) {
			v->ct_insert_fail = true;
			v->layer = "kernel";
		} else if (!strcmp(v->nf_table, "conntrack")) {
			v->ct_table_full = en->ct && ctstat__table_full(en->ct, v->netns);
			v->layer = "kernel";
		} else if (!strncmp(v->nf_table, "nat", 3)) {
			v->layer = "service";
		}
		return;
	}
}

void verdict__judge(struct enrich *en, const struct packet *pkt, const struct hop_view *views,
		    int view_count, struct verdict *v)
{
	const struct hop_event *ev;

	memset(v, 0, sizeof(*v));
	v->fate = pkt->fate;
	if (!pkt->hop_count)
		return;
	v->last = &pkt->hops[pkt->hop_count - 1];
	ev = &v->last->ev;
	v->netns = ev->netns;
	v->netns_name = enrich__netns(en, ev->netns);
	if (v->netns_name)
		snprintf(v->netns_label, sizeof(v->netns_label), "%s", v->netns_name);
	else if (ev->netns)
		snprintf(v->netns_label, sizeof(v->netns_label), "netns:%u", ev->netns);
	else
		snprintf(v->netns_label, sizeof(v->netns_label), "-");
	v->ifname = ev->ifname[0] ? ev->ifname : NULL;
	v->layer = enrich__layer(en, ev);
	v->tunnel = view_count > 0 && views[view_count - 1].tunnel;
	if (pkt->fate == FATE_NO_ROUTE) {
		v->route_err = ev->info.fib.err;
		v->route_table = ev->info.fib.table;
		return;
	}
	if (pkt->fate != FATE_DROPPED)
		return;
	v->reason = enrich__reason(en, ev, v->reason_buf, sizeof(v->reason_buf));
	if (!enrich__location(en, ev, v->location, sizeof(v->location)))
		v->location[0] = 0;
	if (v->tunnel || !strcmp(ev->dev_kind, "vxlan") || !strcmp(ev->dev_kind, "geneve") ||
	    (v->reason && (!strncmp(v->reason, "VXLAN_", 6) || !strncmp(v->reason, "TUNNEL", 6))))
		v->layer = "overlay";
	judge_netfilter(en, views, view_count, v);
}

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

void verdict__describe(const struct verdict *v, char *buf, size_t size)
{
	char where[160];
	int n;

	snprintf(where, sizeof(where), "netns %s, dev %s", v->netns_label, or_dash(v->ifname));
	switch (v->fate) {
	case FATE_DELIVERED:
		snprintf(buf, size, "delivered (%s in netns %s)",
			 v->last && v->last->ev.hook == HOOK_SOCK_RECV ? "read by a socket" : "consumed",
			 v->netns_label);
		return;
	case FATE_NO_ROUTE:
		snprintf(buf, size, "NO ROUTE in %s (netns %s): %s in table %u; the send never "
				    "produced a packet",
			 v->layer, v->netns_label,
			 v->route_err == -HOP_EAGAIN ? "no matching route" : "route lookup failed",
			 v->route_table);
		return;
	case FATE_DROPPED:
		break;
	default:
		snprintf(buf, size, "unknown: not freed while traced (last seen in netns %s)",
			 v->netns_label);
		return;
	}
	n = snprintf(buf, size, "DROPPED in %s (%s): %s at %s", v->layer, where,
		     v->reason ? v->reason : "reason unknown", v->location[0] ? v->location : "?");
	if (v->nf && n > 0 && (size_t)n < size)
		n += snprintf(buf + n, size - n, "; netfilter %s %s, table %s (priority %d)",
			      v->nf_family, v->nf_hook, or_dash(v->nf_table), v->nf_priority);
	if (v->ct_insert_fail && n > 0 && (size_t)n < size)
		n += snprintf(buf + n, size - n, "; ct_insert_fail: conntrack refused the entry");
	if (v->ct_table_full && n > 0 && (size_t)n < size)
		snprintf(buf + n, size - n, "; conntrack table full");
}

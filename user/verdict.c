// SPDX-License-Identifier: GPL-2.0
/* The verdict of a packet, judged once from its hops, so that every output says the same
 * thing about where and why it died. */
#include <string.h>
#include "verdict.h"

void verdict__judge(struct enrich *en, const struct packet *pkt, struct verdict *v)
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
	v->ifname = ev->ifname[0] ? ev->ifname : NULL;
	v->layer = enrich__layer(en, ev);
	if (pkt->fate != FATE_DROPPED)
		return;
	v->reason = enrich__reason(en, ev, v->reason_buf, sizeof(v->reason_buf));
	if (!enrich__location(en, ev, v->location, sizeof(v->location)))
		v->location[0] = 0;
}

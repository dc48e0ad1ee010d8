/* SPDX-License-Identifier: GPL-2.0 */
/* A finished packet, judged once: its hop views and its verdict. The session judges each
 * packet when its life ends and hands the result to every sink and to the demo's observer;
 * none of them judges again or asks the host anything. */
#ifndef PIPELINE_JUDGE_H
#define PIPELINE_JUDGE_H

#include "pipeline/hopview.h"
#include "pipeline/timeline.h"
#include "pipeline/verdict.h"

struct judged_packet {
	const struct packet *pkt;
	struct rule_hit *hits; /* the rules it met (nf_rule views point here) */
	int hit_count;
	struct hop_view *views; /* the hops as a person reads them, synthetic ones included */
	int view_count;
	struct verdict verdict; /* points into pkt and views */
};

/* Builds pkt's views and judges it. Returns 0, or -ENOMEM (jp is then empty). */
int judged_packet__build(struct enrich *en, const struct packet *pkt, struct judged_packet *jp);

/* Frees what build allocated; pkt itself belongs to the timeline. */
void judged_packet__release(struct judged_packet *jp);

#endif /* PIPELINE_JUDGE_H */

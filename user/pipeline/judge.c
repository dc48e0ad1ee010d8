// SPDX-License-Identifier: GPL-2.0
/* The one place where a packet becomes views and a verdict. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "pipeline/judge.h"

int judged_packet__build(struct enrich *en, const struct packet *pkt, struct judged_packet *jp)
{
	memset(jp, 0, sizeof(*jp));
	jp->pkt = pkt;
	if (en->rules) {
		jp->hit_count = rule_trail__collect(en->rules, pkt, &jp->hits);
		if (jp->hit_count < 0) {
			jp->hit_count = 0;
			return -ENOMEM;
		}
	}
	jp->view_count = hopview__build_with_rules(en, pkt, jp->hits, jp->hit_count, &jp->views);
	if (jp->view_count < 0) {
		jp->view_count = 0;
		free(jp->hits);
		jp->hits = NULL;
		return -ENOMEM;
	}
	verdict__judge(en, pkt, jp->views, jp->view_count, &jp->verdict);
	return 0;
}

void judged_packet__release(struct judged_packet *jp)
{
	free(jp->views);
	free(jp->hits);
	memset(jp, 0, sizeof(*jp));
}

/* SPDX-License-Identifier: GPL-2.0 */
/* Words of the merged timeline shared by its text, JSON and pcapng forms. */
#ifndef MERGE_MERGE_TEXT_H
#define MERGE_MERGE_TEXT_H

#include <stddef.h>
#include <cjson/cJSON.h>

struct merge_set;
struct merge_input;
struct merge_packet;
struct merge_part;

/* What the hop object says beyond its place: netfilter, drop, NAT, tunnel, route lookup,
 * rule, BPF program. */
void merge_text__details(const cJSON *hop, char *buf, size_t size);

/* How the input's clock was put on the reference clock, in words. */
void merge_text__clock(const struct merge_set *set, const struct merge_input *in, char *buf,
		       size_t size);

/* The hop object as the merged output has it (node, merged packet id, corrected time), as
 * compact JSON text to free; NULL on allocation failure. */
char *merge_json__hop(const struct merge_set *set, const struct merge_packet *mp,
		      const struct merge_part *p, int hop);

/* The merged packet object, as compact JSON text to free. */
char *merge_json__packet(const struct merge_set *set, const struct merge_packet *mp);

/* The node objects and the summary, one JSON Lines record each, as text to free. */
char *merge_json__trailer(const struct merge_set *set);

#endif /* MERGE_MERGE_TEXT_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* Judging a finished packet's fate across its copies. */
#ifndef PIPELINE_PACKET_FATE_H
#define PIPELINE_PACKET_FATE_H

#include "pipeline/timeline.h"

/* The fate of p from the ends of its copies: delivered if any copy was delivered (consumed,
 * read by a socket, or freed after its socket processed it, as judge says), else dropped if
 * one was, else what the caller saw (seen). A packet socket's copy decides nothing. Marks
 * the frees that did not decide it as notes, and sets p->fate_hop. */
enum fate packet_fate__judge(struct packet *p, enum fate seen, free_judge_fn judge, void *ctx);

#endif /* PIPELINE_PACKET_FATE_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* Frees the kernel calls drops but that end a packet a socket has processed: TCP frees a
 * segment it acted on (a pure ACK in CLOSE_WAIT, a segment answered by a TIME_WAIT socket)
 * through kfree_skb with NOT_SPECIFIED. docs/output.md states the rule. */
#ifndef PROCESSED_H
#define PROCESSED_H

#include <stdbool.h>
#include "pipeline/enrich.h"
#include "pipeline/timeline.h"

/* Whether the kfree_skb hop ev freed a segment TCP had processed: its reason, the function
 * that freed it, and the receiving socket the kernel named (and its state) all say so. */
bool processed__tcp_free(const struct enrich *en, const struct hop_event *ev);

/* Whether the kfree_skb hop ev is a socket letting go, unread, of what it took: its queue
 * purged when it closed (QUEUE_PURGE, SOCKET_CLOSE). */
bool processed__released_by_socket(const struct enrich *en, const struct hop_event *ev);

/* Both, as a timeline free_judge_fn (ctx: the struct enrich); taken_by is the socket's
 * earlier hop of the same skb. */
enum hop_note processed__judge(void *ctx, const struct hop_event *ev,
			       const struct hop_event *taken_by);

#endif /* PROCESSED_H */

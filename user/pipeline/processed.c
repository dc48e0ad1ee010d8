// SPDX-License-Identifier: GPL-2.0
/* Telling a segment TCP processed and then freed as NOT_SPECIFIED from a drop. The facts,
 * all from the kernel: the reason, the freeing function (kallsyms) and the socket the
 * kfree_skb tracepoint names as receiving it (rx_sk, 6.11+) with its TCP state. Read in the
 * kernel source (net/ipv4/tcp_input.c, tcp_ipv4.c, tcp_ipv6.c):
 *   - tcp_rcv_state_process() sets NOT_SPECIFIED only after tcp_ack() accepted the
 *     segment (step 5); every earlier discard names its own reason. It then frees, through
 *     tcp_drop_reason(sk, ...), what it did not queue: a pure ACK in CLOSE_WAIT, CLOSING or
 *     LAST_ACK, or one the ACK processing finished with.
 *   - tcp_v4_rcv()/tcp_v6_rcv() free, at discard_it with NOT_SPECIFIED and the time-wait
 *     socket as rx_sk, each segment tcp_timewait_state_process() answered (an ACK of a
 *     retransmitted FIN) or accepted. Their other NOT_SPECIFIED discards (a truncated
 *     header) come before any socket is looked up: rx_sk is NULL there.
 * Without rx_sk (kernels before 6.11) nothing is inferred: the free stays a drop. */
#include <string.h>
#include "pipeline/processed.h"

/* TCP states (include/net/tcp_states.h) of a connection that exists on both ends. */
enum {
	TCP_ESTABLISHED = 1,
	TCP_FIN_WAIT1 = 4,
	TCP_FIN_WAIT2 = 5,
	TCP_TIME_WAIT = 6,
	TCP_CLOSE_WAIT = 8,
	TCP_LAST_ACK = 9,
	TCP_CLOSING = 11,
};

#define IPPROTO_TCP_NUM 6

static bool synchronized_state(__u8 state)
{
	switch (state) {
	case TCP_ESTABLISHED:
	case TCP_FIN_WAIT1:
	case TCP_FIN_WAIT2:
	case TCP_TIME_WAIT:
	case TCP_CLOSE_WAIT:
	case TCP_LAST_ACK:
	case TCP_CLOSING:
		return true;
	default:
		return false;
	}
}

/* The function part of "symbol+0xoff" equals name. */
static bool in_function(const char *loc, const char *name)
{
	size_t n = strlen(name);

	return loc && !strncmp(loc, name, n) && (loc[n] == '+' || loc[n] == 0);
}

bool processed__tcp_free(const struct enrich *en, const struct hop_event *ev)
{
	char reason_buf[96], loc_buf[128];
	const char *reason, *loc;
	bool tw;

	if (ev->hook != HOOK_KFREE_SKB || !(ev->flags & HOP_F_SOCK))
		return false;
	tw = ev->sk_state == TCP_TIME_WAIT;
	/* A time-wait socket is TCP's by construction; a full socket says so itself. */
	if (!synchronized_state(ev->sk_state) || (!tw && ev->sk_proto != IPPROTO_TCP_NUM))
		return false;
	reason = enrich__reason(en, ev, reason_buf, sizeof(reason_buf));
	if (!reason || strcmp(reason, "NOT_SPECIFIED"))
		return false;
	loc = enrich__location(en, ev, loc_buf, sizeof(loc_buf));
	if (in_function(loc, "tcp_rcv_state_process"))
		return true;
	return tw && (in_function(loc, "tcp_v4_rcv") || in_function(loc, "tcp_v6_rcv"));
}

/* A socket that closes drops what it took and did not read (its receive queue, a FIN that
 * was never read): the network delivered those. Any other reason after the socket took it
 * (a full receive buffer, memory pressure, TCP's own checks) is the socket refusing it. */
bool processed__released_by_socket(const struct enrich *en, const struct hop_event *ev)
{
	char reason_buf[96];
	const char *reason = enrich__reason(en, ev, reason_buf, sizeof(reason_buf));

	return reason && (!strcmp(reason, "QUEUE_PURGE") || !strcmp(reason, "SOCKET_CLOSE"));
}

enum hop_note processed__judge(void *ctx, const struct hop_event *ev,
			       const struct hop_event *taken_by)
{
	if (processed__tcp_free(ctx, ev))
		return HOP_NOTE_PROCESSED;
	if (taken_by && processed__released_by_socket(ctx, ev))
		return HOP_NOTE_AFTER_SOCKET;
	return HOP_NOTE_NONE;
}

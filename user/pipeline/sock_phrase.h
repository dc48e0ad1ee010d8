/* SPDX-License-Identifier: GPL-2.0 */
/* A drop at a socket (a full receive buffer, a full listen queue, no socket on the port):
 * what the verdict found about the socket, and those facts as words for its line. */
#ifndef PIPELINE_SOCK_PHRASE_H
#define PIPELINE_SOCK_PHRASE_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

struct sock_owner;

enum verdict_sock_kind {
	VERDICT_SOCK_NONE = 0,	/* not a drop at a socket */
	VERDICT_SOCK_NO_SOCKET, /* NO_SOCKET: nothing listens on that port */
	VERDICT_SOCK_BUFFER,	/* SOCKET_RCVBUFF, SOCKET_BACKLOG: the receive buffer was full */
	VERDICT_SOCK_LISTEN,	/* TCP_LISTEN_OVERFLOW: the listener's accept queue was full */
};

struct verdict_socket {
	enum verdict_sock_kind kind;
	/* The kernel named the socket at the drop (kfree_skb's rx_sk, 6.11+, or skb->sk):
	 * inode, limit and fill below are its. */
	bool named;
	__u64 inode;			/* 0: the socket had no file (the kernel's own) */
	const struct sock_owner *owner; /* NULL: no process holds it (any longer) */
	__u32 limit;			/* buffer size in bytes, or the listen queue's maximum */
	__u32 fill;			/* bytes charged to the buffer, or the queue's length */
};

/* "socket of pid 1234 (iperf3) [container 3f2a1b9c...] in pod default/web: receive buffer
 * 212992 bytes, 213760 in use", "no socket on that port". pod: the drop's pod label, or
 * NULL outside a pod. Returns what snprintf returns; nothing (0) for VERDICT_SOCK_NONE. */
int sock_phrase__verdict(const struct verdict_socket *s, const char *pod, char *buf, size_t size);

#endif /* PIPELINE_SOCK_PHRASE_H */

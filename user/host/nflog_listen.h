/* SPDX-License-Identifier: GPL-2.0 */
/* A listener on one nfnetlink_log group of the namespace the calling thread is in (a
 * netlink socket belongs to the namespace it was made in: open it inside nsenter__run). */
#ifndef HOST_NFLOG_LISTEN_H
#define HOST_NFLOG_LISTEN_H

#include <stdbool.h>
#include <linux/types.h>

struct nflog_listen;

/* One logged packet, valid during the callback. */
struct nflog_msg {
	__u8 pf;	     /* NFPROTO_* of the logger that sent it */
	__u8 hook;	     /* NF_INET_*, or 0xff when the message has none */
	__u32 indev, outdev; /* ifindex; 0: none */
	const char *prefix;  /* "" when none */
	const __u8 *payload; /* from the network header on, at most the copy range */
	int payload_len;
};

typedef void (*nflog_msg_fn)(void *ctx, const struct nflog_msg *m);

/* Binds group, copying at most copy_range bytes of each packet, on a non-blocking socket.
 * NULL with errno set: EBUSY or EPERM when another socket has the group. */
struct nflog_listen *nflog_listen__open(__u16 group, unsigned int copy_range);

int nflog_listen__fd(const struct nflog_listen *l);

/* Hands the messages waiting now to fn. Returns how many, or -errno; a full socket buffer
 * (the kernel dropped messages) adds one to *lost and the reading goes on. */
int nflog_listen__read(struct nflog_listen *l, nflog_msg_fn fn, void *ctx, unsigned long *lost);

/* Unbinds the group and closes the socket. NULL is a no-op. */
void nflog_listen__close(struct nflog_listen *l);

#endif /* HOST_NFLOG_LISTEN_H */

// SPDX-License-Identifier: GPL-2.0
/* libnetfilter_log does the framing and the attribute parsing; this reads the socket
 * itself so that it never blocks and sees ENOBUFS. The logger bindings of the families
 * (nflog_bind_pf) are left alone: they are namespace-wide state another program may have
 * set (the caller switches the logger through its sysctl, which it can restore). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <libnetfilter_log/libnetfilter_log.h>
#include "host/nflog_listen.h"

/* Big enough for the kernel's batches (nfnetlink_log fills up to a page-sized skb, or the
 * group's nlbufsiz) several times over. */
#define RECV_BUF (64 * 1024)
/* A burst of traced packets must not overflow between two reads. */
#define SOCK_RCVBUF (4 * 1024 * 1024)
/* One message per batch: each decision is sent while its packet is still in the hook,
 * before the packet's drop or next hop is reported, so judging the packet finds it. The
 * timeout only bounds a batch the threshold did not end. */
#define QUEUE_THRESHOLD 1
#define FLUSH_TIMEOUT 5
/* Bounds one read call: with packets arriving faster than they are read, the caller's loop
 * still gets its turn (the descriptor stays readable). */
#define MAX_RECVS 256

struct nflog_listen {
	struct nflog_handle *h;
	struct nflog_g_handle *gh;
	nflog_msg_fn fn;
	void *ctx;
	int count;
	char buf[RECV_BUF];
};

static int on_message(struct nflog_g_handle *gh, struct nfgenmsg *nfmsg, struct nflog_data *nfd,
		      void *data)
{
	struct nflog_listen *l = data;
	struct nfulnl_msg_packet_hdr *ph = nflog_get_msg_packet_hdr(nfd);
	const char *prefix = nflog_get_prefix(nfd);
	char *payload = NULL;
	int len = nflog_get_payload(nfd, &payload);
	struct nflog_msg m = {
		.pf = nfmsg->nfgen_family,
		.hook = ph ? ph->hook : 0xff,
		.indev = nflog_get_indev(nfd),
		.outdev = nflog_get_outdev(nfd),
		.prefix = prefix ? prefix : "",
		.payload = (const __u8 *)payload,
		.payload_len = len > 0 && payload ? len : 0,
	};

	(void)gh;
	l->fn(l->ctx, &m);
	l->count++;
	return 0;
}

static void enlarge_rcvbuf(int fd)
{
	int size = SOCK_RCVBUF;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

struct nflog_listen *nflog_listen__open(__u16 group, unsigned int copy_range)
{
	struct nflog_listen *l = calloc(1, sizeof(*l));
	int fd, err;

	if (!l)
		return NULL;
	l->h = nflog_open();
	if (!l->h)
		goto fail;
	l->gh = nflog_bind_group(l->h, group);
	if (!l->gh)
		goto fail;
	if (nflog_set_mode(l->gh, NFULNL_COPY_PACKET, copy_range) < 0 ||
	    nflog_set_qthresh(l->gh, QUEUE_THRESHOLD) < 0 ||
	    nflog_set_timeout(l->gh, FLUSH_TIMEOUT) < 0 ||
	    nflog_callback_register(l->gh, on_message, l) < 0)
		goto fail;
	fd = nflog_fd(l->h);
	enlarge_rcvbuf(fd);
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		goto fail;
	return l;
fail:
	err = errno ? errno : EIO;
	nflog_listen__close(l);
	errno = err;
	return NULL;
}

int nflog_listen__fd(const struct nflog_listen *l)
{
	return nflog_fd(l->h);
}

int nflog_listen__read(struct nflog_listen *l, nflog_msg_fn fn, void *ctx, unsigned long *lost)
{
	l->fn = fn;
	l->ctx = ctx;
	l->count = 0;
	for (int i = 0; i < MAX_RECVS; i++) {
		ssize_t n = recv(nflog_fd(l->h), l->buf, sizeof(l->buf), MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				++*lost;
				continue;
			}
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			return -errno;
		}
		/* An error message of the kernel (a bad config request) is no packet: skip it. */
		nflog_handle_packet(l->h, l->buf, (int)n);
	}
	return l->count;
}

void nflog_listen__close(struct nflog_listen *l)
{
	if (!l)
		return;
	if (l->gh)
		nflog_unbind_group(l->gh);
	if (l->h)
		nflog_close(l->h);
	free(l);
}

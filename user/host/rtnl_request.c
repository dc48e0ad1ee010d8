// SPDX-License-Identifier: GPL-2.0
/* A netlink socket per request: the socket belongs to the namespace it was made in, and
 * the readers are called inside the namespace they read (host/nsenter.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include "host/rtnl_request.h"

/* Large enough for one message of any dump here (a link with every attribute), so none is
 * cut short. */
#define RECV_BUF (64 * 1024)

static int receive_replies(struct mnl_socket *nl, __u32 seq, bool dump, mnl_cb_t cb, void *data)
{
	char *buf = malloc(RECV_BUF);
	__u32 portid = mnl_socket_get_portid(nl);
	int ret = MNL_CB_OK;

	if (!buf)
		return -ENOMEM;
	while (ret > MNL_CB_STOP) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, RECV_BUF);

		if (n < 0) {
			ret = errno == EAGAIN ? -ETIMEDOUT : -errno;
			break;
		}
		ret = mnl_cb_run(buf, n, seq, portid, cb, data);
		if (ret < 0)
			ret = -errno;
		else if (!dump)
			break; /* a get is answered by one message */
	}
	free(buf);
	return ret < 0 ? ret : 0;
}

int rtnl_request__run(struct nlmsghdr *req, mnl_cb_t cb, void *data)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	struct timeval timeout = { .tv_sec = 1 };
	int err;

	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID)) {
		err = -errno;
		goto out;
	}
	/* A dump never waits on anything but the kernel: a second is a broken socket. */
	setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
	req->nlmsg_seq = time(NULL);
	if (mnl_socket_sendto(nl, req, req->nlmsg_len) < 0) {
		err = -errno;
		goto out;
	}
	err = receive_replies(nl, req->nlmsg_seq, (req->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP, cb,
			      data);
out:
	mnl_socket_close(nl);
	return err;
}

/* SPDX-License-Identifier: GPL-2.0 */
/* One rtnetlink request (a dump or a single get) on a socket of the current network
 * namespace, each reply message handed to a libmnl callback: the device, filter and qdisc
 * readers share it. */
#ifndef HOST_RTNL_REQUEST_H
#define HOST_RTNL_REQUEST_H

#include <libmnl/libmnl.h>

/* Sends req (its header made with mnl_nlmsg_put_header; the sequence number is set here)
 * on a new NETLINK_ROUTE socket and runs cb on every reply until the dump is done or, for
 * a request without NLM_F_DUMP, the reply came. Returns 0, or -errno (the kernel's error
 * for the request, or -ETIMEDOUT after a second without an answer). */
int rtnl_request__run(struct nlmsghdr *req, mnl_cb_t cb, void *data);

#endif /* HOST_RTNL_REQUEST_H */

// SPDX-License-Identifier: GPL-2.0
/* The words for a drop at a socket: whose socket, and what of it was full. */
#include <stdio.h>
#include "host/sock_owner.h"
#include "pipeline/sock_phrase.h"

/* The container id is long: its first digits name it, as runtimes' listings do. */
#define CONTAINER_ID_SHOWN 8

/* "socket of pid 1234 (iperf3) [container 3f2a1b9c...] in pod default/web", or what is
 * known of it when no process was found. */
static int whose(const struct verdict_socket *s, const char *pod, char *buf, size_t size)
{
	const struct sock_owner *o = s->owner;
	char in_pod[300] = "";

	if (pod)
		snprintf(in_pod, sizeof(in_pod), " in pod %s", pod);
	if (!s->named)
		return snprintf(buf, size, "socket%s not named by this kernel (6.11+ names it)",
				in_pod);
	if (!o && !s->inode)
		return snprintf(buf, size, "socket%s without a file (the kernel's own)", in_pod);
	if (!o)
		return snprintf(buf, size, "socket (inode %llu, held by no process now)%s",
				(unsigned long long)s->inode, in_pod);
	if (o->container_id[0])
		return snprintf(buf, size, "socket of pid %d (%s) [container %.*s...]%s", o->pid,
				o->comm, CONTAINER_ID_SHOWN, o->container_id, in_pod);
	return snprintf(buf, size, "socket of pid %d (%s)%s", o->pid, o->comm, in_pod);
}

int sock_phrase__verdict(const struct verdict_socket *s, const char *pod, char *buf, size_t size)
{
	int n;

	switch (s->kind) {
	case VERDICT_SOCK_NO_SOCKET:
		return snprintf(buf, size, "no socket on that port");
	case VERDICT_SOCK_BUFFER:
	case VERDICT_SOCK_LISTEN:
		break;
	default:
		if (size)
			buf[0] = 0;
		return 0;
	}
	n = whose(s, pod, buf, size);
	if (!s->named || n < 0 || (size_t)n >= size)
		return n;
	if (s->kind == VERDICT_SOCK_BUFFER)
		return n + snprintf(buf + n, size - n, ": receive buffer %u bytes, %u in use",
				    s->limit, s->fill);
	return n + snprintf(buf + n, size - n, ": listen queue full, %u waiting of at most %u",
			    s->fill, s->limit);
}

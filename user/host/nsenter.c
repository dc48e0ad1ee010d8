// SPDX-License-Identifier: GPL-2.0
/* One enter-run-return for every module that works per namespace (netfilter links, pod
 * discovery, conntrack counters, the hook dump). Sockets made inside stay in that
 * namespace; the process itself always comes back. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <unistd.h>
#include "host/nsenter.h"

int nsenter__run(const char *netns_path, int (*fn)(void *ctx), void *ctx)
{
	int home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	int fd = open(netns_path, O_RDONLY | O_CLOEXEC);
	int ret;

	if (home < 0 || fd < 0 || setns(fd, CLONE_NEWNET)) {
		ret = -errno;
		goto out;
	}
	ret = fn(ctx);
	if (setns(home, CLONE_NEWNET)) {
		perror("hoptrace: returning to the initial network namespace");
		ret = -errno;
	}
out:
	if (fd >= 0)
		close(fd);
	if (home >= 0)
		close(home);
	return ret;
}

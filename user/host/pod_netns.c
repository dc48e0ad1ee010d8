// SPDX-License-Identifier: GPL-2.0
/* Pod namespace discovery: enter each network namespace in turn (setns), list its
 * addresses with getifaddrs, and come back. Runs at start-up and when a hop names a
 * namespace not seen before, never per event. */
#define _GNU_SOURCE
#include <errno.h>
#include <ifaddrs.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cli/addr.h"
#include "util/dirwalk.h"
#include "host/nsenter.h"
#include "host/pod_netns.h"

#define PODNS_MAX 4096

struct podns {
	struct hop_cidr pods[HOPTRACE_MAX_CIDRS];
	int pod_count;
	__u32 seen[PODNS_MAX]; /* every namespace inode scanned */
	int seen_count;
	__u32 pod_inodes[PODNS_MAX];
	bool pod_traced[PODNS_MAX]; /* holds a traced address, not only a pod's shape */
	char *pod_paths[PODNS_MAX];
	int pod_inode_count;
	time_t last_scan;
	/* pods[i] has an address on some device of some namespace seen, this one included */
	bool held[HOPTRACE_MAX_CIDRS];
};

static bool seen_has(const struct podns *pn, __u32 inode)
{
	for (int i = 0; i < pn->seen_count; i++)
		if (pn->seen[i] == inode)
			return true;
	return false;
}

/* The device's driver, asked of a socket made inside the namespace (sysfs would show the
 * namespace it was mounted in, not this one). */
static bool driver_is(int fd, const char *ifname, const char *driver);

static bool is_bridge(const char *ifname)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool bridge = fd >= 0 && driver_is(fd, ifname, "bridge");

	if (fd >= 0)
		close(fd);
	return bridge;
}

static bool driver_is(int fd, const char *ifname, const char *driver)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr = {};

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&info;
	return !ioctl(fd, SIOCETHTOOL, &ifr) && !strcmp(info.driver, driver);
}

/* Runs inside the namespace: the shape of a pod is loopback plus one veth (eth0). */
static bool looks_like_pod(void)
{
	struct if_nameindex *names = if_nameindex(), *n;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int others = 0, veths = 0;

	if (names && fd >= 0) {
		for (n = names; n->if_index; n++) {
			if (!strcmp(n->if_name, "lo"))
				continue;
			others++;
			veths += driver_is(fd, n->if_name, "veth");
		}
	}
	if (fd >= 0)
		close(fd);
	if (names)
		if_freenameindex(names);
	return others == 1 && veths == 1;
}

/* Runs inside the namespace: does any non-bridge device hold a pod address? Notes on the
 * way which pod addresses any device here holds. */
static bool holds_pod_address(struct podns *pn)
{
	struct ifaddrs *list, *ifa;
	bool found = false;

	if (getifaddrs(&list))
		return false;
	for (ifa = list; ifa; ifa = ifa->ifa_next) {
		const void *a;
		int family;

		if (!ifa->ifa_addr)
			continue;
		if (ifa->ifa_addr->sa_family == AF_INET) {
			a = &((struct sockaddr_in *)ifa->ifa_addr)->sin_addr;
			family = HOP_AF_INET;
		} else if (ifa->ifa_addr->sa_family == AF_INET6) {
			a = &((struct sockaddr_in6 *)ifa->ifa_addr)->sin6_addr;
			family = HOP_AF_INET6;
		} else {
			continue;
		}
		for (int i = 0; i < pn->pod_count; i++) {
			if (!addr__cidr_contains(&pn->pods[i], family, a))
				continue;
			pn->held[i] = true;
			found = found || !is_bridge(ifa->ifa_name);
		}
	}
	freeifaddrs(list);
	return found;
}

struct look {
	struct podns *pn;
	const char *path;
	__u32 inode;
};

/* Runs inside the namespace: records it when it is a pod. */
static int look_fn(void *ctx)
{
	struct look *lk = ctx;
	struct podns *pn = lk->pn;
	bool traced = holds_pod_address(pn);

	if ((traced || looks_like_pod()) && pn->pod_inode_count < PODNS_MAX) {
		pn->pod_traced[pn->pod_inode_count] = traced;
		pn->pod_paths[pn->pod_inode_count] = strdup(lk->path);
		pn->pod_inodes[pn->pod_inode_count++] = lk->inode;
	}
	return 0;
}

static int scan_one(void *ctx, const char *path, const char *name)
{
	struct podns *pn = ctx;
	struct look lk = { pn, path, 0 };
	struct stat st;

	(void)name;
	if (pn->seen_count >= PODNS_MAX || stat(path, &st) || seen_has(pn, st.st_ino))
		return 0;
	pn->seen[pn->seen_count++] = st.st_ino;
	lk.inode = st.st_ino;
	nsenter__run(path, look_fn, &lk);
	return 0;
}

static void rescan(struct podns *pn)
{
	struct stat st;

	/* The initial namespace is a node, never a pod; a pod address there is a host-network
	 * pod's (or the node's own). */
	if (!stat("/proc/self/ns/net", &st) && !seen_has(pn, st.st_ino) &&
	    pn->seen_count < PODNS_MAX) {
		pn->seen[pn->seen_count++] = st.st_ino;
		holds_pod_address(pn);
	}
	dirwalk("/run/netns", NULL, scan_one, pn);
	dirwalk("/var/run/netns", NULL, scan_one, pn);
	dirwalk("/proc", "/ns/net", scan_one, pn);
	pn->last_scan = time(NULL);
}

struct podns *podns__scan(const struct hop_cidr *pods, int count)
{
	struct podns *pn = calloc(1, sizeof(*pn));

	if (!pn)
		return NULL;
	if (count > HOPTRACE_MAX_CIDRS)
		count = HOPTRACE_MAX_CIDRS;
	memcpy(pn->pods, pods, count * sizeof(*pods));
	pn->pod_count = count;
	rescan(pn);
	return pn;
}

void podns__free(struct podns *pn)
{
	if (!pn)
		return;
	for (int i = 0; i < pn->pod_inode_count; i++)
		free(pn->pod_paths[i]);
	free(pn);
}

const char *podns__path(const struct podns *pn, int i)
{
	return i >= 0 && i < pn->pod_inode_count ? pn->pod_paths[i] : NULL;
}

bool podns__is_pod(struct podns *pn, __u32 inode)
{
	if (!inode)
		return false;
	if (!seen_has(pn, inode) && time(NULL) != pn->last_scan)
		rescan(pn);
	for (int i = 0; i < pn->pod_inode_count; i++)
		if (pn->pod_inodes[i] == inode)
			return true;
	return false;
}

bool podns__holds_traced(struct podns *pn, __u32 inode)
{
	if (!pn || !podns__is_pod(pn, inode))
		return false;
	for (int i = 0; i < pn->pod_inode_count; i++)
		if (pn->pod_inodes[i] == inode)
			return pn->pod_traced[i];
	return false;
}

bool podns__address_held(const struct podns *pn, int i)
{
	return pn && i >= 0 && i < pn->pod_count && pn->held[i];
}

int podns__inodes(const struct podns *pn, const __u32 **inodes)
{
	*inodes = pn->pod_inodes;
	return pn->pod_inode_count;
}

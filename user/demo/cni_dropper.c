// SPDX-License-Identifier: GPL-2.0
/* Loading and attaching the demo's policy program. The program loads in any namespace;
 * the attach happens inside the device's, where its ifindex means that device. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "demo_cni.skel.h"
#include "demo/prog_attach.h"
#include "host/nsenter.h"
#include "demo/cni_dropper.h"

/* Priority of the fallback cls_bpf filter: one a real CNI's is unlikely to use. */
#define DROPPER_CLS_PRIO 0x4d

struct attach_ctx {
	struct cni_dropper *d;
	const char *ifname;
};

static int attach_inside(void *arg)
{
	struct attach_ctx *a = arg;
	struct cni_dropper *d = a->d;
	int fd = bpf_program__fd(d->skel->progs.demo_cni_policy), err;

	d->ifindex = if_nametoindex(a->ifname);
	if (!d->ifindex)
		return -errno;
	/* tcx (6.6+) is what current CNIs use; older kernels have clsact only. */
	d->link_fd = prog_attach__tcx(fd, d->ifindex, true);
	if (d->link_fd >= 0)
		return 0;
	err = prog_attach__cls(fd, d->ifindex, true, DROPPER_CLS_PRIO);
	if (err)
		return err;
	d->cls = true;
	return 0;
}

static int detach_inside(void *arg)
{
	struct cni_dropper *d = arg;

	return prog_attach__cls_detach(d->ifindex, true, DROPPER_CLS_PRIO);
}

int cni_dropper__attach(struct cni_dropper *d, const char *netns_path, const char *ifname,
			__u32 saddr, __u32 daddr)
{
	struct attach_ctx a = { d, ifname };
	int err;

	memset(d, 0, sizeof(*d));
	d->link_fd = -1;
	snprintf(d->netns_path, sizeof(d->netns_path), "%s", netns_path);
	d->skel = demo_cni_bpf__open();
	if (!d->skel) {
		fprintf(stderr, "hoptrace demo: opening the policy program: %s\n", strerror(errno));
		return -1;
	}
	d->skel->rodata->deny_saddr = saddr;
	d->skel->rodata->deny_daddr = daddr;
	err = demo_cni_bpf__load(d->skel);
	if (!err)
		err = nsenter__run(netns_path, attach_inside, &a);
	if (err) {
		fprintf(stderr, "hoptrace demo: attaching the policy program to %s: %s\n", ifname,
			strerror(err < 0 ? -err : err));
		cni_dropper__detach(d);
		return -1;
	}
	return 0;
}

void cni_dropper__detach(struct cni_dropper *d)
{
	if (!d->skel)
		return;
	if (d->link_fd >= 0)
		close(d->link_fd);
	d->link_fd = -1;
	if (d->cls)
		nsenter__run(d->netns_path, detach_inside, d);
	d->cls = false;
	demo_cni_bpf__destroy(d->skel);
	d->skel = NULL;
}

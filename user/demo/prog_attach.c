// SPDX-License-Identifier: GPL-2.0
/* The ways a CNI attaches its programs, through libbpf: links where the kernel has them
 * (they go away with their fd, however the holder ends), a netlink filter for cls_bpf. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include "demo/prog_attach.h"

/* tcx attach types (Linux 6.6, commit e420bed02507); libbpf 1.1 does not know them and
 * passes them through to BPF_LINK_CREATE unchanged. */
#define ATTACH_TCX_INGRESS 46
#define ATTACH_TCX_EGRESS 47
#define CLS_HANDLE 1

int prog_attach__tcx(int prog_fd, int ifindex, bool ingress)
{
	/* A kernel without tcx refuses with EINVAL. */
	return bpf_link_create(prog_fd, ifindex, ingress ? ATTACH_TCX_INGRESS : ATTACH_TCX_EGRESS,
			       NULL);
}

static void clsact_hook(struct bpf_tc_hook *hook, int ifindex, bool ingress)
{
	hook->sz = sizeof(*hook);
	hook->ifindex = ifindex;
	hook->attach_point = ingress ? BPF_TC_INGRESS : BPF_TC_EGRESS;
	hook->parent = 0;
}

int prog_attach__cls(int prog_fd, int ifindex, bool ingress, __u32 prio)
{
	struct bpf_tc_hook hook = { 0 };
	struct bpf_tc_opts opts = { .sz = sizeof(opts) };
	int err;

	if (!prio || prio > 0xffff)
		return -EINVAL;
	clsact_hook(&hook, ifindex, ingress);
	/* Another filter may have made the clsact qdisc already. */
	err = bpf_tc_hook_create(&hook);
	if (err && err != -EEXIST)
		return err;
	/* libbpf's filters are always direct action; no BPF_TC_F_REPLACE: a filter already at
	 * this priority and handle is an error, not replaced. */
	opts.prog_fd = prog_fd;
	opts.priority = prio;
	opts.handle = CLS_HANDLE;
	return bpf_tc_attach(&hook, &opts);
}

int prog_attach__cls_detach(int ifindex, bool ingress, __u32 prio)
{
	struct bpf_tc_hook hook = { 0 };
	struct bpf_tc_opts opts = { .sz = sizeof(opts) };

	clsact_hook(&hook, ifindex, ingress);
	opts.priority = prio;
	opts.handle = CLS_HANDLE;
	return bpf_tc_detach(&hook, &opts);
}

int prog_attach__xdp_generic(int prog_fd, int ifindex)
{
	struct bpf_link_create_opts opts = { .sz = sizeof(opts), .flags = XDP_FLAGS_SKB_MODE };

	return bpf_link_create(prog_fd, ifindex, BPF_XDP, &opts);
}

int prog_attach__cgroup(int prog_fd, const char *cgroup_path, bool ingress)
{
	int cgroup_fd = open(cgroup_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), link_fd;

	if (cgroup_fd < 0)
		return -errno;
	/* The link keeps its own reference on the cgroup. */
	link_fd = bpf_link_create(prog_fd, cgroup_fd,
				  ingress ? BPF_CGROUP_INET_INGRESS : BPF_CGROUP_INET_EGRESS, NULL);
	close(cgroup_fd);
	return link_fd;
}

// SPDX-License-Identifier: GPL-2.0
/* BPF_PROG_QUERY spoken directly (libbpf 1.1 and the system's 6.1 headers predate tcx and
 * the link ids of a query), the tcx reader built on it, and finding the bpf_link that
 * holds a program where the query does not tell. */
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>
#include "host/bpf_attached_read.h"

/* tcx attach types and link type (Linux 6.6, commit e420bed02507 "bpf: Add fd-based tcx
 * multi-prog infra with link support"). */
#define ATTACH_TCX_INGRESS 46
#define ATTACH_TCX_EGRESS 47

/* BPF_PROG_QUERY's attribute with the fields of Linux 6.6 (commit 053c8e1f235d "bpf: Add
 * generic attach/detach/query API for multi-progs"): link_ids after prog_attach_flags.
 * Older kernels refuse a query whose fields past their own are not zero (EINVAL), so
 * link_ids is set only for tcx, which those kernels do not have anyway. */
struct prog_query_attr {
	__u32 target; /* target_fd, or target_ifindex for tcx */
	__u32 attach_type;
	__u32 query_flags;
	__u32 attach_flags;
	__aligned_u64 prog_ids;
	__u32 count;
	__u32 pad;
	__aligned_u64 prog_attach_flags;
	__aligned_u64 link_ids;
	__aligned_u64 link_attach_flags;
	__u64 revision;
};
_Static_assert(sizeof(struct prog_query_attr) == 64, "BPF_PROG_QUERY attribute layout");

int attached_query__run(__u32 target, __u32 attach_type, __u32 query_flags, __u32 *prog_ids,
			__u32 *link_ids, int max)
{
	struct prog_query_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.target = target;
	attr.attach_type = attach_type;
	attr.query_flags = query_flags;
	attr.prog_ids = (unsigned long)prog_ids;
	attr.link_ids = (unsigned long)link_ids;
	attr.count = max;
	if (link_ids)
		memset(link_ids, 0, max * sizeof(*link_ids));
	/* ENOSPC: more programs than max; the first max are filled in. */
	if (syscall(__NR_bpf, BPF_PROG_QUERY, &attr, sizeof(attr)) && errno != ENOSPC)
		return -errno;
	return attr.count < (__u32)max ? (int)attr.count : max;
}

int attached_tcx__read(__u32 ifindex, bool ingress, struct attached_prog *out, int *n, int max)
{
	__u32 prog_ids[ATTACHED_MAX], link_ids[ATTACHED_MAX];
	int count = attached_query__run(ifindex, ingress ? ATTACH_TCX_INGRESS : ATTACH_TCX_EGRESS,
					0, prog_ids, link_ids, ATTACHED_MAX);

	/* EINVAL: a kernel before 6.6, which knows neither the attach type nor link_ids. */
	if (count == -EINVAL)
		return 0;
	if (count < 0)
		return count;
	/* The query lists the programs in the order the kernel runs them. */
	for (int i = 0; i < count && *n < max; i++, (*n)++) {
		memset(&out[*n], 0, sizeof(out[*n]));
		out[*n].id = prog_ids[i];
		out[*n].link_id = link_ids[i];
		out[*n].attach = ingress ? HOP_BPF_TCX_INGRESS : HOP_BPF_TCX_EGRESS;
		out[*n].direct_action = true; /* a tcx program's return is always the verdict */
	}
	return 0;
}

static bool link_info_of(__u32 id, struct bpf_link_info *info)
{
	__u32 len = sizeof(*info);
	int fd = bpf_link_get_fd_by_id(id), err;

	if (fd < 0)
		return false;
	memset(info, 0, sizeof(*info));
	err = bpf_obj_get_info_by_fd(fd, info, &len);
	close(fd);
	return !err;
}

__u32 attached_link__find(__u32 link_type, __u32 prog_id,
			  bool (*match)(const struct bpf_link_info *info, void *ctx), void *ctx)
{
	struct bpf_link_info info;
	__u32 id = 0, found = 0;
	int seen = 0;

	/* Every link of the system is looked at: bounded, as the kernel's count of links is. */
	while (!bpf_link_get_next_id(id, &id)) {
		if (!link_info_of(id, &info) || info.type != link_type || info.prog_id != prog_id ||
		    !match(&info, ctx))
			continue;
		found = id;
		seen++;
	}
	return seen == 1 ? found : 0;
}

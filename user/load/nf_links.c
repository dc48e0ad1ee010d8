// SPDX-License-Identifier: GPL-2.0
/* BPF netfilter links (Linux 6.4+, 84601d6ee68a). libbpf 1.1 predates them, so the link is
 * made with the raw bpf(2) call. Links belong to the namespace of the caller: we enter each
 * covered namespace with setns(2), link, and come back. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/libbpf.h>
#include "hoptrace.h"
#include "host/nsenter.h"
#include "load/nf_links.h"
#include "pipeline/nf_ranges.h"

int netfilter__prepare(struct bpf_object *obj)
{
	struct bpf_program *prog;
	int err;

	bpf_object__for_each_program(prog, obj) {
		if (strncmp(bpf_program__name(prog), HOP_NF_PROG_PREFIX,
			    strlen(HOP_NF_PROG_PREFIX)))
			continue;
		err = bpf_program__set_type(prog, HOP_BPF_PROG_TYPE_NETFILTER);
		if (!err)
			err = bpf_program__set_expected_attach_type(prog, HOP_BPF_NETFILTER);
		if (err)
			return err;
	}
	return 0;
}

/* union bpf_attr's link_create as Linux 6.4 laid it out for netfilter links. */
struct nf_link_create {
	__u32 prog_fd;
	__u32 target_fd;
	__u32 attach_type;
	__u32 flags;
	__u32 pf;
	__u32 hooknum;
	__s32 priority;
	__u32 nf_flags;
};

static int link_create(int prog_fd, __u32 pf, __u32 hook, int priority)
{
	struct nf_link_create attr = {
		.prog_fd = prog_fd,
		.attach_type = HOP_BPF_NETFILTER,
		.pf = pf,
		.hooknum = hook,
		.priority = priority,
	};
	int fd = syscall(__NR_bpf, BPF_LINK_CREATE, &attr, sizeof(attr));

	return fd < 0 ? -errno : fd;
}

/* BPF hooks may not share a priority (EBUSY): a second tracer (another hoptrace, or
 * another tool) takes the slots just below ours. The shift stays far from the tables. */
#define SLOT_TRIES 16

static int link_free_slot(int prog_fd, __u32 pf, __u32 hook, int priority, __u8 pos)
{
	int fd = -EBUSY;

	for (int i = 0; i < SLOT_TRIES && fd == -EBUSY; i++)
		fd = link_create(prog_fd, pf, hook, pos == 0 ? priority + i : priority - i);
	return fd;
}

struct nf_links {
	int *fds;
	int count;
	int cap;
	int netns;
};

static int links_add(struct nf_links *l, int fd)
{
	if (l->count == l->cap) {
		int cap = l->cap ? l->cap * 2 : 64;
		int *fds = realloc(l->fds, cap * sizeof(*fds));

		if (!fds)
			return -ENOMEM;
		l->fds = fds;
		l->cap = cap;
	}
	l->fds[l->count++] = fd;
	return 0;
}

static int prog_fd_at(struct bpf_object *obj, __u8 pos)
{
	char name[32];
	struct bpf_program *prog;

	snprintf(name, sizeof(name), HOP_NF_PROG_PREFIX "%u", pos);
	prog = bpf_object__find_program_by_name(obj, name);
	return prog ? bpf_program__fd(prog) : -ENOENT;
}

/* Links every observer of every hook for both families in the current namespace. */
static int link_here(struct nf_links *l, struct bpf_object *obj)
{
	static const __u32 families[] = { NFPROTO_IPV4, NFPROTO_IPV6 };
	int fd, err;

	for (int f = 0; f < 2; f++) {
		for (__u8 hook = 0; hook < NF_INET_NUMHOOKS; hook++) {
			for (int i = 0; i < HOP_NF_POSITIONS; i++) {
				__u8 pos = nf_ranges__positions[hook][i];

				if (i > 0 && pos == 0)
					break;
				fd = link_free_slot(prog_fd_at(obj, pos), families[f], hook,
						    nf_ranges__table[pos].from, pos);
				if (fd < 0)
					return fd;
				err = links_add(l, fd);
				if (err) {
					close(fd);
					return err;
				}
			}
		}
	}
	return 0;
}

struct link_job {
	struct nf_links *links;
	struct bpf_object *obj;
};

static int link_fn(void *ctx)
{
	struct link_job *job = ctx;

	return link_here(job->links, job->obj);
}

struct nf_links *netfilter__attach(struct bpf_object *obj, const char *const *netns_paths,
				   int count)
{
	struct nf_links *l = calloc(1, sizeof(*l));
	struct link_job job = { l, obj };
	int err = l ? 0 : -ENOMEM;

	for (int i = 0; i < count && !err; i++) {
		err = nsenter__run(netns_paths[i], link_fn, &job);
		if (err)
			fprintf(stderr, "hoptrace: netfilter links in %s: %s\n", netns_paths[i],
				strerror(-err));
		else
			l->netns++;
	}
	if (err) {
		netfilter__detach(l);
		return NULL;
	}
	return l;
}

int netfilter__link_count(const struct nf_links *l)
{
	return l ? l->count : 0;
}

int netfilter__netns_count(const struct nf_links *l)
{
	return l ? l->netns : 0;
}

void netfilter__detach(struct nf_links *l)
{
	if (!l)
		return;
	for (int i = 0; i < l->count; i++)
		close(l->fds[i]);
	free(l->fds);
	free(l);
}

// SPDX-License-Identifier: GPL-2.0
/* BPF netfilter links (Linux 6.4+, 84601d6ee68a). libbpf 1.1 predates them, so the link is
 * made with the raw bpf(2) call. Links belong to the namespace of the caller: we enter each
 * covered namespace with setns(2), link, and come back. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/libbpf.h>
#include "hoptrace.h"
#include "netfilter.h"
#include "nsenter.h"

#define NFPROTO_IPV4 2
#define NFPROTO_IPV6 10
#define NF_INET_NUMHOOKS 5

/* Observer priorities: one just below each standard table (include/uapi/linux/
 * netfilter_ipv4.h; IPv6 uses the same values). INT_MIN and INT_MAX are refused for
 * links, and INT_MAX is conntrack confirm's own. */
static const struct nf_range ranges[HOP_NF_POSITIONS] = {
	{ "raw", -300, INT_MIN + 1, -201 },
	{ "conntrack", -200, -201, -151 },
	{ "mangle", -150, -151, -101 },
	{ "nat (dst)", -100, -101, -1 },
	{ "filter", 0, -1, 49 },
	{ "security", 50, 49, 99 },
	{ "nat (src)", 100, 99, 299 },
	{ "conntrack helper", 300, 299, INT_MAX - 1 },
	{ "conntrack confirm", INT_MAX, INT_MAX - 1, INT_MAX },
};

/* Which positions each hook gets: only where a standard table sits, to keep the cost on
 * every packet of a covered namespace small. Position 0 (the entry) is always there. */
static const __u8 hook_positions[NF_INET_NUMHOOKS][HOP_NF_POSITIONS] = {
	/* PREROUTING */ { 0, 1, 2, 3, 4 },
	/* INPUT */ { 0, 2, 4, 5, 6, 8 },
	/* FORWARD */ { 0, 2, 4, 5 },
	/* OUTPUT */ { 0, 1, 2, 3, 4, 5 },
	/* POSTROUTING */ { 0, 2, 6, 7, 8 },
};

static bool hook_has_position(__u8 hook, __u8 pos)
{
	for (int i = 0; i < HOP_NF_POSITIONS; i++)
		if (hook_positions[hook][i] == pos && (i == 0 || pos != 0))
			return true;
	return false;
}

/* The range after pos ends at the next position this hook has, not the next in the table. */
const struct nf_range *netfilter__range(__u8 hook, __u8 pos)
{
	if (hook >= NF_INET_NUMHOOKS || pos >= HOP_NF_POSITIONS || !hook_has_position(hook, pos))
		return NULL;
	return &ranges[pos];
}

bool netfilter__range_bounds(__u8 hook, __u8 pos, int *from, int *to)
{
	if (!netfilter__range(hook, pos))
		return false;
	*from = ranges[pos].from;
	*to = INT_MAX;
	for (int i = 0; i + 1 < HOP_NF_POSITIONS; i++) {
		if (hook_positions[hook][i] == pos && hook_positions[hook][i + 1]) {
			*to = ranges[hook_positions[hook][i + 1]].from;
			break;
		}
	}
	return true;
}

const char *netfilter__hook_name(__u8 hook)
{
	static const char *names[] = { "PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING" };

	return hook < NF_INET_NUMHOOKS ? names[hook] : "?";
}

const char *netfilter__family_name(__u8 pf)
{
	return pf == NFPROTO_IPV4 ? "ipv4" : pf == NFPROTO_IPV6 ? "ipv6" : "?";
}

int netfilter__prepare(struct bpf_object *obj)
{
	struct bpf_program *prog;
	int err;

	bpf_object__for_each_program(prog, obj) {
		if (strncmp(bpf_program__name(prog), "nf_observe_", 11))
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

	snprintf(name, sizeof(name), "nf_observe_%u", pos);
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
				__u8 pos = hook_positions[hook][i];

				if (i > 0 && pos == 0)
					break;
				fd = link_free_slot(prog_fd_at(obj, pos), families[f], hook,
						    ranges[pos].from, pos);
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

// SPDX-License-Identifier: GPL-2.0
/* A depth-first walk of the cgroup v2 tree asking each cgroup for its own inet skb
 * programs (BPF_PROG_QUERY without BPF_F_QUERY_EFFECTIVE): each attached program is met
 * once, at the cgroup it is attached to. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "host/bpf_attached.h"
#include "host/cgroup_progs.h"

#define MAX_DEPTH 32

struct walk {
	void (*fn)(void *ctx, const struct attached_prog *p);
	void *ctx;
	int visited;
};

static void query(struct walk *w, int dir_fd, enum bpf_attach_type type, enum hop_bpf_attach as)
{
	__u32 ids[ATTACHED_MAX], count = ATTACHED_MAX, flags = 0;

	if (bpf_prog_query(dir_fd, type, 0, &flags, ids, &count))
		return;
	for (__u32 i = 0; i < count && i < ATTACHED_MAX; i++) {
		struct attached_prog p = { .id = ids[i], .attach = as, .position = i + 1 };

		if (!attached__describe(&p))
			w->fn(w->ctx, &p);
	}
}

/* Visits the cgroup open at dir_fd (the walk closes it) and its children. */
static void visit(struct walk *w, int dir_fd, int depth)
{
	struct dirent *de;
	DIR *dir;

	w->visited++;
	query(w, dir_fd, BPF_CGROUP_INET_INGRESS, HOP_BPF_CGROUP_INGRESS);
	query(w, dir_fd, BPF_CGROUP_INET_EGRESS, HOP_BPF_CGROUP_EGRESS);
	dir = depth < MAX_DEPTH ? fdopendir(dir_fd) : NULL;
	if (!dir) {
		close(dir_fd);
		return;
	}
	while ((de = readdir(dir)) && w->visited < CGROUP_PROGS_MAX_DIRS) {
		int child;

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		child = openat(dirfd(dir), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (child >= 0)
			visit(w, child, depth + 1);
	}
	closedir(dir);
}

int cgroup_progs__walk(const char *cgroup2_root,
		       void (*fn)(void *ctx, const struct attached_prog *p), void *ctx)
{
	struct walk w = { fn, ctx, 0 };
	int fd = open(cgroup2_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	visit(&w, fd, 0);
	return w.visited;
}

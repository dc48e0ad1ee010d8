// SPDX-License-Identifier: GPL-2.0
/* A cgroup's effective inet skb programs: the cgroup is found by its id (on cgroup v2 the
 * id is the directory's inode number) under the v2 mount, and queried with
 * BPF_F_QUERY_EFFECTIVE, which lists inherited programs too, in the order they run (the
 * cgroup's own first, then its ancestors'). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>
#include "host/bpf_attached_read.h"

/* Deeper than any real hierarchy (Kubernetes nests about five): bounds the walk. */
#define MAX_DEPTH 32
/* A cgroup's own level and its ancestors', for naming the links of inherited programs. */
#define MAX_LEVELS (MAX_DEPTH + 1)

struct cgroup_search {
	__u64 id;
	char path[PATH_MAX]; /* relative to the root: "" for the root itself */
};

/* Depth-first under dir_fd (s->path[0..len): its place relative to the root; closed
 * here) for the directory whose inode number is s->id. True when found, s->path then
 * naming it. */
static bool search_under(int dir_fd, struct cgroup_search *s, size_t len, int depth)
{
	DIR *d = depth <= MAX_DEPTH ? fdopendir(dir_fd) : NULL;
	bool found = false;
	struct dirent *de;

	if (!d) {
		close(dir_fd);
		return false;
	}
	while (!found && (de = readdir(d))) {
		size_t room = sizeof(s->path) - len;
		int fd;

		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    (size_t)snprintf(s->path + len, room, "/%s", de->d_name) >= room)
			continue;
		/* kernfs gives readdir the inode number itself: no stat per entry. */
		found = de->d_ino == s->id;
		if (found)
			break;
		fd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0)
			found = search_under(fd, s, len + 1 + strlen(de->d_name), depth + 1);
	}
	if (!found)
		s->path[len] = 0;
	closedir(d);
	return found;
}

static int find_cgroup(const char *root, struct cgroup_search *s)
{
	struct stat st;
	int fd;

	s->path[0] = 0;
	if (stat(root, &st))
		return -errno;
	if (st.st_ino == s->id)
		return 0;
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return search_under(fd, s, 0, 1) ? 0 : -ENOENT;
}

struct cgroup_levels {
	__u64 ids[MAX_LEVELS];
	int count;
	__u32 attach_type;
};

/* The ids of the cgroup at rel_path and of each of its ancestors up to the root. */
static void levels_of(const char *root, const char *rel_path, struct cgroup_levels *lv)
{
	char path[PATH_MAX];
	struct stat st;
	int len = snprintf(path, sizeof(path), "%s%s", root, rel_path);
	int root_len = strlen(root);

	lv->count = 0;
	if (len >= (int)sizeof(path))
		return;
	while (len >= root_len && lv->count < MAX_LEVELS) {
		path[len] = 0;
		if (!stat(path, &st))
			lv->ids[lv->count++] = st.st_ino;
		while (len > root_len && path[len - 1] != '/')
			len--;
		len--; /* past the slash; below root_len ends the walk */
	}
}

static bool on_some_level(const struct bpf_link_info *info, void *ctx)
{
	const struct cgroup_levels *lv = ctx;

	if (info->cgroup.attach_type != lv->attach_type)
		return false;
	for (int i = 0; i < lv->count; i++)
		if (info->cgroup.cgroup_id == lv->ids[i])
			return true;
	return false;
}

static int query_cgroup(const char *root, const char *rel_path, bool ingress,
			struct attached_prog *out, int max)
{
	__u32 ids[ATTACHED_MAX];
	char path[PATH_MAX];
	struct cgroup_levels lv;
	int fd, count;

	snprintf(path, sizeof(path), "%s%s", root, rel_path);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	lv.attach_type = ingress ? BPF_CGROUP_INET_INGRESS : BPF_CGROUP_INET_EGRESS;
	count = attached_query__run(fd, lv.attach_type, BPF_F_QUERY_EFFECTIVE, ids, NULL,
				    max < ATTACHED_MAX ? max : ATTACHED_MAX);
	close(fd);
	if (count <= 0)
		return count;
	levels_of(root, rel_path, &lv);
	for (int i = 0; i < count; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		out[i].id = ids[i];
		out[i].attach = ingress ? HOP_BPF_CGROUP_INGRESS : HOP_BPF_CGROUP_EGRESS;
		out[i].position = i + 1;
		out[i].direct_action = true; /* its return is the verdict: 1 pass, 0 drop */
		/* The query names no links: the one link of this program on the cgroup or an
		 * ancestor, if there is one (a program attached without a link has none). */
		out[i].link_id =
			attached_link__find(BPF_LINK_TYPE_CGROUP, ids[i], on_some_level, &lv);
		attached__describe(&out[i]);
	}
	return count;
}

int attached__cgroup(const char *cgroup2_root, __u64 cgroup_id, bool ingress,
		     struct attached_prog *out, int max, char *path, size_t path_size)
{
	struct cgroup_search s = { .id = cgroup_id };
	int err = find_cgroup(cgroup2_root, &s);

	if (err)
		return err;
	/* As /proc/PID/cgroup writes it: "/" for the root, else "/a/b". */
	if (path && path_size)
		snprintf(path, path_size, "%s", s.path[0] ? s.path : "/");
	return query_cgroup(cgroup2_root, s.path, ingress, out, max);
}

// SPDX-License-Identifier: GPL-2.0
/* Socket owners: inode -> the first process holding it, read from /proc and kept. */
#include "host/sock_owner.h"

#include <ctype.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Bounds of one scan: a node's processes, and the descriptors read in all (about a second
 * of readlink at most; a node with more gives up and names no owner). */
#define SCAN_MAX_PIDS 65536
#define SCAN_MAX_FDS (1 << 20)
/* Inodes remembered; past this, lookups scan again (still correct, only slower). */
#define CACHE_MAX 4096

struct owner_entry {
	__u64 inode;
	bool found;
	struct sock_owner owner;
};

/* Entries are allocated one by one: the owners handed out stay where they are while the
 * table grows. */
struct sock_owners {
	char *proc_dir;
	struct owner_entry **entries;
	size_t cnt, cap;
	struct sock_owner uncached; /* the answer when the table is full */
};

struct sock_owners *sock_owners__new(const char *proc_dir)
{
	struct sock_owners *so = calloc(1, sizeof(*so));

	if (!so)
		return NULL;
	so->proc_dir = strdup(proc_dir ? proc_dir : "/proc");
	if (!so->proc_dir) {
		free(so);
		return NULL;
	}
	return so;
}

void sock_owners__free(struct sock_owners *so)
{
	if (!so)
		return;
	for (size_t i = 0; i < so->cnt; i++)
		free(so->entries[i]);
	free(so->entries);
	free(so->proc_dir);
	free(so);
}

static bool is_pid(const char *name)
{
	if (!*name)
		return false;
	for (; *name; name++)
		if (!isdigit((unsigned char)*name))
			return false;
	return true;
}

/* Whether process pid has a descriptor on the socket whose link text is want. */
static bool holds_socket(const char *proc_dir, const char *pid, const char *want, int *budget)
{
	char dir[512], path[800], link[64];
	struct dirent *de;
	bool found = false;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/%s/fd", proc_dir, pid);
	d = opendir(dir);
	if (!d)
		return false; /* gone, or a kernel thread we may not read */
	while (!found && *budget > 0 && (de = readdir(d))) {
		ssize_t len;

		if (de->d_name[0] == '.')
			continue;
		--*budget;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		len = readlink(path, link, sizeof(link) - 1);
		if (len <= 0)
			continue;
		link[len] = 0;
		found = !strcmp(link, want);
	}
	closedir(d);
	return found;
}

/* A small /proc file's text, NUL-terminated; "" when unreadable. */
static void read_small(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n = 0;

	if (f) {
		n = fread(buf, 1, size - 1, f);
		fclose(f);
	}
	buf[n] = 0;
}

static void owner_fill(const char *proc_dir, const char *pid, struct sock_owner *o)
{
	char path[512], cgroup[4096];
	char *nl;

	o->pid = atoi(pid);
	snprintf(path, sizeof(path), "%s/%s/comm", proc_dir, pid);
	read_small(path, o->comm, sizeof(o->comm));
	nl = strchr(o->comm, '\n');
	if (nl)
		*nl = 0;
	snprintf(path, sizeof(path), "%s/%s/cgroup", proc_dir, pid);
	read_small(path, cgroup, sizeof(cgroup));
	sock_owner__container_id(cgroup, o->container_id, sizeof(o->container_id));
}

/* Scans the processes, lowest pid first as readdir gives them, for one holding inode. */
static bool scan(const char *proc_dir, __u64 inode, struct sock_owner *o)
{
	char want[40];
	struct dirent *de;
	bool found = false;
	int n = 0, budget = SCAN_MAX_FDS;
	DIR *d = opendir(proc_dir);

	if (!d)
		return false;
	snprintf(want, sizeof(want), "socket:[%llu]", (unsigned long long)inode);
	while (!found && (de = readdir(d))) {
		if (!is_pid(de->d_name))
			continue;
		if (n++ >= SCAN_MAX_PIDS || budget <= 0)
			break;
		if (holds_socket(proc_dir, de->d_name, want, &budget)) {
			owner_fill(proc_dir, de->d_name, o);
			found = true;
		}
	}
	closedir(d);
	return found;
}

static struct owner_entry *cache_find(struct sock_owners *so, __u64 inode)
{
	for (size_t i = 0; i < so->cnt; i++)
		if (so->entries[i]->inode == inode)
			return so->entries[i];
	return NULL;
}

static struct owner_entry *cache_add(struct sock_owners *so, __u64 inode)
{
	struct owner_entry *e;

	if (so->cnt == so->cap) {
		size_t cap = so->cap ? so->cap * 2 : 16;
		struct owner_entry **grown;

		if (cap > CACHE_MAX)
			return NULL;
		grown = realloc(so->entries, cap * sizeof(*grown));
		if (!grown)
			return NULL;
		so->entries = grown;
		so->cap = cap;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->inode = inode;
	so->entries[so->cnt++] = e;
	return e;
}

const struct sock_owner *sock_owners__lookup(struct sock_owners *so, __u64 inode)
{
	struct owner_entry *e;

	if (!so || !inode)
		return NULL;
	e = cache_find(so, inode);
	if (e)
		return e->found ? &e->owner : NULL;
	e = cache_add(so, inode);
	if (!e) { /* full: valid until the next lookup past the table */
		memset(&so->uncached, 0, sizeof(so->uncached));
		return scan(so->proc_dir, inode, &so->uncached) ? &so->uncached : NULL;
	}
	e->found = scan(so->proc_dir, inode, &e->owner);
	return e->found ? &e->owner : NULL;
}

int sock_owner__container_id(const char *cgroup_text, char *id, size_t size)
{
	const char *best = NULL;
	size_t run = 0;

	id[0] = 0;
	if (!cgroup_text)
		return 0;
	/* The last run of exactly 64 hex digits: containerd, cri-o and docker all name the
	 * container's cgroup by its id, inside a longer path. */
	for (const char *p = cgroup_text;; p++) {
		if (*p && isxdigit((unsigned char)*p)) {
			run++;
			continue;
		}
		if (run == SOCK_OWNER_CONTAINER_ID_LEN)
			best = p - run;
		run = 0;
		if (!*p)
			break;
	}
	if (!best || size <= SOCK_OWNER_CONTAINER_ID_LEN)
		return 0;
	memcpy(id, best, SOCK_OWNER_CONTAINER_ID_LEN);
	id[SOCK_OWNER_CONTAINER_ID_LEN] = 0;
	return 1;
}

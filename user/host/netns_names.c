// SPDX-License-Identifier: GPL-2.0
/* Network namespace names: a table of inode -> name, grown by rescans on lookup misses. */
#include "util/clock.h"
#include "util/dirwalk.h"
#include "host/netns_names.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define RESCAN_INTERVAL_NS 1000000000LL

struct netns_name {
	__u32 inode;
	char *name;
};

struct netns_names {
	struct netns_name *names; /* [0, sorted) by inode, then the current scan's additions */
	size_t cnt, cap, sorted;
	char *run_dirs[2];
	int run_dir_cnt;
	char *proc_dir;
	long long last_scan_ns;
};

/* The namespace inode behind path: nsfs files, whether ip-netns bind mounts or
 * /proc/<pid>/ns/net links, report it as st_ino. Returns 0 when path cannot be read. */
static __u32 path_inode(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : (__u32)st.st_ino;
}

static int netns_name__cmp(const void *a, const void *b)
{
	const struct netns_name *x = a, *y = b;

	return x->inode < y->inode ? -1 : x->inode > y->inode;
}

static struct netns_name *netns_names__find(const struct netns_names *nn, __u32 inode)
{
	struct netns_name key = { .inode = inode };
	size_t i;

	for (i = nn->sorted; i < nn->cnt; i++) {
		if (nn->names[i].inode == inode)
			return &nn->names[i];
	}
	if (!nn->sorted)
		return NULL;
	return bsearch(&key, nn->names, nn->sorted, sizeof(key), netns_name__cmp);
}

/* Adds inode under name unless the inode is named already: earlier sources win. */
static int netns_names__add(struct netns_names *nn, __u32 inode, const char *name)
{
	struct netns_name *n;

	if (!inode || netns_names__find(nn, inode))
		return 0;
	if (nn->cnt == nn->cap) {
		size_t cap = nn->cap ? nn->cap * 2 : 64;

		n = realloc(nn->names, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		nn->names = n;
		nn->cap = cap;
	}
	n = &nn->names[nn->cnt];
	n->name = strdup(name);
	if (!n->name)
		return -ENOMEM;
	n->inode = inode;
	nn->cnt++;
	return 0;
}

static int netns_names__add_named(void *ctx, const char *path, const char *name)
{
	return netns_names__add(ctx, path_inode(path), name);
}

/* No directory just means no named namespaces. */
static int netns_names__scan_run_dir(struct netns_names *nn, const char *dir)
{
	return dirwalk(dir, NULL, netns_names__add_named, nn);
}

static void proc_comm(const char *proc_dir, const char *pid, char *comm, size_t size)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/comm", proc_dir, pid);
	f = fopen(path, "re");
	if (!f || !fgets(comm, size, f))
		comm[0] = '\0';
	comm[strcspn(comm, "\n")] = '\0';
	if (f)
		fclose(f);
}

static bool is_pid(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return false;
	}
	return true;
}

static int netns_names__scan_pid(struct netns_names *nn, const char *pid)
{
	char path[PATH_MAX], comm[64], name[96];
	__u32 inode;

	snprintf(path, sizeof(path), "%s/%s/ns/net", nn->proc_dir, pid);
	inode = path_inode(path);
	/* Reading comm costs a file open: only do it for a namespace still unnamed. */
	if (!inode || netns_names__find(nn, inode))
		return 0;
	proc_comm(nn->proc_dir, pid, comm, sizeof(comm));
	/* Pids have at most 10 digits; the precision only bounds the name for the compiler. */
	snprintf(name, sizeof(name), "pid:%.20s(%s)", pid, comm);
	return netns_names__add(nn, inode, name);
}

static int pid__cmp(const void *a, const void *b)
{
	const long *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

/* Reads the pids under proc_dir, lowest first. Returns their count, or -ENOMEM. */
static long proc_pids(const char *proc_dir, long **pids)
{
	long *p, cnt = 0, cap = 0;
	struct dirent *de;
	DIR *d = opendir(proc_dir);

	*pids = NULL;
	while (d && (de = readdir(d))) {
		if (!is_pid(de->d_name))
			continue;
		if (cnt == cap) {
			cap = cap ? cap * 2 : 1024;
			p = realloc(*pids, cap * sizeof(*p));
			if (!p) {
				closedir(d);
				return -ENOMEM;
			}
			*pids = p;
		}
		(*pids)[cnt++] = strtol(de->d_name, NULL, 10);
	}
	if (d)
		closedir(d);
	if (cnt)
		qsort(*pids, cnt, sizeof(**pids), pid__cmp);
	return cnt;
}

/* The lowest pid names a namespace: usually its init or the container runtime's child,
 * the most telling name, and the same one on every run. */
static int netns_names__scan_procs(struct netns_names *nn)
{
	long i, cnt, *pids;
	char pid[24];
	int err = 0;

	cnt = proc_pids(nn->proc_dir, &pids);
	for (i = 0; !err && i < cnt; i++) {
		snprintf(pid, sizeof(pid), "%ld", pids[i]);
		err = netns_names__scan_pid(nn, pid);
	}
	free(pids);
	return cnt < 0 ? cnt : err;
}

/* Adds what appeared since the last scan. Names already given are never replaced, so
 * pointers returned earlier stay valid. */
static int netns_names__scan(struct netns_names *nn)
{
	char path[PATH_MAX];
	int i, err;

	nn->last_scan_ns = clock__mono_ns();
	/* "host" first: everyone knows it, even when ip-netns also gave it a name. */
	snprintf(path, sizeof(path), "%s/1/ns/net", nn->proc_dir);
	err = netns_names__add(nn, path_inode(path), "host");
	for (i = 0; !err && i < nn->run_dir_cnt; i++)
		err = netns_names__scan_run_dir(nn, nn->run_dirs[i]);
	if (!err)
		err = netns_names__scan_procs(nn);
	if (nn->cnt)
		qsort(nn->names, nn->cnt, sizeof(*nn->names), netns_name__cmp);
	nn->sorted = nn->cnt;
	return err;
}

static struct netns_names *netns_names__create(const char *const *run_dirs, int run_dir_cnt,
					       const char *proc_dir)
{
	struct netns_names *nn = calloc(1, sizeof(*nn));
	int i, err = -ENOMEM;

	if (!nn)
		goto out_err;
	for (i = 0; i < run_dir_cnt; i++) {
		nn->run_dirs[i] = strdup(run_dirs[i]);
		if (!nn->run_dirs[i])
			goto out_free;
		nn->run_dir_cnt++;
	}
	nn->proc_dir = strdup(proc_dir);
	if (!nn->proc_dir)
		goto out_free;
	err = netns_names__scan(nn);
	if (err)
		goto out_free;
	return nn;

out_free:
	netns_names__free(nn);
out_err:
	errno = -err;
	return NULL;
}

struct netns_names *netns_names__load(void)
{
	/* /var/run is usually a link to /run; the duplicate names are dropped by inode. */
	static const char *const run_dirs[] = { "/run/netns", "/var/run/netns" };

	return netns_names__create(run_dirs, 2, "/proc");
}

struct netns_names *netns_names__load_from(const char *run_netns_dir, const char *proc_dir)
{
	return netns_names__create(&run_netns_dir, run_netns_dir ? 1 : 0, proc_dir);
}

void netns_names__free(struct netns_names *nn)
{
	size_t i;

	if (!nn)
		return;
	for (i = 0; i < nn->cnt; i++)
		free(nn->names[i].name);
	for (i = 0; i < (size_t)nn->run_dir_cnt; i++)
		free(nn->run_dirs[i]);
	free(nn->names);
	free(nn->proc_dir);
	free(nn);
}

const char *netns_names__name(struct netns_names *nn, __u32 inode)
{
	struct netns_name *n;

	if (!inode)
		return NULL;
	n = netns_names__find(nn, inode);
	if (n)
		return n->name;
	if (clock__mono_ns() - nn->last_scan_ns < RESCAN_INTERVAL_NS)
		return NULL;
	/* A failed rescan keeps what it found; the miss is reported either way. */
	netns_names__scan(nn);
	n = netns_names__find(nn, inode);
	return n ? n->name : NULL;
}

__u32 netns_names__inode(struct netns_names *nn, const char *name)
{
	char path[PATH_MAX];
	__u32 inode = 0;
	int i;

	/* Ask the file system, not the table: names can be reused after the last scan. */
	if (!strcmp(name, "host")) {
		snprintf(path, sizeof(path), "%s/1/ns/net", nn->proc_dir);
		return path_inode(path);
	}
	if (!strncmp(name, "pid:", 4) && is_pid(name + 4)) {
		snprintf(path, sizeof(path), "%s/%s/ns/net", nn->proc_dir, name + 4);
		return path_inode(path);
	}
	if (!*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return 0;
	for (i = 0; !inode && i < nn->run_dir_cnt; i++) {
		snprintf(path, sizeof(path), "%s/%s", nn->run_dirs[i], name);
		inode = path_inode(path);
	}
	return inode;
}

bool netns_names__is_ip_netns(const char *name)
{
	return name && *name && strcmp(name, "host") && strncmp(name, "pid:", 4);
}

int netns_names__path(struct netns_names *nn, __u32 inode, char *buf, size_t size)
{
	const char *name = netns_names__name(nn, inode);
	char pid[16];
	int i;

	if (!name)
		return -ENOENT;
	if (!strcmp(name, "host")) {
		snprintf(buf, size, "%s/1/ns/net", nn->proc_dir);
		return 0;
	}
	/* "pid:<pid>(<comm>)": the process may be gone; the inode check below says so. */
	if (sscanf(name, "pid:%15[0-9]", pid) == 1) {
		snprintf(buf, size, "%s/%s/ns/net", nn->proc_dir, pid);
		return path_inode(buf) == inode ? 0 : -ENOENT;
	}
	for (i = 0; i < nn->run_dir_cnt; i++) {
		snprintf(buf, size, "%s/%s", nn->run_dirs[i], name);
		if (path_inode(buf) == inode)
			return 0;
	}
	return -ENOENT;
}

// SPDX-License-Identifier: GPL-2.0
/* Unit tests of netns names: a fake /run/netns and /proc in a temp dir, then the real system. */
#define _GNU_SOURCE
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "host/netns_names.h"

static char root[] = "/tmp/hoptrace-netns-XXXXXX";

static void put_file(const char *rel, const char *content)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(content, f);
		fclose(f);
	}
}

static void put_dir(const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	CHECK(mkdir(path, 0755) == 0);
}

/* A second name for one file: both report one inode, as two processes in one netns do. */
static void put_link(const char *target_rel, const char *rel)
{
	char target[512], path[512];

	snprintf(target, sizeof(target), "%s/%s", root, target_rel);
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	CHECK(link(target, path) == 0);
}

static __u32 inode_of(const char *rel)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	return stat(path, &st) ? 0 : (__u32)st.st_ino;
}

static void put_proc(const char *pid, const char *comm)
{
	char rel[64];

	snprintf(rel, sizeof(rel), "proc/%s", pid);
	put_dir(rel);
	snprintf(rel, sizeof(rel), "proc/%s/ns", pid);
	put_dir(rel);
	snprintf(rel, sizeof(rel), "proc/%s/comm", pid);
	put_file(rel, comm);
}

/* host: pid 1; blue, red: named; pid 100 and 20 share one netns; pid 300 is inside blue;
 * pid 400 has no ns/net (it exited mid-scan); "self" is not a pid. */
static void make_fake_tree(void)
{
	CHECK(mkdtemp(root) != NULL);
	put_dir("run");
	put_dir("proc");
	put_file("run/blue", "");
	put_file("run/red", "");
	put_proc("1", "systemd\n");
	put_file("proc/1/ns/net", "");
	put_proc("100", "nginx\n");
	put_file("proc/100/ns/net", "");
	put_proc("20", "containerd-shim\n");
	put_link("proc/100/ns/net", "proc/20/ns/net");
	put_proc("300", "sleep\n");
	put_link("run/blue", "proc/300/ns/net");
	put_proc("400", "gone\n");
	put_dir("proc/self");
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void remove_fake_tree(void)
{
	nftw(root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static struct netns_names *load_fake(void)
{
	char run[512], proc[512];

	snprintf(run, sizeof(run), "%s/run", root);
	snprintf(proc, sizeof(proc), "%s/proc", root);
	return netns_names__load_from(run, proc);
}

static void test_fake_names(void)
{
	struct netns_names *nn = load_fake();

	CHECK(nn != NULL);
	if (!nn)
		return;
	CHECK_STR(netns_names__name(nn, inode_of("proc/1/ns/net")), "host");
	CHECK_STR(netns_names__name(nn, inode_of("run/blue")), "blue");
	CHECK_STR(netns_names__name(nn, inode_of("run/red")), "red");
	/* The lowest pid wins whatever order the directory lists them in. */
	CHECK_STR(netns_names__name(nn, inode_of("proc/100/ns/net")), "pid:20(containerd-shim)");
	CHECK(netns_names__name(nn, 0) == NULL);
	CHECK(netns_names__name(nn, inode_of("run") + 1000000) == NULL);
	netns_names__free(nn);
}

static void test_fake_inodes(void)
{
	struct netns_names *nn = load_fake();

	CHECK(nn != NULL);
	if (!nn)
		return;
	CHECK(netns_names__inode(nn, "host") == inode_of("proc/1/ns/net"));
	CHECK(netns_names__inode(nn, "blue") == inode_of("run/blue"));
	CHECK(netns_names__inode(nn, "pid:100") == inode_of("proc/100/ns/net"));
	CHECK(netns_names__inode(nn, "pid:400") == 0);
	CHECK(netns_names__inode(nn, "green") == 0);
	CHECK(netns_names__inode(nn, "") == 0);
	/* Names that would climb out of /run/netns are refused. */
	CHECK(netns_names__inode(nn, "..") == 0);	      /* repo-paths: ok */
	CHECK(netns_names__inode(nn, "../proc/1/comm") == 0); /* repo-paths: ok */
	netns_names__free(nn);
}

/* Only ip-netns names are what --netns takes. */
static void test_ip_netns_names(void)
{
	struct netns_names *nn = load_fake();

	CHECK(nn != NULL);
	if (!nn)
		return;
	CHECK(netns_names__is_ip_netns(netns_names__name(nn, inode_of("run/blue"))));
	CHECK(!netns_names__is_ip_netns(netns_names__name(nn, inode_of("proc/1/ns/net"))));
	CHECK(!netns_names__is_ip_netns(netns_names__name(nn, inode_of("proc/100/ns/net"))));
	CHECK(!netns_names__is_ip_netns(NULL));
	netns_names__free(nn);
}

static void test_rescan_on_miss(void)
{
	struct netns_names *nn = load_fake();
	const char *blue;
	__u32 green;

	CHECK(nn != NULL);
	if (!nn)
		return;
	blue = netns_names__name(nn, inode_of("run/blue"));
	put_file("run/green", "");
	green = inode_of("run/green");
	/* Right after a scan, a miss does not rescan. */
	CHECK(netns_names__name(nn, green) == NULL);
	usleep(1100 * 1000);
	CHECK_STR(netns_names__name(nn, green), "green");
	/* Names handed out before the rescan are still the same strings. */
	CHECK(netns_names__name(nn, inode_of("run/blue")) == blue);
	netns_names__free(nn);
}

static void test_missing_dirs(void)
{
	struct netns_names *nn = netns_names__load_from("/nonexistent/run", "/nonexistent/proc");

	CHECK(nn != NULL);
	CHECK(netns_names__name(nn, 12345) == NULL);
	CHECK(netns_names__inode(nn, "host") == 0);
	netns_names__free(nn);
}

static void test_real_system(void)
{
	struct netns_names *nn = netns_names__load();
	struct stat st;

	CHECK(nn != NULL);
	if (stat("/proc/self/ns/net", &st)) {
		SKIP("/proc/self/ns/net unreadable");
	} else {
		CHECK(netns_names__name(nn, (__u32)st.st_ino) != NULL);
		printf("  own netns %u: %s\n", (__u32)st.st_ino,
		       netns_names__name(nn, (__u32)st.st_ino));
	}
	netns_names__free(nn);
}

int main(void)
{
	make_fake_tree();
	RUN(test_fake_names);
	RUN(test_fake_inodes);
	RUN(test_ip_netns_names);
	RUN(test_rescan_on_miss);
	RUN(test_missing_dirs);
	RUN(test_real_system);
	remove_fake_tree();
	CHECK_EXIT();
}

// SPDX-License-Identifier: GPL-2.0
/* Unit tests of finding the cgroup v2 root in mountinfo (host/cgroup_root.c): the mount of
 * the hierarchy's root, not a bind mount of a sub-cgroup nor a cgroup v1 controller. */
#include "check.h"
#include "host/cgroup_root.h"

static void test_root_mount_found(void)
{
	char path[256];
	const char *mountinfo =
		"22 1 0:21 / /sys rw - sysfs sysfs rw\n"
		"30 22 0:26 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n"
		"31 22 0:27 /kubepods/pod1 /mnt/pod ro - cgroup2 cgroup2 rw\n"
		"32 22 0:27 / /sys/fs/cgroup/unified rw,nosuid - cgroup2 cgroup2 rw\n";

	CHECK(cgroup_root__parse(mountinfo, path, sizeof(path)));
	CHECK(!strcmp(path, "/sys/fs/cgroup/unified"));
}

static void test_escaped_mount_point(void)
{
	char path[256];

	CHECK(cgroup_root__parse("40 1 0:30 / /run/my\\040cgroup rw shared:5 - cgroup2 none rw\n",
				 path, sizeof(path)));
	CHECK(!strcmp(path, "/run/my cgroup"));
}

static void test_none_mounted(void)
{
	char path[256];

	CHECK(!cgroup_root__parse("30 22 0:26 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n"
				  "31 22 0:27 /sub /mnt/sub rw - cgroup2 cgroup2 rw\n",
				  path, sizeof(path)));
	CHECK(!cgroup_root__parse("", path, sizeof(path)));
}

int main(void)
{
	RUN(test_root_mount_found);
	RUN(test_escaped_mount_point);
	RUN(test_none_mounted);
	CHECK_EXIT();
}

// SPDX-License-Identifier: GPL-2.0
/* The host readers of issue 15 (host/bpf_attached.h, host/qdisc_stats.h) from a script:
 *   list_attached NETNS_PATH IFNAME|--ifindex N ingress|egress
 *   list_attached --cgroup CGROUP2_ROOT CGROUP_ID ingress|egress
 *     one line per program: position attach id name prio handle link_id owner; for a
 *     cgroup, a line "cgroup PATH" (as /proc/PID/cgroup writes it) before them
 *   list_attached --qdisc NETNS_PATH IFNAME
 *     one line per qdisc of the device: kind handle parent drops
 * A missing name or owner prints as "-". Errors: one line on standard error, exit 1. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "host/bpf_attached.h"
#include "host/nsenter.h"
#include "host/qdisc_stats.h"

#define MAX_QDISCS 64

static int fail(const char *what, int err)
{
	fprintf(stderr, "list_attached: %s: %s\n", what, strerror(err < 0 ? -err : err));
	return 1;
}

static int usage(void)
{
	fprintf(stderr, "usage: list_attached NETNS_PATH IFNAME|--ifindex N ingress|egress\n"
			"       list_attached --cgroup CGROUP2_ROOT CGROUP_ID ingress|egress\n"
			"       list_attached --qdisc NETNS_PATH IFNAME\n");
	return 1;
}

static int direction(const char *s, bool *ingress)
{
	*ingress = !strcmp(s, "ingress");
	return *ingress || !strcmp(s, "egress") ? 0 : -EINVAL;
}

static int index_here(void *ctx)
{
	const char *name = *(const char **)ctx;
	unsigned int index = if_nametoindex(name);

	return index ? (int)index : -ENODEV;
}

/* IFNAME's index in the namespace at netns_path, or -errno. */
static int index_in(const char *netns_path, const char *name)
{
	return nsenter__run(netns_path, index_here, &name);
}

static void print_progs(const struct attached_prog *p, int count)
{
	for (int i = 0; i < count; i++)
		printf("%d %s %u %s %u %u %u %s\n", p[i].position,
		       attached__attach_name(p[i].attach), p[i].id, p[i].name[0] ? p[i].name : "-",
		       p[i].priority, p[i].handle, p[i].link_id, p[i].owner ? p[i].owner : "-");
}

static int list_device(int argc, char **argv)
{
	struct attached_prog progs[ATTACHED_MAX];
	const char *dir = argv[argc - 1];
	bool ingress;
	int index, count;

	if ((argc != 4 && argc != 5) || (argc == 5 && strcmp(argv[2], "--ifindex")) ||
	    direction(dir, &ingress))
		return usage();
	index = argc == 5 ? atoi(argv[3]) : index_in(argv[1], argv[2]);
	if (index <= 0)
		return fail(argv[argc - 2], index ? index : -ENODEV);
	count = attached__device(argv[1], index, ingress, progs, ATTACHED_MAX);
	if (count < 0)
		return fail("listing the device", count);
	print_progs(progs, count);
	return 0;
}

static int list_cgroup(int argc, char **argv)
{
	struct attached_prog progs[ATTACHED_MAX];
	unsigned long long id;
	char path[256], *end;
	bool ingress;
	int count;

	if (argc != 5 || direction(argv[4], &ingress))
		return usage();
	id = strtoull(argv[3], &end, 10);
	if (*end || !*argv[3])
		return usage();
	count = attached__cgroup(argv[2], id, ingress, progs, ATTACHED_MAX, path, sizeof(path));
	if (count < 0)
		return fail(argv[3], count);
	printf("cgroup %s\n", path);
	print_progs(progs, count);
	return 0;
}

static int list_qdiscs(int argc, char **argv)
{
	struct qdisc_stat q[MAX_QDISCS];
	char handle[16], parent[16];
	int index, count;

	if (argc != 4)
		return usage();
	index = index_in(argv[2], argv[3]);
	if (index <= 0)
		return fail(argv[3], index ? index : -ENODEV);
	count = qdisc_stats__read(argv[2], index, q, MAX_QDISCS);
	if (count < 0)
		return fail("reading the qdiscs", count);
	for (int i = 0; i < count; i++) {
		qdisc_stats__handle(q[i].handle, handle, sizeof(handle));
		qdisc_stats__handle(q[i].parent, parent, sizeof(parent));
		printf("%s %s %s %llu\n", q[i].kind, handle, parent,
		       (unsigned long long)q[i].drops);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "--cgroup"))
		return list_cgroup(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "--qdisc"))
		return list_qdiscs(argc, argv);
	return argc >= 4 ? list_device(argc, argv) : usage();
}

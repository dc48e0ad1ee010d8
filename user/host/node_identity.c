// SPDX-License-Identifier: GPL-2.0
/* The node's names and its clocks at the trace's start and end. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/utsname.h>
#include "host/node_identity.h"

#define CLOCK_TRIES 5

/* The file's first line, without its newline; "" when it cannot be read. */
static void read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "re");

	buf[0] = 0;
	if (!f)
		return;
	if (!fgets(buf, (int)size, f))
		buf[0] = 0;
	buf[strcspn(buf, "\n")] = 0;
	fclose(f);
}

static __u64 read_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
}

void clock_pair__read(struct clock_pair *cp)
{
	memset(cp, 0, sizeof(*cp));
	/* A preemption between the reads widens the bracket: the narrowest try wins. */
	for (int i = 0; i < CLOCK_TRIES; i++) {
		__u64 before = read_ns(CLOCK_MONOTONIC), real = read_ns(CLOCK_REALTIME);
		__u64 after = read_ns(CLOCK_MONOTONIC), half = (after - before + 1) / 2;

		if (i && half >= cp->error_ns)
			continue;
		cp->mono_ns = before + (after - before) / 2;
		cp->real_ns = real;
		cp->error_ns = half;
	}
}

void node_identity__read(struct node_identity *ni, const char *name)
{
	struct utsname u;

	memset(ni, 0, sizeof(*ni));
	if (gethostname(ni->hostname, sizeof(ni->hostname) - 1))
		ni->hostname[0] = 0;
	if (!uname(&u))
		snprintf(ni->kernel, sizeof(ni->kernel), "%s", u.release);
	read_line("/proc/sys/kernel/random/boot_id", ni->boot_id, sizeof(ni->boot_id));
	snprintf(ni->name, sizeof(ni->name), "%.63s", name ? name : ni->hostname);
	clock_pair__read(&ni->start);
}

void node_identity__end(struct node_identity *ni)
{
	clock_pair__read(&ni->end);
}

// SPDX-License-Identifier: GPL-2.0
/* Start-up phases (phases.h). The process's start is read from /proc/self/stat (in clock
 * ticks since boot), so the time before main (exec, the dynamic linker resolving a dozen
 * libraries) is a phase too; the resident set after each phase is read from statm. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "util/clock.h"
#include "util/phases.h"

#define PHASES_MAX 32

struct phase {
	const char *name;
	long long end_ns;
	long rss_kib;
};

static struct phases {
	bool on;
	long long start_ns;
	int count;
	struct phase at[PHASES_MAX];
} ph;

static long resident_kib(void)
{
	long size = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f)
		return -1;
	if (fscanf(f, "%ld %ld", &size, &resident) != 2)
		resident = -1;
	fclose(f);
	return resident < 0 ? -1 : resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/* The process's start in CLOCK_MONOTONIC nanoseconds: field 22 of /proc/self/stat counts
 * clock ticks since boot, which is CLOCK_BOOTTIME; the two differ by the time suspended. */
static long long process_start_ns(void)
{
	char buf[1024], *p;
	unsigned long long ticks;
	struct timespec boot, mono;
	FILE *f = fopen("/proc/self/stat", "r");
	size_t n;
	int field;

	if (!f)
		return clock__mono_ns();
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	p = strrchr(buf, ')'); /* the command name may hold spaces */
	if (!p)
		return clock__mono_ns();
	for (field = 2; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%llu", &ticks) != 1)
		return clock__mono_ns();
	clock_gettime(CLOCK_BOOTTIME, &boot);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	return (long long)(ticks * 1000000000ULL / (unsigned long long)sysconf(_SC_CLK_TCK)) -
	       ((boot.tv_sec - mono.tv_sec) * 1000000000LL + (boot.tv_nsec - mono.tv_nsec));
}

void phases__begin(void)
{
	const char *env = getenv("HOPTRACE_PHASES");

	ph.on = env && *env && strcmp(env, "0");
	ph.count = 0;
	if (ph.on)
		ph.start_ns = process_start_ns();
}

void phases__mark(const char *name)
{
	struct phase *p;

	if (!ph.on || ph.count >= PHASES_MAX)
		return;
	p = &ph.at[ph.count++];
	p->name = name;
	p->end_ns = clock__mono_ns();
	p->rss_kib = resident_kib();
}

void phases__report(FILE *f)
{
	long long prev = ph.start_ns;
	long prev_rss = 0;

	if (!ph.on || !ph.count)
		return;
	fprintf(f, "phases:");
	for (int i = 0; i < ph.count; i++) {
		const struct phase *p = &ph.at[i];

		fprintf(f, " %s=%.1fms/%+ldKiB", p->name, (p->end_ns - prev) / 1e6,
			p->rss_kib - prev_rss);
		prev = p->end_ns;
		prev_rss = p->rss_kib;
	}
	fprintf(f, " total=%.1fms rss=%ldKiB\n", (prev - ph.start_ns) / 1e6, prev_rss);
	ph.count = 0;
}

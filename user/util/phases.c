// SPDX-License-Identifier: GPL-2.0
/* Start-up phases (phases.h): the time from the binary's load to each mark, and the
 * resident set after each phase (statm). */
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

/* When the binary was loaded: constructors run once the dynamic linker is done, before
 * main. The exec and the linking before it are the start-up's time outside the phases
 * (make bench: the process's wall time less the phases' total). */
static long long loaded_ns;

__attribute__((constructor)) static void phases_loaded(void)
{
	loaded_ns = clock__mono_ns();
}

void phases__begin(void)
{
	const char *env = getenv("HOPTRACE_PHASES");

	ph.on = env && *env && strcmp(env, "0");
	ph.count = 0;
	if (ph.on)
		ph.start_ns = loaded_ns;
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

// SPDX-License-Identifier: GPL-2.0
/* Capability check from /proc/self/status, so "not root" is one clear line before any
 * load is tried, instead of a verifier error. */
#include <stdio.h>
#include <string.h>
#include "privilege.h"

#define CAP_NET_ADMIN 12
#define CAP_SYS_ADMIN 21
#define CAP_PERFMON 38
#define CAP_BPF 39

static unsigned long long effective_caps(void)
{
	unsigned long long caps = 0;
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &caps) == 1)
			break;
	fclose(f);
	return caps;
}

bool privilege__can_trace(char *why, size_t size)
{
	unsigned long long caps = effective_caps();
	bool admin = caps & (1ULL << CAP_SYS_ADMIN);
	bool bpf = admin || ((caps & (1ULL << CAP_BPF)) && (caps & (1ULL << CAP_PERFMON)));

	if (!bpf) {
		snprintf(why, size, "needs root (CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN)");
		return false;
	}
	if (!admin && !(caps & (1ULL << CAP_NET_ADMIN))) {
		snprintf(why, size, "needs CAP_NET_ADMIN besides CAP_BPF and CAP_PERFMON");
		return false;
	}
	return true;
}

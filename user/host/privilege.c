// SPDX-License-Identifier: GPL-2.0
/* Capability check from /proc/self/status, so "not root" is one clear line before any
 * load is tried, instead of a verifier error. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>
#include "host/privilege.h"

#define CAP_NET_ADMIN 12
#define CAP_NET_RAW 13
#define CAP_SYS_PTRACE 19
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

int privilege__drop_after_attach(void)
{
	const __u64 keep = (1ULL << CAP_SYS_ADMIN) | (1ULL << CAP_SYS_PTRACE) |
			   (1ULL << CAP_NET_ADMIN) | (1ULL << CAP_NET_RAW);
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {};
	int last = 63;

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	/* Without no_new_privs or the bounding set, an exec could bring them back. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	for (int cap = 0; cap <= last; cap++) {
		if (keep & (1ULL << cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) && errno == EINVAL)
			break; /* past the kernel's last capability */
	}
	for (int i = 0; i < 2; i++) {
		data[i].effective &= (__u32)(keep >> (32 * i));
		data[i].permitted &= (__u32)(keep >> (32 * i));
		data[i].inheritable = 0;
	}
	return syscall(SYS_capset, &hdr, data) ? -errno : 0;
}

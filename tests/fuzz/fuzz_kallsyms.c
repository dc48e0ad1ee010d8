// SPDX-License-Identifier: GPL-2.0
/* Fuzzes the kallsyms reader: the input is written to a file, loaded, and a few addresses
 * are formatted (each line's address, one byte either side of it, the extremes) into
 * buffers large and tiny. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "host/kallsyms.h"

#define MAX_LOOKUPS 16

/* The input's file: unlinked at once and reached through /proc/self/fd, so that nothing is
 * left in /tmp when the fuzzer stops on a crash. */
static char path[64];
static int fd = -1;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char name[] = "/tmp/hoptrace-fuzz-kallsyms.XXXXXX";

	(void)argc;
	(void)argv;
	fd = mkstemp(name);
	FUZZ_CHECK(fd >= 0);
	unlink(name);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return 0;
}

static void format_checked(const struct kallsyms *ks, __u64 addr)
{
	char buf[256], tiny[6];
	const char *s = kallsyms__format(ks, addr, buf, sizeof(buf));

	FUZZ_CHECK(s == buf && buf[0] && memchr(buf, 0, sizeof(buf)));
	s = kallsyms__format(ks, addr, tiny, sizeof(tiny));
	FUZZ_CHECK(s == tiny && memchr(tiny, 0, sizeof(tiny)) && !strncmp(tiny, buf, strlen(tiny)));
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	__u64 addrs[MAX_LOOKUPS] = { 0, ~0ull, 0xffffffff81000000ull };
	int n = 3;
	struct kallsyms *ks;
	const uint8_t *p = in, *end = in + size;

	FUZZ_CHECK(ftruncate(fd, 0) == 0);
	FUZZ_CHECK(pwrite(fd, in, size, 0) == (ssize_t)size);
	ks = kallsyms__load(path);
	if (!ks)
		return 0;
	/* Lines' leading hex addresses, parsed on a NUL-terminated copy of each line. */
	while (p < end && n + 3 <= MAX_LOOKUPS) {
		const uint8_t *nl = memchr(p, '\n', end - p);
		size_t len = (nl ? nl : end) - p;
		char line[24];

		memcpy(line, p, len < sizeof(line) - 1 ? len : sizeof(line) - 1);
		line[len < sizeof(line) - 1 ? len : sizeof(line) - 1] = '\0';
		addrs[n] = strtoull(line, NULL, 16);
		addrs[n + 1] = addrs[n] - 1;
		addrs[n + 2] = addrs[n] + 1;
		n += 3;
		p += len + 1;
	}
	for (int i = 0; i < n; i++)
		format_checked(ks, addrs[i]);
	kallsyms__free(ks);
	return 0;
}

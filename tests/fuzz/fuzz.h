/* SPDX-License-Identifier: GPL-2.0 */
/* What the libFuzzer targets share: a check that turns a broken promise into a crash the
 * fuzzer keeps, and the naming context the sinks need, loaded once per process. */
#ifndef FUZZ_H
#define FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>

#include "host/drop_reason.h"
#include "pipeline/enrich.h"
#include "host/kallsyms.h"

/* A property of the code under test, not a sanitizer finding: abort so the input is saved.
 * libFuzzer sends the target's stderr to /dev/null while fuzzing (-close_fd_mask); replaying
 * the saved input shows the message. */
#define FUZZ_CHECK(cond)                                                                      \
	do {                                                                                  \
		if (!(cond)) {                                                                \
			fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__, __LINE__, \
				#cond);                                                       \
			abort();                                                              \
		}                                                                             \
	} while (0)

/* The kallsyms fixture of the unit tests, found from this file's place in the tree. */
static inline const char *fuzz__fixture(const char *name)
{
	static char path[4096];
	const char *slash = strrchr(__FILE__, '/');
	int dir_len = slash ? (int)(slash - __FILE__) : 1;

	snprintf(path, sizeof(path), "%.*s/../fixtures/%s", dir_len, slash ? __FILE__ : ".", name);
	return path;
}

/* Naming as the trace has it: drop reasons from this kernel's BTF when it has some (else
 * raw numbers), symbols from the fixture, and a wall-clock offset of today's size, so that
 * timestamp arithmetic sees realistic magnitudes. Namespace and pod names stay unknown:
 * they depend on the machine. */
static inline void fuzz__enrich_init(struct enrich *en)
{
	struct btf *btf = btf__load_vmlinux_btf();

	memset(en, 0, sizeof(*en));
	if (btf) {
		en->reasons = drop_reasons__load(btf);
		btf__free(btf);
	}
	en->ksyms = kallsyms__load(fuzz__fixture("kallsyms.txt"));
	en->mono_to_wall_ns = 1700000000000000000LL;
}

#endif /* FUZZ_H */

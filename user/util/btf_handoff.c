// SPDX-License-Identifier: GPL-2.0
/* The wrapped btf__load_vmlinux_btf and btf__free (btf_handoff.h). Every caller in the
 * binary, libbpf included, comes here; the real functions are __real_btf__*. */
#include <stddef.h>
#include <bpf/btf.h>
#include "util/btf_handoff.h"

struct btf *__real_btf__load_vmlinux_btf(void);
struct btf *__wrap_btf__load_vmlinux_btf(void);
void __real_btf__free(struct btf *btf);
void __wrap_btf__free(struct btf *btf);

/* Set before the loads start and cleared after they end: the loading threads only read it. */
static struct btf *handed;

void btf_handoff__give(struct btf *btf)
{
	btf_handoff__discard();
	handed = btf;
}

void btf_handoff__discard(void)
{
	struct btf *btf = handed;

	handed = NULL;
	__real_btf__free(btf);
}

struct btf *__wrap_btf__load_vmlinux_btf(void)
{
	return handed ? handed : __real_btf__load_vmlinux_btf();
}

void __wrap_btf__free(struct btf *btf)
{
	if (!btf || btf != handed)
		__real_btf__free(btf);
}

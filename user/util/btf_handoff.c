// SPDX-License-Identifier: GPL-2.0
/* The wrapped btf__load_vmlinux_btf (btf_handoff.h). Every caller in the binary, libbpf
 * included, comes here; the real function is __real_btf__load_vmlinux_btf. */
#include <stddef.h>
#include <bpf/btf.h>
#include "util/btf_handoff.h"

struct btf *__real_btf__load_vmlinux_btf(void);
struct btf *__wrap_btf__load_vmlinux_btf(void);

static struct btf *handed;

void btf_handoff__give(struct btf *btf)
{
	btf__free(handed);
	handed = btf;
}

void btf_handoff__discard(void)
{
	btf__free(handed);
	handed = NULL;
}

struct btf *__wrap_btf__load_vmlinux_btf(void)
{
	struct btf *btf = handed;

	if (!btf)
		return __real_btf__load_vmlinux_btf();
	handed = NULL;
	return btf;
}

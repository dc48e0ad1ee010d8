// SPDX-License-Identifier: GPL-2.0
/* Both builds have the same maps, programs and variables at the same offsets (the Makefile
 * compares their skeletons and stops the build if they differ), so the probe-read build's
 * skeleton can open the other build's bytes: one skeleton type for the rest of the code. */
#include <errno.h>
#include <stdlib.h>
#include <linux/types.h>
#include "load/bpf_variant.h"
#include "hoptrace.h"
#include "hoptrace.skel.h"

/* The cast build's bytes (generated from its skeleton by scripts/skel-bytes.sh). */
const void *hoptrace_cast_bpf_elf_bytes(size_t *sz);

struct hoptrace_bpf *bpf_variant__open(bool rdonly_cast)
{
	struct hoptrace_bpf *obj = calloc(1, sizeof(*obj));
	int err;

	if (!obj) {
		errno = ENOMEM;
		return NULL;
	}
	err = hoptrace_bpf__create_skeleton(obj);
	if (!err && rdonly_cast)
		obj->skeleton->data = (void *)hoptrace_cast_bpf_elf_bytes(&obj->skeleton->data_sz);
	if (!err)
		err = bpf_object__open_skeleton(obj->skeleton, NULL);
	if (err) {
		hoptrace_bpf__destroy(obj);
		errno = -err;
		return NULL;
	}
	return obj;
}

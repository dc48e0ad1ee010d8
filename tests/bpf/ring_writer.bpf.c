// SPDX-License-Identifier: GPL-2.0
/* Writes records into a one-page ring buffer for the ring reader's unit test
 * (tests/unit/test_ring_reader.c), one per test run: ctx[0] bytes of the payload map's
 * value, or, with ctx[1] set, a record reserved and discarded. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#define PAYLOAD_MAX 1024

struct payload {
	__u8 bytes[PAYLOAD_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} ring SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct payload);
} payload SEC(".maps");

/* 0 when the record went in, 1 when the ring had no room, 2 on a bad request. */
SEC("raw_tp")
int write_record(__u64 *ctx)
{
	__u32 zero = 0, size = ctx[0];
	struct payload *p;
	void *slot;

	if (ctx[1]) {
		slot = bpf_ringbuf_reserve(&ring, 64, 0);
		if (!slot)
			return 1;
		bpf_ringbuf_discard(slot, BPF_RB_NO_WAKEUP);
		return 0;
	}
	p = bpf_map_lookup_elem(&payload, &zero);
	if (!p || size == 0 || size > PAYLOAD_MAX)
		return 2;
	return bpf_ringbuf_output(&ring, p->bytes, size, BPF_RB_NO_WAKEUP) ? 1 : 0;
}

char LICENSE[] SEC("license") = "GPL";

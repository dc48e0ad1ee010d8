/* SPDX-License-Identifier: GPL-2.0 */
/* What every BPF object that records hops shares with the main one: the tracking map, the
 * ring buffer and the counters, the counting filter's hash, and the submit path. The
 * fexit object (prog_exit.bpf.c) defines these maps too, and user space points them at the
 * main object's before it loads (bpf_map__reuse_fd): one set of maps, one reader. */
#ifndef TRACKING_BPF_H
#define TRACKING_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "hoptrace.h"

/* Ring bytes pending before the reader is woken (rodata of each object). */
extern const volatile __u32 cfg_wakeup_backlog;

/* What is remembered of a tracked skb between hops. */
struct track_state {
	__u64 first_ts;
	__u64 last_ts;
	__u64 head; /* skb->head at the last hop: a new buffer later means a new packet */
	__u8 nf_pf; /* where in netfilter it last was, while nf_valid */
	__u8 nf_hook;
	__u8 nf_pos;
	__u8 nf_valid;
	__u8 delivered; /* a socket has read it: its next life is not ours */
	__u8 pad[3];
};

/* Tracked skbs live in an LRU hash: entries whose free was never seen age out instead of
 * filling the map. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, struct track_state);
} tracked_skbs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, HOPTRACE_RING_DEFAULT); /* user space sets the real size */
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hop_stats);
} stats SEC(".maps");

/* The counting filter in front of the tracking map (struct hop_track_hints): a zero slot
 * means "not tracked" for a few instructions, where a hash lookup that misses costs about
 * 100 ns; every packet of the node asks. LRU evictions are not subtracted, so a slot can
 * only err towards a lookup. This is the slot of an skb. */

static __always_inline __u32 track_hint_index(__u64 skb)
{
	/* A 32-bit move turns the (BTF-typed) pointer into a plain number, which the
	 * verifier allows privileged programs; pointer arithmetic it does not. skbs come from a
	 * slab of 256-byte objects: the low byte carries nothing. */
	__u32 lo, h;

	/* One 32-bit move, so later shifts work on the copy and never on the pointer. */
	asm volatile("%0 = %1" : "=w"(lo) : "w"((__u32)skb));
	h = (lo >> 8) ^ (lo >> 24);
	/* Mask after the xor: verifiers before 6.2-ish lose a register's bounds on an xor
	 * with a non-constant, and clang would otherwise mask first. */
	barrier_var(h);

	return h & (HOP_TRACK_HINT_SLOTS - 1);
}

/* Waking the reader costs microseconds a record (an interrupt, here a hypervisor exit):
 * records go in silently and the reader polls on a short timer, unless a backlog of
 * cfg_wakeup_backlog bytes (an eighth of the ring) builds. */
static __always_inline __u64 submit_flags(void)
{
	return bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) > cfg_wakeup_backlog ?
		       BPF_RB_FORCE_WAKEUP :
		       BPF_RB_NO_WAKEUP;
}

static __always_inline void stats_count(bool lost)
{
	__u32 zero = 0;
	struct hop_stats *s = bpf_map_lookup_elem(&stats, &zero);

	if (!s)
		return;
	if (lost)
		s->lost++;
	else
		s->events++;
}

static __always_inline void event_submit(struct hop_event *e)
{
	bpf_ringbuf_submit(e, submit_flags());
	stats_count(false);
}

#endif /* TRACKING_BPF_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* The BPF side's life in user space: open the skeleton, configure it, load the chosen
 * programs, attach them, read the ring buffer and the counters, and undo it all. */
#ifndef TRACER_H
#define TRACER_H

#include <bpf/libbpf.h>
#include "load/ladder.h"
#include "load/ring_reader.h"
#include "load/shared_maps.h"
#include "cli/options.h"

struct hoptrace_bpf;
struct nf_links;

struct tracer {
	struct hoptrace_bpf *skel;  /* the maps (shared), and the programs not in skel2 */
	struct hoptrace_bpf *skel2; /* the programs loaded beside skel's, at once; or NULL */
	struct shared_maps maps;    /* until the load: the maps both objects take */
	struct ring_reader *rb;
	struct attach_state attached; /* links, netfilter links and watched programs, to undo */
	const struct kernel_features *kf;
	__u32 wakeup_backlog; /* the BPF side's cfg_wakeup_backlog */
	int cpus;
	bool rdonly_cast;      /* the loaded build reads headers through bpf_rdonly_cast */
	char cgroup_root[256]; /* the cgroup v2 root the socket-delivery hook attaches to */
};

/* Zeroes t and starts creating the shared maps in a thread, to overlap the work before the
 * load (the kernel's BTF parse). Optional: without it the load creates them. */
void tracer__prestart(struct tracer *t, const struct trace_config *opts);

/* Opens, configures (rodata from opts and kf) and loads the programs plan chose; events go
 * to on_event(ctx, data, size). t is zeroed or prestarted. Returns 0 or -errno, with one
 * line on stderr. */
int tracer__load(struct tracer *t, const struct trace_config *opts,
		 const struct kernel_features *kf, const struct attach_plan *plan,
		 ring_record_fn on_event, void *ctx);

/* Attaches each chosen program (netfilter observers in each namespace of netns_paths, fexit
 * on the BPF programs on their devices); a hook that fails is recorded in plan and skipped. Returns how many attached, or -errno
 * when none did. */
int tracer__attach(struct tracer *t, struct attach_plan *plan, const char *const *netns_paths,
		   int netns_count);

/* Hands a decoded hop to the bpf_prog hook's watch: a device (or a drop's cgroup) not seen
 * before gets its BPF programs watched. A hash lookup otherwise. */
void tracer__hop_seen(struct tracer *t, const struct hop_event *ev);

/* The bpf_prog hook's watch in one line (load/prog_watch.h), or "" when it did not start. */
void tracer__watch_summary(const struct tracer *t, char *buf, size_t size);

/* Waits up to timeout_ms for a wake-up (the BPF side sends one only when a backlog builds),
 * then hands on every event there is. Returns events handled or -errno. */
int tracer__poll(struct tracer *t, int timeout_ms);

/* Hands on whatever is left in the ring buffer without waiting. */
int tracer__drain(struct tracer *t);

/* hoptrace's programs, by id and name: never a drop's culprit, never watched. */
struct own_progs;
void tracer__own_progs(const struct tracer *t, struct own_progs *out);

/* Sums the per-CPU counters. */
int tracer__stats(const struct tracer *t, struct hop_stats *sum);

/* Detaches every program (no more events); the ring buffer can still be drained. */
void tracer__detach(struct tracer *t);

void tracer__destroy(struct tracer *t);

#endif /* TRACER_H */

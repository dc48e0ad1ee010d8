// SPDX-License-Identifier: GPL-2.0
/* Skeleton life: open -> rodata and autoload -> load -> attach -> poll -> detach -> destroy.
 * Every step is checked and undone on failure, so nothing stays attached. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include <linux/types.h>
#include "hoptrace.h"
#include "hoptrace.skel.h"
#include "load/bpf_variant.h"
#include "load/nf_links.h"
#include "host/own_progs.h"
#include "load/prog_fexit.h"
#include "load/prog_watch.h"
#include "load/tracer.h"
#include "util/phases.h"

/* The fexit object reads the counting filter through the main object's .bss map
 * (load/prog_fexit.c): that map must hold struct hop_track_hints and nothing else. */
_Static_assert(offsetof(struct hoptrace_bpf__bss, track_hints) == 0, "main .bss layout");
_Static_assert(sizeof(struct hoptrace_bpf__bss) == sizeof(struct hop_track_hints),
	       "main .bss layout");

static void set_cidrs(volatile struct hop_cidr *dst, const struct hop_cidr *src, int count)
{
	for (int i = 0; i < count; i++)
		memcpy((void *)&dst[i], &src[i], sizeof(src[i]));
}

static void configure(struct hoptrace_bpf *skel, const struct trace_config *o,
		      const struct kernel_features *kf)
{
	set_cidrs(skel->rodata->cfg_pod, o->pods, o->pod_count);
	skel->rodata->cfg_pod_count = o->pod_count;
	set_cidrs(skel->rodata->cfg_peer, o->peers, o->peer_count);
	skel->rodata->cfg_peer_count = o->peer_count;
	skel->rodata->cfg_proto = o->proto;
	skel->rodata->cfg_port = o->port;
	skel->rodata->cfg_snaplen = o->snaplen;
	skel->rodata->cfg_wakeup_backlog = o->ring_size / 8; /* also the fexit object's */
	skel->rodata->cfg_kfree_has_reason = kf->kfree_has_reason;
	skel->rodata->cfg_consume_has_location = kf->consume_has_location;
	skel->rodata->cfg_kfree_has_rx_sk = kf->kfree_has_rx_sk;
	skel->rodata->cfg_fib_table_is_ptr = kf->fib_table_is_ptr;
}

/* Opens one build of the BPF object, configures it and loads the programs plan chose. */
static int open_and_load(struct tracer *t, const struct trace_config *opts,
			 const struct kernel_features *kf, const struct attach_plan *plan,
			 bool rdonly_cast)
{
	int err;

	t->skel = bpf_variant__open(rdonly_cast);
	if (!t->skel) {
		err = -errno;
		fprintf(stderr, "hoptrace: opening the BPF object: %s\n", strerror(errno));
		return err;
	}
	phases__mark("bpf_open");
	configure(t->skel, opts, kf);
	err = bpf_map__set_max_entries(t->skel->maps.events, opts->ring_size);
	if (!err)
		err = netfilter__prepare(t->skel->obj);
	if (!err)
		err = attach_plan__apply(plan, t->skel->obj);
	if (!err)
		err = hoptrace_bpf__load(t->skel);
	if (err) {
		hoptrace_bpf__destroy(t->skel);
		t->skel = NULL;
	}
	phases__mark("bpf_load");
	return err;
}

int tracer__load(struct tracer *t, const struct trace_config *opts,
		 const struct kernel_features *kf, const struct attach_plan *plan,
		 ring_buffer_sample_fn on_event, void *ctx)
{
	int err;

	memset(t, 0, sizeof(*t));
	t->kf = kf;
	t->wakeup_backlog = opts->ring_size / 8;
	t->cpus = libbpf_num_possible_cpus();
	t->rdonly_cast = kf->rdonly_cast;
	snprintf(t->cgroup_root, sizeof(t->cgroup_root), "%s", kf->cgroup2);
	err = open_and_load(t, opts, kf, plan, t->rdonly_cast);
	/* A kernel that has the kfunc but refuses it somewhere still gets every hook, with
	 * the slower header reads. */
	if (err && t->rdonly_cast && err != -EPERM) {
		fprintf(stderr,
			"hoptrace: warning: the bpf_rdonly_cast build did not load (%s): "
			"reading headers with bpf_probe_read_kernel\n",
			strerror(-err));
		t->rdonly_cast = false;
		err = open_and_load(t, opts, kf, plan, false);
	}
	if (err) {
		fprintf(stderr, "hoptrace: loading BPF programs: %s%s\n", strerror(-err),
			err == -EPERM ? " (run as root: CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN)" :
					" (-vv shows the verifier log)");
		return err;
	}
	t->rb = ring_buffer__new(bpf_map__fd(t->skel->maps.events), on_event, ctx, NULL);
	phases__mark("ring");
	if (!t->rb) {
		err = -errno;
		fprintf(stderr, "hoptrace: ring buffer: %s\n", strerror(errno));
		hoptrace_bpf__destroy(t->skel);
		t->skel = NULL;
		return err;
	}
	return 0;
}

/* What the bpf_prog hook watches, and with which maps; NULL on ENOMEM or without fentry. */
static struct prog_watch *watch_new(struct tracer *t, const char *const *netns_paths,
				    int netns_count)
{
	struct prog_fexit_maps maps = {
		.tracked_skbs = bpf_map__fd(t->skel->maps.tracked_skbs),
		.events = bpf_map__fd(t->skel->maps.events),
		.stats = bpf_map__fd(t->skel->maps.stats),
		.track_hints = bpf_map__fd(t->skel->maps.bss),
	};
	struct own_progs own;
	struct prog_fexit *pf;

	/* The rung is not chosen where fentry is refused (load/ladder.c): nothing to watch. */
	if (!t->kf->fentry)
		return NULL;
	tracer__own_progs(t, &own);
	pf = prog_fexit__new(&maps, t->wakeup_backlog, t->kf, &own);
	return pf ? prog_watch__new(pf, netns_paths, netns_count, t->cgroup_root) : NULL;
}

int tracer__attach(struct tracer *t, struct attach_plan *plan, const char *const *netns_paths,
		   int netns_count)
{
	int attached;

	t->attached.obj = t->skel->obj;
	t->attached.netns_paths = netns_paths;
	t->attached.netns_count = netns_count;
	t->attached.cgroup_root = t->cgroup_root;
	t->attached.watch = watch_new(t, netns_paths, netns_count);
	attached = attach_plan__attach(plan, &t->attached);
	if (!attached) {
		fprintf(stderr,
			"hoptrace: no hook could attach on this kernel (see hoptrace hooks)\n");
		return -ENOENT;
	}
	return attached;
}

void tracer__hop_seen(struct tracer *t, const struct hop_event *ev)
{
	prog_watch__hop(t->attached.watch, ev);
}

void tracer__watch_summary(const struct tracer *t, char *buf, size_t size)
{
	buf[0] = 0;
	if (t->attached.watch)
		prog_watch__summary(t->attached.watch, buf, size);
}

int tracer__poll(struct tracer *t, int timeout_ms)
{
	int n = ring_buffer__poll(t->rb, timeout_ms), m;

	if (n == -EINTR)
		n = 0;
	if (n < 0)
		return n;
	/* The BPF side wakes us only when a backlog builds: read what came in quietly. */
	m = ring_buffer__consume(t->rb);
	return m < 0 ? m : n + m;
}

int tracer__drain(struct tracer *t)
{
	return t->rb ? ring_buffer__consume(t->rb) : 0;
}

int tracer__stats(const struct tracer *t, struct hop_stats *sum)
{
	struct hop_stats per_cpu[t->cpus > 0 ? t->cpus : 1];
	__u32 zero = 0;
	int err;

	memset(sum, 0, sizeof(*sum));
	if (!t->skel || t->cpus <= 0)
		return -EINVAL;
	err = bpf_map_lookup_elem(bpf_map__fd(t->skel->maps.stats), &zero, per_cpu);
	if (err)
		return -errno;
	for (int i = 0; i < t->cpus; i++) {
		sum->events += per_cpu[i].events;
		sum->lost += per_cpu[i].lost;
	}
	return 0;
}

void tracer__detach(struct tracer *t)
{
	attach_state__detach(&t->attached);
}

void tracer__destroy(struct tracer *t)
{
	tracer__detach(t);
	ring_buffer__free(t->rb);
	t->rb = NULL;
	hoptrace_bpf__destroy(t->skel);
	t->skel = NULL;
}

void tracer__own_progs(const struct tracer *t, struct own_progs *out)
{
	struct bpf_program *prog;

	memset(out, 0, sizeof(*out));
	if (!t->skel)
		return;
	bpf_object__for_each_program(prog, t->skel->obj) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(prog);

		/* Unloaded programs count by name: another hoptrace may have loaded them. */
		if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
			info.id = 0;
		own_progs__add(out, info.id, bpf_program__name(prog));
	}
}

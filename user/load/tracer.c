// SPDX-License-Identifier: GPL-2.0
/* Skeleton life: shared maps (from the start, load/shared_maps.c) -> open -> rodata and
 * autoload -> load (two objects at once where there are two CPUs) -> attach -> poll ->
 * detach -> destroy. Every step is checked and undone on failure, so nothing stays
 * attached. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stddef.h>
#include <stdlib.h>
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
#include "load/shared_maps.h"
#include "util/btf_handoff.h"
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

/* Opens one build of the BPF object (or takes the one maps opened already, when maps is
 * given) and configures it for the plan; NULL (errno set). */
static struct hoptrace_bpf *open_configured(const struct trace_config *opts,
					    const struct kernel_features *kf,
					    const struct attach_plan *plan, bool rdonly_cast,
					    struct shared_maps *maps)
{
	struct hoptrace_bpf *skel = maps ? shared_maps__take_opened(maps, rdonly_cast) : NULL;
	int err;

	if (!skel)
		skel = bpf_variant__open(rdonly_cast);
	if (!skel)
		return NULL;
	configure(skel, opts, kf);
	err = netfilter__prepare(skel->obj);
	if (!err)
		err = attach_plan__apply(plan, skel->obj);
	if (err) {
		hoptrace_bpf__destroy(skel);
		errno = -err;
		return NULL;
	}
	return skel;
}

/* Programs a second object may load beside the first. */
#define TRACER_SPLIT_MAX 32

/* The programs the second object loads, by name (borrowed from the first object). */
struct program_split {
	const char *second[TRACER_SPLIT_MAX];
	int count;
};

static bool in_second(const struct program_split *split, const char *name)
{
	for (int i = 0; i < split->count; i++)
		if (!strcmp(split->second[i], name))
			return true;
	return false;
}

static bool is_nf_observer(const char *name)
{
	return !strncmp(name, HOP_NF_PROG_PREFIX, strlen(HOP_NF_PROG_PREFIX));
}

/* CPUs this process may run on: a second object only pays where there is a second one. */
static int usable_cpus(void)
{
	cpu_set_t set;

	return sched_getaffinity(0, sizeof(set), &set) ? 1 : CPU_COUNT(&set);
}

struct sized_program {
	const char *name;
	size_t insns;
};

static int larger_first(const void *a, const void *b)
{
	const struct sized_program *pa = a, *pb = b;

	return pa->insns < pb->insns ? 1 : pa->insns > pb->insns ? -1 : 0;
}

/* The verifier checks one program at a time on one CPU, in time that grows with the
 * program's size: it was most of the start-up. The chosen programs are split between two
 * objects that load in parallel, each program, largest first, to the side with fewer
 * instructions so far. The netfilter observers stay together in the first object
 * (netfilter__attach links them from one object). */
static void split_programs(struct bpf_object *obj, struct program_split *split)
{
	struct sized_program progs[TRACER_SPLIT_MAX];
	struct bpf_program *prog;
	size_t first = 0, second = 0;
	int n = 0;

	split->count = 0;
	if (usable_cpus() < 2)
		return;
	bpf_object__for_each_program(prog, obj) {
		const char *name = bpf_program__name(prog);

		if (!bpf_program__autoload(prog))
			continue;
		if (is_nf_observer(name))
			first += bpf_program__insn_cnt(prog);
		else if (n < TRACER_SPLIT_MAX)
			progs[n++] = (struct sized_program){ name, bpf_program__insn_cnt(prog) };
	}
	qsort(progs, n, sizeof(progs[0]), larger_first);
	for (int i = 0; i < n; i++) {
		if (second < first) {
			split->second[split->count++] = progs[i].name;
			second += progs[i].insns;
		} else {
			first += progs[i].insns;
		}
	}
}

/* Keeps this object's share of the chosen programs, takes the shared maps, loads. */
static int load_share(struct hoptrace_bpf *skel, const struct program_split *split, bool second,
		      const struct shared_maps *maps)
{
	struct bpf_program *prog;
	int err;

	bpf_object__for_each_program(prog, skel->obj) {
		if (bpf_program__autoload(prog) &&
		    in_second(split, bpf_program__name(prog)) != second) {
			err = bpf_program__set_autoload(prog, false);
			if (err)
				return err;
		}
	}
	err = shared_maps__reuse(maps, skel->obj);
	return err ? err : hoptrace_bpf__load(skel);
}

/* The second object's load, in its own thread. */
struct second_load {
	const struct trace_config *opts;
	const struct kernel_features *kf;
	const struct attach_plan *plan;
	const struct shared_maps *maps;
	const struct program_split *split;
	bool rdonly_cast;
	struct hoptrace_bpf *skel; /* out */
	int err;		   /* out */
};

static void *load_second(void *arg)
{
	struct second_load *l = arg;

	l->skel = open_configured(l->opts, l->kf, l->plan, l->rdonly_cast, NULL);
	l->err = l->skel ? load_share(l->skel, l->split, true, l->maps) : -errno;
	return NULL;
}

static void destroy_objects(struct tracer *t)
{
	hoptrace_bpf__destroy(t->skel2);
	t->skel2 = NULL;
	hoptrace_bpf__destroy(t->skel);
	t->skel = NULL;
}

/* Opens one build of the BPF object and loads the programs plan chose, in one object or two
 * at once, all on the shared maps. */
static int open_and_load(struct tracer *t, const struct trace_config *opts,
			 const struct kernel_features *kf, const struct attach_plan *plan,
			 bool rdonly_cast)
{
	struct program_split split;
	struct second_load second = { opts, kf, plan, &t->maps, &split, rdonly_cast, NULL, 0 };
	bool threaded = false;
	pthread_t thread;
	int err;

	err = shared_maps__wait(&t->maps);
	phases__mark("shared_maps");
	if (err)
		return err;
	t->skel = open_configured(opts, kf, plan, rdonly_cast, &t->maps);
	if (!t->skel) {
		err = -errno;
		fprintf(stderr, "hoptrace: opening the BPF object: %s\n", strerror(errno));
		return err;
	}
	phases__mark("bpf_open");
	split_programs(t->skel->obj, &split);
	threaded = split.count && !pthread_create(&thread, NULL, load_second, &second);
	if (!threaded)
		split.count = 0;
	err = load_share(t->skel, &split, false, &t->maps);
	if (threaded) {
		pthread_join(thread, NULL);
		t->skel2 = second.skel;
		if (!err)
			err = second.err;
	}
	if (err)
		destroy_objects(t);
	phases__mark("bpf_load");
	return err;
}

void tracer__prestart(struct tracer *t, const struct trace_config *opts)
{
	memset(t, 0, sizeof(*t));
	/* A thread that cannot start leaves the creation to the load. */
	shared_maps__start(&t->maps, opts->ring_size);
}

int tracer__load(struct tracer *t, const struct trace_config *opts,
		 const struct kernel_features *kf, const struct attach_plan *plan,
		 ring_record_fn on_event, void *ctx)
{
	int err;

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
	/* The objects hold the shared maps now, and the loads are over: the kernel's BTF goes
	 * before the ring buffer's pages come. */
	shared_maps__close(&t->maps);
	btf_handoff__discard();
	if (err) {
		fprintf(stderr, "hoptrace: loading BPF programs: %s%s\n", strerror(-err),
			err == -EPERM ? " (run as root: CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN)" :
					" (-vv shows the verifier log)");
		return err;
	}
	t->rb = ring_reader__new(bpf_map__fd(t->skel->maps.events), on_event, ctx);
	phases__mark("ring");
	if (!t->rb) {
		err = -errno;
		fprintf(stderr, "hoptrace: ring buffer: %s\n", strerror(errno));
		destroy_objects(t);
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

	t->attached.objs[0] = t->skel->obj;
	t->attached.objs[1] = t->skel2 ? t->skel2->obj : NULL;
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
	/* The BPF side wakes us only when a backlog builds: the poll reads what came in
	 * quietly too. */
	return ring_reader__poll(t->rb, timeout_ms);
}

int tracer__drain(struct tracer *t)
{
	return t->rb ? ring_reader__consume(t->rb) : 0;
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
	ring_reader__free(t->rb);
	t->rb = NULL;
	destroy_objects(t);
	shared_maps__close(&t->maps);
}

/* The loaded instance of the first object's program prog: its own or the second's. */
static int loaded_fd(const struct tracer *t, const struct bpf_program *prog)
{
	struct bpf_program *other;
	int fd = bpf_program__fd(prog);

	if (fd >= 0 || !t->skel2)
		return fd;
	other = bpf_object__find_program_by_name(t->skel2->obj, bpf_program__name(prog));
	return other ? bpf_program__fd(other) : -1;
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
		int fd = loaded_fd(t, prog);

		/* Unloaded programs count by name: another hoptrace may have loaded them. */
		if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
			info.id = 0;
		own_progs__add(out, info.id, bpf_program__name(prog));
	}
}

/* SPDX-License-Identifier: GPL-2.0 */
/* The BPF maps every object of the trace shares (the tracking map, the ring buffer, the
 * counters, .bss), created before any object loads: their creation (the tracking map's
 * 65536 preallocated LRU entries alone take about 15 ms) runs in a thread while the main
 * thread parses the kernel's BTF, and the objects that load the programs in parallel
 * (load/tracer.c) each take the same maps instead of making their own. .rodata is not
 * shared: every object freezes its own copy of the same configuration. */
#ifndef LOAD_SHARED_MAPS_H
#define LOAD_SHARED_MAPS_H

#include <pthread.h>
#include <stdbool.h>
#include <linux/types.h>

struct bpf_object;

#define SHARED_MAPS_MAX 16

struct hoptrace_bpf;

struct shared_maps {
	/* The object the thread opened to read the map definitions, the bpf_rdonly_cast build
	 * (what current kernels load): kept for the load to configure and use, not opened
	 * twice. NULL once taken. */
	struct hoptrace_bpf *opened;
	pthread_t thread;
	bool started; /* the thread runs, or ran and was not joined yet */
	bool done;    /* creation ended (err says how) */
	int err;      /* 0, or the -errno that stopped the creation */
	__u32 ring_size;
	int count;
	char names[SHARED_MAPS_MAX][64]; /* as bpf_map__name() says */
	int fds[SHARED_MAPS_MAX];
};

/* Starts creating the maps, the ring buffer ring_size bytes, in a thread. 0 or -errno (the
 * thread could not start: the maps are then made by shared_maps__wait). */
int shared_maps__start(struct shared_maps *m, __u32 ring_size);

/* Waits for the creation; 0 or its -errno. */
int shared_maps__wait(struct shared_maps *m);

/* The object the thread opened, when it is the build asked for (ownership passes to the
 * caller); else NULL. After shared_maps__wait. */
struct hoptrace_bpf *shared_maps__take_opened(struct shared_maps *m, bool rdonly_cast);

/* Has obj use the shared maps (every map but .rodata) at its load. 0 or -errno. */
int shared_maps__reuse(const struct shared_maps *m, struct bpf_object *obj);

/* Closes this side's descriptors (the objects keep their own) and an object not taken;
 * waits for the thread first. */
void shared_maps__close(struct shared_maps *m);

#endif /* LOAD_SHARED_MAPS_H */

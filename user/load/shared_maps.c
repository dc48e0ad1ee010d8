// SPDX-License-Identifier: GPL-2.0
/* Shared maps, created from the object's own definitions (load/shared_maps.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>
#include "hoptrace.h"
#include "hoptrace.skel.h"
#include "load/bpf_variant.h"
#include "load/shared_maps.h"

static bool is_rodata(const struct bpf_map *map)
{
	const char *name = bpf_map__name(map);
	size_t len = strlen(name);

	return len >= 7 && !strcmp(name + len - 7, ".rodata");
}

/* One map as libbpf would make it, without the BTF ids (only pretty-printing uses them for
 * these maps: none holds a spin lock or a timer). */
static int create_one(const struct bpf_map *map)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = bpf_map__map_flags(map),
		    .numa_node = bpf_map__numa_node(map), .map_extra = bpf_map__map_extra(map));
	int fd = bpf_map_create(bpf_map__type(map), bpf_map__name(map), bpf_map__key_size(map),
				bpf_map__value_size(map), bpf_map__max_entries(map), &opts);

	return fd < 0 ? -errno : fd;
}

/* Both builds have the same maps (load/bpf_variant.c): the cast build describes them, and
 * is kept for the load. */
static int create_all(struct shared_maps *m)
{
	struct hoptrace_bpf *skel = bpf_variant__open(true);
	struct bpf_map *map;
	int err = 0;

	if (!skel)
		return -errno;
	err = bpf_map__set_max_entries(skel->maps.events, m->ring_size);
	bpf_object__for_each_map(map, skel->obj) {
		int fd;

		if (err)
			break;
		if (is_rodata(map))
			continue;
		if (m->count == SHARED_MAPS_MAX) {
			err = -E2BIG;
			break;
		}
		fd = create_one(map);
		if (fd < 0) {
			err = fd;
			break;
		}
		snprintf(m->names[m->count], sizeof(m->names[0]), "%s", bpf_map__name(map));
		m->fds[m->count++] = fd;
	}
	m->opened = skel;
	return err;
}

static void *create_thread(void *arg)
{
	struct shared_maps *m = arg;

	m->err = create_all(m);
	return NULL;
}

int shared_maps__start(struct shared_maps *m, __u32 ring_size)
{
	int err;

	memset(m, 0, sizeof(*m));
	m->ring_size = ring_size;
	err = pthread_create(&m->thread, NULL, create_thread, m);
	if (err)
		return -err;
	m->started = true;
	return 0;
}

int shared_maps__wait(struct shared_maps *m)
{
	if (m->started) {
		pthread_join(m->thread, NULL);
		m->started = false;
	} else if (!m->done) {
		m->err = create_all(m);
	}
	m->done = true;
	return m->err;
}

struct hoptrace_bpf *shared_maps__take_opened(struct shared_maps *m, bool rdonly_cast)
{
	struct hoptrace_bpf *skel = rdonly_cast ? m->opened : NULL;

	if (skel)
		m->opened = NULL;
	return skel;
}

int shared_maps__reuse(const struct shared_maps *m, struct bpf_object *obj)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj) {
		int i = 0, err;

		if (is_rodata(map))
			continue;
		while (i < m->count && strcmp(m->names[i], bpf_map__name(map)))
			i++;
		if (i == m->count)
			return -ENOENT;
		err = bpf_map__reuse_fd(map, m->fds[i]);
		if (err)
			return err;
	}
	return 0;
}

void shared_maps__close(struct shared_maps *m)
{
	shared_maps__wait(m);
	for (int i = 0; i < m->count; i++)
		close(m->fds[i]);
	m->count = 0;
	hoptrace_bpf__destroy(m->opened);
	m->opened = NULL;
}

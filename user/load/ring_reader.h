/* SPDX-License-Identifier: GPL-2.0 */
/* Reading a BPF ring buffer with its data pages mapped once. libbpf's reader maps them
 * twice in a row, so that a record running past the end reads as one piece; the kernel
 * fills every page of a ring mapping when it is made, so the process's resident size then
 * counts the ring twice (8 MiB of data: 16 MiB). Here a record that wraps is copied into
 * one piece instead, which only the rare record at the end needs. */
#ifndef RING_READER_H
#define RING_READER_H

#include <stddef.h>

struct ring_reader;

/* Called for each record, in order; a negative return stops the reading and is returned. */
typedef int (*ring_record_fn)(void *ctx, void *data, size_t size);

/* Maps the ring of a BPF_MAP_TYPE_RINGBUF map. NULL with errno set on failure. */
struct ring_reader *ring_reader__new(int map_fd, ring_record_fn fn, void *ctx);

/* Reads every record committed so far: how many, or the callback's negative return. */
int ring_reader__consume(struct ring_reader *r);

/* Waits up to timeout_ms for the kernel's wake-up, then reads what is there (the BPF side
 * may write without waking: records are read either way). How many, or -errno. */
int ring_reader__poll(struct ring_reader *r, int timeout_ms);

void ring_reader__free(struct ring_reader *r);

#endif /* RING_READER_H */

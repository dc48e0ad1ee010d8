// SPDX-License-Identifier: GPL-2.0
/* A BPF ring buffer's reader (load/ring_reader.h). The layout is the kernel's
 * (kernel/bpf/ringbuf.c): page 0 holds the consumer position, the only page user space may
 * write; page 1 the producer position; the data pages follow. Each record starts with an
 * 8-byte header, its length with a busy bit (still being written) and a discard bit, at an
 * 8-byte aligned position, so a header never wraps; the record's data may. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "load/ring_reader.h"

struct ring_reader {
	ring_record_fn fn;
	void *ctx;
	unsigned long *consumer_pos; /* page 0, read-write */
	unsigned long *producer_pos; /* page 1, read-only, with the data after it */
	unsigned char *data;
	size_t size; /* of the data: a power of two */
	size_t page_size;
	int epoll_fd;
	unsigned char *bounce; /* a record that wraps, in one piece */
	size_t bounce_size;
};

/* The data of a record that runs past the end, copied into one piece. */
static void *unwrap(struct ring_reader *r, size_t off, size_t len)
{
	size_t first = r->size - off;

	if (len > r->bounce_size) {
		unsigned char *b = realloc(r->bounce, len);

		if (!b)
			return NULL;
		r->bounce = b;
		r->bounce_size = len;
	}
	memcpy(r->bounce, r->data + off, first);
	memcpy(r->bounce + first, r->data, len - first);
	return r->bounce;
}

int ring_reader__consume(struct ring_reader *r)
{
	unsigned long cons = __atomic_load_n(r->consumer_pos, __ATOMIC_ACQUIRE), prod;
	size_t mask = r->size - 1;
	bool more;
	int n = 0;

	do {
		more = false;
		prod = __atomic_load_n(r->producer_pos, __ATOMIC_ACQUIRE);
		while (cons < prod) {
			__u32 *hdr = (__u32 *)(r->data + (cons & mask));
			__u32 len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
			size_t size = len & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
			size_t off = (cons + BPF_RINGBUF_HDR_SZ) & mask;
			void *rec;
			int err;

			if (len & BPF_RINGBUF_BUSY_BIT)
				return n;
			more = true;
			cons += (size + BPF_RINGBUF_HDR_SZ + 7) & ~7UL;
			if (!(len & BPF_RINGBUF_DISCARD_BIT)) {
				rec = off + size <= r->size ? r->data + off : unwrap(r, off, size);
				err = rec ? r->fn(r->ctx, rec, size) : -ENOMEM;
				if (err < 0) {
					__atomic_store_n(r->consumer_pos, cons, __ATOMIC_RELEASE);
					return err;
				}
				if (n < __INT_MAX__)
					n++;
			}
			/* The kernel may reuse the space from here on. */
			__atomic_store_n(r->consumer_pos, cons, __ATOMIC_RELEASE);
		}
	} while (more);
	return n;
}

int ring_reader__poll(struct ring_reader *r, int timeout_ms)
{
	struct epoll_event ev;

	if (epoll_wait(r->epoll_fd, &ev, 1, timeout_ms) < 0 && errno != EINTR)
		return -errno;
	return ring_reader__consume(r);
}

struct ring_reader *ring_reader__new(int map_fd, ring_record_fn fn, void *ctx)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	struct ring_reader *r;
	void *p;
	int err;

	if (bpf_obj_get_info_by_fd(map_fd, &info, &len))
		return NULL;
	if (info.type != BPF_MAP_TYPE_RINGBUF) {
		errno = EINVAL;
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->fn = fn;
	r->ctx = ctx;
	r->epoll_fd = -1;
	r->size = info.max_entries;
	r->page_size = (size_t)sysconf(_SC_PAGESIZE);
	r->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (r->epoll_fd < 0)
		goto fail;
	p = mmap(NULL, r->page_size, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	if (p == MAP_FAILED)
		goto fail;
	r->consumer_pos = p;
	/* The data once: the kernel checks only that the mapping fits in the ring's pages. */
	p = mmap(NULL, r->page_size + r->size, PROT_READ, MAP_SHARED, map_fd, r->page_size);
	if (p == MAP_FAILED)
		goto fail;
	r->producer_pos = p;
	r->data = (unsigned char *)p + r->page_size;
	if (epoll_ctl(r->epoll_fd, EPOLL_CTL_ADD, map_fd, &ev) < 0)
		goto fail;
	return r;
fail:
	err = errno;
	ring_reader__free(r);
	errno = err;
	return NULL;
}

void ring_reader__free(struct ring_reader *r)
{
	if (!r)
		return;
	if (r->producer_pos)
		munmap(r->producer_pos, r->page_size + r->size);
	if (r->consumer_pos)
		munmap(r->consumer_pos, r->page_size);
	if (r->epoll_fd >= 0)
		close(r->epoll_fd);
	free(r->bounce);
	free(r);
}

// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the ring reader (load/ring_reader.h) on a real BPF ring buffer of one page,
 * written by a BPF program run through BPF_PROG_TEST_RUN (tests/bpf/ring_writer.bpf.c):
 * records of every size come out whole and in order, also those that run past the ring's
 * end; discarded records are skipped; a callback's error stops the reading at that record
 * and the next read goes on after it. Needs root (a real ring): without it, a SKIP. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "check.h"
#include "load/ring_reader.h"

#define PAYLOAD_MAX 1024
#define RING_SIZE 4096

struct writer {
	struct bpf_object *obj;
	int prog_fd, ring_fd, payload_fd;
};

static struct writer writer;

struct seen {
	unsigned char bytes[64][PAYLOAD_MAX];
	size_t sizes[64];
	int count;
	int fail_at; /* the callback returns -EIO for this record (0-based), or -1 */
};

static int record(void *ctx, void *data, size_t size)
{
	struct seen *s = ctx;

	if (s->count == s->fail_at) {
		s->fail_at = -1;
		return -EIO;
	}
	if (s->count >= 64 || size > PAYLOAD_MAX)
		return -E2BIG;
	memcpy(s->bytes[s->count], data, size);
	s->sizes[s->count++] = size;
	return 0;
}

static bool writer_open(struct writer *w)
{
	char path[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 64);

	if (n <= 0)
		return false;
	path[n] = 0;
	slash = strrchr(path, '/');
	if (!slash)
		return false;
	strcpy(slash, "/bpf/ring_writer.bpf.o");
	w->obj = bpf_object__open_file(path, NULL);
	if (!w->obj || bpf_object__load(w->obj))
		return false;
	w->prog_fd = bpf_program__fd(bpf_object__find_program_by_name(w->obj, "write_record"));
	w->ring_fd = bpf_object__find_map_fd_by_name(w->obj, "ring");
	w->payload_fd = bpf_object__find_map_fd_by_name(w->obj, "payload");
	return w->prog_fd >= 0 && w->ring_fd >= 0 && w->payload_fd >= 0;
}

/* Runs the writer: 0 written, 1 no room, else an error. */
static int write_one(struct writer *w, size_t size, bool discard, int seed)
{
	unsigned char payload[PAYLOAD_MAX];
	__u64 args[2] = { size, discard };
	__u32 zero = 0;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = args, .ctx_size_in = sizeof(args));

	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (unsigned char)(seed * 31 + i);
	if (bpf_map_update_elem(w->payload_fd, &zero, payload, BPF_ANY) ||
	    bpf_prog_test_run_opts(w->prog_fd, &opts))
		return -1;
	return (int)opts.retval;
}

static bool bytes_are(const unsigned char *b, size_t size, int seed)
{
	for (size_t i = 0; i < size; i++)
		if (b[i] != (unsigned char)(seed * 31 + i))
			return false;
	return true;
}

/* 300 records of sizes 1 to 1000 through a 4 KiB ring (about 40 times round it, so many
 * records straddle its end), read whenever it is full: each whole and in order. */
static void test_every_size_whole_and_in_order(void)
{
	struct writer *w = &writer;
	static struct seen s;
	struct ring_reader *r = ring_reader__new(w->ring_fd, record, &s);
	int written = 0, read = 0, bad = 0, got = 1;

	CHECK(r != NULL);
	if (!r)
		return;
	s.fail_at = -1;
	while (written < 300) {
		size_t size = (size_t)(written * 337 % 1000) + 1;
		int rc = write_one(w, size, false, written);

		if (rc == 1 || written == 299) {
			s.count = 0;
			got = ring_reader__consume(r);
			CHECK(got > 0);
			for (int i = 0; i < s.count; i++, read++)
				bad += s.sizes[i] != (size_t)(read * 337 % 1000) + 1 ||
				       !bytes_are(s.bytes[i], s.sizes[i], read);
		}
		/* A full ring that reads as empty would never take the next record. */
		if (rc == 0)
			written++;
		else if (rc != 1 || got <= 0)
			break;
	}
	s.count = 0;
	ring_reader__consume(r);
	read += s.count;
	CHECK(written == 300 && read == 300 && bad == 0);
	ring_reader__free(r);
}

/* Discarded records are skipped; a callback's error is returned at its record, and the next
 * read starts after that record. */
static void test_discard_and_stop(void)
{
	struct writer *w = &writer;
	static struct seen s;
	struct ring_reader *r = ring_reader__new(w->ring_fd, record, &s);

	CHECK(r != NULL);
	if (!r)
		return;
	s.fail_at = -1;
	s.count = 0;
	ring_reader__consume(r); /* what the test before left */
	s.count = 0;
	CHECK(write_one(w, 10, false, 1) == 0 && write_one(w, 0, true, 0) == 0 &&
	      write_one(w, 20, false, 2) == 0);
	CHECK(ring_reader__consume(r) == 2);
	CHECK(s.count == 2 && s.sizes[0] == 10 && s.sizes[1] == 20);
	CHECK(bytes_are(s.bytes[1], 20, 2));

	s.count = 0;
	s.fail_at = 1;
	for (int i = 0; i < 3; i++)
		CHECK(write_one(w, 30 + (size_t)i, false, 10 + i) == 0);
	CHECK(ring_reader__consume(r) == -EIO);
	CHECK(s.count == 1 && s.sizes[0] == 30);
	CHECK(ring_reader__poll(r, 0) == 1);
	CHECK(s.count == 2 && s.sizes[1] == 32 && bytes_are(s.bytes[1], 32, 12));
	ring_reader__free(r);
}

/* A map that is no ring buffer is refused. */
static void test_not_a_ring(void)
{
	struct writer *w = &writer;
	errno = 0;
	CHECK(ring_reader__new(w->payload_fd, record, NULL) == NULL && errno == EINVAL);
}

int main(void)
{
	if (geteuid() != 0) {
		printf("SKIP unit test_ring_reader: needs root (a real BPF ring buffer)\n");
		return 0;
	}
	libbpf_set_print(NULL);
	if (!writer_open(&writer)) {
		printf("FAIL unit test_ring_reader: the ring writer did not load (%s)\n",
		       strerror(errno));
		return 1;
	}
	RUN(test_every_size_whole_and_in_order);
	RUN(test_discard_and_stop);
	RUN(test_not_a_ring);
	bpf_object__close(writer.obj);
	CHECK_EXIT();
}

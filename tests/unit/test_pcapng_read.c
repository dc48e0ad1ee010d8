// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the pcapng reader: files from hoptrace's own writer read back field by
 * field, hand-built files in the other byte order, and damaged files refused with a line
 * that says what and where. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "merge/pcapng_read.h"
#include "sinks/pcapng_writer.h"

/* A malloc'ed copy, as the reader takes ownership of its buffer. */
static uint8_t *dup_bytes(const void *p, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);

	if (copy && len)
		memcpy(copy, p, len);
	return copy;
}

static int read_bytes(const void *p, size_t len, struct pcapng_file *f, char *err, size_t errlen)
{
	err[0] = 0;
	return pcapng_read__buffer(dup_bytes(p, len), len, f, err, errlen);
}

/* Refused, with a line holding want. */
static void check_refused(const void *p, size_t len, const char *want)
{
	struct pcapng_file f;
	char err[256];

	CHECK(read_bytes(p, len, &f, err, sizeof(err)) == -1);
	if (!strstr(err, want)) {
		fprintf(stderr, "  error \"%s\" lacks \"%s\"\n", err, want);
		check__case_failed = 1;
	}
	CHECK(!strchr(err, '\n'));
	CHECK(!f.buf && !f.frames && !f.ifs && !f.blocks);
}

/* What the writer writes for the sample: */
static const uint8_t tc_action[8] = { 2, 0, 0, 0, 0, 0, 0, 0 };
static const uint8_t payload0[] = { 0x45, 0, 0, 20, 1, 2, 3 };
static const uint8_t payload1[] = { 0xde, 0xad, 0xbe, 0xef };
static const char *const comments0[] = { "hop 1: veth-a", "hop 2: dropped" };
static const char *const customs0[] = { "{\"hop\":1}", "{\"hop\":2}", "{\"verdict\":\"drop\"}" };
static const char *const customs1[] = { "x" };
#define SAMPLE_TS0 1700000000123456789ull
#define SAMPLE_TS1 1700000000999999999ull

/* Writes a whole sample file with the project's writer; returns it malloc'ed. */
static uint8_t *write_sample(size_t *len)
{
	static const struct pcapng_section_info info = { .hardware = "node-1",
							 .os = "Linux 6.1",
							 .application = "hoptrace 0.1",
							 .comment = "a sample" };
	struct pcapng_packet p0 = {
		.ts_ns = SAMPLE_TS0,
		.data = payload0,
		.cap_len = sizeof(payload0),
		.orig_len = 60,
		.direction = PCAPNG_DIR_OUTBOUND,
		.packet_id = 0x1122334455667788ull,
		.verdict_type = PCAPNG_VERDICT_TC,
		.verdict_data = tc_action,
		.verdict_len = sizeof(tc_action),
		.comments = comments0,
		.comment_count = 2,
		.custom_strings = customs0,
		.custom_count = 3,
	};
	struct pcapng_packet p1 = {
		.ts_ns = SAMPLE_TS1,
		.data = payload1,
		.cap_len = sizeof(payload1),
		.orig_len = sizeof(payload1),
		.verdict_type = PCAPNG_VERDICT_NONE,
		.custom_strings = customs1,
		.custom_count = 1,
	};
	struct pcapng_writer *w;
	char *buf = NULL;
	FILE *f;

	f = open_memstream(&buf, len);
	if (!f)
		return NULL;
	w = pcapng_writer__open(f, &info);
	CHECK(w);
	CHECK(pcapng_writer__interface(w, "eth0", "uplink", PCAPNG_LINKTYPE_ETHERNET, 0) == 0);
	CHECK(pcapng_writer__interface(w, "veth-a", NULL, PCAPNG_LINKTYPE_LINUX_SLL2, 256) == 1);
	CHECK(pcapng_writer__packet(w, 1, &p0) == 0);
	CHECK(pcapng_writer__custom_block(w, "packet 1\nhop 1\n", 15) == 0);
	CHECK(pcapng_writer__packet(w, 0, &p1) == 0);
	pcapng_writer__free(w);
	fclose(f);
	return (uint8_t *)buf;
}

static void test_round_trip(void)
{
	const struct pcapng_read_frame *fr;
	struct pcapng_file f;
	uint8_t *buf;
	char err[256];
	size_t len;

	buf = write_sample(&len);
	if (!buf) {
		SKIP("open_memstream failed");
		return;
	}
	CHECK(pcapng_read__buffer(buf, len, &f, err, sizeof(err)) == 0);
	CHECK(f.buf == buf && f.size == len && !f.swapped);
	CHECK_STR(f.application, "hoptrace 0.1");
	CHECK_STR(f.os, "Linux 6.1");
	CHECK_STR(f.hardware, "node-1");
	CHECK_STR(f.comment, "a sample");

	CHECK(f.if_count == 2);
	CHECK_STR(f.ifs[0].name, "eth0");
	CHECK_STR(f.ifs[0].description, "uplink");
	CHECK(f.ifs[0].linktype == PCAPNG_LINKTYPE_ETHERNET && f.ifs[0].snaplen == 0);
	CHECK(f.ifs[0].ts_units == 1000000000ull);
	CHECK_STR(f.ifs[1].name, "veth-a");
	CHECK(!f.ifs[1].description);
	CHECK(f.ifs[1].linktype == PCAPNG_LINKTYPE_LINUX_SLL2 && f.ifs[1].snaplen == 256);

	CHECK(f.frame_count == 2 && f.block_count == 1);
	fr = &f.frames[0];
	CHECK(fr->seq == 0 && fr->if_id == 1);
	CHECK(fr->ts_ns == SAMPLE_TS0);
	CHECK(fr->cap_len == sizeof(payload0) && fr->orig_len == 60);
	CHECK(fr->data && !memcmp(fr->data, payload0, sizeof(payload0)));
	CHECK(fr->data > buf && fr->data < buf + len);
	CHECK(fr->has_flags && fr->flags == PCAPNG_DIR_OUTBOUND);
	CHECK(fr->has_packet_id && fr->packet_id == 0x1122334455667788ull);
	CHECK(fr->verdict_type == PCAPNG_VERDICT_TC && fr->verdict_len == sizeof(tc_action));
	CHECK(fr->verdict_data && !memcmp(fr->verdict_data, tc_action, sizeof(tc_action)));
	CHECK(fr->comment_count == 2);
	if (fr->comment_count == 2) {
		CHECK_STR(fr->comments[0], comments0[0]);
		CHECK_STR(fr->comments[1], comments0[1]);
	}
	CHECK(fr->custom_count == 3);
	if (fr->custom_count == 3) {
		CHECK_STR(fr->customs[0], customs0[0]);
		CHECK_STR(fr->customs[1], customs0[1]);
		CHECK_STR(fr->customs[2], customs0[2]);
	}

	CHECK(f.blocks[0].seq == 1);
	CHECK_STR(f.blocks[0].text, "packet 1\nhop 1\n");
	CHECK(f.blocks[0].len == 15);

	fr = &f.frames[1];
	CHECK(fr->seq == 2 && fr->if_id == 0 && fr->ts_ns == SAMPLE_TS1);
	CHECK(fr->cap_len == 4 && !memcmp(fr->data, payload1, 4));
	CHECK(!fr->has_flags && !fr->has_packet_id && fr->verdict_type == -1);
	CHECK(fr->comment_count == 0 && !fr->comments);
	CHECK(fr->custom_count == 1);
	if (fr->custom_count == 1)
		CHECK_STR(fr->customs[0], "x");

	pcapng_read__free(&f);
	CHECK(!f.buf && !f.frames && f.frame_count == 0);
	pcapng_read__free(&f); /* a second time is harmless */
}

/* The same through a file on disk. */
static void test_read_file(void)
{
	char path[] = "/tmp/test_pcapng_read_XXXXXX";
	struct pcapng_file f;
	uint8_t *buf;
	char err[256];
	size_t len;
	int fd;

	buf = write_sample(&len);
	fd = mkstemp(path);
	if (!buf || fd < 0) {
		SKIP("cannot write a temporary file");
		free(buf);
		return;
	}
	CHECK(write(fd, buf, len) == (ssize_t)len);
	close(fd);
	CHECK(pcapng_read__file(path, &f, err, sizeof(err)) == 0);
	CHECK(f.size == len && f.frame_count == 2 && f.block_count == 1 && f.if_count == 2);
	pcapng_read__free(&f);
	unlink(path);
	CHECK(pcapng_read__file(path, &f, err, sizeof(err)) == -1);
	CHECK(strstr(err, "No such file"));
	free(buf);
}

static void test_empty(void)
{
	struct pcapng_file f;
	char err[256];

	CHECK(pcapng_read__buffer(NULL, 0, &f, err, sizeof(err)) == -1);
	CHECK_STR(err, "empty file");
	check_refused("", 0, "empty file");
}

static void test_not_pcapng(void)
{
	static const uint8_t classic[24] = { 0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0 };

	check_refused(classic, sizeof(classic),
		      "not a pcapng file (it starts with 0xd4 0xc3 0xb2 0xa1)");
	check_refused("\x0a\x0d", 2, "not a pcapng file (it starts with 0x0a 0x0d)");
}

/* The sample, damaged by the caller, is refused with want in the error line. */
static void check_damaged_sample(void (*damage)(uint8_t *buf, size_t *len), const char *want)
{
	uint8_t *buf;
	size_t len;

	buf = write_sample(&len);
	if (!buf) {
		SKIP("open_memstream failed");
		return;
	}
	damage(buf, &len);
	check_refused(buf, len, want);
	free(buf);
}

static uint32_t le32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* The byte offset of the n-th block of type in buf, or 0. */
static size_t block_at(const uint8_t *buf, size_t len, uint32_t type, int n)
{
	size_t off = 0;

	while (off + 12 <= len) {
		if (le32(buf + off) == type && n-- == 0)
			return off;
		off += le32(buf + off + 4);
	}
	return 0;
}

static void cut_inside_first_packet(uint8_t *buf, size_t *len)
{
	*len = block_at(buf, *len, 6, 0) + 40;
}

static void change_a_trailing_length(uint8_t *buf, size_t *len)
{
	size_t at = block_at(buf, *len, 6, 0);

	buf[at + le32(buf + at + 4) - 4] += 4;
}

/* The first option of the second packet (a custom string) claims more than the block has. */
static void lengthen_an_option(uint8_t *buf, size_t *len)
{
	size_t at = block_at(buf, *len, 6, 1);

	buf[at + 28 + 4 + 2] = 0xf0;
}

static void move_a_packet_to_interface_7(uint8_t *buf, size_t *len)
{
	buf[block_at(buf, *len, 6, 0) + 8] = 7;
}

static void shorten_a_packet_id(uint8_t *buf, size_t *len)
{
	size_t at = block_at(buf, *len, 6, 0), opt = at + 28 + 8;

	/* Skip the two comments and the flags to reach epb_packetid (code 5, 8 bytes). */
	while (le32(buf + opt) != (5u | 8u << 16))
		opt += 4 + ((le32(buf + opt) >> 16) + 3) / 4 * 4;
	buf[opt + 2] = 4;
	memmove(buf + opt + 8, buf + opt + 12, *len - opt - 12);
	buf[at + 4] -= 4;
	*len -= 4;
	buf[at + le32(buf + at + 4) - 4] -= 4;
}

static void test_damaged(void)
{
	check_damaged_sample(cut_inside_first_packet, "truncated: the block at byte ");
	check_damaged_sample(cut_inside_first_packet, "bytes, 40 are left");
	check_damaged_sample(change_a_trailing_length, "ends with a length of");
	check_damaged_sample(lengthen_an_option, "option 2988 at byte ");
	check_damaged_sample(move_a_packet_to_interface_7, "on interface 7, but 2 interface");
	check_damaged_sample(shorten_a_packet_id, "is 4 bytes long, epb_packetid has 8");
}

/* Hand-built blocks, in either byte order. */
struct builder {
	uint8_t buf[1024];
	size_t len, block;
	bool big;
};

static void put(struct builder *b, uint64_t v, int bytes)
{
	int i;

	/* Bytes past the eighth are zero (a run of zero bytes is put as one wide value). */
	for (i = 0; i < bytes; i++) {
		int shift = 8 * (b->big ? bytes - 1 - i : i);

		b->buf[b->len + i] = shift < 64 ? (uint8_t)(v >> shift) : 0;
	}
	b->len += bytes;
}

static void begin(struct builder *b, uint32_t type)
{
	b->block = b->len;
	put(b, type, 4);
	put(b, 0, 4);
}

static void finish(struct builder *b)
{
	size_t len = b->len + 4 - b->block, save = b->len;

	put(b, len, 4);
	b->len = b->block + 4;
	put(b, len, 4);
	b->len = save + 4;
}

static void option(struct builder *b, uint16_t code, const void *v, uint16_t len)
{
	put(b, code, 2);
	put(b, len, 2);
	if (len) /* opt_endofopt has no value (v NULL) */
		memcpy(b->buf + b->len, v, len);
	b->len += len;
	while (b->len % 4)
		b->buf[b->len++] = 0;
}

static void section(struct builder *b)
{
	begin(b, 0x0A0D0D0A);
	put(b, 0x1A2B3C4D, 4);
	put(b, 1, 2);
	put(b, 0, 2);
	put(b, UINT64_MAX, 8);
	option(b, 4, "be", 2);
	option(b, 0, NULL, 0);
	finish(b);
}

static void interface(struct builder *b, int tsresol)
{
	uint8_t v = tsresol;

	begin(b, 1);
	put(b, PCAPNG_LINKTYPE_RAW, 2);
	put(b, 0, 2);
	put(b, 65535, 4);
	if (tsresol >= 0)
		option(b, 9, &v, 1);
	finish(b);
}

static void packet(struct builder *b, uint64_t ts)
{
	uint8_t pen[8], flags[4];
	int i;

	begin(b, 6);
	put(b, 0, 4);
	put(b, ts >> 32, 4);
	put(b, (uint32_t)ts, 4);
	put(b, 3, 4);
	put(b, 3, 4);
	memcpy(b->buf + b->len, "\x45\x00\x01\x00", 4); /* 3 bytes and padding */
	b->len += 4;
	for (i = 0; i < 4; i++) /* the PEN in the section's byte order, then "ok" */
		pen[i] = PCAPNG_HOPTRACE_PEN >> 8 * (b->big ? 3 - i : i);
	memcpy(pen + 4, "ok", 2);
	option(b, 2988, pen, 6);
	pen[b->big ? 3 : 0] ^= 1; /* another PEN: skipped */
	option(b, 19372, pen, 6);
	for (i = 0; i < 4; i++)
		flags[i] = 0x12345678u >> 8 * (b->big ? 3 - i : i);
	option(b, 2, flags, 4);
	option(b, 0, NULL, 0);
	finish(b);
}

static void test_big_endian(void)
{
	struct builder b = { .big = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ };
	struct pcapng_file f;
	char err[256];

	section(&b);
	interface(&b, 9);
	packet(&b, 1700000000123456789ull);
	CHECK(read_bytes(b.buf, b.len, &f, err, sizeof(err)) == 0);
	if (err[0])
		fprintf(stderr, "  %s\n", err);
	CHECK(f.swapped);
	CHECK_STR(f.application, "be");
	CHECK(f.if_count == 1 && f.ifs[0].linktype == PCAPNG_LINKTYPE_RAW);
	CHECK(f.if_count == 1 && f.ifs[0].snaplen == 65535 && f.ifs[0].ts_units == 1000000000);
	CHECK(f.frame_count == 1);
	if (f.frame_count == 1) {
		CHECK(f.frames[0].ts_ns == 1700000000123456789ull);
		CHECK(f.frames[0].cap_len == 3 && !memcmp(f.frames[0].data, "\x45\x00\x01", 3));
		CHECK(f.frames[0].has_flags && f.frames[0].flags == 0x12345678);
		CHECK(f.frames[0].custom_count == 1);
		if (f.frames[0].custom_count == 1)
			CHECK_STR(f.frames[0].customs[0], "ok");
	}
	pcapng_read__free(&f);
}

/* Microseconds without if_tsresol; other resolutions as the option says. */
static void test_timestamp_units(void)
{
	static const struct {
		int tsresol;
		uint64_t ts, ns;
	} cases[] = {
		{ -1, 1, 1000 },
		{ -1, 1700000000000001ull, 1700000000000001000ull },
		{ 3, 5, 5000000 },
		{ 0, 2, 2000000000 },
		{ 0x80 | 10, 1024, 1000000000 },
		{ 0x80 | 1, 1, 500000000 },
	};
	struct pcapng_file f;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct builder b = { 0 };

		section(&b);
		interface(&b, cases[i].tsresol);
		packet(&b, cases[i].ts);
		CHECK(read_bytes(b.buf, b.len, &f, err, sizeof(err)) == 0);
		CHECK(f.frame_count == 1 && f.frames[0].ts_ns == cases[i].ns);
		if (f.frame_count == 1 && f.frames[0].ts_ns != cases[i].ns)
			fprintf(stderr, "  case %zu: %llu ns\n", i,
				(unsigned long long)f.frames[0].ts_ns);
		pcapng_read__free(&f);
	}
}

static void test_refused_blocks(void)
{
	struct builder b = { 0 };

	section(&b);
	interface(&b, 10);
	check_refused(b.buf, b.len, "if_tsresol 10^-10 at byte ");

	b.len = 0;
	section(&b);
	interface(&b, 0x80 | 31);
	check_refused(b.buf, b.len, "if_tsresol 2^-31 at byte ");

	/* Seconds, and a timestamp past 64-bit nanoseconds. */
	b.len = 0;
	section(&b);
	interface(&b, 0);
	packet(&b, UINT64_MAX / 2);
	check_refused(b.buf, b.len, "past 64-bit nanoseconds");

	b.len = 0;
	section(&b);
	interface(&b, 9);
	section(&b);
	check_refused(b.buf, b.len,
		      "a second section at byte 68 (concatenated captures): one section per file");

	b.len = 0;
	section(&b);
	begin(&b, 3); /* a Simple Packet Block: original length, then data */
	put(&b, 4, 4);
	put(&b, 0, 4);
	finish(&b);
	check_refused(b.buf, b.len, "a Simple Packet Block at byte 40: not written by hoptrace");

	b.len = 0;
	section(&b);
	begin(&b, 2);
	put(&b, 0, 20);
	finish(&b);
	check_refused(b.buf, b.len, "an obsolete Packet Block at byte 40");

	/* A length of 13: not a multiple of 4. */
	b.len = 0;
	section(&b);
	begin(&b, 5);
	finish(&b);
	b.buf[44] = 13;
	check_refused(b.buf, b.len, "the block at byte 40 has a length of 13");

	/* A byte-order magic of neither order. */
	b.len = 0;
	section(&b);
	b.buf[8] = 0x11;
	check_refused(b.buf, b.len, "byte-order magic at byte 8");

	/* A packet whose captured length passes its block. */
	b.len = 0;
	section(&b);
	interface(&b, 9);
	packet(&b, 1);
	b.buf[68 + 20] = 200; /* cap_len, low byte (little-endian) */
	check_refused(b.buf, b.len, "the packet at byte 68 captures 200 bytes");
}

/* Other blocks (statistics, name resolution) and other PENs' custom blocks are skipped. */
static void test_skipped_blocks(void)
{
	struct builder b = { 0 };
	struct pcapng_file f;
	char err[256];

	section(&b);
	interface(&b, 9);
	begin(&b, 5); /* Interface Statistics */
	put(&b, 0, 12);
	finish(&b);
	begin(&b, 0x40000BAD); /* another vendor's custom block */
	put(&b, 1234, 4);
	put(&b, 0x41424344, 4);
	finish(&b);
	begin(&b, 0x40000BAD); /* ours, not copyable: kept */
	put(&b, PCAPNG_HOPTRACE_PEN, 4);
	memcpy(b.buf + b.len, "hi\0\0", 4);
	b.len += 4;
	finish(&b);
	packet(&b, 7);
	CHECK(read_bytes(b.buf, b.len, &f, err, sizeof(err)) == 0);
	CHECK(f.block_count == 1 && f.frame_count == 1);
	if (f.block_count == 1 && f.frame_count == 1) {
		CHECK_STR(f.blocks[0].text, "hi");
		CHECK(f.blocks[0].len == 2 && f.blocks[0].seq == 0);
		CHECK(f.frames[0].seq == 1 && f.frames[0].ts_ns == 7);
	}
	pcapng_read__free(&f);
}

/* Every prefix of a valid file is either refused or, on a block boundary, read. */
static void test_every_prefix(void)
{
	struct pcapng_file f;
	char err[256];
	uint8_t *buf;
	size_t len, cut;

	buf = write_sample(&len);
	if (!buf) {
		SKIP("open_memstream failed");
		return;
	}
	for (cut = 0; cut < len; cut++) {
		int rc = read_bytes(buf, cut, &f, err, sizeof(err));

		CHECK(rc == 0 || (rc == -1 && err[0]));
		if (!rc)
			pcapng_read__free(&f);
	}
	free(buf);
}

int main(void)
{
	RUN(test_round_trip);
	RUN(test_read_file);
	RUN(test_empty);
	RUN(test_not_pcapng);
	RUN(test_damaged);
	RUN(test_big_endian);
	RUN(test_timestamp_units);
	RUN(test_refused_blocks);
	RUN(test_skipped_blocks);
	RUN(test_every_prefix);
	CHECK_EXIT();
}

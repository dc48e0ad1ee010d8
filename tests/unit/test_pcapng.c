// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the pcapng writer: exact bytes against the spec, a round trip through tshark,
 * and write errors reported rather than dropped. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "tshark_lines.h"
#include "sinks/pcapng_writer.h"

/* An in-memory stream for the writer, so that a test can read back the bytes it wrote. */
struct capture {
	FILE *f;
	char *buf;
	size_t len;
};

static bool capture__open(struct capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	return c->f;
}

/* Bytes written so far; open_memstream updates buf and len on each flush. */
static size_t capture__len(struct capture *c)
{
	fflush(c->f);
	return c->len;
}

static void capture__close(struct capture *c)
{
	fclose(c->f);
	free(c->buf);
}

/* Compares, and on a difference prints where, so a failing case says which field is wrong. */
static bool bytes_equal(const uint8_t *got, size_t got_len, const uint8_t *want, size_t want_len)
{
	size_t i;

	for (i = 0; i < got_len && i < want_len; i++) {
		if (got[i] != want[i]) {
			fprintf(stderr, "  byte %zu is 0x%02x, want 0x%02x\n", i, got[i], want[i]);
			return false;
		}
	}
	if (got_len != want_len)
		fprintf(stderr, "  %zu bytes, want %zu\n", got_len, want_len);
	return got_len == want_len;
}

/* The expected bytes below are little-endian, as the writer uses the host's order. */
static bool skip_unless_little_endian(void)
{
	if (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)
		return false;
	SKIP("expected bytes are written for a little-endian host");
	return true;
}

/* Whether buf holds whole blocks only, each with the same length at both ends. */
static bool blocks_are_whole(const uint8_t *buf, size_t len)
{
	uint32_t head, tail;
	size_t off = 0;

	while (off + 12 <= len) {
		memcpy(&head, buf + off + 4, 4);
		if (head < 12 || head % 4 || head > len - off)
			return false;
		memcpy(&tail, buf + off + head - 4, 4);
		if (tail != head)
			return false;
		off += head;
	}
	return off == len;
}

/* Whether the bytes from start on are want, exactly. */
static bool capture__equals(struct capture *c, size_t start, const uint8_t *want, size_t len)
{
	size_t end = capture__len(c);

	return bytes_equal((const uint8_t *)c->buf + start, end - start, want, len);
}

static bool capture__is_whole(struct capture *c)
{
	size_t len = capture__len(c);

	return blocks_are_whole((const uint8_t *)c->buf, len);
}

static void test_section_header_bytes(void)
{
	/* Laid out one 32-bit word per row, as the spec draws blocks. */
	/* clang-format off */
	static const uint8_t want[] = {
		0x0a, 0x0d, 0x0d, 0x0a,	/* block type */
		64, 0, 0, 0,		/* total length */
		0x4d, 0x3c, 0x2b, 0x1a,	/* byte-order magic */
		1, 0, 0, 0,		/* version 1.0 */
		0xff, 0xff, 0xff, 0xff,	/* section length -1 */
		0xff, 0xff, 0xff, 0xff,
		2, 0, 3, 0,		/* shb_hardware, 3 bytes */
		'a', 'b', 'c', 0,	/* padded */
		4, 0, 8, 0,		/* shb_userappl, 8 bytes */
		'h', 'o', 'p', 't',
		'r', 'a', 'c', 'e',
		1, 0, 5, 0,		/* opt_comment, 5 bytes */
		'r', 'e', 'a', 'd',
		'!', 0, 0, 0,		/* padded */
		0, 0, 0, 0,		/* opt_endofopt */
		64, 0, 0, 0,		/* total length again */
	};
	/* clang-format on */
	struct pcapng_section_info info = {
		.hardware = "abc",
		.application = "hoptrace",
		.comment = "read!",
	};
	struct pcapng_writer *w;
	struct capture c;

	if (skip_unless_little_endian() || !capture__open(&c))
		return;
	w = pcapng_writer__open(c.f, &info);
	CHECK(w);
	CHECK(capture__equals(&c, 0, want, sizeof(want)));
	pcapng_writer__free(w);
	capture__close(&c);
}

/* No options at all: no option list, so no opt_endofopt either. */
static void test_section_header_without_options(void)
{
	/* Laid out one 32-bit word per row, as the spec draws blocks. */
	/* clang-format off */
	static const uint8_t want[] = {
		0x0a, 0x0d, 0x0d, 0x0a,
		28, 0, 0, 0,
		0x4d, 0x3c, 0x2b, 0x1a,
		1, 0, 0, 0,
		0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff,
		28, 0, 0, 0,
	};
	/* clang-format on */
	struct pcapng_writer *w;
	struct capture c;

	if (skip_unless_little_endian() || !capture__open(&c))
		return;
	w = pcapng_writer__open(c.f, NULL);
	CHECK(w);
	CHECK(capture__equals(&c, 0, want, sizeof(want)));
	pcapng_writer__free(w);
	capture__close(&c);
}

static void test_interface_bytes(void)
{
	/* Laid out one 32-bit word per row, as the spec draws blocks. */
	/* clang-format off */
	static const uint8_t want[] = {
		1, 0, 0, 0,		/* block type */
		48, 0, 0, 0,		/* total length */
		101, 0, 0, 0,		/* LINKTYPE_RAW, reserved */
		128, 0, 0, 0,		/* snaplen */
		2, 0, 2, 0,		/* if_name, 2 bytes */
		'l', 'o', 0, 0,		/* padded */
		3, 0, 1, 0,		/* if_description, 1 byte */
		'x', 0, 0, 0,		/* padded */
		9, 0, 1, 0,		/* if_tsresol, 1 byte */
		9, 0, 0, 0,		/* 10^-9, padded */
		0, 0, 0, 0,		/* opt_endofopt */
		48, 0, 0, 0,		/* total length again */
	};
	/* clang-format on */
	struct pcapng_writer *w;
	struct capture c;
	size_t shb_len;

	if (skip_unless_little_endian() || !capture__open(&c))
		return;
	w = pcapng_writer__open(c.f, NULL);
	shb_len = capture__len(&c);
	CHECK(pcapng_writer__interface(w, "lo", "x", PCAPNG_LINKTYPE_RAW, 128) == 0);
	CHECK(capture__equals(&c, shb_len, want, sizeof(want)));
	/* A known pair is looked up, not described again. */
	CHECK(pcapng_writer__interface(w, "lo", "other", PCAPNG_LINKTYPE_RAW, 64) == 0);
	CHECK(capture__len(&c) == shb_len + sizeof(want));
	/* The same name with another link type is another interface. */
	CHECK(pcapng_writer__interface(w, "lo", NULL, PCAPNG_LINKTYPE_ETHERNET, 0) == 1);
	pcapng_writer__free(w);
	capture__close(&c);
}

static void test_packet_bytes(void)
{
	/* Laid out one 32-bit word per row, as the spec draws blocks. */
	/* clang-format off */
	static const uint8_t want[] = {
		6, 0, 0, 0,		/* block type */
		120, 0, 0, 0,		/* total length */
		0, 0, 0, 0,		/* interface id */
		0x78, 0x56, 0x34, 0x12,	/* timestamp, high word */
		0xf0, 0xde, 0xbc, 0x9a,	/* timestamp, low word */
		5, 0, 0, 0,		/* captured length */
		60, 0, 0, 0,		/* original length */
		0xd0, 0xd1, 0xd2, 0xd3,	/* data */
		0xd4, 0, 0, 0,		/* padded */
		1, 0, 3, 0,		/* opt_comment, 3 bytes */
		'h', 'i', '!', 0,	/* padded */
		1, 0, 2, 0,		/* a second opt_comment, 2 bytes */
		'a', 'b', 0, 0,		/* padded */
		2, 0, 4, 0,		/* epb_flags, 4 bytes */
		2, 0, 0, 0,		/* outbound */
		5, 0, 8, 0,		/* epb_packetid, 8 bytes */
		0x88, 0x77, 0x66, 0x55,
		0x44, 0x33, 0x22, 0x11,
		7, 0, 9, 0,		/* epb_verdict, 9 bytes */
		1, 2, 0, 0,		/* TC, TC_ACT_SHOT as a u64 */
		0, 0, 0, 0,
		0, 0, 0, 0,		/* padded */
		0xac, 0x0b, 6, 0,	/* custom string option 2988, 6 bytes */
		0xd9, 0x7e, 0, 0,	/* PEN 32473 */
		'{', '}', 0, 0,		/* padded */
		0xac, 0x0b, 7, 0,	/* and another, 7 bytes */
		0xd9, 0x7e, 0, 0,	/* PEN 32473 */
		'[', '1', ']', 0,	/* padded */
		0, 0, 0, 0,		/* opt_endofopt */
		120, 0, 0, 0,		/* total length again */
	};
	/* clang-format on */
	static const uint8_t data[] = { 0xd0, 0xd1, 0xd2, 0xd3, 0xd4 };
	static const char *const comments[] = { "hi!", NULL, "ab" }; /* NULL is left out */
	static const char *const customs[] = { "{}", "[1]" };
	uint64_t shot = 2;
	struct pcapng_packet pkt = {
		.ts_ns = 0x123456789abcdef0ull,
		.data = data,
		.cap_len = sizeof(data),
		.orig_len = 60,
		.direction = PCAPNG_DIR_OUTBOUND,
		.packet_id = 0x1122334455667788ull,
		.verdict_type = PCAPNG_VERDICT_TC,
		.verdict_data = &shot,
		.verdict_len = sizeof(shot),
		.comments = comments,
		.comment_count = 3,
		.custom_strings = customs,
		.custom_count = 2,
	};
	struct pcapng_writer *w;
	struct capture c;
	size_t start;

	if (skip_unless_little_endian() || !capture__open(&c))
		return;
	w = pcapng_writer__open(c.f, NULL);
	CHECK(pcapng_writer__interface(w, "eth0", NULL, PCAPNG_LINKTYPE_ETHERNET, 0) == 0);
	start = capture__len(&c);
	CHECK(pcapng_writer__packet(w, 0, &pkt) == 0);
	CHECK(capture__equals(&c, start, want, sizeof(want)));
	pcapng_writer__free(w);
	capture__close(&c);
}

/* A packet without options has no option list; an odd length still pads to 32 bits. */
static void test_packet_without_options(void)
{
	/* Laid out one 32-bit word per row, as the spec draws blocks. */
	/* clang-format off */
	static const uint8_t want[] = {
		6, 0, 0, 0,		/* block type */
		36, 0, 0, 0,		/* total length */
		0, 0, 0, 0,		/* interface id */
		0, 0, 0, 0,		/* timestamp 7 ns */
		7, 0, 0, 0,
		1, 0, 0, 0,		/* captured length */
		1, 0, 0, 0,		/* original length */
		0xaa, 0, 0, 0,		/* data, padded; no options */
		36, 0, 0, 0,		/* total length again */
	};
	/* clang-format on */
	static const uint8_t data[] = { 0xaa };
	struct pcapng_packet pkt = {
		.ts_ns = 7,
		.data = data,
		.cap_len = 1,
		.orig_len = 1,
		.verdict_type = -1,
	};
	struct pcapng_writer *w;
	struct capture c;
	size_t start;

	if (skip_unless_little_endian() || !capture__open(&c))
		return;
	w = pcapng_writer__open(c.f, NULL);
	CHECK(pcapng_writer__interface(w, "eth0", NULL, PCAPNG_LINKTYPE_ETHERNET, 0) == 0);
	start = capture__len(&c);
	CHECK(pcapng_writer__packet(w, 0, &pkt) == 0);
	CHECK(capture__equals(&c, start, want, sizeof(want)));
	pcapng_writer__free(w);
	capture__close(&c);
}

/* A Custom Block: the PEN, then the data padded to 32 bits; no options. */
static void test_custom_block_bytes(void)
{
	/* Laid out one 32-bit word per row, as the spec draws blocks. */
	/* clang-format off */
	static const uint8_t want[] = {
		0xad, 0x0b, 0, 0,	/* block type 0x00000BAD: copyable */
		24, 0, 0, 0,		/* total length */
		0xd9, 0x7e, 0, 0,	/* PEN 32473 */
		'n', 'o', 't', 'e',
		'!', 0, 0, 0,		/* padded */
		24, 0, 0, 0,		/* total length again */
	};
	/* clang-format on */
	struct pcapng_writer *w;
	struct capture c;
	size_t start;

	if (skip_unless_little_endian() || !capture__open(&c))
		return;
	w = pcapng_writer__open(c.f, NULL);
	start = capture__len(&c);
	CHECK(pcapng_writer__custom_block(w, "note!", 5) == 0);
	CHECK(capture__equals(&c, start, want, sizeof(want)));
	errno = 0;
	CHECK(pcapng_writer__custom_block(w, NULL, 1) == -1 && errno == EINVAL);
	CHECK(capture__len(&c) == start + sizeof(want));
	pcapng_writer__free(w);
	capture__close(&c);
}

/* Packets the format cannot hold are refused with EINVAL, and nothing reaches the stream. */
static void test_invalid_packets(void)
{
	static const uint8_t data[64];
	struct pcapng_packet good = {
		.data = data,
		.cap_len = 32,
		.orig_len = 64,
		.verdict_type = -1,
	};
	struct pcapng_packet pkt;
	struct pcapng_writer *w;
	struct capture c;
	char *long_comment;
	size_t start;

	if (!capture__open(&c))
		return;
	w = pcapng_writer__open(c.f, NULL);
	CHECK(pcapng_writer__interface(w, "eth0", NULL, PCAPNG_LINKTYPE_ETHERNET, 48) == 0);
	start = capture__len(&c);
	errno = 0;
	CHECK(pcapng_writer__packet(w, 1, &good) == -1 && errno == EINVAL);
	pkt = good, pkt.cap_len = 65, pkt.orig_len = 64;
	CHECK(pcapng_writer__packet(w, 0, &pkt) == -1 && errno == EINVAL);
	pkt = good, pkt.cap_len = 49, pkt.orig_len = 64; /* above the snaplen */
	CHECK(pcapng_writer__packet(w, 0, &pkt) == -1 && errno == EINVAL);
	pkt = good, pkt.direction = 3;
	CHECK(pcapng_writer__packet(w, 0, &pkt) == -1 && errno == EINVAL);
	pkt = good, pkt.verdict_type = 256;
	CHECK(pcapng_writer__packet(w, 0, &pkt) == -1 && errno == EINVAL);
	pkt = good, pkt.comment_count = 1; /* a count without its array */
	CHECK(pcapng_writer__packet(w, 0, &pkt) == -1 && errno == EINVAL);
	pkt = good, pkt.custom_count = 1;
	CHECK(pcapng_writer__packet(w, 0, &pkt) == -1 && errno == EINVAL);
	long_comment = malloc(70000);
	if (!long_comment) {
		SKIP("out of memory");
		goto out;
	}
	memset(long_comment, 'c', 69999);
	long_comment[69999] = '\0';
	pkt = good, pkt.comments = (const char *const *)&long_comment, pkt.comment_count = 1;
	CHECK(pcapng_writer__packet(w, 0, &pkt) == -1 && errno == EINVAL);
	CHECK(capture__len(&c) == start);
	/* A refused packet does not stop the next one. */
	CHECK(pcapng_writer__packet(w, 0, &good) == 0);
	CHECK(capture__is_whole(&c));
	free(long_comment);
out:
	pcapng_writer__free(w);
	capture__close(&c);
}

static void test_interface_limit(void)
{
	struct pcapng_writer *w;
	bool ok = true;
	char name[16];
	FILE *f;
	int i;

	f = fopen("/dev/null", "w");
	if (!f) {
		SKIP("cannot open /dev/null");
		return;
	}
	w = pcapng_writer__open(f, NULL);
	for (i = 0; i < PCAPNG_MAX_INTERFACES; i++) {
		snprintf(name, sizeof(name), "veth%d", i);
		ok &= pcapng_writer__interface(w, name, NULL, PCAPNG_LINKTYPE_ETHERNET, 0) == i;
	}
	CHECK(ok);
	errno = 0;
	CHECK(pcapng_writer__interface(w, "one-too-many", NULL, 1, 0) == -1 && errno == ENOSPC);
	/* Known pairs are still found, each at its own id. */
	for (i = 0; i < PCAPNG_MAX_INTERFACES; i += 97) {
		snprintf(name, sizeof(name), "veth%d", i);
		ok &= pcapng_writer__interface(w, name, NULL, PCAPNG_LINKTYPE_ETHERNET, 0) == i;
	}
	CHECK(ok);
	CHECK(pcapng_writer__flush(w) == 0);
	pcapng_writer__free(w);
	fclose(f);
}

/* The stream after any call is whole blocks, so a capture cut at any point stays readable. */
static void test_each_call_leaves_whole_blocks(void)
{
	static const char *const comment = "c";
	static const uint8_t data[3] = { 1, 2, 3 };
	struct pcapng_section_info info = { .os = "Linux" };
	struct pcapng_packet pkt = {
		.data = data,
		.cap_len = 3,
		.orig_len = 3,
		.verdict_type = -1,
		.comments = &comment,
		.comment_count = 1,
	};
	struct pcapng_writer *w;
	struct capture c;
	bool ok = true;
	int i;

	if (!capture__open(&c))
		return;
	w = pcapng_writer__open(c.f, &info);
	ok &= capture__is_whole(&c);
	for (i = 0; i < 8; i++) {
		pkt.cap_len = pkt.orig_len = i % 4; /* every padding length, 0 included */
		if (i % 3 == 0)
			ok &= pcapng_writer__interface(w, i % 2 ? "a" : "b", NULL, 1, 0) >= 0;
		else if (i % 3 == 1)
			ok &= pcapng_writer__custom_block(w, "xyz", i % 4) == 0;
		else
			ok &= pcapng_writer__packet(w, 0, &pkt) == 0;
		ok &= capture__is_whole(&c);
	}
	CHECK(ok);
	pcapng_writer__free(w);
	capture__close(&c);
}

#define UDP_PAYLOAD "hoptrace!"
#define IPV4_UDP_LEN (20 + 8 + sizeof(UDP_PAYLOAD) - 1)
#define ETH_LEN 14

static uint16_t ip_checksum(const uint8_t *hdr, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i < len; i += 2)
		sum += hdr[i] << 8 | hdr[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

/* 10.0.0.1:40000 -> 10.0.0.2:9999, UDP with an odd-length payload (37 bytes in all). */
static void build_ipv4_udp(uint8_t *p)
{
	/* Laid out one 32-bit word per row, as RFC 791 and RFC 768 draw the headers. */
	/* clang-format off */
	static const uint8_t hdr[28] = {
		0x45, 0, 0, IPV4_UDP_LEN,	/* IPv4, total length */
		0x12, 0x34, 0x40, 0,		/* id, DF */
		64, 17, 0, 0,			/* TTL, UDP, checksum filled in below */
		10, 0, 0, 1,
		10, 0, 0, 2,
		0x9c, 0x40, 0x27, 0x0f,		/* ports 40000 -> 9999 */
		0, IPV4_UDP_LEN - 20, 0, 0,	/* UDP length, no checksum */
	};
	/* clang-format on */
	uint16_t sum;

	memcpy(p, hdr, sizeof(hdr));
	memcpy(p + sizeof(hdr), UDP_PAYLOAD, sizeof(UDP_PAYLOAD) - 1);
	sum = ip_checksum(p, 20);
	p[10] = sum >> 8;
	p[11] = sum & 0xff;
}

static void build_ethernet_ipv4_udp(uint8_t *p)
{
	static const uint8_t eth[ETH_LEN] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00 };

	memcpy(p, eth, sizeof(eth));
	build_ipv4_udp(p + sizeof(eth));
}

/* The fields read back, in -e order, and what each packet must show in them. */
static const char *const tshark_fields[] = {
	"frame.interface_name",
	"frame.interface_description",
	"frame.encap_type",
	"frame.comment",
	"frame.packet_id",
	"frame.time_epoch",
	"frame.len",
	"frame.cap_len",
	"ip.src",
	"udp.dstport",
	"frame.packet_flags_direction",
	"frame.verdict.ebpf_tc",
	"frame.verdict.ebpf_xdp",
	"frame.verdict.hw",
};
#define FIELD_COUNT (sizeof(tshark_fields) / sizeof(tshark_fields[0]))
#define PACKET_COUNT 4

/* Encapsulation 1 is Ethernet, 7 raw IP; direction prints as the flags word's bits. */
static const char *const tshark_want[PACKET_COUNT][FIELD_COUNT] = {
	{ "eth0", "veth peer", "1", "first hop,a hop without bytes", "42", "1700000000.123456789",
	  "51", "51", "10.0.0.1", "9999", "0x00000001", "", "", "" },
	{ "ip0", "", "7", "second hop", "42", "1700000000.123456790", "37", "37", "10.0.0.1",
	  "9999", "0x00000002", "2", "", "" },
	{ "eth0", "veth peer", "1", "", "", "1700000001.000000000", "51", "34", "10.0.0.1", "", "",
	  "", "1", "" },
	{ "ip0", "", "7", "", "7", "4.294967301", "37", "37", "10.0.0.1", "9999", "", "", "",
	  "dead" },
};

static bool tshark_is_installed(void)
{
	return system("command -v tshark >/dev/null 2>&1") == 0;
}

/* Writes the round-trip capture: the four packets tshark_want describes. */
static int write_round_trip(FILE *f)
{
	static const struct pcapng_section_info info = {
		.hardware = "test-host",
		.os = "Linux test",
		.application = "hoptrace test",
		.comment = "read me first",
	};
	static const char *const first_comments[] = { "first hop", "a hop without bytes" };
	static const char *const second_comment = "second hop";
	static const char *const empty_json = "{}";
	static const char *const custom_json = "{\"hook\":\"netif_receive\",\"dev\":\"eth0\"}";
	static const uint8_t hw_verdict[] = { 0xde, 0xad };
	uint8_t frame[ETH_LEN + IPV4_UDP_LEN];
	uint64_t tc_shot = 2, xdp_drop = 1;
	struct pcapng_packet pkt[PACKET_COUNT] = {
		{ .ts_ns = 1700000000123456789ull,
		  .data = frame,
		  .cap_len = sizeof(frame),
		  .orig_len = sizeof(frame),
		  .direction = PCAPNG_DIR_INBOUND,
		  .packet_id = 42,
		  .verdict_type = PCAPNG_VERDICT_NONE,
		  .comments = first_comments,
		  .comment_count = 2,
		  .custom_strings = &custom_json,
		  .custom_count = 1 },
		{ .ts_ns = 1700000000123456790ull,
		  .data = frame + ETH_LEN,
		  .cap_len = IPV4_UDP_LEN,
		  .orig_len = IPV4_UDP_LEN,
		  .direction = PCAPNG_DIR_OUTBOUND,
		  .packet_id = 42,
		  .verdict_type = PCAPNG_VERDICT_TC,
		  .verdict_data = &tc_shot,
		  .verdict_len = sizeof(tc_shot),
		  .comments = &second_comment,
		  .comment_count = 1 },
		{ .ts_ns = 1700000001000000000ull,
		  .data = frame,
		  .cap_len = ETH_LEN + 20,
		  .orig_len = sizeof(frame),
		  .verdict_type = PCAPNG_VERDICT_XDP,
		  .verdict_data = &xdp_drop,
		  .verdict_len = sizeof(xdp_drop) },
		{ .ts_ns = 1ull << 32 | 5,
		  .data = frame + ETH_LEN,
		  .cap_len = IPV4_UDP_LEN,
		  .orig_len = IPV4_UDP_LEN,
		  .packet_id = 7,
		  .verdict_type = PCAPNG_VERDICT_HW,
		  .verdict_data = hw_verdict,
		  .verdict_len = sizeof(hw_verdict),
		  .custom_strings = &empty_json,
		  .custom_count = 1 },
	};
	int ifs[2], i, err = 0;
	struct pcapng_writer *w;

	build_ethernet_ipv4_udp(frame);
	w = pcapng_writer__open(f, &info);
	if (!w)
		return -1;
	ifs[0] = pcapng_writer__interface(w, "eth0", "veth peer", PCAPNG_LINKTYPE_ETHERNET, 0);
	ifs[1] = pcapng_writer__interface(w, "ip0", NULL, PCAPNG_LINKTYPE_RAW, 65535);
	for (i = 0; i < PACKET_COUNT && !err; i++)
		err = pcapng_writer__packet(w, ifs[i % 2], &pkt[i]);
	if (!err)
		err = pcapng_writer__flush(w);
	pcapng_writer__free(w);
	return ifs[0] == 0 && ifs[1] == 1 ? err : -1;
}

/* Removes byte separators, whose style differs between tshark versions ("de:ad", "de ad"). */
static void strip_separators(char *s)
{
	char *out = s;

	for (; *s; s++)
		if (*s != ' ' && *s != ':')
			*out++ = *s;
	*out = '\0';
}

/* Checks one line of tshark output against the expected row. */
static void check_packet_row(char *line, const char *const *want)
{
	char *field;
	size_t i;

	line[strcspn(line, "\n")] = '\0';
	for (i = 0; i < FIELD_COUNT; i++) {
		field = strsep(&line, "\t");
		if (!field) {
			CHECK(!"tshark printed fewer fields than asked for");
			return;
		}
		if (i == FIELD_COUNT - 1)
			strip_separators(field);
		CHECK_STR(field, want[i]);
	}
}

static void check_packets(const char *path)
{
	char args[1024] = "", *line = NULL;
	size_t i, cap = 0;
	int rows = 0;
	FILE *p;

	for (i = 0; i < FIELD_COUNT; i++)
		snprintf(args + strlen(args), sizeof(args) - strlen(args), " -e %s",
			 tshark_fields[i]);
	p = tshark__open(path, args);
	CHECK(p);
	if (!p)
		return;
	while (getline(&line, &cap, p) > 0) {
		if (rows < PACKET_COUNT)
			check_packet_row(line, tshark_want[rows]);
		rows++;
	}
	free(line);
	CHECK(rows == PACKET_COUNT);
	CHECK(pclose(p) == 0); /* tshark fails on a file it finds damaged */
}

/* Wireshark's own pcapng dissector shows the blocks and options as they are in the file. */
static const char file_args[] =
	"-X 'read_format:MIME Files Format' -e pcapng.block.type -e pcapng.block.length "
	"-e pcapng.block.length_trailer -e pcapng.options.option.code "
	"-e pcapng.options.option.length -e pcapng.options.option.data.hardware "
	"-e pcapng.options.option.data.os -e pcapng.options.option.data.user_application "
	"-e pcapng.options.option.data.comment";
static const char *const file_want[] = {
	"0x0a0d0d0a,0x00000001,0x00000001,0x00000006,0x00000006,0x00000006,0x00000006",
	NULL, /* block lengths: the trailers must repeat them */
	NULL,
	"2,3,4,1,0,2,3,9,0,2,9,0,1,1,2,5,2988,0,1,2,5,7,0,7,0,5,7,2988,0",
	"9,10,13,13,0,4,9,1,0,3,1,0,9,19,4,8,41,0,10,4,8,9,0,9,0,8,3,6,0",
	"test-host",
	"Linux test",
	"hoptrace test",
	"read me first,first hop,a hop without bytes,second hop",
};
#define FILE_FIELD_COUNT (sizeof(file_want) / sizeof(file_want[0]))

static void check_file_structure(const char *path)
{
	char *line = NULL, *cursor, *field[FILE_FIELD_COUNT];
	size_t i, cap = 0;
	FILE *p;

	p = tshark__open(path, file_args);
	CHECK(p);
	if (!p)
		return;
	if (getline(&line, &cap, p) > 0) {
		line[strcspn(line, "\n")] = '\0';
		cursor = line;
		for (i = 0; i < FILE_FIELD_COUNT; i++)
			field[i] = strsep(&cursor, "\t");
		for (i = 0; i < FILE_FIELD_COUNT; i++)
			if (file_want[i])
				CHECK_STR(field[i], file_want[i]);
		CHECK_STR(field[2], field[1] ? field[1] : "");
	} else {
		CHECK(!"tshark printed nothing for the file's blocks");
	}
	free(line);
	CHECK(pclose(p) == 0);
}

static void test_tshark_round_trip(void)
{
	char path[] = "/tmp/test_pcapng.XXXXXX";
	FILE *f;
	int fd;

	if (!tshark_is_installed()) {
		SKIP("tshark is not installed");
		return;
	}
	fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	f = fdopen(fd, "w");
	CHECK(f && write_round_trip(f) == 0);
	if (f)
		fclose(f);
	check_packets(path);
	check_file_structure(path);
	unlink(path);
}

/* tshark lists a Custom Block as a pcapng record of our PEN, copyable, with the data as
 * written (then zero padding), and finds nothing malformed around it. */
static void test_custom_block_tshark(void)
{
	uint8_t frame[ETH_LEN + IPV4_UDP_LEN];
	struct pcapng_packet pkt = {
		.data = frame,
		.cap_len = sizeof(frame),
		.orig_len = sizeof(frame),
		.verdict_type = PCAPNG_VERDICT_NONE,
	};
	static const char *const want[] = {
		/* frame, PEN, copying, data (the UDP payload "hoptrace!"), encapsulation */
		"1\t\t\t686f70747261636521\t1",
		"2\t32473\t1\t6869210a\t",
		"3\t\t\t686f70747261636521\t1",
	};
	char path[] = "/tmp/test_pcapng.XXXXXX";
	struct pcapng_writer *w;
	int fd, ok = 1;
	FILE *f;

	if (!tshark_is_installed()) {
		SKIP("tshark is not installed");
		return;
	}
	build_ethernet_ipv4_udp(frame);
	fd = mkstemp(path);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	CHECK(f);
	if (!f)
		return;
	w = pcapng_writer__open(f, NULL);
	ok &= w && pcapng_writer__interface(w, "eth0", NULL, PCAPNG_LINKTYPE_ETHERNET, 0) == 0;
	ok &= w && pcapng_writer__packet(w, 0, &pkt) == 0;
	ok &= w && pcapng_writer__custom_block(w, "hi!\n", 4) == 0;
	ok &= w && pcapng_writer__packet(w, 0, &pkt) == 0;
	pcapng_writer__free(w);
	CHECK(ok && fclose(f) == 0);
	check_tshark_lines(path,
			   "-e frame.number -e frame.cb_pen -e frame.cb_copy -e data.data "
			   "-e frame.encap_type",
			   want, 3);
	check_tshark_lines(path, "-Y _ws.malformed -e frame.number", NULL, 0);
	unlink(path);
}

/* Buffered: the error shows at the latest at the flush, and sticks. */
static void test_dev_full_flush(void)
{
	static const uint8_t data[64];
	struct pcapng_packet pkt = {
		.data = data,
		.cap_len = 64,
		.orig_len = 64,
		.verdict_type = -1,
	};
	struct pcapng_writer *w;
	int ret;
	FILE *f;

	f = fopen("/dev/full", "w");
	if (!f) {
		SKIP("cannot open /dev/full");
		return;
	}
	w = pcapng_writer__open(f, NULL);
	CHECK(w);
	if (!w) {
		fclose(f);
		return;
	}
	CHECK(pcapng_writer__interface(w, "eth0", NULL, PCAPNG_LINKTYPE_ETHERNET, 0) == 0);
	errno = 0;
	ret = pcapng_writer__packet(w, 0, &pkt);
	if (!ret)
		ret = pcapng_writer__flush(w);
	CHECK(ret == -1 && errno == ENOSPC);
	errno = 0;
	CHECK(pcapng_writer__packet(w, 0, &pkt) == -1 && errno == ENOSPC);
	errno = 0;
	CHECK(pcapng_writer__flush(w) == -1 && errno == ENOSPC);
	pcapng_writer__free(w);
	fclose(f);
}

/* Unbuffered: the first block already fails, so the writer is never handed out. */
static void test_dev_full_unbuffered(void)
{
	struct pcapng_writer *w;
	FILE *f;

	f = fopen("/dev/full", "w");
	if (!f) {
		SKIP("cannot open /dev/full");
		return;
	}
	setvbuf(f, NULL, _IONBF, 0);
	errno = 0;
	w = pcapng_writer__open(f, NULL);
	CHECK(!w && errno == ENOSPC);
	pcapng_writer__free(w);
	fclose(f);
}

/* A packet larger than stdio's buffer goes straight to write(2), so the packet call fails. */
static void test_dev_full_large_packet(void)
{
	struct pcapng_packet pkt = { .cap_len = 1 << 20, .orig_len = 1 << 20, .verdict_type = -1 };
	struct pcapng_writer *w;
	void *data;
	FILE *f;

	f = fopen("/dev/full", "w");
	data = calloc(1, pkt.cap_len);
	if (!f || !data) {
		SKIP(f ? "out of memory" : "cannot open /dev/full");
		goto out;
	}
	pkt.data = data;
	w = pcapng_writer__open(f, NULL);
	CHECK(pcapng_writer__interface(w, "eth0", NULL, PCAPNG_LINKTYPE_ETHERNET, 0) == 0);
	errno = 0;
	CHECK(pcapng_writer__packet(w, 0, &pkt) == -1 && errno == ENOSPC);
	pcapng_writer__free(w);
out:
	free(data);
	if (f)
		fclose(f);
}

int main(void)
{
	RUN(test_section_header_bytes);
	RUN(test_section_header_without_options);
	RUN(test_interface_bytes);
	RUN(test_packet_bytes);
	RUN(test_packet_without_options);
	RUN(test_custom_block_bytes);
	RUN(test_invalid_packets);
	RUN(test_interface_limit);
	RUN(test_each_call_leaves_whole_blocks);
	RUN(test_tshark_round_trip);
	RUN(test_custom_block_tshark);
	RUN(test_dev_full_flush);
	RUN(test_dev_full_unbuffered);
	RUN(test_dev_full_large_packet);
	CHECK_EXIT();
}

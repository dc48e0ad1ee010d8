// SPDX-License-Identifier: GPL-2.0
/* Fuzzes the pcapng sink with random event streams, then reads back what it wrote: every
 * block's length equal at both ends and 4-aligned, the blocks and their options well
 * formed, every frame holding packet bytes after its cooked header, and at least one
 * comment line per hop handed to the sink (on a frame, or in a packet's Custom Block).
 *
 * Input: a 2-byte header (snap length, first timestamp), then events in a compact form
 * (see take_event) that picks skbs, namespaces and devices from small sets, so that
 * packets have several hops and interfaces repeat; past the end of the input every field
 * reads as zero. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sinks/pcapng_sink.h"
#include "sinks/pcapng_writer.h"
#include "sinks/sink.h"
#include "pipeline/timeline.h"

#define SHB_TYPE 0x0A0D0D0Au
#define IDB_TYPE 1u
#define EPB_TYPE 6u
#define CUSTOM_TYPE 0x00000BADu
#define OPT_COMMENT 1
#define COOKED_HLEN 20
#define BYTE_ORDER_MAGIC 0x1A2B3C4Du
#define MAX_IDBS 4096

static struct enrich en;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz__enrich_init(&en);
	return 0;
}

struct cursor {
	const uint8_t *p;
	size_t left;
};

static void take(struct cursor *c, void *dst, size_t n)
{
	size_t k = n < c->left ? n : c->left;

	memcpy(dst, c->p, k);
	memset((uint8_t *)dst + k, 0, n - k);
	c->p += k;
	c->left -= k;
}

static uint8_t take8(struct cursor *c)
{
	uint8_t v;

	take(c, &v, sizeof(v));
	return v;
}

static uint16_t take16(struct cursor *c)
{
	uint16_t v;

	take(c, &v, sizeof(v));
	return v;
}

static void set_addr(struct hop_tuple *t, uint8_t *dst, int which)
{
	static const uint8_t v4[4][4] = {
		{ 10, 244, 1, 5 }, { 10, 244, 2, 7 }, { 10, 96, 0, 10 }, { 192, 168, 0, 1 }
	};
	static const uint8_t v6[4][16] = { { 0xfd, 0, [15] = 1 },
					   { 0xfd, 0, [15] = 2 },
					   { 0xfd, 0, 0, 1, [15] = 9 },
					   { [10] = 0xff, 0xff, 10 } };

	memset(dst, 0, 16);
	memcpy(dst, t->family == HOP_AF_INET6 ? v6[which] : v4[which],
	       t->family == HOP_AF_INET6 ? 16 : 4);
}

static void take_tuple(struct cursor *c, struct hop_tuple *t)
{
	static const uint8_t families[4] = { 0, HOP_AF_INET, HOP_AF_INET6, HOP_AF_INET };
	static const uint8_t protos[8] = { 6, 17, 1, 58, 132, 47, 99, 0 };
	uint8_t sel = take8(c), ends = take8(c);

	memset(t, 0, sizeof(*t));
	t->family = families[sel & 3];
	t->proto = protos[(sel >> 2) & 7];
	set_addr(t, t->saddr, ends & 3);
	set_addr(t, t->daddr, (ends >> 2) & 3);
	t->sport = sel & 0x20 ? take16(c) : 40000;
	t->dport = sel & 0x40 ? take16(c) : 53;
	if (sel & 0x80) { /* the reply direction */
		uint16_t port = t->sport;
		uint8_t a[16];

		memcpy(a, t->saddr, 16);
		memcpy(t->saddr, t->daddr, 16);
		memcpy(t->daddr, a, 16);
		t->sport = t->dport;
		t->dport = port;
	}
}

/* Fills ev and data from the cursor; packet bytes are taken from the input as they come. */
static void take_event(struct cursor *c, uint8_t op, __u64 *ts, struct hop_event *ev, uint8_t *data)
{
	static const __u64 skbs[4] = { 0xffff888004a3c000ull, 0xffff888004a3d000ull,
				       0xffff888004a3e000ull, 0 };
	static const __u32 netns[4] = { 0, 4026531840u, 4026532001u, 4026532002u };
	static const char *const ifnames[3] = { "", "eth0", "veth-a" };
	static const char *const kinds[4] = { "", "veth", "bridge", "vxlan" };
	static const __u64 locations[4] = { 0, 0xffffffff81001010ull, 0xffffffffc0001abcull,
					    0xffffffff81ffffffull };
	uint8_t sel = take8(c);

	memset(ev, 0, sizeof(*ev));
	ev->hook = 1 + op % (HOOK__COUNT - 1);
	ev->flags = take16(c);
	ev->skb = skbs[sel & 3];
	ev->netns = netns[(sel >> 2) & 3];
	if (((sel >> 4) & 3) == 3)
		take(c, ev->ifname, sizeof(ev->ifname) - 1); /* any bytes a device name may hold */
	else
		strcpy(ev->ifname, ifnames[(sel >> 4) & 3]);
	strcpy(ev->dev_kind, kinds[sel >> 6]);
	*ts += take16(c);
	ev->ts_ns = *ts;
	ev->len = take16(c);
	ev->wire_len = take16(c);
	ev->cap_len = take16(c) % (HOPTRACE_SNAPLEN_MAX + 1); /* as decode__event guarantees */
	take(c, &ev->reason, sizeof(ev->reason));
	ev->location = locations[op >> 6];
	if (ev->hook == HOOK_NF || ev->hook == HOOK_FIB || (ev->flags & HOP_F_NF_STATE))
		take(c, &ev->info, sizeof(ev->info));
	if (ev->flags & HOP_F_TUPLE)
		take_tuple(c, &ev->tuple);
	take(c, data, ev->cap_len);
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint16_t get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Options from opt to end: each one's value padded to 4, and opt_endofopt, when there are
 * options at all, last and exactly at the end. Returns the number of opt_comment. */
static size_t check_options(const uint8_t *opt, const uint8_t *end)
{
	size_t comments = 0;
	bool ended = false;

	while (opt < end) {
		uint16_t code, len;

		FUZZ_CHECK(!ended);
		FUZZ_CHECK(end - opt >= 4);
		code = get16(opt);
		len = get16(opt + 2);
		opt += 4;
		FUZZ_CHECK((size_t)(end - opt) >= len + ((4 - (len & 3)) & 3));
		if (code == 0) {
			FUZZ_CHECK(len == 0);
			ended = true;
		}
		comments += code == OPT_COMMENT;
		opt += len + ((4 - (len & 3)) & 3);
	}
	FUZZ_CHECK(opt == end);
	return comments;
}

/* A Custom Block's hop lines: its text holds a line "packet N", a line per hop, then a
 * JSON object per hop, zero-padded to 32 bits. */
static size_t custom_block_hops(const uint8_t *p, const uint8_t *end)
{
	size_t hops = 0;

	FUZZ_CHECK(end - p >= 4 && get32(p) == PCAPNG_HOPTRACE_PEN);
	for (p += 4; p < end && *p; p = memchr(p, '\n', end - p) + 1) {
		FUZZ_CHECK(memchr(p, '\n', end - p));
		hops += end - p > 4 && !memcmp(p, "hop ", 4);
	}
	return hops;
}

/* Reads the whole stream; returns the number of hop lines: comments and Custom Block lines. */
static size_t check_pcapng(const uint8_t *buf, size_t len)
{
	static uint32_t snaplens[MAX_IDBS];
	size_t off = 0, idbs = 0, hop_lines = 0;

	FUZZ_CHECK(len >= 28 && get32(buf) == SHB_TYPE && get32(buf + 8) == BYTE_ORDER_MAGIC);
	while (off < len) {
		const uint8_t *b = buf + off;
		uint32_t type, blen, cap;

		FUZZ_CHECK(len - off >= 12);
		type = get32(b);
		blen = get32(b + 4);
		FUZZ_CHECK(blen >= 12 && blen % 4 == 0 && blen <= len - off);
		FUZZ_CHECK(get32(b + blen - 4) == blen);
		if (type == SHB_TYPE) {
			FUZZ_CHECK(off == 0 && blen >= 28);
			check_options(b + 24, b + blen - 4);
		} else if (type == IDB_TYPE) {
			FUZZ_CHECK(blen >= 20 && idbs < MAX_IDBS);
			snaplens[idbs++] = get32(b + 12);
			check_options(b + 16, b + blen - 4);
		} else if (type == EPB_TYPE) {
			FUZZ_CHECK(blen >= 32);
			FUZZ_CHECK(get32(b + 8) < idbs);
			cap = get32(b + 20);
			FUZZ_CHECK(cap > COOKED_HLEN && cap <= get32(b + 24));
			FUZZ_CHECK(!snaplens[get32(b + 8)] || cap <= snaplens[get32(b + 8)]);
			FUZZ_CHECK(cap <= blen - 32);
			hop_lines += check_options(b + 28 + cap + ((4 - (cap & 3)) & 3), b + blen - 4);
		} else if (type == CUSTOM_TYPE) {
			hop_lines += custom_block_hops(b + 8, b + blen - 4);
		} else {
			FUZZ_CHECK(!"a block type the writer does not write");
		}
		off += blen;
	}
	return hop_lines;
}

struct run {
	struct sink *sink;
	size_t hops;
};

static void on_done(void *ctx, const struct packet *p)
{
	struct run *r = ctx;

	r->hops += p->hop_count;
	struct judged_packet jp;

	FUZZ_CHECK(judged_packet__build(r->sink->en, p, &jp) == 0);
	FUZZ_CHECK(r->sink->packet(r->sink, &jp) == 0);
	judged_packet__release(&jp);
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	static uint8_t data[HOPTRACE_SNAPLEN_MAX];
	struct cursor c = { in, size };
	struct trace_summary sum = { 0 };
	struct run r = { 0 };
	struct timeline *tl;
	struct hop_event ev;
	char *buf = NULL;
	size_t len = 0;
	__u32 snaplen;
	__u64 ts;
	FILE *f;

	snaplen = take16(&c) % (HOPTRACE_SNAPLEN_MAX + 1);
	take(&c, &ts, sizeof(ts));
	f = open_memstream(&buf, &len);
	FUZZ_CHECK(f);
	r.sink = output_pcapng__new(f, &en, snaplen);
	tl = timeline__new(on_done, &r);
	FUZZ_CHECK(r.sink && tl);
	while (c.left) {
		uint8_t op = take8(&c);

		if (op == 0xff) {
			timeline__mark_loss(tl);
			continue;
		}
		take_event(&c, op, &ts, &ev, data);
		FUZZ_CHECK(timeline__add(tl, &ev, data) == 0);
	}
	timeline__finish(tl);
	sum.totals = timeline__totals(tl);
	FUZZ_CHECK(r.sink->summary(r.sink, &sum) == 0);
	r.sink->free(r.sink);
	timeline__free(tl);
	FUZZ_CHECK(fclose(f) == 0);
	/* A line per hop view: every recorded hop, and the NAT and tunnel hops between. */
	FUZZ_CHECK(check_pcapng((const uint8_t *)buf, len) >= r.hops);
	free(buf);
	return 0;
}

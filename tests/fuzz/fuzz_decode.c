// SPDX-License-Identifier: GPL-2.0
/* Fuzzes the door from the kernel: arbitrary ring-buffer records through decode__event into
 * the timeline, and every finished packet through the text and JSON sinks.
 *
 * Input: records, each a 16-bit little-endian length then that many bytes (cut short at the
 * end of the input). A zero length marks lost events (timeline__mark_loss). Each record is
 * copied to a buffer of its exact size, so reading past it is a sanitizer error. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/decode.h"
#include "fuzz.h"
#include "sinks/sink.h"
#include "pipeline/timeline.h"

static struct enrich en;
static FILE *devnull;

struct sinks {
	struct sink *text, *json;
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz__enrich_init(&en);
	devnull = fopen("/dev/null", "w");
	FUZZ_CHECK(devnull);
	return 0;
}

static void on_done(void *ctx, const struct packet *p)
{
	struct sinks *s = ctx;

	FUZZ_CHECK(p->hop_count > 0);
	struct judged_packet jp;

	FUZZ_CHECK(judged_packet__build(s->text->en, p, &jp) == 0);
	FUZZ_CHECK(s->text->packet(s->text, &jp) == 0);
	FUZZ_CHECK(s->json->packet(s->json, &jp) == 0);
	judged_packet__release(&jp);
}

/* One record: decoded, and when it is well-formed, added. */
static void feed(struct timeline *tl, const uint8_t *bytes, size_t len)
{
	uint8_t *rec = malloc(len ? len : 1);
	const __u8 *data = NULL;
	struct hop_event ev;

	FUZZ_CHECK(rec);
	memcpy(rec, bytes, len);
	if (!decode__event(rec, len, &ev, &data)) {
		FUZZ_CHECK(data == rec + sizeof(ev));
		FUZZ_CHECK(ev.cap_len <= len - sizeof(ev));
		FUZZ_CHECK(memchr(ev.ifname, 0, sizeof(ev.ifname)));
		FUZZ_CHECK(memchr(ev.dev_kind, 0, sizeof(ev.dev_kind)));
		FUZZ_CHECK(timeline__add(tl, &ev, data) == 0);
	}
	free(rec); /* the timeline keeps copies, never the record */
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	struct sinks s = { output_text__new(devnull, &en), output_json__new(devnull, &en) };
	struct timeline *tl = timeline__new(on_done, &s);
	struct trace_summary sum = { 0 };

	FUZZ_CHECK(s.text && s.json && tl);
	while (size >= 2) {
		size_t len = in[0] | (size_t)in[1] << 8;

		in += 2;
		size -= 2;
		if (len > size)
			len = size;
		if (len)
			feed(tl, in, len);
		else
			timeline__mark_loss(tl);
		in += len;
		size -= len;
	}
	timeline__finish(tl);
	sum.totals = timeline__totals(tl);
	FUZZ_CHECK(sum.totals->packets == sum.totals->dropped + sum.totals->delivered +
						  sum.totals->unknown + sum.totals->no_route);
	FUZZ_CHECK(s.text->summary(s.text, &sum) == 0);
	FUZZ_CHECK(s.json->summary(s.json, &sum) == 0);
	timeline__free(tl);
	s.text->free(s.text);
	s.json->free(s.json);
	return 0;
}

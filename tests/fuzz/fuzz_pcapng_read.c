// SPDX-License-Identifier: GPL-2.0
/* Fuzzes the pcapng reader of hoptrace merge with arbitrary files. A refusal must come with
 * one line of explanation; an accepted file must hold only what its promises say: packet
 * bytes and verdicts inside the file's buffer, interfaces described, NUL-terminated strings,
 * and record positions that count up from 0 across frames and custom blocks. Every string
 * is read to its end so that the sanitizers see each byte the reader handed out. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "merge/pcapng_read.h"

static const struct pcapng_file *file;

static void check_inside(const uint8_t *p, size_t len)
{
	FUZZ_CHECK(!len || (p >= file->buf && p <= file->buf + file->size));
	FUZZ_CHECK(!len || len <= (size_t)(file->buf + file->size - p));
}

/* Reads a string to its end; NULL when the field is optional. */
static size_t touch(const char *s, bool optional)
{
	FUZZ_CHECK(s || optional);
	return s ? strlen(s) : 0;
}

static void check_frame(const struct pcapng_read_frame *fr, bool *seen)
{
	volatile uint8_t sum = 0;
	unsigned int i;

	FUZZ_CHECK(fr->if_id < file->if_count);
	FUZZ_CHECK(fr->seq < file->frame_count + file->block_count && !seen[fr->seq]);
	seen[fr->seq] = true;
	check_inside(fr->data, fr->cap_len);
	for (i = 0; i < fr->cap_len; i++)
		sum += fr->data[i];
	FUZZ_CHECK(fr->verdict_type >= -1 && fr->verdict_type <= 0xff);
	if (fr->verdict_type >= 0)
		check_inside(fr->verdict_data, fr->verdict_len);
	else
		FUZZ_CHECK(!fr->verdict_len);
	FUZZ_CHECK(!fr->comment_count || fr->comments);
	for (i = 0; i < fr->comment_count; i++)
		touch(fr->comments[i], false);
	FUZZ_CHECK(!fr->custom_count || fr->customs);
	for (i = 0; i < fr->custom_count; i++)
		touch(fr->customs[i], false);
	(void)sum;
}

static void check_file(const struct pcapng_file *f)
{
	size_t records = f->frame_count + f->block_count, i;
	bool *seen = calloc(records ? records : 1, sizeof(*seen));

	FUZZ_CHECK(seen);
	file = f;
	touch(f->application, true);
	touch(f->os, true);
	touch(f->hardware, true);
	touch(f->comment, true);
	for (i = 0; i < f->if_count; i++) {
		touch(f->ifs[i].name, true);
		touch(f->ifs[i].description, true);
		/* 10^0..10^9 or 2^0..2^30 units a second, as the reader allows. */
		FUZZ_CHECK(f->ifs[i].ts_units >= 1 && f->ifs[i].ts_units <= (1ull << 30));
	}
	for (i = 0; i < f->frame_count; i++)
		check_frame(&f->frames[i], seen);
	for (i = 0; i < f->block_count; i++) {
		const struct pcapng_read_block *b = &f->blocks[i];

		FUZZ_CHECK(b->seq < records && !seen[b->seq]);
		seen[b->seq] = true;
		FUZZ_CHECK(touch(b->text, false) <= b->len);
		FUZZ_CHECK(!b->len || b->text[b->len - 1]); /* the padding is gone */
	}
	/* Kept in file order: positions grow within each array. */
	for (i = 1; i < f->frame_count; i++)
		FUZZ_CHECK(f->frames[i].seq > f->frames[i - 1].seq);
	for (i = 1; i < f->block_count; i++)
		FUZZ_CHECK(f->blocks[i].seq > f->blocks[i - 1].seq);
	free(seen);
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	struct pcapng_file f;
	uint8_t *buf = malloc(size ? size : 1);
	char err[256];

	FUZZ_CHECK(buf);
	if (size)
		memcpy(buf, in, size);
	err[0] = 0;
	if (pcapng_read__buffer(buf, size, &f, err, sizeof(err))) {
		FUZZ_CHECK(err[0] && !strchr(err, '\n'));
		FUZZ_CHECK(!f.buf && !f.frames && !f.ifs && !f.blocks);
		return 0;
	}
	FUZZ_CHECK(f.buf == buf && f.size == size);
	check_file(&f);
	pcapng_read__free(&f);
	pcapng_read__free(&f);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/* The pcapng reader of hoptrace merge. Every length read from the file is checked against
 * the bytes left before it is used, in the form "need > left", so that no addition of
 * file-controlled numbers can wrap. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "merge/pcapng_read.h"
#include "sinks/pcapng_writer.h"

/* Block types and option codes, as numbered by draft-ietf-opsawg-pcapng. */
#define BLOCK_SHB 0x0A0D0D0Au
#define BLOCK_IDB 1u
#define BLOCK_OBSOLETE_PACKET 2u
#define BLOCK_SPB 3u
#define BLOCK_EPB 6u
#define BLOCK_CUSTOM_COPY 0x00000BADu
#define BLOCK_CUSTOM_NOCOPY 0x40000BADu
#define BYTE_ORDER_MAGIC 0x1A2B3C4Du

#define OPT_ENDOFOPT 0
#define OPT_COMMENT 1
#define OPT_CUSTOM_STRING_COPY 2988
#define OPT_CUSTOM_STRING_NOCOPY 19372
#define SHB_HARDWARE 2
#define SHB_OS 3
#define SHB_USERAPPL 4
#define IF_NAME 2
#define IF_DESCRIPTION 3
#define IF_TSRESOL 9
#define EPB_FLAGS 2
#define EPB_PACKETID 5
#define EPB_VERDICT 7

/* Fixed parts of block bodies (after type and length, before options). */
#define BLOCK_HEADER_LEN 8
#define BLOCK_MIN_LEN 12
#define SHB_FIXED_LEN 16
#define IDB_FIXED_LEN 8
#define EPB_FIXED_LEN 20
#define PEN_LEN 4

#define TSRESOL_DEFAULT_UNITS 1000000u
/* Beyond these, units per second no longer describe a clock anyone builds. */
#define TSRESOL_MAX_POW10 9
#define TSRESOL_MAX_POW2 30
#define NS_PER_S 1000000000u

#define READ_CHUNK 65536

struct reader {
	const uint8_t *buf;
	size_t size;
	struct pcapng_file *out;
	char *err;
	size_t errlen;
	size_t if_cap, frame_cap, block_cap;
	size_t seq; /* next record's position among frames and custom blocks */
};

/* One option of a block's list. */
struct option {
	uint16_t code;
	uint16_t len;
	const uint8_t *value;
	size_t at; /* byte offset of the option in the file */
};

/* Walks an option list; end is the block's trailing length field. */
struct option_list {
	const uint8_t *p, *end;
	size_t block_at;
};

static int fail(struct reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct reader *r, const char *fmt, ...)
{
	va_list ap;

	if (r->errlen) {
		va_start(ap, fmt);
		vsnprintf(r->err, r->errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static size_t pad4(size_t len)
{
	return (4 - (len & 3)) & 3;
}

static size_t offset_of(const struct reader *r, const uint8_t *p)
{
	return (size_t)(p - r->buf);
}

static uint16_t get16(const struct reader *r, const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return r->out->swapped ? __builtin_bswap16(v) : v;
}

static uint32_t get32(const struct reader *r, const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return r->out->swapped ? __builtin_bswap32(v) : v;
}

static uint64_t get64(const struct reader *r, const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return r->out->swapped ? __builtin_bswap64(v) : v;
}

/* Doubles *cap until count + 1 elements fit. */
static int grow(struct reader *r, void **arr, size_t *cap, size_t count, size_t elem)
{
	size_t new_cap;
	void *p;

	if (count < *cap)
		return 0;
	new_cap = *cap ? *cap * 2 : 8;
	if (new_cap < *cap || new_cap > SIZE_MAX / elem)
		return fail(r, "out of memory");
	p = realloc(*arr, new_cap * elem);
	if (!p)
		return fail(r, "out of memory");
	*arr = p;
	*cap = new_cap;
	return 0;
}

/* A NUL-terminated copy of len bytes (the format stores strings without their NUL). */
static char *copy_text(struct reader *r, const uint8_t *p, size_t len)
{
	char *s;

	if (len == SIZE_MAX) {
		fail(r, "out of memory");
		return NULL;
	}
	s = malloc(len + 1);
	if (!s) {
		fail(r, "out of memory");
		return NULL;
	}
	memcpy(s, p, len);
	s[len] = 0;
	return s;
}

/* Keeps the first of a repeated string option, so that repeats cannot leak. */
static int keep_first(struct reader *r, char **dst, const struct option *o)
{
	if (*dst)
		return 0;
	*dst = copy_text(r, o->value, o->len);
	return *dst ? 0 : -1;
}

static int append_text(struct reader *r, char ***arr, unsigned int *count, size_t *cap,
		       const uint8_t *p, size_t len)
{
	char *s;

	if (grow(r, (void **)arr, cap, *count, sizeof(**arr)))
		return -1;
	s = copy_text(r, p, len);
	if (!s)
		return -1;
	(*arr)[(*count)++] = s;
	return 0;
}

/* Return: 1 with *o filled, 0 at the end of the list, -1 on a list running past its block. */
static int next_option(struct reader *r, struct option_list *l, struct option *o)
{
	size_t left = (size_t)(l->end - l->p), need;

	if (!left)
		return 0;
	o->at = offset_of(r, l->p);
	if (left < 4)
		return fail(r, "the option at byte %zu runs past the end of the block at byte %zu",
			    o->at, l->block_at);
	o->code = get16(r, l->p);
	o->len = get16(r, l->p + 2);
	o->value = l->p + 4;
	if (o->code == OPT_ENDOFOPT) {
		l->p = l->end;
		return 0;
	}
	need = (size_t)o->len + pad4(o->len);
	if (need > left - 4)
		return fail(r,
			    "option %u at byte %zu needs %zu bytes, the block at byte %zu has %zu "
			    "left",
			    o->code, o->at, need, l->block_at, left - 4);
	l->p += 4 + need;
	return 1;
}

static int wrong_length(struct reader *r, const struct option *o, const char *what)
{
	return fail(r, "option %u at byte %zu is %u bytes long, %s", o->code, o->at, o->len, what);
}

static int read_section_header(struct reader *r, const uint8_t *b, uint32_t len, size_t at)
{
	struct pcapng_file *f = r->out;
	struct option_list l = { b + BLOCK_HEADER_LEN + SHB_FIXED_LEN, b + len - 4, at };
	struct option o;
	uint16_t major;
	int rc;

	if (at)
		return fail(r,
			    "a second section at byte %zu (concatenated captures): one section "
			    "per file",
			    at);
	if (len - BLOCK_MIN_LEN < SHB_FIXED_LEN)
		return fail(r, "the section header at byte %zu is %u bytes long, below %u", at, len,
			    BLOCK_MIN_LEN + SHB_FIXED_LEN);
	major = get16(r, b + 12);
	if (major != 1)
		return fail(r, "the section at byte %zu is of version %u.%u: only 1.x is read", at,
			    major, get16(r, b + 14));
	while ((rc = next_option(r, &l, &o)) > 0) {
		if (o.code == OPT_COMMENT)
			rc = keep_first(r, &f->comment, &o);
		else if (o.code == SHB_HARDWARE)
			rc = keep_first(r, &f->hardware, &o);
		else if (o.code == SHB_OS)
			rc = keep_first(r, &f->os, &o);
		else if (o.code == SHB_USERAPPL)
			rc = keep_first(r, &f->application, &o);
		if (rc < 0)
			return -1;
	}
	return rc;
}

/* if_tsresol: bit 7 clear, 10^-n s; set, 2^-n s. */
static int tsresol_units(struct reader *r, const struct option *o, uint64_t *units)
{
	uint8_t v, n;

	if (o->len != 1)
		return wrong_length(r, o, "if_tsresol has 1");
	v = o->value[0];
	n = v & 0x7f;
	if (v & 0x80) {
		if (n > TSRESOL_MAX_POW2)
			return fail(r,
				    "if_tsresol 2^-%u at byte %zu: finer than 2^-%u s is refused",
				    n, o->at, TSRESOL_MAX_POW2);
		*units = (uint64_t)1 << n;
		return 0;
	}
	if (n > TSRESOL_MAX_POW10)
		return fail(r, "if_tsresol 10^-%u at byte %zu: finer than 10^-%u s is refused", n,
			    o->at, TSRESOL_MAX_POW10);
	for (*units = 1; n; n--)
		*units *= 10;
	return 0;
}

static int read_interface(struct reader *r, const uint8_t *b, uint32_t len, size_t at)
{
	struct pcapng_file *f = r->out;
	struct option_list l = { b + BLOCK_HEADER_LEN + IDB_FIXED_LEN, b + len - 4, at };
	struct pcapng_read_if *ifc;
	struct option o;
	int rc;

	if (len - BLOCK_MIN_LEN < IDB_FIXED_LEN)
		return fail(r, "the interface block at byte %zu is %u bytes long, below %u", at,
			    len, BLOCK_MIN_LEN + IDB_FIXED_LEN);
	if (f->if_count == UINT_MAX)
		return fail(r, "too many interfaces at byte %zu", at);
	if (grow(r, (void **)&f->ifs, &r->if_cap, f->if_count, sizeof(*f->ifs)))
		return -1;
	ifc = &f->ifs[f->if_count++];
	memset(ifc, 0, sizeof(*ifc));
	ifc->linktype = get16(r, b + 8);
	ifc->snaplen = get32(r, b + 12);
	ifc->ts_units = TSRESOL_DEFAULT_UNITS;
	while ((rc = next_option(r, &l, &o)) > 0) {
		if (o.code == IF_NAME)
			rc = keep_first(r, &ifc->name, &o);
		else if (o.code == IF_DESCRIPTION)
			rc = keep_first(r, &ifc->description, &o);
		else if (o.code == IF_TSRESOL)
			rc = tsresol_units(r, &o, &ifc->ts_units);
		if (rc < 0)
			return -1;
	}
	return rc;
}

/* Custom options and blocks start with the PEN, in the section's byte order. */
static bool is_ours(const struct reader *r, const uint8_t *pen)
{
	return get32(r, pen) == PCAPNG_HOPTRACE_PEN;
}

/* Per-frame array capacities, which the public struct does not keep. */
struct frame_caps {
	size_t comments, customs;
};

static int read_packet_option(struct reader *r, struct pcapng_read_frame *fr,
			      struct frame_caps *caps, const struct option *o)
{
	switch (o->code) {
	case OPT_COMMENT:
		return append_text(r, &fr->comments, &fr->comment_count, &caps->comments, o->value,
				   o->len);
	case EPB_FLAGS:
		if (o->len != 4)
			return wrong_length(r, o, "epb_flags has 4");
		fr->has_flags = true;
		fr->flags = get32(r, o->value);
		return 0;
	case EPB_PACKETID:
		if (o->len != 8)
			return wrong_length(r, o, "epb_packetid has 8");
		fr->has_packet_id = true;
		fr->packet_id = get64(r, o->value);
		return 0;
	case EPB_VERDICT:
		if (o->len < 1)
			return wrong_length(r, o, "epb_verdict has at least 1");
		if (fr->verdict_type < 0) {
			fr->verdict_type = o->value[0];
			fr->verdict_data = o->value + 1;
			fr->verdict_len = o->len - 1u;
		}
		return 0;
	case OPT_CUSTOM_STRING_COPY:
	case OPT_CUSTOM_STRING_NOCOPY:
		if (o->len < PEN_LEN)
			return wrong_length(r, o, "a custom option has at least 4");
		if (!is_ours(r, o->value))
			return 0;
		return append_text(r, &fr->customs, &fr->custom_count, &caps->customs,
				   o->value + PEN_LEN, o->len - PEN_LEN);
	default:
		return 0;
	}
}

/* Timestamp units to ns without overflow in between; a result past 64 bits is refused. */
static int timestamp_ns(struct reader *r, uint64_t ts, uint64_t units, size_t at, uint64_t *ns)
{
	unsigned __int128 v = (unsigned __int128)ts * NS_PER_S / units;

	if (v > UINT64_MAX)
		return fail(r, "the timestamp of the packet at byte %zu is past 64-bit nanoseconds",
			    at);
	*ns = (uint64_t)v;
	return 0;
}

static int read_packet(struct reader *r, const uint8_t *b, uint32_t len, size_t at)
{
	struct pcapng_file *f = r->out;
	struct frame_caps caps = { 0 };
	struct pcapng_read_frame *fr;
	struct option_list l;
	struct option o;
	size_t room;
	uint64_t ts;
	int rc;

	if (len - BLOCK_MIN_LEN < EPB_FIXED_LEN)
		return fail(r, "the packet block at byte %zu is %u bytes long, below %u", at, len,
			    BLOCK_MIN_LEN + EPB_FIXED_LEN);
	if (grow(r, (void **)&f->frames, &r->frame_cap, f->frame_count, sizeof(*f->frames)))
		return -1;
	fr = &f->frames[f->frame_count++];
	memset(fr, 0, sizeof(*fr));
	fr->verdict_type = -1;
	fr->seq = r->seq++;
	fr->if_id = get32(r, b + 8);
	if (fr->if_id >= f->if_count)
		return fail(r,
			    "the packet at byte %zu is on interface %u, but %u interface(s) are "
			    "described before it",
			    at, fr->if_id, f->if_count);
	ts = (uint64_t)get32(r, b + 12) << 32 | get32(r, b + 16);
	if (timestamp_ns(r, ts, f->ifs[fr->if_id].ts_units, at, &fr->ts_ns))
		return -1;
	fr->cap_len = get32(r, b + 20);
	fr->orig_len = get32(r, b + 24);
	fr->data = b + 28;
	room = len - BLOCK_MIN_LEN - EPB_FIXED_LEN;
	if (fr->cap_len > room || pad4(fr->cap_len) > room - fr->cap_len)
		return fail(r,
			    "the packet at byte %zu captures %u bytes (padded to %zu), its block "
			    "holds %zu",
			    at, fr->cap_len, (size_t)fr->cap_len + pad4(fr->cap_len), room);
	l = (struct option_list){ fr->data + fr->cap_len + pad4(fr->cap_len), b + len - 4, at };
	while ((rc = next_option(r, &l, &o)) > 0) {
		if (read_packet_option(r, fr, &caps, &o))
			return -1;
	}
	return rc;
}

static int read_custom_block(struct reader *r, const uint8_t *b, uint32_t len, size_t at)
{
	struct pcapng_file *f = r->out;
	struct pcapng_read_block *blk;
	const uint8_t *data = b + BLOCK_HEADER_LEN + PEN_LEN;
	size_t data_len;

	if (len - BLOCK_MIN_LEN < PEN_LEN)
		return fail(r, "the custom block at byte %zu is %u bytes long, below %u", at, len,
			    BLOCK_MIN_LEN + PEN_LEN);
	if (!is_ours(r, b + BLOCK_HEADER_LEN))
		return 0;
	data_len = len - BLOCK_MIN_LEN - PEN_LEN;
	while (data_len && !data[data_len - 1])
		data_len--;
	if (grow(r, (void **)&f->blocks, &r->block_cap, f->block_count, sizeof(*f->blocks)))
		return -1;
	blk = &f->blocks[f->block_count];
	blk->text = copy_text(r, data, data_len);
	if (!blk->text)
		return -1;
	blk->len = data_len;
	blk->seq = r->seq++;
	f->block_count++;
	return 0;
}

static int read_block(struct reader *r, const uint8_t *b, uint32_t type, uint32_t len, size_t at)
{
	switch (type) {
	case BLOCK_SHB:
		return read_section_header(r, b, len, at);
	case BLOCK_IDB:
		return read_interface(r, b, len, at);
	case BLOCK_EPB:
		return read_packet(r, b, len, at);
	case BLOCK_CUSTOM_COPY:
	case BLOCK_CUSTOM_NOCOPY:
		return read_custom_block(r, b, len, at);
	case BLOCK_SPB:
		return fail(r, "a Simple Packet Block at byte %zu: not written by hoptrace", at);
	case BLOCK_OBSOLETE_PACKET:
		return fail(r, "an obsolete Packet Block at byte %zu: not written by hoptrace", at);
	default:
		return 0; /* name resolution, statistics, secrets...: nothing merge needs */
	}
}

/* The byte-order magic of the section header tells the order of every later field. */
static int read_byte_order(struct reader *r)
{
	const uint8_t *p = r->buf;
	uint32_t magic;

	if (r->size < 4 || memcmp(p, "\x0a\x0d\x0d\x0a", 4)) {
		char shown[64];
		size_t i, n = r->size < 4 ? r->size : 4, used = 0;

		for (i = 0; i < n; i++)
			used += snprintf(shown + used, sizeof(shown) - used, "%s0x%02x",
					 i ? " " : "", p[i]);
		return fail(r, "not a pcapng file (it starts with %s)", shown);
	}
	if (r->size < BLOCK_MIN_LEN)
		return fail(r,
			    "truncated: the block at byte 0 needs at least %u bytes, %zu are left",
			    BLOCK_MIN_LEN, r->size);
	memcpy(&magic, p + 8, sizeof(magic));
	if (magic == BYTE_ORDER_MAGIC)
		r->out->swapped = false;
	else if (__builtin_bswap32(magic) == BYTE_ORDER_MAGIC)
		r->out->swapped = true;
	else
		return fail(r,
			    "the byte-order magic at byte 8 is 0x%02x 0x%02x 0x%02x 0x%02x, in "
			    "neither order",
			    p[8], p[9], p[10], p[11]);
	return 0;
}

static int read_blocks(struct reader *r)
{
	size_t at = 0, left;
	uint32_t type, len, tail;
	const uint8_t *b;

	if (!r->size)
		return fail(r, "empty file");
	if (read_byte_order(r))
		return -1;
	for (; at < r->size; at += len) {
		b = r->buf + at;
		left = r->size - at;
		if (left < BLOCK_MIN_LEN)
			return fail(r,
				    "truncated: the block at byte %zu needs at least %u bytes, %zu "
				    "are left",
				    at, BLOCK_MIN_LEN, left);
		type = get32(r, b);
		len = get32(r, b + 4);
		if (len < BLOCK_MIN_LEN || len % 4)
			return fail(r,
				    "the block at byte %zu has a length of %u, not a multiple of 4 "
				    "of at least 12",
				    at, len);
		if (len > left)
			return fail(r,
				    "truncated: the block at byte %zu needs %u bytes, %zu are left",
				    at, len, left);
		tail = get32(r, b + len - 4);
		if (tail != len)
			return fail(r,
				    "the block at byte %zu is %u bytes long but ends with a length "
				    "of %u",
				    at, len, tail);
		if (read_block(r, b, type, len, at))
			return -1;
	}
	return 0;
}

int pcapng_read__buffer(uint8_t *buf, size_t size, struct pcapng_file *out, char *err,
			size_t errlen)
{
	struct reader r = { .buf = buf, .size = size, .out = out, .err = err, .errlen = errlen };

	memset(out, 0, sizeof(*out));
	out->buf = buf;
	out->size = size;
	if (read_blocks(&r)) {
		pcapng_read__free(out);
		return -1;
	}
	return 0;
}

/* Reads to the end, so that pipes work as well as files. */
static int read_all(int fd, uint8_t **buf, size_t *size)
{
	size_t cap = 0, len = 0;
	uint8_t *p = NULL, *grown;
	ssize_t n;

	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : READ_CHUNK;
			grown = cap > len ? realloc(p, cap) : NULL;
			if (!grown) {
				free(p);
				errno = ENOMEM;
				return -1;
			}
			p = grown;
		}
		n = read(fd, p + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(p);
			return -1;
		}
		if (!n)
			break;
		len += n;
	}
	*buf = p;
	*size = len;
	return 0;
}

int pcapng_read__file(const char *path, struct pcapng_file *out, char *err, size_t errlen)
{
	uint8_t *buf;
	size_t size;
	int fd, rc;

	memset(out, 0, sizeof(*out));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	rc = read_all(fd, &buf, &size);
	if (rc)
		snprintf(err, errlen, "%s", strerror(errno));
	close(fd);
	if (rc)
		return -1;
	return pcapng_read__buffer(buf, size, out, err, errlen);
}

static void free_frame(struct pcapng_read_frame *fr)
{
	unsigned int i;

	for (i = 0; i < fr->comment_count; i++)
		free(fr->comments[i]);
	free(fr->comments);
	for (i = 0; i < fr->custom_count; i++)
		free(fr->customs[i]);
	free(fr->customs);
}

void pcapng_read__free(struct pcapng_file *f)
{
	size_t i;

	for (i = 0; i < f->if_count; i++) {
		free(f->ifs[i].name);
		free(f->ifs[i].description);
	}
	free(f->ifs);
	for (i = 0; i < f->frame_count; i++)
		free_frame(&f->frames[i]);
	free(f->frames);
	for (i = 0; i < f->block_count; i++)
		free(f->blocks[i].text);
	free(f->blocks);
	free(f->application);
	free(f->os);
	free(f->hardware);
	free(f->comment);
	free(f->buf);
	memset(f, 0, sizeof(*f));
}

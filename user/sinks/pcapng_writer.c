// SPDX-License-Identifier: GPL-2.0
/* pcapng writer: each block is built in memory, then handed to stdio in one fwrite. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sinks/pcapng_writer.h"

/* Block types and option codes, as numbered by draft-ietf-opsawg-pcapng. */
#define BLOCK_SHB 0x0A0D0D0A
#define BLOCK_IDB 1
#define BLOCK_EPB 6
#define BLOCK_CUSTOM_COPY 0x00000BAD
#define BYTE_ORDER_MAGIC 0x1A2B3C4D

#define OPT_ENDOFOPT 0
#define OPT_COMMENT 1
#define OPT_CUSTOM_STRING_COPY 2988
#define SHB_HARDWARE 2
#define SHB_OS 3
#define SHB_USERAPPL 4
#define IF_NAME 2
#define IF_DESCRIPTION 3
#define IF_TSRESOL 9
#define EPB_FLAGS 2
#define EPB_PACKETID 5
#define EPB_VERDICT 7

/* if_tsresol 9: timestamps count 10^-9 s, so ts_ns is written as it is. */
#define TSRESOL_NS 9
#define OPTION_MAX_LEN 0xffff
#define BLOCK_MAX_LEN UINT32_MAX

/* Hash slots: twice the interface limit keeps linear probes short; a power of two. */
#define IF_SLOTS (2 * PCAPNG_MAX_INTERFACES)

/* The block being built; its buffer is reused from one block to the next. */
struct block {
	uint8_t *data;
	size_t len;
	size_t cap;
	int err;     /* first failure while building (ENOMEM, EINVAL), reported at the end */
	int options; /* options written so far, to know whether an option list needs an end */
};

struct interface {
	char *name;
	uint32_t hash;
	uint32_t snaplen;
	uint16_t linktype;
};

struct pcapng_writer {
	FILE *f;
	int error; /* errno of the first write error; the stream is cut from then on */
	struct block block;
	struct interface *ifs;
	int if_count;
	int if_cap;
	uint16_t slots[IF_SLOTS]; /* interface id + 1, 0 for an empty slot */
};

static size_t pad4(size_t len)
{
	return (4 - (len & 3)) & 3;
}

/* Makes room for n more bytes; a failure is remembered rather than returned, so that block
 * builders read straight through and check once, in block__finish(). */
static bool block__reserve(struct block *b, uint64_t n)
{
	size_t cap;
	void *data;

	if (b->err)
		return false;
	/* Block Total Length is a 32-bit field. */
	if (n > BLOCK_MAX_LEN - b->len) {
		b->err = EINVAL;
		return false;
	}
	if (b->len + n <= b->cap)
		return true;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + n)
		cap = cap > BLOCK_MAX_LEN / 2 ? BLOCK_MAX_LEN : cap * 2;
	data = realloc(b->data, cap);
	if (!data) {
		b->err = ENOMEM;
		return false;
	}
	b->data = data;
	b->cap = cap;
	return true;
}

static void block__raw(struct block *b, const void *src, size_t n)
{
	if (!n || !block__reserve(b, n))
		return;
	memcpy(b->data + b->len, src, n);
	b->len += n;
}

/* Zero-fills up to the next 32-bit boundary, as the format asks of every field. */
static void block__pad(struct block *b)
{
	static const uint8_t zeros[4];

	block__raw(b, zeros, pad4(b->len));
}

static void block__u16(struct block *b, uint16_t v)
{
	block__raw(b, &v, sizeof(v));
}

static void block__u32(struct block *b, uint32_t v)
{
	block__raw(b, &v, sizeof(v));
}

static void block__u64(struct block *b, uint64_t v)
{
	block__raw(b, &v, sizeof(v));
}

static void block__begin(struct block *b, uint32_t type)
{
	b->len = 0;
	b->err = 0;
	b->options = 0;
	block__u32(b, type);
	block__u32(b, 0); /* total length, filled in by block__finish() */
}

/* Starts an option whose value of len bytes the caller appends, then pads. */
static void block__option_header(struct block *b, uint16_t code, uint64_t len)
{
	if (len > OPTION_MAX_LEN) {
		if (!b->err)
			b->err = EINVAL;
		return;
	}
	block__u16(b, code);
	block__u16(b, len);
	b->options++;
}

static void block__option(struct block *b, uint16_t code, const void *value, size_t len)
{
	block__option_header(b, code, len);
	block__raw(b, value, len);
	block__pad(b);
}

/* Writes a string option without its NUL, as the format wants; NULL writes nothing. */
static void block__string_option(struct block *b, uint16_t code, const char *s)
{
	if (s)
		block__option(b, code, s, strlen(s));
}

/* Closes the option list, if there is one: a block without options needs no opt_endofopt. */
static void block__end_options(struct block *b)
{
	if (b->options)
		block__option(b, OPT_ENDOFOPT, NULL, 0);
}

/* Sets the total length at both ends. Return: 0, or -1 with errno from building. */
static int block__finish(struct block *b)
{
	uint32_t total;

	block__u32(b, 0);
	if (b->err) {
		errno = b->err;
		return -1;
	}
	total = b->len;
	memcpy(b->data + 4, &total, sizeof(total));
	memcpy(b->data + b->len - 4, &total, sizeof(total));
	return 0;
}

/* Fails with the sticky write error, if there was one. */
static int writer__check(const struct pcapng_writer *w)
{
	if (!w->error)
		return 0;
	errno = w->error;
	return -1;
}

/* Records a write error; errno is 0 when stdio failed without a system call, say so. */
static int writer__fail(struct pcapng_writer *w)
{
	w->error = errno ? errno : EIO;
	errno = w->error;
	return -1;
}

/* Hands the finished block to the stream in one call. */
static int writer__emit(struct pcapng_writer *w)
{
	const struct block *b = &w->block;

	errno = 0;
	if (fwrite(b->data, 1, b->len, w->f) != b->len)
		return writer__fail(w);
	return 0;
}

static int writer__section_header(struct pcapng_writer *w, const struct pcapng_section_info *info)
{
	struct block *b = &w->block;

	block__begin(b, BLOCK_SHB);
	block__u32(b, BYTE_ORDER_MAGIC);
	block__u16(b, 1);	   /* major version */
	block__u16(b, 0);	   /* minor version */
	block__u64(b, UINT64_MAX); /* section length -1: not known while streaming */
	if (info) {
		block__string_option(b, SHB_HARDWARE, info->hardware);
		block__string_option(b, SHB_OS, info->os);
		block__string_option(b, SHB_USERAPPL, info->application);
		block__string_option(b, OPT_COMMENT, info->comment);
	}
	block__end_options(b);
	if (block__finish(b))
		return -1;
	return writer__emit(w);
}

struct pcapng_writer *pcapng_writer__open(FILE *f, const struct pcapng_section_info *info)
{
	struct pcapng_writer *w;
	int err;

	if (!f) {
		errno = EINVAL;
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->f = f;
	if (writer__section_header(w, info)) {
		err = errno;
		pcapng_writer__free(w);
		errno = err;
		return NULL;
	}
	return w;
}

/* FNV-1a over the name and the link type: cheap, and good enough for interface names. */
static uint32_t interface_hash(const char *name, uint16_t linktype)
{
	uint32_t h = 2166136261u;

	for (; *name; name++)
		h = (h ^ (uint8_t)*name) * 16777619u;
	h = (h ^ (linktype & 0xff)) * 16777619u;
	h = (h ^ (linktype >> 8)) * 16777619u;
	return h;
}

/* Finds the pair's id, or -1 with *slot set to the empty slot where it would go. */
static int writer__find_interface(const struct pcapng_writer *w, const char *name,
				  uint16_t linktype, uint32_t hash, uint32_t *slot)
{
	const struct interface *ifc;
	uint32_t i = hash & (IF_SLOTS - 1);

	for (; w->slots[i]; i = (i + 1) & (IF_SLOTS - 1)) {
		ifc = &w->ifs[w->slots[i] - 1];
		if (ifc->hash == hash && ifc->linktype == linktype && !strcmp(ifc->name, name))
			return w->slots[i] - 1;
	}
	*slot = i;
	return -1;
}

/* Makes room for one more interface, so that nothing can fail after its block is written. */
static int writer__grow_interfaces(struct pcapng_writer *w)
{
	struct interface *ifs;
	int cap;

	if (w->if_count == PCAPNG_MAX_INTERFACES) {
		errno = ENOSPC;
		return -1;
	}
	if (w->if_count < w->if_cap)
		return 0;
	cap = w->if_cap ? w->if_cap * 2 : 16;
	ifs = realloc(w->ifs, cap * sizeof(*ifs));
	if (!ifs)
		return -1;
	w->ifs = ifs;
	w->if_cap = cap;
	return 0;
}

static int writer__interface_block(struct pcapng_writer *w, const char *name,
				   const char *description, uint16_t linktype, uint32_t snaplen)
{
	struct block *b = &w->block;
	uint8_t tsresol = TSRESOL_NS;

	block__begin(b, BLOCK_IDB);
	block__u16(b, linktype);
	block__u16(b, 0); /* reserved */
	block__u32(b, snaplen);
	block__string_option(b, IF_NAME, name);
	block__string_option(b, IF_DESCRIPTION, description);
	block__option(b, IF_TSRESOL, &tsresol, sizeof(tsresol));
	block__end_options(b);
	if (block__finish(b))
		return -1;
	return writer__emit(w);
}

int pcapng_writer__interface(struct pcapng_writer *w, const char *name, const char *description,
			     uint16_t linktype, uint32_t snaplen)
{
	uint32_t hash, slot;
	char *copy;
	int id;

	if (!name) {
		errno = EINVAL;
		return -1;
	}
	hash = interface_hash(name, linktype);
	id = writer__find_interface(w, name, linktype, hash, &slot);
	if (id >= 0)
		return id;
	if (writer__check(w) || writer__grow_interfaces(w))
		return -1;
	copy = strdup(name);
	if (!copy)
		return -1;
	if (writer__interface_block(w, name, description, linktype, snaplen)) {
		free(copy);
		return -1;
	}
	id = w->if_count++;
	w->ifs[id] = (struct interface){
		.name = copy, .hash = hash, .snaplen = snaplen, .linktype = linktype
	};
	w->slots[slot] = id + 1;
	return id;
}

/* Whether the format can hold the packet as given; the writer never fixes a packet up. */
static bool packet_is_valid(const struct pcapng_writer *w, int if_id,
			    const struct pcapng_packet *pkt)
{
	uint32_t snaplen;

	if (!pkt || if_id < 0 || if_id >= w->if_count)
		return false;
	snaplen = w->ifs[if_id].snaplen;
	if (pkt->cap_len > pkt->orig_len || (snaplen && pkt->cap_len > snaplen))
		return false;
	if ((!pkt->data && pkt->cap_len) || (!pkt->verdict_data && pkt->verdict_len))
		return false;
	if ((!pkt->comments && pkt->comment_count) || (!pkt->custom_strings && pkt->custom_count))
		return false;
	if (pkt->direction < PCAPNG_DIR_UNKNOWN || pkt->direction > PCAPNG_DIR_OUTBOUND)
		return false;
	return pkt->verdict_type >= PCAPNG_VERDICT_NONE && pkt->verdict_type <= 0xff;
}

/* epb_verdict: the type octet, then the type's data. */
static void block__verdict_option(struct block *b, const struct pcapng_packet *pkt)
{
	uint8_t type = pkt->verdict_type;

	block__option_header(b, EPB_VERDICT, 1 + (uint64_t)pkt->verdict_len);
	block__raw(b, &type, sizeof(type));
	block__raw(b, pkt->verdict_data, pkt->verdict_len);
	block__pad(b);
}

/* A custom UTF-8 option of the copyable kind (2988): the JSON describes this packet alone,
 * so it stays true when a tool merges or reorders files. */
static void block__custom_string_option(struct block *b, const char *s)
{
	size_t len;

	if (!s)
		return;
	len = strlen(s);
	block__option_header(b, OPT_CUSTOM_STRING_COPY, 4 + (uint64_t)len);
	block__u32(b, PCAPNG_HOPTRACE_PEN);
	block__raw(b, s, len);
	block__pad(b);
}

static void block__packet_options(struct block *b, const struct pcapng_packet *pkt)
{
	unsigned int i;

	for (i = 0; i < pkt->comment_count; i++)
		block__string_option(b, OPT_COMMENT, pkt->comments[i]);
	if (pkt->direction != PCAPNG_DIR_UNKNOWN) {
		uint32_t flags = pkt->direction; /* bits 0-1; no other flag is known to us */

		block__option(b, EPB_FLAGS, &flags, sizeof(flags));
	}
	if (pkt->packet_id)
		block__option(b, EPB_PACKETID, &pkt->packet_id, sizeof(pkt->packet_id));
	if (pkt->verdict_type != PCAPNG_VERDICT_NONE)
		block__verdict_option(b, pkt);
	for (i = 0; i < pkt->custom_count; i++)
		block__custom_string_option(b, pkt->custom_strings[i]);
	block__end_options(b);
}

int pcapng_writer__packet(struct pcapng_writer *w, int if_id, const struct pcapng_packet *pkt)
{
	struct block *b = &w->block;

	if (writer__check(w))
		return -1;
	if (!packet_is_valid(w, if_id, pkt)) {
		errno = EINVAL;
		return -1;
	}
	block__begin(b, BLOCK_EPB);
	block__u32(b, if_id);
	block__u32(b, pkt->ts_ns >> 32);
	block__u32(b, (uint32_t)pkt->ts_ns);
	block__u32(b, pkt->cap_len);
	block__u32(b, pkt->orig_len);
	block__raw(b, pkt->data, pkt->cap_len);
	block__pad(b);
	block__packet_options(b, pkt);
	if (block__finish(b))
		return -1;
	return writer__emit(w);
}

int pcapng_writer__custom_block(struct pcapng_writer *w, const void *data, size_t len)
{
	struct block *b = &w->block;

	if (writer__check(w))
		return -1;
	if (!data && len) {
		errno = EINVAL;
		return -1;
	}
	block__begin(b, BLOCK_CUSTOM_COPY);
	block__u32(b, PCAPNG_HOPTRACE_PEN);
	block__raw(b, data, len);
	block__pad(b);
	if (block__finish(b))
		return -1;
	return writer__emit(w);
}

int pcapng_writer__flush(struct pcapng_writer *w)
{
	if (writer__check(w))
		return -1;
	errno = 0;
	if (fflush(w->f) || ferror(w->f))
		return writer__fail(w);
	return 0;
}

void pcapng_writer__free(struct pcapng_writer *w)
{
	int i;

	if (!w)
		return;
	for (i = 0; i < w->if_count; i++)
		free(w->ifs[i].name);
	free(w->ifs);
	free(w->block.data);
	free(w);
}

/* SPDX-License-Identifier: GPL-2.0 */
/* A pcapng reader for hoptrace merge: the whole file in memory, its interfaces, its
 * Enhanced Packet Blocks with the options hoptrace writes, and hoptrace's Custom Blocks, in
 * file order. Either byte order; one section per file. */
#ifndef MERGE_PCAPNG_READ_H
#define MERGE_PCAPNG_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An Interface Description Block. */
struct pcapng_read_if {
	char *name;	   /* if_name, or NULL */
	char *description; /* if_description, or NULL */
	uint16_t linktype;
	uint32_t snaplen;
	uint64_t ts_units; /* timestamp units per second (if_tsresol; 1000000 by default) */
};

/* An Enhanced Packet Block (a Simple or obsolete Packet Block is refused: hoptrace writes
 * neither). */
struct pcapng_read_frame {
	size_t seq; /* position among all records (frames and custom blocks), from 0 */
	uint32_t if_id;
	uint64_t ts_ns; /* converted from the interface's units */
	uint32_t cap_len, orig_len;
	const uint8_t *data; /* cap_len bytes, inside the file's buffer */
	bool has_flags;
	uint32_t flags; /* epb_flags */
	bool has_packet_id;
	uint64_t packet_id; /* epb_packetid */
	int verdict_type;   /* epb_verdict's type octet, or -1 when absent (only the first kept) */
	const uint8_t *verdict_data; /* the octets after the type */
	uint32_t verdict_len;
	char **comments; /* opt_comment strings, NUL-terminated copies, in order */
	unsigned int comment_count;
	/* Custom string options (codes 2988 and 19372) of PCAPNG_HOPTRACE_PEN, NUL-terminated
	 * copies of the data after the PEN, in order; other PENs' options are skipped. */
	char **customs;
	unsigned int custom_count;
};

/* A Custom Block (0x00000BAD or 0x40000BAD) of PCAPNG_HOPTRACE_PEN: its data after the PEN,
 * as a NUL-terminated copy with the zero padding stripped from its end. */
struct pcapng_read_block {
	size_t seq;
	char *text;
	size_t len;
};

struct pcapng_file {
	uint8_t *buf; /* the whole file */
	size_t size;
	bool swapped; /* written in the other byte order */
	/* Section header strings, NUL-terminated copies, or NULL when absent. */
	char *application, *os, *hardware, *comment;
	struct pcapng_read_if *ifs;
	unsigned int if_count;
	struct pcapng_read_frame *frames;
	size_t frame_count;
	struct pcapng_read_block *blocks;
	size_t block_count;
};

/**
 * pcapng_read__file() - read a whole pcapng file
 * @path: file to read
 * @out: filled on success; zeroed first
 * @err: on failure, one line saying what is wrong and where, e.g. "truncated: the block at
 *       byte 4120 needs 96 bytes, 40 are left" or "not a pcapng file (it starts with ...)"
 *       (without the path and without a newline)
 * @errlen: size of err
 *
 * Refuses (return -1): unreadable files (err has strerror), files not starting with a
 * Section Header Block, a block whose length is below 12, not a multiple of 4, past the end
 * of the file, or whose trailing length differs; a byte-order magic of neither order; a
 * second section; an EPB of an undescribed interface, or whose captured length passes its
 * block; options running past their block. Unknown block types and options are skipped.
 * Return: 0, or -1 with err set and nothing to free.
 */
int pcapng_read__file(const char *path, struct pcapng_file *out, char *err, size_t errlen);

/**
 * pcapng_read__buffer() - the same on bytes already in memory (a fuzzer's input)
 * @buf: malloc'ed bytes; the reader owns them from now on (freed by pcapng_read__free(), or
 *       before returning -1)
 * @size: bytes at buf
 */
int pcapng_read__buffer(uint8_t *buf, size_t size, struct pcapng_file *out, char *err,
			size_t errlen);

/* Frees what pcapng_read__file() filled in (safe on a zeroed struct). */
void pcapng_read__free(struct pcapng_file *f);

#endif /* MERGE_PCAPNG_READ_H */

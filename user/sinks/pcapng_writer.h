/* SPDX-License-Identifier: GPL-2.0 */
/* A pcapng writer: one block per call, so a file cut after any call is still readable. */
#ifndef PCAPNG_H
#define PCAPNG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Link-layer types of the Interface Description Block (the tcpdump LINKTYPE_ registry). */
#define PCAPNG_LINKTYPE_ETHERNET 1
#define PCAPNG_LINKTYPE_RAW 101
#define PCAPNG_LINKTYPE_LINUX_SLL2 276

/* Values of pcapng_packet.direction, as epb_flags bits 0-1 encode them. */
#define PCAPNG_DIR_UNKNOWN 0
#define PCAPNG_DIR_INBOUND 1
#define PCAPNG_DIR_OUTBOUND 2

/* Values of pcapng_packet.verdict_type (first octet of epb_verdict). For TC and XDP the
 * verdict data is the 8-byte action (TC_ACT_*, enum xdp_action) in host byte order. */
#define PCAPNG_VERDICT_NONE (-1)
#define PCAPNG_VERDICT_HW 0
#define PCAPNG_VERDICT_TC 1
#define PCAPNG_VERDICT_XDP 2

/* The Private Enterprise Number of hoptrace's custom options and blocks. hoptrace has no PEN of its
 * own yet; 32473 is the one IANA set aside for examples (RFC 5612), so no registered
 * vendor's options can be mistaken for ours. Replace it here, and only here, once the
 * project registers a PEN (free at IANA). */
#define PCAPNG_HOPTRACE_PEN 32473

/* Most interfaces (distinct name and link type pairs) one writer describes. */
#define PCAPNG_MAX_INTERFACES 4096

struct pcapng_writer;

/* Strings of the Section Header Block; NULL ones are left out. */
struct pcapng_section_info {
	const char *hardware;	 /* shb_hardware, e.g. the host name */
	const char *os;		 /* shb_os, e.g. "Linux 6.1.0-18-amd64" */
	const char *application; /* shb_userappl, e.g. "hoptrace 0.1.0" */
	const char *comment;	 /* opt_comment: what a reader should know before the frames */
};

/* One packet to write as an Enhanced Packet Block. */
struct pcapng_packet {
	uint64_t ts_ns; /* wall clock, ns since the Unix epoch */
	const void *data;
	uint32_t cap_len;   /* bytes at data; at most orig_len and the interface's snaplen */
	uint32_t orig_len;  /* length on the wire */
	int direction;	    /* PCAPNG_DIR_*; epb_flags is left out when unknown */
	uint64_t packet_id; /* epb_packetid; left out when 0 */
	int verdict_type;   /* PCAPNG_VERDICT_* or any type octet 0-255; NONE leaves it out */
	const void *verdict_data;
	uint32_t verdict_len;
	/* opt_comment options, UTF-8, in this order (a frame may carry several); NULL ones are
	 * left out. */
	const char *const *comments;
	unsigned int comment_count;
	/* Custom string options under PCAPNG_HOPTRACE_PEN, UTF-8, in order; NULL ones left out. */
	const char *const *custom_strings;
	unsigned int custom_count;
};

/**
 * pcapng_writer__open() - start a pcapng stream and write its Section Header Block
 * @f: stream to write to; the writer never closes it
 * @info: strings for the section header, or NULL
 *
 * Blocks are written in host byte order; the byte-order magic tells readers which.
 * Return: a writer, or NULL with errno set.
 */
struct pcapng_writer *pcapng_writer__open(FILE *f, const struct pcapng_section_info *info);

/**
 * pcapng_writer__interface() - find or describe the interface (name, linktype)
 * @w: writer
 * @name: interface name (if_name); required
 * @description: if_description, or NULL; only used the first time the pair is seen
 * @linktype: PCAPNG_LINKTYPE_*
 * @snaplen: largest cap_len of the interface's packets, 0 for no limit
 *
 * Writes an Interface Description Block (nanosecond timestamps) the first time the pair is
 * seen. Return: the interface id, or -1 with errno set: ENOSPC past PCAPNG_MAX_INTERFACES,
 * EINVAL without a name, or the write error.
 */
int pcapng_writer__interface(struct pcapng_writer *w, const char *name, const char *description,
			     uint16_t linktype, uint32_t snaplen);

/**
 * pcapng_writer__packet() - write one Enhanced Packet Block
 * @w: writer
 * @if_id: an id returned by pcapng_writer__interface()
 * @pkt: the packet and its options
 *
 * Return: 0, or -1 with errno set: EINVAL for a packet the format cannot hold (unknown
 * interface, cap_len above orig_len or snaplen, an option longer than 65535 bytes, a count
 * without its array), or the
 * write error (EPIPE, ENOSPC...). After a write error the writer refuses further blocks with
 * the same errno, since a half-written block has already cut the stream.
 */
int pcapng_writer__packet(struct pcapng_writer *w, int if_id, const struct pcapng_packet *pkt);

/**
 * pcapng_writer__custom_block() - write a Custom Block of PCAPNG_HOPTRACE_PEN
 * @w: writer
 * @data: the custom data
 * @len: bytes at data
 *
 * The block is of the copyable kind (type 0x00000BAD): what it holds must stay true in any
 * file it is copied to. The format stores no length for custom data: readers see it padded
 * with zero bytes to 32 bits, so data should be text, whose end the padding cannot blur.
 * Return: 0, or -1 with errno set: EINVAL for data the format cannot hold, or the write
 * error, which sticks as for pcapng_writer__packet().
 */
int pcapng_writer__custom_block(struct pcapng_writer *w, const void *data, size_t len);

/**
 * pcapng_writer__flush() - push buffered blocks to the stream's file
 * @w: writer
 *
 * Return: 0, or -1 with errno set to the write error.
 */
int pcapng_writer__flush(struct pcapng_writer *w);

/**
 * pcapng_writer__free() - free the writer, without flushing or closing its stream
 * @w: writer, or NULL
 */
void pcapng_writer__free(struct pcapng_writer *w);

#endif /* PCAPNG_H */

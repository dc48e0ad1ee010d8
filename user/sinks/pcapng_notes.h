/* SPDX-License-Identifier: GPL-2.0 */
/* What the pcapng sink says about a packet's hops: which frame speaks for which hops (a hop
 * without packet bytes has no frame of its own), and each hop's comment line and JSON
 * object, on a frame or, for a packet without any bytes, in a Custom Block. */
#ifndef PCAPNG_NOTES_H
#define PCAPNG_NOTES_H

#include <stdbool.h>
#include <linux/types.h>
#include "pipeline/judge.h"

struct enrich;
struct hop_event;
struct hop_view;
struct pcapng_writer;

/* A namespace name (NAME_MAX) or "netns:<inode>", with room to spare. */
#define PCAPNG_NOTES_LABEL_SIZE 288

/* The views one frame speaks for: first..last, of which frame has the bytes; frame is -1
 * when no view of the packet has any (the views then go to a Custom Block). */
struct pcapng_group {
	int first;
	int frame;
	int last;
};

/* One comment line and one JSON object per view of a group; the packet's last group adds
 * the packet object after its hops' (json_count = count + 1). */
struct pcapng_notes {
	unsigned int count;
	const char **comments;
	unsigned int json_count;
	char **json;
	char *text; /* storage of the comment lines */
};

/* Whether the view is a hop the kernel recorded with packet bytes: one that gets a frame. */
bool pcapng_notes__has_bytes(const struct hop_view *view);

/**
 * pcapng_group__next() - the packet's next frame and the hops without bytes it speaks for
 * @jp: the judged packet
 * @g: the previous group; set g->last to -1 for the first
 *
 * A hop without bytes goes to the packet's next frame, or to its last frame when none
 * follows, so that reading a frame's comments in order reads the hops in order.
 * Return: true with g set, false when every view has been handed out.
 */
bool pcapng_group__next(const struct judged_packet *jp, struct pcapng_group *g);

/**
 * pcapng_notes__build() - the comment lines and JSON objects of a group's views
 * @notes: filled in; free with pcapng_notes__free() even on failure
 * @en: names for hooks, namespaces, drop reasons and times
 * @jp: the judged packet; the last view's line carries its verdict
 * @g: the views
 *
 * Return: 0, or -errno (ENOMEM).
 */
int pcapng_notes__build(struct pcapng_notes *notes, struct enrich *en,
			const struct judged_packet *jp, const struct pcapng_group *g);

/**
 * pcapng_notes__write_block() - a Custom Block for a packet none of whose hops has bytes
 * @notes: the packet's notes
 * @w: writer
 * @packet_id: the packet's id
 *
 * The block's data is UTF-8 text: a line "packet <id>", then each hop's comment line, then
 * each hop's JSON object and the packet's on a line of its own. Return: 0, or -errno.
 */
int pcapng_notes__write_block(const struct pcapng_notes *notes, struct pcapng_writer *w,
			      __u64 packet_id);

void pcapng_notes__free(struct pcapng_notes *notes);

/* The hop's device name, or "-" without one. */
const char *pcapng_notes__ifname(const struct hop_event *ev);

#endif /* PCAPNG_NOTES_H */

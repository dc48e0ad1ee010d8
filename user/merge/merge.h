/* SPDX-License-Identifier: GPL-2.0 */
/* hoptrace merge: per-node traces (JSON Lines or pcapng) joined into one timeline. Each
 * input is one node's trace; each packet of it is a "part" of a merged packet. Parts of
 * different nodes are joined by what survives the trip between them (merge_match), each
 * node's clock is put on the first input's (merge_clock), and each merged packet gets one
 * verdict for its whole path (merge_fate). */
#ifndef MERGE_MERGE_H
#define MERGE_MERGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <cjson/cJSON.h>
#include "merge/pcapng_read.h"

/* Most inputs one merge joins (a bit each in a group's set of nodes). */
#define MERGE_MAX_INPUTS 64

/* How long a packet that left a node may take to reach the next before it counts as lost
 * (a generous bound on any datacenter or cross-zone path), and how long the next node's
 * trace must have run after the packet left for that to be said. */
#define MERGE_IN_FLIGHT_NS 1000000000LL

/* Times and offsets are kept within +-MERGE_TIME_MAX (year 2116 in ns since 1970), so
 * that their sums and differences cannot overflow whatever a file holds. */
#define MERGE_TIME_MAX (1LL << 61)

/* Where an object's text is: in memory (a pcapng input's options and blocks), else a line of
 * the input's file, read again when it is written (merge keeps no parsed tree of it: a
 * tree costs ten times its text). */
struct merge_text {
	const char *mem;
	long long off;
	unsigned int len;
};

/* What a kernel hook's hop says about where the skb is, for where a part came from and went. */
enum merge_hook_kind {
	MERGE_HOOK_OTHER,
	MERGE_HOOK_RECEIVE,
	MERGE_HOOK_TRANSMIT,
	MERGE_HOOK_FREED
};

struct merge_hop {
	cJSON *obj;		 /* the hop object, only when the input keeps objects (owned) */
	struct merge_text text;	 /* its JSON text */
	long long ts_ns;	 /* as the node recorded it (its wall clock) */
	const char *key;	 /* its join key (merge_match), NULL: none, or the previous's */
	int frame;		 /* pcapng input: the frame whose own hop this is, else -1 */
	int carrier;		 /* pcapng input: the frame whose options carried it, else -1 */
	bool kernel;		 /* a kernel hook's sighting, not a synthetic or annotating hop */
	unsigned char hook_kind; /* enum merge_hook_kind */
};

/* One packet as one node saw it. */
struct merge_part {
	int input;
	unsigned long long pkt, flow;
	cJSON *packet; /* its packet object, only when the input keeps objects (owned) */
	struct merge_text packet_text;
	bool has_packet;  /* its packet object came */
	const char *fate; /* the packet object's fate, NULL when it has none */
	struct merge_hop *hops;
	int hop_count, hop_cap;
	int first_kernel, last_kernel; /* hop indexes, -1 when it has no kernel hop */
	int sent;	/* with left_node: the transmit that sent it out (a free may follow) */
	bool left_node; /* its last kernel hop sends it out of the node's namespaces */
	bool arrived;	/* its first kernel hop receives it from outside them */
	/* pcapng input: the frames and Custom Blocks holding it, in file order. */
	size_t *frames;
	int frame_count;
	size_t *blocks;
	int block_count;
	int merged; /* index of its merged packet */
};

/* How a node's clock offset was found. */
enum merge_clock_source {
	MERGE_CLOCK_REFERENCE, /* the first input: the others are put on its clock */
	MERGE_CLOCK_PACKETS,   /* packets seen on both nodes in both directions: bounded */
	MERGE_CLOCK_ONE_WAY,   /* packets in one direction only: an upper or lower limit */
	MERGE_CLOCK_WALL,      /* no packet joins it to the others: its wall clock as is */
};

/* Text a loaded input keeps (join keys, fates, Custom Blocks' lines): chunks never moved. */
struct merge_store {
	char **chunks;
	int count;
	size_t used, size; /* of the last chunk */
};

/* The window of a JSON Lines input's file that its lines are read again through. */
struct merge_window {
	char *buf;
	long long off;
	size_t len, cap;
};

struct merge_input {
	const char *path;
	bool objects;	/* set before loading: keep every object parsed (hoptrace report) */
	char label[96]; /* how the output names the node */
	bool pcapng;
	/* The summary line and its node object (inside summary). */
	cJSON *summary;
	const cJSON *node;
	const char *name, *hostname, *boot_id, *kernel;
	long long start_real_ns, end_real_ns; /* the trace's span on its wall clock */
	struct pcapng_file file;
	int fd; /* JSON Lines: the file its objects are read again from (with window) */
	struct merge_window *window;
	struct merge_store store;
	struct merge_part *parts;
	int part_count, part_cap;
	/* Clock: corrected time = recorded time - offset_ns, on the first input's clock. */
	long long offset_ns, bound_ns; /* bound_ns: -1 when not known */
	enum merge_clock_source clock_source;
	int clock_via; /* the input it was found against */
	int pairs_out, pairs_back;
	bool clock_contradicts; /* no offset fits both ways: a wrong join, or a clock step */
	int joined;		/* parts joined to another node's */
};

/* A packet of the merged timeline: its parts in the order it travelled. */
struct merge_packet {
	unsigned long long id, flow;
	struct merge_part **parts;
	int part_count;
	long long first_ts; /* corrected time of its first hop */
	/* The verdict for the whole path. */
	const char *fate;    /* dropped, delivered, no_route, lost, unknown */
	int fate_part;	     /* the part that decided it (dropped, delivered, last seen), or -1 */
	int lost_to;	     /* lost: the input it never reached, or -1 when not known */
	const char *verdict; /* in the set's store */
};

/* The longest verdict line, with its nul. */
#define MERGE_VERDICT_MAX 1536

struct merge_set {
	struct merge_input inputs[MERGE_MAX_INPUTS];
	int input_count;
	struct merge_packet *packets;
	int packet_count;
	unsigned long conflicts; /* joins refused: they would put two parts of a node together */
	unsigned long ambiguous; /* parts whose identity matched several of another node's */
	struct merge_store verdicts;
};

/* The output of a merge: 0 text, 1 JSON Lines. */
enum merge_format { MERGE_TEXT, MERGE_JSON };

/**
 * merge_input__load() - read one node's trace
 * @in: zeroed; path set
 * @err: one line on failure (without the path)
 *
 * JSON Lines or pcapng, told by the first bytes. The trace must end with its summary (a
 * file without it was cut short) and say who took it (summary.node).
 * Return: 0, or -1 with err set.
 */
int merge_input__load(struct merge_input *in, char *err, size_t errlen);

void merge_input__free(struct merge_input *in);

/* Frees the merged packets and every input's trace (not set itself). */
void merge_set__free(struct merge_set *set);

/* The corrected time of a recorded time of input in. */
static inline long long merge__ts(const struct merge_input *in, long long ts_ns)
{
	return ts_ns - in->offset_ns;
}

/**
 * merge__check_inputs() - refuse inputs that are not distinct nodes
 *
 * Two traces of one boot (the same boot id) are two nodes only when each was limited to
 * its own namespaces (--only-netns) and those do not overlap.
 * Return: 0, or -1 with err set (naming the two files).
 */
int merge__check_inputs(const struct merge_set *set, char *err, size_t errlen);

/* Names each node (its --node-name or host name; the file's name is added where two
 * inputs share one). */
void merge__label_inputs(struct merge_set *set);

/**
 * merge__match() - join the parts of different nodes that are one packet
 *
 * First the parts whose identity is unique on each node, then (once the clocks are known)
 * those that matched several, to the nearest in time. Builds set->packets.
 * Return: 0, or -1 on allocation failure.
 */
int merge__match(struct merge_set *set);

/* Estimates each input's clock offset from the joined parts (called by merge__match). */
void merge__clocks(struct merge_set *set);

/* The verdict of each merged packet, and their flows. */
void merge__judge(struct merge_set *set);

/* Writes the merged timeline. Return: 0, or -errno of the stream. */
int merge__write_text(const struct merge_set *set, FILE *f);
int merge__write_json(const struct merge_set *set, FILE *f);

/**
 * merge__write_pcapng() - the merged packets' frames, on the reference clock
 *
 * Every input must be pcapng. Return: 0, or -errno.
 */
int merge__write_pcapng(const struct merge_set *set, FILE *f);

/**
 * merge__object() - a hop's or packet's object
 * @owned: set to the tree to cJSON_Delete() after use, NULL when the input keeps objects
 *
 * Return: the object, NULL when its text cannot be read again or parsed (out of memory,
 * or the file changed since it was loaded).
 */
const cJSON *merge__object(const struct merge_input *in, const cJSON *kept,
			   const struct merge_text *text, cJSON **owned);

/* The text itself (text->len bytes, not NUL-terminated), valid until the next read of the
 * input; NULL when it cannot be read again. */
const char *merge__text_of(const struct merge_input *in, const struct merge_text *text);

/* The same, with only the members `names` (at most 16) where the line allows: what a writer
 * reads of a hop, without the cost of the rest. */
const cJSON *merge__members(const struct merge_input *in, const cJSON *kept,
			    const struct merge_text *text, const char *const *names, size_t count,
			    cJSON **owned);

static inline const cJSON *merge_hop__members(const struct merge_input *in,
					      const struct merge_hop *h, const char *const *names,
					      size_t count, cJSON **owned)
{
	return merge__members(in, h->obj, &h->text, names, count, owned);
}

static inline const cJSON *merge_hop__object(const struct merge_input *in,
					     const struct merge_hop *h, cJSON **owned)
{
	return merge__object(in, h->obj, &h->text, owned);
}

static inline const cJSON *merge_part__packet(const struct merge_input *in,
					      const struct merge_part *p, cJSON **owned)
{
	return merge__object(in, p->packet, &p->packet_text, owned);
}

/* Kept text (merge/input_text.c): a NUL-terminated copy in the store, NULL when out of
 * memory; the file a JSON Lines input's lines are read again from, 0 or -errno. */
const char *merge_store__add(struct merge_store *s, const char *text, size_t len);
void merge_store__free(struct merge_store *s);
int merge_input__open_text(struct merge_input *in, int fd);
void merge_input__close_text(struct merge_input *in);

/* The hop's join key (merge_match) into buf; false when it has none. */
bool merge__hop_key(const cJSON *hop, char *buf, size_t size);

/* Helpers over cJSON objects. */
const char *mj__str(const cJSON *obj, const char *key);
long long mj__int(const cJSON *obj, const char *key, long long dflt);
const cJSON *mj__obj(const cJSON *obj, const char *key);

#endif /* MERGE_MERGE_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* hoptrace report: one trace (or a bundle holding one) as a single HTML page a person reads
 * without knowing the tool: each flow's path drawn as namespaces and devices, the drop
 * marked where it happened, the hops in a table, and what the trace and the bundle add.
 * The page stands alone: its style is inline and its Content-Security-Policy forbids every
 * fetch, so it can be mailed, archived and printed as it is. */
#ifndef REPORT_REPORT_H
#define REPORT_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include <cjson/cJSON.h>
#include "merge/merge.h"

/* Bounds that keep the page readable and its size bounded whatever the trace holds. */
#define REPORT_MAX_FLOWS 100  /* flows drawn; the others are counted */
#define REPORT_MAX_PATHS 8    /* distinct paths drawn per flow */
#define REPORT_MAX_PACKETS 50 /* packets listed per flow */
#define REPORT_MAX_BOXES 16   /* namespaces in one diagram */
#define REPORT_MAX_DEVS 12    /* devices in one namespace's box */
#define REPORT_MAX_MARKS 160  /* hops in one diagram (hoptrace keeps 128 per packet) */

/* What a bundle directory adds to its trace; each member NULL when its file is absent. */
struct report_bundle {
	cJSON *manifest, *counters, *checks;
};

/**
 * report_bundle__load() - read a bundle's optional files
 * @dir: the bundle directory (its trace.jsonl is read by the caller)
 *
 * Return: 0 (absent files leave their member NULL), or -1 with err set when a file is
 * there but unreadable or not the JSON object it should be.
 */
int report_bundle__load(const char *dir, struct report_bundle *b, char *err, size_t errlen);
void report_bundle__free(struct report_bundle *b);

/* The page of a loaded trace; bundle NULL for a plain trace. Return: 0 or -errno. */
int report__write_page(const struct merge_input *in, const struct report_bundle *bundle, FILE *f);

/* The bundle's sections: counter rises, checks, manifest. */
void report__write_bundle(const struct report_bundle *b, FILE *f);
/* One line under the page's title when the bundle found what the trace alone does not
 * show: drops no hook saw, failed checks. */
void report__write_bundle_glance(const struct report_bundle *b, FILE *f);

/* A hop table's details cell, and a dropped packet's drop in words (its drop object). */
void report__write_hop_details(FILE *f, const cJSON *hop);
void report__write_drop_detail(FILE *f, const cJSON *drop);
void report__write_check_link(FILE *f, const cJSON *check);

/* The trace's summary section: fates, drop sites, who took it. */
void report__write_summary(const struct merge_input *in, FILE *f);

/* Text made safe for HTML element content and quoted attribute values (both kinds of
 * quote escaped, C0 controls replaced); NULL writes nothing. */
void report_html__text(FILE *f, const char *s);
/* The same, cut to at most max characters (UTF-8 aware) with an ellipsis. */
void report_html__text_cut(FILE *f, const char *s, size_t max);
/* printf, its result escaped. */
void report_html__textf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A tuple object in words: "udp 10.0.0.1:1000 → 10.0.0.2:53". */
void report_html__tuple(char *buf, size_t size, const cJSON *tuple);
/* A namespace's name as the page shows it: netns_name, else netns:<inode>, else "?". */
void report_html__netns(char *buf, size_t size, const cJSON *hop);

/* The diagram of one packet's path. */
struct report_box {
	char netns[128];
	char pod[160];	 /* "namespace/name", or empty */
	char layers[64]; /* the layers its hops name, "/"-joined */
	char devs[REPORT_MAX_DEVS][40];
	int dev_count;
	int dev_hops[REPORT_MAX_DEVS]; /* hops drawn on each device's row */
	int hops;		       /* hops drawn in the box: its columns */
	int x, y, w, h;
	bool drop;
};

struct report_mark {
	int hop;      /* index in the part's hops */
	int box, dev; /* -1 dev: none */
	int x, y;
	double us; /* since the packet's first hop */
	bool drop;
};

struct report_layout {
	struct report_box boxes[REPORT_MAX_BOXES];
	int box_count;
	struct report_mark marks[REPORT_MAX_MARKS];
	int mark_count;
	int hops_left_out; /* beyond the bounds above */
	int width, height;
	int drop_mark;			    /* index in marks, or -1 */
	const char *drop_reason;	    /* the packet's drop.reason */
	char drop_netns[128], drop_dev[40]; /* where the packet object says it was dropped */
};

/* Lays out a packet's hops: namespaces left to right in order of first appearance, their
 * devices stacked, each hop a numbered mark on its device's row, in a column of its own
 * (time runs left to right inside a box too). */
void report_svg__layout(const struct merge_part *p, struct report_layout *l);
/* The inline <svg> of a layout; id makes its element ids unique on the page. */
void report_svg__write(const struct report_layout *l, const struct merge_part *p, int id, FILE *f);

#endif /* REPORT_REPORT_H */

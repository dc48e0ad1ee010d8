// SPDX-License-Identifier: GPL-2.0
/* A packet's path as an inline SVG: each network namespace a box, left to right in the order
 * the packet first reached it; its devices stacked inside, one row each; each hop a numbered
 * mark on its device's row, in a column of its own, joined to the previous hop by an arrow.
 * The drop is a red mark inside its namespace's group, so a reader of the markup finds it
 * where a person sees it. */
#include <string.h>

#include "report/report.h"

#define MARGIN 12
#define BOX_GAP 44
#define ROW_GAP 36     /* between two rows of boxes */
#define ROW_MAX_W 1150 /* the page's width, where boxes go on below */
#define BOX_HEAD 40    /* the namespace's name and pod/layer lines */
#define ROW_H 40       /* one device row */
#define LABEL_W 104    /* the device names' column */
#define STEP 40	       /* between two columns of marks */
#define BOX_MIN_W 190
#define MARK_R 10
#define NO_DEVICE "(no device)"

static int find_box(struct report_layout *l, const char *netns)
{
	for (int i = 0; i < l->box_count; i++)
		if (!strcmp(l->boxes[i].netns, netns))
			return i;
	return -1;
}

static int find_dev(struct report_box *b, const char *dev)
{
	for (int i = 0; i < b->dev_count; i++)
		if (!strcmp(b->devs[i], dev))
			return i;
	return -1;
}

static void add_layer(struct report_box *b, const char *layer)
{
	const char *p = b->layers;
	size_t n = strlen(layer);

	if (!layer[0])
		return;
	while ((p = strstr(p, layer))) {
		if ((p == b->layers || p[-1] == '/') && (p[n] == '\0' || p[n] == '/'))
			return;
		p += n;
	}
	if (strlen(b->layers) + n + 2 > sizeof(b->layers))
		return;
	if (b->layers[0])
		strcat(b->layers, "/");
	strcat(b->layers, layer);
}

/* The box and device row of one hop, made when first met; -1 when over the bounds. */
static int place(struct report_layout *l, const cJSON *hop, int *dev_out)
{
	const cJSON *pod = mj__obj(hop, "pod");
	const char *dev = mj__str(hop, "ifname"), *layer = mj__str(hop, "layer");
	char netns[128];
	struct report_box *b;
	int bi, di;

	report_html__netns(netns, sizeof(netns), hop);
	bi = find_box(l, netns);
	if (bi < 0) {
		if (l->box_count == REPORT_MAX_BOXES)
			return -1;
		bi = l->box_count++;
		b = &l->boxes[bi];
		memset(b, 0, sizeof(*b));
		snprintf(b->netns, sizeof(b->netns), "%s", netns);
	}
	b = &l->boxes[bi];
	if (pod && !b->pod[0] && mj__str(pod, "name"))
		snprintf(b->pod, sizeof(b->pod), "%s/%s",
			 mj__str(pod, "namespace") ? mj__str(pod, "namespace") : "?",
			 mj__str(pod, "name"));
	if (layer)
		add_layer(b, layer);
	if (!dev || !*dev)
		dev = NO_DEVICE;
	di = find_dev(b, dev);
	if (di < 0) {
		if (b->dev_count == REPORT_MAX_DEVS)
			return -1;
		di = b->dev_count++;
		snprintf(b->devs[di], sizeof(b->devs[di]), "%s", dev);
	}
	*dev_out = di;
	return bi;
}

/* The hop that is the packet's drop: the free without a note saying it was not one. */
static int drop_hop(const struct merge_part *p)
{
	const char *fate = mj__str(p->packet, "fate");

	if (!fate || strcmp(fate, "dropped"))
		return -1;
	for (int i = p->hop_count - 1; i >= 0; i--) {
		const char *hook = mj__str(p->hops[i].obj, "hook");
		const cJSON *drop = mj__obj(p->hops[i].obj, "drop");

		if (hook && !strcmp(hook, "kfree_skb") && drop && !mj__str(drop, "note"))
			return i;
	}
	/* The free was not kept (hops past the cap, events lost): its last sighting. */
	return p->last_kernel >= 0 ? p->last_kernel : p->hop_count - 1;
}

void report_svg__layout(const struct merge_part *p, struct report_layout *l)
{
	const cJSON *drop = mj__obj(p->packet, "drop");
	int dropped_at = drop_hop(p), x = MARGIN, y = MARGIN, tallest = 0, widest = 0;

	memset(l, 0, sizeof(*l));
	l->drop_mark = -1;
	for (int i = 0; i < p->hop_count; i++) {
		struct report_mark *m;
		int dev = -1, box;

		if (l->mark_count == REPORT_MAX_MARKS) {
			l->hops_left_out++;
			continue;
		}
		box = place(l, p->hops[i].obj, &dev);
		if (box < 0) {
			l->hops_left_out++;
			continue;
		}
		m = &l->marks[l->mark_count];
		*m = (struct report_mark){ .hop = i, .box = box, .dev = dev };
		m->us = (double)(p->hops[i].ts_ns - p->hops[0].ts_ns) / 1000.0;
		l->boxes[box].dev_hops[dev]++;
		m->x = l->boxes[box].hops++; /* the column, made a position below */
		if (i == dropped_at) {
			m->drop = true;
			l->boxes[box].drop = true;
			l->drop_mark = l->mark_count;
		}
		l->mark_count++;
	}
	if (drop) {
		const char *dev = mj__str(drop, "ifname");
		char netns[128];

		report_html__netns(netns, sizeof(netns), drop);
		snprintf(l->drop_netns, sizeof(l->drop_netns), "%s", netns);
		snprintf(l->drop_dev, sizeof(l->drop_dev), "%s", dev ? dev : "");
		l->drop_reason = mj__str(drop, "reason");
	}
	for (int b = 0; b < l->box_count; b++) {
		struct report_box *box = &l->boxes[b];

		box->w = LABEL_W + box->hops * STEP + MARK_R;
		if (box->w < BOX_MIN_W)
			box->w = BOX_MIN_W;
		box->h = BOX_HEAD + box->dev_count * ROW_H + 6;
		/* A path through many namespaces goes on below rather than shrinking to fit the
		 * page's width (or a printed page's). */
		if (x > MARGIN && x + box->w + MARGIN > ROW_MAX_W) {
			x = MARGIN;
			y += tallest + ROW_GAP;
			tallest = 0;
		}
		box->x = x;
		box->y = y;
		x += box->w + BOX_GAP;
		tallest = box->h > tallest ? box->h : tallest;
		widest = x - BOX_GAP + MARGIN > widest ? x - BOX_GAP + MARGIN : widest;
	}
	for (int i = 0; i < l->mark_count; i++) {
		struct report_mark *m = &l->marks[i];
		const struct report_box *box = &l->boxes[m->box];

		m->x = box->x + LABEL_W + m->x * STEP + MARK_R + 4;
		m->y = box->y + BOX_HEAD + m->dev * ROW_H + 14;
	}
	l->width = widest;
	l->height = y + tallest + MARGIN;
	if (l->width < 2 * MARGIN)
		l->width = 2 * MARGIN;
}

static void write_mark(const struct report_layout *l, const struct report_mark *m,
		       const struct merge_part *p, FILE *f)
{
	const cJSON *hop = p->hops[m->hop].obj;
	const char *hook = mj__str(hop, "hook");

	if (m->drop) {
		const struct report_box *box = &l->boxes[m->box];

		/* Where the packet object says it died; the hop's own place otherwise. */
		fputs("<g class=\"drop\" data-netns=\"", f);
		report_html__text(f, l->drop_netns[0] ? l->drop_netns : box->netns);
		fputs("\" data-dev=\"", f);
		report_html__text(f, l->drop_netns[0] ? l->drop_dev : box->devs[m->dev]);
		fputs("\" data-reason=\"", f);
		report_html__text(f, l->drop_reason ? l->drop_reason : "");
		fputs("\">", f);
	} else {
		fputs("<g class=\"hop\">", f);
	}
	fprintf(f, "<title>hop %d: ", m->hop + 1);
	report_html__text(f, hook);
	if (m->drop) {
		fputs(", dropped: ", f);
		report_html__text(f, l->drop_reason ? l->drop_reason : "no reason given");
	}
	fprintf(f, "</title><circle cx=\"%d\" cy=\"%d\" r=\"%d\"/>", m->x, m->y, MARK_R);
	fprintf(f, "<text class=\"n\" x=\"%d\" y=\"%d\">%s%d</text>", m->x, m->y + 4,
		m->drop ? "\xe2\x9c\x95" : "", m->hop + 1);
	fprintf(f, "<text class=\"t\" x=\"%d\" y=\"%d\">+%.1f</text></g>", m->x, m->y + 23, m->us);
}

static void write_box(const struct report_layout *l, int bi, const struct merge_part *p, FILE *f)
{
	const struct report_box *b = &l->boxes[bi];

	fputs("<g class=\"netns\" data-netns=\"", f);
	report_html__text(f, b->netns);
	fprintf(f,
		"\"><rect class=\"box%s\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"6\"/>",
		b->drop ? " dropsite" : "", b->x, b->y, b->w, b->h);
	fprintf(f, "<text class=\"name\" x=\"%d\" y=\"%d\"><title>", b->x + 8, b->y + 16);
	report_html__text(f, b->netns);
	fputs("</title>", f);
	report_html__text_cut(f, b->netns, (size_t)(b->w - 16) / 7);
	fprintf(f, "</text><text class=\"sub\" x=\"%d\" y=\"%d\">", b->x + 8, b->y + 31);
	if (b->pod[0]) {
		fputs("pod ", f);
		report_html__text_cut(f, b->pod, (size_t)(b->w - 16) / 6 - 12);
		fputs(" \xc2\xb7 ", f);
	}
	report_html__text(f, b->layers);
	fputs("</text>", f);
	for (int d = 0; d < b->dev_count; d++) {
		int y = b->y + BOX_HEAD + d * ROW_H;
		bool dropdev = false;

		for (int i = 0; i < l->mark_count; i++)
			if (l->marks[i].drop && l->marks[i].box == bi && l->marks[i].dev == d)
				dropdev = true;
		fputs("<g class=\"dev\" data-dev=\"", f);
		report_html__text(f, b->devs[d]);
		fprintf(f,
			"\"><rect class=\"row%s\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>",
			dropdev ? " dropdev" : "", b->x + 4, y - 4, b->w - 8, ROW_H - 4);
		fprintf(f, "<text class=\"devname\" x=\"%d\" y=\"%d\"><title>", b->x + 10, y + 18);
		report_html__text(f, b->devs[d]);
		fputs("</title>", f);
		report_html__text_cut(f, b->devs[d], 13);
		fputs("</text></g>", f);
	}
	for (int i = 0; i < l->mark_count; i++)
		if (l->marks[i].box == bi)
			write_mark(l, &l->marks[i], p, f);
	fputs("</g>\n", f);
}

void report_svg__write(const struct report_layout *l, const struct merge_part *p, int id, FILE *f)
{
	fprintf(f,
		"<svg class=\"path\" viewBox=\"0 0 %d %d\" "
		"width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"the packet's path\">\n",
		l->width, l->height, l->width, l->height);
	/* The arrowhead stops at the next mark's edge: refX is the head's length plus the
	 * mark's radius. */
	fprintf(f,
		"<defs><marker id=\"ah%d\" viewBox=\"0 0 8 8\" refX=\"%d\" refY=\"4\" "
		"markerWidth=\"8\" markerHeight=\"8\" markerUnits=\"userSpaceOnUse\" "
		"orient=\"auto\"><path d=\"M0,0 L8,4 L0,8 z\"/></marker></defs>\n",
		id, 8 + MARK_R);
	fputs("<g class=\"arrows\">", f);
	for (int i = 1; i < l->mark_count; i++) {
		const struct report_mark *a = &l->marks[i - 1], *b = &l->marks[i];

		if (a->x == b->x && a->y == b->y)
			continue;
		fprintf(f,
			"<line class=\"%s\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
			"marker-end=\"url(#ah%d)\"/>",
			a->box == b->box ? "in" : "across", a->x, a->y, b->x, b->y, id);
	}
	fputs("</g>\n", f);
	for (int b = 0; b < l->box_count; b++)
		write_box(l, b, p, f);
	fputs("</svg>\n", f);
}

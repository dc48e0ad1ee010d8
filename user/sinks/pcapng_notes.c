// SPDX-License-Identifier: GPL-2.0
/* The words of the pcapng sink: one comment line (the timeline's) and one JSON object per
 * hop, grouped by the frame that carries them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sinks/pcapng_notes.h"
#include "pipeline/hopview.h"
#include "sinks/pcapng_writer.h"
#include "sinks/sink.h"
#include "util/appendf.h"
#include "util/json_writer.h"

#define COMMENT_SIZE 1024
/* Marks a hop that has no frame of its own, on the frame that speaks for it. */
#define NO_BYTES_MARK "[no packet bytes]"

const char *pcapng_notes__ifname(const struct hop_event *ev)
{
	return ev->ifname[0] ? ev->ifname : "-";
}

bool pcapng_notes__has_bytes(const struct hop_view *view)
{
	return view->kind == HOP_VIEW_KERNEL && view->hop->ev.cap_len && view->hop->data;
}

/* The first view from i on with bytes, or -1. */
static int next_with_bytes(const struct judged_packet *jp, int i)
{
	for (; i < jp->view_count; i++)
		if (pcapng_notes__has_bytes(&jp->views[i]))
			return i;
	return -1;
}

bool pcapng_group__next(const struct judged_packet *jp, struct pcapng_group *g)
{
	int first = g->last + 1;

	if (first >= jp->view_count)
		return false;
	g->first = first;
	g->frame = next_with_bytes(jp, first);
	/* The last frame also speaks for the hops after it; with no frame, one group is all. */
	g->last = g->frame < 0 || next_with_bytes(jp, g->frame + 1) < 0 ? jp->view_count - 1 :
									  g->frame;
	return true;
}

/* One line of the timeline: the hop, and on the last one the packet's verdict. */
static void format_comment(struct enrich *en, const struct judged_packet *jp, int i, char *buf,
			   size_t size)
{
	const struct packet *pkt = jp->pkt;
	const struct hop_view *view = &jp->views[i];
	const struct hop_event *ev = &view->hop->ev;
	int n = jp->view_count;
	char ns[PCAPNG_NOTES_LABEL_SIZE], details[320], line[1024];

	buf[0] = '\0';
	/* The timeline keeps the first hops and the last: number the last from the total. */
	appendf(buf, size, "hop %u/%u %s layer=%s netns=%s dev=%s",
		i + 1 + (i == n - 1 ? pkt->hops_dropped : 0), n + pkt->hops_dropped, view->name,
		view->layer, enrich__netns_label(en, ev->netns, ns, sizeof(ns)),
		pcapng_notes__ifname(ev));
	if (ev->ifname[0] && ev->dev_kind[0])
		appendf(buf, size, "(%s)", ev->dev_kind);
	/* A route lookup has no packet of its own, so no length either. */
	if (view->kind == HOP_VIEW_KERNEL && ev->hook != HOOK_FIB)
		appendf(buf, size, " len=%u", ev->len);
	hopview__details(en, view, details, sizeof(details));
	if (details[0])
		appendf(buf, size, " %s", details);
	if (!pcapng_notes__has_bytes(view))
		appendf(buf, size, " " NO_BYTES_MARK);
	if (i == n - 1 && pkt->hops_dropped)
		appendf(buf, size, " (%u hops before not kept)", pkt->hops_dropped);
	if (i == n - 1) {
		verdict__describe(&jp->verdict, line, sizeof(line));
		appendf(buf, size, " | verdict: %s", line);
	}
	/* On every hop: a frame read alone must still say its timeline has gaps. */
	if (pkt->incomplete)
		appendf(buf, size, " [incomplete]");
}

/* What one JSON Lines object of the packet is written from: a hop (view set) or the packet
 * object (view NULL). */
struct json_source {
	struct enrich *en;
	const struct judged_packet *jp;
	const struct hop_view *view;
};

/* The object, in a string to free; NULL with errno set on failure. */
static char *object_json(const struct json_source *src)
{
	struct json_writer w;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	json__init(&w, f);
	if (src->view)
		output_json__hop(&w, src->en, src->jp->pkt, src->view);
	else
		output_json__packet(&w, src->en, src->jp);
	if (ferror(f)) {
		fclose(f);
		free(buf);
		errno = ENOMEM;
		return NULL;
	}
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

int pcapng_notes__build(struct pcapng_notes *notes, struct enrich *en,
			const struct judged_packet *jp, const struct pcapng_group *g)
{
	unsigned int count = g->last - g->first + 1;
	/* The packet's last group also carries the packet object: what a reader of the file
	 * (hoptrace merge) needs of its fate, as JSON Lines has it after the hops. */
	bool last = g->last == jp->view_count - 1;

	*notes = (struct pcapng_notes){ 0 };
	notes->comments = calloc(count, sizeof(*notes->comments));
	notes->json = calloc(count + last, sizeof(*notes->json));
	notes->text = malloc((size_t)count * COMMENT_SIZE);
	if (!notes->comments || !notes->json || !notes->text)
		return -ENOMEM;
	for (unsigned int k = 0; k < count; k++) {
		char *line = notes->text + (size_t)k * COMMENT_SIZE;

		format_comment(en, jp, g->first + k, line, COMMENT_SIZE);
		notes->comments[k] = line;
		notes->json[k] =
			object_json(&(struct json_source){ en, jp, &jp->views[g->first + k] });
		notes->count = k + 1;
		notes->json_count = k + 1;
		if (!notes->json[k])
			return errno ? -errno : -ENOMEM;
	}
	if (last) {
		notes->json[count] = object_json(&(struct json_source){ en, jp, NULL });
		if (!notes->json[count])
			return errno ? -errno : -ENOMEM;
		notes->json_count = count + 1;
	}
	return 0;
}

int pcapng_notes__write_block(const struct pcapng_notes *notes, struct pcapng_writer *w,
			      __u64 packet_id)
{
	char *text = NULL;
	size_t len = 0;
	unsigned int k;
	int ret;
	FILE *f;

	f = open_memstream(&text, &len);
	if (!f)
		return -errno;
	fprintf(f, "packet %llu\n", (unsigned long long)packet_id);
	for (k = 0; k < notes->count; k++)
		fprintf(f, "%s\n", notes->comments[k]);
	for (k = 0; k < notes->json_count; k++)
		fprintf(f, "%s\n", notes->json[k]);
	ret = ferror(f);
	if (fclose(f) || ret) {
		free(text);
		return -ENOMEM;
	}
	ret = pcapng_writer__custom_block(w, text, len) ? -errno : 0;
	free(text);
	return ret;
}

void pcapng_notes__free(struct pcapng_notes *notes)
{
	for (unsigned int k = 0; k < notes->json_count; k++)
		free(notes->json[k]);
	free(notes->json);
	free(notes->comments);
	free(notes->text);
	*notes = (struct pcapng_notes){ 0 };
}

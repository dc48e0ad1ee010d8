// SPDX-License-Identifier: GPL-2.0
/* The merged packets as pcapng: every input frame once, as it was (bytes, direction, tc or
 * XDP verdict), on the reference clock, its packet id the merged packet's, its comments
 * prefixed with its node and its JSON options the merged hop objects. Each node's
 * interfaces are its own ("node1:eth0@netns"). A packet's last frame adds the merged
 * verdict and packet object; a Custom Block closes the file with the nodes and the
 * summary. */
#define _GNU_SOURCE /* asprintf */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "merge/merge.h"
#include "merge/merge_text.h"
#include "sinks/pcapng_writer.h"

struct merged_writer {
	const struct merge_set *set;
	struct pcapng_writer *w;
	int *if_map[MERGE_MAX_INPUTS]; /* per input: its interface ids in the output, -1 */
};

static int out_interface(struct merged_writer *mw, int input, uint32_t if_id)
{
	const struct merge_input *in = &mw->set->inputs[input];
	const struct pcapng_read_if *ifc = &in->file.ifs[if_id];
	char name[512];
	int id;

	if (mw->if_map[input][if_id] >= 0)
		return mw->if_map[input][if_id];
	snprintf(name, sizeof(name), "%s:%s", in->label, ifc->name ? ifc->name : "-");
	id = pcapng_writer__interface(mw->w, name, ifc->description, ifc->linktype, ifc->snaplen);
	if (id >= 0)
		mw->if_map[input][if_id] = id;
	return id;
}

/* Frees an array of count strings. */
static void free_strings(char **s, unsigned int count)
{
	for (unsigned int i = 0; i < count; i++)
		free(s[i]);
	free(s);
}

/* One input frame of part p; `last` adds the packet's verdict and object. */
static int write_frame(struct merged_writer *mw, const struct merge_packet *mp,
		       const struct merge_part *p, size_t index, bool last)
{
	const struct merge_input *in = &mw->set->inputs[p->input];
	const struct pcapng_read_frame *fr = &in->file.frames[index];
	unsigned int nc = fr->comment_count + last, nj = (unsigned int)p->hop_count + last;
	char **comments = calloc(nc + 1, sizeof(*comments));
	char **json = calloc(nj + 1, sizeof(*json));
	unsigned int c = 0, j = 0;
	int id, ret = -ENOMEM;

	if (!comments || !json)
		goto out;
	for (unsigned int k = 0; k < fr->comment_count; k++)
		if (asprintf(&comments[c++], "[%s] %s", in->label, fr->comments[k]) < 0)
			goto out;
	if (last && asprintf(&comments[c++], "merged verdict: %s", mp->verdict) < 0)
		goto out;
	for (int h = 0; h < p->hop_count; h++)
		if (p->hops[h].carrier == (int)index &&
		    !(json[j++] = merge_json__hop(mw->set, mp, p, h)))
			goto out;
	if (last && !(json[j++] = merge_json__packet(mw->set, mp)))
		goto out;
	id = out_interface(mw, p->input, fr->if_id);
	if (id < 0) {
		ret = -errno;
		goto out;
	}
	ret = pcapng_writer__packet(mw->w, id,
				    &(struct pcapng_packet){
					    .ts_ns = (uint64_t)merge__ts(in, (long long)fr->ts_ns),
					    .data = fr->data,
					    .cap_len = fr->cap_len,
					    .orig_len = fr->orig_len,
					    .direction = fr->has_flags ? (int)(fr->flags & 3) :
									 PCAPNG_DIR_UNKNOWN,
					    .packet_id = mp->id,
					    .verdict_type = fr->verdict_type,
					    .verdict_data = fr->verdict_data,
					    .verdict_len = fr->verdict_len,
					    .comments = (const char *const *)comments,
					    .comment_count = c,
					    .custom_strings = (const char *const *)json,
					    .custom_count = j,
				    }) ?
		      -errno :
		      0;
out:
	free_strings(comments, c);
	free_strings(json, j);
	return ret;
}

/* The hops of a part that no frame carried (a packet without bytes), and the packet object
 * when no frame of the packet carries it, as a Custom Block. */
static int write_block(struct merged_writer *mw, const struct merge_packet *mp,
		       const struct merge_part *p, bool with_packet)
{
	const struct merge_input *in = &mw->set->inputs[p->input];
	char *buf = NULL, *text;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int ret = 0;

	if (!f)
		return -errno;
	fprintf(f, "packet %llu (%s packet %llu)\n", mp->id, in->label, p->pkt);
	for (int h = 0; h < p->hop_count && !ret; h++) {
		if (p->hops[h].carrier >= 0)
			continue;
		text = merge_json__hop(mw->set, mp, p, h);
		if (!text)
			ret = -ENOMEM;
		else
			fprintf(f, "%s\n", text);
		free(text);
	}
	if (!ret && with_packet) {
		text = merge_json__packet(mw->set, mp);
		if (!text)
			ret = -ENOMEM;
		else
			fprintf(f, "verdict: %s\n%s\n", mp->verdict, text);
		free(text);
	}
	if (fclose(f) && !ret)
		ret = -ENOMEM;
	if (!ret && pcapng_writer__custom_block(mw->w, buf, len))
		ret = -errno;
	free(buf);
	return ret;
}

static int write_packet(struct merged_writer *mw, const struct merge_packet *mp)
{
	int last_part = -1, ret = 0;

	for (int k = 0; k < mp->part_count; k++)
		if (mp->parts[k]->frame_count)
			last_part = k;
	for (int k = 0; k < mp->part_count && !ret; k++) {
		const struct merge_part *p = mp->parts[k];
		bool has_block_hops = false;

		for (int i = 0; i < p->frame_count && !ret; i++)
			ret = write_frame(mw, mp, p, p->frames[i],
					  k == last_part && i == p->frame_count - 1);
		for (int h = 0; h < p->hop_count; h++)
			has_block_hops |= p->hops[h].carrier < 0;
		if (!ret && (has_block_hops || (last_part < 0 && k == mp->part_count - 1)))
			ret = write_block(mw, mp, p, last_part < 0 && k == mp->part_count - 1);
	}
	return ret;
}

int merge__write_pcapng(const struct merge_set *set, FILE *f)
{
	struct merged_writer mw = { .set = set };
	char comment[1024], *trailer = NULL;
	int ret = 0;

	snprintf(comment, sizeof(comment),
		 "hoptrace merge of %d node traces: every frame is on %s's clock (the others "
		 "corrected, see the closing Custom Block), its comments start with its node, "
		 "frame.packet_id is the packet across nodes, interfaces are node:device@netns. "
		 "Turn off TCP sequence analysis (tshark -o tcp.analyze_sequence_numbers:FALSE): "
		 "each hop repeats the packet.",
		 set->input_count, set->inputs[0].label);
	mw.w = pcapng_writer__open(f, &(struct pcapng_section_info){
					      .application = "hoptrace " HOPTRACE_VERSION " merge",
					      .comment = comment,
				      });
	if (!mw.w)
		return -errno;
	for (int i = 0; i < set->input_count && !ret; i++) {
		unsigned int n = set->inputs[i].file.if_count;

		mw.if_map[i] = malloc((n + 1) * sizeof(int));
		if (!mw.if_map[i])
			ret = -ENOMEM;
		for (unsigned int k = 0; !ret && k < n; k++)
			mw.if_map[i][k] = -1;
	}
	for (int i = 0; i < set->packet_count && !ret; i++)
		ret = write_packet(&mw, &set->packets[i]);
	if (!ret) {
		char *block = NULL;

		trailer = merge_json__trailer(set);
		if (!trailer || asprintf(&block, "merge\n%s", trailer) < 0)
			ret = -ENOMEM;
		else if (pcapng_writer__custom_block(mw.w, block, strlen(block)))
			ret = -errno;
		free(block);
	}
	if (!ret && pcapng_writer__flush(mw.w))
		ret = -errno;
	free(trailer);
	for (int i = 0; i < set->input_count; i++)
		free(mw.if_map[i]);
	pcapng_writer__free(mw.w);
	return ret;
}

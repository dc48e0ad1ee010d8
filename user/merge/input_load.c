// SPDX-License-Identifier: GPL-2.0
/* One node's trace into parts: JSON Lines as hoptrace --json writes it (each packet's hops,
 * then its packet object, the summary last), or pcapng as -w writes it (the same objects in
 * each frame's custom options and in Custom Blocks, the summary in the closing one). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "merge/line_scan.h"
#include "merge/merge.h"

/* What a frame's comment carries for a hop that has no frame of its own. */
#define NO_BYTES_MARK "[no packet bytes]"

const char *mj__str(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

long long mj__int(const cJSON *obj, const char *key, long long dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	/* cJSON keeps numbers as doubles, exact to 2^53: a hop's ts_ns (ns since 1970) is
	 * read from its text instead (exact_ts). */
	if (!cJSON_IsNumber(v) || !(v->valuedouble > -(double)MERGE_TIME_MAX) ||
	    !(v->valuedouble < (double)MERGE_TIME_MAX))
		return dflt;
	return (long long)v->valuedouble;
}

const cJSON *mj__obj(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsObject(v) ? v : NULL;
}

static bool span_is(struct merge_span s, const char *text)
{
	return s.s && s.len && *s.s == *text && !strncmp(text, s.s, s.len) && !text[s.len];
}

/* A number member as mj__int reads it. */
static long long line_int(bool has, double v, long long dflt)
{
	if (!has || !(v > -(double)MERGE_TIME_MAX) || !(v < (double)MERGE_TIME_MAX))
		return dflt;
	return (long long)v;
}

/* The line's members from its tree, when cJSON parsed it. */
static void line_of_tree(const cJSON *obj, struct merge_line *ml)
{
	const cJSON *v;
	const char *s;

	memset(ml, 0, sizeof(*ml));
	if ((s = mj__str(obj, "type")))
		ml->type = (struct merge_span){ s, strlen(s) };
	if ((s = mj__str(obj, "hook")))
		ml->hook = (struct merge_span){ s, strlen(s) };
	if ((s = mj__str(obj, "fate")))
		ml->fate = (struct merge_span){ s, strlen(s) };
	v = cJSON_GetObjectItemCaseSensitive(obj, "pkt");
	if ((ml->has_pkt = cJSON_IsNumber(v)))
		ml->pkt = v->valuedouble;
	v = cJSON_GetObjectItemCaseSensitive(obj, "flow");
	if ((ml->has_flow = cJSON_IsNumber(v)))
		ml->flow = v->valuedouble;
	v = cJSON_GetObjectItemCaseSensitive(obj, "ts_ns");
	if ((ml->has_ts = cJSON_IsNumber(v)))
		ml->ts = v->valuedouble;
	ml->has_key = merge__hop_key(obj, ml->key, sizeof(ml->key));
}

/* Hooks that are the kernel's sightings of the skb; the others are read from those around
 * them (NAT, tunnels, rules) or annotate them (a BPF program's return). */
static bool is_kernel_hook(struct merge_span hook)
{
	static const char *const synthetic[] = { "nat",		 "vxlan_encap",	 "vxlan_decap",
						 "geneve_encap", "geneve_decap", "nf_rule",
						 "bpf_prog" };

	if (!hook.s)
		return false;
	for (size_t i = 0; i < sizeof(synthetic) / sizeof(synthetic[0]); i++)
		if (span_is(hook, synthetic[i]))
			return false;
	return true;
}

static enum merge_hook_kind hook_kind(struct merge_span hook)
{
	if (span_is(hook, "dev_xmit") || span_is(hook, "veth_xmit"))
		return MERGE_HOOK_TRANSMIT;
	if (span_is(hook, "netif_receive"))
		return MERGE_HOOK_RECEIVE;
	if (span_is(hook, "consume_skb"))
		return MERGE_HOOK_FREED;
	return MERGE_HOOK_OTHER;
}

/* A timestamp of the object's text: doubles lose the last digits of ns since 1970. */
static long long exact_ts(const char *line, const struct merge_line *ml)
{
	const char *p = strstr(line, "\"ts_ns\":");
	long long ts = p ? strtoll(p + 8, NULL, 10) : line_int(ml->has_ts, ml->ts, 0);

	return ts < 0 ? 0 : ts > MERGE_TIME_MAX ? MERGE_TIME_MAX : ts;
}

static struct merge_part *pending_part(struct merge_input *in)
{
	struct merge_part *p;

	if (in->part_count && !in->parts[in->part_count - 1].has_packet)
		return &in->parts[in->part_count - 1];
	if (in->part_count == in->part_cap) {
		int cap = in->part_cap ? in->part_cap * 2 : 64;
		void *n = realloc(in->parts, (size_t)cap * sizeof(*in->parts));

		if (!n)
			return NULL;
		in->parts = n;
		in->part_cap = cap;
	}
	p = &in->parts[in->part_count++];
	memset(p, 0, sizeof(*p));
	p->first_kernel = p->last_kernel = p->sent = -1;
	return p;
}

static int add_index(size_t **arr, int *count, size_t v)
{
	void *n;

	if (*count && (*arr)[*count - 1] == v)
		return 0;
	n = realloc(*arr, (size_t)(*count + 1) * sizeof(**arr));
	if (!n)
		return -1;
	*arr = n;
	(*arr)[(*count)++] = v;
	return 0;
}

/* The part's most recent join key: a key is kept once for the hops that repeat it. */
static const char *last_key(const struct merge_part *p)
{
	for (int k = p->hop_count - 1; k >= 0; k--)
		if (p->hops[k].key)
			return p->hops[k].key;
	return NULL;
}

static int add_hop(struct merge_input *in, struct merge_part *p, cJSON *obj,
		   const struct merge_line *ml, const struct merge_text *text, long long ts,
		   int frame, int carrier)
{
	const char *key = NULL;
	struct merge_hop *h;
	bool kernel = is_kernel_hook(ml->hook);

	if (kernel && ml->has_key) {
		key = last_key(p);
		if (!key || strcmp(key, ml->key)) {
			key = merge_store__add(&in->store, ml->key, strlen(ml->key));
			if (!key)
				return -1;
		} else {
			key = NULL;
		}
	}
	if (p->hop_count == p->hop_cap) {
		int cap = p->hop_cap ? p->hop_cap * 2 : 8;
		void *n = realloc(p->hops, (size_t)cap * sizeof(*p->hops));

		if (!n)
			return -1;
		p->hops = n;
		p->hop_cap = cap;
	}
	h = &p->hops[p->hop_count++];
	*h = (struct merge_hop){ .obj = in->objects ? obj : NULL,
				 .text = *text,
				 .ts_ns = ts,
				 .key = key,
				 .frame = frame,
				 .carrier = carrier,
				 .kernel = kernel,
				 .hook_kind = (unsigned char)hook_kind(ml->hook) };
	if (h->kernel) {
		if (p->first_kernel < 0)
			p->first_kernel = p->hop_count - 1;
		p->last_kernel = p->hop_count - 1;
	}
	if (!p->pkt)
		p->pkt = (unsigned long long)line_int(ml->has_pkt, ml->pkt, 0);
	return 0;
}

/* Where the part came from and went, from its first and last kernel hops. */
static void finish_part(struct merge_part *p)
{
	int k = p->last_kernel, last;

	/* Its hops are all there: the room for more is given back (a merge holds millions). */
	if (p->hop_cap > p->hop_count && p->hop_count) {
		void *n = realloc(p->hops, (size_t)p->hop_count * sizeof(*p->hops));

		if (n) {
			p->hops = n;
			p->hop_cap = p->hop_count;
		}
	}
	if (p->first_kernel < 0)
		return;
	p->arrived = p->hops[p->first_kernel].hook_kind == MERGE_HOOK_RECEIVE;
	last = p->hops[k].hook_kind;
	/* A device that sent it out frees it once sent (consume_skb): it still left. */
	if (last == MERGE_HOOK_FREED) {
		while (--k >= 0 && !p->hops[k].kernel)
			;
		last = k >= 0 ? p->hops[k].hook_kind : MERGE_HOOK_OTHER;
	}
	p->left_node = last == MERGE_HOOK_TRANSMIT;
	p->sent = p->left_node ? k : -1;
}

/* One object of the trace, whose members are ml and whose text is at `where` (`text` that
 * text in memory, NUL-terminated). Takes obj, its tree when cJSON parsed it (it must for
 * any but a hop or a packet): the summary and, when the input keeps objects, the others are
 * kept; the rest are freed. Return: 0, 1 when it was the summary, -1 with err set. */
static int take_object(struct merge_input *in, cJSON *obj, const struct merge_line *ml,
		       const char *text, const struct merge_text *where, int frame, int carrier,
		       char *err, size_t errlen)
{
	struct merge_part *p;
	int ret = 0;

	if (span_is(ml->type, "summary")) {
		if (in->summary) {
			snprintf(err, errlen, "two summaries: several traces in one file");
			cJSON_Delete(obj);
			return -1;
		}
		in->summary = obj;
		return 1;
	}
	if (span_is(ml->type, "node")) {
		snprintf(err, errlen,
			 "a merged trace (hoptrace merge's output): merge the nodes' own traces");
		ret = -1;
	} else if (!span_is(ml->type, "hop") && !span_is(ml->type, "packet")) {
		snprintf(err, errlen, "an object of type %s: not a hoptrace trace",
			 mj__str(obj, "type") ?: "(none)");
		ret = -1;
	} else if (!(p = pending_part(in))) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		ret = -1;
	} else if (span_is(ml->type, "packet")) {
		p->pkt = (unsigned long long)line_int(ml->has_pkt, ml->pkt, 0);
		p->flow = (unsigned long long)line_int(ml->has_flow, ml->flow, 0);
		p->packet_text = *where;
		p->has_packet = true;
		p->fate = ml->fate.s ? merge_store__add(&in->store, ml->fate.s, ml->fate.len) :
				       NULL;
		if (ml->fate.s && !p->fate) {
			snprintf(err, errlen, "%s", strerror(ENOMEM));
			ret = -1;
		} else if (in->objects) {
			p->packet = obj;
			obj = NULL;
		}
		finish_part(p);
	} else if (p->hop_count &&
		   (unsigned long long)line_int(ml->has_pkt, ml->pkt, 0) != p->pkt) {
		snprintf(err, errlen, "hops of packet %lld before packet %llu ended",
			 line_int(ml->has_pkt, ml->pkt, 0), p->pkt);
		ret = -1;
	} else if (add_hop(in, p, obj, ml, where, exact_ts(text, ml), frame, carrier)) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		ret = -1;
	} else if (in->objects) {
		obj = NULL;
	}
	cJSON_Delete(obj);
	return ret;
}

static int load_jsonl(struct merge_input *in, FILE *f, char *err, size_t errlen)
{
	char *line = NULL, msg[256];
	size_t cap = 0;
	ssize_t n;
	long long off = 0;
	int lineno = 0, ret;

	ret = merge_input__open_text(in, fileno(f));
	if (ret) {
		snprintf(err, errlen, "%s", strerror(-ret));
		return -1;
	}
	while (!ret && (n = getline(&line, &cap, f)) > 0) {
		bool cut = line[n - 1] != '\n';
		struct merge_text where = { NULL, off, (unsigned int)n };
		struct merge_line ml;
		cJSON *obj = NULL;

		lineno++;
		off += n;
		if (in->summary) {
			snprintf(err, errlen,
				 "line %d follows the summary: several traces in one file", lineno);
			ret = -1;
			break;
		}
		if ((size_t)n > (unsigned int)-1 / 2) {
			snprintf(err, errlen, "line %d is too long", lineno);
			ret = -1;
			break;
		}
		/* A hop or packet is scanned for what loading needs; the rest is parsed. */
		if (in->objects || merge_line__scan(line, (size_t)n, &ml) ||
		    (!span_is(ml.type, "hop") && !span_is(ml.type, "packet"))) {
			obj = cJSON_ParseWithLength(line, (size_t)n);
			if (!obj || !cJSON_IsObject(obj)) {
				cJSON_Delete(obj);
				if (cut)
					snprintf(err, errlen, "truncated: line %d is cut short",
						 lineno);
				else
					snprintf(err, errlen, "line %d is not a JSON object",
						 lineno);
				ret = -1;
				break;
			}
			line_of_tree(obj, &ml);
		}
		ret = take_object(in, obj, &ml, line, &where, -1, -1, msg, sizeof(msg));
		if (ret < 0)
			snprintf(err, errlen, "line %d: %s", lineno, msg);
		else
			ret = 0;
	}
	free(line);
	return ret;
}

/* The JSON objects of a Custom Block's text: the lines that are objects. */
static int take_block(struct merge_input *in, const struct pcapng_read_block *b, char *err,
		      size_t errlen)
{
	char *save = NULL, *text = strdup(b->text), *line;
	int ret = 0;

	if (!text) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -1;
	}
	for (line = strtok_r(text, "\n", &save); line && ret >= 0;
	     line = strtok_r(NULL, "\n", &save)) {
		struct merge_text where = { NULL, 0, 0 };
		struct merge_line ml;
		cJSON *obj;

		if (line[0] != '{')
			continue;
		obj = cJSON_Parse(line);
		if (!obj) {
			snprintf(err, errlen, "a Custom Block's line is not JSON");
			ret = -1;
			break;
		}
		where.len = (unsigned int)strlen(line);
		where.mem = merge_store__add(&in->store, line, where.len);
		if (!where.mem) {
			cJSON_Delete(obj);
			snprintf(err, errlen, "%s", strerror(ENOMEM));
			ret = -1;
			break;
		}
		line_of_tree(obj, &ml);
		ret = take_object(in, obj, &ml, line, &where, -1, -1, err, errlen);
		if (ret == 0 && in->part_count &&
		    add_index(&in->parts[in->part_count - 1].blocks,
			      &in->parts[in->part_count - 1].block_count, b->seq))
			ret = -1;
	}
	free(text);
	return ret < 0 ? -1 : 0;
}

/* A frame's custom options: its hops' objects (the frame's own hop is the one whose comment
 * is not marked as having no bytes), and on a packet's last frame its packet object. */
static int take_frame(struct merge_input *in, const struct pcapng_read_frame *fr, size_t index,
		      char *err, size_t errlen)
{
	for (unsigned int k = 0; k < fr->custom_count; k++) {
		cJSON *obj = cJSON_Parse(fr->customs[k]);
		bool own = k < fr->comment_count && !strstr(fr->comments[k], NO_BYTES_MARK);
		struct merge_text where = { fr->customs[k], 0,
					    (unsigned int)strlen(fr->customs[k]) };
		struct merge_line ml;

		if (!obj) {
			snprintf(err, errlen, "frame %zu: a custom option is not JSON", index + 1);
			return -1;
		}
		line_of_tree(obj, &ml);
		if (take_object(in, obj, &ml, fr->customs[k], &where, own ? (int)index : -1,
				(int)index, err, errlen) < 0)
			return -1;
		if (in->part_count && add_index(&in->parts[in->part_count - 1].frames,
						&in->parts[in->part_count - 1].frame_count, index))
			return -1;
	}
	return 0;
}

static int load_pcapng(struct merge_input *in, char *err, size_t errlen)
{
	struct pcapng_file *pf = &in->file;
	size_t fi = 0, bi = 0;
	char msg[256];

	if (pcapng_read__file(in->path, pf, msg, sizeof(msg))) {
		snprintf(err, errlen, "%s", msg);
		return -1;
	}
	if (!pf->application || strncmp(pf->application, "hoptrace ", 9)) {
		snprintf(err, errlen, "a pcapng file written by %s, not by hoptrace",
			 pf->application ? pf->application : "a tool that does not name itself");
		return -1;
	}
	/* Frames and blocks in file order: a packet's objects come together. */
	while (fi < pf->frame_count || bi < pf->block_count) {
		bool frame = bi >= pf->block_count ||
			     (fi < pf->frame_count && pf->frames[fi].seq < pf->blocks[bi].seq);
		int ret = frame ? take_frame(in, &pf->frames[fi], fi, msg, sizeof(msg)) :
				  take_block(in, &pf->blocks[bi], msg, sizeof(msg));

		if (ret) {
			snprintf(err, errlen, "%s", msg);
			return -1;
		}
		if (frame)
			fi++;
		else
			bi++;
	}
	return 0;
}

static int read_node(struct merge_input *in, char *err, size_t errlen)
{
	const cJSON *start, *end;

	in->node = mj__obj(in->summary, "node");
	if (!in->node) {
		snprintf(err, errlen,
			 "its summary does not say who took the trace (summary.node): written by "
			 "a hoptrace before merge existed");
		return -1;
	}
	in->hostname = mj__str(in->node, "hostname");
	in->name = mj__str(in->node, "name");
	if (!in->name)
		in->name = in->hostname ? in->hostname : "?";
	in->boot_id = mj__str(in->node, "boot_id");
	in->kernel = mj__str(in->node, "kernel");
	start = mj__obj(in->node, "clock_start");
	end = mj__obj(in->node, "clock_end");
	in->start_real_ns = start ? mj__int(start, "real_ns", 0) : 0;
	in->end_real_ns = end ? mj__int(end, "real_ns", 0) : 0;
	return 0;
}

int merge_input__load(struct merge_input *in, char *err, size_t errlen)
{
	unsigned char magic[4] = { 0 };
	size_t got;
	FILE *f = fopen(in->path, "re");
	int ret;

	if (!f) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	got = fread(magic, 1, sizeof(magic), f);
	if (!got) {
		fclose(f);
		snprintf(err, errlen, "empty file");
		return -1;
	}
	in->pcapng = got == 4 && !memcmp(magic, "\x0a\x0d\x0d\x0a", 4);
	if (!in->pcapng && magic[0] != '{') {
		fclose(f);
		snprintf(err, errlen,
			 "neither JSON Lines nor pcapng (it starts with 0x%02x 0x%02x 0x%02x "
			 "0x%02x): not a hoptrace trace",
			 magic[0], magic[1], magic[2], magic[3]);
		return -1;
	}
	if (in->pcapng) {
		fclose(f);
		ret = load_pcapng(in, err, errlen);
	} else {
		rewind(f);
		ret = load_jsonl(in, f, err, errlen);
		fclose(f);
	}
	if (ret)
		return -1;
	if (!in->summary) {
		snprintf(err, errlen,
			 "no summary: the trace was cut short (hoptrace writes the summary last)");
		return -1;
	}
	if (in->part_count && !in->parts[in->part_count - 1].has_packet) {
		/* Hops whose packet object never came: the summary came first, impossible for
		 * hoptrace's own writing. */
		snprintf(err, errlen, "packet %llu has hops but no packet object",
			 in->parts[in->part_count - 1].pkt);
		return -1;
	}
	return read_node(in, err, errlen);
}

void merge_set__free(struct merge_set *set)
{
	for (int i = 0; i < set->packet_count; i++)
		free(set->packets[i].parts);
	free(set->packets);
	set->packets = NULL;
	set->packet_count = 0;
	merge_store__free(&set->verdicts);
	for (int i = 0; i < set->input_count; i++)
		merge_input__free(&set->inputs[i]);
	set->input_count = 0;
}

void merge_input__free(struct merge_input *in)
{
	for (int i = 0; i < in->part_count; i++) {
		struct merge_part *p = &in->parts[i];

		for (int k = 0; k < p->hop_count; k++)
			cJSON_Delete(p->hops[k].obj);
		free(p->hops);
		cJSON_Delete(p->packet);
		free(p->frames);
		free(p->blocks);
	}
	free(in->parts);
	cJSON_Delete(in->summary);
	pcapng_read__free(&in->file);
	merge_store__free(&in->store);
	merge_input__close_text(in);
	memset(in, 0, sizeof(*in));
}

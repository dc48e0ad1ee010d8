// SPDX-License-Identifier: GPL-2.0
/* The pcapng sink: each hop that captured packet bytes becomes a frame on the interface of
 * its namespace and device, commented so that Wireshark's packet list reads as the timeline;
 * hops without bytes are comments on a neighbouring frame of the same packet. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>

#include "sinks/pcapng_sink.h"
#include "pipeline/hopview.h"
#include "sinks/pcapng_link.h"
#include "sinks/pcapng_notes.h"
#include "sinks/pcapng_writer.h"
#include "pipeline/verdict.h"
#include "pipeline/hooks.h"
#include "sinks/sink.h"
#include "util/json_writer.h"

#ifndef HOPTRACE_VERSION
#define HOPTRACE_VERSION "unknown"
#endif

/* TC_ACT_SHOT of <linux/pkt_cls.h>: what epb_verdict's TC type carries for a tc drop. */
#define VERDICT_TC_ACT_SHOT 2
#define VERDICT_XDP_DROP 1 /* XDP_DROP, what a generic XDP drop returned */
/* Drop reasons the kernel gives for a tc classifier's or action's drop start so. */
#define TC_REASON_PREFIX "TC_"

#define DESC_SIZE 128

/* What a reader should know before the first frame: Wireshark shows it as the capture
 * file's comment (Statistics > Capture File Properties; capinfos -k). */
static const char section_comment[] =
	"hoptrace: one frame per hop that captured packet bytes. The frames of one packet share "
	"its Packet id (field frame.packet_id: filter frame.packet_id == N, or right-click it > "
	"Apply as Column). A hop without bytes (a route lookup, a NAT or tunnel change) is a "
	"comment marked [no packet bytes] on the packet's next frame; a packet without any is a "
	"Custom Block. Each hop after a packet's first repeats its bytes, so Wireshark's TCP "
	"analysis calls it a retransmission: turn off Preferences > Protocols > TCP > Analyze "
	"TCP sequence numbers (tshark -o tcp.analyze_sequence_numbers:FALSE). Frames are "
	"written as packets end, not in time order. Each frame starts with a Linux cooked v2 "
	"header (packet type 4 on a transmit, 255 where not recorded), then the bytes as "
	"captured, Ethernet header included where the hop had one.";

struct pcapng_sink {
	struct sink base;
	struct pcapng_writer *w;
	__u32 snaplen;
};

/* Finds or describes the hop's interface: one per namespace and device, so that
 * Wireshark's interface list is the list of places the packets went through. */
static int pcapng_sink__interface(struct pcapng_sink *ps, const struct hop_event *ev)
{
	char name[PCAPNG_NOTES_LABEL_SIZE + HOPTRACE_IFNAMSIZ + 2], ns[PCAPNG_NOTES_LABEL_SIZE];
	char desc[DESC_SIZE];
	__u32 snaplen = ps->snaplen ? ps->snaplen + PCAPNG_LINK_HLEN : 0;

	snprintf(name, sizeof(name), "%s@%s", pcapng_notes__ifname(ev),
		 enrich__netns_label(ps->base.en, ev->netns, ns, sizeof(ns)));
	if (!ev->ifname[0])
		snprintf(desc, sizeof(desc), "no device, netns inode %u", ev->netns);
	else
		snprintf(desc, sizeof(desc), "%s%sdevice %u, netns inode %u", ev->dev_kind,
			 ev->dev_kind[0] ? " " : "", ev->ifindex, ev->netns);
	return pcapng_writer__interface(ps->w, name, desc, PCAPNG_LINKTYPE_LINUX_SLL2, snaplen);
}

static int hop_direction(const struct hop_event *ev)
{
	const struct hook_row *row = hook__row(ev->hook);

	if (row && row->direction == HOOK_DIR_IN)
		return PCAPNG_DIR_INBOUND;
	if (row && row->direction == HOOK_DIR_OUT)
		return PCAPNG_DIR_OUTBOUND;
	return PCAPNG_DIR_UNKNOWN;
}

/* epb_verdict has types for hardware, tc and XDP only; of hoptrace's drops, only those the
 * kernel blames on tc are truly a tc verdict, and a tc drop is TC_ACT_SHOT. */
static bool is_tc_drop(const struct verdict *v)
{
	return v->fate == FATE_DROPPED && v->reason &&
	       !strncmp(v->reason, TC_REASON_PREFIX, strlen(TC_REASON_PREFIX));
}

/* A generic XDP program's drop (XDP_DROP): epb_verdict's XDP type. */
static bool is_xdp_drop(const struct verdict *v)
{
	return v->fate == FATE_DROPPED && v->has_bpf && v->bpf.attach == HOP_BPF_XDP_GENERIC;
}

/* Bytes of the hop's frame after the cooked header: what the interface's snap length and
 * the frame buffer allow. */
static __u32 frame_cap_len(const struct pcapng_sink *ps, const struct hop_event *ev)
{
	__u32 n = ev->cap_len < HOPTRACE_SNAPLEN_MAX ? ev->cap_len : HOPTRACE_SNAPLEN_MAX;

	return ps->snaplen && n > ps->snaplen ? ps->snaplen : n;
}

/* Writes the frame of view g->frame, which carries the notes of views g->first..g->last.
 * Return: 0 or -errno. */
static int pcapng_sink__frame(struct pcapng_sink *ps, const struct judged_packet *jp,
			      const struct pcapng_group *g, const struct pcapng_notes *notes)
{
	const struct hop *hop = jp->views[g->frame].hop;
	const struct hop_event *ev = &hop->ev;
	__u8 frame[PCAPNG_LINK_HLEN + HOPTRACE_SNAPLEN_MAX];
	__u32 cap_len = frame_cap_len(ps, ev);
	__u64 tc_shot = VERDICT_TC_ACT_SHOT, xdp_drop = VERDICT_XDP_DROP;
	struct pcapng_packet out = {
		.ts_ns = enrich__wall_ns(ps->base.en, ev->ts_ns),
		.data = frame,
		.cap_len = PCAPNG_LINK_HLEN + cap_len,
		.orig_len = PCAPNG_LINK_HLEN + (ev->wire_len > cap_len ? ev->wire_len : cap_len),
		.direction = hop_direction(ev),
		.packet_id = jp->pkt->id,
		.verdict_type = PCAPNG_VERDICT_NONE,
		.comments = notes->comments,
		.comment_count = notes->count,
		.custom_strings = (const char *const *)notes->json,
		.custom_count = notes->json_count,
	};
	int if_id;

	pcapng_link__header(frame, ev, hop->data);
	memcpy(frame + PCAPNG_LINK_HLEN, hop->data, cap_len);
	if (g->last == jp->view_count - 1 && is_tc_drop(&jp->verdict)) {
		out.verdict_type = PCAPNG_VERDICT_TC;
		out.verdict_data = &tc_shot;
		out.verdict_len = sizeof(tc_shot);
	} else if (g->last == jp->view_count - 1 && is_xdp_drop(&jp->verdict)) {
		out.verdict_type = PCAPNG_VERDICT_XDP;
		out.verdict_data = &xdp_drop;
		out.verdict_len = sizeof(xdp_drop);
	}
	if_id = pcapng_sink__interface(ps, ev);
	if (if_id < 0)
		return -errno;
	return pcapng_writer__packet(ps->w, if_id, &out) ? -errno : 0;
}

/* The notes of g's views, then its frame, or a Custom Block when no view has bytes. */
static int pcapng_sink__group(struct pcapng_sink *ps, const struct judged_packet *jp,
			      const struct pcapng_group *g)
{
	struct pcapng_notes notes;
	int ret;

	ret = pcapng_notes__build(&notes, ps->base.en, jp, g);
	if (ret)
		return ret;
	if (g->frame >= 0)
		ret = pcapng_sink__frame(ps, jp, g, &notes);
	else
		ret = pcapng_notes__write_block(&notes, ps->w, jp->pkt->id);
	pcapng_notes__free(&notes);
	return ret;
}

/* Every hop: a frame for each that has bytes, carrying the comments of those without. */
static int pcapng_packet(struct sink *s, const struct judged_packet *jp)
{
	struct pcapng_sink *ps = (struct pcapng_sink *)s;
	struct pcapng_group g = { .last = -1 };
	int ret = 0;

	while (!ret && pcapng_group__next(jp, &g))
		ret = pcapng_sink__group(ps, jp, &g);
	if (ret)
		return ret;
	/* A reader on a pipe (wireshark -k -i -) sees the packet now; a full disk shows now. */
	return pcapng_writer__flush(ps->w) ? -errno : 0;
}

static int pcapng_summary(struct sink *s, const struct trace_summary *sum)
{
	struct pcapng_sink *ps = (struct pcapng_sink *)s;

	char *text = NULL;
	size_t len = 0;
	struct json_writer w;
	FILE *f;
	int ret;

	/* The summary closes the file as it closes JSON Lines: who took the trace, its clocks
	 * and counts; a file without it was cut short (hoptrace merge refuses it). */
	f = open_memstream(&text, &len);
	if (!f)
		return -errno;
	fputs("summary\n", f);
	json__init(&w, f);
	output_json__summary(&w, s->en, sum);
	json__newline(&w);
	ret = ferror(f);
	if (fclose(f) || ret) {
		free(text);
		return -ENOMEM;
	}
	ret = pcapng_writer__custom_block(ps->w, text, len) ? -errno : 0;
	free(text);
	if (ret)
		return ret;
	return pcapng_writer__flush(ps->w) ? -errno : 0;
}

static void pcapng_free(struct sink *s)
{
	struct pcapng_sink *ps = (struct pcapng_sink *)s;

	/* An error here was already returned by packet() or summary(). */
	pcapng_writer__flush(ps->w);
	pcapng_writer__free(ps->w);
	free(ps);
}

/* Section header strings: what wrote the file, on which kernel and host. */
static struct pcapng_writer *open_writer(FILE *f)
{
	char os[2 * sizeof(((struct utsname *)0)->release)], host[256], hardware[sizeof(host) + 8];
	struct pcapng_section_info info = {
		.application = "hoptrace " HOPTRACE_VERSION,
		.comment = section_comment,
	};
	struct utsname uts;

	if (!uname(&uts)) {
		snprintf(os, sizeof(os), "%s %s", uts.sysname, uts.release);
		info.os = os;
	}
	if (!gethostname(host, sizeof(host))) {
		host[sizeof(host) - 1] = '\0';
		snprintf(hardware, sizeof(hardware), "host %s", host);
		info.hardware = hardware;
	}
	return pcapng_writer__open(f, &info);
}

struct sink *output_pcapng__new(FILE *f, struct enrich *en, __u32 snaplen)
{
	struct pcapng_sink *ps;
	int err;

	ps = calloc(1, sizeof(*ps));
	if (!ps)
		return NULL;
	ps->w = open_writer(f);
	if (!ps->w) {
		err = errno;
		free(ps);
		errno = err;
		return NULL;
	}
	ps->snaplen = snaplen;
	ps->base = (struct sink){ pcapng_packet, pcapng_summary, pcapng_free, en, f };
	return &ps->base;
}

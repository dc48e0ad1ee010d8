// SPDX-License-Identifier: GPL-2.0
/* The pcapng sink: each hop becomes a frame on the interface of its namespace and device,
 * commented so that Wireshark's packet list reads as the timeline. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>

#include "util/json_writer.h"
#include "sinks/pcapng_sink.h"
#include "pipeline/hopview.h"
#include "sinks/pcapng_writer.h"
#include "pipeline/verdict.h"
#include "pipeline/hooks.h"
#include "sinks/sink.h"
#include "util/appendf.h"

#ifndef HOPTRACE_VERSION
#define HOPTRACE_VERSION "unknown"
#endif

/* TC_ACT_SHOT of <linux/pkt_cls.h>: what epb_verdict's TC type carries for a tc drop. */
#define VERDICT_TC_ACT_SHOT 2
/* Drop reasons the kernel gives for a tc classifier's or action's drop start so. */
#define TC_REASON_PREFIX "TC_"

#define LABEL_SIZE 288 /* a namespace name (NAME_MAX) or "netns:<inode>", and a device */
#define COMMENT_SIZE 1024

struct pcapng_sink {
	struct sink base;
	struct pcapng_writer *w;
	__u32 snaplen;
};

static const char *hop_ifname(const struct hop_event *ev)
{
	return ev->ifname[0] ? ev->ifname : "-";
}

/* Finds or describes the hop's interface: one per namespace, device and link type, so that
 * Wireshark's interface list is the list of places the packets went through. */
static int pcapng_sink__interface(struct pcapng_sink *ps, const struct hop_event *ev)
{
	char name[LABEL_SIZE + HOPTRACE_IFNAMSIZ + 2], ns[LABEL_SIZE], desc[128];
	__u16 linktype = ev->flags & HOP_F_L2 ? PCAPNG_LINKTYPE_ETHERNET : PCAPNG_LINKTYPE_RAW;

	snprintf(name, sizeof(name), "%s@%s", hop_ifname(ev),
		 enrich__netns_label(ps->base.en, ev->netns, ns, sizeof(ns)));
	if (!ev->ifname[0])
		snprintf(desc, sizeof(desc), "no device, netns inode %u", ev->netns);
	else if (ev->dev_kind[0])
		snprintf(desc, sizeof(desc), "%s device, netns inode %u", ev->dev_kind, ev->netns);
	else
		snprintf(desc, sizeof(desc), "device, netns inode %u", ev->netns);
	return pcapng_writer__interface(ps->w, name, desc, linktype, ps->snaplen);
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

/* One line of the timeline: the hop, and on the last one the packet's verdict. */
static void format_comment(struct enrich *en, const struct packet *pkt,
			   const struct hop_view *views, int n, int i, const struct verdict *v,
			   char *buf, size_t size)
{
	const struct hop_view *view = &views[i];
	const struct hop_event *ev = &view->hop->ev;
	char ns[LABEL_SIZE], details[320], line[512];

	buf[0] = '\0';
	/* The timeline keeps the first hops and the last: number the last from the total. */
	appendf(buf, size, "hop %u/%u %s layer=%s netns=%s dev=%s",
		i + 1 + (i == n - 1 ? pkt->hops_dropped : 0), n + pkt->hops_dropped, view->name,
		view->layer, enrich__netns_label(en, ev->netns, ns, sizeof(ns)), hop_ifname(ev));
	if (ev->ifname[0] && ev->dev_kind[0])
		appendf(buf, size, "(%s)", ev->dev_kind);
	appendf(buf, size, " len=%u", ev->len);
	hopview__details(en, view, details, sizeof(details));
	if (details[0])
		appendf(buf, size, " %s", details);
	if (i == n - 1 && pkt->hops_dropped)
		appendf(buf, size, " (%u hops before not kept)", pkt->hops_dropped);
	if (i == n - 1) {
		verdict__describe(v, line, sizeof(line));
		appendf(buf, size, " | verdict: %s", line);
	}
	/* On every hop: a frame read alone must still say its timeline has gaps. */
	if (pkt->incomplete)
		appendf(buf, size, " [incomplete]");
}

/* epb_verdict has types for hardware, tc and XDP only; of hoptrace's drops, only those the
 * kernel blames on tc are truly a tc verdict, and a tc drop is TC_ACT_SHOT. */
static bool is_tc_drop(const struct verdict *v)
{
	return v->fate == FATE_DROPPED && v->reason &&
	       !strncmp(v->reason, TC_REASON_PREFIX, strlen(TC_REASON_PREFIX));
}

/* The hop's JSON Lines object, in a string to free; NULL with errno set on failure. */
static char *hop_json(struct enrich *en, const struct packet *pkt, const struct hop_view *view)
{
	struct json_writer w;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	json__init(&w, f);
	output_json__hop(&w, en, pkt, view);
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

/* Writes view i as one Enhanced Packet Block. Synthetic views (nat, tunnel changes) carry
 * no bytes of their own: the kernel hop after them has the packet. Return: 0 or -errno. */
static int pcapng_sink__hop(struct pcapng_sink *ps, const struct packet *pkt,
			    const struct hop_view *views, int n, int i, const struct verdict *v)
{
	const struct hop_view *view = &views[i];
	const struct hop *hop = view->hop;
	const struct hop_event *ev = &hop->ev;
	bool kernel = view->kind == HOP_VIEW_KERNEL;
	__u64 tc_shot = VERDICT_TC_ACT_SHOT;
	char comment[COMMENT_SIZE];
	const char *comments[] = { comment };
	struct pcapng_packet out = {
		.ts_ns = enrich__wall_ns(ps->base.en, ev->ts_ns),
		.data = kernel ? hop->data : NULL,
		.cap_len = kernel ? ev->cap_len : 0,
		.orig_len = kernel ? (ev->wire_len > ev->cap_len ? ev->wire_len : ev->cap_len) : 0,
		.direction = kernel ? hop_direction(ev) : PCAPNG_DIR_UNKNOWN,
		.packet_id = pkt->id,
		.verdict_type = PCAPNG_VERDICT_NONE,
		.comments = comments,
		.comment_count = 1,
	};
	int if_id, ret;
	char *json;

	/* The interface promises at most snaplen bytes a frame; the data is a prefix anyway. */
	if (ps->snaplen && out.cap_len > ps->snaplen)
		out.cap_len = ps->snaplen;
	if (i == n - 1 && is_tc_drop(v)) {
		out.verdict_type = PCAPNG_VERDICT_TC;
		out.verdict_data = &tc_shot;
		out.verdict_len = sizeof(tc_shot);
	}
	format_comment(ps->base.en, pkt, views, n, i, v, comment, sizeof(comment));
	if_id = pcapng_sink__interface(ps, ev);
	if (if_id < 0)
		return -errno;
	json = hop_json(ps->base.en, pkt, view);
	if (!json)
		return -errno;
	out.custom_strings = (const char *const *)&json;
	out.custom_count = 1;
	ret = pcapng_writer__packet(ps->w, if_id, &out) ? -errno : 0;
	free(json);
	return ret;
}

/* Every hop, even one that captured no bytes, so that the frames are the whole timeline. */
static int pcapng_packet(struct sink *s, const struct judged_packet *jp)
{
	struct pcapng_sink *ps = (struct pcapng_sink *)s;
	int ret = 0;

	for (int i = 0; i < jp->view_count && !ret; i++)
		ret = pcapng_sink__hop(ps, jp->pkt, jp->views, jp->view_count, i, &jp->verdict);
	if (ret)
		return ret;
	/* A reader on a pipe (wireshark -k -i -) sees the packet now; a full disk shows now. */
	return pcapng_writer__flush(ps->w) ? -errno : 0;
}

static int pcapng_summary(struct sink *s, const struct trace_summary *sum)
{
	struct pcapng_sink *ps = (struct pcapng_sink *)s;

	(void)sum; /* the totals are the frames themselves; the text sink prints the sums */
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
	struct pcapng_section_info info = { .application = "hoptrace " HOPTRACE_VERSION };
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

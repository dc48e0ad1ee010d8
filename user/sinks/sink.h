/* SPDX-License-Identifier: GPL-2.0 */
/* Where finished packets go: text, JSON Lines, pcapng. Each sink gets every packet, judged,
 * when its life ends and the summary at the end; a sink prints, it never judges. */
#ifndef SINK_H
#define SINK_H

#include <stdbool.h>
#include <stdio.h>
#include "pipeline/enrich.h"
#include "pipeline/judge.h"

struct node_identity;

struct trace_summary {
	const struct timeline_totals *totals;
	__u64 kernel_events; /* records the BPF side submitted */
	__u64 lost_events;   /* records the BPF side could not submit (ring buffer full) */
	__u64 bad_events;    /* records user space rejected as malformed */
	double seconds;
	const struct ctstat *ct; /* conntrack counters of the covered namespaces, or NULL */
	/* --rules: what the rule trace did. rules_traced is -1 without --rules. */
	int rules_traced;		  /* namespaces whose rules were traced */
	unsigned long rules_read;	  /* rule decisions read */
	unsigned long rules_lost;	  /* times the kernel dropped rule messages */
	unsigned long rules_unjoined;	  /* rule decisions that found no traced packet */
	const struct node_identity *node; /* who took the trace, its clocks; NULL: not read */
	/* --only-netns: whether it was given, and the hops seen in other namespaces, not
	 * reported. */
	bool scoped;
	unsigned long long out_of_scope;
};

struct sink {
	/* Writes one judged packet. Returns 0, or -errno when writing failed (the trace then
	 * stops). */
	int (*packet)(struct sink *s, const struct judged_packet *jp);
	int (*summary)(struct sink *s, const struct trace_summary *sum);
	void (*free)(struct sink *s);
	struct enrich *en;
	FILE *f;
};

struct sink *output_text__new(FILE *f, struct enrich *en);
struct sink *output_json__new(FILE *f, struct enrich *en);

struct json_writer;
struct hop_view;
/* Writes one hop object (the JSON Lines "hop" record) to w; shared with pcapng. */
void output_json__hop(struct json_writer *w, struct enrich *en, const struct packet *pkt,
		      const struct hop_view *view);

/* Writes one packet object (the JSON Lines "packet" record, after its hops); shared with
 * pcapng. */
void output_json__packet(struct json_writer *w, struct enrich *en, const struct judged_packet *jp);

/* Writes the summary object (the JSON Lines "summary" record); shared with pcapng. */
void output_json__summary(struct json_writer *w, struct enrich *en,
			  const struct trace_summary *sum);

/* Returns the error of the sink's stream: 0 when fine, else an errno value. */
int sink__stream_error(FILE *f);

#endif /* SINK_H */

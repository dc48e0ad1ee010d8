/* SPDX-License-Identifier: GPL-2.0 */
/* What one trace is asked to do: which packets the kernel side keeps, how much it records,
 * which namespaces it watches, and where the session sends what it sees. The CLI, the demo,
 * the selftest and the benchmark each build one from trace_config__defaults(). */
#ifndef TRACE_CONFIG_H
#define TRACE_CONFIG_H

#include <stdbool.h>
#include <linux/types.h>
#include "hoptrace.h"

#define HOPTRACE_MAX_NETNS 64
/* --ring-size bounds: a power of two between these. */
#define TRACE_RING_MIN (64u << 10)
#define TRACE_RING_MAX (1u << 30)

struct trace_config {
	/* The kernel side's filter (rodata) and recording sizes. */
	struct hop_cidr pods[HOPTRACE_MAX_CIDRS];
	int pod_count;
	struct hop_cidr peers[HOPTRACE_MAX_CIDRS];
	int peer_count;
	__u8 proto;			       /* 0: any */
	__u16 port;			       /* 0: any */
	__u32 snaplen;			       /* bytes of each packet recorded */
	__u32 ring_size;		       /* ring buffer bytes: a power of two */
	const char *netns[HOPTRACE_MAX_NETNS]; /* --netns names ("all": every named one) */
	int netns_count;
	/* --rules: trace rule decisions (marks traced packets in each watched namespace's
	 * ruleset for the trace's length); without it rules are named by their counters. */
	bool rules;
	/* The session: how long, and where the trace goes. */
	double duration_s; /* 0: until Ctrl-C or the command ends */
	double linger_s;   /* after the command ends, wait this long for in-flight packets */
	bool json;
	bool quiet;
	int verbose;
	const char *pcapng_path; /* NULL: no pcapng; "-": standard output */
	char *filter_expr;	 /* pcap-filter expression (owned), or NULL */
	char **command;		 /* argv after "--", or NULL */
};

/* Every field at its default: no filter, the default snap length, ring size and linger. */
void trace_config__defaults(struct trace_config *cfg);

/* Frees what the configuration owns (the filter expression). */
void trace_config__free(struct trace_config *cfg);

#endif /* TRACE_CONFIG_H */

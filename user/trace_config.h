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
#define HOPTRACE_MAX_POD_REFS 16
#define HOPTRACE_MAX_STATE_DIRS 8

struct pod_list;
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
	/* --only-netns: hops in other namespaces are not reported ("host", /run/netns names,
	 * pid:<pid>); none: every namespace. */
	char only_netns[HOPTRACE_MAX_NETNS][64];
	int only_netns_count;
	/* --check: run hoptrace check for the traced pod before tracing, and name the failed
	 * item behind each drop. */
	bool check;
	/* The other end the path check looks towards when no single --peer says it (the demo's
	 * probe target); NULL: none. */
	const char *check_peer;
	/* --node-name: the node's name in the summary, for merge; NULL: the host name. */
	const char *node_name;
	int netns_count;
	/* --pod NAMESPACE/NAME references, and where to find the pods (--runtime-state,
	 * --pod-json); pod_refs__resolve() adds their addresses to pods above. */
	const char *pod_refs[HOPTRACE_MAX_POD_REFS];
	int pod_ref_count;
	const char *state_dirs[HOPTRACE_MAX_STATE_DIRS];
	int state_dir_count;
	const char *pod_json;
	/* Every pod found on this node when --pod was resolved (owned), NULL without --pod:
	 * for naming the pods' namespaces in the output. */
	struct pod_list *pod_list;
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
	/* --bundle: a directory, or a .tar.gz, for the trace's evidence (docs/bundle.md);
	 * NULL: none. The command line is kept for its manifest. */
	const char *bundle_path;
	int argc;
	char **argv;
	char *filter_expr; /* pcap-filter expression (owned), or NULL */
	char **command;	   /* argv after "--", or NULL */
};

/* Every field at its default: no filter, the default snap length, ring size and linger. */
void trace_config__defaults(struct trace_config *cfg);

/* Frees what the configuration owns (the filter expression, the pod list). */
void trace_config__free(struct trace_config *cfg);

#endif /* TRACE_CONFIG_H */

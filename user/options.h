/* SPDX-License-Identifier: GPL-2.0 */
/* The command line: one table of options with typed parsers; --help is generated from it. */
#ifndef OPTIONS_H
#define OPTIONS_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>
#include "hoptrace.h"

#define HOPTRACE_MAX_NETNS 64
#define HOPTRACE_RING_DEFAULT (8u << 20)

struct options {
	struct hop_cidr pods[HOPTRACE_MAX_CIDRS];
	int pod_count;
	struct hop_cidr peers[HOPTRACE_MAX_CIDRS];
	int peer_count;
	__u8 proto;	   /* 0: any */
	__u16 port;	   /* 0: any */
	double duration_s; /* 0: until Ctrl-C or the command ends */
	double linger_s;   /* after the command ends, wait this long for in-flight packets */
	__u32 snaplen;
	__u32 ring_size; /* ring buffer bytes: a power of two */
	bool json;
	bool quiet;
	int verbose;
	const char *pcapng_path;	       /* NULL: no pcapng; "-": standard output */
	char *filter_expr;		       /* pcap-filter expression, or NULL */
	char **command;			       /* argv after "--", or NULL */
	const char *netns[HOPTRACE_MAX_NETNS]; /* --netns names ("all": every named one) */
	int netns_count;
};

/* Fills opts with defaults, then parses argv (starting at argv[0] = subcommand or program
 * name). On a bad option prints one line to stderr and returns -1; returns 1 when --help or
 * --version was printed (exit 0); 0 otherwise. allow_trace: the trace options are valid. */
int options__parse(struct options *opts, int argc, char **argv, bool allow_trace);

/* Writes the option help, generated from the option table. */
void options__usage(FILE *f);

void options__free(struct options *opts);

#endif /* OPTIONS_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* The demo's client traffic: one ping, datagram or connection from inside a pod's
 * namespace, with a bounded wait and a one-line account of what the client saw. Built in,
 * so the demo needs no ping or nc on the machine. */
#ifndef DEMO_PROBE_H
#define DEMO_PROBE_H

#include <stdbool.h>
#include <stddef.h>

struct demo_probe {
	const char *netns; /* the namespace to send from (a /run/netns name) */
	const char *proto; /* "icmp" (echo over a datagram socket), "udp", "tcp" */
	const char *addr;  /* IPv4 destination */
	const char *port;  /* udp, tcp: the destination port */
	int size;	   /* icmp: payload bytes; 0 for 56 as ping */
	bool df;	   /* icmp: never fragment, as ping -M do */
	int count;	   /* udp: datagrams, each from a new socket (a new flow); 0 for 1 */
	double timeout_s;  /* wait for an answer; 0 for 1 s */
	long ct_max;	   /* >0: set the global conntrack maximum to this just before sending */
	long ct_restore;   /* ...and back to this right after */
};

/* What the client saw; also the exit status of `demo --probe`. */
enum probe_result {
	PROBE_ANSWERED = 0, /* echo reply, or the connection was accepted */
	PROBE_REFUSED = 1,  /* an error came back: RST, ICMP unreachable, fragmentation needed */
	PROBE_SILENT = 2,   /* nothing came back in time */
	PROBE_FAILED = 3,   /* could not even send (no route, no such namespace...) */
};

/* Sends from p->netns, in a child process (this process stays where it is). outcome gets
 * one line, e.g. "connection refused (TCP RST)" or "ICMP fragmentation needed (mtu 1450)
 * from 10.244.1.1". */
enum probe_result demo_probe__run_in(const struct demo_probe *p, char *outcome, size_t size);

#define DEMO_PROBE_ARGC 16

/* The command line that runs p as `<this binary> demo --probe ...` (what a trace runs
 * as its command); the outcome line is written to report_fd. Strings live in buf. */
void demo_probe__argv(const struct demo_probe *p, int report_fd, char *buf, size_t size,
		      char *argv[DEMO_PROBE_ARGC]);

/* `hoptrace demo --probe KEY=VALUE...`: the other end of demo_probe__argv (argv holds
 * only the KEY=VALUE words). Returns the probe_result; a bad argument is PROBE_FAILED. */
int demo_probe__main(int argc, char **argv);

#endif /* DEMO_PROBE_H */

// SPDX-License-Identifier: GPL-2.0
/* `hoptrace check --pod-ip ADDR [--peer ADDR] [--json]`. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check/check.h"
#include "cli/check_cmd.h"
#include "host/privilege.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: hoptrace check --pod-ip ADDR [--peer ADDR] [--json]\n\n"
		"Walks the path of a pod's packets from this node, layer by layer: the pod (its\n"
		"namespace, device, route), pod to pod (gateway neighbour, host veth, forwarding,\n"
		"the node's route to the peer), the Service (kube-proxy's mode, the peer's DNAT),\n"
		"the overlay (tunnel, VNI, remote VTEPs, MTU against the underlay) and the kernel\n"
		"(conntrack count against max, rp_filter against the route back, bridge-nf-call).\n"
		"Where this node holds the peer too, its side is checked the same way. Each line:\n"
		"ok, warn or fail, and the fact that decided it. Exit status 1 when a line failed.\n\n"
		"  -p, --pod-ip ADDR   the pod's address\n"
		"      --peer ADDR     the other end: a pod's address or a Service's\n"
		"  -j, --json          one JSON object (docs/check.md)\n"
		"  -h, --help          show this help\n");
}

int check_cmd__main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "pod-ip", required_argument, NULL, 'p' },
		{ "peer", required_argument, NULL, 'P' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct check_report *r;
	const char *pod = NULL, *peer = NULL;
	bool json = false;
	char why[128];
	int c, rc;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+p:jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			pod = optarg;
			break;
		case 'P':
			peer = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fprintf(stderr, "hoptrace check: %s '%s' (try 'hoptrace check --help')\n",
				optopt ? "option needs a value:" : "unknown option",
				argv[optind - 1]);
			return 2;
		}
	}
	if (!pod || optind < argc) {
		fprintf(stderr, "hoptrace check: %s (try 'hoptrace check --help')\n",
			pod ? "unexpected argument" : "--pod-ip ADDR is required");
		return 2;
	}
	/* Entering other namespaces and reading their rules needs what tracing needs. */
	if (!privilege__can_trace(why, sizeof(why))) {
		fprintf(stderr, "hoptrace check: %s\n", why);
		return 1;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		fprintf(stderr, "hoptrace check: out of memory\n");
		return 1;
	}
	rc = check__run(r, pod, peer);
	if (!rc) {
		if (json)
			check__write_json(r, stdout);
		else
			check__write_text(r, stdout);
		rc = check__count(r, CHECK_FAIL) ? 1 : 0;
	} else {
		rc = 2;
	}
	free(r);
	return rc;
}

// SPDX-License-Identifier: GPL-2.0
/* `hoptrace demo [SCENARIO]`: builds a throwaway two-node cluster in network namespaces,
 * breaks it in one well-known way, traces a pod's traffic through it and explains the
 * timeline. Everything it makes is gone when it ends, however it ends. */
#include <stdio.h>
#include <string.h>
#include "cli/command.h"
#include "demo/demo.h"
#include "demo/traffic.h"
#include "demo/scenario_run.h"
#include "host/privilege.h"

#define WRAP_COLUMNS 88

static void usage(FILE *f)
{
	fprintf(f, "Usage: hoptrace demo [SCENARIO] [--bundle DIR|FILE.tar.gz]\n"
		   "       hoptrace demo --list\n\n"
		   "Builds a two-node, flannel-like cluster in network namespaces (bridge, veth "
		   "pods,\nVXLAN overlay, an iptables ClusterIP), breaks it in one well-known "
		   "way, traces a\npod's traffic and explains what the timeline shows. Without "
		   "SCENARIO, runs the\nfirst one and lists the others. --bundle writes the "
		   "trace's evidence bundle\n(docs/bundle.md) with the path check of the broken "
		   "cluster. Needs root; leaves\nnothing behind.\n\n");
}

static void list_scenarios(FILE *f, const struct demo_scenario *skip)
{
	for (const struct demo_scenario *s = demo_scenarios; s->name; s++)
		if (s != skip)
			fprintf(f, "  %-20s %s\n", s->name, s->title);
}

/* Prints text wrapped at WRAP_COLUMNS, each line indented by two spaces. */
static void print_wrapped(const char *text)
{
	const char *p = text;

	while (*p) {
		int len = (int)strlen(p), cut = len;

		if (len > WRAP_COLUMNS - 2) {
			cut = WRAP_COLUMNS - 2;
			while (cut > 0 && p[cut] != ' ')
				cut--;
			if (!cut)
				cut = WRAP_COLUMNS - 2;
		}
		printf("  %.*s\n", cut, p);
		p += cut;
		while (*p == ' ')
			p++;
	}
}

static void print_cluster(const struct demo_cluster *c)
{
	printf("The cluster (network namespaces %s*):\n"
	       "  pod-a " DEMO_POD_A_IP "   pod-b " DEMO_POD_B_IP
	       "              pod-c " DEMO_POD_C_IP "\n"
	       "    | veth             | veth                       | veth\n"
	       "  node1: bridge cni0 " DEMO_GW1_IP "/24        node2: bridge cni0 " DEMO_GW2_IP
	       "/24\n"
	       "         flannel.1 VXLAN VNI 1               flannel.1 VXLAN VNI 1\n"
	       "         eth0 " DEMO_NODE1_IP " ====== underlay ====== eth0 " DEMO_NODE2_IP "\n"
	       "  Service " DEMO_SERVICE_IP ":" DEMO_SERVICE_PORT " -> pod-c:" DEMO_TARGET_PORT
	       " (iptables DNAT on the nodes, as kube-proxy does)\n\n",
	       c->prefix);
}

static void print_intro(const struct demo_cluster *c, const struct demo_scenario *sc)
{
	printf("hoptrace demo: %s - %s\n\n", sc->name, sc->title);
	print_cluster(c);
	printf("Broken:  %s\nTraffic: %s\n\n", sc->breakage, sc->traffic);
	fflush(stdout);
}

static void print_outcome(const struct demo_cluster *c, const struct demo_scenario *sc,
			  const struct demo_result *res)
{
	char found[256], expect[256], why[512];

	printf("\n%s saw: %s\n", sc->probe.netns, res->probe_text);
	printf("hoptrace's verdict: %s\n",
	       demo_run__format_found(c, &res->found, found, sizeof(found)));
	if (!demo_run__check(c, sc, &res->found, why, sizeof(why)))
		printf("  (this scenario expects %s; here: %s. 'hoptrace selftest' checks every "
		       "scenario on this kernel.)\n",
		       demo_run__format_expect(&sc->expect, expect, sizeof(expect)), why);
	if (res->found.nf_rule[0])
		printf("The rule that dropped it, from the trace: %s\n", res->found.nf_rule);
	if (res->found.bpf_phrase[0])
		printf("The BPF program behind it: %s\n", res->found.bpf_phrase);
	/* What `hoptrace check` finds on the broken cluster: the item behind the drop. */
	if (res->check.explains[0])
		printf("hoptrace check names the cause: %s\n", res->check.line);
	else if (res->check.ran && res->check.fails)
		printf("hoptrace check: %d item%s failed, first %s\n", res->check.fails,
		       res->check.fails == 1 ? "" : "s", res->check.line);
	else if (res->check.ran)
		printf("hoptrace check: no item failed\n");
	printf("\nWhat you are looking at:\n");
	print_wrapped(sc->explain);
	if (sc->fix) {
		printf("\nThe usual fix:\n");
		print_wrapped(sc->fix);
	}
}

int demo__preflight(void)
{
	static const char *const tools[] = { "ip", "bridge", "iptables", "sysctl", NULL };
	char why[128];

	if (!privilege__can_trace(why, sizeof(why))) {
		fprintf(stderr, "hoptrace demo: %s\n", why);
		return -1;
	}
	for (int i = 0; tools[i]; i++) {
		if (!command__exists(tools[i])) {
			fprintf(stderr,
				"hoptrace demo: needs '%s' (packages iproute2, iptables, "
				"procps)\n",
				tools[i]);
			return -1;
		}
	}
	return 0;
}

/* Parses [SCENARIO|--list|--help]. Returns 0 to run *sc, 1 when done, or 2 on a
 * usage error. */
static int parse(int argc, char **argv, const struct demo_scenario **sc, bool *named)
{
	*sc = demo_scenarios;
	*named = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			printf("Scenarios:\n");
			list_scenarios(stdout, NULL);
			return 1;
		}
		if (!strcmp(argv[i], "--list")) {
			list_scenarios(stdout, NULL);
			return 1;
		}
		if (!strcmp(argv[i], "--bundle")) {
			if (++i == argc) {
				fprintf(stderr,
					"hoptrace demo: --bundle needs a path (a directory or "
					"FILE.tar.gz)\n");
				return 2;
			}
			demo_run__set_bundle(argv[i]);
			continue;
		}
		if (argv[i][0] == '-' || *named) {
			fprintf(stderr,
				"hoptrace demo: unexpected argument '%s' (try 'hoptrace "
				"demo --help')\n",
				argv[i]);
			return 2;
		}
		*sc = demo_scenario__find(argv[i]);
		*named = true;
		if (!*sc) {
			demo_scenario__report_unknown("hoptrace demo", argv[i]);
			return 2;
		}
	}
	return 0;
}

int demo__main(int argc, char **argv)
{
	const struct demo_scenario *sc;
	struct demo_cluster c;
	struct demo_result res;
	bool named;
	int rc;

	if (argc > 1 && !strcmp(argv[1], "--probe"))
		return demo_probe__main(argc - 2, argv + 2);
	rc = parse(argc, argv, &sc, &named);
	if (rc)
		return rc == 1 ? 0 : rc;
	if (demo__preflight() || demo_cluster__init(&c))
		return 1;
	demo_run__signals();
	if (demo_cluster__clean_leftovers() > 0)
		fprintf(stderr, "hoptrace demo: removed namespaces left by an earlier run\n");
	print_intro(&c, sc);
	rc = demo_run__scenario(&c, sc, true, &res);
	if (rc == 0)
		print_outcome(&c, sc, &res);
	if (rc == 0 && !named) {
		printf("\nOther scenarios ('hoptrace demo NAME'; 'hoptrace selftest' runs them "
		       "all):\n");
		list_scenarios(stdout, sc);
	}
	demo_cluster__free(&c);
	if (rc > 128)
		fprintf(stderr, "hoptrace demo: interrupted; the cluster is removed\n");
	return rc < 0 ? 1 : rc;
}

// SPDX-License-Identifier: GPL-2.0
/* hoptrace: where, hop by hop, do a pod's packets go in the kernel, and where do they die.
 * main dispatches subcommands from a table; the trace itself lives in trace.c. */
#include <stdio.h>
#include <string.h>
#include "demo/demo.h"
#include "cli/options.h"
#include "cli/pod_refs.h"
#include "cli/check_cmd.h"
#include "cli/merge_cmd.h"
#include "cli/report_cmd.h"
#include "cli/pods_cmd.h"
#include "cli/suggest.h"
#include "host/privilege.h"
#include "host/rule_tracers.h"
#include "host/watched_netns.h"
#include "demo/selftest.h"
#include "session.h"

#ifndef HOPTRACE_VERSION
#define HOPTRACE_VERSION "0.0.0"
#endif

struct subcommand {
	const char *name;
	const char *args;
	const char *help;
	int (*run)(int argc, char **argv);
};

static int usage(FILE *f);

/* Parses options for subcommands that take only the common ones (and --json). */
static int parse_or_exit(struct trace_config *o, int argc, char **argv, bool trace, int *rc)
{
	int r = options__parse(o, argc, argv, trace);

	if (r < 0)
		*rc = 2;
	else if (r == 1)
		*rc = usage(stdout);
	else if (r == 2)
		*rc = printf("hoptrace %s\n", HOPTRACE_VERSION) < 0;
	return r;
}

static const struct subcommand *subcommand_named(const char *name, size_t len);

/* Options go after the subcommand: "hoptrace -q demo" would read "demo" as the start of a
 * filter expression and then ask for --pod-ip. Say what was meant instead. */
static bool subcommand_misplaced(const struct trace_config *o)
{
	const char *expr = o->filter_expr;
	const struct subcommand *sc;

	if (!expr)
		return false;
	sc = subcommand_named(expr, strcspn(expr, " "));
	if (!sc || !strcmp(sc->name, "trace"))
		return false;
	fprintf(stderr, "hoptrace: the subcommand '%s' must come first: hoptrace %s %s\n", sc->name,
		sc->name, sc->args);
	return true;
}

static int do_trace(int argc, char **argv)
{
	struct trace_config o;
	int rc = 0;

	if (parse_or_exit(&o, argc, argv, true, &rc))
		return rc;
	if (subcommand_misplaced(&o)) {
		trace_config__free(&o);
		return 2;
	}
	/* An unknown pod is bad input, like a bad address: refused before anything loads. */
	if (pod_refs__resolve(&o)) {
		trace_config__free(&o);
		return 2;
	}
	rc = trace__run(&o);
	trace_config__free(&o);
	return rc;
}

static int do_hooks(int argc, char **argv)
{
	struct trace_config o;
	char why[128];
	int rc = 0;

	if (parse_or_exit(&o, argc, argv, true, &rc))
		return rc;
	/* Without privileges every trial load fails: that says nothing about the kernel. */
	if (!privilege__can_trace(why, sizeof(why))) {
		fprintf(stderr, "hoptrace hooks: %s to probe the kernel\n", why);
		trace_config__free(&o);
		return 1;
	}
	rc = trace__print_hooks(o.json);
	trace_config__free(&o);
	return rc;
}

/* Takes away what a hoptrace killed before its end left in rulesets (--rules on kernels
 * whose tables have no owner, and iptables-legacy's TRACE rules): in the initial namespace
 * and every named one. */
static int do_cleanup(int argc, char **argv)
{
	static const char *const all[] = { "all" };
	struct trace_config o;
	struct coverage cov = {};
	char why[128];
	int rc = 0, removed;

	if (parse_or_exit(&o, argc, argv, true, &rc))
		return rc;
	if (!privilege__can_trace(why, sizeof(why))) {
		fprintf(stderr, "hoptrace cleanup: %s\n", why);
		trace_config__free(&o);
		return 1;
	}
	if (coverage__collect(&cov, all, 1, NULL)) {
		fprintf(stderr, "hoptrace cleanup: out of memory\n");
		trace_config__free(&o);
		return 1;
	}
	removed = rule_tracers__cleanup(&cov, (const char *const *)cov.paths, o.verbose);
	printf("hoptrace cleanup: %d left-over marking%s removed in %d network namespace%s\n",
	       removed, removed == 1 ? "" : "s", cov.count, cov.count == 1 ? "" : "s");
	coverage__free(&cov);
	trace_config__free(&o);
	return 0;
}

/* The pods of this node, as --pod finds them. */
static int do_pods(int argc, char **argv)
{
	struct trace_config o;
	int rc = 0;

	if (parse_or_exit(&o, argc, argv, true, &rc))
		return rc;
	rc = pods_cmd__run(&o, stdout);
	trace_config__free(&o);
	return rc;
}

static int do_demo(int argc, char **argv)
{
	return demo__main(argc, argv);
}

static int do_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return usage(stdout);
}

static int do_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("hoptrace %s\n", HOPTRACE_VERSION);
	return 0;
}

static const struct subcommand subcommands[] = {
	{ "trace", "[OPTIONS] [EXPR] [-- COMMAND...]", "trace packets (the default)", do_trace },
	{ "hooks", "[--json]", "show how each hook attaches on this kernel, and why", do_hooks },
	{ "pods", "[--json] [--runtime-state DIR]",
	  "list this node's pods: addresses, netns, host veth", do_pods },
	{ "merge", "[--json] [-w FILE] TRACE TRACE...",
	  "join per-node traces into one timeline; name loss between nodes", merge_cmd__main },
	{ "check", "--pod-ip ADDR [--peer ADDR]",
	  "check a pod's path layer by layer: route, MTU, overlay, conntrack, rp_filter",
	  check_cmd__main },
	{ "report", "[-o FILE] TRACE|BUNDLE_DIR",
	  "one HTML page explaining a trace, to read or print", report_cmd__main },
	{ "cleanup", "[-v]", "remove what a killed hoptrace --rules left in rulesets", do_cleanup },
	{ "demo", "[SCENARIO|--list] [--bundle PATH]",
	  "build a throwaway broken cluster, trace it, explain", do_demo },
	{ "selftest", "[--json] [SCENARIO...]", "run every demo scenario, check each verdict here",
	  selftest__main },
	{ "help", "", "show this help", do_help },
	{ "version", "", "show the version", do_version },
};

static const struct subcommand *subcommand_named(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (strlen(subcommands[i].name) == len && !strncmp(name, subcommands[i].name, len))
			return &subcommands[i];
	return NULL;
}

static int usage(FILE *f)
{
	fprintf(f, "Usage: hoptrace [SUBCOMMAND] [OPTIONS] [EXPR] [-- COMMAND [ARGS...]]\n\n"
		   "Shows, hop by hop, where a pod's packets go in the kernel and where they die:\n"
		   "namespace, device, hook, and the kernel's drop reason.\n\n"
		   "Subcommands:\n");
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(f, "  %-8s %-34s %s\n", subcommands[i].name, subcommands[i].args,
			subcommands[i].help);
	fprintf(f, "\n");
	options__usage(f);
	fprintf(f,
		"\nWith -- COMMAND, the command runs once every hook is attached, its output going\n"
		"to standard error; the trace stops when it exits (after --linger) and hoptrace\n"
		"exits with its status. Ctrl-C stops the trace after its summary: exit status 130,\n"
		"or the command's. Output schema, hooks and kernel needs: docs/ and README.\n\n"
		"Examples:\n"
		"  hoptrace --pod-ip 10.244.1.5\n"
		"  hoptrace --pod-ip 10.244.1.5 --json > trace.jsonl\n"
		"  hoptrace pods\n"
		"  hoptrace --pod default/web --pod-ip 10.244.2.0/24\n"
		"  hoptrace --pod-ip 10.244.1.5 --peer 10.244.2.0/24 --proto udp --port 53 "
		"--duration 10\n"
		"  hoptrace --pod-ip 10.244.1.5 --netns node1 -w drop.pcapng 'udp port 53' \\\n"
		"      -- ip netns exec pod-a sh -c 'echo q | nc -u -w1 10.96.0.10 53'\n");
	return 0;
}

static void report_unknown_subcommand(const char *word)
{
	struct suggestion s;
	const char *best;

	suggest__init(&s, word, strlen(word));
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		suggest__consider(&s, subcommands[i].name);
	best = suggest__best(&s);
	if (best)
		fprintf(stderr, "hoptrace: unknown subcommand '%s' (did you mean '%s'?)\n", word,
			best);
	else
		fprintf(stderr, "hoptrace: unknown subcommand '%s' (try 'hoptrace help')\n", word);
}

int main(int argc, char **argv)
{
	if (argc > 1 && argv[1][0] != '-') {
		const struct subcommand *sc = subcommand_named(argv[1], strlen(argv[1]));

		if (sc)
			return sc->run(argc - 1, argv + 1);
		report_unknown_subcommand(argv[1]);
		return 2;
	}
	return do_trace(argc, argv);
}

// SPDX-License-Identifier: GPL-2.0
/* The selftest: proof, on the node's own kernel, that each kind of drop is found and named
 * correctly. It runs the demo's scenarios without their timelines and compares each
 * verdict with what the scenario expects. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "load/ladder.h"
#include "demo/demo.h"
#include "demo/scenario_run.h"
#include "util/json_writer.h"
#include "load/features.h"
#include "demo/selftest.h"

struct selftest_case {
	const struct demo_scenario *sc;
	struct demo_result res;
	bool ran; /* the scenario's cluster and trace ran */
	bool passed;
	char why[512]; /* the mismatch, or why it could not run */
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: hoptrace selftest [--json] [SCENARIO...]\n\n"
		   "Runs every demo scenario (or the ones named) on this kernel and checks that\n"
		   "hoptrace names each verdict correctly: fate, drop reason, namespace, layer,\n"
		   "netfilter hook and table. Prints the attach plan and a table; exits 0 only\n"
		   "when every scenario passes. Needs root; leaves nothing behind.\n");
}

/* Parses options and scenario names into cases. Returns the number of cases, or -1 when
 * done (help) or -2 on a usage error. */
static int parse(int argc, char **argv, bool *json, struct selftest_case *cases, int max)
{
	int n = 0;

	*json = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j")) {
			*json = true;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return -1;
		} else if (argv[i][0] == '-') {
			fprintf(stderr, "hoptrace selftest: unknown option '%s'\n", argv[i]);
			return -2;
		} else if (n >= max || !(cases[n++].sc = demo_scenario__find(argv[i]))) {
			demo_scenario__report_unknown("hoptrace selftest", argv[i]);
			return -2;
		}
	}
	if (!n)
		for (const struct demo_scenario *s = demo_scenarios; s->name && n < max; s++)
			cases[n++].sc = s;
	return n;
}

static int run_case(struct demo_cluster *c, struct selftest_case *t)
{
	int rc;

	fprintf(stderr, "selftest: %-24s ", t->sc->name);
	rc = demo_run__scenario(c, t->sc, false, &t->res);
	t->ran = rc == 0;
	if (t->ran)
		t->passed = demo_run__check(c, t->sc, &t->res.found, t->why, sizeof(t->why)) &
			    demo_run__check_check(t->sc, &t->res, t->why, sizeof(t->why));
	else
		snprintf(t->why, sizeof(t->why), "the scenario could not run (see above)");
	fprintf(stderr, "%s\n", t->passed ? "pass" : "FAIL");
	return rc;
}

static void print_plan(bool json)
{
	struct kernel_features kf;
	struct attach_plan plan;
	char *text = NULL;
	size_t len = 0;
	FILE *mem;

	kernel_features__probe(&kf);
	attach_plan__build(&plan, &kf);
	if (!json) {
		printf("Attach plan on this kernel:\n");
		attach_plan__print(&plan, &kf, stdout, false);
		printf("\n");
	} else if ((mem = open_memstream(&text, &len))) {
		attach_plan__print(&plan, &kf, mem, true);
		fclose(mem);
		while (len && text[len - 1] == '\n')
			text[--len] = 0;
		printf("{\"type\":\"attach_plan\",\"plan\":%s}\n", len ? text : "null");
		free(text);
	}
	kernel_features__free(&kf);
}

static void print_table(const struct demo_cluster *c, const struct selftest_case *cases, int n)
{
	char buf[256];

	printf("%-24s %-6s %s\n", "SCENARIO", "RESULT", "EXPECTED / FOUND");
	for (int i = 0; i < n; i++) {
		const struct selftest_case *t = &cases[i];

		printf("%-24s %-6s expected  %s\n", t->sc->name, t->passed ? "pass" : "FAIL",
		       demo_run__format_expect(&t->sc->expect, buf, sizeof(buf)));
		printf("%-31s found     %s\n", "",
		       t->ran ? demo_run__format_found(c, &t->res.found, buf, sizeof(buf)) :
				"(did not run)");
		if (!t->passed)
			printf("%-31s differs   %s\n", "", t->why);
	}
}

static const char *role(const struct demo_cluster *c, const char *netns)
{
	size_t len = strlen(c->prefix);

	return strncmp(netns, c->prefix, len) ? netns : netns + len;
}

static void json_nf(struct json_writer *w, bool nf, const char *family, const char *hook,
		    const char *table, const char *chain)
{
	if (!nf) {
		json__null(w, "nf");
		return;
	}
	json__object_begin(w, "nf");
	json__string(w, "family", family);
	json__string(w, "hook", hook);
	json__string(w, "table", table);
	json__string(w, "chain", chain && *chain ? chain : NULL);
	json__object_end(w);
}

static void json_expected(struct json_writer *w, const struct demo_expect *e)
{
	json__object_begin(w, "expected");
	json__string(w, "fate", e->fate);
	json__string(w, "reason", e->reason);
	json__string(w, "netns", e->netns);
	json__string(w, "layer", e->layer);
	json_nf(w, e->nf_hook != NULL, e->nf_family, e->nf_hook, e->nf_table, e->nf_chain);
	json__bool(w, "ct_table_full", e->ct_table_full);
	json__bool(w, "ct_insert_fail", e->ct_insert_fail);
	json__string(w, "bpf_prog", e->bpf_prog);
	json__object_end(w);
}

static const char *or_null(const char *s)
{
	return s && *s ? s : NULL;
}

static void json_found(struct json_writer *w, const struct demo_cluster *c,
		       const struct selftest_case *t)
{
	const struct demo_found *f = &t->res.found;

	if (!t->ran || !f->seen) {
		json__null(w, "found");
		return;
	}
	json__object_begin(w, "found");
	json__string(w, "fate", f->fate);
	json__string(w, "reason", or_null(f->reason));
	json__string(w, "netns", or_null(role(c, f->netns)));
	json__string(w, "ifname", or_null(f->ifname));
	json__string(w, "layer", or_null(f->layer));
	json__string(w, "location", or_null(f->location));
	json_nf(w, f->nf, f->nf_family, f->nf_hook, f->nf_table, f->nf_chain);
	json__bool(w, "ct_table_full", f->ct_table_full);
	json__bool(w, "ct_insert_fail", f->ct_insert_fail);
	json__string(w, "ct_insert_fail_by", or_null(f->ct_insert_by));
	json__string(w, "bpf_prog", or_null(f->bpf_prog));
	json__string(w, "bpf_how", or_null(f->bpf_how));
	json__int(w, "hops", f->hops);
	json__object_end(w);
}

static void print_json(const struct demo_cluster *c, const struct selftest_case *cases, int n,
		       int passed)
{
	struct json_writer w;

	json__init(&w, stdout);
	for (int i = 0; i < n; i++) {
		const struct selftest_case *t = &cases[i];

		json__object_begin(&w, NULL);
		json__string(&w, "type", "scenario");
		json__string(&w, "name", t->sc->name);
		json__string(&w, "title", t->sc->title);
		json__bool(&w, "pass", t->passed);
		json_expected(&w, &t->sc->expect);
		json_found(&w, c, t);
		json__string(&w, "client", t->ran ? t->res.probe_text : NULL);
		if (t->res.check.ran) {
			json__object_begin(&w, "check");
			json__int(&w, "fails", t->res.check.fails);
			json__string(&w, "explains",
				     t->res.check.explains[0] ? t->res.check.explains : NULL);
			json__string(&w, "line", t->res.check.line[0] ? t->res.check.line : NULL);
			json__object_end(&w);
		}
		json__string(&w, "mismatch", t->passed ? NULL : t->why);
		json__object_end(&w);
		json__newline(&w);
	}
	json__object_begin(&w, NULL);
	json__string(&w, "type", "summary");
	json__int(&w, "scenarios", n);
	json__int(&w, "passed", passed);
	json__int(&w, "failed", n - passed);
	json__object_end(&w);
	json__newline(&w);
}

#define SELFTEST_MAX 32

int selftest__main(int argc, char **argv)
{
	struct selftest_case cases[SELFTEST_MAX] = { 0 };
	struct demo_cluster c;
	int n, passed = 0, rc = 0;
	bool json;

	n = parse(argc, argv, &json, cases, SELFTEST_MAX);
	if (n < 0)
		return n == -1 ? 0 : 2;
	if (demo__preflight() || demo_cluster__init(&c))
		return 1;
	demo_run__signals();
	demo_cluster__clean_leftovers();
	for (int i = 0; i < n && rc < 128; i++)
		rc = run_case(&c, &cases[i]);
	demo_cluster__free(&c);
	if (rc >= 128) {
		fprintf(stderr, "hoptrace selftest: interrupted; the cluster is removed\n");
		return rc;
	}
	for (int i = 0; i < n; i++)
		passed += cases[i].passed;
	print_plan(json);
	if (json)
		print_json(&c, cases, n, passed);
	else
		print_table(&c, cases, n);
	if (!json)
		printf("\n%d of %d scenarios passed\n", passed, n);
	return passed == n ? 0 : 1;
}

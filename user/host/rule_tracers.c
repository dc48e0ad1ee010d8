// SPDX-License-Identifier: GPL-2.0
/* The tracers of every namespace, kept side by side; each is independent, so one
 * namespace's failure costs only that namespace its rule trace. */
#include <stdio.h>
#include <stdlib.h>
#include "host/nft_trace.h"
#include "host/rule_tracers.h"
#include "host/watched_netns.h"
#include "host/xt_trace.h"

struct rule_tracers {
	struct nft_trace *nft[COVERAGE_MAX];
	struct xt_trace *xt[COVERAGE_MAX];
	int count;
	unsigned long read_errors;
};

static void start_one(struct rule_tracers *rt, const struct coverage *cov, int i, const char *label,
		      pid_t pid, const struct rule_mark *mark)
{
	char err[256] = "";

	/* A namespace without nf_tables fails both: the start below says so. */
	nft_trace__cleanup_dead(cov->paths[i]);
	rt->nft[i] = nft_trace__start(cov->paths[i], cov->inodes[i], pid, mark, err, sizeof(err));
	if (!rt->nft[i])
		fprintf(stderr,
			"hoptrace: --rules: netns %s: nf_tables rules not traced (%s); drops "
			"there are named by rule counters\n",
			label, err);
	if (!xt_trace__wanted(cov->paths[i]))
		return;
	xt_trace__cleanup_dead(cov->paths[i]);
	err[0] = 0;
	rt->xt[i] = xt_trace__start(cov->paths[i], cov->inodes[i], pid, mark, err, sizeof(err));
	if (!rt->xt[i])
		fprintf(stderr,
			"hoptrace: --rules: netns %s: iptables-legacy rules not traced (%s); drops "
			"there are named by rule counters\n",
			label, err);
}

struct rule_tracers *rule_tracers__start(const struct coverage *cov, const char *const *labels,
					 pid_t pid, const struct rule_mark *mark)
{
	struct rule_tracers *rt = calloc(1, sizeof(*rt));

	if (!rt)
		return NULL;
	rt->count = cov->count;
	for (int i = 0; i < cov->count; i++)
		start_one(rt, cov, i, labels[i], pid, mark);
	return rt;
}

int rule_tracers__traced_count(const struct rule_tracers *rt)
{
	int n = 0;

	for (int i = 0; rt && i < rt->count; i++)
		n += rt->nft[i] || rt->xt[i];
	return n;
}

int rule_tracers__nft_count(const struct rule_tracers *rt)
{
	int n = 0;

	for (int i = 0; rt && i < rt->count; i++)
		n += rt->nft[i] != NULL;
	return n;
}

int rule_tracers__xt_count(const struct rule_tracers *rt)
{
	int n = 0;

	for (int i = 0; rt && i < rt->count; i++)
		n += rt->xt[i] != NULL;
	return n;
}

int rule_tracers__drain(struct rule_tracers *rt, rule_event_fn fn, void *ctx)
{
	int total = 0, n, err = 0;

	for (int i = 0; rt && i < rt->count; i++) {
		n = nft_trace__read(rt->nft[i], fn, ctx);
		if (n < 0 && !err)
			err = n;
		total += n > 0 ? n : 0;
		n = rt->xt[i] ? xt_trace__read(rt->xt[i], fn, ctx) : 0;
		if (n < 0 && !err)
			err = n;
		total += n > 0 ? n : 0;
	}
	return err ? err : total;
}

unsigned long rule_tracers__lost(const struct rule_tracers *rt)
{
	unsigned long lost = 0;

	for (int i = 0; rt && i < rt->count; i++)
		lost += nft_trace__lost(rt->nft[i]) + (rt->xt[i] ? xt_trace__lost(rt->xt[i]) : 0);
	return lost;
}

void rule_tracers__stop(struct rule_tracers *rt)
{
	if (!rt)
		return;
	for (int i = 0; i < rt->count; i++) {
		nft_trace__stop(rt->nft[i]);
		xt_trace__stop(rt->xt[i]);
	}
	free(rt);
}

int rule_tracers__cleanup(const struct coverage *cov, const char *const *labels, bool verbose)
{
	int total = 0;

	for (int i = 0; i < cov->count; i++) {
		int nft = nft_trace__cleanup_dead(cov->paths[i]);
		int xt = xt_trace__wanted(cov->paths[i]) ? xt_trace__cleanup_dead(cov->paths[i]) :
							   0;

		if (nft > 0 || xt > 0 || verbose)
			printf("netns %s: %d nf_tables table%s and %d iptables-legacy rule%s "
			       "removed\n",
			       labels[i], nft > 0 ? nft : 0, nft == 1 ? "" : "s", xt > 0 ? xt : 0,
			       xt == 1 ? "" : "s");
		total += (nft > 0 ? nft : 0) + (xt > 0 ? xt : 0);
	}
	return total;
}

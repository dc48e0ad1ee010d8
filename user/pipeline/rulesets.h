/* SPDX-License-Identifier: GPL-2.0 */
/* The rules of each watched namespace, for naming them: a rule trace names a rule by its
 * handle or number, the namespace's ruleset says its text, place, comment and what it
 * does; without a trace, the rules' counters at the start and after a drop name the rules
 * that may have dropped it. */
#ifndef PIPELINE_RULESETS_H
#define PIPELINE_RULESETS_H

#include <stdbool.h>
#include <linux/types.h>
#include "host/rule_event.h"
#include "pipeline/rule_trail.h"

struct coverage;
struct rulesets;

/* counters: read every namespace's counters now, as the start (in a thread of its own).
 * NULL on ENOMEM. */
struct rulesets *rulesets__new(const struct coverage *cov, bool counters);
void rulesets__free(struct rulesets *rs);

/* Fills what the ruleset says of ev's rule into hit: index, text, comment, target, the
 * verdict (a reject where the trace says drop; the target's for iptables-legacy), and the
 * hook and priority of the base chain it was reached from. */
void rulesets__name(struct rulesets *rs, const struct rule_event *ev, struct rule_hit *hit);

/* rule_trail__candidates, for the trail. */
int rulesets__candidates(struct rulesets *rs, __u32 netns, __u8 pf, int hook, int from, int to,
			 __u64 drop_ns, struct rule_hit *out, int max);

#endif /* PIPELINE_RULESETS_H */

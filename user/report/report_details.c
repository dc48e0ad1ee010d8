// SPDX-License-Identifier: GPL-2.0
/* The words under a diagram: what each hop adds beyond its place (addresses, netfilter's
 * verdict, NAT, a route lookup, a BPF program's return, a rule), and the drop: where, why,
 * and who did it as far as the trace knows. */
#include <string.h>

#include "report/report.h"

/* What a hop adds beyond its place: the tuple, and what its hook decided or saw. */
void report__write_hop_details(FILE *f, const cJSON *hop)
{
	const cJSON *nf = mj__obj(hop, "nf"), *drop = mj__obj(hop, "drop");
	const cJSON *nat = mj__obj(hop, "nat"), *fib = mj__obj(hop, "fib");
	const cJSON *bpf = mj__obj(hop, "bpf"), *rule = mj__obj(hop, "rule");
	char buf[256];

	report_html__tuple(buf, sizeof(buf), mj__obj(hop, "tuple"));
	report_html__text(f, buf);
	if (drop) {
		fputs(buf[0] ? "; " : "", f);
		report_html__textf(f, "freed: %s at %s",
				   mj__str(drop, "reason") ? mj__str(drop, "reason") : "no reason",
				   mj__str(drop, "location") ? mj__str(drop, "location") : "?");
		if (mj__str(drop, "note"))
			report_html__textf(f, " (%s: not the packet's fate)",
					   mj__str(drop, "note"));
	}
	if (nf) {
		report_html__textf(f, "; netfilter %s %s: %s",
				   mj__str(nf, "family") ? mj__str(nf, "family") : "",
				   mj__str(nf, "hook") ? mj__str(nf, "hook") : "",
				   mj__str(nf, "verdict") ? mj__str(nf, "verdict") : "");
		if (mj__str(nf, "table"))
			report_html__textf(f, ", table %s", mj__str(nf, "table"));
	}
	if (nat) {
		char after[256];

		report_html__tuple(buf, sizeof(buf), mj__obj(nat, "before"));
		report_html__tuple(after, sizeof(after), mj__obj(nat, "after"));
		report_html__textf(f, "; %s: %s becomes %s",
				   mj__str(nat, "kind") ? mj__str(nat, "kind") : "nat", buf, after);
	}
	if (fib)
		report_html__textf(f, "; route lookup in table %lld: %s", mj__int(fib, "table", 0),
				   mj__int(fib, "err", 0) ? "no route" : "found");
	if (bpf)
		report_html__textf(f, "; BPF program %lld \"%s\" at %s returned %s",
				   mj__int(bpf, "prog_id", 0),
				   mj__str(bpf, "name") ? mj__str(bpf, "name") : "?",
				   mj__str(bpf, "attach") ? mj__str(bpf, "attach") : "?",
				   mj__str(bpf, "ret_name") ? mj__str(bpf, "ret_name") : "?");
	if (rule)
		report_html__textf(f, "; rule in chain %s: %s (%s)",
				   mj__str(rule, "chain") ? mj__str(rule, "chain") : "?",
				   mj__str(rule, "rule") ? mj__str(rule, "rule") : "(policy)",
				   mj__str(rule, "rule_verdict") ? mj__str(rule, "rule_verdict") :
								   "?");
}

static void detail(FILE *f, const char *term, const char *value)
{
	if (!value || !*value)
		return;
	fputs("<dt>", f);
	report_html__text(f, term);
	fputs("</dt><dd>", f);
	report_html__text(f, value);
	fputs("</dd>", f);
}

/* Without a rule trace, the rules whose counters rose (docs/rules.md): the likeliest. */
static void write_candidates(FILE *f, const cJSON *nf)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(nf, "candidates"), *c;
	int shown = 0;

	if (!cJSON_IsArray(list) || !cJSON_GetArraySize(list))
		return;
	fputs("<dt>rule (inferred)</dt><dd><ul class=\"candidates\">", f);
	cJSON_ArrayForEach(c, list)
	{
		if (shown++ == 3)
			break;
		fputs("<li>", f);
		report_html__textf(
			f, "chain %s rule #%lld: %s (counter rose by %lld%s)",
			mj__str(c, "chain") ?: "?", mj__int(c, "rule_index", 0),
			mj__str(c, "rule") ?: "(text not known)", mj__int(c, "rise", 0),
			cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "rise_equals_drops")) ?
				", as many as the drops seen there" :
				"");
		fputs("</li>", f);
	}
	fprintf(f, "</ul>%s</dd>",
		cJSON_GetArraySize(list) > 3 ? "and more (the trace file lists them all)" : "");
}

/* The failed check item that explains the drop (hoptrace check, with --check or in a
 * bundle), under the drop's details. */
void report__write_check_link(FILE *f, const cJSON *check)
{
	if (!check)
		return;
	fputs("<p class=\"check-explains\"><strong>The path check explains it:</strong> ", f);
	report_html__textf(f, "fail %s (%s): %s", mj__str(check, "item") ?: "?",
			   mj__str(check, "where") ?: "?", mj__str(check, "fact") ?: "");
	fputs("</p>\n", f);
}

/* The drop in words: where, why, and who (netfilter's table and rule, a BPF program). */
void report__write_drop_detail(FILE *f, const cJSON *drop)
{
	const cJSON *nf = mj__obj(drop, "nf"), *bpf = mj__obj(drop, "bpf");
	const cJSON *culprit = bpf ? mj__obj(bpf, "culprit") : NULL;
	const cJSON *qdisc = mj__obj(drop, "qdisc"), *owner = mj__obj(drop, "socket_owner");
	char buf[512];

	fputs("<dl class=\"drop-detail\">", f);
	detail(f, "reason", mj__str(drop, "reason") ? mj__str(drop, "reason") : "none given");
	detail(f, "in the kernel at", mj__str(drop, "location"));
	report_html__netns(buf, sizeof(buf), drop);
	detail(f, "namespace", buf);
	detail(f, "device", mj__str(drop, "ifname"));
	detail(f, "layer", mj__str(drop, "layer"));
	if (nf) {
		snprintf(buf, sizeof(buf), "%s %s, table %s", mj__str(nf, "family") ?: "?",
			 mj__str(nf, "hook") ?: "?", mj__str(nf, "table") ?: "not known");
		detail(f, "netfilter", buf);
		if (mj__str(nf, "chain")) {
			snprintf(buf, sizeof(buf), "%s%s%s", mj__str(nf, "rule_table") ?: "",
				 mj__str(nf, "rule_table") ? " / " : "", mj__str(nf, "chain"));
			detail(f, "chain", buf);
		}
		detail(f, "rule", mj__str(nf, "rule"));
		write_candidates(f, nf);
		detail(f, "comment", mj__str(nf, "comment"));
		detail(f, "owner", mj__str(nf, "owner"));
		detail(f, "hint", mj__str(drop, "hint"));
	}
	if (culprit) {
		snprintf(buf, sizeof(buf), "program %lld \"%s\" (%s)", mj__int(culprit, "id", 0),
			 mj__str(culprit, "name") ?: "?", mj__str(culprit, "attach") ?: "?");
		detail(f, "BPF program", buf);
	} else if (bpf) {
		snprintf(buf, sizeof(buf), "%s on %s: culprit not known (%s)",
			 mj__str(bpf, "attach") ?: "?", mj__str(bpf, "device") ?: "?",
			 mj__str(bpf, "how") ?: "?");
		detail(f, "BPF", buf);
	}
	if (bpf)
		detail(f, "BPF owner", mj__str(bpf, "owner"));
	if (qdisc) {
		snprintf(buf, sizeof(buf), "%s %s of %s, its drop counter rose by %lld",
			 mj__str(qdisc, "kind") ?: "?", mj__str(qdisc, "handle") ?: "?",
			 mj__str(qdisc, "device") ?: "?", mj__int(qdisc, "drops_rise", 0));
		detail(f, "queue", buf);
	}
	if (owner) {
		snprintf(buf, sizeof(buf), "pid %lld (%s)", mj__int(owner, "pid", 0),
			 mj__str(owner, "command") ?: "?");
		detail(f, "socket of", buf);
	}
	fputs("</dl>\n", f);
}

// SPDX-License-Identifier: GPL-2.0
/* The page: head (its style, and a Content-Security-Policy that forbids every fetch), then
 * the flows, those with a drop first, each path its packets took drawn once with its hops in
 * a table and its packets listed, then the trace's summary and what a bundle adds. */
#define _GNU_SOURCE /* qsort_r */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report/report.h"

static const char page_style[] =
	"body{font:14px/1.45 system-ui,sans-serif;color:#1b1f24;background:#fff;margin:0 auto;"
	"max-width:1200px;padding:16px}\n"
	"h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 6px;"
	"border-bottom:2px solid #d0d7de}h3{font-size:15px;margin:16px 0 4px}\n"
	".lead{color:#57606a;margin:0 0 12px}\n"
	"table{border-collapse:collapse;margin:6px 0 10px;font-size:13px}\n"
	"th,td{border:1px solid #d0d7de;padding:3px 7px;text-align:left;vertical-align:top}\n"
	"th{background:#f3f5f7}td.num{text-align:right;font-variant-numeric:tabular-nums;"
	"white-space:nowrap}td.nowrap{white-space:nowrap}\n"
	"code,.mono{font-family:ui-monospace,monospace;font-size:12px}\n"
	".flow{border:1px solid #d0d7de;border-radius:8px;padding:4px 14px 10px;margin:14px 0}\n"
	".flow.has-drop{border-color:#cf222e}\n"
	".pathblock{break-inside:avoid;page-break-inside:avoid}\n"
	".diagram{overflow-x:auto}svg.path{max-width:100%;height:auto}\n"
	".verdict{font-weight:600;margin:6px 0}.verdict.dropped{color:#a40e26}\n"
	".drop-detail{background:#fff5f5;border-left:4px solid #cf222e;padding:4px 10px;"
	"margin:6px 0}.drop-detail dt{font-weight:600;float:left;clear:left;width:9em}"
	".drop-detail dd{margin:0 0 2px 9.5em}\n"
	"tr.drop-hop td{background:#ffebe9}\n"
	".callout{color:#a40e26;font-weight:600}\n"
	"tr.unexplained td{background:#ffebe9}tr.check-fail td{background:#ffebe9}"
	"tr.check-warn td{background:#fff8c5}\n"
	".missing{color:#57606a;font-style:italic}\n"
	"svg .box{fill:#eef4fb;fill-opacity:.35;stroke:#6e7781;stroke-width:1.2}\n"
	"svg .box.dropsite{stroke:#cf222e;stroke-width:2.5;fill:#fff0f0}\n"
	"svg .row{fill:#fff;fill-opacity:.3;stroke:#d0d7de}svg .row.dropdev{fill:#ffd7d5;"
	"stroke:#cf222e}\n"
	"svg text{font:11px system-ui,sans-serif;fill:#1b1f24}svg .name{font-weight:700;"
	"font-size:12px}svg .sub{fill:#57606a}svg .devname{font-family:ui-monospace,monospace}\n"
	"svg .hop circle{fill:#fff;stroke:#0969da;stroke-width:1.5}svg .drop circle{fill:#cf222e;"
	"stroke:#82071e;stroke-width:2}\n"
	"svg .n{text-anchor:middle;font-size:10px}svg .drop .n{fill:#fff;font-weight:700}"
	"svg .t{text-anchor:middle;font-size:9px;fill:#57606a}\n"
	"svg line{stroke:#0969da;stroke-width:1.3}svg line.across{stroke-width:2}"
	"svg marker path{fill:#0969da}\n"
	"@media print{body{max-width:none;padding:0;font-size:11px}"
	".flow,.pathblock,table,svg{break-inside:avoid;page-break-inside:avoid}"
	"h2,h3{break-after:avoid;page-break-after:avoid}.diagram{overflow:visible}"
	"th{background:#eee}*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n";

struct flow_group {
	unsigned long long flow;
	int *parts; /* indexes into the input's parts, in trace order */
	int count;
	bool dropped;
};

struct path_group {
	unsigned long long key;
	int first; /* its first packet, drawn */
	int count;
};

/* The packet's fate, as hoptrace names fates (lower-case letters and '_'): it goes into
 * class names and headings unescaped, so anything else in a foreign file is "unknown". */
static const char *fate_of(const struct merge_part *p)
{
	const char *fate = mj__str(p->packet, "fate");
	size_t n = fate ? strspn(fate, "abcdefghijklmnopqrstuvwxyz_") : 0;

	return fate && n && n < 24 && !fate[n] ? fate : "unknown";
}

/* What makes two packets' paths the same drawing: where each hop was, the fate, the reason. */
static unsigned long long path_key(const struct merge_part *p)
{
	unsigned long long h = 1469598103934665603ULL;
	char netns[128];

	for (int i = 0; i < p->hop_count; i++) {
		const char *parts[3];

		report_html__netns(netns, sizeof(netns), p->hops[i].obj);
		parts[0] = netns;
		parts[1] = mj__str(p->hops[i].obj, "ifname");
		parts[2] = mj__str(p->hops[i].obj, "hook");
		for (int k = 0; k < 3; k++) {
			for (const char *s = parts[k] ? parts[k] : ""; *s; s++)
				h = (h ^ (unsigned char)*s) * 1099511628211ULL;
			h = (h ^ 0xff) * 1099511628211ULL;
		}
	}
	for (const char *s = fate_of(p); *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	/* Two drops at one place for two reasons are two stories. */
	h = (h ^ 0xff) * 1099511628211ULL;
	for (const char *s = mj__str(mj__obj(p->packet, "drop"), "reason") ?: ""; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static int cmp_flow_then_index(const void *a, const void *b, void *arg)
{
	const struct merge_input *in = arg;
	int x = *(const int *)a, y = *(const int *)b;
	unsigned long long fx = in->parts[x].flow, fy = in->parts[y].flow;

	if (fx != fy)
		return fx < fy ? -1 : 1;
	return x - y;
}

/* Flows with a drop first, then the others, each in the order the trace first saw them. */
static int cmp_flow_groups(const void *a, const void *b)
{
	const struct flow_group *x = a, *y = b;

	if (x->dropped != y->dropped)
		return x->dropped ? -1 : 1;
	return x->parts[0] - y->parts[0];
}

static struct flow_group *group_flows(const struct merge_input *in, int **order, int *count)
{
	struct flow_group *groups;
	int n = 0;

	*count = 0;
	*order = malloc(((size_t)in->part_count + 1) * sizeof(int));
	groups = calloc((size_t)in->part_count + 1, sizeof(*groups));
	if (!*order || !groups) {
		free(*order);
		free(groups);
		return NULL;
	}
	for (int i = 0; i < in->part_count; i++)
		(*order)[i] = i;
	qsort_r(*order, (size_t)in->part_count, sizeof(int), cmp_flow_then_index, (void *)in);
	for (int i = 0; i < in->part_count; i++) {
		const struct merge_part *p = &in->parts[(*order)[i]];

		if (!n || groups[n - 1].flow != p->flow)
			groups[n++] = (struct flow_group){ p->flow, &(*order)[i], 0, false };
		groups[n - 1].count++;
		if (!strcmp(fate_of(p), "dropped"))
			groups[n - 1].dropped = true;
	}
	qsort(groups, (size_t)n, sizeof(*groups), cmp_flow_groups);
	*count = n;
	return groups;
}

static void write_time(FILE *f, long long ts_ns)
{
	time_t s = (time_t)(ts_ns / 1000000000LL);
	struct tm tm;
	char buf[64];

	if (!gmtime_r(&s, &tm) || !strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm)) {
		fputs("?", f);
		return;
	}
	fprintf(f, "%s.%06lld UTC", buf, (ts_ns % 1000000000LL) / 1000);
}

static void write_hop_table(FILE *f, const struct merge_part *p, int drop_hop)
{
	fputs("<table class=\"hops\"><thead><tr><th>#</th><th>time (\xc2\xb5s)</th><th>netns</th>"
	      "<th>device</th><th>hook</th><th>layer</th><th>details</th></tr></thead><tbody>\n",
	      f);
	for (int i = 0; i < p->hop_count; i++) {
		const cJSON *hop = p->hops[i].obj;
		const cJSON *pod = mj__obj(hop, "pod");
		char netns[128];

		report_html__netns(netns, sizeof(netns), hop);
		fprintf(f,
			"<tr%s><td class=\"num\">%d</td><td class=\"num\">+%.1f</td><td "
			"class=\"nowrap\">",
			i == drop_hop ? " class=\"drop-hop\"" : "", i + 1,
			(double)(p->hops[i].ts_ns - p->hops[0].ts_ns) / 1000.0);
		report_html__text(f, netns);
		if (pod && mj__str(pod, "name"))
			report_html__textf(f, " (pod %s/%s)",
					   mj__str(pod, "namespace") ? mj__str(pod, "namespace") :
								       "?",
					   mj__str(pod, "name"));
		fputs("</td><td class=\"mono\">", f);
		report_html__text(f, mj__str(hop, "ifname"));
		if (mj__str(hop, "dev_kind"))
			report_html__textf(f, " (%s)", mj__str(hop, "dev_kind"));
		fputs("</td><td class=\"mono\">", f);
		report_html__text(f, mj__str(hop, "hook"));
		fputs("</td><td>", f);
		report_html__text(f, mj__str(hop, "layer"));
		fputs("</td><td>", f);
		report__write_hop_details(f, hop);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
}

static void write_verdict(FILE *f, const struct merge_part *p)
{
	const char *verdict = mj__str(p->packet, "verdict");

	fprintf(f, "<p class=\"verdict %s\">", fate_of(p));
	if (verdict)
		report_html__text(f, verdict);
	else
		report_html__textf(f, "%s (the trace gives no verdict line)", fate_of(p));
	fputs("</p>\n", f);
}

static void write_packet_row(FILE *f, const struct merge_part *p)
{
	fprintf(f, "<tr data-pkt=\"%llu\" data-fate=\"", p->pkt);
	report_html__text(f, fate_of(p));
	fprintf(f, "\"><td class=\"num\">%llu</td><td>", p->pkt);
	if (p->hop_count)
		write_time(f, p->hops[0].ts_ns);
	fputs("</td><td>", f);
	report_html__text(f, cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p->packet, "reply")) ?
				     "reply" :
				     "");
	fputs("</td><td>", f);
	report_html__text(f, fate_of(p));
	fprintf(f, "</td><td class=\"num\">%d</td></tr>\n", p->hop_count);
}

static int write_flow(FILE *f, const struct merge_input *in, const struct flow_group *g,
		      int *diagram_id)
{
	struct path_group paths[REPORT_MAX_PATHS];
	int path_count = 0, undrawn = 0, flow_listed = 0;
	const struct merge_part *first = &in->parts[g->parts[0]];
	struct report_layout *l = malloc(sizeof(*l));
	unsigned long long *keys = malloc((size_t)g->count * sizeof(*keys));
	char tuple[256];

	if (!l || !keys) {
		free(l);
		free(keys);
		return -ENOMEM;
	}
	for (int i = 0; i < g->count; i++) {
		unsigned long long key = keys[i] = path_key(&in->parts[g->parts[i]]);
		int k;

		for (k = 0; k < path_count && paths[k].key != key; k++)
			;
		if (k == path_count) {
			if (path_count == REPORT_MAX_PATHS) {
				undrawn++;
				continue;
			}
			paths[path_count++] = (struct path_group){ key, i, 0 };
		}
		paths[k].count++;
	}
	report_html__tuple(tuple, sizeof(tuple), mj__obj(first->packet, "flow_tuple"));
	/* A trace without the flow's tuple: the first the packet's hops saw. */
	for (int i = 0; !tuple[0] && i < first->hop_count; i++)
		report_html__tuple(tuple, sizeof(tuple), mj__obj(first->hops[i].obj, "tuple"));
	fprintf(f, "<section class=\"flow%s\" data-flow=\"%llu\">\n<h2>Flow %llu: ",
		g->dropped ? " has-drop" : "", g->flow, g->flow);
	report_html__text(f, tuple[0] ? tuple : "(no addresses seen)");
	fprintf(f, "</h2>\n<p class=\"lead\">%d packet%s, %d distinct path%s drawn.</p>\n",
		g->count, g->count == 1 ? "" : "s", path_count, path_count == 1 ? "" : "s");
	for (int k = 0; k < path_count; k++) {
		const struct merge_part *p = &in->parts[g->parts[paths[k].first]];
		const cJSON *drop = mj__obj(p->packet, "drop");
		int listed = 0;

		report_svg__layout(p, l);
		fprintf(f, "<div class=\"pathblock\">\n<h3>Path %d: %d packet%s, %s</h3>\n", k + 1,
			paths[k].count, paths[k].count == 1 ? "" : "s", fate_of(p));
		fputs("<div class=\"diagram\">", f);
		report_svg__write(l, p, (*diagram_id)++, f);
		fputs("</div>\n<p class=\"lead\">Boxes are network namespaces, rows their devices; "
		      "numbers are hops in order, under each its time in \xc2\xb5s since the "
		      "packet's first hop",
		      f);
		if (l->hops_left_out)
			fprintf(f, " (%d hops not drawn: see the table)", l->hops_left_out);
		fputs(".</p>\n", f);
		write_verdict(f, p);
		if (drop)
			report__write_drop_detail(f, drop);
		report__write_check_link(f, mj__obj(p->packet, "check"));
		write_hop_table(f, p, l->drop_mark >= 0 ? l->marks[l->drop_mark].hop : -1);
		fputs("<table class=\"packets\"><thead><tr><th>packet</th><th>first hop</th>"
		      "<th>direction</th><th>fate</th><th>hops</th></tr></thead><tbody>\n",
		      f);
		/* The flow's budget of rows, but each drawn path lists the packet it drew. */
		for (int i = paths[k].first;
		     i < g->count && (!listed || flow_listed < REPORT_MAX_PACKETS); i++) {
			if (keys[i] != paths[k].key)
				continue;
			write_packet_row(f, &in->parts[g->parts[i]]);
			listed++;
			flow_listed++;
		}
		fputs("</tbody></table>\n", f);
		if (listed < paths[k].count)
			fprintf(f,
				"<p class=\"more\">and %d more packets on this path, not listed.</p>\n",
				paths[k].count - listed);
		fputs("</div>\n", f);
	}
	if (undrawn)
		fprintf(f,
			"<p class=\"more\">%d more packet%s of this flow took other paths, not "
			"drawn (the trace file has them all).</p>\n",
			undrawn, undrawn == 1 ? "" : "s");
	fputs("</section>\n", f);
	free(l);
	free(keys);
	return 0;
}

static void write_head(FILE *f, const struct merge_input *in)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'; img-src data:\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta name=\"generator\" content=\"hoptrace " HOPTRACE_VERSION "\">\n<title>",
	      f);
	report_html__textf(f, "hoptrace report: %s", in->name ? in->name : "?");
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", page_style);
}

int report__write_page(const struct merge_input *in, const struct report_bundle *bundle, FILE *f)
{
	struct flow_group *groups;
	int *order = NULL, count, diagram_id = 0, dropped = 0;

	groups = group_flows(in, &order, &count);
	if (!groups)
		return -ENOMEM;
	for (int i = 0; i < count; i++)
		dropped += groups[i].dropped;
	write_head(f, in);
	fputs("<header><h1>", f);
	report_html__textf(f, "Packet trace of %s", in->name ? in->name : "?");
	fputs("</h1>\n<p class=\"lead\">", f);
	report_html__textf(f, "%d packet%s in %d flow%s; ", in->part_count,
			   in->part_count == 1 ? "" : "s", count, count == 1 ? "" : "s");
	if (dropped)
		fprintf(f, "%d flow%s with a drop, shown first.", dropped, dropped == 1 ? "" : "s");
	else
		fputs("no packet was dropped.", f);
	fputs(" Taken by hoptrace, which follows each packet through the kernel's network "
	      "namespaces and devices, and says where and why a packet was dropped.</p>\n</header>\n<main>\n",
	      f);
	if (bundle)
		report__write_bundle_glance(bundle, f);
	if (!count)
		fputs("<p class=\"missing\">The trace holds no packet.</p>\n", f);
	for (int i = 0; i < count && i < REPORT_MAX_FLOWS; i++) {
		int ret = write_flow(f, in, &groups[i], &diagram_id);

		if (ret) {
			free(groups);
			free(order);
			return ret;
		}
	}
	if (count > REPORT_MAX_FLOWS)
		fprintf(f, "<p class=\"more\">and %d more flows, not shown.</p>\n",
			count - REPORT_MAX_FLOWS);
	report__write_summary(in, f);
	if (bundle)
		report__write_bundle(bundle, f);
	fputs("</main>\n</body>\n</html>\n", f);
	free(groups);
	free(order);
	return ferror(f) ? -EIO : 0;
}

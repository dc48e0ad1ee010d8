// SPDX-License-Identifier: GPL-2.0
/* The trace's summary as the page's closing section: the packets by fate (counted from the
 * packets the file holds), where they were dropped (summary.drop_sites), and who took the
 * trace (summary.node). */
#include <string.h>
#include <time.h>

#include "report/report.h"

static const char *const fates[] = { "dropped", "delivered", "no_route", "unknown" };

static void write_fates(const struct merge_input *in, FILE *f)
{
	int counts[4] = { 0 }, other = 0;

	for (int i = 0; i < in->part_count; i++) {
		const char *fate = mj__str(in->parts[i].packet, "fate");
		size_t k;

		for (k = 0; k < 4 && (!fate || strcmp(fate, fates[k])); k++)
			;
		if (k < 4)
			counts[k]++;
		else
			other++;
	}
	fputs("<h3>Packets by fate</h3>\n<table class=\"fates\"><tbody>\n", f);
	for (int k = 0; k < 4; k++)
		fprintf(f,
			"<tr data-fate=\"%s\"><td>%s</td><td class=\"num fate-count\">%d</td></tr>\n",
			fates[k], fates[k], counts[k]);
	if (other)
		fprintf(f, "<tr data-fate=\"other\"><td>other</td><td class=\"num\">%d</td></tr>\n",
			other);
	fprintf(f, "<tr><th>packets</th><th class=\"num\">%d</th></tr>\n</tbody></table>\n",
		in->part_count);
}

static void write_drop_sites(const struct merge_input *in, FILE *f)
{
	const cJSON *sites = cJSON_GetObjectItemCaseSensitive(in->summary, "drop_sites");
	const cJSON *site;

	fputs("<h3>Drop sites</h3>\n", f);
	if (!cJSON_IsArray(sites) || !cJSON_GetArraySize(sites)) {
		fputs("<p class=\"missing\">No packet was dropped.</p>\n", f);
		return;
	}
	fputs("<table class=\"drop-sites\"><thead><tr><th>reason</th><th>location</th>"
	      "<th>packets</th></tr></thead><tbody>\n",
	      f);
	cJSON_ArrayForEach(site, sites)
	{
		fputs("<tr><td>", f);
		report_html__text(f, mj__str(site, "reason") ?: "(none given)");
		fputs("</td><td class=\"mono\">", f);
		report_html__text(f, mj__str(site, "location"));
		fprintf(f, "</td><td class=\"num\">%lld</td></tr>\n", mj__int(site, "count", 0));
	}
	fputs("</tbody></table>\n", f);
}

static void write_clock(FILE *f, const char *term, const cJSON *clock)
{
	long long ns = clock ? mj__int(clock, "real_ns", 0) : 0;
	time_t s = (time_t)(ns / 1000000000LL);
	struct tm tm;
	char buf[64];

	if (!ns || !gmtime_r(&s, &tm) || !strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm))
		return;
	fprintf(f, "<tr><th>%s</th><td>%s</td></tr>\n", term, buf);
}

static void write_node(const struct merge_input *in, FILE *f)
{
	const char *rows[][2] = { { "node", in->name },
				  { "host name", in->hostname },
				  { "kernel", in->kernel },
				  { "boot id", in->boot_id } };

	fputs("<h3>Who took the trace</h3>\n<table class=\"node\"><tbody>\n", f);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (!rows[i][1])
			continue;
		fprintf(f, "<tr><th>%s</th><td>", rows[i][0]);
		report_html__text(f, rows[i][1]);
		fputs("</td></tr>\n", f);
	}
	write_clock(f, "started", mj__obj(in->node, "clock_start"));
	write_clock(f, "ended", mj__obj(in->node, "clock_end"));
	fprintf(f, "<tr><th>events lost</th><td>%lld</td></tr>\n",
		mj__int(in->summary, "lost_events", 0));
	fputs("</tbody></table>\n", f);
}

void report__write_summary(const struct merge_input *in, FILE *f)
{
	fputs("<section class=\"summary\">\n<h2>Summary</h2>\n", f);
	write_fates(in, f);
	write_drop_sites(in, f);
	write_node(in, f);
	fputs("</section>\n", f);
}

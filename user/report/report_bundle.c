// SPDX-License-Identifier: GPL-2.0
/* A bundle's files beside its trace: counters.json (counter rises, some no hook explained),
 * check.json (the checks run on the node) and manifest.json (what was collected). Each is
 * optional: the page says when one is absent. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

#define BUNDLE_FILE_MAX (64 << 20)

/* A JSON object from dir/name: 0 with *out NULL when absent, -1 with err set when bad. */
static int read_object(const char *dir, const char *name, cJSON **out, char *err, size_t errlen)
{
	char path[4096], *text = NULL;
	size_t len = 0, got;
	FILE *f;

	*out = NULL;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "re");
	if (!f) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", name, strerror(errno));
		return -1;
	}
	do {
		char *n = realloc(text, len + 65536);

		if (!n) {
			free(text);
			fclose(f);
			snprintf(err, errlen, "%s: %s", name, strerror(ENOMEM));
			return -1;
		}
		text = n;
		got = fread(text + len, 1, 65536, f);
		len += got;
	} while (got && len < BUNDLE_FILE_MAX);
	fclose(f);
	*out = cJSON_ParseWithLength(text, len);
	free(text);
	if (!cJSON_IsObject(*out)) {
		cJSON_Delete(*out);
		*out = NULL;
		snprintf(err, errlen, "%s: not a JSON object", name);
		return -1;
	}
	return 0;
}

int report_bundle__load(const char *dir, struct report_bundle *b, char *err, size_t errlen)
{
	memset(b, 0, sizeof(*b));
	if (read_object(dir, "manifest.json", &b->manifest, err, errlen) ||
	    read_object(dir, "counters.json", &b->counters, err, errlen) ||
	    read_object(dir, "check.json", &b->checks, err, errlen)) {
		report_bundle__free(b);
		return -1;
	}
	return 0;
}

void report_bundle__free(struct report_bundle *b)
{
	cJSON_Delete(b->manifest);
	cJSON_Delete(b->counters);
	cJSON_Delete(b->checks);
	memset(b, 0, sizeof(*b));
}

/* A member as table text: strings as they are, numbers and the rest as JSON. */
static void cell(FILE *f, const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char *text;

	if (!v || cJSON_IsNull(v))
		return;
	if (cJSON_IsString(v)) {
		report_html__text(f, v->valuestring);
		return;
	}
	text = cJSON_PrintUnformatted(v);
	report_html__text(f, text);
	free(text);
}

static void write_rises(const cJSON *counters, FILE *f)
{
	static const char *const cols[] = { "netns", "kind",	     "name",	   "device",
					    "rise",  "traced_drops", "unexplained" };
	static const char *const heads[] = { "netns", "kind",	      "counter",   "device",
					     "rise",  "drops traced", "not traced" };
	const cJSON *rises = cJSON_GetObjectItemCaseSensitive(counters, "rises"), *r;
	int unexplained = 0;

	fputs("<h3>Counter rises</h3>\n", f);
	if (!counters) {
		fputs("<p class=\"missing\">The bundle has no counters.json: no counter was read.</p>\n",
		      f);
		return;
	}
	if (!cJSON_IsArray(rises) || !cJSON_GetArraySize(rises)) {
		fputs("<p class=\"missing\">No drop counter rose during the trace.</p>\n", f);
		return;
	}
	cJSON_ArrayForEach(r, rises) unexplained += mj__int(r, "unexplained", 0) > 0;
	if (unexplained)
		fprintf(f,
			"<p class=\"callout\">%d counter%s rose by more than the drops the trace saw "
			"there: a drop no hook saw.</p>\n",
			unexplained, unexplained == 1 ? "" : "s");
	fputs("<table class=\"rises\"><thead><tr>", f);
	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		fprintf(f, "<th>%s</th>", heads[i]);
	fputs("<th>period</th><th></th></tr></thead><tbody>\n", f);
	cJSON_ArrayForEach(r, rises)
	{
		bool bad = mj__int(r, "unexplained", 0) > 0;

		fputs(bad ? "<tr class=\"unexplained\">" : "<tr>", f);
		for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
			fputs(i >= 4 ? "<td class=\"num\">" : "<td>", f);
			cell(f, r, cols[i]);
			fputs("</td>", f);
		}
		fputs("<td>", f);
		cell(f, r, "start");
		fputs(" \xe2\x80\x93 ", f);
		cell(f, r, "end");
		fprintf(f, "</td><td>%s</td></tr>\n", bad ? "a drop no hook saw" : "");
	}
	fputs("</tbody></table>\n", f);
}

static void write_checks(const cJSON *checks, FILE *f)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(checks, "checks"), *c;

	fputs("<h3>Checks</h3>\n", f);
	if (!checks) {
		fputs("<p class=\"missing\">The bundle has no check.json: no check was run.</p>\n",
		      f);
		return;
	}
	if (!cJSON_IsArray(list) || !cJSON_GetArraySize(list)) {
		fputs("<p class=\"missing\">check.json lists no check.</p>\n", f);
		return;
	}
	fputs("<table class=\"checks\"><thead><tr><th>status</th><th>layer</th><th>item</th>"
	      "<th>fact</th><th>explains the drop</th></tr></thead><tbody>\n",
	      f);
	cJSON_ArrayForEach(c, list)
	{
		const char *status = mj__str(c, "status") ?: "?";
		bool known = !strcmp(status, "ok") || !strcmp(status, "warn") ||
			     !strcmp(status, "fail");

		fprintf(f, "<tr class=\"check check-%s\" data-status=\"", known ? status : "other");
		report_html__text(f, status);
		fputs("\"><td>", f);
		report_html__text(f, status);
		fputs("</td><td>", f);
		cell(f, c, "layer");
		fputs("</td><td>", f);
		cell(f, c, "item");
		fputs("</td><td class=\"fact\">", f);
		cell(f, c, "fact");
		fprintf(f, "</td><td>%s</td></tr>\n",
			cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "explains_drop")) ? "yes" :
											     "");
	}
	fputs("</tbody></table>\n", f);
}

static void write_manifest(const cJSON *manifest, FILE *f)
{
	const cJSON *m;

	fputs("<h3>Bundle manifest</h3>\n", f);
	if (!manifest) {
		fputs("<p class=\"missing\">The bundle has no manifest.json.</p>\n", f);
		return;
	}
	fputs("<table class=\"manifest\"><tbody>\n", f);
	cJSON_ArrayForEach(m, manifest)
	{
		char *text = cJSON_IsString(m) ? NULL : cJSON_PrintUnformatted(m);

		fputs("<tr><th>", f);
		report_html__text(f, m->string);
		fputs("</th><td class=\"mono\">", f);
		report_html__text_cut(f, text ? text : m->valuestring, 400);
		fputs("</td></tr>\n", f);
		free(text);
	}
	fputs("</tbody></table>\n", f);
}

void report__write_bundle(const struct report_bundle *b, FILE *f)
{
	fputs("<section class=\"bundle\" id=\"bundle\">\n<h2>What the bundle adds</h2>\n", f);
	write_rises(b->counters, f);
	write_checks(b->checks, f);
	write_manifest(b->manifest, f);
	fputs("</section>\n", f);
}

void report__write_bundle_glance(const struct report_bundle *b, FILE *f)
{
	const cJSON *rises = cJSON_GetObjectItemCaseSensitive(b->counters, "rises");
	const cJSON *checks = cJSON_GetObjectItemCaseSensitive(b->checks, "checks"), *e;
	int unexplained = 0, failed = 0;

	if (!cJSON_IsArray(rises))
		rises = NULL;
	if (!cJSON_IsArray(checks))
		checks = NULL;
	cJSON_ArrayForEach(e, rises) unexplained += mj__int(e, "unexplained", 0) > 0;
	cJSON_ArrayForEach(e, checks)
		failed += mj__str(e, "status") && !strcmp(mj__str(e, "status"), "fail");
	if (!unexplained && !failed)
		return;
	fputs("<p class=\"callout glance\">The bundle adds", f);
	if (unexplained)
		fprintf(f, " %d counter rise%s no hook saw (drops not in this trace)", unexplained,
			unexplained == 1 ? "" : "s");
	if (failed)
		fprintf(f, "%s %d failed check%s", unexplained ? " and" : "", failed,
			failed == 1 ? "" : "s");
	fputs(": see <a href=\"#bundle\">What the bundle adds</a>.</p>\n", f);
}

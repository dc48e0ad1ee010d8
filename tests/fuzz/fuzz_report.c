// SPDX-License-Identifier: GPL-2.0
/* Fuzzes hoptrace report's page on arbitrary input: split at 0xff bytes into a trace (loaded
 * as merge loads it), a counters.json and a check.json. The page must be whole, and no text
 * of the input may become markup: every '<' of the page opens or closes an element the page
 * writer itself emits. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "report/report.h"

static const char *const page_tags[] = {
	"!DOCTYPE", "html", "head", "meta", "title",   "style",	 "body",  "header", "h1",
	"h2",	    "h3",   "p",    "main", "section", "div",	 "svg",	  "defs",   "marker",
	"path",	    "g",    "rect", "text", "line",    "circle", "table", "thead",  "tbody",
	"tr",	    "th",   "td",   "dl",   "dt",      "dd",	 "ul",	  "li",	    "a",
};

static void check_markup(const char *page, size_t len)
{
	const char *end = page + len;

	for (const char *p = memchr(page, '<', len); p;
	     p = memchr(p + 1, '<', (size_t)(end - p - 1))) {
		const char *name = p + 1 + (p + 1 < end && p[1] == '/');
		size_t n = strspn(name, "!DOCTYPEabcdefghijklmnopqrstuvwxyz0123456789");
		bool known = false;

		for (size_t i = 0; i < sizeof(page_tags) / sizeof(page_tags[0]); i++)
			known |= strlen(page_tags[i]) == n && !strncmp(name, page_tags[i], n);
		FUZZ_CHECK(known && (name[n] == '>' || name[n] == ' '));
		if (p + 1 >= end)
			break;
	}
}

/* The bytes up to the next 0xff (or the end), and where the next piece starts. */
static const uint8_t *piece(const uint8_t *data, const uint8_t *end, size_t *len)
{
	const uint8_t *cut = memchr(data, 0xff, (size_t)(end - data));

	*len = (size_t)((cut ? cut : end) - data);
	return cut ? cut + 1 : end;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *end = data + size, *next, *counters, *checks;
	struct report_bundle bundle = { 0 };
	struct merge_input in = { 0 };
	size_t len, counters_len, checks_len, page_len = 0;
	char path[64], err[512], *page = NULL, *text;
	FILE *mem;
	int fd, ret;

	next = piece(data, end, &len);
	counters = next;
	next = piece(counters, end, &counters_len);
	checks = next;
	piece(checks, end, &checks_len);
	fd = memfd_create("trace", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (len && write(fd, data, len) != (ssize_t)len) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	in.path = path;
	in.objects = true;
	err[0] = 0;
	if (merge_input__load(&in, err, sizeof(err))) {
		FUZZ_CHECK(err[0] && !strchr(err, '\n'));
		goto out;
	}
	text = strndup((const char *)counters, counters_len);
	bundle.counters = text ? cJSON_Parse(text) : NULL;
	free(text);
	text = strndup((const char *)checks, checks_len);
	bundle.checks = text ? cJSON_Parse(text) : NULL;
	free(text);
	mem = open_memstream(&page, &page_len);
	if (!mem)
		goto out;
	ret = report__write_page(&in, counters_len || checks_len ? &bundle : NULL, mem);
	fclose(mem);
	if (!ret) {
		FUZZ_CHECK(page_len > 16 && !strcmp(page + page_len - 8, "</html>\n"));
		FUZZ_CHECK(strlen(page) == page_len);
		check_markup(page, page_len);
	}
out:
	free(page);
	report_bundle__free(&bundle);
	merge_input__free(&in);
	close(fd);
	return 0;
}

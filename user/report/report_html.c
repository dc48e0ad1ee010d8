// SPDX-License-Identifier: GPL-2.0
/* Escaping and the small phrases the page repeats. Every string of the page that came from a
 * trace file passes through report_html__text: names are whatever the file says. */
#define _GNU_SOURCE /* vasprintf */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "util/appendf.h"

static void put_escaped(FILE *f, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			/* Controls are parse errors in HTML; keep the place visible. */
			if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
				fputs("\xef\xbf\xbd", f);
			else
				fputc(c, f);
		}
	}
}

void report_html__text(FILE *f, const char *s)
{
	if (s)
		put_escaped(f, s, strlen(s));
}

void report_html__text_cut(FILE *f, const char *s, size_t max)
{
	size_t chars = 0, i;

	if (!s)
		return;
	/* Count characters, not bytes: a cut never splits a UTF-8 sequence. */
	for (i = 0; s[i]; i++) {
		if (((unsigned char)s[i] & 0xc0) == 0x80)
			continue;
		if (chars == max)
			break;
		chars++;
	}
	if (!s[i]) {
		put_escaped(f, s, i);
		return;
	}
	/* Room for the ellipsis: drop the last character kept. */
	while (i > 0 && ((unsigned char)s[--i] & 0xc0) == 0x80)
		;
	put_escaped(f, s, i);
	fputs("\xe2\x80\xa6", f);
}

void report_html__textf(FILE *f, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n >= 0) {
		put_escaped(f, s, (size_t)n);
		free(s);
	}
}

static void port_of(char *buf, size_t size, const cJSON *tuple, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(tuple, key);

	if (cJSON_IsNumber(v))
		appendf(buf, size, ":%d", v->valueint);
}

void report_html__tuple(char *buf, size_t size, const cJSON *tuple)
{
	const cJSON *proto = cJSON_GetObjectItemCaseSensitive(tuple, "proto");
	const char *src = mj__str(tuple, "src"), *dst = mj__str(tuple, "dst");
	const char *family = mj__str(tuple, "family");
	bool v6 = family && !strcmp(family, "ipv6");

	buf[0] = '\0';
	if (!tuple)
		return;
	if (cJSON_IsString(proto))
		appendf(buf, size, "%s ", proto->valuestring);
	else if (cJSON_IsNumber(proto))
		appendf(buf, size, "proto %d ", proto->valueint);
	/* IPv6 addresses take brackets before a port, as in URLs. */
	appendf(buf, size, v6 ? "[%s]" : "%s", src ? src : "?");
	port_of(buf, size, tuple, "sport");
	appendf(buf, size, v6 ? " \xe2\x86\x92 [%s]" : " \xe2\x86\x92 %s", dst ? dst : "?");
	port_of(buf, size, tuple, "dport");
}

void report_html__netns(char *buf, size_t size, const cJSON *hop)
{
	const char *name = mj__str(hop, "netns_name");
	long long ino = mj__int(hop, "netns", 0);

	if (name && *name)
		snprintf(buf, size, "%s", name);
	else if (ino)
		snprintf(buf, size, "netns:%lld", ino);
	else
		snprintf(buf, size, "?");
}

// SPDX-License-Identifier: GPL-2.0
/* A streaming, compact JSON writer: RFC 8259 escaping, invalid UTF-8 replaced by U+FFFD.
 * It writes with stdio's unlocked calls: a record is tens of small writes, and taking the
 * stream's lock for each was a quarter of the reader's time with --json. A stream has one
 * writer at a time in hoptrace (the thread that owns the sink or the file). */
#define _GNU_SOURCE
#include "util/json_writer.h"

#include <stdio.h>
#include <string.h>

void json__init(struct json_writer *w, FILE *f)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
}

/* Returns the length of the valid UTF-8 sequence at s, or minus the length of the invalid
 * prefix that one U+FFFD replaces (Unicode's "maximal subpart" practice, so a truncated
 * character costs one replacement, not one per byte). Overlongs and surrogates are invalid. */
static int utf8__seq_len(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;
	int need, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 1;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 2;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 3;
	else
		return -1;

	if (s[0] == 0xe0)
		lo = 0xa0; /* overlong */
	else if (s[0] == 0xed)
		hi = 0x9f; /* UTF-16 surrogates */
	else if (s[0] == 0xf0)
		lo = 0x90; /* overlong */
	else if (s[0] == 0xf4)
		hi = 0x8f; /* above U+10FFFF */

	/* The terminating NUL fails the range check, so this never reads past the string. */
	for (i = 1; i <= need; i++) {
		if (s[i] < lo || s[i] > hi)
			return -i;
		lo = 0x80;
		hi = 0xbf;
	}
	return need + 1;
}

static void json__escape_ascii(FILE *f, unsigned char c)
{
	switch (c) {
	case '"':
		fputs_unlocked("\\\"", f);
		break;
	case '\\':
		fputs_unlocked("\\\\", f);
		break;
	case '\b':
		fputs_unlocked("\\b", f);
		break;
	case '\f':
		fputs_unlocked("\\f", f);
		break;
	case '\n':
		fputs_unlocked("\\n", f);
		break;
	case '\r':
		fputs_unlocked("\\r", f);
		break;
	case '\t':
		fputs_unlocked("\\t", f);
		break;
	default:
		if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc_unlocked(c, f);
	}
}

/* Printable ASCII other than quote and backslash goes out as is. */
static bool json__plain(unsigned char c)
{
	return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

static void json__quoted(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t run;
	int n;

	fputc_unlocked('"', f);
	while (*s) {
		/* Names and addresses are plain ASCII: write runs, not characters. */
		for (run = 0; json__plain(s[run]); run++)
			;
		if (run) {
			fwrite_unlocked(s, 1, run, f);
			s += run;
			continue;
		}
		n = utf8__seq_len(s);
		if (n == 1) {
			json__escape_ascii(f, *s);
		} else if (n > 1) {
			fwrite_unlocked(s, 1, n, f);
		} else {
			fputs_unlocked("\\ufffd", f);
			n = -n;
		}
		s += n;
	}
	fputc_unlocked('"', f);
}

/* Levels past the last slot share it: output stays balanced, only their commas may be off. */
static bool *json__comma_slot(struct json_writer *w)
{
	int depth = w->depth < JSON_MAX_DEPTH ? w->depth : JSON_MAX_DEPTH - 1;

	return &w->need_comma[depth];
}

/* Room for what precedes a value whose key is plain and short, and an integer. */
#define MEMBER_BUF 96
#define PLAIN_KEY_MAX 64

/* What precedes every value (the comma after a sibling, then "key": inside objects) into
 * buf, when the key needs no escape: one write per member, not four. Returns its length,
 * or -1 (nothing done) for a key to escape. */
static int json__member_to(struct json_writer *w, const char *key, char *buf)
{
	bool *need_comma = json__comma_slot(w);
	size_t len = 0;
	int n = 0;

	if (key) {
		for (len = 0; len < PLAIN_KEY_MAX && json__plain((unsigned char)key[len]); len++)
			;
		if (key[len])
			return -1;
	}
	if (*need_comma)
		buf[n++] = ',';
	*need_comma = true;
	if (key) {
		buf[n++] = '"';
		memcpy(buf + n, key, len);
		n += (int)len;
		buf[n++] = '"';
		buf[n++] = ':';
	}
	return n;
}

/* Writes what precedes every value: the comma after a sibling, then "key": inside objects. */
static void json__member(struct json_writer *w, const char *key)
{
	char buf[MEMBER_BUF];
	int n = json__member_to(w, key, buf);
	bool *need_comma;

	if (n >= 0) {
		fwrite_unlocked(buf, 1, (size_t)n, w->f);
		return;
	}
	need_comma = json__comma_slot(w);
	if (*need_comma)
		fputc_unlocked(',', w->f);
	*need_comma = true;
	json__quoted(w->f, key);
	fputc_unlocked(':', w->f);
}

/* A member holding an integer, in one write where the key allows (printf costs more than
 * the rest of the member). */
static void json__integer(struct json_writer *w, const char *key, unsigned long long v,
			  bool negative)
{
	char buf[MEMBER_BUF], digits[24];
	int n = json__member_to(w, key, buf), d = sizeof(digits);

	do {
		digits[--d] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (negative)
		digits[--d] = '-';
	if (n < 0) {
		json__member(w, key);
		n = 0;
	}
	memcpy(buf + n, digits + d, sizeof(digits) - (size_t)d);
	n += (int)sizeof(digits) - d;
	fwrite_unlocked(buf, 1, (size_t)n, w->f);
}

static void json__open(struct json_writer *w, const char *key, char bracket)
{
	json__member(w, key);
	fputc_unlocked(bracket, w->f);
	w->depth++;
	*json__comma_slot(w) = false;
}

static void json__close(struct json_writer *w, char bracket)
{
	fputc_unlocked(bracket, w->f);
	if (w->depth > 0)
		w->depth--;
}

void json__object_begin(struct json_writer *w, const char *key)
{
	json__open(w, key, '{');
}

void json__object_end(struct json_writer *w)
{
	json__close(w, '}');
}

void json__array_begin(struct json_writer *w, const char *key)
{
	json__open(w, key, '[');
}

void json__array_end(struct json_writer *w)
{
	json__close(w, ']');
}

/* A plain string's room: most names, addresses and hooks fit. */
#define PLAIN_VALUE_MAX 128

void json__string(struct json_writer *w, const char *key, const char *s)
{
	char buf[MEMBER_BUF + PLAIN_VALUE_MAX + 2];
	size_t len = 0;
	int n;

	if (s) {
		for (len = 0; len < PLAIN_VALUE_MAX && json__plain((unsigned char)s[len]); len++)
			;
		/* The member in one write when the string needs no escape. */
		if (!s[len] && (n = json__member_to(w, key, buf)) >= 0) {
			buf[n++] = '"';
			memcpy(buf + n, s, len);
			n += (int)len;
			buf[n++] = '"';
			fwrite_unlocked(buf, 1, (size_t)n, w->f);
			return;
		}
	}
	json__member(w, key);
	if (s)
		json__quoted(w->f, s);
	else
		fputs_unlocked("null", w->f);
}

void json__uint(struct json_writer *w, const char *key, unsigned long long v)
{
	json__integer(w, key, v, false);
}

void json__int(struct json_writer *w, const char *key, long long v)
{
	/* The magnitude of LLONG_MIN too, in unsigned arithmetic. */
	json__integer(w, key, v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v, v < 0);
}

void json__bool(struct json_writer *w, const char *key, bool v)
{
	json__member(w, key);
	fputs_unlocked(v ? "true" : "false", w->f);
}

void json__null(struct json_writer *w, const char *key)
{
	json__member(w, key);
	fputs_unlocked("null", w->f);
}

void json__newline(struct json_writer *w)
{
	fputc_unlocked('\n', w->f);
	w->depth = 0;
	w->need_comma[0] = false;
}

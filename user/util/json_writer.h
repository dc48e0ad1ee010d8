/* SPDX-License-Identifier: GPL-2.0 */
/* A streaming, compact JSON writer for hoptrace's JSON Lines output. */
#ifndef HOPTRACE_JSON_H
#define HOPTRACE_JSON_H

#include <stdbool.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

/* Writer state: the stream and, per nesting level, whether a comma must precede the next
 * member. Nesting deeper than JSON_MAX_DEPTH - 1 levels is unsupported. */
struct json_writer {
	FILE *f;
	int depth;
	bool need_comma[JSON_MAX_DEPTH];
};

/* Starts a writer on f; nothing is written until the first value. */
void json__init(struct json_writer *w, FILE *f);

/* Opens an object; key names the member, or is NULL at top level and inside arrays.
 * The same convention holds for every function below that takes a key. */
void json__object_begin(struct json_writer *w, const char *key);

/* Closes the innermost object. */
void json__object_end(struct json_writer *w);

/* Opens an array. */
void json__array_begin(struct json_writer *w, const char *key);

/* Closes the innermost array. */
void json__array_end(struct json_writer *w);

/* Writes s as an escaped string (invalid UTF-8 becomes U+FFFD), or null when s is NULL. */
void json__string(struct json_writer *w, const char *key, const char *s);

/* Writes an unsigned integer. */
void json__uint(struct json_writer *w, const char *key, unsigned long long v);

/* Writes a signed integer. */
void json__int(struct json_writer *w, const char *key, long long v);

/* Writes true or false. */
void json__bool(struct json_writer *w, const char *key, bool v);

/* Writes null. */
void json__null(struct json_writer *w, const char *key);

/* Ends one JSON Lines record and resets the writer for the next one. */
void json__newline(struct json_writer *w);

#endif /* HOPTRACE_JSON_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* What loading a trace needs of each hop and packet line, read from its text without a
 * tree (merge/line_scan.c), or from its cJSON tree when the scan leaves the line to cJSON. */
#ifndef MERGE_LINE_SCAN_H
#define MERGE_LINE_SCAN_H

#include <stdbool.h>
#include <stddef.h>

/* A string member's text in the line (not NUL-terminated); s NULL when it is no string. */
struct merge_span {
	const char *s;
	size_t len;
};

struct merge_line {
	struct merge_span type, hook, fate;
	bool has_pkt, has_flow, has_ts; /* each a number */
	double pkt, flow, ts;
	bool has_key; /* key: the hop's join key (merge__hop_key) */
	char key[512];
};

/**
 * merge_line__scan() - the members loading needs, from a line's text
 *
 * Return: 0, or -1 when the line is cJSON's to parse (anything the scan is not sure of,
 * any line cJSON would refuse among them).
 */
int merge_line__scan(const char *line, size_t len, struct merge_line *out);

/**
 * merge_line__subset() - an object of some members of a line (a hop's or a packet's)
 * @names: the members wanted, at most 16; each is its line's first of the name, parsed as
 *         cJSON parsed it in the line
 *
 * A tree of the few members a writer reads costs a fraction of the whole line's.
 * Return: the object, to cJSON_Delete(); NULL when the line is cJSON's to parse whole (or
 * out of memory).
 */
struct cJSON;
struct cJSON *merge_line__subset(const char *text, size_t len, const char *const *names,
				 size_t count);

/* A member to set, its value as cJSON prints it. */
struct merge_member {
	const char *name;
	const char *json;
};

/**
 * merge_line__set() - a line as cJSON_PrintUnformatted() prints it once the members `set`
 *                     (at most 8) are replaced (the first of each name) or added (at its end)
 *
 * Without parsing the line when what it holds is printed as it is written (no blanks,
 * numbers as cJSON prints them, as hoptrace writes them).
 * Return: the text to free, or NULL when the line is cJSON's to parse and print (or out of
 * memory).
 */
char *merge_line__set(const char *text, size_t len, const struct merge_member *set, size_t count);

/* The members a join key is made of, in its order. */
#define MERGE_KEY_TUPLE_FIELDS 6
#define MERGE_KEY_IDENT_FIELDS 5
extern const char *const merge_key__tuple[MERGE_KEY_TUPLE_FIELDS];
extern const char *const merge_key__ident[MERGE_KEY_IDENT_FIELDS];

/* Appends one member's value and '|' to a key of *n bytes: a string as it is, a number as
 * %.17g writes it, anything else (kind 0: absent) as "-". *n grows past size when it does
 * not fit. */
void merge_key__append(char *buf, size_t *n, size_t size, char kind, const char *s, size_t len,
		       double num);

#endif /* MERGE_LINE_SCAN_H */

// SPDX-License-Identifier: GPL-2.0
/* The check report as text (a line per item) and as JSON (the bundle's check.json). */
#include <stdio.h>

#include "check/check.h"
#include "util/json_writer.h"

void check__write_text(const struct check_report *r, FILE *f)
{
	for (int i = 0; i < r->count; i++) {
		const struct check_line *l = &r->lines[i];

		fprintf(f, "%-4s  %-10s %-24s %-16s %s\n", check__status_name(l->status), l->layer,
			l->item, l->where, l->fact);
	}
	fprintf(f, "check: %d ok, %d warn, %d fail\n", check__count(r, CHECK_OK),
		check__count(r, CHECK_WARN), check__count(r, CHECK_FAIL));
}

void check__json_object(struct json_writer *wp, const char *key, const struct check_report *r)
{
	struct json_writer *w = wp;

	json__object_begin(w, key);
	json__string(w, "pod", r->pod.addr);
	json__string(w, "peer", r->has_peer ? r->peer.addr : NULL);
	json__array_begin(w, "checks");
	for (int i = 0; i < r->count; i++) {
		const struct check_line *l = &r->lines[i];

		json__object_begin(w, NULL);
		json__string(w, "layer", l->layer);
		json__string(w, "item", l->item);
		json__string(w, "where", l->where);
		json__string(w, "status", check__status_name(l->status));
		json__string(w, "fact", l->fact);
		json__object_end(w);
	}
	json__array_end(w);
	json__uint(w, "ok", (unsigned)check__count(r, CHECK_OK));
	json__uint(w, "warn", (unsigned)check__count(r, CHECK_WARN));
	json__uint(w, "fail", (unsigned)check__count(r, CHECK_FAIL));
	json__object_end(w);
}

void check__write_json(const struct check_report *r, FILE *f)
{
	struct json_writer w;

	json__init(&w, f);
	check__json_object(&w, NULL, r);
	json__newline(&w);
}

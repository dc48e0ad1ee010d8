/* SPDX-License-Identifier: GPL-2.0 */
/* The verdict's "bpf" and "qdisc" members (docs/output.md). */
#ifndef SINKS_JSON_BLAME_H
#define SINKS_JSON_BLAME_H

#include "pipeline/verdict.h"
#include "util/json_writer.h"

/* Writes "bpf" and/or "qdisc" into the open drop object when v has them. */
void json_blame__write(struct json_writer *w, const struct verdict *v);

/* One program's members, as the verdict lists it. */
void json_blame__program(struct json_writer *w, const char *key, const struct attached_prog *p,
			 int of);

#endif /* SINKS_JSON_BLAME_H */

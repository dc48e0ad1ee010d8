/* SPDX-License-Identifier: GPL-2.0 */
/* --bundle: one directory (or .tar.gz) holding a trace's evidence for someone else to read
 * (docs/bundle.md): the trace in three forms, each watched namespace's state at the start
 * and the end, the counters that rose, and a manifest with every file's SHA-256. */
#ifndef BUNDLE_BUNDLE_H
#define BUNDLE_BUNDLE_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

struct bundle;

/* Checks the target and makes the directory the bundle is built in, next to it. Returns
 * NULL after one line on stderr when the target cannot be written or is taken. */
struct bundle *bundle__open(const char *target, int argc, char *const argv[]);

/* Creates NAME (a path inside the bundle, parents made) for writing. NULL on failure, which
 * is recorded in the manifest's errors. */
FILE *bundle__create(struct bundle *b, const char *name);

/* A trace file the bundle keeps open for the session's sinks; closed in bundle__finish. */
FILE *bundle__trace_file(struct bundle *b, const char *name);

/* Records that collecting ITEM failed (netns NULL: no namespace); goes in the manifest. */
void bundle__error(struct bundle *b, const char *item, const char *netns, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Snapshots the watched namespaces into netns/<label>/<when>/. At most BUNDLE_MAX_NETNS; the
 * rest is one error. Returns the milliseconds it took, for -v. */
#define BUNDLE_MAX_NETNS 64
#define BUNDLE_LABEL_MAX 320 /* a pod's "namespace/name" */
double bundle__snapshot(struct bundle *b, const char *when, char *const *paths, const __u32 *inodes,
			const char *const *labels, int count);

/* A drop the trace saw, where it happened (ifname NULL: no device). */
void bundle__count_drop(struct bundle *b, __u32 netns, const char *ifname);

/* Writes node.json (hooks: the JSON of `hoptrace hooks --json`), counters.json and the
 * manifest, closes the trace files, then moves the bundle to its target (a directory, or a
 * .tar.gz written from it). Returns 0, or -1 after one line on stderr. */
int bundle__finish(struct bundle *b, const char *hooks_json);

/* Frees; a bundle not finished is taken away. */
void bundle__free(struct bundle *b);

#endif /* BUNDLE_BUNDLE_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* What the bundle's files share: the bundle being built and each part's entry point. */
#ifndef BUNDLE_PRIV_H
#define BUNDLE_PRIV_H

#include <limits.h>
#include <stdbool.h>
#include <cjson/cJSON.h>
#include "bundle/bundle.h"

#define BUNDLE_TRACE_FILES 3

struct bundle_drop {
	__u32 netns;
	char ifname[16]; /* empty: no device */
	unsigned long count;
};

struct bundle_netns {
	__u32 inode;
	char dir[BUNDLE_LABEL_MAX]; /* its directory under netns/: the label, made safe */
	char label[BUNDLE_LABEL_MAX];
	bool host;
};

struct bundle {
	char target[PATH_MAX - 512];
	bool tarball;
	char dir[PATH_MAX - 256]; /* where the bundle is built: room left for its files */
	cJSON *command;
	unsigned long long created_ns;
	cJSON *errors;
	FILE *trace_files[BUNDLE_TRACE_FILES];
	int trace_count;
	struct bundle_netns netns[BUNDLE_MAX_NETNS];
	int netns_count;
	struct bundle_drop *drops;
	int drop_count, drop_cap;
	bool finished;
};

/* A namespace's state is read in parts that can run side by side: the /proc files and ip's
 * tables, nft, the iptables-save tools. */
enum bundle_part { BUNDLE_PART_PROC_IP, BUNDLE_PART_NFT, BUNDLE_PART_IPTABLES, BUNDLE_PARTS };

/* Collects one part of a namespace's state into <bundle>/netns/<dir>/<when>/
 * (bundle_snapshot.c). */
void bundle_snapshot__netns(struct bundle *b, const struct bundle_netns *ns, const char *path,
			    const char *when, enum bundle_part part);

struct bundle_job {
	const struct bundle_netns *ns;
	const char *path;
	enum bundle_part part;
};

/* Runs the jobs, several at a time in child processes (bundle_parallel.c). */
void bundle_parallel__snapshot(struct bundle *b, const struct bundle_job *jobs, int count,
			       const char *when);

/* Turns the text of /proc counter files into counters.json's members (bundle_counters.c).
 * Each takes what `grep -H . FILES` printed: one "path:line" a line. */
cJSON *bundle_counters__parse(const char *grep_out, bool host);
cJSON *bundle_counters__conntrack(const char *grep_out);
/* Where /proc/net/stat/nf_conntrack is not there: `conntrack -S`'s "cpu=0 found=0 ..." lines
 * into ct's stats, summed. */
void bundle_counters__conntrack_tool(cJSON *ct, const char *text);
cJSON *bundle_counters__sysctl(const char *grep_out);
/* ethtool -S's "name: value" lines; NULL when it gave none. */
cJSON *bundle_counters__ethtool(const char *text);

/* The top-level counters.json: what rose between start and end (bundle_rises.c). */
cJSON *bundle_rises__build(struct bundle *b);

/* An integer as JSON prints it exactly: cJSON's numbers are doubles, printed with an exponent
 * past 1e15 (a time in nanoseconds). */
void bundle__add_integer(cJSON *obj, const char *key, unsigned long long v);

/* Reads and parses a JSON file of the bundle; NULL when absent or malformed. */
cJSON *bundle__read_json(struct bundle *b, const char *name);

/* Writes a JSON value to a file of the bundle. Returns 0 or -1 (recorded as an error). */
int bundle__write_json(struct bundle *b, const char *name, const cJSON *v);

/* node.json (bundle_manifest.c). Returns 0 or -1 (recorded as an error). */
int bundle_manifest__node(struct bundle *b, const char *hooks_json);
/* manifest.json, written last. Returns 0 or -1 with errno set. */
int bundle_manifest__write(struct bundle *b);
/* The finished bundle to its target. Returns 0 or -errno. */
int bundle_manifest__move(struct bundle *b);
/* Takes away a directory and all it holds. */
void bundle_manifest__remove_dir(const char *dir);

/* SHA-256 of a file, as 64 hex digits, and its size (bundle_sha256.c). Returns 0 or -errno. */
int bundle_sha256__file(const char *path, char hex[65], unsigned long long *bytes);

/* Writes the files (paths relative to dir) as a gzip-compressed POSIX tar to target, which
 * must not exist (bundle_tar.c). Returns 0, or -errno. */
int bundle_tar__write(const char *dir, char *const *files, int count, const char *target);

#endif /* BUNDLE_PRIV_H */

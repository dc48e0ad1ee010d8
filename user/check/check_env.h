/* SPDX-License-Identifier: GPL-2.0 */
/* What the checks read from a network namespace: iproute2's JSON (ip -j), files under
 * /proc/sys and /proc/net as that namespace sees them, and rule listings. Every read runs
 * in the namespace through netns_exec, bounded in time. */
#ifndef CHECK_CHECK_ENV_H
#define CHECK_CHECK_ENV_H

#include <stddef.h>
#include <cjson/cJSON.h>

/* `ip -j ARGS...` (NULL-terminated) in the namespace; the parsed array, or NULL when ip
 * failed (its first error line in err, when err is given). */
cJSON *check_env__ip(const char *netns_path, char *err, size_t errlen, ...);

/* `bridge -j ARGS...` likewise. */
cJSON *check_env__bridge(const char *netns_path, ...);

/* A /proc file's first line, as the namespace sees it; -1 when absent. */
long check_env__number(const char *netns_path, const char *proc_path);

/* A whole command's output in the namespace (argv NULL-terminated), malloc'd; NULL when it
 * could not run or failed. */
char *check_env__output(const char *netns_path, char *const argv[]);

/* A string member of a JSON object, "" when absent. */
const char *check_env__str(const cJSON *obj, const char *key);

/* An integer member, dflt when absent. */
long check_env__int(const cJSON *obj, const char *key, long dflt);

#endif /* CHECK_CHECK_ENV_H */

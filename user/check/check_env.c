// SPDX-License-Identifier: GPL-2.0
/* Reads for the checks, each in the namespace it is about. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check_env.h"
#include "host/netns_exec.h"

#define MAX_ARGS 16

/* Runs TOOL -j ARGS... and parses its JSON. */
static cJSON *json_tool(const char *tool, const char *netns_path, char *err, size_t errlen,
			va_list ap)
{
	char *argv[MAX_ARGS + 3] = { (char *)tool, (char *)"-j" };
	char *out = NULL, *errout = NULL;
	const char *a;
	cJSON *json = NULL;
	int n = 2, rc;

	while (n < MAX_ARGS && (a = va_arg(ap, const char *)))
		argv[n++] = (char *)a;
	argv[n] = NULL;
	rc = netns_exec__run(netns_path, argv, NULL, &out, &errout);
	if (!rc && out)
		json = cJSON_Parse(out);
	if (!json && err) {
		const char *why = errout && *errout ? errout :
				  rc < 0	    ? "could not run" :
						      "no output";

		snprintf(err, errlen, "%.*s", (int)strcspn(why, "\n"), why);
	}
	free(out);
	free(errout);
	return json;
}

cJSON *check_env__ip(const char *netns_path, char *err, size_t errlen, ...)
{
	va_list ap;
	cJSON *json;

	va_start(ap, errlen);
	json = json_tool("ip", netns_path, err, errlen, ap);
	va_end(ap);
	return json;
}

cJSON *check_env__bridge(const char *netns_path, ...)
{
	va_list ap;
	cJSON *json;

	va_start(ap, netns_path);
	json = json_tool("bridge", netns_path, NULL, 0, ap);
	va_end(ap);
	return json;
}

char *check_env__output(const char *netns_path, char *const argv[])
{
	char *out = NULL;

	if (netns_exec__run(netns_path, argv, NULL, &out, NULL)) {
		free(out);
		return NULL;
	}
	return out;
}

long check_env__number(const char *netns_path, const char *proc_path)
{
	char *argv[] = { (char *)"cat", (char *)proc_path, NULL };
	char *out = check_env__output(netns_path, argv);
	char *end;
	long v;

	if (!out)
		return -1;
	v = strtol(out, &end, 10);
	if (end == out)
		v = -1;
	free(out);
	return v;
}

const char *check_env__str(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : "";
}

long check_env__int(const cJSON *obj, const char *key, long dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsNumber(v) ? (long)v->valuedouble : dflt;
}

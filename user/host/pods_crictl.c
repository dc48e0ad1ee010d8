// SPDX-License-Identifier: GPL-2.0
/* Pods from crictl, for runtimes whose state directory is elsewhere: `crictl pods -o json`
 * lists the ready sandboxes, `crictl inspectp -o json ID` gives each one's OCI spec and so
 * its network namespace path. crictl runs through host/netns_exec (a timeout, no shell). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "cli/addr.h"
#include "host/netns_exec.h"
#include "host/pods_read.h"

static const char *string_at(const cJSON *obj, const char *a, const char *b)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, a);

	if (b)
		v = cJSON_GetObjectItemCaseSensitive(v, b);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Runs crictl with args in this process's namespace; its parsed output, or NULL. */
static cJSON *crictl(char *const argv[], int *err, char *why, size_t why_size)
{
	char *out = NULL, *errout = NULL;
	cJSON *json = NULL;
	int rc = netns_exec__run("/proc/self/ns/net", argv, NULL, &out, &errout);

	if (rc < 0) {
		*err = rc;
		snprintf(why, why_size, "%s", strerror(-rc));
	} else if (rc > 0) {
		*err = -EIO;
		snprintf(why, why_size, "%s %s: exit status %d: %.80s", argv[0], argv[1], rc,
			 errout ? errout : "");
		why[strcspn(why, "\n")] = 0;
	} else if (!(json = cJSON_Parse(out))) {
		*err = -EINVAL;
		snprintf(why, why_size, "%s %s: output is not JSON", argv[0], argv[1]);
	}
	free(out);
	free(errout);
	return json;
}

/* inspectp's info.runtimeSpec.linux.namespaces[type == network].path. */
static void netns_path_of(const cJSON *inspect, struct pod *p)
{
	const cJSON *info = cJSON_GetObjectItemCaseSensitive(inspect, "info");
	const cJSON *spec = cJSON_GetObjectItemCaseSensitive(info, "runtimeSpec");
	const cJSON *lnx = cJSON_GetObjectItemCaseSensitive(spec, "linux");
	const cJSON *ns;

	cJSON_ArrayForEach(ns, cJSON_GetObjectItemCaseSensitive(lnx, "namespaces"))
	{
		const char *type = string_at(ns, "type", NULL), *path = string_at(ns, "path", NULL);

		if (type && path && !strcmp(type, "network"))
			snprintf(p->netns_path, sizeof(p->netns_path), "%s", path);
	}
}

static int add_sandbox(const cJSON *item, struct pod_list *out)
{
	const char *id = string_at(item, "id", NULL), *state = string_at(item, "state", NULL);
	const char *name = string_at(item, "metadata", "name");
	const char *ns = string_at(item, "metadata", "namespace");
	const char *uid = string_at(item, "metadata", "uid");
	char why[64];
	int err = 0;
	struct pod *p;
	cJSON *inspect;

	if (!id || !name || !ns || (state && strcmp(state, "SANDBOX_READY")) ||
	    pods__find(out, ns, name))
		return 0;
	p = pods__append(out);
	if (!p)
		return -ENOMEM;
	snprintf(p->ns, sizeof(p->ns), "%s", ns);
	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(p->uid, sizeof(p->uid), "%s", uid ? uid : "");
	p->source = "crictl";
	inspect = crictl((char *const[]){ "crictl", "inspectp", "-o", "json", (char *)id, NULL },
			 &err, why, sizeof(why));
	if (inspect)
		netns_path_of(inspect, p);
	cJSON_Delete(inspect);
	return 1;
}

int pods__read_crictl(struct pod_list *out, char *why, size_t why_size)
{
	int err = 0, n = 0, r;
	const cJSON *item;
	cJSON *list = crictl((char *const[]){ "crictl", "pods", "-o", "json", NULL }, &err, why,
			     why_size);

	if (!list)
		return err;
	cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(list, "items"))
	{
		r = add_sandbox(item, out);
		if (r < 0) {
			n = r;
			break;
		}
		n += r;
	}
	cJSON_Delete(list);
	return n;
}

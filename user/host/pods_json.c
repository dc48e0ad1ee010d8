// SPDX-License-Identifier: GPL-2.0
/* Pods from `kubectl get pod -o json` output, for nodes whose runtime state hoptrace
 * cannot read: a Pod, or a List of them. Such a pod has no namespace path; its addresses
 * find its namespace later (pods__find_netns_by_ip). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "cli/addr.h"
#include "host/pods_read.h"

/* kubectl's output for a few thousand pods stays well below this. */
#define POD_JSON_MAX (256u << 20)

static char *read_all(FILE *f, size_t *len)
{
	size_t cap = 1 << 16;
	char *buf = malloc(cap + 1), *grown;
	size_t n;

	*len = 0;
	while (buf && (n = fread(buf + *len, 1, cap - *len, f)) > 0) {
		*len += n;
		if (*len < cap)
			continue;
		if (cap >= POD_JSON_MAX) {
			errno = EFBIG;
			free(buf);
			return NULL;
		}
		cap *= 2;
		grown = realloc(buf, cap + 1);
		if (!grown)
			free(buf);
		buf = grown;
	}
	if (buf && ferror(f)) {
		free(buf);
		return NULL;
	}
	if (buf)
		buf[*len] = 0;
	return buf;
}

static const char *string_at(const cJSON *obj, const char *a, const char *b)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, a);

	if (b)
		v = cJSON_GetObjectItemCaseSensitive(v, b);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void add_ip(struct pod *p, const char *text)
{
	struct hop_cidr c;

	if (!text || p->ip_count >= POD_MAX_IPS || addr__parse_cidr(text, &c))
		return;
	for (int i = 0; i < p->ip_count; i++)
		if (!memcmp(&p->ips[i], &c, sizeof(c)))
			return;
	p->ips[p->ip_count++] = c;
}

static int add_pod(const cJSON *item, struct pod_list *out)
{
	const char *name = string_at(item, "metadata", "name");
	const char *ns = string_at(item, "metadata", "namespace");
	const cJSON *spec = cJSON_GetObjectItemCaseSensitive(item, "spec");
	const cJSON *status = cJSON_GetObjectItemCaseSensitive(item, "status");
	const cJSON *ips = cJSON_GetObjectItemCaseSensitive(status, "podIPs"), *ip;
	const cJSON *containers = cJSON_GetObjectItemCaseSensitive(spec, "containers");
	const char *s;
	struct pod *p;

	if (!name)
		return 0;
	if (!ns)
		ns = "default";
	if (pods__find(out, ns, name))
		return 1; /* the runtime's own record wins */
	p = pods__append(out);
	if (!p)
		return -ENOMEM;
	snprintf(p->ns, sizeof(p->ns), "%s", ns);
	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(p->uid, sizeof(p->uid), "%s", (s = string_at(item, "metadata", "uid")) ? s : "");
	snprintf(p->node, sizeof(p->node), "%s", (s = string_at(spec, "nodeName", NULL)) ? s : "");
	s = string_at(cJSON_GetArrayItem(containers, 0), "image", NULL);
	snprintf(p->image, sizeof(p->image), "%s", s ? s : "");
	cJSON_ArrayForEach(ip, ips)
	{
		add_ip(p, string_at(ip, "ip", NULL));
	}
	add_ip(p, string_at(status, "podIP", NULL));
	p->source = "pod-json";
	return 1;
}

int pods__read_pod_json(const char *path, struct pod_list *out, char *why, size_t why_size)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "re") : stdin;
	const cJSON *items, *item;
	const char *kind;
	size_t len = 0;
	char *text;
	cJSON *root;
	int n = 0, r;

	if (!f) {
		snprintf(why, why_size, "%s", strerror(errno));
		return -errno;
	}
	text = read_all(f, &len);
	r = errno;
	if (f != stdin)
		fclose(f);
	if (!text) {
		snprintf(why, why_size, "%s", strerror(r));
		return -r;
	}
	root = cJSON_ParseWithLength(text, len);
	free(text);
	if (!root) {
		snprintf(why, why_size, "not JSON");
		return -EINVAL;
	}
	kind = string_at(root, "kind", NULL);
	items = cJSON_GetObjectItemCaseSensitive(root, "items");
	if (kind && !strcmp(kind, "Pod")) {
		n = add_pod(root, out);
	} else if (cJSON_IsArray(items)) {
		cJSON_ArrayForEach(item, items)
		{
			r = add_pod(item, out);
			if (r < 0) {
				n = r;
				break;
			}
			n += r;
		}
	} else {
		snprintf(why, why_size, "neither a Pod nor a List (kubectl get pod -o json)");
		n = -EINVAL;
	}
	cJSON_Delete(root);
	return n;
}

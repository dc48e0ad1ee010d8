// SPDX-License-Identifier: GPL-2.0
/* Pods from the runtime's OCI bundles. Both containerd's CRI plugin and CRI-O write the
 * Kubernetes identity of each container into its bundle's config.json as annotations, and
 * the sandbox's config.json names the network namespace it joins: enough to know the
 * pods without asking the runtime anything. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include "host/pods_read.h"
#include "util/dirwalk.h"

/* A config.json is a few kilobytes; one past this is not a bundle's. */
#define CONFIG_MAX (4u << 20)

/* One bundle's Kubernetes identity. */
struct bundle {
	char id[128];
	bool sandbox;
	char sandbox_id[128]; /* the sandbox an application container belongs to */
	char ns[64], name[254], uid[64];
	char netns_path[256];
	char image[256];
	const char *runtime;
};

struct bundles {
	struct bundle *b;
	int count, cap;
	struct bundle_count *counts;
	bool nomem;
};

/* The annotation keys of each runtime (containerd: pkg/cri annotations; CRI-O: its
 * annotations package, with the kubelet's pod labels for the identity). */
struct runtime_keys {
	const char *runtime;
	const char *type, *sandbox_id, *name, *ns, *uid, *image, *image_alt;
};

static const struct runtime_keys runtimes[] = {
	{ "containerd", "io.kubernetes.cri.container-type", "io.kubernetes.cri.sandbox-id",
	  "io.kubernetes.cri.sandbox-name", "io.kubernetes.cri.sandbox-namespace",
	  "io.kubernetes.cri.sandbox-uid", "io.kubernetes.cri.image-name", NULL },
	{ "cri-o", "io.kubernetes.cri-o.ContainerType", "io.kubernetes.cri-o.SandboxID",
	  "io.kubernetes.pod.name", "io.kubernetes.pod.namespace", "io.kubernetes.pod.uid",
	  "io.kubernetes.cri-o.ImageName", "io.kubernetes.cri-o.Image" },
};

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	struct stat st;

	if (!f)
		return NULL;
	if (!fstat(fileno(f), &st) && st.st_size <= CONFIG_MAX)
		buf = malloc(st.st_size + 1);
	if (buf) {
		*len = fread(buf, 1, st.st_size, f);
		if (ferror(f)) {
			free(buf);
			buf = NULL;
		} else {
			buf[*len] = 0;
		}
	}
	fclose(f);
	return buf;
}

static void copy_str(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

static const char *annotation(const cJSON *ann, const char *key)
{
	const cJSON *v = key ? cJSON_GetObjectItemCaseSensitive(ann, key) : NULL;

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* linux.namespaces[type == "network"].path, "" when the entry has none. */
static void network_path(const cJSON *config, char *buf, size_t size)
{
	const cJSON *lnx = cJSON_GetObjectItemCaseSensitive(config, "linux");
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(lnx, "namespaces"), *ns;

	buf[0] = 0;
	cJSON_ArrayForEach(ns, list)
	{
		const cJSON *type = cJSON_GetObjectItemCaseSensitive(ns, "type");
		const cJSON *path = cJSON_GetObjectItemCaseSensitive(ns, "path");

		if (cJSON_IsString(type) && !strcmp(type->valuestring, "network") &&
		    cJSON_IsString(path))
			copy_str(buf, size, path->valuestring);
	}
}

/* Fills b from a parsed config.json; false for a container Kubernetes did not make. */
static bool identify(const cJSON *config, struct bundle *b)
{
	const cJSON *ann = cJSON_GetObjectItemCaseSensitive(config, "annotations");

	for (size_t i = 0; i < sizeof(runtimes) / sizeof(runtimes[0]); i++) {
		const struct runtime_keys *k = &runtimes[i];
		const char *type = annotation(ann, k->type), *image;

		if (!type)
			continue;
		b->runtime = k->runtime;
		b->sandbox = !strcmp(type, "sandbox");
		copy_str(b->sandbox_id, sizeof(b->sandbox_id), annotation(ann, k->sandbox_id));
		copy_str(b->name, sizeof(b->name), annotation(ann, k->name));
		copy_str(b->ns, sizeof(b->ns), annotation(ann, k->ns));
		copy_str(b->uid, sizeof(b->uid), annotation(ann, k->uid));
		image = annotation(ann, k->image);
		copy_str(b->image, sizeof(b->image), image ? image : annotation(ann, k->image_alt));
		if (b->sandbox) {
			network_path(config, b->netns_path, sizeof(b->netns_path));
			/* containerd's sandbox carries its own id in sandbox-id; the bundle's
			 * directory name is the same, and is what containers point at. */
			copy_str(b->sandbox_id, sizeof(b->sandbox_id), b->id);
		}
		return !b->sandbox || (b->name[0] && b->ns[0]);
	}
	return false;
}

static int read_bundle(struct bundles *bs, const char *config_path, const char *id)
{
	struct bundle b = {};
	size_t len = 0;
	char *text = read_file(config_path, &len);
	cJSON *config;

	if (!text) {
		bs->counts->broken++;
		return 0;
	}
	config = cJSON_ParseWithLength(text, len);
	free(text);
	if (!config) {
		bs->counts->broken++;
		return 0;
	}
	copy_str(b.id, sizeof(b.id), id);
	if (identify(config, &b)) {
		if (bs->count == bs->cap) {
			int cap = bs->cap ? 2 * bs->cap : 16;
			struct bundle *grown = realloc(bs->b, cap * sizeof(*grown));

			if (!grown) {
				cJSON_Delete(config);
				bs->nomem = true;
				return -ENOMEM;
			}
			bs->b = grown;
			bs->cap = cap;
		}
		bs->b[bs->count++] = b;
		bs->counts->sandboxes += b.sandbox;
	}
	cJSON_Delete(config);
	return 0;
}

static bool exists(const char *path)
{
	return !access(path, F_OK);
}

/* containerd: <namespace dir>/<id>/config.json. */
static int visit_task(void *ctx, const char *path, const char *name)
{
	char config[1024];

	snprintf(config, sizeof(config), "%s/config.json", path);
	return exists(config) ? read_bundle(ctx, config, name) : 0;
}

/* An entry of the state directory: a CRI-O container (<id>/userdata/config.json), a
 * containerd bundle when the directory given is one namespace's, or a containerd
 * namespace holding bundles. */
static int visit_entry(void *ctx, const char *path, const char *name)
{
	char config[1024];

	snprintf(config, sizeof(config), "%s/userdata/config.json", path);
	if (exists(config))
		return read_bundle(ctx, config, name);
	snprintf(config, sizeof(config), "%s/config.json", path);
	if (exists(config))
		return read_bundle(ctx, config, name);
	return dirwalk(path, NULL, visit_task, ctx);
}

/* The image of the sandbox's first application container, by bundle id order. */
static const char *first_image(const struct bundles *bs, const struct bundle *sandbox)
{
	const struct bundle *best = NULL;

	for (int i = 0; i < bs->count; i++) {
		const struct bundle *c = &bs->b[i];

		if (c->sandbox || !c->image[0] || strcmp(c->sandbox_id, sandbox->id))
			continue;
		if (!best || strcmp(c->id, best->id) < 0)
			best = c;
	}
	return best ? best->image : "";
}

static int add_pods(const struct bundles *bs, const char *source, struct pod_list *out)
{
	for (int i = 0; i < bs->count; i++) {
		const struct bundle *b = &bs->b[i];
		struct pod *p;

		if (!b->sandbox || pods__find(out, b->ns, b->name))
			continue;
		p = pods__append(out);
		if (!p)
			return -ENOMEM;
		copy_str(p->ns, sizeof(p->ns), b->ns);
		copy_str(p->name, sizeof(p->name), b->name);
		copy_str(p->uid, sizeof(p->uid), b->uid);
		copy_str(p->netns_path, sizeof(p->netns_path), b->netns_path);
		copy_str(p->image, sizeof(p->image), first_image(bs, b));
		p->source = source ? source : b->runtime;
	}
	return 0;
}

int pods__read_bundles(const char *dir, const char *source, struct pod_list *out,
		       struct bundle_count *count)
{
	struct bundles bs = { .counts = count };
	DIR *d = opendir(dir);
	int err;

	if (!d)
		return -errno;
	closedir(d);
	dirwalk(dir, NULL, visit_entry, &bs);
	err = bs.nomem ? -ENOMEM : add_pods(&bs, source, out);
	free(bs.b);
	return err;
}

// SPDX-License-Identifier: GPL-2.0
/* The pods of this node: each source in turn (the runtime's bundles, crictl, a kubectl
 * file), then each pod's namespace read for its addresses and host veth. The readers live
 * in pods_bundles.c, pods_crictl.c, pods_json.c and pods_netns.c. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "host/pods.h"
#include "host/pods_read.h"

struct default_dir {
	const char *path;
	const char *source;
};

/* Where the runtimes keep their bundles on a standard install. */
static const struct default_dir default_dirs[] = {
	{ "/run/containerd/io.containerd.runtime.v2.task", "containerd" },
	{ "/run/k3s/containerd/io.containerd.runtime.v2.task", "k3s" },
	{ "/run/containers/storage/overlay-containers", "cri-o" },
};

struct pod *pods__append(struct pod_list *l)
{
	struct pod *grown;

	/* The capacity is the next power of two: full when count is one (or 0). */
	if (!(l->count & (l->count - 1))) {
		grown = realloc(l->pods, (l->count ? 2 * l->count : 1) * sizeof(*grown));
		if (!grown)
			return NULL;
		l->pods = grown;
	}
	memset(&l->pods[l->count], 0, sizeof(l->pods[0]));
	return &l->pods[l->count++];
}

void pods__note_tried(struct pod_list *l, const char *fmt, ...)
{
	size_t used = strlen(l->tried);
	va_list ap;

	if (used + 3 >= sizeof(l->tried))
		return;
	if (used) {
		strcpy(l->tried + used, ", ");
		used += 2;
	}
	va_start(ap, fmt);
	vsnprintf(l->tried + used, sizeof(l->tried) - used, fmt, ap);
	va_end(ap);
}

static void note_bundles(struct pod_list *l, const char *what, const char *dir, int err,
			 const struct bundle_count *c)
{
	if (err == -ENOENT)
		pods__note_tried(l, "%s (%s: not present)", what, dir);
	else if (err)
		pods__note_tried(l, "%s (%s: %s)", what, dir, strerror(-err));
	else if (c->broken)
		pods__note_tried(l, "%s (%s: %d sandbox%s, %d unreadable config.json)", what, dir,
				 c->sandboxes, c->sandboxes == 1 ? "" : "es", c->broken);
	else
		pods__note_tried(l, "%s (%s: %d sandbox%s)", what, dir, c->sandboxes,
				 c->sandboxes == 1 ? "" : "es");
}

/* The runtime's own state: the directories given, or the standard ones. A directory the
 * user named that cannot be read is an error; a standard one missing is only noted. */
static int read_runtime_state(const struct pod_sources *src, struct pod_list *out, bool *read,
			      int *unreadable)
{
	struct bundle_count c;
	int err, first_err = 0;

	for (int i = 0; src && i < src->state_dir_count; i++) {
		memset(&c, 0, sizeof(c));
		err = pods__read_bundles(src->state_dirs[i], NULL, out, &c);
		if (err == -ENOMEM)
			return err;
		note_bundles(out, "runtime state", src->state_dirs[i], err, &c);
		*read = *read || !err;
		if (err && !first_err)
			first_err = err;
	}
	if (src && src->state_dir_count)
		return first_err;
	for (size_t i = 0; i < sizeof(default_dirs) / sizeof(default_dirs[0]); i++) {
		memset(&c, 0, sizeof(c));
		err = pods__read_bundles(default_dirs[i].path, default_dirs[i].source, out, &c);
		if (err == -ENOMEM)
			return err;
		if (err == -ENOENT)
			pods__note_tried(out, "%s (not present)", default_dirs[i].source);
		else
			note_bundles(out, default_dirs[i].source, default_dirs[i].path, err, &c);
		*read = *read || !err;
		/* There but not readable (no root): worth saying over "nothing here". */
		if (err && err != -ENOENT && !*unreadable)
			*unreadable = err;
	}
	return 0;
}

static int read_crictl(struct pod_list *out, bool *read)
{
	char why[160] = "";
	int n = pods__read_crictl(out, why, sizeof(why));

	if (n == -ENOMEM)
		return n;
	if (n == -ENOENT)
		pods__note_tried(out, "crictl (not on PATH)");
	else if (n < 0)
		pods__note_tried(out, "crictl (%s)", why);
	else
		pods__note_tried(out, "crictl (%d sandbox%s)", n, n == 1 ? "" : "es");
	*read = *read || n >= 0;
	return 0;
}

bool pods__on_this_node(const char *node)
{
	char host[256] = "";
	size_t hl, nl;

	if (!*node)
		return true;
	if (gethostname(host, sizeof(host) - 1))
		return true;
	if (!strcmp(host, node))
		return true;
	hl = strcspn(host, ".");
	nl = strcspn(node, ".");
	return hl == nl && !strncasecmp(host, node, hl);
}

static void read_namespaces(struct pod_list *l)
{
	for (int i = 0; i < l->count; i++) {
		struct pod *p = &l->pods[i];

		if (!p->netns_path[0] && !strcmp(p->source, "pod-json") &&
		    pods__on_this_node(p->node) && p->ip_count)
			pods__find_netns_by_ip(p);
		if (p->netns_path[0])
			pods__read_netns(p);
	}
}

static int by_ref(const void *a, const void *b)
{
	const struct pod *pa = a, *pb = b;
	int c = strcmp(pa->ns, pb->ns);

	return c ? c : strcmp(pa->name, pb->name);
}

int pods__discover(const struct pod_sources *src, struct pod_list *out)
{
	int err, unreadable = 0;
	bool read = false;

	memset(out, 0, sizeof(*out));
	err = read_runtime_state(src, out, &read, &unreadable);
	if (err)
		return err;
	if (!out->count && !(src && (src->no_crictl || src->state_dir_count))) {
		err = read_crictl(out, &read);
		if (err)
			return err;
	}
	if (src && src->pod_json) {
		char why[200] = "";
		int n = pods__read_pod_json(src->pod_json, out, why, sizeof(why));

		if (n < 0) {
			pods__note_tried(out, "--pod-json %s (%s)", src->pod_json, why);
			return n;
		}
		pods__note_tried(out, "--pod-json %s (%d pod%s)", src->pod_json, n,
				 n == 1 ? "" : "s");
		read = true;
	}
	read_namespaces(out);
	if (out->count > 1)
		qsort(out->pods, out->count, sizeof(out->pods[0]), by_ref);
	if (read)
		return 0;
	return unreadable ? unreadable : -ENOENT;
}

const struct pod *pods__find(const struct pod_list *l, const char *ns, const char *name)
{
	for (int i = 0; l && i < l->count; i++)
		if (!strcmp(l->pods[i].ns, ns) && !strcmp(l->pods[i].name, name))
			return &l->pods[i];
	return NULL;
}

const struct pod *pods__by_netns(const struct pod_list *l, __u32 netns)
{
	for (int i = 0; l && netns && i < l->count; i++)
		if (l->pods[i].netns == netns)
			return &l->pods[i];
	return NULL;
}

void pods__free(struct pod_list *l)
{
	if (!l)
		return;
	free(l->pods);
	l->pods = NULL;
	l->count = 0;
}

/* A DNS-1123 label (a namespace) or subdomain (a pod name: labels joined by dots):
 * lowercase letters, digits and '-', starting and ending with a letter or digit. */
static bool valid_dns_name(const char *s, size_t len, size_t max, bool dots)
{
	if (!len || len > max)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		bool edge = !i || i + 1 == len || s[i - 1] == '.' || s[i + 1] == '.';

		if (islower((unsigned char)c) || isdigit((unsigned char)c))
			continue;
		if ((c == '-' || (dots && c == '.')) && !edge)
			continue;
		return false;
	}
	return true;
}

int pods__parse_ref(const char *arg, char *ns, size_t ns_size, char *name, size_t name_size)
{
	const char *slash = arg ? strchr(arg, '/') : NULL;
	const char *n = slash ? slash + 1 : arg;
	size_t ns_len = slash ? (size_t)(slash - arg) : strlen("default");
	const char *nsp = slash ? arg : "default";

	if (!arg || (slash && strchr(slash + 1, '/')))
		return -EINVAL;
	if (!valid_dns_name(nsp, ns_len, 63, false) || !valid_dns_name(n, strlen(n), 253, true) ||
	    ns_len >= ns_size || strlen(n) >= name_size)
		return -EINVAL;
	memcpy(ns, nsp, ns_len);
	ns[ns_len] = 0;
	strcpy(name, n);
	return 0;
}

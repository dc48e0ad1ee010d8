// SPDX-License-Identifier: GPL-2.0
/* A bundle's life: checked and begun in a hidden directory next to its target before
 * anything attaches (so a bad target costs nothing), filled during the trace, and moved to
 * its target only once complete, so that a target never holds half a bundle. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include "bundle/bundle_priv.h"

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n > t && !strcmp(s + n - t, tail);
}

/* A directory target may exist when empty (made ready by the user); anything else there
 * would be mixed with or replaced by the bundle. */
static int check_target(const struct bundle *b)
{
	struct stat st;
	struct dirent *e;
	DIR *d;

	if (lstat(b->target, &st)) {
		if (errno == ENOENT)
			return 0;
		fprintf(stderr, "hoptrace: --bundle: cannot use '%s': %s\n", b->target,
			strerror(errno));
		return -1;
	}
	if (b->tarball || !S_ISDIR(st.st_mode)) {
		fprintf(stderr,
			"hoptrace: --bundle: '%s' exists (remove it or choose another name)\n",
			b->target);
		return -1;
	}
	d = opendir(b->target);
	if (!d) {
		fprintf(stderr, "hoptrace: --bundle: cannot read '%s': %s\n", b->target,
			strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) && (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")))
		;
	closedir(d);
	if (e) {
		fprintf(stderr,
			"hoptrace: --bundle: '%s' exists and is not empty (remove it or choose "
			"another name)\n",
			b->target);
		return -1;
	}
	return 0;
}

void bundle__add_integer(cJSON *obj, const char *key, unsigned long long v)
{
	char text[24];

	snprintf(text, sizeof(text), "%llu", v);
	cJSON_AddRawToObject(obj, key, text);
}

struct bundle *bundle__open(const char *target, int argc, char *const argv[])
{
	struct bundle *b = calloc(1, sizeof(*b));
	struct timespec now;
	char parent[PATH_MAX - 512], *slash;
	size_t n = strlen(target);

	if (!b)
		return NULL;
	while (n > 1 && target[n - 1] == '/')
		n--;
	if (n + sizeof("/.hoptrace-bundle.XXXXXX") >= sizeof(b->target)) {
		fprintf(stderr, "hoptrace: --bundle: cannot create '%s': %s\n", target,
			strerror(ENAMETOOLONG));
		goto fail;
	}
	snprintf(b->target, sizeof(b->target), "%.*s", (int)n, target);
	b->tarball = ends_with(b->target, ".tar.gz") || ends_with(b->target, ".tgz");
	if (check_target(b))
		goto fail;
	snprintf(parent, sizeof(parent), "%s", b->target);
	slash = strrchr(parent, '/');
	if (!slash)
		snprintf(parent, sizeof(parent), ".");
	else
		slash[slash == parent] = '\0';
	snprintf(b->dir, sizeof(b->dir), "%s/.hoptrace-bundle.XXXXXX", parent);
	if (!mkdtemp(b->dir)) {
		fprintf(stderr, "hoptrace: --bundle: cannot create '%s': %s\n", b->target,
			strerror(errno));
		b->dir[0] = '\0';
		goto fail;
	}
	chmod(b->dir, 0755);
	b->errors = cJSON_CreateArray();
	b->command = cJSON_CreateArray();
	cJSON_AddItemToArray(b->command, cJSON_CreateString("hoptrace"));
	/* argv[0] is the program, or the subcommand when one was named. */
	if (argc && !strcmp(argv[0], "trace"))
		cJSON_AddItemToArray(b->command, cJSON_CreateString("trace"));
	for (int i = 1; i < argc; i++)
		cJSON_AddItemToArray(b->command, cJSON_CreateString(argv[i]));
	clock_gettime(CLOCK_REALTIME, &now);
	b->created_ns = (unsigned long long)now.tv_sec * 1000000000ull + now.tv_nsec;
	return b;
fail:
	bundle__free(b);
	return NULL;
}

void bundle__error(struct bundle *b, const char *item, const char *netns, const char *fmt, ...)
{
	cJSON *e = cJSON_CreateObject();
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* One line: a tool's message may hold several. */
	line[strcspn(line, "\n")] = '\0';
	cJSON_AddStringToObject(e, "item", item);
	if (netns)
		cJSON_AddStringToObject(e, "netns", netns);
	else
		cJSON_AddNullToObject(e, "netns");
	cJSON_AddStringToObject(e, "error", line);
	cJSON_AddItemToArray(b->errors, e);
}

static int make_parents(char *path)
{
	for (char *p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return 0;
}

FILE *bundle__create(struct bundle *b, const char *name)
{
	char path[PATH_MAX];
	FILE *f = NULL;

	snprintf(path, sizeof(path), "%s/%s", b->dir, name);
	if (!make_parents(path))
		f = fopen(path, "wx");
	if (!f)
		bundle__error(b, name, NULL, "cannot create: %s", strerror(errno));
	return f;
}

FILE *bundle__trace_file(struct bundle *b, const char *name)
{
	FILE *f;

	if (b->trace_count >= BUNDLE_TRACE_FILES)
		return NULL;
	f = bundle__create(b, name);
	if (f)
		b->trace_files[b->trace_count++] = f;
	return f;
}

cJSON *bundle__read_json(struct bundle *b, const char *name)
{
	char path[PATH_MAX], *text = NULL;
	size_t size = 0;
	cJSON *v = NULL;
	FILE *f, *mem;
	char chunk[4096];
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", b->dir, name);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	mem = open_memstream(&text, &size);
	while (mem && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, n, mem);
	fclose(f);
	if (mem && !fclose(mem))
		v = cJSON_Parse(text);
	free(text);
	return v;
}

int bundle__write_json(struct bundle *b, const char *name, const cJSON *v)
{
	char *text = cJSON_PrintUnformatted(v);
	FILE *f = text ? bundle__create(b, name) : NULL;
	int err = 0;

	if (!f) {
		free(text);
		return -1;
	}
	fprintf(f, "%s\n", text);
	free(text);
	if (fclose(f)) {
		bundle__error(b, name, NULL, "writing: %s", strerror(errno));
		err = -1;
	}
	return err;
}

/* A namespace's label as a directory name: letters, digits, '.', '_' and '-' kept, the
 * rest '-' ("pid:123" -> "pid-123", a pod's "ns/name" -> "ns-name"). */
static void safe_dir(const char *label, char *out, size_t size)
{
	size_t n;

	snprintf(out, size, "%s", label);
	for (char *p = out; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._-", *p))
			*p = '-';
	if (out[0] == '.')
		out[0] = '-';
	n = strlen(out);
	while (n > 1 && out[n - 1] == '-')
		out[--n] = '\0';
}

static struct bundle_netns *netns_of(struct bundle *b, __u32 inode, const char *label)
{
	struct stat st;

	for (int i = 0; i < b->netns_count; i++)
		if (b->netns[i].inode == inode)
			return &b->netns[i];
	if (b->netns_count >= BUNDLE_MAX_NETNS)
		return NULL;
	struct bundle_netns *ns = &b->netns[b->netns_count++];

	ns->inode = inode;
	snprintf(ns->label, sizeof(ns->label), "%s", label);
	safe_dir(label, ns->dir, sizeof(ns->dir));
	/* softnet_stat is the machine's: read in the initial namespace only. */
	ns->host = !strcmp(label, "host") || (!stat("/proc/1/ns/net", &st) && st.st_ino == inode);
	return ns;
}

double bundle__snapshot(struct bundle *b, const char *when, char *const *paths, const __u32 *inodes,
			const char *const *labels, int count)
{
	struct bundle_job jobs[BUNDLE_MAX_NETNS * BUNDLE_PARTS];
	struct timespec t0, t1;
	int skipped = 0, n = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < count; i++) {
		struct bundle_netns *ns = netns_of(b, inodes[i], labels[i]);

		if (!ns) {
			skipped++;
			continue;
		}
		for (int part = 0; part < BUNDLE_PARTS; part++)
			jobs[n++] = (struct bundle_job){ ns, paths[i], part };
	}
	bundle_parallel__snapshot(b, jobs, n, when);
	if (skipped)
		bundle__error(b, "netns", NULL,
			      "%d network namespace%s not collected at %s: at most %d are", skipped,
			      skipped == 1 ? "" : "s", when, BUNDLE_MAX_NETNS);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
}

void bundle__count_drop(struct bundle *b, __u32 netns, const char *ifname)
{
	struct bundle_drop *d;

	if (!ifname)
		ifname = "";
	for (int i = 0; i < b->drop_count; i++) {
		d = &b->drops[i];
		if (d->netns == netns && !strncmp(d->ifname, ifname, sizeof(d->ifname) - 1)) {
			d->count++;
			return;
		}
	}
	if (b->drop_count == b->drop_cap) {
		int cap = b->drop_cap ? 2 * b->drop_cap : 32;

		d = realloc(b->drops, cap * sizeof(*d));
		if (!d)
			return;
		b->drops = d;
		b->drop_cap = cap;
	}
	d = &b->drops[b->drop_count++];
	d->netns = netns;
	snprintf(d->ifname, sizeof(d->ifname), "%s", ifname);
	d->count = 1;
}

int bundle__finish(struct bundle *b, const char *hooks_json)
{
	cJSON *rises;
	int err;

	for (int i = 0; i < b->trace_count; i++) {
		if (fclose(b->trace_files[i]))
			bundle__error(b, "trace", NULL, "writing a trace file: %s",
				      strerror(errno));
		b->trace_files[i] = NULL;
	}
	b->trace_count = 0;
	bundle_manifest__node(b, hooks_json);
	rises = bundle_rises__build(b);
	bundle__write_json(b, "counters.json", rises);
	cJSON_Delete(rises);
	if (bundle_manifest__write(b)) {
		fprintf(stderr, "hoptrace: --bundle: writing the manifest: %s\n", strerror(errno));
		return -1;
	}
	err = bundle_manifest__move(b);
	if (err) {
		fprintf(stderr, "hoptrace: --bundle: writing '%s': %s (the bundle is left in %s)\n",
			b->target, strerror(-err), b->dir);
		b->finished = true;
		return -1;
	}
	b->finished = true;
	return 0;
}

void bundle__free(struct bundle *b)
{
	if (!b)
		return;
	for (int i = 0; i < b->trace_count; i++)
		fclose(b->trace_files[i]);
	if (!b->finished && b->dir[0])
		bundle_manifest__remove_dir(b->dir);
	cJSON_Delete(b->errors);
	cJSON_Delete(b->command);
	free(b->drops);
	free(b);
}

// SPDX-License-Identifier: GPL-2.0
/* The bundle's own files and its end: node.json, the manifest (every other file, its size
 * and SHA-256, and the errors met), and the move to the target, a directory or a .tar.gz. */
#define _GNU_SOURCE
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include "bundle/bundle_priv.h"

int bundle_manifest__node(struct bundle *b, const char *hooks_json)
{
	cJSON *node = cJSON_CreateObject(), *hooks = hooks_json ? cJSON_Parse(hooks_json) : NULL;
	struct utsname u;
	char host[256] = "";
	int err;

	uname(&u);
	gethostname(host, sizeof(host) - 1);
	cJSON_AddStringToObject(node, "kernel", u.release);
	cJSON_AddStringToObject(node, "hostname", host);
	cJSON_AddStringToObject(node, "version", HOPTRACE_VERSION);
	cJSON_AddItemToObject(node, "command", cJSON_Duplicate(b->command, true));
	if (!hooks) {
		bundle__error(b, "hooks", NULL, "the hooks plan could not be read");
		hooks = cJSON_CreateNull();
	}
	cJSON_AddItemToObject(node, "hooks", hooks);
	err = bundle__write_json(b, "node.json", node);
	cJSON_Delete(node);
	return err;
}

/* The bundle's files, for the manifest and the archive: collected by nftw. */
static struct {
	char **paths;
	int count, cap;
	size_t root_len;
} listing;

static int list_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	char **p;

	(void)st;
	(void)ftw;
	if (type != FTW_F)
		return 0;
	if (listing.count == listing.cap) {
		listing.cap = listing.cap ? 2 * listing.cap : 64;
		p = realloc(listing.paths, listing.cap * sizeof(*p));
		if (!p)
			return -1;
		listing.paths = p;
	}
	listing.paths[listing.count] = strdup(path + listing.root_len + 1);
	return listing.paths[listing.count++] ? 0 : -1;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_listing(void)
{
	for (int i = 0; i < listing.count; i++)
		free(listing.paths[i]);
	free(listing.paths);
	memset(&listing, 0, sizeof(listing));
}

static int list_files(struct bundle *b)
{
	free_listing();
	listing.root_len = strlen(b->dir);
	if (nftw(b->dir, list_one, 16, FTW_PHYS))
		return -1;
	qsort(listing.paths, listing.count, sizeof(*listing.paths), by_name);
	return 0;
}

static int write_manifest(struct bundle *b)
{
	cJSON *m = cJSON_CreateObject(), *files = cJSON_CreateArray();
	char path[PATH_MAX], hex[65];
	unsigned long long bytes;
	int err;

	if (list_files(b)) {
		cJSON_Delete(m);
		cJSON_Delete(files);
		return -1;
	}
	cJSON_AddStringToObject(m, "hoptrace", HOPTRACE_VERSION);
	cJSON_AddItemToObject(m, "command", cJSON_Duplicate(b->command, true));
	bundle__add_integer(m, "created_ns", b->created_ns);
	for (int i = 0; i < listing.count; i++) {
		cJSON *f = cJSON_CreateObject();

		snprintf(path, sizeof(path), "%s/%s", b->dir, listing.paths[i]);
		err = bundle_sha256__file(path, hex, &bytes);
		cJSON_AddStringToObject(f, "path", listing.paths[i]);
		bundle__add_integer(f, "bytes", bytes);
		cJSON_AddStringToObject(f, "sha256", err ? "" : hex);
		if (err)
			bundle__error(b, listing.paths[i], NULL, "hashing: %s", strerror(-err));
		cJSON_AddItemToArray(files, f);
	}
	cJSON_AddItemToObject(m, "files", files);
	cJSON_AddItemToObject(m, "errors", cJSON_Duplicate(b->errors, true));
	err = bundle__write_json(b, "manifest.json", m);
	cJSON_Delete(m);
	return err;
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path) && errno != ENOENT ? -1 : 0;
}

int bundle_manifest__move(struct bundle *b)
{
	int err;

	if (b->tarball) {
		/* The manifest goes first in the archive: a reader meets it before the rest. */
		if (list_files(b)) {
			err = -errno;
			free_listing();
			return err;
		}
		for (int i = 0; i < listing.count; i++) {
			if (!strcmp(listing.paths[i], "manifest.json")) {
				char *m = listing.paths[i];

				memmove(listing.paths + 1, listing.paths,
					i * sizeof(*listing.paths));
				listing.paths[0] = m;
			}
		}
		err = bundle_tar__write(b->dir, listing.paths, listing.count, b->target);
		if (!err)
			bundle_manifest__remove_dir(b->dir);
		free_listing();
		return err;
	}
	/* The user may have made the directory, empty, beforehand. */
	rmdir(b->target);
	return rename(b->dir, b->target) ? -errno : 0;
}

/* Written last: it lists (and hashes) every other file. */
int bundle_manifest__write(struct bundle *b)
{
	int err = write_manifest(b);

	free_listing();
	return err;
}

void bundle_manifest__remove_dir(const char *dir)
{
	nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

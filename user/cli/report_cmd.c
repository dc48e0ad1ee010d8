// SPDX-License-Identifier: GPL-2.0
/* `hoptrace report TRACE|BUNDLE_DIR [-o FILE]`: the input is read whole (by merge's loader,
 * which refuses cut and foreign files) and the page is built in memory; the output file is
 * written only then, through a temporary file renamed into place, so a bad input or a full
 * disk never leaves half a page. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/report_cmd.h"
#include "util/whole_file.h"
#include "merge/merge.h"
#include "report/report.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: hoptrace report [-o FILE] TRACE.jsonl|TRACE.pcapng|BUNDLE_DIR\n\n"
		"Writes one HTML page that explains a trace to someone who does not know\n"
		"hoptrace: each flow's path drawn through network namespaces and devices, the drop\n"
		"marked where it happened with its reason, the hops in a table, and a summary.\n"
		"A bundle directory (trace.jsonl, and optionally manifest.json, counters.json,\n"
		"check.json) adds its counter rises and checks. The page needs nothing else: it\n"
		"loads nothing from anywhere (docs/report.md).\n\n"
		"  -o, --output FILE   write the page to FILE (default, or -: standard output)\n"
		"  -h, --help          show this help\n");
}

/* The page held in memory. */
struct page_text {
	const char *buf;
	size_t len;
};

static int page_to(FILE *f, const void *ctx)
{
	const struct page_text *p = ctx;

	return p->len && fwrite(p->buf, 1, p->len, f) != p->len ? -errno : 0;
}

static int write_file(const char *path, const char *buf, size_t len)
{
	return whole_file__write(path, page_to, &(struct page_text){ buf, len });
}

static int write_stdout(const char *buf, size_t len)
{
	if (len && fwrite(buf, 1, len, stdout) != len)
		return -errno;
	return fflush(stdout) ? -errno : 0;
}

/* The trace, and the bundle's files when the input is a directory. Return: 0, or 1 with one
 * line said. */
static int load(const char *input, char *trace_path, size_t size, struct merge_input *in,
		struct report_bundle *bundle, bool *is_bundle)
{
	struct stat st;
	char err[512];

	*is_bundle = !stat(input, &st) && S_ISDIR(st.st_mode);
	snprintf(trace_path, size, "%s%s", input, *is_bundle ? "/trace.jsonl" : "");
	if (*is_bundle && access(trace_path, F_OK)) {
		fprintf(stderr,
			"hoptrace report: %s: a directory without trace.jsonl: not a bundle\n",
			input);
		return 1;
	}
	in->path = trace_path;
	in->objects = true; /* the page reads every object, as often as it likes */
	if (merge_input__load(in, err, sizeof(err))) {
		fprintf(stderr, "hoptrace report: %s: %s\n", trace_path, err);
		return 1;
	}
	if (*is_bundle && report_bundle__load(input, bundle, err, sizeof(err))) {
		fprintf(stderr, "hoptrace report: %s: %s\n", input, err);
		return 1;
	}
	return 0;
}

static int run(const char *input, const char *out_path)
{
	struct report_bundle bundle = { 0 };
	struct merge_input *in = calloc(1, sizeof(*in));
	char trace_path[4096], *buf = NULL;
	size_t len = 0;
	bool is_bundle = false;
	FILE *mem;
	int rc, ret;

	if (!in) {
		fprintf(stderr, "hoptrace report: out of memory\n");
		return 1;
	}
	rc = load(input, trace_path, sizeof(trace_path), in, &bundle, &is_bundle);
	if (rc)
		goto out;
	mem = open_memstream(&buf, &len);
	if (!mem) {
		fprintf(stderr, "hoptrace report: out of memory\n");
		rc = 1;
		goto out;
	}
	ret = report__write_page(in, is_bundle ? &bundle : NULL, mem);
	if (fclose(mem) && !ret)
		ret = -ENOMEM;
	if (ret) {
		fprintf(stderr, "hoptrace report: building the page: %s\n", strerror(-ret));
		rc = 1;
		goto out;
	}
	ret = out_path && strcmp(out_path, "-") ? write_file(out_path, buf, len) :
						  write_stdout(buf, len);
	if (ret == -EPIPE) {
		rc = 141;
	} else if (ret) {
		fprintf(stderr, "hoptrace report: %s: %s\n",
			out_path ? out_path : "standard output", strerror(-ret));
		rc = 1;
	}
out:
	free(buf);
	report_bundle__free(&bundle);
	merge_input__free(in);
	free(in);
	return rc;
}

int report_cmd__main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *out_path = NULL;
	int c;

	opterr = 0;
	optind = 1;
	/* No '+': options may follow the input (`hoptrace report trace.jsonl -o r.html`). */
	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fprintf(stderr, "hoptrace report: %s '%s' (try 'hoptrace report --help')\n",
				optopt == 'o' ? "option needs a file:" : "unknown option",
				argv[optind - 1]);
			return 2;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr,
			"hoptrace report: give one trace (.jsonl or .pcapng) or bundle directory "
			"(got %d; try 'hoptrace report --help')\n",
			argc - optind);
		return 2;
	}
	return run(argv[optind], out_path);
}

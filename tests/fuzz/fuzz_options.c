// SPDX-License-Identifier: GPL-2.0
/* Fuzzes the command line: the input, split at NUL bytes, is argv after "hoptrace"; it is
 * parsed with and then without the trace options, so each input also checks that one
 * parse leaves nothing behind for the next. Each word is its own allocation, freed after
 * the input, so a parser that keeps a pointer into an earlier argv is caught. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "options.h"

#define MAX_WORDS 64

/* What a successful parse promises the rest of hoptrace. */
static void check_parsed(const struct options *o, int argc, char **argv)
{
	FUZZ_CHECK(o->pod_count >= 0 && o->pod_count <= HOPTRACE_MAX_CIDRS);
	FUZZ_CHECK(o->peer_count >= 0 && o->peer_count <= HOPTRACE_MAX_CIDRS);
	FUZZ_CHECK(o->snaplen <= HOPTRACE_SNAPLEN_MAX);
	FUZZ_CHECK(isfinite(o->duration_s) && o->duration_s >= 0);
	FUZZ_CHECK(isfinite(o->linger_s) && o->linger_s >= 0);
	for (int i = 0; i < o->pod_count; i++)
		FUZZ_CHECK(o->pods[i].family == HOP_AF_INET || o->pods[i].family == HOP_AF_INET6);
	if (o->command) {
		/* A slice of argv: non-empty and NULL-terminated where argv is. */
		FUZZ_CHECK(o->command > argv && o->command < argv + argc);
		FUZZ_CHECK(argv[argc] == NULL);
	}
	if (o->filter_expr)
		FUZZ_CHECK(strlen(o->filter_expr) < 64 * 1024);
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	char *argv[MAX_WORDS + 2];
	struct options o;
	int argc = 1, r;
	size_t start = 0;

	argv[0] = strdup("hoptrace");
	for (size_t i = 0; i <= size && argc <= MAX_WORDS; i++) {
		if (i < size && in[i])
			continue;
		argv[argc] = malloc(i - start + 1);
		memcpy(argv[argc], in + start, i - start);
		argv[argc][i - start] = '\0';
		argc++;
		start = i + 1;
	}
	argv[argc] = NULL;

	for (int pass = 0; pass < 2; pass++) {
		r = options__parse(&o, argc, argv, pass == 0);
		FUZZ_CHECK(r >= -1 && r <= 2);
		if (r == 0)
			check_parsed(&o, argc, argv);
		options__free(&o);
	}
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	return 0;
}

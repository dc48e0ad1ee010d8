// SPDX-License-Identifier: GPL-2.0
/* Fuzzes the command line: the input, split at NUL bytes, is argv after "hoptrace". It is
 * parsed with and without the trace options, twice each from a fresh argv, so each input
 * also checks that one parse leaves nothing behind for the next. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "cli/options.h"

#define MAX_WORDS 64

/* What a successful parse promises the rest of hoptrace. */
static void check_parsed(const struct trace_config *o, int argc, char **argv)
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

/* Splits the input at NUL bytes into argv[1..], each word its own allocation. */
static int build_argv(const uint8_t *in, size_t size, char **argv)
{
	size_t start = 0;
	int argc = 1;

	argv[0] = strdup("hoptrace");
	FUZZ_CHECK(argv[0]);
	for (size_t i = 0; i <= size && argc <= MAX_WORDS; i++) {
		if (i < size && in[i])
			continue;
		argv[argc] = malloc(i - start + 1);
		FUZZ_CHECK(argv[argc]);
		memcpy(argv[argc], in + start, i - start);
		argv[argc][i - start] = '\0';
		argc++;
		start = i + 1;
	}
	argv[argc] = NULL;
	return argc;
}

static void free_argv(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		free(argv[i]);
}

/* A parse of its own argv, kept until both parses of a pair are done: getopt lives in libc,
 * which the sanitizers do not see, so a stale pointer into a freed argv could read
 * anything; into a live one it reads the old words and the two results differ. */
struct parse {
	char *argv[MAX_WORDS + 2];
	int argc;
	int r;
	struct trace_config o;
};

static void parse(const uint8_t *in, size_t size, bool allow_trace, struct parse *p)
{
	p->argc = build_argv(in, size, p->argv);
	p->r = options__parse(&p->o, p->argc, p->argv, allow_trace);
	FUZZ_CHECK(p->r >= -1 && p->r <= 2);
	if (p->r == 0)
		check_parsed(&p->o, p->argc, p->argv);
}

static void parse_done(struct parse *p)
{
	trace_config__free(&p->o);
	free_argv(p->argc, p->argv);
}

/* With and without the trace options, each twice from a fresh argv: the same words must
 * parse the same way however the previous call ended (getopt keeps state between calls). */
int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	static struct parse a, b;

	for (int trace = 1; trace >= 0; trace--) {
		parse(in, size, trace, &a);
		parse(in, size, trace, &b);
		FUZZ_CHECK(a.r == b.r);
		if (a.r == 0)
			FUZZ_CHECK(a.o.pod_count == b.o.pod_count &&
				   a.o.peer_count == b.o.peer_count && a.o.proto == b.o.proto &&
				   a.o.port == b.o.port && a.o.json == b.o.json &&
				   a.o.quiet == b.o.quiet && a.o.verbose == b.o.verbose &&
				   a.o.snaplen == b.o.snaplen && !a.o.command == !b.o.command);
		parse_done(&a);
		parse_done(&b);
	}
	return 0;
}

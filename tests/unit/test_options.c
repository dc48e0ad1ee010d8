// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the command line: each option's parser through options__parse, the trailing
 * filter expression, "-- command", and every bad input refused with -1. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "cli/options.h"

/* Parses the words as argv (argv[0] "hoptrace", NULL-terminated, as main passes it). */
#define PARSE(o, ...) parse_words(o, true, (const char *[]){ "hoptrace", __VA_ARGS__, NULL })
#define PARSE_NONE(o) parse_words(o, true, (const char *[]){ "hoptrace", NULL })

/* The argv of the last parse: options keeps pointers into it (command, pcapng path). */
static char *words[64];

/* The parser's one-line complaints go to /dev/null unless HOPTRACE_TEST_VERBOSE is set, so
 * that the test's own output shows only what failed. */
static int parse_words(struct trace_config *o, bool allow_trace, const char **list)
{
	int argc = 0, saved = -1, null_fd, r;

	while (list[argc] && argc < 63) {
		words[argc] = (char *)list[argc];
		argc++;
	}
	words[argc] = NULL;
	fflush(stderr);
	null_fd = getenv("HOPTRACE_TEST_VERBOSE") ? -1 : open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (null_fd >= 0) {
		saved = dup(STDERR_FILENO);
		dup2(null_fd, STDERR_FILENO);
		close(null_fd);
	}
	r = options__parse(o, argc, words, allow_trace);
	fflush(stderr);
	if (saved >= 0) {
		dup2(saved, STDERR_FILENO);
		close(saved);
	}
	return r;
}

static void test_defaults(void)
{
	struct trace_config o;

	CHECK(PARSE_NONE(&o) == 0);
	CHECK(o.pod_count == 0 && o.peer_count == 0);
	CHECK(o.proto == 0 && o.port == 0);
	CHECK(o.duration_s == 0 && o.linger_s == 0.5);
	CHECK(o.snaplen == HOPTRACE_SNAPLEN_DEFAULT);
	CHECK(!o.json && !o.quiet && o.verbose == 0);
	CHECK(o.pcapng_path == NULL && o.filter_expr == NULL && o.command == NULL);
	trace_config__free(&o);
}

static void test_pod_ip_lists(void)
{
	struct trace_config o;

	CHECK(PARSE(&o, "--pod-ip", "10.0.0.1,fd00::/64", "-p", "10.244.7.0/24",
		    "--pod-ip=192.168.0.9") == 0);
	CHECK(o.pod_count == 4);
	CHECK(o.pods[0].family == HOP_AF_INET && o.pods[0].prefix == 32);
	CHECK(o.pods[1].family == HOP_AF_INET6 && o.pods[1].prefix == 64);
	CHECK(o.pods[2].prefix == 24 && o.pods[2].addr[0] == htonl(0x0af40700));
	CHECK(o.pods[3].addr[0] == htonl(0xc0a80009));
	trace_config__free(&o);

	/* One bad member spoils the list. */
	CHECK(PARSE(&o, "--pod-ip", "10.0.0.1,10.0.0.256") == -1);
	trace_config__free(&o);
	/* An empty member is a mistake (an unset shell variable), not "no address". */
	static const char *const empty[] = { "", ",", "10.0.0.1,", ",10.0.0.1",
					     "10.0.0.1,,fd00::1" };

	for (size_t i = 0; i < sizeof(empty) / sizeof(empty[0]); i++) {
		CHECK(PARSE(&o, "--pod-ip", empty[i]) == -1);
		trace_config__free(&o);
		CHECK(PARSE(&o, "--peer", empty[i]) == -1);
		trace_config__free(&o);
	}
}

static void test_too_many_cidrs(void)
{
	const char *sixteen = "10.0.0.1,10.0.0.2,10.0.0.3,10.0.0.4,10.0.0.5,10.0.0.6,10.0.0.7,"
			      "10.0.0.8,10.0.0.9,10.0.0.10,10.0.0.11,10.0.0.12,10.0.0.13,"
			      "10.0.0.14,10.0.0.15,10.0.0.16";
	struct trace_config o;

	CHECK(PARSE(&o, "--pod-ip", sixteen) == 0);
	CHECK(o.pod_count == HOPTRACE_MAX_CIDRS);
	trace_config__free(&o);
	/* The limit counts across repetitions of the option too. */
	CHECK(PARSE(&o, "--pod-ip", sixteen, "--pod-ip", "10.0.0.17") == -1);
	trace_config__free(&o);
	CHECK(PARSE(&o, "--peer", sixteen, "--peer", "fd00::1") == -1);
	trace_config__free(&o);
}

static void test_peer_proto_port(void)
{
	struct trace_config o;

	CHECK(PARSE(&o, "--pod-ip", "10.0.0.1", "--peer", "10.2.0.0/16,fd00::1", "--proto", "udp",
		    "--port", "53") == 0);
	CHECK(o.peer_count == 2 && o.pod_count == 1);
	CHECK(o.peers[0].prefix == 16 && o.peers[1].family == HOP_AF_INET6);
	CHECK(o.proto == 17 && o.port == 53);
	trace_config__free(&o);

	CHECK(PARSE(&o, "--proto", "132") == 0 && o.proto == 132);
	trace_config__free(&o);
	CHECK(PARSE(&o, "--proto", "bogus") == -1);
	trace_config__free(&o);
	CHECK(PARSE(&o, "--proto", "0") == -1);
	trace_config__free(&o);
	CHECK(PARSE(&o, "--port", "0") == -1);
	trace_config__free(&o);
	CHECK(PARSE(&o, "--port", "65536") == -1);
	trace_config__free(&o);
	CHECK(PARSE(&o, "--peer", "10.0.0.0/33") == -1);
	trace_config__free(&o);
}

static void test_durations(void)
{
	struct trace_config o;

	CHECK(PARSE(&o, "--duration", "500ms") == 0 && o.duration_s == 0.5);
	trace_config__free(&o);
	CHECK(PARSE(&o, "-d", "2m", "--linger", "0") == 0);
	CHECK(o.duration_s == 120 && o.linger_s == 0);
	trace_config__free(&o);
	CHECK(PARSE(&o, "--duration", "0") == -1); /* a trace of no time is a mistake */
	trace_config__free(&o);
	CHECK(PARSE(&o, "--duration", "-5") == -1);
	trace_config__free(&o);
	CHECK(PARSE(&o, "--duration", "5 minutes") == -1);
	trace_config__free(&o);
	CHECK(PARSE(&o, "--linger", "soon") == -1);
	trace_config__free(&o);
}

static void test_snaplen_bounds(void)
{
	static const struct {
		const char *text;
		long want; /* -1: refused */
	} cases[] = {
		{ "0", 0 },
		{ "1", 1 },
		{ "512", HOPTRACE_SNAPLEN_MAX },
		{ "513", -1 },
		{ "-1", -1 },
		{ "", -1 },
		{ "abc", -1 },
		{ "64k", -1 },
		{ " 64", -1 },
		{ "+64", -1 },
		{ "99999999999999999999", -1 },
	};
	struct trace_config o;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r = PARSE(&o, "--snaplen", cases[i].text);

		if (cases[i].want < 0 ? r != -1 : r || o.snaplen != cases[i].want) {
			fprintf(stderr, "  --snaplen \"%s\": %d (snaplen %u)\n", cases[i].text, r,
				o.snaplen);
			CHECK(!"--snaplen parsed as expected");
		}
		trace_config__free(&o);
	}
	CHECK(PARSE(&o, "-s", "256") == 0 && o.snaplen == 256);
	trace_config__free(&o);
}

static void test_flags(void)
{
	struct trace_config o;

	CHECK(PARSE(&o, "--json") == 0 && o.json);
	trace_config__free(&o);
	CHECK(PARSE(&o, "-j", "-q", "-vv") == 0);
	CHECK(o.json && o.quiet && o.verbose == 2);
	trace_config__free(&o);
	CHECK(PARSE(&o, "-jq") == 0 && o.json && o.quiet);
	trace_config__free(&o);
	CHECK(PARSE(&o, "-w", "trace.pcapng") == 0);
	CHECK_STR(o.pcapng_path, "trace.pcapng");
	trace_config__free(&o);
	CHECK(PARSE(&o, "--pcapng", "-") == 0);
	CHECK_STR(o.pcapng_path, "-");
	trace_config__free(&o);
	CHECK(PARSE(&o, "-w", "") == -1);
	trace_config__free(&o);
	CHECK(PARSE(&o, "--json=yes") == -1); /* a flag takes no value */
	trace_config__free(&o);
}

static void test_trailing_expression(void)
{
	struct trace_config o;

	CHECK(PARSE(&o, "--pod-ip", "10.0.0.1", "tcp", "port", "80") == 0);
	CHECK_STR(o.filter_expr, "tcp port 80");
	CHECK(o.command == NULL);
	trace_config__free(&o);

	CHECK(PARSE(&o, "-f", "udp port 53") == 0);
	CHECK_STR(o.filter_expr, "udp port 53");
	trace_config__free(&o);

	/* Given twice, in either form, is refused rather than one silently winning. */
	CHECK(PARSE(&o, "-f", "udp", "tcp") == -1);
	trace_config__free(&o);
	CHECK(PARSE(&o, "--filter", "udp", "--filter", "tcp") == -1);
	trace_config__free(&o);
}

static void test_command(void)
{
	struct trace_config o;

	CHECK(PARSE(&o, "--pod-ip", "10.0.0.1", "--", "ping", "-c1", "10.0.0.2") == 0);
	CHECK(o.command != NULL);
	if (o.command) {
		CHECK_STR(o.command[0], "ping");
		CHECK_STR(o.command[1], "-c1"); /* options after "--" belong to the command */
		CHECK_STR(o.command[2], "10.0.0.2");
		CHECK(o.command[3] == NULL);
	}
	CHECK(o.filter_expr == NULL);
	trace_config__free(&o);

	CHECK(PARSE(&o, "-p", "10.0.0.1", "udp", "port", "53", "--", "nc", "-u", "x") == 0);
	CHECK_STR(o.filter_expr, "udp port 53");
	CHECK(o.command && !strcmp(o.command[0], "nc") && !strcmp(o.command[1], "-u"));
	trace_config__free(&o);

	/* A second "--" is the command's own. */
	CHECK(PARSE(&o, "--", "sh", "--", "x") == 0);
	CHECK(o.command && !strcmp(o.command[1], "--"));
	trace_config__free(&o);
}

static void test_dash_dash_alone(void)
{
	struct trace_config o;

	CHECK(PARSE(&o, "--pod-ip", "10.0.0.1", "--") == -1);
	trace_config__free(&o);
	CHECK(PARSE(&o, "--") == -1);
	trace_config__free(&o);
	CHECK(PARSE(&o, "tcp", "--") == -1);
	trace_config__free(&o);
}

static void test_unknown_and_missing(void)
{
	struct trace_config o;

	CHECK(PARSE(&o, "--bogus") == -1);
	trace_config__free(&o);
	CHECK(PARSE(&o, "-z") == -1);
	trace_config__free(&o);
	CHECK(PARSE(&o, "-jz") == -1);
	trace_config__free(&o);
	CHECK(PARSE(&o, "--pod-ip") == -1);
	trace_config__free(&o);
	CHECK(PARSE(&o, "-p") == -1);
	trace_config__free(&o);
	CHECK(PARSE(&o, "--json", "--snaplen") == -1);
	trace_config__free(&o);
	CHECK(PARSE(&o, "--duration") == -1);
	trace_config__free(&o);
}

/* The one line a refused parse prints (without the "Try 'hoptrace --help'." after it). */
static void parse_message(char *msg, size_t size, bool allow_trace, const char **list)
{
	struct trace_config o;
	FILE *err = tmpfile();
	int saved = dup(STDERR_FILENO), argc = 0;

	msg[0] = 0;
	if (!err || saved < 0)
		return;
	while (list[argc])
		argc++;
	fflush(stderr);
	dup2(fileno(err), STDERR_FILENO);
	CHECK(options__parse(&o, argc, (char **)list, allow_trace) == -1);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	trace_config__free(&o);
	rewind(err);
	if (!fgets(msg, (int)size, err))
		msg[0] = 0;
	msg[strcspn(msg, "\n")] = 0;
	fclose(err);
}

#define MESSAGE(msg, ...) \
	parse_message(msg, sizeof(msg), true, (const char *[]){ "hoptrace", __VA_ARGS__, NULL })

/* A misspelt long option is answered with the nearest one; a value given to a flag and an
 * abbreviation of several options are named as such. */
static void test_did_you_mean(void)
{
	char msg[256];

	MESSAGE(msg, "--pod-iq", "10.0.0.1");
	CHECK_STR(msg, "hoptrace: unknown option '--pod-iq' (did you mean --pod-ip?)");
	MESSAGE(msg, "--pod-ip", "10.0.0.1", "--pod-iq=10.0.0.2");
	CHECK_STR(msg, "hoptrace: unknown option '--pod-iq=10.0.0.2' (did you mean --pod-ip?)");
	MESSAGE(msg, "--jsno");
	CHECK_STR(msg, "hoptrace: unknown option '--jsno' (did you mean --json?)");
	MESSAGE(msg, "--ringsize", "1M");
	CHECK_STR(msg, "hoptrace: unknown option '--ringsize' (did you mean --ring-size?)");
	MESSAGE(msg, "--frobnicate");
	CHECK_STR(msg, "hoptrace: unknown option '--frobnicate'");
	MESSAGE(msg, "--json=yes");
	CHECK_STR(msg, "hoptrace: option '--json' takes no value");
	MESSAGE(msg, "--quiet=");
	CHECK_STR(msg, "hoptrace: option '--quiet' takes no value");
	MESSAGE(msg, "--po", "1");
	CHECK_STR(msg, "hoptrace: option '--po' is ambiguous: --pod-ip --pod --pod-json --port");
	/* Only options valid here are suggested. */
	parse_message(msg, sizeof(msg), false, (const char *[]){ "hooks", "--jsno", NULL });
	CHECK_STR(msg, "hoptrace: unknown option '--jsno'");
}

static void test_help_version(void)
{
	struct trace_config o;

	CHECK(PARSE(&o, "--help") == 1);
	trace_config__free(&o);
	CHECK(PARSE(&o, "-h", "--bogus") == 1); /* help wins when it comes first */
	trace_config__free(&o);
	CHECK(PARSE(&o, "--version") == 2); /* main prints the version for 2 */
	trace_config__free(&o);
}

/* Subcommands without the trace options ("hooks" before it takes them, say). */
static void test_without_trace_options(void)
{
	struct trace_config o;

	CHECK(parse_words(&o, false, (const char *[]){ "hooks", "--pod-ip", "10.0.0.1", NULL }) ==
	      -1);
	trace_config__free(&o);
	CHECK(parse_words(&o, false, (const char *[]){ "hooks", "tcp", NULL }) == -1);
	trace_config__free(&o);
	CHECK(parse_words(&o, false, (const char *[]){ "hooks", "--help", NULL }) == 1);
	trace_config__free(&o);
	CHECK(parse_words(&o, false, (const char *[]){ "hooks", NULL }) == 0);
	trace_config__free(&o);
}

/* getopt keeps its place inside a cluster of short options between calls; a new parse must
 * not resume in the old argv (an error at "-z" of "-zj" left it pointing at "j"). */
static void test_parse_again_after_error(void)
{
	struct trace_config o;

	CHECK(PARSE(&o, "-zj") == -1);
	trace_config__free(&o);
	CHECK(PARSE_NONE(&o) == 0);
	CHECK(!o.json);
	trace_config__free(&o);
	CHECK(PARSE(&o, "-qs") == -1); /* missing value mid-cluster */
	trace_config__free(&o);
	CHECK(PARSE(&o, "-j") == 0 && o.json && !o.quiet);
	trace_config__free(&o);
}

int main(void)
{
	RUN(test_defaults);
	RUN(test_pod_ip_lists);
	RUN(test_too_many_cidrs);
	RUN(test_peer_proto_port);
	RUN(test_durations);
	RUN(test_snaplen_bounds);
	RUN(test_flags);
	RUN(test_trailing_expression);
	RUN(test_command);
	RUN(test_dash_dash_alone);
	RUN(test_unknown_and_missing);
	RUN(test_did_you_mean);
	RUN(test_help_version);
	RUN(test_without_trace_options);
	RUN(test_parse_again_after_error);
	CHECK_EXIT();
}

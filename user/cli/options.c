// SPDX-License-Identifier: GPL-2.0
/* Option table and parsing. Each option names its typed parser; getopt's tables and the
 * help text are both generated from the one table, so they cannot disagree. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "cli/addr.h"
#include "cli/options.h"
#include "cli/suggest.h"
#include "host/pods.h"

struct option_row {
	const char *name;
	char short_name; /* 0: long only */
	const char *arg; /* NULL: a flag */
	const char *help;
	int (*set)(struct trace_config *opts, const char *arg);
};

static int set_cidr_list(struct hop_cidr *set, int *count, const char *what, const char *arg)
{
	char *copy, *save = NULL, *tok;
	size_t len = strlen(arg);
	int err = 0;

	/* strtok_r skips empty members: "" or "10.0.0.1," would quietly mean fewer addresses
	 * (an empty --peer, no narrowing at all) instead of the mistake they are. */
	if (!len || arg[0] == ',' || arg[len - 1] == ',' || strstr(arg, ",,")) {
		fprintf(stderr, "hoptrace: empty address in %s '%s'\n", what, arg);
		return -EINVAL;
	}
	copy = strdup(arg);
	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (*count >= HOPTRACE_MAX_CIDRS) {
			fprintf(stderr, "hoptrace: too many %s addresses (at most %d)\n", what,
				HOPTRACE_MAX_CIDRS);
			err = -E2BIG;
			break;
		}
		if (addr__parse_cidr(tok, &set[*count])) {
			fprintf(stderr, "hoptrace: invalid %s address or CIDR '%s'\n", what, tok);
			err = -EINVAL;
			break;
		}
		(*count)++;
	}
	free(copy);
	return err;
}

static int set_pod_ip(struct trace_config *o, const char *arg)
{
	return set_cidr_list(o->pods, &o->pod_count, "--pod-ip", arg);
}

static int set_pod(struct trace_config *o, const char *arg)
{
	char ns[64], name[254];

	if (pods__parse_ref(arg, ns, sizeof(ns), name, sizeof(name))) {
		fprintf(stderr,
			"hoptrace: invalid --pod '%s' (NAMESPACE/NAME, or NAME in default)\n", arg);
		return -EINVAL;
	}
	if (o->pod_ref_count >= HOPTRACE_MAX_POD_REFS) {
		fprintf(stderr, "hoptrace: too many --pod (at most %d)\n", HOPTRACE_MAX_POD_REFS);
		return -E2BIG;
	}
	o->pod_refs[o->pod_ref_count++] = arg;
	return 0;
}

static int set_pod_json(struct trace_config *o, const char *arg)
{
	if (!*arg) {
		fprintf(stderr, "hoptrace: --pod-json needs a file name (or - for stdin)\n");
		return -EINVAL;
	}
	o->pod_json = arg;
	return 0;
}

static int set_runtime_state(struct trace_config *o, const char *arg)
{
	if (!*arg) {
		fprintf(stderr, "hoptrace: --runtime-state needs a directory\n");
		return -EINVAL;
	}
	if (o->state_dir_count >= HOPTRACE_MAX_STATE_DIRS) {
		fprintf(stderr, "hoptrace: too many --runtime-state (at most %d)\n",
			HOPTRACE_MAX_STATE_DIRS);
		return -E2BIG;
	}
	o->state_dirs[o->state_dir_count++] = arg;
	return 0;
}

static int set_peer(struct trace_config *o, const char *arg)
{
	return set_cidr_list(o->peers, &o->peer_count, "--peer", arg);
}

static int set_proto(struct trace_config *o, const char *arg)
{
	if (!addr__parse_proto(arg, &o->proto))
		return 0;
	fprintf(stderr, "hoptrace: invalid --proto '%s' (tcp, udp, icmp, icmp6, sctp or 1-255)\n",
		arg);
	return -EINVAL;
}

static int set_port(struct trace_config *o, const char *arg)
{
	if (!addr__parse_port(arg, &o->port))
		return 0;
	fprintf(stderr, "hoptrace: invalid --port '%s' (1-65535)\n", arg);
	return -EINVAL;
}

static int set_seconds(double *dst, const char *name, const char *arg)
{
	if (!addr__parse_duration(arg, dst))
		return 0;
	fprintf(stderr, "hoptrace: invalid %s '%s' (a number with ms, s, m or h)\n", name, arg);
	return -EINVAL;
}

static int set_duration(struct trace_config *o, const char *arg)
{
	int err = set_seconds(&o->duration_s, "--duration", arg);

	if (!err && o->duration_s <= 0) {
		fprintf(stderr, "hoptrace: --duration must be more than 0\n");
		return -EINVAL;
	}
	return err;
}

static int set_linger(struct trace_config *o, const char *arg)
{
	return set_seconds(&o->linger_s, "--linger", arg);
}

static int set_snaplen(struct trace_config *o, const char *arg)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	/* Digits only: strtol would take " 64" and "+64" too. */
	if (!isdigit((unsigned char)*arg) || errno || *end || v < 0 || v > HOPTRACE_SNAPLEN_MAX) {
		fprintf(stderr, "hoptrace: invalid --snaplen '%s' (0-%d bytes)\n", arg,
			HOPTRACE_SNAPLEN_MAX);
		return -EINVAL;
	}
	o->snaplen = (__u32)v;
	return 0;
}

static int set_ring_size(struct trace_config *o, const char *arg)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (*end == 'k' || *end == 'K')
		v <<= 10, end++;
	else if (*end == 'm' || *end == 'M')
		v <<= 20, end++;
	if (!isdigit((unsigned char)*arg) || errno || *end || v < TRACE_RING_MIN ||
	    v > TRACE_RING_MAX || (v & (v - 1))) {
		fprintf(stderr, "hoptrace: invalid --ring-size '%s' (a power of two, 64K-1024M)\n",
			arg);
		return -EINVAL;
	}
	o->ring_size = (__u32)v;
	return 0;
}

static int set_json(struct trace_config *o, const char *arg)
{
	(void)arg;
	o->json = true;
	return 0;
}

static int set_rules(struct trace_config *o, const char *arg)
{
	(void)arg;
	o->rules = true;
	return 0;
}

static int set_check(struct trace_config *o, const char *arg)
{
	(void)arg;
	o->check = true;
	return 0;
}

static int set_quiet(struct trace_config *o, const char *arg)
{
	(void)arg;
	o->quiet = true;
	return 0;
}

static int set_verbose(struct trace_config *o, const char *arg)
{
	(void)arg;
	o->verbose++;
	return 0;
}

static int set_pcapng(struct trace_config *o, const char *arg)
{
	if (!*arg) {
		fprintf(stderr, "hoptrace: --pcapng needs a file name (or - for stdout)\n");
		return -EINVAL;
	}
	o->pcapng_path = arg;
	return 0;
}

static int set_bundle(struct trace_config *o, const char *arg)
{
	if (!*arg) {
		fprintf(stderr, "hoptrace: --bundle needs a directory or a .tar.gz file name\n");
		return -EINVAL;
	}
	o->bundle_path = arg;
	return 0;
}

static int set_filter(struct trace_config *o, const char *arg)
{
	if (o->filter_expr) {
		fprintf(stderr, "hoptrace: give the filter expression once\n");
		return -EINVAL;
	}
	o->filter_expr = strdup(arg);
	return o->filter_expr ? 0 : -ENOMEM;
}

static int set_netns(struct trace_config *o, const char *arg)
{
	if (o->netns_count >= HOPTRACE_MAX_NETNS) {
		fprintf(stderr, "hoptrace: too many --netns (at most %d)\n", HOPTRACE_MAX_NETNS);
		return -E2BIG;
	}
	if (!*arg || strchr(arg, '/')) {
		fprintf(stderr,
			"hoptrace: invalid --netns '%s' (a name under /run/netns, or all)\n", arg);
		return -EINVAL;
	}
	o->netns[o->netns_count++] = arg;
	return 0;
}

/* NAME[,NAME..]: namespaces as the timeline names them ("host", a /run/netns name,
 * "pid:<pid>"); checked against the node before anything attaches. */
static int set_only_netns(struct trace_config *o, const char *arg)
{
	const char *p = arg;

	do {
		size_t n = strcspn(p, ",");

		if (o->only_netns_count >= HOPTRACE_MAX_NETNS) {
			fprintf(stderr, "hoptrace: too many --only-netns names (at most %d)\n",
				HOPTRACE_MAX_NETNS);
			return -E2BIG;
		}
		if (!n || n >= sizeof(o->only_netns[0]) || memchr(p, '/', n)) {
			fprintf(stderr,
				"hoptrace: invalid --only-netns '%s' (names of network namespaces: "
				"host, a name under /run/netns, or pid:PID, comma-separated)\n",
				arg);
			return -EINVAL;
		}
		snprintf(o->only_netns[o->only_netns_count++], sizeof(o->only_netns[0]), "%.*s",
			 (int)n, p);
		p += n;
	} while (*p++ == ',');
	return 0;
}

/* A name merge shows for the node: printable, no spaces, as a host name would be. */
static int set_node_name(struct trace_config *o, const char *arg)
{
	size_t n = strlen(arg);

	if (!n || n >= 64 || strcspn(arg, " \t\n\"\\/") != n) {
		fprintf(stderr,
			"hoptrace: invalid --node-name '%s' (1 to 63 characters, no spaces, quotes "
			"or slashes)\n",
			arg);
		return -EINVAL;
	}
	o->node_name = arg;
	return 0;
}

/* Options the trace takes; "help" and "version" are handled by the parser itself. */
static const struct option_row trace_rows[] = {
	{ "pod-ip", 'p', "ADDR[,ADDR..]",
	  "trace packets from or to these IPv4/IPv6 addresses or CIDRs (repeatable)", set_pod_ip },
	{ "pod", 0, "NAMESPACE/NAME",
	  "trace this pod of this node: its addresses and its network namespace, found in the "
	  "container runtime's state (NAME alone: namespace default; repeatable; mixes with "
	  "--pod-ip)",
	  set_pod },
	{ "pod-json", 0, "FILE",
	  "also read pods from this output of kubectl get pod -o json (- for stdin), for nodes "
	  "whose runtime state cannot be read",
	  set_pod_json },
	{ "runtime-state", 0, "DIR",
	  "read pods from this runtime state directory instead of containerd's, k3s' and CRI-O's "
	  "(a containerd task directory or CRI-O's overlay-containers; repeatable)",
	  set_runtime_state },
	{ "peer", 0, "ADDR[,ADDR..]", "only packets whose other end is in these addresses/CIDRs",
	  set_peer },
	{ "proto", 0, "PROTO", "only this IP protocol: tcp, udp, icmp, icmp6, sctp or a number",
	  set_proto },
	{ "port", 0, "PORT", "only packets with this source or destination port", set_port },
	{ "filter", 'f', "EXPR",
	  "pcap-filter expression (tcpdump syntax), applied in user space to the packet as first "
	  "seen; --pod-ip still filters in the kernel. A trailing expression works too",
	  set_filter },
	{ "netns", 'n', "NAME",
	  "also watch netfilter in this network namespace (a node's; /run/netns name, or all). "
	  "The initial one and the pods' are always watched (repeatable)",
	  set_netns },
	{ "only-netns", 0, "NAME[,NAME..]",
	  "report only hops in these network namespaces (host, /run/netns names, pid:PID; "
	  "repeatable): one node's half of a cross-node trace, or one container. Their "
	  "netfilter is watched too",
	  set_only_netns },
	{ "node-name", 0, "NAME",
	  "the node's name in the trace's summary, for hoptrace merge (default: the host name); "
	  "name each half when --only-netns splits one kernel into nodes",
	  set_node_name },
	{ "rules", 0, NULL,
	  "name the netfilter rule behind each drop and every rule the packet met, by tracing "
	  "the rules (adds a marking table of its own to each watched namespace while it runs; "
	  "docs/rules.md). Without it, drops are matched to rules by their counters",
	  set_rules },
	{ "check", 0, NULL,
	  "before tracing, check the pod's path layer by layer (hoptrace check, towards a single "
	  "--peer address) and name the failed item that explains each drop",
	  set_check },
	{ "duration", 'd', "TIME", "stop after TIME (e.g. 10, 500ms, 2m)", set_duration },
	{ "linger", 0, "TIME",
	  "after the command ends, wait TIME for packets still in flight (default 0.5s)",
	  set_linger },
	{ "snaplen", 's', "BYTES", "bytes of each packet to capture (default 128, at most 512)",
	  set_snaplen },
	{ "ring-size", 0, "BYTES",
	  "kernel-to-user ring buffer size, a power of two (default 8M; raise it when events are "
	  "lost)",
	  set_ring_size },
	{ "json", 'j', NULL, "write JSON Lines (docs/output.md) instead of text", set_json },
	{ "pcapng", 'w', "FILE", "also write the trace as pcapng to FILE (- for stdout)",
	  set_pcapng },
	{ "bundle", 0, "DIR|FILE.tar.gz",
	  "also write the trace, each watched namespace's state at start and end, and the "
	  "counters that rose, with SHA-256 sums, to DIR or FILE.tar.gz (docs/bundle.md)",
	  set_bundle },
	{ "quiet", 'q', NULL, "no start line and no live status line on stderr", set_quiet },
	{ "verbose", 'v', NULL, "more detail; twice shows libbpf's log", set_verbose },
};

static const struct option_row common_rows[] = {
	{ "help", 'h', NULL, "show this help", NULL },
	{ "version", 'V', NULL, "show the version", NULL },
};

#define ROW_COUNT(rows) (sizeof(rows) / sizeof((rows)[0]))

#define HELP_INDENT 33
#define HELP_WIDTH 100

/* Writes text wrapped at HELP_WIDTH, continuation lines indented under the first. */
static void print_wrapped(FILE *f, const char *text)
{
	int col = HELP_INDENT;

	while (*text) {
		int word = strcspn(text, " ");

		if (col > HELP_INDENT && col + 1 + word > HELP_WIDTH) {
			fprintf(f, "\n%*s", HELP_INDENT, "");
			col = HELP_INDENT;
		} else if (col > HELP_INDENT) {
			fputc(' ', f);
			col++;
		}
		fprintf(f, "%.*s", word, text);
		col += word;
		text += word;
		while (*text == ' ')
			text++;
	}
	fputc('\n', f);
}

void options__usage(FILE *f)
{
	const struct option_row *sets[] = { trace_rows, common_rows };
	size_t counts[] = { ROW_COUNT(trace_rows), ROW_COUNT(common_rows) };

	fprintf(f, "Options:\n");
	for (size_t s = 0; s < 2; s++) {
		for (size_t i = 0; i < counts[s]; i++) {
			const struct option_row *r = &sets[s][i];
			char left[64];

			snprintf(left, sizeof(left), "%c%c%s--%s%s%s", r->short_name ? '-' : ' ',
				 r->short_name ? r->short_name : ' ', r->short_name ? ", " : "  ",
				 r->name, r->arg ? " " : "", r->arg ? r->arg : "");
			fprintf(f, "  %-30s ", left);
			print_wrapped(f, r->help);
		}
	}
}

/* Joins the positional words into one pcap-filter expression, as tcpdump does. */
static int take_positional(struct trace_config *o, int argc, char **argv, int first)
{
	size_t len = 0;

	if (o->filter_expr) {
		fprintf(stderr,
			"hoptrace: give the filter expression once (--filter or trailing)\n");
		return -1;
	}
	for (int i = first; i < argc; i++)
		len += strlen(argv[i]) + 1;
	o->filter_expr = calloc(1, len + 1);
	if (!o->filter_expr)
		return -1;
	for (int i = first; i < argc; i++) {
		if (i > first)
			strcat(o->filter_expr, " ");
		strcat(o->filter_expr, argv[i]);
	}
	return 0;
}

/* After the options: an optional trailing filter expression, then "--" and a command. */
static int take_rest(struct trace_config *o, int argc, char **argv, int first, bool allow_trace)
{
	int dash = -1;

	if (first > 0 && !strcmp(argv[first - 1], "--"))
		dash = first - 1;
	for (int i = first; dash < 0 && i < argc; i++)
		if (!strcmp(argv[i], "--"))
			dash = i;
	if (dash >= 0) {
		if (dash + 1 >= argc) {
			fprintf(stderr, "hoptrace: no command after '--'\n");
			return -1;
		}
		o->command = &argv[dash + 1];
	}
	if (dash < 0)
		dash = argc;
	if (first >= dash)
		return 0;
	if (!allow_trace) {
		fprintf(stderr, "hoptrace: unexpected argument '%s'\n", argv[first]);
		return -1;
	}
	return take_positional(o, dash, argv, first);
}

static int build_getopt(struct option *longs, char *shorts, bool allow_trace)
{
	const struct option_row *sets[] = { common_rows, trace_rows };
	size_t counts[] = { ROW_COUNT(common_rows), allow_trace ? ROW_COUNT(trace_rows) : 0 };
	int n = 0, s_len = 0;

	shorts[s_len++] = '+'; /* stop at the first non-option: "--" and commands stay intact */
	shorts[s_len++] = ':';
	for (size_t s = 0; s < 2; s++) {
		for (size_t i = 0; i < counts[s]; i++) {
			const struct option_row *r = &sets[s][i];

			longs[n] = (struct option){ r->name,
						    r->arg ? required_argument : no_argument, NULL,
						    1000 + (int)(s * 100 + i) };
			n++;
			if (r->short_name) {
				shorts[s_len++] = r->short_name;
				if (r->arg)
					shorts[s_len++] = ':';
			}
		}
	}
	longs[n] = (struct option){ 0 };
	shorts[s_len] = 0;
	return n;
}

static const struct option_row *row_for(int code, int short_code, bool allow_trace)
{
	const struct option_row *sets[] = { common_rows, trace_rows };
	size_t counts[] = { ROW_COUNT(common_rows), allow_trace ? ROW_COUNT(trace_rows) : 0 };

	for (size_t s = 0; s < 2; s++)
		for (size_t i = 0; i < counts[s]; i++)
			if (code == 1000 + (int)(s * 100 + i) ||
			    (short_code && sets[s][i].short_name == short_code))
				return &sets[s][i];
	return NULL;
}

/* getopt takes an abbreviation when one option starts with it; several: it refuses. */
static bool report_ambiguous(const char *bad, const struct option *longs, size_t len)
{
	int matches = 0;

	for (int i = 0; longs[i].name; i++)
		matches += !strncmp(longs[i].name, bad + 2, len);
	if (matches < 2)
		return false;
	fprintf(stderr, "hoptrace: option '%.*s' is ambiguous:", (int)len + 2, bad);
	for (int i = 0; longs[i].name; i++)
		if (!strncmp(longs[i].name, bad + 2, len))
			fprintf(stderr, " --%s", longs[i].name);
	fprintf(stderr, "\n");
	return true;
}

/* "--pod-iq" is answered with the nearest long option valid here, "--pod-iq=1" too. */
static void report_unknown_long(const char *bad, const struct option *longs)
{
	const char *name = bad + 2, *best;
	size_t len = strcspn(name, "=");
	struct suggestion s;

	if (len && report_ambiguous(bad, longs, len))
		return;
	suggest__init(&s, name, len);
	for (int i = 0; longs[i].name; i++)
		suggest__consider(&s, longs[i].name);
	best = suggest__best(&s);
	if (best)
		fprintf(stderr, "hoptrace: unknown option '%s' (did you mean --%s?)\n", bad, best);
	else
		fprintf(stderr, "hoptrace: unknown option '%s'\n", bad);
}

/* One line for what getopt refused: a missing value, a value given to a flag
 * ("--json=yes"), an unknown short option, an unknown long one. */
static void report_bad_option(int c, const char *bad, const struct option *longs, bool allow_trace)
{
	const struct option_row *row = optopt >= 1000 ? row_for(optopt, 0, allow_trace) : NULL;

	if (c == ':')
		fprintf(stderr, "hoptrace: option '%s' needs a value\n", bad);
	else if (row)
		fprintf(stderr, "hoptrace: option '--%s' takes no value\n", row->name);
	else if (optopt)
		fprintf(stderr, "hoptrace: unknown option '-%c'\n", optopt);
	else if (!strncmp(bad, "--", 2))
		report_unknown_long(bad, longs);
	else
		fprintf(stderr, "hoptrace: unknown option '%s'\n", bad);
	fprintf(stderr, "Try 'hoptrace --help'.\n");
}

int options__parse(struct trace_config *o, int argc, char **argv, bool allow_trace)
{
	struct option longs[ROW_COUNT(trace_rows) + ROW_COUNT(common_rows) + 1];
	char shorts[2 * (ROW_COUNT(trace_rows) + ROW_COUNT(common_rows)) + 3];
	const struct option_row *row;
	int c;

	trace_config__defaults(o);
	o->argc = argc;
	o->argv = argv;
	build_getopt(longs, shorts, allow_trace);
	/* 0, not 1: glibc then forgets its place inside a cluster of short options ("-zj"
	 * stopped at z), which would point into the argv of an earlier call. */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		if (c == '?' || c == ':') {
			report_bad_option(c, argv[optind - 1], longs, allow_trace);
			return -1;
		}
		row = row_for(c >= 1000 ? c : 0, c < 1000 ? c : 0, allow_trace);
		if (!row)
			return -1;
		if (!strcmp(row->name, "help") || !strcmp(row->name, "version"))
			return !strcmp(row->name, "help") ? 1 : 2;
		if (row->set(o, optarg))
			return -1;
	}
	return take_rest(o, argc, argv, optind, allow_trace);
}

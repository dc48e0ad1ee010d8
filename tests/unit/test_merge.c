// SPDX-License-Identifier: GPL-2.0
/* Unit tests of hoptrace merge on traces written here in hoptrace's JSON Lines form: the
 * clock offset and its bound from packets both ways (worked by hand), one way only, loss
 * between nodes and when it cannot be said, NAT's tuples, parts of one node never joined
 * together, ambiguous identities joined by time, and which inputs are distinct nodes. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "merge/merge.h"

#define T0 1700000000000000000LL /* a wall-clock time, ns */
#define SEC 1000000000LL

struct trace_writer {
	char path[64];
	FILE *f;
};

static void trace_open(struct trace_writer *t)
{
	int fd;

	snprintf(t->path, sizeof(t->path), "/tmp/hoptrace-merge-XXXXXX");
	fd = mkstemp(t->path);
	t->f = fd >= 0 ? fdopen(fd, "w") : NULL;
}

/* One hop: a UDP datagram's tuple and IP id (inner inside a tunnel when vni). */
static void hop(struct trace_writer *t, int pkt, long long ts, const char *hook, const char *netns,
		const char *src, const char *dst, int ip_id)
{
	fprintf(t->f,
		"{\"type\":\"hop\",\"pkt\":%d,\"ts_ns\":%lld,\"hook\":\"%s\",\"layer\":\"node\","
		"\"netns\":1,\"netns_name\":\"%s\",\"ifname\":\"eth0\",\"tuple\":{\"family\":\"ipv4\","
		"\"proto\":\"udp\",\"src\":\"%s\",\"dst\":\"%s\",\"sport\":1000,\"dport\":53},"
		"\"ident\":{\"ip_id\":%d,\"udp_len\":20}}\n",
		pkt, ts, hook, netns, src, dst, ip_id);
}

static void packet(struct trace_writer *t, int pkt, int flow, const char *fate)
{
	fprintf(t->f,
		"{\"type\":\"packet\",\"pkt\":%d,\"flow\":%d,\"fate\":\"%s\",\"hops\":2,"
		"\"verdict\":\"%s (test)\"}\n",
		pkt, flow, fate, fate);
}

/* The summary: the node's name, boot id, scope (a netns inode, 0 for none), and span. */
static void summary(struct trace_writer *t, const char *name, const char *boot, int scope,
		    long long start, long long end)
{
	fprintf(t->f,
		"{\"type\":\"summary\",\"node\":{\"name\":\"%s\",\"hostname\":\"h-%s\",\"boot_id\":"
		"\"%s\",\"kernel\":\"6.1\",\"clock_start\":{\"mono_ns\":1,\"real_ns\":%lld,"
		"\"error_ns\":10},\"clock_end\":{\"mono_ns\":2,\"real_ns\":%lld,\"error_ns\":10}",
		name, name, boot, start, end);
	if (scope)
		fprintf(t->f, ",\"scope\":[{\"netns\":%d,\"netns_name\":\"ns%d\"}]", scope, scope);
	fprintf(t->f, "}}\n");
	fclose(t->f);
	t->f = NULL;
}

/* Loads the traces as merge does (objects: keeping every parsed object, as report does),
 * and joins and judges them. */
static int merge_files_kept(struct merge_set *set, struct trace_writer *t, int n, bool objects)
{
	char err[256];

	memset(set, 0, sizeof(*set));
	for (int i = 0; i < n; i++) {
		set->inputs[i].path = t[i].path;
		set->inputs[i].objects = objects;
		set->input_count = i + 1;
		if (merge_input__load(&set->inputs[i], err, sizeof(err))) {
			fprintf(stderr, "  load %s: %s\n", t[i].path, err);
			return -1;
		}
		for (int k = 0; k < set->inputs[i].part_count; k++)
			set->inputs[i].parts[k].input = i;
	}
	if (merge__check_inputs(set, err, sizeof(err)))
		return -2;
	merge__label_inputs(set);
	if (merge__match(set))
		return -1;
	merge__judge(set);
	return 0;
}

static int merge_files(struct merge_set *set, struct trace_writer *t, int n)
{
	return merge_files_kept(set, t, n, false);
}

static void merge_free(struct merge_set *set, struct trace_writer *t, int n)
{
	merge_set__free(set);
	for (int i = 0; i < n; i++)
		unlink(t[i].path);
}

/* A request a->b (delay 100 ns) and its reply b->a (150 ns); b's clock 2 s ahead. The
 * offset lies in (-d(b->a), d(a->b)) = (2 s - 150, 2 s + 100): 2 s - 25 +- 125 (+1).
 * late_free: a free of the sent skb follows its transmit on a, 0.5 s later (a deferred
 * free): the packet left a at the transmit, not at the free. */
static void offset_bounded_both_ways(bool late_free)
{
	struct trace_writer t[2];
	struct merge_set *set = calloc(1, sizeof(*set));

	trace_open(&t[0]);
	trace_open(&t[1]);
	hop(&t[0], 1, T0 + 0, "nf_hook", "pod-a", "10.0.1.2", "10.0.2.2", 7);
	hop(&t[0], 1, T0 + 1000, "veth_xmit", "node-a", "10.0.1.2", "10.0.2.2", 7);
	if (late_free)
		hop(&t[0], 1, T0 + SEC / 2, "consume_skb", "node-a", "10.0.1.2", "10.0.2.2", 7);
	packet(&t[0], 1, 1, "unknown");
	hop(&t[0], 2, T0 + 5150, "netif_receive", "node-a", "10.0.2.2", "10.0.1.2", 9);
	hop(&t[0], 2, T0 + 5200, "consume_skb", "pod-a", "10.0.2.2", "10.0.1.2", 9);
	packet(&t[0], 2, 1, "delivered");
	summary(&t[0], "a", "boot-a", 0, T0 - SEC, T0 + 10 * SEC);
	hop(&t[1], 1, T0 + 2 * SEC + 1100, "netif_receive", "node-b", "10.0.1.2", "10.0.2.2", 7);
	hop(&t[1], 1, T0 + 2 * SEC + 1200, "consume_skb", "pod-b", "10.0.1.2", "10.0.2.2", 7);
	packet(&t[1], 1, 1, "delivered");
	hop(&t[1], 2, T0 + 2 * SEC + 4000, "nf_hook", "pod-b", "10.0.2.2", "10.0.1.2", 9);
	hop(&t[1], 2, T0 + 2 * SEC + 5000, "dev_xmit", "node-b", "10.0.2.2", "10.0.1.2", 9);
	packet(&t[1], 2, 1, "unknown");
	summary(&t[1], "b", "boot-b", 0, T0 + SEC, T0 + 12 * SEC);
	CHECK(merge_files(set, t, 2) == 0);
	CHECK(set->inputs[1].clock_source == MERGE_CLOCK_PACKETS);
	CHECK(set->inputs[1].offset_ns == 2 * SEC - 25);
	CHECK(set->inputs[1].bound_ns == 126);
	CHECK(!set->inputs[1].clock_contradicts);
	CHECK(set->inputs[1].pairs_out == 1 && set->inputs[1].pairs_back == 1);
	CHECK(set->packet_count == 2);
	CHECK(set->packets[0].part_count == 2 && set->packets[1].part_count == 2);
	/* The request first, a then b, delivered on b; the reply b then a, on one flow. */
	CHECK(set->packets[0].parts[0]->input == 0 && set->packets[0].parts[1]->input == 1);
	CHECK_STR(set->packets[0].fate, "delivered");
	CHECK_STR(set->packets[0].verdict, "on b: delivered (test)");
	CHECK(set->packets[1].parts[0]->input == 1);
	CHECK(set->packets[0].flow == 1 && set->packets[1].flow == 1);
	merge_free(set, t, 2);
	free(set);
}

static void test_offset_bounded_both_ways(void)
{
	offset_bounded_both_ways(false);
}

static void test_offset_after_late_free(void)
{
	offset_bounded_both_ways(true);
}

/* Packets one way only: the recorded clocks agree with the limit, so they are kept,
 * unbounded. When they do not (b's clock 1 s behind), the limit itself is taken. */
static void test_offset_one_way(void)
{
	for (int behind = 0; behind < 2; behind++) {
		struct trace_writer t[2];
		struct merge_set *set = calloc(1, sizeof(*set));
		long long skew = behind ? -SEC : 0;

		trace_open(&t[0]);
		trace_open(&t[1]);
		hop(&t[0], 1, T0 + 1000, "veth_xmit", "node-a", "10.0.1.2", "10.0.2.2", 7);
		packet(&t[0], 1, 1, "unknown");
		summary(&t[0], "a", "boot-a", 0, T0 - SEC, T0 + 10 * SEC);
		hop(&t[1], 1, T0 + skew + 1100, "netif_receive", "node-b", "10.0.1.2", "10.0.2.2",
		    7);
		packet(&t[1], 1, 1, "delivered");
		summary(&t[1], "b", "boot-b", 0, T0 - SEC, T0 + 10 * SEC);
		CHECK(merge_files(set, t, 2) == 0);
		CHECK(set->inputs[1].clock_source == MERGE_CLOCK_ONE_WAY);
		CHECK(set->inputs[1].bound_ns == -1);
		CHECK(set->inputs[1].offset_ns == (behind ? -SEC + 100 : 0));
		CHECK(set->packet_count == 1 && set->packets[0].part_count == 2);
		merge_free(set, t, 2);
		free(set);
	}
}

/* A datagram that left a and never reached b: lost while b's trace ran for a second after;
 * unknown when b's trace ended right after it left. */
static void test_lost_between_nodes(void)
{
	for (int short_b = 0; short_b < 2; short_b++) {
		struct trace_writer t[2];
		struct merge_set *set = calloc(1, sizeof(*set));

		trace_open(&t[0]);
		trace_open(&t[1]);
		hop(&t[0], 1, T0 + 1000, "veth_xmit", "node-a", "10.0.1.2", "10.0.2.2", 7);
		packet(&t[0], 1, 1, "unknown");
		hop(&t[0], 2, T0 + 2000, "veth_xmit", "node-a", "10.0.1.2", "10.0.2.2", 8);
		packet(&t[0], 2, 1, "unknown");
		summary(&t[0], "a", "boot-a", 0, T0 - SEC, T0 + 10 * SEC);
		hop(&t[1], 1, T0 + 2100, "netif_receive", "node-b", "10.0.1.2", "10.0.2.2", 8);
		packet(&t[1], 1, 1, "delivered");
		summary(&t[1], "b", "boot-b", 0, T0 - SEC, short_b ? T0 + 5000 : T0 + 10 * SEC);
		CHECK(merge_files(set, t, 2) == 0);
		CHECK(set->packet_count == 2);
		CHECK(set->packets[0].part_count == 1);
		if (short_b) {
			CHECK_STR(set->packets[0].fate, "unknown");
			CHECK(strstr(set->packets[0].verdict, "did not run long enough"));
		} else {
			CHECK_STR(set->packets[0].fate, "lost");
			CHECK(set->packets[0].lost_to == 1);
			CHECK_STR(
				set->packets[0].verdict,
				"LOST BETWEEN a and b: it left a on eth0 (netns node-a) and b never "
				"saw it arrive; neither node freed it");
		}
		CHECK_STR(set->packets[1].fate, "delivered");
		merge_free(set, t, 2);
		free(set);
	}
}

/* A dropped part decides, whatever came after; NAT's after-tuple joins a to b. */
static void test_drop_after_nat(void)
{
	struct trace_writer t[2];
	struct merge_set *set = calloc(1, sizeof(*set));

	trace_open(&t[0]);
	trace_open(&t[1]);
	hop(&t[0], 1, T0 + 100, "nf_hook", "node-a", "10.0.1.2", "10.96.0.10", 7);
	hop(&t[0], 1, T0 + 1000, "veth_xmit", "node-a", "10.0.1.2", "10.0.2.2", 7);
	packet(&t[0], 1, 1, "unknown");
	summary(&t[0], "a", "boot-a", 0, T0 - SEC, T0 + 10 * SEC);
	hop(&t[1], 4, T0 + 1100, "netif_receive", "node-b", "10.0.1.2", "10.0.2.2", 7);
	hop(&t[1], 4, T0 + 1300, "kfree_skb", "node-b", "10.0.1.2", "10.0.2.2", 7);
	packet(&t[1], 4, 3, "dropped");
	summary(&t[1], "b", "boot-b", 0, T0 - SEC, T0 + 10 * SEC);
	CHECK(merge_files(set, t, 2) == 0);
	CHECK(set->packet_count == 1 && set->packets[0].part_count == 2);
	CHECK_STR(set->packets[0].fate, "dropped");
	CHECK(set->packets[0].fate_part == 1);
	CHECK_STR(set->packets[0].verdict, "on b: dropped (test)");
	merge_free(set, t, 2);
	free(set);
}

/* Two datagrams of one identity on each node (IPv4 id reused, say): joined by time, a's
 * first to b's first; and a part never holds two of one node's packets. */
static void test_ambiguous_joined_by_time(void)
{
	struct trace_writer t[2];
	struct merge_set *set = calloc(1, sizeof(*set));

	trace_open(&t[0]);
	trace_open(&t[1]);
	hop(&t[0], 1, T0 + 1000, "veth_xmit", "node-a", "10.0.1.2", "10.0.2.2", 7);
	packet(&t[0], 1, 1, "unknown");
	hop(&t[0], 2, T0 + 900000, "veth_xmit", "node-a", "10.0.1.2", "10.0.2.2", 7);
	packet(&t[0], 2, 1, "unknown");
	summary(&t[0], "a", "boot-a", 0, T0 - SEC, T0 + 10 * SEC);
	hop(&t[1], 1, T0 + 1100, "netif_receive", "node-b", "10.0.1.2", "10.0.2.2", 7);
	packet(&t[1], 1, 1, "delivered");
	hop(&t[1], 2, T0 + 900100, "netif_receive", "node-b", "10.0.1.2", "10.0.2.2", 7);
	packet(&t[1], 2, 1, "dropped");
	summary(&t[1], "b", "boot-b", 0, T0 - SEC, T0 + 10 * SEC);
	CHECK(merge_files(set, t, 2) == 0);
	CHECK(set->ambiguous == 2);
	CHECK(set->packet_count == 2);
	CHECK(set->packets[0].part_count == 2 && set->packets[0].parts[0]->pkt == 1 &&
	      set->packets[0].parts[1]->pkt == 1);
	CHECK(set->packets[1].part_count == 2 && set->packets[1].parts[0]->pkt == 2 &&
	      set->packets[1].parts[1]->pkt == 2);
	CHECK_STR(set->packets[0].fate, "delivered");
	CHECK_STR(set->packets[1].fate, "dropped");
	merge_free(set, t, 2);
	free(set);
}

/* b's one packet matches a's first by one key and a's second by another: the second join
 * would hold two of a's packets in one, so it is refused and counted. */
static void test_conflict_refused(void)
{
	struct trace_writer t[2];
	struct merge_set *set = calloc(1, sizeof(*set));

	trace_open(&t[0]);
	trace_open(&t[1]);
	hop(&t[0], 1, T0 + 1000, "veth_xmit", "node-a", "10.0.1.2", "10.0.2.2", 7);
	packet(&t[0], 1, 1, "unknown");
	hop(&t[0], 2, T0 + 2000, "veth_xmit", "node-a", "10.0.1.2", "10.0.2.3", 8);
	packet(&t[0], 2, 2, "unknown");
	summary(&t[0], "a", "boot-a", 0, T0 - SEC, T0 + 10 * SEC);
	hop(&t[1], 1, T0 + 1100, "netif_receive", "node-b", "10.0.1.2", "10.0.2.2", 7);
	hop(&t[1], 1, T0 + 1200, "nf_hook", "node-b", "10.0.1.2", "10.0.2.3", 8);
	packet(&t[1], 1, 1, "delivered");
	summary(&t[1], "b", "boot-b", 0, T0 - SEC, T0 + 10 * SEC);
	CHECK(merge_files(set, t, 2) == 0);
	CHECK(set->conflicts == 1);
	CHECK(set->packet_count == 2);
	for (int i = 0; i < set->packet_count; i++)
		CHECK(set->packets[i].part_count == 1 ||
		      set->packets[i].parts[0]->input != set->packets[i].parts[1]->input);
	merge_free(set, t, 2);
	free(set);
}

/* One boot is one node, unless each trace kept to its own namespaces. */
static void test_same_node_refused(void)
{
	static const struct {
		int scope_a, scope_b;
		int want;
	} cases[] = { { 0, 0, -2 }, { 5, 0, -2 }, { 5, 5, -2 }, { 5, 6, 0 } };

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct trace_writer t[2];
		struct merge_set *set = calloc(1, sizeof(*set));

		trace_open(&t[0]);
		trace_open(&t[1]);
		hop(&t[0], 1, T0 + 1000, "veth_xmit", "node-a", "10.0.1.2", "10.0.2.2", 7);
		packet(&t[0], 1, 1, "unknown");
		summary(&t[0], "a", "same-boot", cases[c].scope_a, T0 - SEC, T0 + 10 * SEC);
		hop(&t[1], 1, T0 + 1100, "netif_receive", "node-b", "10.0.1.2", "10.0.2.2", 7);
		packet(&t[1], 1, 1, "delivered");
		summary(&t[1], "b", "same-boot", cases[c].scope_b, T0 - SEC, T0 + 10 * SEC);
		CHECK(merge_files(set, t, 2) == cases[c].want);
		merge_free(set, t, 2);
		free(set);
	}
}

/* Three nodes, a routed through b to c and back: c's offset chains through b, bounds
 * adding up; the packet crosses a, b, c in that order. b is 1 s ahead, c 3 s. */
static void test_three_nodes_chain(void)
{
	struct trace_writer t[3];
	struct merge_set *set = calloc(1, sizeof(*set));

	for (int i = 0; i < 3; i++)
		trace_open(&t[i]);
	hop(&t[0], 1, T0 + 1000, "veth_xmit", "a", "10.0.1.2", "10.0.3.2", 7);
	packet(&t[0], 1, 1, "unknown");
	hop(&t[0], 2, T0 + 9100, "netif_receive", "a", "10.0.3.2", "10.0.1.2", 9);
	packet(&t[0], 2, 1, "delivered");
	summary(&t[0], "a", "boot-a", 0, T0 - SEC, T0 + 10 * SEC);
	hop(&t[1], 1, T0 + SEC + 1100, "netif_receive", "b", "10.0.1.2", "10.0.3.2", 7);
	hop(&t[1], 1, T0 + SEC + 1200, "dev_xmit", "b", "10.0.1.2", "10.0.3.2", 7);
	packet(&t[1], 1, 1, "unknown");
	hop(&t[1], 2, T0 + SEC + 8900, "netif_receive", "b", "10.0.3.2", "10.0.1.2", 9);
	hop(&t[1], 2, T0 + SEC + 9000, "dev_xmit", "b", "10.0.3.2", "10.0.1.2", 9);
	packet(&t[1], 2, 1, "unknown");
	summary(&t[1], "b", "boot-b", 0, T0 - SEC, T0 + 10 * SEC);
	hop(&t[2], 1, T0 + 3 * SEC + 1300, "netif_receive", "c", "10.0.1.2", "10.0.3.2", 7);
	packet(&t[2], 1, 1, "delivered");
	hop(&t[2], 2, T0 + 3 * SEC + 8800, "dev_xmit", "c", "10.0.3.2", "10.0.1.2", 9);
	packet(&t[2], 2, 1, "unknown");
	summary(&t[2], "c", "boot-c", 0, T0 - SEC, T0 + 10 * SEC);
	CHECK(merge_files(set, t, 3) == 0);
	/* a->b 100 ns there, 100 back: b = 1 s exactly, +-101. b->c likewise: 2 s more. */
	CHECK(set->inputs[1].offset_ns == SEC && set->inputs[1].bound_ns == 101);
	CHECK(set->inputs[2].offset_ns == 3 * SEC && set->inputs[2].bound_ns == 202);
	CHECK(set->inputs[2].clock_via == 1);
	CHECK(set->packet_count == 2);
	CHECK(set->packets[0].part_count == 3);
	for (int k = 0; k < 3 && set->packets[0].part_count == 3; k++)
		CHECK(set->packets[0].parts[k]->input == k);
	CHECK_STR(set->packets[0].verdict, "on c: delivered (test)");
	CHECK(set->packets[1].part_count == 3 && set->packets[1].parts[0]->input == 2);
	merge_free(set, t, 3);
	free(set);
}

/* Inputs that are not whole hoptrace traces: one line each. */
static void test_bad_traces(void)
{
	static const struct {
		const char *text;
		const char *err;
	} cases[] = {
		{ "", "empty file" },
		{ "{\"type\":\"hop\",\"pkt\":1,\"ts_ns\":5}\n",
		  "no summary: the trace was cut short" },
		{ "{\"type\":\"hop\",\"pkt\":1,\"ts_", "truncated: line 1 is cut short" },
		{ "{\"type\":\"summary\"}\n", "its summary does not say who took the trace" },
		{ "{\"type\":\"summary\",\"node\":{}}\n{\"type\":\"summary\",\"node\":{}}\n",
		  "line 2 follows the summary" },
		{ "{\"type\":\"flow\"}\n", "line 1: an object of type flow: not a hoptrace trace" },
		{ "[1,2]\n", "neither JSON Lines nor pcapng (it starts with 0x5b 0x31" },
		{ "{\"type\":\"hop\",\"pkt\":1}\n[1]\n", "line 2 is not a JSON object" },
		{ "\x0a\x0d\x0d\x0a", "truncated" },
	};

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct trace_writer t;
		struct merge_input in = { 0 };
		char err[256] = "";

		trace_open(&t);
		fputs(cases[c].text, t.f);
		fclose(t.f);
		in.path = t.path;
		CHECK(merge_input__load(&in, err, sizeof(err)) == -1);
		if (!strstr(err, cases[c].err))
			fprintf(stderr, "  case %zu: got \"%s\", want \"%s\"\n", c, err,
				cases[c].err);
		CHECK(strstr(err, cases[c].err));
		merge_input__free(&in);
		unlink(t.path);
	}
}

/* A writer's whole output as text to free. */
static char *written(const struct merge_set *set, bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	if (json ? merge__write_json(set, f) : merge__write_text(set, f))
		buf[0] = 0;
	fclose(f);
	return buf;
}

/* Lines written in ways hoptrace does not write them (blanks, a member twice, escapes,
 * numbers with exponents or beyond a double's integers, a tunnel member that is no object,
 * an empty identity, deep arrays) read the same whether the loader scans them or cJSON
 * parses them: the same join keys, times, hooks and fates, the same merged output. */
static void test_scan_reads_as_cjson(void)
{
	static const char *const odd[] = {
		"{ \"type\" : \"hop\" , \"pkt\" : 1 , \"ts_ns\" : %lld , \"hook\":\"nf_hook\","
		"\"tuple\" : { \"family\":\"ipv4\",\"proto\":\"udp\",\"src\":\"10.0.0.1\","
		"\"dst\":\"10.0.0.2\",\"sport\":1000,\"dport\":53 } , \"ident\":{\"ip_id\":1e0,"
		"\"udp_len\":20.0}}\n",
		"{\"type\":\"hop\",\"pkt\":1,\"ts_ns\":%lld,\"hook\":\"dev_xmit\",\"hook\":\"nat\","
		"\"netns_name\":\"n\\u0031\",\"tuple\":{\"family\":\"ipv4\",\"proto\":17,"
		"\"src\":\"10.0.0.1\",\"dst\":\"10.0.0.2\",\"sport\":-0,\"dport\":"
		"12345678901234567890},\"ident\":{\"ip_id\":1,\"ip_id\":2}}\n",
		" {\"type\":\"hop\",\"pkt\":1,\"ts_ns\":%lld,\"hook\":\"netif_receive\","
		"\"vxlan\":1,\"geneve\":{\"inner\":{\"src\":\"a\",\"dst\":\"b\"}},"
		"\"ident\":{\"ip_id\":3}}\n",
		"{\"type\":\"hop\",\"pkt\":1,\"ts_ns\":%lld,\"hook\":\"netif_receive\","
		"\"vxlan\":1,\"geneve\":{\"inner\":{\"src\":\"a\",\"dst\":\"b\",\"x\":"
		"[[1,{\"a\":[true,false,null]}],\"y\"]}},\"ident\":{\"ip_id\":3},\"nf\":{\"family\":"
		"\"ipv4\",\"hook\":\"INPUT\",\"verdict\":\"accept\"}}\n",
		"{\"type\":\"hop\",\"pkt\":1,\"ts_ns\":%lld,\"hook\":\"consume_skb\",\"tuple\":"
		"{\"src\":\"10.0.0.1\"},\"ident\":{ }}\n",
		"{\"type\":\"hop\", \"pkt\":1,\"ts_ns\":%lld,\"hook\":\"sock_recv\",\"node\":\"old\","
		"\"x\":[1,-2,0,{\"a\":\"b\"},true,null],\"node_ts_ns\":1,\"node\":\"again\"}\n",
	};
	char *out[2][2] = { { NULL } };
	struct merge_set *set[2] = { calloc(1, sizeof(**set)), calloc(1, sizeof(**set)) };
	struct trace_writer t[2];

	trace_open(&t[0]);
	trace_open(&t[1]);
	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++)
		fprintf(t[0].f, odd[i], T0 + (long long)i * 1000);
	fprintf(t[0].f, "{\"type\":\"packet\",\"pkt\":1.0,\"flow\":1,\"fate\":\"unknown\","
			"\"fate\":\"dropped\",\"flow_tuple\":{\"src\":\"x\"},\"reply\":true}\n");
	summary(&t[0], "a", "boot-a", 0, T0 - SEC, T0 + 9 * SEC);
	hop(&t[1], 1, T0 + 20000, "netif_receive", "nb", "10.0.0.1", "10.0.0.2", 1);
	packet(&t[1], 1, 1, "delivered");
	summary(&t[1], "b", "boot-b", 0, T0 - SEC, T0 + 9 * SEC);
	CHECK(set[0] && set[1]);
	for (int k = 0; k < 2 && set[0] && set[1]; k++) {
		CHECK(merge_files_kept(set[k], t, 2, k == 1) == 0);
		out[k][0] = written(set[k], false);
		out[k][1] = written(set[k], true);
		CHECK(out[k][0] && out[k][0][0] && out[k][1] && out[k][1][0]);
	}
	if (set[0] && set[1] && set[0]->inputs[0].part_count == 1 &&
	    set[1]->inputs[0].part_count == 1) {
		const struct merge_part *a = &set[0]->inputs[0].parts[0];
		const struct merge_part *b = &set[1]->inputs[0].parts[0];

		CHECK(a->hop_count == 6 && b->hop_count == 6);
		CHECK(a->pkt == 1 && a->flow == 1 && a->fate && !strcmp(a->fate, "unknown"));
		for (int h = 0; h < a->hop_count && h < b->hop_count; h++) {
			CHECK(a->hops[h].ts_ns == b->hops[h].ts_ns);
			CHECK(a->hops[h].kernel == b->hops[h].kernel);
			CHECK(a->hops[h].hook_kind == b->hops[h].hook_kind);
			CHECK(!a->hops[h].key == !b->hops[h].key);
			if (a->hops[h].key && b->hops[h].key)
				CHECK_STR(a->hops[h].key, b->hops[h].key);
		}
		/* The first hop's key as cJSON's numbers print; the second's hook is its first. */
		CHECK(a->hops[0].key &&
		      !strcmp(a->hops[0].key, "ipv4|udp|10.0.0.1|10.0.0.2|1000|53|1|-|-|20|-|"));
		CHECK(a->hops[1].hook_kind == MERGE_HOOK_TRANSMIT);
		CHECK(a->hops[2].key && !strcmp(a->hops[2].key, "-|-|a|b|-|-|3|-|-|-|-|"));
		CHECK(!a->hops[3].key); /* the same key as the hop before */
		CHECK(!a->hops[4].key); /* an empty identity */
		CHECK(!a->hops[5].key);
	} else {
		CHECK(!"each trace loads as one part");
	}
	if (out[0][0] && out[1][0])
		CHECK_STR(out[0][0], out[1][0]);
	if (out[0][1] && out[1][1])
		CHECK_STR(out[0][1], out[1][1]);
	/* The last hop's members set where they were, a second "node" kept. */
	CHECK(out[0][1] && strstr(out[0][1], "\"hook\":\"sock_recv\",\"node\":\"a\",\"x\":[1,-2,0,"
					     "{\"a\":\"b\"},true,null],\"node_ts_ns\":"));
	CHECK(out[0][1] && strstr(out[0][1], ",\"node\":\"again\",\"node_pkt\":1}\n"));
	for (int k = 0; k < 2; k++) {
		free(out[k][0]);
		free(out[k][1]);
		if (set[k])
			merge_set__free(set[k]);
		free(set[k]);
	}
	unlink(t[0].path);
	unlink(t[1].path);
}

int main(void)
{
	RUN(test_offset_bounded_both_ways);
	RUN(test_offset_after_late_free);
	RUN(test_offset_one_way);
	RUN(test_lost_between_nodes);
	RUN(test_drop_after_nat);
	RUN(test_ambiguous_joined_by_time);
	RUN(test_conflict_refused);
	RUN(test_same_node_refused);
	RUN(test_three_nodes_chain);
	RUN(test_bad_traces);
	RUN(test_scan_reads_as_cjson);
	CHECK_EXIT();
}

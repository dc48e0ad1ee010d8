// SPDX-License-Identifier: GPL-2.0
/* Unit tests of hoptrace report on a tiny trace written here in hoptrace's JSON Lines form:
 * escaping of text from the file (markup, quotes, controls, UTF-8 cuts), the diagram's
 * layout (namespaces left to right in order of first appearance, devices stacked, marks in
 * order, the drop in its box), the markup a reader finds things by, and the bounds on a flow
 * of many packets. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "merge/merge.h"
#include "report/report.h"

#define T0 1700000000000000000LL

/* What fn writes to a stream, as a string (to free). */
#define CAPTURE(buf, call)                                       \
	do {                                                     \
		size_t capture__len;                             \
		FILE *f = open_memstream(&(buf), &capture__len); \
		call;                                            \
		fclose(f);                                       \
	} while (0)

static FILE *trace_open(char *path, size_t size)
{
	int fd;

	snprintf(path, size, "/tmp/hoptrace-report-XXXXXX");
	fd = mkstemp(path);
	return fd >= 0 ? fdopen(fd, "w") : NULL;
}

static void hop(FILE *f, int pkt, long long ts, const char *hook, const char *netns,
		const char *dev, const char *extra)
{
	fprintf(f,
		"{\"type\":\"hop\",\"pkt\":%d,\"ts_ns\":%lld,\"hook\":\"%s\",\"layer\":\"node\","
		"\"netns\":7,\"netns_name\":\"%s\",\"ifname\":\"%s\",\"tuple\":{\"family\":\"ipv4\","
		"\"proto\":\"udp\",\"src\":\"10.0.0.1\",\"dst\":\"10.0.0.2\",\"sport\":1000,"
		"\"dport\":53}%s}\n",
		pkt, ts, hook, netns, dev, extra);
}

/* A datagram from a pod (whose namespace name is markup) dropped by netfilter on the node's
 * br0 after passing its veth; then count delivered ones of the same flow, one path. */
static void write_trace(FILE *f, int delivered)
{
	hop(f, 1, T0, "dev_xmit", "pod<script>", "eth0",
	    ",\"pod\":{\"namespace\":\"default\",\"name\":\"web\",\"uid\":null}");
	hop(f, 1, T0 + 3000, "netif_receive", "node", "veth-a", "");
	hop(f, 1, T0 + 5000, "nf_hook", "node", "br0", "");
	hop(f, 1, T0 + 5500, "kfree_skb", "node", "br0",
	    ",\"drop\":{\"reason\":\"NETFILTER_DROP\",\"location\":\"nf_hook_slow+0x9c\"}");
	fprintf(f,
		"{\"type\":\"packet\",\"pkt\":1,\"flow\":1,\"fate\":\"dropped\",\"hops\":4,"
		"\"drop\":{\"reason\":\"NETFILTER_DROP\",\"location\":\"nf_hook_slow+0x9c\","
		"\"netns\":7,\"netns_name\":\"node\",\"ifname\":\"br0\",\"layer\":\"node\","
		"\"nf\":{\"family\":\"ipv4\",\"hook\":\"FORWARD\",\"table\":\"filter\","
		"\"chain\":\"FORWARD\",\"rule\":\"-p udp --dport 53 -j DROP\"}},"
		"\"verdict\":\"DROPPED in node (netns node, dev br0): NETFILTER_DROP & more\"}\n");
	for (int i = 0; i < delivered; i++) {
		hop(f, 2 + i, T0 + 1000000LL * (i + 1), "dev_xmit", "pod-b", "eth0", "");
		hop(f, 2 + i, T0 + 1000000LL * (i + 1) + 900, "consume_skb", "pod-b", "eth0", "");
		fprintf(f,
			"{\"type\":\"packet\",\"pkt\":%d,\"flow\":1,\"fate\":\"delivered\",\"hops\":2,"
			"\"verdict\":\"delivered (consumed)\"}\n",
			2 + i);
	}
	fprintf(f, "{\"type\":\"summary\",\"drop_sites\":[{\"reason\":\"NETFILTER_DROP\","
		   "\"location\":\"nf_hook_slow+0x9c\",\"count\":1}],\"node\":{\"name\":\"n<1>\","
		   "\"hostname\":\"h\",\"boot_id\":\"b\",\"kernel\":\"6.1\"}}\n");
}

static int load_trace(struct merge_input *in, char *path, size_t size, int delivered)
{
	char err[256];
	FILE *f = trace_open(path, size);

	if (!f)
		return -1;
	write_trace(f, delivered);
	fclose(f);
	memset(in, 0, sizeof(*in));
	in->path = path;
	in->objects = true; /* the report reads every object */
	if (merge_input__load(in, err, sizeof(err))) {
		fprintf(stderr, "  load: %s\n", err);
		return -1;
	}
	return 0;
}

static void test_escape(void)
{
	char *out = NULL;

	CAPTURE(out, report_html__text(f, "<a href=\"x\">Tom & 'Jerry'</a>\x01\tend"));
	CHECK_STR(out, "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
		       "\xef\xbf\xbd\tend");
	free(out);
	CAPTURE(out, report_html__text(f, NULL));
	CHECK_STR(out, "");
	free(out);
	CAPTURE(out, report_html__textf(f, "%s=%d", "<b>", 5));
	CHECK_STR(out, "&lt;b&gt;=5");
	free(out);
}

/* A cut keeps whole UTF-8 characters and marks itself with an ellipsis. */
static void test_text_cut(void)
{
	char *out = NULL;

	CAPTURE(out, report_html__text_cut(f, "short", 10));
	CHECK_STR(out, "short");
	free(out);
	CAPTURE(out, report_html__text_cut(f, "exactly10!", 10));
	CHECK_STR(out, "exactly10!");
	free(out);
	CAPTURE(out, report_html__text_cut(f, "\xc2\xb5\xc2\xb5\xc2\xb5\xc2\xb5", 3));
	CHECK_STR(out, "\xc2\xb5\xc2\xb5\xe2\x80\xa6");
	free(out);
	CAPTURE(out, report_html__text_cut(f, "a<b<c<d", 4));
	CHECK_STR(out, "a&lt;b\xe2\x80\xa6");
	free(out);
}

static void test_tuple(void)
{
	cJSON *t4 = cJSON_Parse("{\"family\":\"ipv4\",\"proto\":\"udp\",\"src\":\"10.0.0.1\","
				"\"dst\":\"10.0.0.2\",\"sport\":1,\"dport\":2}");
	cJSON *t6 = cJSON_Parse("{\"family\":\"ipv6\",\"proto\":58,\"src\":\"fd00::1\","
				"\"dst\":\"fd00::2\"}");
	char buf[128];

	report_html__tuple(buf, sizeof(buf), t4);
	CHECK_STR(buf, "udp 10.0.0.1:1 \xe2\x86\x92 10.0.0.2:2");
	report_html__tuple(buf, sizeof(buf), t6);
	CHECK_STR(buf, "proto 58 [fd00::1] \xe2\x86\x92 [fd00::2]");
	report_html__tuple(buf, sizeof(buf), NULL);
	CHECK_STR(buf, "");
	cJSON_Delete(t4);
	cJSON_Delete(t6);
}

static void test_layout(void)
{
	struct report_layout *l = calloc(1, sizeof(*l));
	struct merge_input in;
	char path[64];

	if (load_trace(&in, path, sizeof(path), 0)) {
		CHECK(0);
		free(l);
		return;
	}
	CHECK(in.part_count == 1);
	report_svg__layout(&in.parts[0], l);
	/* Two namespaces, in the order the packet reached them, left to right. */
	CHECK(l->box_count == 2);
	CHECK_STR(l->boxes[0].netns, "pod<script>");
	CHECK_STR(l->boxes[0].pod, "default/web");
	CHECK_STR(l->boxes[1].netns, "node");
	CHECK(l->boxes[1].x >= l->boxes[0].x + l->boxes[0].w);
	CHECK(l->width >= l->boxes[1].x + l->boxes[1].w);
	CHECK(l->height >= l->boxes[1].y + l->boxes[1].h);
	/* The node's devices stacked: veth-a, then br0 holding two hops. */
	CHECK(l->boxes[1].dev_count == 2);
	CHECK_STR(l->boxes[1].devs[0], "veth-a");
	CHECK_STR(l->boxes[1].devs[1], "br0");
	CHECK(l->boxes[1].dev_hops[1] == 2);
	CHECK(l->mark_count == 4 && l->hops_left_out == 0);
	CHECK(l->marks[2].y == l->marks[3].y && l->marks[3].x > l->marks[2].x);
	CHECK(l->marks[1].y < l->marks[2].y);
	/* Time runs left to right inside a box: each hop a column further. */
	CHECK(l->marks[2].x > l->marks[1].x && l->boxes[1].hops == 3);
	for (int i = 0; i < l->mark_count; i++) {
		const struct report_box *b = &l->boxes[l->marks[i].box];

		CHECK(l->marks[i].x > b->x && l->marks[i].x < b->x + b->w);
		CHECK(l->marks[i].y > b->y && l->marks[i].y < b->y + b->h);
	}
	CHECK(l->marks[1].us > 2.9 && l->marks[1].us < 3.1);
	/* The drop: the last hop, in the node's box, where the packet object says. */
	CHECK(l->drop_mark == 3 && l->marks[3].drop && l->marks[3].box == 1);
	CHECK(l->boxes[1].drop && !l->boxes[0].drop);
	CHECK_STR(l->drop_netns, "node");
	CHECK_STR(l->drop_dev, "br0");
	CHECK_STR(l->drop_reason, "NETFILTER_DROP");
	merge_input__free(&in);
	unlink(path);
	free(l);
}

/* A path through many namespaces goes on below instead of growing past the page's width;
 * no two boxes overlap. */
static void test_layout_wraps(void)
{
	struct report_layout *l = calloc(1, sizeof(*l));
	struct merge_input in;
	char path[64], err[256], netns[16];
	FILE *f = trace_open(path, sizeof(path));
	int rows = 1;

	for (int i = 0; i < 32; i++) {
		snprintf(netns, sizeof(netns), "ns%d", i / 4);
		hop(f, 1, T0 + i * 1000, "nf_hook", netns, "eth0", "");
	}
	fprintf(f, "{\"type\":\"packet\",\"pkt\":1,\"flow\":1,\"fate\":\"unknown\"}\n"
		   "{\"type\":\"summary\",\"node\":{\"name\":\"n\"}}\n");
	fclose(f);
	memset(&in, 0, sizeof(in));
	in.path = path;
	in.objects = true;
	CHECK(!merge_input__load(&in, err, sizeof(err)));
	report_svg__layout(&in.parts[0], l);
	CHECK(l->box_count == 8 && l->mark_count == 32);
	CHECK(l->width <= 1150);
	for (int a = 0; a < l->box_count; a++) {
		const struct report_box *x = &l->boxes[a];

		CHECK(x->x + x->w <= l->width && x->y + x->h <= l->height);
		rows += a && x->y > l->boxes[a - 1].y;
		for (int b = a + 1; b < l->box_count; b++) {
			const struct report_box *y = &l->boxes[b];

			CHECK(x->x + x->w <= y->x || y->x + y->w <= x->x || x->y + x->h <= y->y ||
			      y->y + y->h <= x->y);
		}
	}
	CHECK(rows >= 2);
	merge_input__free(&in);
	unlink(path);
	free(l);
}

/* A dropped packet whose free was not kept is marked where it was last seen. */
static void test_drop_without_free(void)
{
	struct report_layout *l = calloc(1, sizeof(*l));
	struct merge_input in;
	char path[64], err[256];
	FILE *f = trace_open(path, sizeof(path));

	hop(f, 1, T0, "dev_xmit", "pod", "eth0", "");
	hop(f, 1, T0 + 100, "netif_receive", "node", "veth-a", "");
	fprintf(f, "{\"type\":\"packet\",\"pkt\":1,\"flow\":1,\"fate\":\"dropped\","
		   "\"incomplete\":true,\"drop\":{\"reason\":\"NO_SOCKET\",\"netns_name\":"
		   "\"node\",\"ifname\":\"veth-a\"}}\n{\"type\":\"summary\",\"node\":{\"name\":"
		   "\"n\"}}\n");
	fclose(f);
	memset(&in, 0, sizeof(in));
	in.path = path;
	in.objects = true;
	CHECK(!merge_input__load(&in, err, sizeof(err)));
	report_svg__layout(&in.parts[0], l);
	CHECK(l->drop_mark == 1 && l->marks[1].box == 1 && l->boxes[1].drop);
	CHECK_STR(l->drop_reason, "NO_SOCKET");
	merge_input__free(&in);
	unlink(path);
	free(l);
}

/* The drop mark sits inside its namespace's group; names from the file are escaped. */
static void test_svg_markup(void)
{
	struct report_layout *l = calloc(1, sizeof(*l));
	struct merge_input in;
	char path[64], *svg = NULL, *node, *drop, *end;

	if (load_trace(&in, path, sizeof(path), 0)) {
		CHECK(0);
		free(l);
		return;
	}
	report_svg__layout(&in.parts[0], l);
	CAPTURE(svg, report_svg__write(l, &in.parts[0], 3, f));
	CHECK(strstr(svg, "<g class=\"netns\" data-netns=\"pod&lt;script&gt;\">"));
	CHECK(!strstr(svg, "<script"));
	CHECK(strstr(svg, "id=\"ah3\"") && strstr(svg, "url(#ah3)"));
	node = strstr(svg, "<g class=\"netns\" data-netns=\"node\">");
	drop = strstr(svg, "<g class=\"drop\" data-netns=\"node\" data-dev=\"br0\" "
			   "data-reason=\"NETFILTER_DROP\">");
	CHECK(node && drop && drop > node);
	/* Groups of one namespace end with "</g>\n", nothing else does. */
	end = node ? strstr(node, "</g>\n") : NULL;
	CHECK(end && drop && drop < end);
	CHECK(strstr(svg, "class=\"row dropdev\""));
	CHECK(strstr(svg, "class=\"box dropsite\""));
	free(svg);
	merge_input__free(&in);
	unlink(path);
	free(l);
}

/* The whole page: no fetch possible, the verdict escaped, the flow's packets bounded. */
static void test_page(void)
{
	struct merge_input in;
	char path[64], *page = NULL, more[64];
	int ret = -1;

	if (load_trace(&in, path, sizeof(path), REPORT_MAX_PACKETS + 20)) {
		CHECK(0);
		return;
	}
	CAPTURE(page, ret = report__write_page(&in, NULL, f));
	CHECK(ret == 0);
	CHECK(strstr(page, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
			   "'none'; style-src 'unsafe-inline'; img-src data:\">"));
	CHECK(!strstr(page, "http://") && !strstr(page, "https://") && !strstr(page, "src="));
	CHECK(strstr(page, "@media print"));
	CHECK(strstr(page, "<p class=\"verdict dropped\">DROPPED in node (netns node, dev br0): "
			   "NETFILTER_DROP &amp; more</p>"));
	CHECK(strstr(page, "<title>hoptrace report: n&lt;1&gt;</title>"));
	CHECK(strstr(page, "-p udp --dport 53 -j DROP"));
	/* Two paths (the drop, the deliveries): two diagrams; the flow's 71 packets listed up
	 * to the bound of 50 (the drop and 49 deliveries), the other 21 counted. */
	CHECK(strstr(page, "id=\"ah0\"") && strstr(page, "id=\"ah1\"") &&
	      !strstr(page, "id=\"ah2\""));
	snprintf(more, sizeof(more), "and %d more packets on this path", 21);
	CHECK(strstr(page, more));
	CHECK(strstr(page, "<tr data-fate=\"delivered\"><td>delivered</td><td class=\"num "
			   "fate-count\">70</td></tr>"));
	free(page);
	merge_input__free(&in);
	unlink(path);
}

static void test_bundle_sections(void)
{
	struct report_bundle b = { 0 };
	char *out = NULL;

	b.counters = cJSON_Parse("{\"rises\":[{\"netns\":\"n<1>\",\"kind\":\"qdisc\",\"name\":"
				 "\"drops\",\"device\":\"eth0\",\"start\":1,\"end\":2,\"rise\":4,"
				 "\"traced_drops\":1,\"unexplained\":3}]}");
	b.checks = cJSON_Parse("{\"checks\":[{\"layer\":\"node\",\"item\":\"x\",\"status\":"
			       "\"fail\",\"fact\":\"a & b\",\"explains_drop\":true}]}");
	CAPTURE(out, report__write_bundle(&b, f));
	CHECK(strstr(out, "<tr class=\"unexplained\"><td>n&lt;1&gt;</td>"));
	CHECK(strstr(out, "a drop no hook saw"));
	CHECK(strstr(out, "<tr class=\"check check-fail\" data-status=\"fail\">"));
	CHECK(strstr(out, "a &amp; b"));
	CHECK(strstr(out, "no manifest.json"));
	free(out);
	CAPTURE(out, report__write_bundle_glance(&b, f));
	CHECK(strstr(out, "1 counter rise no hook saw") && strstr(out, "1 failed check"));
	free(out);
	report_bundle__free(&b);
}

int main(void)
{
	RUN(test_escape);
	RUN(test_text_cut);
	RUN(test_tuple);
	RUN(test_layout);
	RUN(test_layout_wraps);
	RUN(test_drop_without_free);
	RUN(test_svg_markup);
	RUN(test_page);
	RUN(test_bundle_sections);
	CHECK_EXIT();
}

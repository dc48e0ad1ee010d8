// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the pcapng sink: a synthetic packet's hops read back by tshark as frames
 * behind a cooked header, one interface per device, comments that read as the timeline
 * (those of hops without bytes on a neighbouring frame, or in a Custom Block), the hop JSON
 * in each frame, and write errors. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/btf.h>

#include "check.h"
#include "tshark_lines.h"
#include "btf_fixture.h"
#include "host/drop_reason.h"
#include "pipeline/hopview.h"
#include "util/json_writer.h"
#include "sinks/pcapng_link.h"
#include "sinks/pcapng_sink.h"
#include "sinks/pcapng_writer.h"
#include "sinks/sink.h"

#define WALL_OFFSET_NS 1700000000000000000LL
#define NETNS_A 4026532001u
#define NETNS_B 4026532002u
#define SNAPLEN 128

#define ETH_HLEN 14
#define IP_UDP_LEN 28  /* IPv4 header and UDP header, no payload captured */
#define WIRE_IP_LEN 84 /* a default ping's size, as if the payload had not been captured */

/* Drop reason values of the synthetic BTF; any values do, the names are what counts. */
#define REASON_NETFILTER_DROP 11
#define REASON_TC_INGRESS 61
#define REASON_WITHOUT_TABLE 6
#define DROP_LOCATION 0xffffffff81000010ull

static __u8 frame[ETH_HLEN + IP_UDP_LEN];

/* Ethernet 02:00:00:00:00:01 -> 02:00:00:00:00:02, IPv4 10.0.0.1 -> 10.0.0.2, UDP 40000 -> 53;
 * checksums are left zero, as nothing here checks them. */
static void build_frame(void)
{
	static const __u8 eth[ETH_HLEN] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00 };
	static const __u8 ip[12] = { 0x45, 0, 0, WIRE_IP_LEN, 0, 1, 0, 0, 64, 17, 0, 0 };
	static const __u8 addrs[8] = { 10, 0, 0, 1, 10, 0, 0, 2 };
	static const __u8 udp[8] = { 0x9c, 0x40, 0, 53, 0, WIRE_IP_LEN - 20, 0, 0 };

	memcpy(frame, eth, sizeof(eth));
	memcpy(frame + ETH_HLEN, ip, sizeof(ip));
	memcpy(frame + ETH_HLEN + sizeof(ip), addrs, sizeof(addrs));
	memcpy(frame + ETH_HLEN + sizeof(ip) + sizeof(addrs), udp, sizeof(udp));
}

/* A hop as the decoder would hand it on: L2 hops capture from frame, others from its IP. */
static struct hop make_hop(__u16 hook, __u64 ts_ns, __u32 netns, const char *ifname,
			   const char *kind, __u16 flags, __u16 cap_len)
{
	struct hop h = { .ev = { .ts_ns = ts_ns, .hook = hook, .netns = netns, .flags = flags } };
	bool l2 = flags & HOP_F_L2;

	snprintf(h.ev.ifname, sizeof(h.ev.ifname), "%s", ifname);
	snprintf(h.ev.dev_kind, sizeof(h.ev.dev_kind), "%s", kind);
	h.ev.skb = 0xffff888004a3c000ull;
	h.ev.len = l2 ? ETH_HLEN + WIRE_IP_LEN : WIRE_IP_LEN;
	h.ev.wire_len = h.ev.len;
	h.ev.cap_len = cap_len;
	h.data = cap_len ? (l2 ? frame : frame + ETH_HLEN) : NULL;
	return h;
}

static struct hop make_drop(__u64 ts_ns, __u32 netns, const char *ifname, __u32 reason)
{
	struct hop h =
		make_hop(HOOK_KFREE_SKB, ts_ns, netns, ifname, "", HOP_F_HAS_REASON, IP_UDP_LEN);

	h.ev.reason = reason;
	h.ev.location = DROP_LOCATION;
	return h;
}

/* The three hops of the brief: a veth transmit, a receive, a drop in the IP layer. */
static void make_three_hops(struct hop *hops)
{
	build_frame();
	hops[0] = make_hop(HOOK_DEV_XMIT, 1000, NETNS_A, "veth-a", "veth", HOP_F_L2 | HOP_F_TUPLE,
			   sizeof(frame));
	hops[1] = make_hop(HOOK_NETIF_RECEIVE, 2500, NETNS_B, "eth0", "", HOP_F_L2, sizeof(frame));
	hops[2] = make_drop(4000, NETNS_B, "", REASON_WITHOUT_TABLE);
	hops[0].ev.ifindex = 5;
	hops[1].ev.ifindex = 2;
}

static struct packet make_packet(__u64 id, enum fate fate, struct hop *hops, int count)
{
	return (struct packet){
		.id = id,
		.skb = hops[0].ev.skb,
		.fate = fate,
		.hop_count = count,
		.hop_cap = count,
		.hops = hops,
	};
}

/* Judges pkt and hands it to the sink, as the session does. */
static int sink_packet(struct sink *s, struct enrich *en, const struct packet *pkt)
{
	struct judged_packet jp;
	int ret = judged_packet__build(en, pkt, &jp);

	if (!ret)
		ret = s->packet(s, &jp);
	judged_packet__release(&jp);
	return ret;
}

/* Runs pkts through a new pcapng sink on f, as the tracer would. Return: 0 or -errno. */
static int write_packets(FILE *f, struct enrich *en, const struct packet *pkts, int count)
{
	struct timeline_totals totals = { 0 };
	struct trace_summary sum = { .totals = &totals };
	struct sink *s;
	int i, ret = 0;

	s = output_pcapng__new(f, en, SNAPLEN);
	if (!s)
		return -errno;
	for (i = 0; i < count && !ret; i++)
		ret = sink_packet(s, en, &pkts[i]);
	if (!ret)
		ret = s->summary(s, &sum);
	s->free(s);
	return ret;
}

static bool tshark_is_installed(void)
{
	return system("command -v tshark >/dev/null 2>&1") == 0;
}

/* Writes pkts to a temporary file; returns its path (free it, unlink it) or NULL. */
static char *write_temp_file(struct enrich *en, const struct packet *pkts, int count)
{
	char *path = strdup("/tmp/test_output_pcapng.XXXXXX");
	int fd = path ? mkstemp(path) : -1;
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	int ret;

	CHECK(f);
	if (!f) {
		if (fd >= 0)
			close(fd);
		free(path);
		return NULL;
	}
	ret = write_packets(f, en, pkts, count);
	CHECK(ret == 0);
	CHECK(fclose(f) == 0);
	return path;
}

/* Frames only (-Y): the summary's Custom Block that closes every file is not one. */
static const char three_hop_fields[] =
	"-Y frame.interface_id -e frame.interface_name -e frame.comment -e frame.packet_id -e frame.encap_type "
	"-e frame.packet_flags_direction -e frame.time_epoch -e frame.cap_len -e frame.len "
	"-e sll.etype -e sll.ifindex -e sll.hatype -e sll.pkttype -e eth.src -e ip.src";

/* Encapsulation 210 is Linux cooked v2: 20 header bytes before the captured ones, which
 * start at the Ethernet header (EtherType 0x6558, ARPHRD_ETHER) or at the IP header
 * (0x0800, ARPHRD_NONE); packet type 4 on a transmit, 255 where hoptrace has none to give.
 * Directions are epb_flags bits 0-1. */
static const char *const three_hop_want[] = {
	"veth-a@netns:4026532001\t"
	"hop 1/3 veth_xmit layer=veth netns=netns:4026532001 dev=veth-a(veth) len=98\t"
	"77\t210\t0x00000002\t1700000000.000001000\t62\t118\t"
	"0x6558\t5\t1\t4\t02:00:00:00:00:01\t10.0.0.1",
	"eth0@netns:4026532002\t"
	"hop 2/3 netif_receive layer=node netns=netns:4026532002 dev=eth0 len=98\t"
	"77\t210\t0x00000001\t1700000000.000002500\t62\t118\t"
	"0x6558\t2\t1\t255\t02:00:00:00:00:01\t10.0.0.1",
	"-@netns:4026532002\t"
	"hop 3/3 kfree_skb layer=kernel netns=netns:4026532002 dev=- len=84 "
	"UNKNOWN(6) at 0xffffffff81000010 | verdict: DROPPED in kernel "
	"(netns netns:4026532002, dev -): UNKNOWN(6) at 0xffffffff81000010\t"
	"77\t210\t\t1700000000.000004000\t48\t104\t"
	"0x0800\t0\t65534\t255\t\t10.0.0.1",
};

static void test_three_hops_tshark(void)
{
	struct enrich en = { .mono_to_wall_ns = WALL_OFFSET_NS };
	struct hop hops[3];
	struct packet pkt;
	char *path;

	if (!tshark_is_installed()) {
		SKIP("tshark is not installed");
		return;
	}
	make_three_hops(hops);
	pkt = make_packet(77, FATE_DROPPED, hops, 3);
	path = write_temp_file(&en, &pkt, 1);
	if (!path)
		return;
	check_tshark_lines(path, three_hop_fields, three_hop_want, 3);
	unlink(path);
	free(path);
}

/* Drop reason names as a kernel's BTF gives them, with one tc reason among them. */
static struct drop_reasons *synthetic_reasons(void)
{
	static const char *const names[] = { "SKB_DROP_REASON_NETFILTER_DROP",
					     "SKB_DROP_REASON_TC_INGRESS" };
	static const long long values[] = { REASON_NETFILTER_DROP, REASON_TC_INGRESS };
	return btf_fixture__reasons(names, values, 2);
}

static const char verdict_fields[] =
	"-Y frame.interface_id -e frame.interface_id -e frame.packet_id -e frame.comment -e frame.verdict.ebpf_tc "
	"-e frame.cap_len -e frame.len";

/* Interfaces are shared across packets, one per device: 0 eth0 (its Ethernet and its IP
 * hops alike), 1 no device. A hop without bytes has no frame: its line goes to the packet's
 * next frame, or to its last when none follows. */
static const char *const verdict_want[] = {
	"0\t1\thop 1/2 netif_receive layer=node netns=netns:4026532002 dev=eth0 len=98 "
	"[no packet bytes],"
	"hop 2/2 kfree_skb layer=kernel netns=netns:4026532002 dev=eth0 len=84 "
	"TC_INGRESS at 0xffffffff81000010 | verdict: DROPPED in kernel "
	"(netns netns:4026532002, dev eth0): TC_INGRESS at 0xffffffff81000010\t2\t48\t104",
	"1\t2\thop 1/1 kfree_skb layer=node netns=netns:4026532002 dev=- len=84 "
	"NETFILTER_DROP at 0xffffffff81000010 | verdict: DROPPED in node "
	"(netns netns:4026532002, dev -): NETFILTER_DROP at 0xffffffff81000010\t\t48\t104",
	"0\t3\thop 1/7 netif_receive layer=node netns=netns:4026532002 dev=eth0 len=98 "
	"[incomplete],"
	"hop 7/7 consume_skb layer=kernel netns=netns:4026532002 dev=- len=84 [no packet bytes] "
	"(5 hops before not kept) | verdict: delivered (consumed in netns netns:4026532002) "
	"[incomplete]\t\t62\t118",
	"0\t4\thop 1/1 dev_xmit layer=node netns=netns:4026532002 dev=eth0 len=98 | "
	"verdict: unknown: not freed while traced (last seen in netns netns:4026532002)"
	"\t\t62\t118",
};

/* One packet per verdict: a tc drop (the only one with an epb_verdict), a netfilter drop,
 * a delivery with hops lost and not kept, and a packet the trace outlived. */
static void make_verdict_packets(struct hop *hops, struct packet *pkts)
{
	build_frame();
	hops[0] = make_hop(HOOK_NETIF_RECEIVE, 1000, NETNS_B, "eth0", "", HOP_F_L2, 0);
	hops[1] = make_drop(2000, NETNS_B, "eth0", REASON_TC_INGRESS);
	hops[2] = make_drop(3000, NETNS_B, "", REASON_NETFILTER_DROP);
	hops[3] = make_hop(HOOK_NETIF_RECEIVE, 4000, NETNS_B, "eth0", "", HOP_F_L2, sizeof(frame));
	hops[4] = make_hop(HOOK_CONSUME_SKB, 5000, NETNS_B, "", "", 0, 0);
	hops[5] = make_hop(HOOK_DEV_XMIT, 6000, NETNS_B, "eth0", "", HOP_F_L2, sizeof(frame));
	pkts[0] = make_packet(1, FATE_DROPPED, &hops[0], 2);
	pkts[1] = make_packet(2, FATE_DROPPED, &hops[2], 1);
	pkts[2] = make_packet(3, FATE_DELIVERED, &hops[3], 2);
	pkts[2].incomplete = true;
	pkts[2].hops_dropped = 5;
	pkts[3] = make_packet(4, FATE_UNKNOWN, &hops[5], 1);
}

static void test_verdicts_tshark(void)
{
	struct enrich en = { .mono_to_wall_ns = WALL_OFFSET_NS };
	struct packet pkts[4];
	struct hop hops[6];
	char *path;

	if (!tshark_is_installed()) {
		SKIP("tshark is not installed");
		return;
	}
	en.reasons = synthetic_reasons();
	make_verdict_packets(hops, pkts);
	path = write_temp_file(&en, pkts, 4);
	if (path) {
		check_tshark_lines(path, verdict_fields, verdict_want, 4);
		unlink(path);
		free(path);
	}
	drop_reasons__free(en.reasons);
}

/* A route lookup: no skb data of its own, the route's device and table. */
static struct hop make_route_lookup(__u64 ts_ns, __u32 netns, const char *ifname, __s32 err)
{
	struct hop h = make_hop(HOOK_FIB, ts_ns, netns, ifname, "", 0, 0);

	h.ev.len = 0;
	h.ev.wire_len = 0;
	h.ev.info.fib.table = 254;
	h.ev.info.fib.err = err;
	return h;
}

/* Output of one device, eth0 in pod A: netfilter sees the IP header, a route lookup, the
 * transmit sees the Ethernet header, and a lookup comes last (the trace ended there). */
static void make_one_device_packet(struct hop *hops)
{
	build_frame();
	hops[0] = make_hop(HOOK_NF, 1000, NETNS_A, "eth0", "veth", HOP_F_TUPLE, IP_UDP_LEN);
	hops[0].ev.info.nf.pf = 2;   /* NFPROTO_IPV4 */
	hops[0].ev.info.nf.hook = 3; /* NF_INET_LOCAL_OUT */
	hops[0].ev.info.nf.pos = HOP_NF_POS_UNKNOWN;
	hops[1] = make_route_lookup(1500, NETNS_A, "eth0", 0);
	hops[2] = make_hop(HOOK_DEV_XMIT, 2000, NETNS_A, "eth0", "veth", HOP_F_L2 | HOP_F_TUPLE,
			   sizeof(frame));
	hops[3] = make_route_lookup(3000, NETNS_A, "eth0", 0);
	for (int i = 0; i < 4; i++)
		hops[i].ev.ifindex = 2;
}

static const char one_device_fields[] =
	"-Y frame.interface_id -e frame.interface_id -e frame.interface_name -e frame.packet_id -e frame.cap_len "
	"-e sll.etype -e frame.comment";

/* Two frames on one interface; the lookups are comments, each marked, in hop order. */
static const char *const one_device_want[] = {
	"0\teth0@netns:4026532001\t9\t48\t0x0800\t"
	"hop 1/4 nf_hook layer=node netns=netns:4026532001 dev=eth0(veth) len=84 ipv4 OUTPUT accept",
	"0\teth0@netns:4026532001\t9\t62\t0x6558\t"
	"hop 2/4 fib_lookup layer=node netns=netns:4026532001 dev=eth0 table 254 -> dev eth0 "
	"[no packet bytes],"
	"hop 3/4 veth_xmit layer=veth netns=netns:4026532001 dev=eth0(veth) len=98,"
	"hop 4/4 fib_lookup layer=node netns=netns:4026532001 dev=eth0 table 254 -> dev eth0 "
	"[no packet bytes] | verdict: unknown: not freed while traced (last seen in netns "
	"netns:4026532001)",
};

/* The blocks of the file, as Wireshark's pcapng dissector lists them: one IDB, the two
 * frames, and the summary's Custom Block that closes the file. */
static const char *const one_device_blocks[] = {
	"0x0a0d0d0a,0x00000001,0x00000006,0x00000006,0x00000bad",
};

static void test_one_device_route_lookups_tshark(void)
{
	struct enrich en = { .mono_to_wall_ns = WALL_OFFSET_NS };
	struct hop hops[4];
	struct packet pkt;
	char *path;

	if (!tshark_is_installed()) {
		SKIP("tshark is not installed");
		return;
	}
	make_one_device_packet(hops);
	pkt = make_packet(9, FATE_UNKNOWN, hops, 4);
	path = write_temp_file(&en, &pkt, 1);
	if (!path)
		return;
	check_tshark_lines(path, one_device_fields, one_device_want, 2);
	check_tshark_lines(path, "-X 'read_format:MIME Files Format' -e pcapng.block.type",
			   one_device_blocks, 1);
	check_tshark_lines(path, "-Y _ws.malformed -e frame.number", NULL, 0);
	unlink(path);
	free(path);
}

/* A send that failed its route lookup has no bytes anywhere: a Custom Block holds its
 * line, verdict included, and its JSON; there is no frame and no interface. The summary's
 * Custom Block follows it. */
static const char *const no_bytes_want[] = {
	"32473\t1\t"
	"packet 5\\n"
	"hop 1/1 fib_lookup layer=node netns=netns:4026532001 dev=- table 254: lookup failed "
	"(error -101) [no packet bytes] | verdict: NO ROUTE in node (netns netns:4026532001): "
	"route lookup failed in table 254; the send never produced a packet\\n"
	"{\"type\":\"hop\",\"pkt\":5,",
	"32473\t1\tsummary\\n{\"type\":\"summary\",\"events\":0,",
};

static void test_packet_without_bytes_tshark(void)
{
	struct enrich en = { .mono_to_wall_ns = WALL_OFFSET_NS };
	struct hop hop = make_route_lookup(1000, NETNS_A, "", -101 /* -ENETUNREACH */);
	struct packet pkt = make_packet(5, FATE_NO_ROUTE, &hop, 1);
	char *path;

	if (!tshark_is_installed()) {
		SKIP("tshark is not installed");
		return;
	}
	path = write_temp_file(&en, &pkt, 1);
	if (!path)
		return;
	/* The data shows as text up to its JSON's first member; the rest is cut below. */
	check_tshark_lines(
		path,
		"-o data.show_as_text:TRUE -e frame.cb_pen -e frame.cb_copy -e data.text "
		"2>/dev/null | sed 's/\\(\"pkt\":5,\\|\"events\":0,\\).*/\\1/'",
		no_bytes_want, 2);
	check_tshark_lines(path, "-X 'read_format:MIME Files Format' -e pcapng.block.type",
			   (const char *const[]){ "0x0a0d0d0a,0x00000bad,0x00000bad" }, 1);
	unlink(path);
	free(path);
}

/* The JSON Lines object of the view of hop, as output_json__hop writes it; free it. */
static char *hop_json(struct enrich *en, const struct packet *pkt, const struct hop *hop)
{
	struct hop_view *views = NULL;
	struct json_writer w;
	char *buf = NULL;
	size_t len;
	FILE *f;
	int n = hopview__build(en, pkt, &views);

	for (int i = 0; i < n && !buf; i++) {
		if (views[i].hop != hop || views[i].kind != HOP_VIEW_KERNEL)
			continue;
		f = open_memstream(&buf, &len);
		if (!f)
			break;
		json__init(&w, f);
		output_json__hop(&w, en, pkt, &views[i]);
		fclose(f);
	}
	free(views);
	return buf;
}

/* Whether the file holds s right after the custom option's Private Enterprise Number. */
static bool file_has_custom(const char *file, size_t file_len, const char *s)
{
	__u32 pen = PCAPNG_HOPTRACE_PEN;
	size_t len = strlen(s);
	char *want = malloc(sizeof(pen) + len);
	bool found;

	if (!want)
		return false;
	memcpy(want, &pen, sizeof(pen));
	memcpy(want + sizeof(pen), s, len);
	found = memmem(file, file_len, want, sizeof(pen) + len);
	free(want);
	return found;
}

/* The cooked header's bytes, big-endian as the link type wants: protocol, reserved,
 * interface index, ARPHRD type, packet type, address length, address. */
static void test_link_header_bytes(void)
{
	/* clang-format off */
	static const __u8 want_l2_out[PCAPNG_LINK_HLEN] = {
		0x65, 0x58, 0, 0,	/* ETH_P_TEB, reserved */
		0, 0, 1, 2,		/* ifindex 258 */
		0, 1, 4, 0,		/* ARPHRD_ETHER, PACKET_OUTGOING, no address */
		0, 0, 0, 0, 0, 0, 0, 0,
	};
	static const __u8 want_ipv6[PCAPNG_LINK_HLEN] = {
		0x86, 0xdd, 0, 0,	/* IPv6 */
		0, 0, 0, 0,		/* no device */
		0xff, 0xfe, 0xff, 0,	/* ARPHRD_NONE, packet type not recorded */
		0, 0, 0, 0, 0, 0, 0, 0,
	};
	/* clang-format on */
	static const __u8 ipv6[1] = { 0x60 }, other[1] = { 0x20 };
	struct hop_event ev = { .hook = HOOK_DEV_XMIT, .flags = HOP_F_L2, .ifindex = 258 };
	__u8 hdr[PCAPNG_LINK_HLEN];

	build_frame();
	ev.cap_len = sizeof(frame);
	pcapng_link__header(hdr, &ev, frame);
	CHECK(!memcmp(hdr, want_l2_out, sizeof(hdr)));
	ev = (struct hop_event){ .hook = HOOK_KFREE_SKB, .cap_len = 1 };
	pcapng_link__header(hdr, &ev, ipv6);
	CHECK(!memcmp(hdr, want_ipv6, sizeof(hdr)));
	/* Bytes that are neither IPv4 nor IPv6 get no protocol rather than a wrong one. */
	pcapng_link__header(hdr, &ev, other);
	CHECK(hdr[0] == 0 && hdr[1] == 0);
}

/* Without tshark: each frame carries its hop's JSON, and the header names the writer. */
static void test_custom_json_and_header(void)
{
	struct enrich en = { .mono_to_wall_ns = WALL_OFFSET_NS };
	struct hop hops[3];
	struct packet pkt;
	char *buf = NULL, *json;
	size_t len = 0;
	FILE *f;
	int i;

	make_three_hops(hops);
	pkt = make_packet(77, FATE_DROPPED, hops, 3);
	f = open_memstream(&buf, &len);
	CHECK(f);
	if (!f)
		return;
	CHECK(write_packets(f, &en, &pkt, 1) == 0);
	fclose(f);
	for (i = 0; i < 3; i++) {
		json = hop_json(&en, &pkt, &hops[i]);
		CHECK(json && file_has_custom(buf, len, json));
		free(json);
	}
	/* The last frame carries the packet object after its hops', as JSON Lines has it; the
	 * summary's Custom Block closes the file (hoptrace merge reads both). */
	CHECK(file_has_custom(buf, len, "{\"type\":\"packet\",\"pkt\":77,\"flow\""));
	CHECK(file_has_custom(buf, len, "summary\n{\"type\":\"summary\""));
	CHECK(memmem(buf, len, "hoptrace " HOPTRACE_VERSION, strlen("hoptrace " HOPTRACE_VERSION)));
	CHECK(memmem(buf, len, "host ", 5));
	CHECK(memmem(buf, len, "Linux ", 6));
	/* The section's comment says how to read the file, false TCP marks included. */
	CHECK(memmem(buf, len, "tshark -o tcp.analyze_sequence_numbers:FALSE", 44));
	free(buf);
}

/* A full disk stops the trace: packet() and summary() say so instead of losing frames. */
static void test_dev_full(void)
{
	struct enrich en = { .mono_to_wall_ns = WALL_OFFSET_NS };
	struct timeline_totals totals = { 0 };
	struct trace_summary sum = { .totals = &totals };
	struct hop hops[3];
	struct packet pkt;
	struct sink *s;
	FILE *f;

	f = fopen("/dev/full", "w");
	if (!f) {
		SKIP("cannot open /dev/full");
		return;
	}
	make_three_hops(hops);
	pkt = make_packet(77, FATE_DROPPED, hops, 3);
	s = output_pcapng__new(f, &en, SNAPLEN);
	CHECK(s);
	if (s) {
		CHECK(sink_packet(s, &en, &pkt) == -ENOSPC);
		CHECK(s->summary(s, &sum) == -ENOSPC);
		s->free(s);
	}
	fclose(f);
}

int main(void)
{
	RUN(test_three_hops_tshark);
	RUN(test_verdicts_tshark);
	RUN(test_one_device_route_lookups_tshark);
	RUN(test_packet_without_bytes_tshark);
	RUN(test_link_header_bytes);
	RUN(test_custom_json_and_header);
	RUN(test_dev_full);
	CHECK_EXIT();
}

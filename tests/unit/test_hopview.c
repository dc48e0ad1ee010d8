// SPDX-License-Identifier: GPL-2.0
/* Unit tests of what hops mean together, on synthetic packets: which netfilter table range
 * dropped a packet (the priority-range attribution), NAT before -> after (and an ICMP
 * error translated back with its quote), VXLAN encapsulation and decapsulation from
 * captured bytes, the verdict's layer, and BPF programs' returns (bpf_prog hops). */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>

#include "check.h"
#include "btf_fixture.h"
#include "packet_bytes.h"
#include "host/drop_reason.h"
#include "pipeline/bpf_ret.h"
#include "pipeline/hopview.h"
#include "pipeline/verdict.h"

#define NFPROTO_IPV4 2
#define NF_FORWARD 2
#define NF_POSTROUTING 4
#define REASON_NETFILTER_DROP 11
#define REASON_VXLAN_VNI_NOT_FOUND 90

static struct drop_reasons *reasons(void)
{
	static const char *const names[] = { "SKB_DROP_REASON_NETFILTER_DROP",
					     "SKB_DROP_REASON_VXLAN_VNI_NOT_FOUND" };
	static const long long values[] = { REASON_NETFILTER_DROP, REASON_VXLAN_VNI_NOT_FOUND };
	return btf_fixture__reasons(names, values, 2);
}

static struct hop_tuple udp(const char *src, __u16 sport, const char *dst, __u16 dport)
{
	struct hop_tuple t = { .family = HOP_AF_INET, .proto = 17, .sport = sport, .dport = dport };

	inet_pton(AF_INET, src, t.saddr);
	inet_pton(AF_INET, dst, t.daddr);
	return t;
}

static struct hop hop(__u16 hook, const struct hop_tuple *t)
{
	struct hop h = { .ev = { .hook = hook, .flags = HOP_F_TUPLE, .tuple = *t } };

	return h;
}

static struct hop nf_hop(__u8 hook, const struct hop_tuple *t)
{
	struct hop h = hop(HOOK_NF, t);

	h.ev.info.nf.pf = NFPROTO_IPV4;
	h.ev.info.nf.hook = hook;
	return h;
}

static struct hop drop_hop(__u32 reason, __u8 nf_hook, __u8 pos, const struct hop_tuple *t)
{
	struct hop h = hop(HOOK_KFREE_SKB, t);

	h.ev.flags |= HOP_F_HAS_REASON | HOP_F_NF_STATE;
	h.ev.reason = reason;
	h.ev.info.nf.pf = NFPROTO_IPV4;
	h.ev.info.nf.hook = nf_hook;
	h.ev.info.nf.pos = pos;
	return h;
}

static int build(struct enrich *en, struct hop *hops, int n, enum fate fate,
		 struct hop_view **views, struct verdict *v)
{
	struct packet p = { .hops = hops, .hop_count = n, .fate = fate };
	int count = hopview__build(en, &p, views);

	if (count >= 0)
		verdict__judge(en, &p, *views, count, v);
	return count;
}

/* Passed position 4 (before filter) in FORWARD, then freed by netfilter: table filter. */
static void test_forward_drop_is_filter(void)
{
	struct enrich en = { .reasons = reasons() };
	struct hop_tuple t = udp("10.0.0.1", 1000, "10.0.1.1", 53);
	struct hop hops[] = { hop(HOOK_NETIF_RECEIVE, &t), nf_hop(NF_FORWARD, &t),
			      drop_hop(REASON_NETFILTER_DROP, NF_FORWARD, 4, &t) };
	struct hop_view *views;
	struct verdict v;
	int n = build(&en, hops, 3, FATE_DROPPED, &views, &v);

	CHECK(n == 3);
	CHECK(views[1].nf && views[1].nf_dropped);
	CHECK(views[1].nf_range && !strcmp(views[1].nf_range->table, "filter"));
	CHECK(v.nf && v.nf_priority == 0);
	CHECK_STR(v.nf_hook, "FORWARD");
	CHECK_STR(v.nf_table, "filter");
	CHECK_STR(v.layer, "node");
	free(views);
	drop_reasons__free(en.reasons);
}

/* A REJECT in FORWARD: the route lookup for its ICMP answer is recorded between the hook
 * and the drop, and must not end the hook (issue 12 item 9). */
static void test_reject_route_lookup_keeps_hook(void)
{
	struct enrich en = { .reasons = reasons() };
	struct hop_tuple t = udp("10.0.0.1", 1000, "10.0.1.1", 53);
	struct hop hops[] = { nf_hop(NF_FORWARD, &t), hop(HOOK_FIB, &t), hop(HOOK_FIB, &t),
			      drop_hop(REASON_NETFILTER_DROP, NF_FORWARD, 4, &t) };
	struct hop_view *views;
	struct verdict v;

	CHECK(build(&en, hops, 4, FATE_DROPPED, &views, &v) == 4);
	CHECK(views[0].nf_dropped);
	CHECK(v.nf);
	CHECK_STR(v.nf_hook, "FORWARD");
	CHECK_STR(v.nf_table, "filter");
	free(views);
	drop_reasons__free(en.reasons);
}

/* Dropped after the last position of POSTROUTING: conntrack confirm refused the entry. */
static void test_confirm_drop_is_ct_insert_fail(void)
{
	struct enrich en = { .reasons = reasons() };
	struct hop_tuple t = udp("10.0.0.1", 1000, "10.0.1.1", 53);
	struct hop hops[] = { nf_hop(NF_POSTROUTING, &t),
			      drop_hop(REASON_NETFILTER_DROP, NF_POSTROUTING, 8, &t) };
	struct hop_view *views;
	struct verdict v;

	CHECK(build(&en, hops, 2, FATE_DROPPED, &views, &v) == 2);
	CHECK_STR(v.nf_table, "conntrack confirm");
	CHECK(v.ct_insert_fail);
	CHECK_STR(v.ct_insert_by, "range");
	CHECK_STR(v.layer, "kernel");
	free(views);
	drop_reasons__free(en.reasons);
}

/* Without observers between the tables (fentry on nf_hook_slow: position unknown), the
 * fexit on __nf_conntrack_confirm that saw the entry refused names the table; without it the
 * same drop names none. */
static void test_confirm_refusal_seen_by_fexit(void)
{
	struct enrich en = { .reasons = reasons() };
	struct hop_tuple t = udp("10.0.0.1", 1000, "10.0.1.1", 53);
	struct hop refused = hop(HOOK_CT_CONFIRM, &t);
	struct hop hops[] = { nf_hop(NF_POSTROUTING, &t), refused,
			      drop_hop(REASON_NETFILTER_DROP, NF_POSTROUTING, HOP_NF_POS_UNKNOWN,
				       &t) };
	struct hop unseen[] = { hops[0], hops[2] };
	struct hop_view *views;
	struct verdict v;

	CHECK(build(&en, hops, 3, FATE_DROPPED, &views, &v) == 3);
	CHECK(views[0].nf_dropped && views[0].nf_ct_refused);
	CHECK_STR(v.nf_hook, "POSTROUTING");
	CHECK_STR(v.nf_table, "conntrack confirm");
	CHECK(v.ct_insert_fail);
	CHECK_STR(v.ct_insert_by, "fexit");
	free(views);

	CHECK(build(&en, unseen, 2, FATE_DROPPED, &views, &v) == 2);
	CHECK(views[0].nf_dropped && !views[0].nf_ct_refused);
	CHECK_STR(v.nf_hook, "POSTROUTING");
	CHECK(v.nf_table == NULL);
	/* No conntrack statistics here (en.ct NULL): nothing to infer an insert failure from. */
	CHECK(!v.ct_insert_fail);
	free(views);
	drop_reasons__free(en.reasons);
}

/* A drop by something other than netfilter right after a hook is not the hook's. */
static void test_other_reason_is_not_netfilter(void)
{
	struct enrich en = { .reasons = reasons() };
	struct hop_tuple t = udp("10.0.0.1", 1000, "10.0.1.1", 53);
	struct hop hops[] = { nf_hop(NF_FORWARD, &t),
			      drop_hop(REASON_VXLAN_VNI_NOT_FOUND, NF_FORWARD, 4, &t) };
	struct hop_view *views;
	struct verdict v;

	CHECK(build(&en, hops, 2, FATE_DROPPED, &views, &v) == 2);
	CHECK(!views[0].nf_dropped);
	CHECK(!v.nf);
	CHECK_STR(v.layer, "overlay");
	free(views);
	drop_reasons__free(en.reasons);
}

/* A netfilter drop right after a device's receive, in the namespace nsinode. */
static struct hop ns_hop(struct hop h, __u32 nsinode)
{
	h.ev.netns = nsinode;
	h.ev.ifindex = 3;
	return h;
}

/* Netfilter observers only in namespace 100: a netfilter drop in namespace 200 names no
 * hook (not even a netdev guess: an IPv4 hook's drop looks the same there) and says so. */
static void test_unobserved_netns_hint(void)
{
	static const __u32 observed[] = { 100 };
	struct enrich en = { .reasons = reasons(), .nf_netns = observed, .nf_netns_count = 1 };
	struct hop_tuple t = udp("10.0.0.1", 1000, "10.0.1.1", 53);
	struct hop hops[] = { ns_hop(hop(HOOK_NETIF_RECEIVE, &t), 200),
			      ns_hop(drop_hop(REASON_NETFILTER_DROP, 0, 0, &t), 200) };
	struct hop_view *views;
	struct verdict v;
	char line[512];

	hops[1].ev.flags &= ~HOP_F_NF_STATE;
	CHECK(build(&en, hops, 2, FATE_DROPPED, &views, &v) == 2);
	CHECK(v.nf_unobserved && !v.nf);
	CHECK_STR(v.nf_hint, "no netfilter observation in netns netns:200: it has no /run/netns "
			     "name, so trace an address it holds with --pod-ip");
	verdict__describe(&v, line, sizeof(line));
	CHECK(strstr(line, "NETFILTER_DROP") && strstr(line, v.nf_hint));
	free(views);

	/* Observed there: the netdev ingress inference stands, and no hint. */
	hops[0].ev.netns = hops[1].ev.netns = 100;
	CHECK(build(&en, hops, 2, FATE_DROPPED, &views, &v) == 2);
	CHECK(!v.nf_unobserved && v.nf && v.nf_inferred);
	CHECK_STR(v.nf_family, "netdev");
	free(views);

	/* Observers not per namespace (none listed): never unobserved. */
	hops[0].ev.netns = hops[1].ev.netns = 200;
	en.nf_netns = NULL;
	CHECK(build(&en, hops, 2, FATE_DROPPED, &views, &v) == 2);
	CHECK(!v.nf_unobserved);
	free(views);
	drop_reasons__free(en.reasons);
}

/* The destination changes between two hops: a nat hop (dnat) with before and after. */
static void test_dnat_between_hops(void)
{
	struct enrich en = {};
	struct hop_tuple svc = udp("10.0.0.1", 1000, "10.96.0.10", 53);
	struct hop_tuple pod = udp("10.0.0.1", 1000, "10.244.2.2", 5353);
	struct hop hops[] = { nf_hop(0, &svc), hop(HOOK_DEV_XMIT, &pod),
			      hop(HOOK_CONSUME_SKB, &pod) };
	struct hop_view *views;
	struct verdict v;
	int n = build(&en, hops, 3, FATE_DELIVERED, &views, &v);

	CHECK(n == 4);
	CHECK(views[1].kind == HOP_VIEW_NAT);
	CHECK_STR(views[1].nat_kind, "dnat");
	CHECK_STR(views[1].layer, "service");
	CHECK(!memcmp(&views[1].before, &svc, sizeof(svc)));
	CHECK(!memcmp(&views[1].after, &pod, sizeof(pod)));
	free(views);
}

/* A hop with the bytes of an ICMP error from src to dst quoting UDP qsrc:1000 -> qdst:qport
 * (type 3 code 3), or of an echo request from src to dst when qsrc is NULL. */
static struct hop icmp_hop(__u16 hook, const char *src, const char *dst, const char *qsrc,
			   const char *qdst, __u16 qport)
{
	struct hop_tuple t = udp(src, 0, dst, 0);
	struct hop h;
	int n;

	t.proto = 1;
	h = hop(hook, &t);
	h.data = calloc(1, 64);
	if (!h.data)
		return h;
	n = put_ipv4(h.data, 1, src, dst);
	n += put_icmp(h.data + n, qsrc ? 3 : 8, qsrc ? 3 : 0, 0, 0);
	if (qsrc) {
		n += put_ipv4(h.data + n, 17, qsrc, qdst);
		n += put_ports(h.data + n, 1000, qport);
	}
	h.ev.cap_len = n;
	return h;
}

/* Conntrack translates an ICMP error back for the DNAT its quoted datagram got: the
 * outer source and the quoted destination change together. That is no snat: a nat hop
 * icmp_reverse, with both quotes. */
static void test_icmp_error_reverse_translation(void)
{
	struct enrich en = {};
	struct hop hops[] = {
		icmp_hop(HOOK_DEV_XMIT, "10.244.2.2", "10.0.0.1", "10.0.0.1", "10.244.2.2", 5353),
		icmp_hop(HOOK_DEV_XMIT, "10.96.0.10", "10.0.0.1", "10.0.0.1", "10.96.0.10", 53),
	};
	struct hop_tuple svc = udp("10.0.0.1", 1000, "10.96.0.10", 53);
	struct hop_tuple pod = udp("10.0.0.1", 1000, "10.244.2.2", 5353);
	struct hop_view *views;
	struct verdict v;
	char details[512];
	int n = build(&en, hops, 2, FATE_DELIVERED, &views, &v);

	CHECK(n == 3);
	CHECK(views[1].kind == HOP_VIEW_NAT);
	CHECK_STR(views[1].nat_kind, "icmp_reverse");
	CHECK(!memcmp(&views[1].quoted_before, &pod, sizeof(pod)));
	CHECK(!memcmp(&views[1].quoted_after, &svc, sizeof(svc)));
	hopview__details(&en, &views[1], details, sizeof(details));
	CHECK_STR(details, "icmp_reverse: icmp 10.244.2.2 -> 10.0.0.1 => icmp 10.96.0.10 -> "
			   "10.0.0.1; quoted udp 10.0.0.1:1000 -> 10.244.2.2:5353 => udp "
			   "10.0.0.1:1000 -> 10.96.0.10:53");
	free(views);
	for (int i = 0; i < 2; i++)
		free(hops[i].data);
}

/* An echo request whose source is rewritten (masquerade) is an snat, as any packet. */
static void test_echo_snat_stays_snat(void)
{
	struct enrich en = {};
	struct hop hops[] = {
		icmp_hop(HOOK_DEV_XMIT, "10.244.1.2", "10.0.0.9", NULL, NULL, 0),
		icmp_hop(HOOK_DEV_XMIT, "172.31.77.1", "10.0.0.9", NULL, NULL, 0),
	};
	struct hop_view *views;
	struct verdict v;
	int n = build(&en, hops, 2, FATE_DELIVERED, &views, &v);

	CHECK(n == 3);
	CHECK(views[1].kind == HOP_VIEW_NAT);
	CHECK_STR(views[1].nat_kind, "snat");
	CHECK(!views[1].quoted_before.family);
	free(views);
	for (int i = 0; i < 2; i++)
		free(hops[i].data);
}

/* Raw-IP bytes of a VXLAN packet (VNI 42) around a pod's UDP packet. */
static __u8 *vxlan_bytes(__u32 *len)
{
	static const __u8 outer[] = {
		0x45, 0,    0,	  82,	0,  0,	0,  0, 64, 17, 0, 0, 172,  31,
		77,   1,    172,  31,	77, 2,					 /* IPv4 */
		0x30, 0x39, 0x12, 0xb5, 0,  62, 0,  0,				 /* UDP 4789 */
		0x08, 0,    0,	  0,	0,  0,	42, 0,				 /* VXLAN */
		0,    1,    2,	  3,	4,  5,	0,  1, 2,  3,  4, 6, 0x08, 0x00, /* Ethernet */
		0x45, 0,    0,	  32,	0,  0,	0,  0, 64, 17, 0, 0, 10,   0,
		0,    1,    10,	  0,	1,  1,	       /* inner IPv4 */
		0x03, 0xe8, 0,	  53,	0,  12, 0,  0, /* inner UDP */
	};
	__u8 *b = malloc(sizeof(outer));

	if (b)
		memcpy(b, outer, sizeof(outer));
	*len = sizeof(outer);
	return b;
}

/* The pod's packet alone: the inner part of vxlan_bytes(). */
static __u8 *plain_bytes(__u32 *len)
{
	__u32 all;
	__u8 *b = vxlan_bytes(&all);

	*len = all - 50;
	if (b)
		memmove(b, b + 50, *len);
	return b;
}

/* Bytes become a VXLAN packet, then plain again: encap and decap hops with the VNI. (A hop
 * without bytes says nothing of tunnels, so each hop here carries its packet.) */
static void test_vxlan_encap_and_decap(void)
{
	struct enrich en = {};
	struct hop_tuple inner = udp("10.0.0.1", 1000, "10.0.1.1", 53);
	struct hop_tuple outer = udp("172.31.77.1", 12345, "172.31.77.2", 4789);
	struct hop hops[] = { hop(HOOK_DEV_XMIT, &inner), hop(HOOK_DEV_XMIT, &outer),
			      hop(HOOK_NETIF_RECEIVE, &inner) };
	struct hop_view *views;
	struct verdict v;
	__u32 len;
	int n;

	hops[0].data = plain_bytes(&len);
	hops[0].ev.cap_len = len;
	hops[1].data = vxlan_bytes(&len);
	hops[1].ev.cap_len = len;
	hops[2].data = plain_bytes(&len);
	hops[2].ev.cap_len = len;
	n = build(&en, hops, 3, FATE_UNKNOWN, &views, &v);
	CHECK(n == 5);
	CHECK(views[1].kind == HOP_VIEW_TUNNEL_ENCAP);
	CHECK_STR(views[1].name, "vxlan_encap");
	CHECK(views[1].tun.vni == 42 && views[1].tun.outer.dport == 4789);
	CHECK(views[2].tunnel && views[2].tun.inner.dport == 53);
	CHECK(views[3].kind == HOP_VIEW_TUNNEL_DECAP);
	CHECK_STR(views[3].name, "vxlan_decap");
	free(views);
	for (int i = 0; i < 3; i++)
		free(hops[i].data);
}

/* A bpf_prog hop: what fexit on a tc or cgroup program reports, no bytes and no tuple. */
static struct hop bpf_hop(__u32 id, enum hop_bpf_attach attach, __s32 ret)
{
	struct hop h = { .ev = { .hook = HOOK_BPF_PROG } };

	h.ev.info.bpf.prog_id = id;
	h.ev.info.bpf.attach = attach;
	h.ev.info.bpf.ret = ret;
	return h;
}

/* Two cls_bpf programs on one ingress, the first passes on, the second drops: each is a
 * hop with its return, and neither is taken for a NAT (they have no tuple). */
static void test_bpf_prog_returns(void)
{
	struct enrich en = { .reasons = reasons() };
	struct hop_tuple t = udp("10.0.0.1", 1000, "10.0.1.1", 7777);
	struct hop hops[] = { hop(HOOK_NETIF_RECEIVE, &t), bpf_hop(41, HOP_BPF_TC_INGRESS, -1),
			      bpf_hop(42, HOP_BPF_TC_INGRESS, 2), hop(HOOK_KFREE_SKB, &t) };
	struct hop_view *views;
	char details[160];
	struct verdict v;
	int n = build(&en, hops, 4, FATE_DROPPED, &views, &v);

	CHECK(n == 4);
	if (n == 4) {
		CHECK_STR(views[1].name, "bpf_prog");
		hopview__details(&en, &views[1], details, sizeof(details));
		CHECK_STR(details, "prog 41 (tc_ingress) returned TC_ACT_UNSPEC (next)");
		hopview__details(&en, &views[2], details, sizeof(details));
		CHECK_STR(details, "prog 42 (tc_ingress) returned TC_ACT_SHOT");
	}
	free(views);
	drop_reasons__free(en.reasons);
}

static void test_bpf_ret_names(void)
{
	char buf[16];

	CHECK_STR(bpf_ret__name(HOP_BPF_TCX_EGRESS, 7, buf, sizeof(buf)), "TC_ACT_REDIRECT");
	CHECK_STR(bpf_ret__name(HOP_BPF_TC_EGRESS, 42, buf, sizeof(buf)), "42");
	CHECK_STR(bpf_ret__name(HOP_BPF_CGROUP_EGRESS, 0, buf, sizeof(buf)), "drop");
	CHECK_STR(bpf_ret__name(HOP_BPF_CGROUP_EGRESS, 3, buf, sizeof(buf)), "allow+cn");
	CHECK_STR(bpf_ret__name(HOP_BPF_XDP_GENERIC, 1, buf, sizeof(buf)), "XDP_DROP");
	CHECK(bpf_ret__drops(HOP_BPF_TC_INGRESS, 2) && !bpf_ret__drops(HOP_BPF_TC_INGRESS, -1));
	CHECK(bpf_ret__drops(HOP_BPF_CGROUP_INGRESS, 0) &&
	      !bpf_ret__drops(HOP_BPF_CGROUP_INGRESS, 1));
	CHECK(!bpf_ret__meaning(HOP_BPF_CGROUP_INGRESS, -1));
}

int main(void)
{
	RUN(test_forward_drop_is_filter);
	RUN(test_reject_route_lookup_keeps_hook);
	RUN(test_confirm_drop_is_ct_insert_fail);
	RUN(test_confirm_refusal_seen_by_fexit);
	RUN(test_other_reason_is_not_netfilter);
	RUN(test_unobserved_netns_hint);
	RUN(test_dnat_between_hops);
	RUN(test_vxlan_encap_and_decap);
	RUN(test_icmp_error_reverse_translation);
	RUN(test_echo_snat_stays_snat);
	RUN(test_bpf_prog_returns);
	RUN(test_bpf_ret_names);
	CHECK_EXIT();
}

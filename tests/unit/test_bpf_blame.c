// SPDX-License-Identifier: GPL-2.0
/* Unit tests of naming a BPF program's or a qdisc's drop: which reasons are whose, what a
 * return value means, the program seen returning the drop by fexit, and the words. */
#include <stdlib.h>
#include "check.h"
#include "host/own_progs.h"
#include "pipeline/bpf_blame.h"
#include "pipeline/bpf_phrase.h"
#include "pipeline/timeline.h"

static void test_reasons(void)
{
	CHECK(bpf_blame__is_bpf_reason("TC_INGRESS"));
	CHECK(bpf_blame__is_bpf_reason("TC_EGRESS"));
	CHECK(bpf_blame__is_bpf_reason("XDP"));
	CHECK(bpf_blame__is_bpf_reason("BPF_CGROUP_EGRESS"));
	CHECK(bpf_blame__is_bpf_reason("SOCKET_FILTER"));
	CHECK(!bpf_blame__is_bpf_reason("NETFILTER_DROP"));
	CHECK(!bpf_blame__is_bpf_reason("TC_COOKIE_ERROR"));
	CHECK(!bpf_blame__is_bpf_reason(NULL));
	CHECK(bpf_blame__is_qdisc_reason("QDISC_DROP"));
	CHECK(bpf_blame__is_qdisc_reason("QDISC_OVERLIMIT"));
	CHECK(bpf_blame__is_qdisc_reason("CAKE_FLOOD"));
	CHECK(bpf_blame__is_qdisc_reason("FQ_FLOW_LIMIT"));
	CHECK(!bpf_blame__is_qdisc_reason("TC_EGRESS"));
	CHECK(!bpf_blame__is_qdisc_reason(NULL));
}

static void test_ordinal(void)
{
	char b[16];

	CHECK_STR(bpf_phrase__ordinal(1, b, sizeof(b)), "1st");
	CHECK_STR(bpf_phrase__ordinal(2, b, sizeof(b)), "2nd");
	CHECK_STR(bpf_phrase__ordinal(3, b, sizeof(b)), "3rd");
	CHECK_STR(bpf_phrase__ordinal(4, b, sizeof(b)), "4th");
	CHECK_STR(bpf_phrase__ordinal(11, b, sizeof(b)), "11th");
	CHECK_STR(bpf_phrase__ordinal(12, b, sizeof(b)), "12th");
	CHECK_STR(bpf_phrase__ordinal(22, b, sizeof(b)), "22nd");
}

static struct attached_prog prog(__u32 id, const char *name, enum hop_bpf_attach a, int pos,
				 __u32 prio)
{
	struct attached_prog p = { .id = id, .attach = a, .position = pos, .priority = prio };

	snprintf(p.name, sizeof(p.name), "%s", name);
	snprintf(p.tag, sizeof(p.tag), "3f2a1b9c00112233");
	return p;
}

/* A packet of hops: bpf_prog hops of two programs, then the drop; skb 0x100 throughout. */
static void fill_packet(struct packet *pkt, struct hop *hops, int ret1, int ret2)
{
	memset(pkt, 0, sizeof(*pkt));
	memset(hops, 0, 4 * sizeof(*hops));
	for (int i = 0; i < 4; i++)
		hops[i].ev.skb = 0x100;
	hops[0].ev.hook = HOOK_NETIF_RECEIVE;
	hops[1].ev.hook = HOOK_BPF_PROG;
	hops[1].ev.info.bpf.prog_id = 11;
	hops[1].ev.info.bpf.ret = ret1;
	hops[1].ev.info.bpf.attach = HOP_BPF_TC_INGRESS;
	hops[2].ev.hook = HOOK_BPF_PROG;
	hops[2].ev.info.bpf.prog_id = 12;
	hops[2].ev.info.bpf.ret = ret2;
	hops[2].ev.info.bpf.attach = HOP_BPF_TC_INGRESS;
	hops[3].ev.hook = HOOK_KFREE_SKB;
	pkt->hops = hops;
	pkt->hop_count = 4;
}

/* Seen by fexit: the program that returned TC_ACT_SHOT for the dropped skb, not the one
 * that passed it on; none when no program returned a drop. The listing fails here (no
 * namespace is known), which leaves the sighting standing. */
static void test_fexit_culprit(void)
{
	struct bpf_blame *bb = bpf_blame__new(NULL, "", NULL, NULL);
	struct verdict_bpf v;
	struct packet pkt;
	struct hop hops[4];

	CHECK(bb);
	if (!bb)
		return;
	fill_packet(&pkt, hops, -1, 2);
	hops[3].ev.ifindex = 7;
	CHECK(bpf_blame__judge(bb, &pkt, &hops[3], "TC_INGRESS", &v));
	CHECK_STR(v.how, "fexit");
	CHECK(v.culprit_id == 12 && v.ret == 2 && v.attach == HOP_BPF_TC_INGRESS);
	/* An egress drop is not an ingress program's. */
	CHECK(bpf_blame__judge(bb, &pkt, &hops[3], "TC_EGRESS", &v));
	CHECK(strcmp(v.how, "fexit") && !v.culprit_id);
	/* Another skb's sighting is not this one's. */
	hops[2].ev.skb = 0x200;
	CHECK(bpf_blame__judge(bb, &pkt, &hops[3], "TC_INGRESS", &v));
	CHECK(strcmp(v.how, "fexit"));
	hops[2].ev.skb = 0x100;
	/* Without a reason: the program's drop right before the free says which hook. */
	CHECK_STR(bpf_blame__cause_seen(&pkt, &hops[3]), "TC_INGRESS");
	hops[2].ev.info.bpf.attach = HOP_BPF_CGROUP_EGRESS;
	hops[2].ev.info.bpf.ret = 0;
	CHECK_STR(bpf_blame__cause_seen(&pkt, &hops[3]), "BPF_CGROUP_EGRESS");
	fill_packet(&pkt, hops, -1, -1);
	CHECK(!bpf_blame__cause_seen(&pkt, &hops[3]));
	CHECK(bpf_blame__judge(bb, &pkt, &hops[3], "TC_INGRESS", &v));
	CHECK(!v.culprit && !v.culprit_id && v.err);
	CHECK(!bpf_blame__judge(bb, &pkt, &hops[3], "NETFILTER_DROP", &v));
	bpf_blame__free(bb);
}

static void test_phrases(void)
{
	struct attached_prog progs[] = { prog(411, "tc_pass_all", HOP_BPF_TC_INGRESS, 1, 1),
					 prog(412, "cil_from_container", HOP_BPF_TC_INGRESS, 2,
					      2) };
	struct verdict_bpf v = {
		.attach = HOP_BPF_TC_INGRESS, .progs = progs, .prog_count = 2, .how = "candidates"
	};
	char buf[512];

	bpf_phrase__verdict(&v, "lxc1", buf, sizeof(buf));
	CHECK_STR(buf, "tc ingress of lxc1: one of 2 programs, not seen which (no fexit here): "
		       "411 \"tc_pass_all\" (tag 3f2a1b9c..., cls_bpf prio 1, 1st of 2), 412 "
		       "\"cil_from_container\" (tag 3f2a1b9c..., cls_bpf prio 2, 2nd of 2)");
	v.how = "fexit";
	v.culprit = &progs[1];
	v.culprit_id = 412;
	v.ret = 2;
	v.owner = "cilium";
	bpf_phrase__verdict(&v, "lxc1", buf, sizeof(buf));
	CHECK_STR(buf, "tc ingress of lxc1: program 412 \"cil_from_container\" (tag 3f2a1b9c..., "
		       "cls_bpf prio 2, 2nd of 2) returned TC_ACT_SHOT [cilium]");
	v.culprit = NULL;
	v.owner = NULL;
	bpf_phrase__verdict(&v, "lxc1", buf, sizeof(buf));
	CHECK_STR(buf, "tc ingress of lxc1: program 412 (unloaded since) returned TC_ACT_SHOT");
	progs[0].attach = HOP_BPF_TCX_EGRESS;
	v = (struct verdict_bpf){ .attach = HOP_BPF_TCX_EGRESS,
				  .progs = progs,
				  .prog_count = 1,
				  .culprit = progs,
				  .how = "only_program" };
	bpf_phrase__verdict(&v, "veth-b", buf, sizeof(buf));
	CHECK_STR(buf, "tc egress of veth-b: program 411 \"tc_pass_all\" (tag 3f2a1b9c..., "
		       "tcx), the only program there");
	v = (struct verdict_bpf){ .attach = HOP_BPF_TC_EGRESS, .how = "none" };
	bpf_phrase__verdict(&v, "eth0", buf, sizeof(buf));
	CHECK(strstr(buf, "tc egress of eth0: no BPF program is attached there now") == buf);
	v = (struct verdict_bpf){ .attach = HOP_BPF_TC_EGRESS, .how = "none", .err = -2 };
	bpf_phrase__verdict(&v, "eth0", buf, sizeof(buf));
	CHECK_STR(buf, "tc egress of eth0: its programs could not be listed (No such file or "
		       "directory)");
}

static void test_qdisc_phrase(void)
{
	struct verdict_qdisc q = {
		.q = { .handle = 0x10000, .parent = 0xffffffff, .kind = "tbf", .drops = 9 },
		.drops_rise = 7,
		.rise_since = "start"
	};
	char buf[256];

	bpf_phrase__qdisc(&q, "eth0", buf, sizeof(buf));
	CHECK_STR(buf, "qdisc tbf 1: (parent root) of eth0: its drop counter rose by 7 during "
		       "the trace");
	q.rise_since = "unknown";
	bpf_phrase__qdisc(&q, "eth0", buf, sizeof(buf));
	CHECK_STR(buf, "qdisc tbf 1: (parent root) of eth0, the only queue there (9 drops so far)");
}

/* hoptrace's own programs: this trace's by id, another's by its full or cut name. */
static void test_own_programs(void)
{
	struct own_progs own = { 0 };

	own_progs__add(&own, 41, "sock_queue_cgroup");
	own_progs__add(&own, 0, "kfree_skb_tp_btf");
	CHECK(own_progs__has(&own, 41, "anything"));
	CHECK(own_progs__has(&own, 99, "sock_queue_cgroup"));
	CHECK(own_progs__has(&own, 99, "sock_queue_cgro")); /* the kernel's 15 characters */
	CHECK(!own_progs__has(&own, 99, "sock_queue_cgr"));
	CHECK(!own_progs__has(&own, 0, "tc_drop_udp_port"));
	CHECK(!own_progs__has(&own, 99, ""));
	CHECK(!own_progs__has(NULL, 41, "sock_queue_cgroup"));
}

int main(void)
{
	RUN(test_reasons);
	RUN(test_ordinal);
	RUN(test_fexit_culprit);
	RUN(test_phrases);
	RUN(test_qdisc_phrase);
	RUN(test_own_programs);
	CHECK_EXIT();
}

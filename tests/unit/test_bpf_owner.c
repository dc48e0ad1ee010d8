// SPDX-License-Identifier: GPL-2.0
/* Unit tests of naming who loaded a BPF program (host/bpf_prog_owner.c), of the attach
 * points' names (host/bpf_attached.c) and of tc handles as tc prints them
 * (host/qdisc_stats.c). */
#include "check.h"
#include "host/bpf_attached.h"
#include "host/qdisc_stats.h"

static void test_cilium_and_calico_by_prefix(void)
{
	CHECK_STR(attached__owner("cil_from_container", NULL, 0), "cilium");
	/* The kernel's 15-character name keeps the prefix. */
	CHECK_STR(attached__owner("cil_from_contai", NULL, 0), "cilium");
	CHECK_STR(attached__owner("calico_tc_main", NULL, 0), "calico");
	CHECK(!attached__owner("cilium_like", NULL, 0));
	CHECK(!attached__owner("calicox", NULL, 0));
	CHECK(!attached__owner("my_cil_prog", NULL, 0));
	CHECK(!attached__owner(NULL, NULL, 0));
}

static void test_aws_needs_one_of_its_maps(void)
{
	const char *const aws[] = { "other", "aws_conntrack_m" }; /* cut at 15 by the kernel */
	const char *const events[] = { "policy_events" };
	const char *const ingress_map[] = { "ingress_map" };
	const char *const state[] = { "egress_pod_stat" };
	const char *const foreign[] = { "ingress_map2", "aws_conntrack", NULL };

	CHECK_STR(attached__owner("handle_ingress", aws, 2), "aws-network-policy-agent");
	CHECK_STR(attached__owner("handle_egress", events, 1), "aws-network-policy-agent");
	CHECK_STR(attached__owner("handle_ingress", ingress_map, 1), "aws-network-policy-agent");
	CHECK_STR(attached__owner("handle_egress", state, 1), "aws-network-policy-agent");
	/* The program names alone are too common to tell. */
	CHECK(!attached__owner("handle_ingress", NULL, 0));
	CHECK(!attached__owner("handle_egress", foreign, 3));
	/* The maps alone neither. */
	CHECK(!attached__owner("handle_other", aws, 2));
}

static void test_attach_names(void)
{
	CHECK_STR(attached__attach_name(HOP_BPF_TCX_INGRESS), "tcx_ingress");
	CHECK_STR(attached__attach_name(HOP_BPF_TCX_EGRESS), "tcx_egress");
	CHECK_STR(attached__attach_name(HOP_BPF_TC_INGRESS), "tc_ingress");
	CHECK_STR(attached__attach_name(HOP_BPF_TC_EGRESS), "tc_egress");
	CHECK_STR(attached__attach_name(HOP_BPF_XDP_GENERIC), "xdp_generic");
	CHECK_STR(attached__attach_name(HOP_BPF_CGROUP_INGRESS), "cgroup_skb_ingress");
	CHECK_STR(attached__attach_name(HOP_BPF_CGROUP_EGRESS), "cgroup_skb_egress");
	CHECK_STR(attached__attach_name(0), "?");
	CHECK_STR(attached__attach_name(HOP_BPF_CGROUP_EGRESS + 1), "?");
	CHECK_STR(attached__attach_name((enum hop_bpf_attach) - 1), "?");
}

static void test_handles_as_tc_prints_them(void)
{
	char buf[16];

	qdisc_stats__handle(0x00010000, buf, sizeof(buf));
	CHECK_STR(buf, "1:");
	qdisc_stats__handle(0xffff0000, buf, sizeof(buf));
	CHECK_STR(buf, "ffff:");
	qdisc_stats__handle(0x00010002, buf, sizeof(buf));
	CHECK_STR(buf, "1:2");
	qdisc_stats__handle(0xfffffff1, buf, sizeof(buf));
	CHECK_STR(buf, "ffff:fff1");
	qdisc_stats__handle(0x00000003, buf, sizeof(buf));
	CHECK_STR(buf, ":3");
	qdisc_stats__handle(0xffffffff, buf, sizeof(buf));
	CHECK_STR(buf, "root");
	qdisc_stats__handle(0, buf, sizeof(buf));
	CHECK_STR(buf, "none");
	qdisc_stats__handle(0x80010000, buf, 3); /* cut, still a string */
	CHECK_STR(buf, "80");
}

int main(void)
{
	RUN(test_cilium_and_calico_by_prefix);
	RUN(test_aws_needs_one_of_its_maps);
	RUN(test_attach_names);
	RUN(test_handles_as_tc_prints_them);
	CHECK_EXIT();
}

// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the link between a drop and the check: which failed item explains which
 * drop reason, and the conntrack item a trace turns into a fail when it saw the table fill
 * after the check was taken. */
#include <string.h>

#include "check.h"
#include "check/check.h"

static void report_with_conntrack(struct check_report *r, unsigned int netns)
{
	memset(r, 0, sizeof(*r));
	check__add(r, "pod", "route_to_peer", "pod-a", CHECK_OK, "via 10.0.0.1");
	check__add(r, "kernel", "conntrack", "node1", CHECK_OK, "%d of %d entries", 12, 262144);
	r->lines[r->count - 1].netns = netns;
	check__add(r, "overlay", "mtu", "node1", CHECK_FAIL, "pod 1500 > tunnel 1450");
}

static void test_reason_to_item(void)
{
	struct check_report r;
	const struct check_line *l;

	report_with_conntrack(&r, 4026532000u);
	l = check__explains(&r, "PKT_TOO_BIG", NULL, false);
	CHECK(l && !strcmp(l->item, "mtu"));
	/* The item exists but passed: it explains nothing. */
	CHECK(check__explains(&r, "IP_INNOROUTES", NULL, false) == NULL);
	CHECK(check__explains(&r, "NETFILTER_DROP", NULL, false) == NULL);
	CHECK(check__explains(&r, NULL, NULL, false) == NULL);
	/* A conntrack-full drop is explained by the conntrack item only, when it failed. */
	CHECK(check__explains(&r, "NETFILTER_DROP", "nf_hook_slow+0x7d", true) == NULL);
}

/* Without a reason the function that freed it stands for one; a reason, when there is one,
 * decides. */
static void test_location_without_reason(void)
{
	struct check_report r;
	const struct check_line *l;

	report_with_conntrack(&r, 0);
	l = check__explains(&r, NULL, "ip_forward+0x1b9", false);
	CHECK(l && !strcmp(l->item, "mtu"));
	l = check__explains(&r, "NOT_SPECIFIED", "ip_forward.constprop.0+0x1b9", false);
	CHECK(l && !strcmp(l->item, "mtu"));
	CHECK(check__explains(&r, "NO_SOCKET", "ip_forward+0x1b9", false) == NULL);
	CHECK(check__explains(&r, NULL, "ip_forwarding_helper+0x10", false) == NULL);
	CHECK(check__explains(&r, NULL, NULL, false) == NULL);
	/* The item behind the function passed: nothing explains it. */
	CHECK(check__explains(&r, NULL, "ip_error+0x7d", false) == NULL);
	check__add(&r, "overlay", "vni", "node2", CHECK_FAIL, "VNI 1 against 2");
	l = check__explains(&r, "NOT_SPECIFIED", "vxlan_rcv+0xb1 [vxlan]", false);
	CHECK(l && !strcmp(l->item, "vni"));
}

static void test_table_full_seen_by_inode(void)
{
	struct check_report r;
	const struct check_line *l;
	int before;

	report_with_conntrack(&r, 4026532000u);
	before = r.count;
	check__saw_conntrack_refuse(&r, 4026532000u, "whatever", "drop counter rose by %d", 3);
	CHECK((r.count) == (before));
	CHECK((r.lines[1].status) == (CHECK_FAIL));
	CHECK(!strcmp(r.lines[1].fact, "drop counter rose by 3"));
	CHECK(!strcmp(r.lines[1].where, "node1"));
	l = check__explains(&r, "NETFILTER_DROP", "nf_hook_slow+0x7d", true);
	CHECK(l == &r.lines[1]);
	/* Said again (every dropped packet judges it): the first fact stays. */
	check__saw_conntrack_refuse(&r, 4026532000u, "whatever", "later");
	CHECK((r.count) == (before));
	CHECK(!strcmp(r.lines[1].fact, "drop counter rose by 3"));
}

static void test_table_full_elsewhere(void)
{
	struct check_report r;

	report_with_conntrack(&r, 4026532000u);
	/* Another namespace than the check looked at: a line of its own. */
	check__saw_conntrack_refuse(&r, 4026532999u, "node2", "full");
	CHECK((r.count) == (4));
	CHECK((r.lines[1].status) == (CHECK_OK));
	CHECK(!strcmp(r.lines[3].item, "conntrack") && !strcmp(r.lines[3].where, "node2"));
	CHECK((r.lines[3].status) == (CHECK_FAIL));
	CHECK((r.lines[3].netns) == (4026532999u));
	/* Without an inode the name finds the line. */
	report_with_conntrack(&r, 0);
	check__saw_conntrack_refuse(&r, 0, "node1", "full");
	CHECK((r.count) == (3));
	CHECK((r.lines[1].status) == (CHECK_FAIL));
}

static void test_table_full_no_room(void)
{
	struct check_report r;

	memset(&r, 0, sizeof(r));
	while (r.count < CHECK_MAX_LINES)
		check__add(&r, "pod", "netns", "pod-a", CHECK_OK, "found");
	check__saw_conntrack_refuse(&r, 7, "node1", "full");
	CHECK((r.count) == (CHECK_MAX_LINES));
	CHECK(check__count(&r, CHECK_FAIL) == 0);
}

int main(void)
{
	RUN(test_reason_to_item);
	RUN(test_location_without_reason);
	RUN(test_table_full_seen_by_inode);
	RUN(test_table_full_elsewhere);
	RUN(test_table_full_no_room);
	CHECK_EXIT();
}

// SPDX-License-Identifier: GPL-2.0
/* Unit tests of joining rule decisions to packets (pipeline/rule_trail.c): a decision joins
 * the packet whose headers it shows (same namespace, tuple and identity) and no other; the
 * chains it went through are followed across jumps and returns; hoptrace's own marking and
 * decisions that decided nothing stay out; decisions no packet took are counted. The
 * rulesets are not readable here (no namespace path), so rules keep their names only. */
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "packet_bytes.h"
#include "host/watched_netns.h"
#include "pipeline/rule_trail.h"

#define NETNS 4026530001u

/* An IPv4 UDP packet from pod a to pod d with IP ID id: 28 bytes from the IP header. */
static void udp_bytes(__u8 *p, __u16 id)
{
	put_ipv4(p, 17, "10.200.1.2", "10.200.2.2");
	p[4] = id >> 8, p[5] = id & 0xff;
	put_ports(p + 20, 40000, 7777);
	p[24] = 0, p[25] = 13; /* UDP length */
}

static struct hop hop_with(__u16 hook, __u32 netns, __u8 *bytes)
{
	struct hop h = { .ev = { .hook = hook, .netns = netns, .cap_len = 28 }, .data = bytes };

	return h;
}

static struct rule_event decision(__u32 netns, __u16 id, const char *table, const char *chain,
				  enum rule_event_type type, int verdict, const char *target)
{
	struct rule_event ev = { .source = RULE_SRC_NFTRACE,
				 .netns = netns,
				 .family = HOP_AF_INET,
				 .type = type,
				 .verdict = verdict,
				 .hook = RULE_HOOK_UNKNOWN,
				 .nh_len = 28 };

	snprintf(ev.table_family, sizeof(ev.table_family), "%s",
		 strncmp(table, "hoptrace_", 9) ? "ip" : "inet");
	snprintf(ev.table, sizeof(ev.table), "%s", table);
	snprintf(ev.chain, sizeof(ev.chain), "%s", chain);
	snprintf(ev.base_chain, sizeof(ev.base_chain), "FORWARD");
	snprintf(ev.jump_target, sizeof(ev.jump_target), "%s", target ? target : "");
	ev.handle = type == RULE_EV_RULE ? 7 : 0;
	udp_bytes(ev.nh, id);
	return ev;
}

static struct rule_trail *trail(void)
{
	static char path[] = "/nonexistent/netns";
	static struct coverage cov = { .paths = { path }, .inodes = { NETNS }, .count = 1 };

	return rule_trail__new(&cov, false);
}

static void add(struct rule_trail *rt, struct rule_event ev)
{
	rule_trail__add(rt, &ev);
}

static void test_joins_its_packet_only(void)
{
	struct rule_trail *rt = trail();
	__u8 a[28], b[28];
	struct hop hops[3];
	struct packet p = { .hops = hops, .hop_count = 3 };
	struct rule_hit *hits;
	int n;

	udp_bytes(a, 100);
	udp_bytes(b, 101);
	hops[0] = hop_with(HOOK_NETIF_RECEIVE, NETNS, a);
	hops[1] = hop_with(HOOK_NF, NETNS, a);
	hops[2] = hop_with(HOOK_KFREE_SKB, NETNS, a);
	add(rt, decision(NETNS, 100, "hoptrace_1", "prerouting", RULE_EV_RULE, -1, NULL));
	add(rt, decision(NETNS, 100, "filter", "FORWARD", RULE_EV_RULE, RULE_VERDICT_JUMP,
			 "KUBE-FORWARD"));
	add(rt, decision(NETNS, 101, "filter", "FORWARD", RULE_EV_RULE, RULE_VERDICT_ACCEPT, NULL));
	add(rt,
	    decision(NETNS + 1, 100, "filter", "FORWARD", RULE_EV_RULE, RULE_VERDICT_DROP, NULL));
	add(rt,
	    decision(NETNS, 100, "filter", "KUBE-FORWARD", RULE_EV_RULE, RULE_VERDICT_DROP, NULL));
	n = rule_trail__collect(rt, &p, &hits);
	CHECK(n == 2);
	if (n == 2) {
		CHECK_STR(hits[0].chain, "FORWARD");
		CHECK_STR(hits[0].verdict, "jump");
		CHECK_STR(hits[0].target, "KUBE-FORWARD");
		CHECK_STR(hits[0].path, "FORWARD");
		CHECK_STR(hits[1].chain, "KUBE-FORWARD");
		CHECK_STR(hits[1].verdict, "drop");
		CHECK_STR(hits[1].path, "FORWARD -> KUBE-FORWARD");
		CHECK_STR(hits[1].owner, "kube-proxy");
		CHECK_STR(hits[1].source, "nftrace");
		CHECK(hits[1].after >= 0 && hits[1].after < 3);
	}
	free(hits);
	/* The other packet's decision and the other namespace's wait; the marking is ours. */
	CHECK(rule_trail__unjoined(rt) == 2);
	hops[0].data = hops[1].data = hops[2].data = b;
	n = rule_trail__collect(rt, &p, &hits);
	CHECK(n == 1 && !strcmp(hits[0].verdict, "accept"));
	free(hits);
	CHECK(rule_trail__unjoined(rt) == 1);
	rule_trail__free(rt);
}

/* A return goes back to the calling chain; a rule there then drops. Continue and an
 * accepting policy decide nothing and are not hops. */
static void test_path_follows_returns(void)
{
	struct rule_trail *rt = trail();
	__u8 a[28];
	struct hop hops[2];
	struct packet p = { .hops = hops, .hop_count = 2 };
	struct rule_hit *hits;
	int n;

	udp_bytes(a, 200);
	hops[0] = hop_with(HOOK_NF, NETNS, a);
	hops[1] = hop_with(HOOK_KFREE_SKB, NETNS, a);
	add(rt, decision(NETNS, 200, "filter", "FORWARD", RULE_EV_RULE, RULE_VERDICT_JUMP,
			 "cali-FORWARD"));
	add(rt, decision(NETNS, 200, "filter", "cali-FORWARD", RULE_EV_RULE, RULE_VERDICT_CONTINUE,
			 NULL));
	add(rt, decision(NETNS, 200, "filter", "cali-FORWARD", RULE_EV_RETURN,
			 RULE_VERDICT_CONTINUE, NULL));
	add(rt, decision(NETNS, 200, "filter", "FORWARD", RULE_EV_RULE, RULE_VERDICT_DROP, NULL));
	n = rule_trail__collect(rt, &p, &hits);
	CHECK(n == 2);
	if (n == 2) {
		CHECK_STR(hits[0].path, "FORWARD");
		CHECK_STR(hits[1].chain, "FORWARD");
		CHECK_STR(hits[1].path, "FORWARD");
		CHECK(hits[1].owner == NULL);
	}
	free(hits);
	CHECK(rule_trail__unjoined(rt) == 0);
	rule_trail__free(rt);
}

/* Headers that hold no identity (an outer tunnel header cut short) join nothing. */
static void test_no_identity_no_join(void)
{
	struct rule_trail *rt = trail();
	__u8 a[28];
	struct hop hops[1];
	struct packet p = { .hops = hops, .hop_count = 1 };
	struct rule_event ev =
		decision(NETNS, 300, "filter", "INPUT", RULE_EV_RULE, RULE_VERDICT_DROP, NULL);
	struct rule_hit *hits;

	udp_bytes(a, 300);
	hops[0] = hop_with(HOOK_NF, NETNS, a);
	ev.nh_len = 12;
	rule_trail__add(rt, &ev);
	CHECK(rule_trail__collect(rt, &p, &hits) == 0);
	free(hits);
	rule_trail__free(rt);
}

int main(void)
{
	RUN(test_joins_its_packet_only);
	RUN(test_path_follows_returns);
	RUN(test_no_identity_no_join);
	CHECK_EXIT();
}

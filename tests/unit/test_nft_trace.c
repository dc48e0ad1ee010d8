// SPDX-License-Identifier: GPL-2.0
/* nf_tables rule tracing on this kernel (host/nft_trace.c): the marking table goes in, a
 * ping dropped by an iptables-nft rule in a chain reached by a jump is reported rule by
 * rule with its headers, and the table is gone after stop, after the process that made it
 * died, and when its owner process ends. Needs root: the test makes its own namespaces. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include "check.h"
#include "cli/addr.h"
#include "host/nf_ruleset.h"
#include "host/nft_trace.h"

static char ns_a[40], ns_b[40], path_b[80];
static char addr_a[20], addr_b[20];

static int sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

static void teardown(void)
{
	sh("ip netns del %s 2>/dev/null", ns_a);
	sh("ip netns del %s 2>/dev/null", ns_b);
}

static int setup(void)
{
	int n = getpid() % 250;

	snprintf(ns_a, sizeof(ns_a), "hoptrace-ut-nfta-%d", getpid());
	snprintf(ns_b, sizeof(ns_b), "hoptrace-ut-nftb-%d", getpid());
	snprintf(path_b, sizeof(path_b), "/run/netns/%s", ns_b);
	snprintf(addr_a, sizeof(addr_a), "10.232.%d.1", n);
	snprintf(addr_b, sizeof(addr_b), "10.232.%d.2", n);
	atexit(teardown);
	return sh("ip netns add %s && ip netns add %s && "
		  "ip -n %s link add va type veth peer name vb netns %s && "
		  "ip -n %s addr add %s/30 dev va && ip -n %s addr add %s/30 dev vb && "
		  "ip -n %s link set va up && ip -n %s link set vb up && "
		  "ip netns exec %s iptables-nft -N KUBE-FORWARD && "
		  "ip netns exec %s iptables-nft -A INPUT -j KUBE-FORWARD && "
		  "ip netns exec %s iptables-nft -A KUBE-FORWARD -p tcp -j ACCEPT && "
		  "ip netns exec %s iptables-nft -A KUBE-FORWARD -p icmp -j DROP",
		  ns_a, ns_b, ns_a, ns_b, ns_a, addr_a, ns_b, addr_b, ns_a, ns_b, ns_b, ns_b, ns_b,
		  ns_b);
}

struct seen {
	int count, jump, drop, marked;
	bool headers;
	__u32 id;
};

static void on_event(void *ctx, const struct rule_event *ev)
{
	struct seen *s = ctx;
	__u8 src[4];

	s->count++;
	if (!strcmp(ev->chain, "INPUT") && ev->verdict == RULE_VERDICT_JUMP &&
	    !strcmp(ev->jump_target, "KUBE-FORWARD") && !strcmp(ev->table, "filter"))
		s->jump++;
	if (!strcmp(ev->chain, "KUBE-FORWARD") && ev->type == RULE_EV_RULE &&
	    ev->verdict == RULE_VERDICT_DROP && ev->handle) {
		s->drop++;
		inet_pton(AF_INET, addr_a, src);
		s->headers = ev->nh_len >= 20 && !memcmp(ev->nh + 12, src, 4) && ev->nh[9] == 1;
	}
	/* The marking rule accepts: its chain's policy sends nothing more. */
	if (!strncmp(ev->table, NFT_TRACE_TABLE_PREFIX, 9))
		s->marked += ev->type == RULE_EV_RULE && ev->verdict == RULE_VERDICT_ACCEPT ? 1 :
											      100;
}

static bool table_present(const char *name)
{
	return !sh("ip netns exec %s nft list table inet %s >/dev/null 2>&1", ns_b, name);
}

static void test_drop_rule_reported(void)
{
	struct hop_cidr c;
	struct rule_mark mark = { &c, 1 };
	struct seen seen = {};
	struct nft_trace *t;
	char err[256] = "", table[32];

	CHECK(!addr__parse_cidr(addr_a, &c));
	t = nft_trace__start(path_b, 1, getpid(), &mark, err, sizeof(err));
	CHECK(t);
	if (!t) {
		fprintf(stderr, "  start: %s\n", err);
		return;
	}
	CHECK(nft_trace__owned(t));
	snprintf(table, sizeof(table), NFT_TRACE_TABLE_PREFIX "%d", getpid());
	CHECK(table_present(table));
	sh("ip netns exec %s ping -c1 -W1 %s >/dev/null 2>&1", ns_a, addr_b);
	CHECK(nft_trace__read(t, on_event, &seen) > 0);
	CHECK(seen.jump == 1);
	CHECK(seen.drop == 1);
	CHECK(seen.headers);
	CHECK(seen.marked == 1);
	nft_trace__stop(t);
	CHECK(!table_present(table));
}

/* A table left by a process that is gone (kernels without table owners, or a binary
 * killed before the owner flag existed) is removed; a running hoptrace's is not. */
static void test_cleanup_dead(void)
{
	char live[32];
	pid_t child = fork();
	int status;

	if (!child) {
		prctl(PR_SET_NAME, "hoptrace");
		pause();
		_exit(0);
	}
	usleep(50000);
	snprintf(live, sizeof(live), NFT_TRACE_TABLE_PREFIX "%d", child);
	CHECK(!sh("ip netns exec %s nft add table inet " NFT_TRACE_TABLE_PREFIX "4000000", ns_b));
	CHECK(!sh("ip netns exec %s nft add table inet %s", ns_b, live));
	CHECK(nft_trace__cleanup_dead(path_b) == 1);
	CHECK(!table_present(NFT_TRACE_TABLE_PREFIX "4000000"));
	CHECK(table_present(live));
	kill(child, SIGKILL);
	waitpid(child, &status, 0);
	CHECK(nft_trace__cleanup_dead(path_b) == 1);
	CHECK(!table_present(live));
}

/* The owner's socket closing takes the table with it: what SIGKILL does. */
static void test_owner_death_removes_table(void)
{
	struct hop_cidr c;
	struct rule_mark mark = { &c, 1 };
	char table[32], err[256];
	pid_t child;
	int status;

	CHECK(!addr__parse_cidr(addr_a, &c));
	child = fork();
	if (!child) {
		struct nft_trace *t =
			nft_trace__start(path_b, 1, getpid(), &mark, err, sizeof(err));

		if (!t)
			_exit(2);
		pause();
		_exit(0);
	}
	snprintf(table, sizeof(table), NFT_TRACE_TABLE_PREFIX "%d", child);
	for (int i = 0; i < 50 && !table_present(table); i++)
		usleep(20000);
	CHECK(table_present(table));
	/* Another process's owned table in the namespace: libnftables 1.0.6 stops its JSON
	 * at such a table's flags; the rules around it must read all the same. */
	struct nf_ruleset rs = {};
	const struct nf_rule *r;

	CHECK(nf_ruleset__read(path_b, &rs) == 0);
	CHECK_STR(rs.errors, "");
	r = nf_ruleset__by_index(&rs, false, "ip", "filter", "KUBE-FORWARD", 2);
	CHECK_STR(r ? r->text : NULL, "-p icmp -j DROP");
	nf_ruleset__free(&rs);
	kill(child, SIGKILL);
	waitpid(child, &status, 0);
	CHECK(!table_present(table));
}

int main(void)
{
	if (geteuid()) {
		printf("SKIP test_nft_trace: needs root (makes network namespaces)\n");
		return 0;
	}
	if (setup()) {
		fprintf(stderr, "test_nft_trace: cannot build the test namespaces\n");
		return 1;
	}
	RUN(test_drop_rule_reported);
	RUN(test_cleanup_dead);
	RUN(test_owner_death_removes_table);
	return check__failed_cases ? 1 : 0;
}

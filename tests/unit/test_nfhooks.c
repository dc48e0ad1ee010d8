// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the nfnetlink hook dump reader on hand-built answers (the development
 * kernel lacks CONFIG_NETFILTER_NETLINK_HOOK, so the real dump is exercised elsewhere). */
#include <arpa/inet.h>
#include <limits.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_hook.h>
#include <linux/netlink.h>

#include "check.h"
#include "host/nf_hook_dump.h"

struct builder {
	char buf[4096];
	size_t len;
};

static struct nlattr *put(struct builder *b, int type, const void *data, int len)
{
	struct nlattr *a = (struct nlattr *)(b->buf + b->len);

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (data)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	b->len += NLA_ALIGN(a->nla_len);
	return a;
}

static void put_be32(struct builder *b, int type, __u32 v)
{
	v = htonl(v);
	put(b, type, &v, 4);
}

static void put_str(struct builder *b, int type, const char *s)
{
	put(b, type, s, strlen(s) + 1);
}

/* Closes a nest opened at offset start. */
static void end_nest(struct builder *b, size_t start)
{
	((struct nlattr *)(b->buf + start))->nla_len = b->len - start;
}

static struct nlmsghdr *msg_begin(struct builder *b)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)(b->buf + b->len);
	struct nfgenmsg *nf;

	memset(nh, 0, sizeof(*nh));
	nh->nlmsg_type = NFNL_SUBSYS_HOOK << 8;
	b->len += NLMSG_HDRLEN;
	nf = (struct nfgenmsg *)(b->buf + b->len);
	memset(nf, 0, sizeof(*nf));
	b->len += NLMSG_ALIGN(sizeof(*nf));
	return nh;
}

static void msg_end(struct builder *b, struct nlmsghdr *nh)
{
	nh->nlmsg_len = b->buf + b->len - (char *)nh;
}

static void function_entry(struct builder *b, int priority, const char *fn)
{
	struct nlmsghdr *nh = msg_begin(b);

	put_str(b, NFNLA_HOOK_FUNCTION_NAME, fn);
	put_be32(b, NFNLA_HOOK_PRIORITY, (__u32)priority);
	msg_end(b, nh);
}

static void chain_entry(struct builder *b, int priority, const char *table, const char *chain)
{
	struct nlmsghdr *nh = msg_begin(b);
	size_t info, desc;

	put_str(b, NFNLA_HOOK_FUNCTION_NAME, "nft_do_chain_ipv4");
	put_be32(b, NFNLA_HOOK_PRIORITY, (__u32)priority);
	info = b->len;
	put(b, NFNLA_HOOK_CHAIN_INFO | NLA_F_NESTED, NULL, 0);
	desc = b->len;
	put(b, NFNLA_HOOK_INFO_DESC | NLA_F_NESTED, NULL, 0);
	put_str(b, NFNLA_CHAIN_TABLE, table);
	put_be32(b, NFNLA_CHAIN_FAMILY, 2);
	put_str(b, NFNLA_CHAIN_NAME, chain);
	end_nest(b, desc);
	put_be32(b, NFNLA_HOOK_INFO_TYPE, NFNL_HOOK_TYPE_NFTABLES);
	end_nest(b, info);
	msg_end(b, nh);
}

/* Sends a dump (three entries and DONE) into a socket pair and reads it back in range. */
static int read_range(int from, int to, char *out, size_t size)
{
	struct builder b = {};
	struct nlmsghdr *done;
	int sv[2], n;

	function_entry(&b, -200, "ipv4_conntrack_in");
	function_entry(&b, -1, "nf_hook_run_bpf"); /* an observer: never named */
	chain_entry(&b, 0, "filter", "FORWARD");
	done = (struct nlmsghdr *)(b.buf + b.len);
	memset(done, 0, NLMSG_HDRLEN);
	done->nlmsg_type = NLMSG_DONE;
	done->nlmsg_len = NLMSG_HDRLEN;
	b.len += NLMSG_HDRLEN;
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv))
		return -1;
	CHECK(write(sv[0], b.buf, b.len) == (ssize_t)b.len);
	n = nfhooks__read_dump(sv[1], from, to, out, size);
	close(sv[0]);
	close(sv[1]);
	return n;
}

static void test_chain_in_filter_range(void)
{
	char out[256];

	CHECK(read_range(-2, 49, out, sizeof(out)) == 1);
	CHECK_STR(out, "nft ip filter FORWARD (0)");
}

static void test_function_in_conntrack_range(void)
{
	char out[256];

	CHECK(read_range(-201, -151, out, sizeof(out)) == 1);
	CHECK_STR(out, "ipv4_conntrack_in (-200)");
}

static void test_whole_hook_leaves_bpf_out(void)
{
	char out[256];

	CHECK(read_range(INT_MIN, INT_MAX, out, sizeof(out)) == 2);
	CHECK_STR(out, "ipv4_conntrack_in (-200), nft ip filter FORWARD (0)");
}

int main(void)
{
	RUN(test_chain_in_filter_range);
	RUN(test_function_in_conntrack_range);
	RUN(test_whole_hook_leaves_bpf_out);
	CHECK_EXIT();
}

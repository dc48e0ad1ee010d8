// SPDX-License-Identifier: GPL-2.0
/* nf_tables tracing in one namespace. The marking table is written in nft's own language
 * through libnftables (one transaction: all of it or nothing), and its context is kept for
 * the whole trace: its netlink socket owns the table, so the kernel removes the table when
 * that socket closes, however hoptrace ends. The trace messages are read on a socket of
 * our own with libmnl and parsed by libnftnl. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <libnftnl/trace.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <nftables/libnftables.h>
#include "cli/addr.h"
#include "host/hoptrace_pid.h"
#include "host/nft_trace.h"
#include "host/nftlib_lock.h"
#include "host/nsenter.h"

/* Lower than any table's standard priority (raw is -300, conntrack defrag -400): the mark
 * is set before any rule of the namespace is evaluated. */
#define MARK_PRIORITY "-2147483647"
/* The kernel sends a packet's headers only with its first message in each base chain;
 * later messages of the same trace id take them from here. */
#define ID_SLOTS 512
#define RCVBUF (8 << 20)

struct id_slot {
	__u32 id;
	bool used;
	__u8 family;
	__u16 nh_len;
	__u8 nh[RULE_EV_HDR];
	char base_chain[RULE_EV_NAME];
};

struct nft_trace {
	struct nft_ctx *nft; /* its socket owns the table */
	struct mnl_socket *nl;
	char table[32];
	char family_flags[8];
	__u32 netns;
	bool owned;
	unsigned long lost;
	__u64 seq;
	struct id_slot ids[ID_SLOTS];
};

/* Runs one nft command on ctx; on failure copies nft's first error line into err. */
static int nft_run(struct nft_ctx *nft, const char *cmd, char *err, size_t errsize)
{
	const char *msg;
	size_t n;

	if (!nft_run_cmd_from_buffer(nft, cmd))
		return 0;
	msg = nft_ctx_get_error_buffer(nft);
	if (err && errsize) {
		n = msg ? strcspn(msg, "\n") : 0;
		snprintf(err, errsize, "%.*s", (int)n, n ? msg : "nft command failed");
	}
	return -1;
}

/* Appends to buf, keeping *len the length the text would have: a result that did not fit
 * shows as *len >= size. */
static void appendf(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf + *len, *len < size ? size - *len : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		*len += n;
}

/* "add rule ... ip saddr { a, b } meta nftrace set 1 accept", per hook, family and
 * direction. The accept ends only this chain (the namespace's own chains still run): it
 * saves the trace message the chain's policy would send for every marked packet. */
static void mark_rules(const struct nft_trace *t, const struct rule_mark *mark, char *buf,
		       size_t size, size_t *len)
{
	static const char *const chains[] = { "prerouting", "output" };
	static const char *const dirs[] = { "saddr", "daddr" };
	char list[2][2048], a[64];
	size_t n[2] = { 0, 0 };

	if (!mark->count) {
		for (int c = 0; c < 2; c++)
			appendf(buf, size, len, "add rule inet %s %s meta nftrace set 1 accept\n",
				t->table, chains[c]);
		return;
	}
	list[0][0] = list[1][0] = 0;
	for (int i = 0; i < mark->count; i++) {
		const struct hop_cidr *c = &mark->cidrs[i];
		int v6 = c->family == HOP_AF_INET6;

		addr__format(c->family, c->addr, a, sizeof(a));
		appendf(list[v6], sizeof(list[v6]), &n[v6], "%s%s/%u", n[v6] ? ", " : "", a,
			c->prefix);
	}
	for (int v6 = 0; v6 < 2; v6++)
		for (int c = 0; n[v6] && n[v6] < sizeof(list[v6]) && c < 2; c++)
			for (int d = 0; d < 2; d++)
				appendf(buf, size, len,
					"add rule inet %s %s %s %s { %s } meta nftrace set 1 accept\n",
					t->table, chains[c], v6 ? "ip6" : "ip", dirs[d], list[v6]);
	if (n[0] >= sizeof(list[0]) || n[1] >= sizeof(list[1]))
		*len = size; /* too many addresses: say so rather than mark a part */
}

/* The table as one transaction; owner makes it the listener context's. */
static int install_table(struct nft_trace *t, const struct rule_mark *mark, bool owner, char *err,
			 size_t errsize)
{
	char cmd[16384];
	size_t len = 0;
	int n;

	n = snprintf(cmd, sizeof(cmd),
		     "add table inet %s { %scomment \"hoptrace pid %s: marks traced packets "
		     "for rule tracing\"; }\n"
		     "add chain inet %s prerouting { type filter hook prerouting priority "
		     "%s; policy accept; }\n"
		     "add chain inet %s output { type filter hook output priority %s; "
		     "policy accept; }\n",
		     t->table, owner ? "flags owner; " : "",
		     t->table + strlen(NFT_TRACE_TABLE_PREFIX), t->table, MARK_PRIORITY, t->table,
		     MARK_PRIORITY);
	if (n < 0 || (size_t)n >= sizeof(cmd))
		return -1;
	len = n;
	mark_rules(t, mark, cmd, sizeof(cmd), &len);
	if (len >= sizeof(cmd)) {
		snprintf(err, errsize, "too many addresses to mark");
		return -1;
	}
	return nft_run(t->nft, cmd, err, errsize);
}

struct start_args {
	struct nft_trace *t;
	const struct rule_mark *mark;
	char *err;
	size_t errsize;
};

static int open_listener(struct nft_trace *t)
{
	int group = NFNLGRP_NFTRACE, size = RCVBUF;

	t->nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!t->nl || mnl_socket_bind(t->nl, 0, MNL_SOCKET_AUTOPID))
		return -errno;
	if (setsockopt(mnl_socket_get_fd(t->nl), SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group,
		       sizeof(group)))
		return -errno;
	/* A burst of rule messages must not overflow the default buffer; as root the
	 * limit can be raised, else the default stays and losses are counted. */
	if (setsockopt(mnl_socket_get_fd(t->nl), SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(mnl_socket_get_fd(t->nl), SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	return 0;
}

/* In the namespace: the listener first, so no message of a marked packet is missed, then
 * the table, owned where the kernel knows owners (5.12+), else plain. */
static int start_in_netns(void *ctx)
{
	struct start_args *a = ctx;
	struct nft_trace *t = a->t;
	int err = open_listener(t);

	if (err) {
		snprintf(a->err, a->errsize, "netlink trace socket: %s", strerror(-err));
		return err;
	}
	t->nft = nft_ctx_new(NFT_CTX_DEFAULT);
	if (!t->nft || nft_ctx_buffer_output(t->nft) || nft_ctx_buffer_error(t->nft)) {
		snprintf(a->err, a->errsize, "libnftables: cannot make a context");
		return -ENOMEM;
	}
	if (!install_table(t, a->mark, true, a->err, a->errsize)) {
		t->owned = true;
		return 0;
	}
	if (install_table(t, a->mark, false, a->err, a->errsize))
		return -EINVAL;
	return 0;
}

struct nft_trace *nft_trace__start(const char *netns_path, __u32 netns, pid_t pid,
				   const struct rule_mark *mark, char *err, size_t errsize)
{
	struct nft_trace *t = calloc(1, sizeof(*t));
	struct start_args a = { t, mark, err, errsize };
	int ret;

	if (!t) {
		snprintf(err, errsize, "out of memory");
		return NULL;
	}
	snprintf(t->table, sizeof(t->table), NFT_TRACE_TABLE_PREFIX "%d", (int)pid);
	t->netns = netns;
	nftlib__lock();
	ret = nsenter__run(netns_path, start_in_netns, &a);
	nftlib__unlock();
	if (ret) {
		if (ret != -EINVAL && ret != -ENOMEM && !a.err[0])
			snprintf(err, errsize, "cannot enter the namespace: %s", strerror(-ret));
		nft_trace__stop(t);
		return NULL;
	}
	return t;
}

int nft_trace__fd(const struct nft_trace *t)
{
	return t && t->nl ? mnl_socket_get_fd(t->nl) : -1;
}

unsigned long nft_trace__lost(const struct nft_trace *t)
{
	return t ? t->lost : 0;
}

bool nft_trace__owned(const struct nft_trace *t)
{
	return t && t->owned;
}

static void copy_str(char *dst, size_t size, const struct nftnl_trace *nt, uint16_t attr)
{
	const char *s = nftnl_trace_is_set(nt, attr) ? nftnl_trace_get_str(nt, attr) : NULL;

	snprintf(dst, size, "%s", s ? s : "");
}

static const char *table_family(__u32 nfproto)
{
	switch (nfproto) {
	case NFPROTO_INET:
		return "inet";
	case NFPROTO_IPV4:
		return "ip";
	case NFPROTO_IPV6:
		return "ip6";
	case NFPROTO_ARP:
		return "arp";
	case NFPROTO_NETDEV:
		return "netdev";
	case NFPROTO_BRIDGE:
		return "bridge";
	default:
		return "?";
	}
}

static enum rule_event_type event_type(__u32 type)
{
	switch (type) {
	case NFT_TRACETYPE_POLICY:
		return RULE_EV_POLICY;
	case NFT_TRACETYPE_RETURN:
		return RULE_EV_RETURN;
	default:
		return RULE_EV_RULE;
	}
}

/* The headers of the message, or those its trace id last had. */
static void headers(struct nft_trace *t, const struct nftnl_trace *nt, struct rule_event *ev)
{
	struct id_slot *slot = &t->ids[ev->trace_id % ID_SLOTS];
	const void *nh = NULL, *th = NULL;
	__u32 nh_len = 0, th_len = 0, room;

	if (nftnl_trace_is_set(nt, NFTNL_TRACE_NETWORK_HEADER))
		nh = nftnl_trace_get_data(nt, NFTNL_TRACE_NETWORK_HEADER, &nh_len);
	if (nftnl_trace_is_set(nt, NFTNL_TRACE_TRANSPORT_HEADER))
		th = nftnl_trace_get_data(nt, NFTNL_TRACE_TRANSPORT_HEADER, &th_len);
	if (!nh) {
		if (slot->used && slot->id == ev->trace_id) {
			ev->nh_len = slot->nh_len;
			memcpy(ev->nh, slot->nh, slot->nh_len);
			memcpy(ev->base_chain, slot->base_chain, sizeof(ev->base_chain));
		}
		return;
	}
	ev->nh_len = nh_len < RULE_EV_HDR ? nh_len : RULE_EV_HDR;
	memcpy(ev->nh, nh, ev->nh_len);
	room = RULE_EV_HDR - ev->nh_len;
	if (th && room) {
		__u32 n = th_len < room ? th_len : room;

		memcpy(ev->nh + ev->nh_len, th, n);
		ev->nh_len += n;
	}
	slot->used = true;
	slot->id = ev->trace_id;
	slot->nh_len = ev->nh_len;
	memcpy(slot->nh, ev->nh, ev->nh_len);
	/* The kernel sends the headers with a packet's first message in a base chain: the
	 * chains of its later messages were reached from this one. */
	memcpy(ev->base_chain, ev->chain, sizeof(ev->base_chain));
	memcpy(slot->base_chain, ev->chain, sizeof(slot->base_chain));
}

static int verdict_of(const struct nftnl_trace *nt)
{
	if (!nftnl_trace_is_set(nt, NFTNL_TRACE_VERDICT))
		return RULE_VERDICT_UNKNOWN;
	/* NF_DROP and NF_ACCEPT carry an errno or queue number in the upper bits. */
	int v = (int)nftnl_trace_get_u32(nt, NFTNL_TRACE_VERDICT);

	return v >= 0 ? (v & 0xff) : v;
}

static void to_event(struct nft_trace *t, const struct nftnl_trace *nt, struct rule_event *ev)
{
	__u32 proto = nftnl_trace_is_set(nt, NFTNL_TRACE_NFPROTO) ?
			      nftnl_trace_get_u32(nt, NFTNL_TRACE_NFPROTO) :
			      0;

	memset(ev, 0, sizeof(*ev));
	ev->source = RULE_SRC_NFTRACE;
	ev->netns = t->netns;
	ev->family = proto == NFPROTO_IPV6 ? HOP_AF_INET6 : HOP_AF_INET;
	snprintf(ev->table_family, sizeof(ev->table_family), "%s",
		 table_family(nftnl_trace_get_u32(nt, NFTNL_TRACE_FAMILY)));
	copy_str(ev->table, sizeof(ev->table), nt, NFTNL_TRACE_TABLE);
	copy_str(ev->chain, sizeof(ev->chain), nt, NFTNL_TRACE_CHAIN);
	copy_str(ev->jump_target, sizeof(ev->jump_target), nt, NFTNL_TRACE_JUMP_TARGET);
	if (nftnl_trace_is_set(nt, NFTNL_TRACE_RULE_HANDLE))
		ev->handle = nftnl_trace_get_u64(nt, NFTNL_TRACE_RULE_HANDLE);
	ev->type = event_type(nftnl_trace_get_u32(nt, NFTNL_TRACE_TYPE));
	ev->verdict = verdict_of(nt);
	if (ev->type == RULE_EV_POLICY && nftnl_trace_is_set(nt, NFTNL_TRACE_POLICY))
		ev->verdict = (int)nftnl_trace_get_u32(nt, NFTNL_TRACE_POLICY);
	ev->hook = RULE_HOOK_UNKNOWN;
	if (nftnl_trace_is_set(nt, NFTNL_TRACE_IIF))
		ev->iif = nftnl_trace_get_u32(nt, NFTNL_TRACE_IIF);
	if (nftnl_trace_is_set(nt, NFTNL_TRACE_OIF))
		ev->oif = nftnl_trace_get_u32(nt, NFTNL_TRACE_OIF);
	ev->trace_id = nftnl_trace_get_u32(nt, NFTNL_TRACE_ID);
	headers(t, nt, ev);
	ev->seq = ++t->seq;
}

struct read_args {
	struct nft_trace *t;
	rule_event_fn fn;
	void *ctx;
	int count;
};

static int on_message(const struct nlmsghdr *nlh, void *data)
{
	struct read_args *a = data;
	struct nftnl_trace *nt;
	struct rule_event ev;

	if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_NFTABLES ||
	    NFNL_MSG_TYPE(nlh->nlmsg_type) != NFT_MSG_TRACE)
		return MNL_CB_OK;
	nt = nftnl_trace_alloc();
	if (!nt)
		return MNL_CB_ERROR;
	if (!nftnl_trace_nlmsg_parse(nlh, nt)) {
		to_event(a->t, nt, &ev);
		a->fn(a->ctx, &ev);
		a->count++;
	}
	nftnl_trace_free(nt);
	return MNL_CB_OK;
}

int nft_trace__read(struct nft_trace *t, rule_event_fn fn, void *ctx)
{
	static char buf[1 << 16];
	struct read_args a = { t, fn, ctx, 0 };
	ssize_t n;

	if (!t || !t->nl)
		return 0;
	for (;;) {
		n = mnl_socket_recvfrom(t->nl, buf, sizeof(buf));
		if (n < 0 && errno == ENOBUFS) {
			t->lost++; /* at least one; the kernel does not say how many */
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? a.count : -errno;
		if (mnl_cb_run(buf, n, 0, 0, on_message, &a) < 0 && errno == ENOMEM)
			return -ENOMEM;
	}
}

void nft_trace__stop(struct nft_trace *t)
{
	char cmd[96];

	if (!t)
		return;
	if (t->nft) {
		/* An owned table goes with its socket; a plain one must be deleted. A table
		 * that failed to install is not there: nothing to say. */
		snprintf(cmd, sizeof(cmd), "delete table inet %s", t->table);
		nftlib__lock();
		nft_run(t->nft, cmd, NULL, 0);
		nft_ctx_free(t->nft);
		nftlib__unlock();
	}
	if (t->nl)
		mnl_socket_close(t->nl);
	free(t);
}

static int cleanup_in_netns(void *ctx)
{
	int *removed = ctx;
	struct nft_ctx *nft = nft_ctx_new(NFT_CTX_DEFAULT);
	const char *out, *p;
	char cmd[96];

	if (!nft || nft_ctx_buffer_output(nft) || nft_ctx_buffer_error(nft)) {
		nft_ctx_free(nft);
		return -ENOMEM;
	}
	if (nft_run_cmd_from_buffer(nft, "list tables inet")) {
		nft_ctx_free(nft);
		return -EPROTONOSUPPORT;
	}
	out = strdup(nft_ctx_get_output_buffer(nft));
	for (p = out; p && (p = strstr(p, "table inet " NFT_TRACE_TABLE_PREFIX)); p++) {
		const char *num = p + strlen("table inet " NFT_TRACE_TABLE_PREFIX);
		char *end;
		long pid = strtol(num, &end, 10);

		if (end == num || (*end && *end != '\n' && *end != ' ') || hoptrace_pid__alive(pid))
			continue;
		snprintf(cmd, sizeof(cmd), "delete table inet " NFT_TRACE_TABLE_PREFIX "%ld", pid);
		if (!nft_run_cmd_from_buffer(nft, cmd))
			(*removed)++;
	}
	free((void *)out);
	nft_ctx_free(nft);
	return 0;
}

int nft_trace__cleanup_dead(const char *netns_path)
{
	int removed = 0, ret;

	nftlib__lock();
	ret = nsenter__run(netns_path, cleanup_in_netns, &removed);
	nftlib__unlock();
	return ret < 0 ? ret : removed;
}

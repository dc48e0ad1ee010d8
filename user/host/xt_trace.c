// SPDX-License-Identifier: GPL-2.0
/* The order of xt_trace__start is the order that leaves nothing behind on failure and loses
 * no decision: the listener first (binding group 0 also loads nfnetlink_log, without which
 * the logger sysctl refuses its name), then the logger of each family, then the rules. Stop
 * undoes it backwards. Everything after the first step goes through a descriptor of the
 * namespace held from the start, so a name reused meanwhile (ip netns del, add) is never
 * the one restored.
 *
 * The logger sysctl is the namespace's, not a rule: a hoptrace killed by SIGKILL leaves
 * nf_log/<pf> at "nfnetlink_log". xt_trace__cleanup_dead removes the rules of dead
 * processes but cannot restore the logger, whose earlier value it does not know; meanwhile
 * other TRACE users of the namespace and conntrack's invalid-packet log (when enabled) go
 * to nflog group 0 instead of the kernel log. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/netfilter.h>
#include "host/hoptrace_pid.h"
#include "host/nflog_listen.h"
#include "host/nsenter.h"
#include "host/xt_trace.h"
#include "host/xt_trace_line.h"
#include "host/xt_trace_rules.h"
#include "host/xt_tables.h"

/* The kernel logs TRACE lines with its default nfnetlink_log settings: group 0. */
#define TRACE_GROUP 0
/* An IPv6 header, an extension and the transport header's start fit, and RULE_EV_HDR is
 * kept: copying more only costs. */
#define COPY_RANGE 128
#define LOGGER_NAME 32

struct xt_family {
	int family; /* HOP_AF_INET or HOP_AF_INET6 */
	int pf;	    /* NFPROTO_IPV4 or NFPROTO_IPV6 */
	bool logger_saved;
	char old_logger[LOGGER_NAME];
	bool rules_added;
};

struct xt_trace {
	int nsfd;
	char ns_fd_path[32]; /* /proc/self/fd/<nsfd>, the namespace of every later step */
	char *name;	     /* netns_path, for messages */
	__u32 netns;
	pid_t pid;
	struct nflog_listen *listen;
	struct xt_family fam[2];
	unsigned long lost;
	__u64 seq;
	rule_event_fn fn;
	void *ctx;
};

struct tables_query {
	int family;
	const char *table; /* NULL: any */
};

/* 1 when the legacy table (or any) of the family exists in the current namespace. */
static int has_table_here(void *ctx)
{
	const struct tables_query *q = ctx;

	return xt_tables__present(q->family, q->table);
}

static bool has_table(const char *netns_path, int family, const char *table)
{
	struct tables_query q = { .family = family, .table = table };

	return nsenter__run(netns_path, has_table_here, &q) > 0;
}

bool xt_trace__wanted(const char *netns_path)
{
	return has_table(netns_path, HOP_AF_INET, NULL) ||
	       has_table(netns_path, HOP_AF_INET6, NULL);
}

struct logger_op {
	int pf;
	const char *set; /* NULL: read into buf */
	char *buf;
};

static int logger_here(void *ctx)
{
	struct logger_op *op = ctx;
	char path[64];
	ssize_t n;
	int fd, err = 0;

	snprintf(path, sizeof(path), "/proc/sys/net/netfilter/nf_log/%d", op->pf);
	fd = open(path, (op->set ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (op->set) {
		n = write(fd, op->set, strlen(op->set));
		if (n != (ssize_t)strlen(op->set))
			err = n < 0 ? -errno : -EIO;
	} else {
		n = read(fd, op->buf, LOGGER_NAME - 1);
		if (n < 0) {
			err = -errno;
		} else {
			op->buf[n] = '\0';
			op->buf[strcspn(op->buf, "\n")] = '\0';
		}
	}
	close(fd);
	return err;
}

static int logger_run(const char *netns_path, struct logger_op *op)
{
	return nsenter__run(netns_path, logger_here, op);
}

static int open_listener_here(void *ctx)
{
	struct xt_trace *t = ctx;

	t->listen = nflog_listen__open(TRACE_GROUP, COPY_RANGE);
	return t->listen ? 0 : -errno;
}

static int start_listener(struct xt_trace *t, char *err, size_t errsize)
{
	int ret = nsenter__run(t->ns_fd_path, open_listener_here, t);

	if (ret == -EBUSY || ret == -EPERM || ret == -EEXIST)
		snprintf(err, errsize, "nflog group 0 is used by another program in netns %s",
			 t->name);
	else if (ret)
		snprintf(err, errsize, "cannot listen to nflog group 0 in netns %s: %s", t->name,
			 strerror(-ret));
	return ret;
}

static int start_family(struct xt_trace *t, struct xt_family *fam, const struct rule_mark *mark,
			char *err, size_t errsize)
{
	struct logger_op read_op = { .pf = fam->pf, .buf = fam->old_logger };
	struct logger_op set_op = { .pf = fam->pf, .set = "nfnetlink_log" };
	char why[256];
	int ret;

	ret = logger_run(t->ns_fd_path, &read_op);
	if (!ret) {
		fam->logger_saved = true;
		ret = logger_run(t->ns_fd_path, &set_op);
	}
	if (ret) {
		snprintf(
			err, errsize,
			"cannot switch the netfilter logger of %s to nfnetlink_log in netns %s: %s",
			fam->family == HOP_AF_INET ? "IPv4" : "IPv6", t->name, strerror(-ret));
		return ret;
	}
	ret = xt_trace_rules__add(t->ns_fd_path, fam->family, t->pid, mark, why, sizeof(why));
	if (ret < 0) {
		snprintf(err, errsize, "cannot add TRACE rules in netns %s: %s", t->name, why);
		return ret;
	}
	fam->rules_added = true;
	return 0;
}

/* Whether mark names an address of family (every address does when it is empty). */
static bool marks_family(const struct rule_mark *mark, int family)
{
	if (!mark->count)
		return true;
	for (int i = 0; i < mark->count; i++)
		if (mark->cidrs[i].family == family)
			return true;
	return false;
}

struct xt_trace *xt_trace__start(const char *netns_path, __u32 netns, pid_t pid,
				 const struct rule_mark *mark, char *err, size_t errsize)
{
	struct xt_trace *t = calloc(1, sizeof(*t));
	bool wanted[2];

	if (!t || !(t->name = strdup(netns_path))) {
		free(t);
		snprintf(err, errsize, "out of memory");
		return NULL;
	}
	t->nsfd = -1;
	t->netns = netns;
	t->pid = pid;
	t->fam[0] = (struct xt_family){ .family = HOP_AF_INET, .pf = NFPROTO_IPV4 };
	t->fam[1] = (struct xt_family){ .family = HOP_AF_INET6, .pf = NFPROTO_IPV6 };
	t->nsfd = open(netns_path, O_RDONLY | O_CLOEXEC);
	if (t->nsfd < 0) {
		snprintf(err, errsize, "cannot open netns %s: %s", netns_path, strerror(errno));
		goto fail;
	}
	snprintf(t->ns_fd_path, sizeof(t->ns_fd_path), "/proc/self/fd/%d", t->nsfd);
	for (int i = 0; i < 2; i++)
		wanted[i] = marks_family(mark, t->fam[i].family) &&
			    has_table(t->ns_fd_path, t->fam[i].family, NULL);
	if (!wanted[0] && !wanted[1]) {
		snprintf(err, errsize,
			 "no iptables-legacy tables for the traced addresses in netns %s",
			 netns_path);
		goto fail;
	}
	if (start_listener(t, err, errsize))
		goto fail;
	for (int i = 0; i < 2; i++)
		if (wanted[i] && start_family(t, &t->fam[i], mark, err, errsize))
			goto fail;
	return t;
fail:
	xt_trace__stop(t);
	return NULL;
}

int xt_trace__fd(const struct xt_trace *t)
{
	return nflog_listen__fd(t->listen);
}

static void on_nflog(void *ctx, const struct nflog_msg *m)
{
	struct xt_trace *t = ctx;
	struct rule_event ev;
	int version = m->payload_len ? m->payload[0] >> 4 : 0;

	memset(&ev, 0, sizeof(ev));
	if (xt_trace_line__parse(m->prefix, &ev))
		return; /* another user of the logger: not a TRACE line */
	ev.source = RULE_SRC_XT_TRACE;
	ev.netns = t->netns;
	if (version == 4 || version == 6)
		ev.family = version == 4 ? HOP_AF_INET : HOP_AF_INET6;
	else
		ev.family = m->pf == NFPROTO_IPV6 ? HOP_AF_INET6 : HOP_AF_INET;
	snprintf(ev.table_family, sizeof(ev.table_family), "%s",
		 m->pf == NFPROTO_IPV6 ? "ip6" : "ip");
	ev.verdict = RULE_VERDICT_UNKNOWN;
	ev.hook = m->hook < NF_INET_NUMHOOKS ? m->hook : RULE_HOOK_UNKNOWN;
	ev.iif = m->indev;
	ev.oif = m->outdev;
	ev.nh_len = m->payload_len < RULE_EV_HDR ? m->payload_len : RULE_EV_HDR;
	if (ev.nh_len)
		memcpy(ev.nh, m->payload, ev.nh_len);
	ev.seq = ++t->seq;
	t->fn(t->ctx, &ev);
}

int xt_trace__read(struct xt_trace *t, rule_event_fn fn, void *ctx)
{
	__u64 before = t->seq;
	int ret;

	t->fn = fn;
	t->ctx = ctx;
	ret = nflog_listen__read(t->listen, on_nflog, t, &t->lost);
	return ret < 0 ? ret : (int)(t->seq - before);
}

unsigned long xt_trace__lost(const struct xt_trace *t)
{
	return t->lost;
}

static bool is_self(void *ctx, pid_t owner)
{
	const struct xt_trace *t = ctx;

	return owner == t->pid;
}

void xt_trace__stop(struct xt_trace *t)
{
	char why[256];

	if (!t)
		return;
	for (int i = 0; i < 2; i++) {
		struct xt_family *fam = &t->fam[i];

		if (fam->rules_added && xt_trace_rules__remove(t->ns_fd_path, fam->family, is_self,
							       t, why, sizeof(why)) < 0)
			fprintf(stderr, "hoptrace: removing TRACE rules in netns %s: %s\n", t->name,
				why);
		if (fam->logger_saved) {
			struct logger_op op = { .pf = fam->pf, .set = fam->old_logger };
			int ret = logger_run(t->ns_fd_path, &op);

			if (ret)
				fprintf(stderr,
					"hoptrace: restoring nf_log/%d to %s in netns %s: %s\n",
					fam->pf, fam->old_logger, t->name, strerror(-ret));
		}
	}
	nflog_listen__close(t->listen);
	if (t->nsfd >= 0)
		close(t->nsfd);
	free(t->name);
	free(t);
}

/* A pid whose process is gone, or is another program now (the pid was reused). */
static bool is_dead_hoptrace(void *ctx, pid_t owner)
{
	(void)ctx;
	return !hoptrace_pid__alive(owner);
}

int xt_trace__cleanup_dead(const char *netns_path)
{
	static const int families[] = { HOP_AF_INET, HOP_AF_INET6 };
	char why[256];
	int total = 0;

	if (access(netns_path, F_OK))
		return -errno;
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		int ret;

		if (!has_table(netns_path, families[i], "raw"))
			continue;
		ret = xt_trace_rules__remove(netns_path, families[i], is_dead_hoptrace, NULL, why,
					     sizeof(why));
		if (ret < 0) {
			fprintf(stderr, "hoptrace: removing stale TRACE rules in netns %s: %s\n",
				netns_path, why);
			return ret;
		}
		total += ret;
	}
	return total;
}

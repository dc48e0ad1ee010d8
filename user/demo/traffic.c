// SPDX-License-Identifier: GPL-2.0
/* Client traffic for the demo. ICMP errors are read from the socket's error queue
 * (IP_RECVERR), so the client's view names the ICMP message and who sent it. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "demo/ct_max.h"
#include "demo/traffic.h"

#define PAYLOAD_MAX 65000

static double timeout_of(const struct demo_probe *p)
{
	return p->timeout_s > 0 ? p->timeout_s : 1.0;
}

static const char *icmp_text(unsigned type, unsigned code, unsigned info, char *buf, size_t size)
{
	static const char *const unreach[] = {
		[0] = "network unreachable",	      [1] = "host unreachable",
		[2] = "protocol unreachable",	      [3] = "port unreachable",
		[9] = "network prohibited",	      [10] = "host prohibited",
		[13] = "administratively prohibited",
	};

	if (type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED)
		snprintf(buf, size, "fragmentation needed (mtu %u)", info);
	else if (type == ICMP_DEST_UNREACH && code < sizeof(unreach) / sizeof(unreach[0]) &&
		 unreach[code])
		snprintf(buf, size, "%s", unreach[code]);
	else if (type == ICMP_TIME_EXCEEDED)
		snprintf(buf, size, "time exceeded");
	else
		snprintf(buf, size, "type %u code %u", type, code);
	return buf;
}

/* Reads one queued error (IP_RECVERR) and describes it. */
static void read_error(int fd, char *outcome, size_t size)
{
	char control[512], what[64], from[INET_ADDRSTRLEN] = "?", data[64];
	struct iovec iov = { data, sizeof(data) };
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = control,
			      .msg_controllen = sizeof(control) };
	struct cmsghdr *cm;

	if (recvmsg(fd, &msg, MSG_ERRQUEUE) < 0) {
		snprintf(outcome, size, "error: %s", strerror(errno));
		return;
	}
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
		struct sock_extended_err *ee = (void *)CMSG_DATA(cm);
		struct sockaddr_in *off = (void *)SO_EE_OFFENDER(ee);

		if (cm->cmsg_level != SOL_IP || cm->cmsg_type != IP_RECVERR)
			continue;
		if (ee->ee_origin != SO_EE_ORIGIN_ICMP) {
			snprintf(outcome, size, "local error: %s", strerror(ee->ee_errno));
			return;
		}
		if (off->sin_family == AF_INET)
			inet_ntop(AF_INET, &off->sin_addr, from, sizeof(from));
		snprintf(outcome, size, "ICMP %s from %s",
			 icmp_text(ee->ee_type, ee->ee_code, ee->ee_info, what, sizeof(what)),
			 from);
		return;
	}
	snprintf(outcome, size, "an error without details");
}

/* Waits for a datagram or a queued error on fd. */
static enum probe_result await_answer(int fd, const struct demo_probe *p, const char *silent,
				      char *outcome, size_t size)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int n = poll(&pfd, 1, (int)(timeout_of(p) * 1000));
	char buf[2048];

	if (n < 0) {
		snprintf(outcome, size, "poll: %s", strerror(errno));
		return PROBE_FAILED;
	}
	if (n == 0) {
		snprintf(outcome, size, "%s within %.1fs", silent, timeout_of(p));
		return PROBE_SILENT;
	}
	if (pfd.revents & POLLERR) {
		read_error(fd, outcome, size);
		return PROBE_REFUSED;
	}
	/* Read the answer: one left in the queue would be purged, a drop, at close. */
	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
	snprintf(outcome, size, "answered");
	return PROBE_ANSWERED;
}

static int open_socket(int type, int proto, const struct sockaddr_in *dst, char *outcome,
		       size_t size)
{
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, proto), on = 1;

	if (fd < 0) {
		snprintf(outcome, size, "socket: %s%s", strerror(errno),
			 proto == IPPROTO_ICMP ? " (is net.ipv4.ping_group_range set?)" : "");
		return -1;
	}
	setsockopt(fd, SOL_IP, IP_RECVERR, &on, sizeof(on));
	if (dst && connect(fd, (const struct sockaddr *)dst, sizeof(*dst)) &&
	    errno != EINPROGRESS) {
		snprintf(outcome, size, "connect: %s", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static enum probe_result send_failed(int fd, char *outcome, size_t size)
{
	snprintf(outcome, size, "send: %s", strerror(errno));
	close(fd);
	return PROBE_FAILED;
}

static enum probe_result probe_icmp(const struct demo_probe *p, const struct sockaddr_in *dst,
				    char *outcome, size_t size)
{
	int len = (p->size > 0 && p->size <= PAYLOAD_MAX ? p->size : 56) + sizeof(struct icmphdr);
	int pmtu = IP_PMTUDISC_DO, fd = open_socket(SOCK_DGRAM, IPPROTO_ICMP, dst, outcome, size);
	char *pkt = calloc(1, len);
	enum probe_result r;

	if (fd < 0 || !pkt) {
		free(pkt);
		if (fd >= 0)
			close(fd);
		return PROBE_FAILED;
	}
	((struct icmphdr *)pkt)->type = ICMP_ECHO;
	((struct icmphdr *)pkt)->un.echo.sequence = htons(1);
	if (p->df)
		setsockopt(fd, SOL_IP, IP_MTU_DISCOVER, &pmtu, sizeof(pmtu));
	if (send(fd, pkt, len, 0) < 0) {
		free(pkt);
		return send_failed(fd, outcome, size);
	}
	free(pkt);
	r = await_answer(fd, p, "no echo reply", outcome, size);
	if (r == PROBE_ANSWERED)
		snprintf(outcome, size, "echo reply from %s", p->addr);
	close(fd);
	return r;
}

static enum probe_result probe_udp(const struct demo_probe *p, struct sockaddr_in *dst,
				   char *outcome, size_t size)
{
	static const char msg[] = "hoptrace demo\n";
	int count = p->count > 0 ? p->count : 1, fd;
	enum probe_result r;

	/* Each datagram from a new socket: a new source port, a new conntrack entry. */
	for (int i = 0; i < count - 1; i++) {
		fd = open_socket(SOCK_DGRAM, 0, dst, outcome, size);
		if (fd < 0)
			return PROBE_FAILED;
		if (send(fd, msg, sizeof(msg) - 1, 0) < 0)
			return send_failed(fd, outcome, size);
		close(fd);
	}
	fd = open_socket(SOCK_DGRAM, 0, dst, outcome, size);
	if (fd < 0)
		return PROBE_FAILED;
	if (send(fd, msg, sizeof(msg) - 1, 0) < 0)
		return send_failed(fd, outcome, size);
	r = await_answer(fd, p, "no answer (UDP stays silent when dropped)", outcome, size);
	close(fd);
	return r;
}

static enum probe_result probe_tcp(const struct demo_probe *p, struct sockaddr_in *dst,
				   char *outcome, size_t size)
{
	int fd = open_socket(SOCK_STREAM | SOCK_NONBLOCK, 0, dst, outcome, size), err = 0;
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	socklen_t len = sizeof(err);
	int n;

	if (fd < 0)
		return PROBE_FAILED;
	n = poll(&pfd, 1, (int)(timeout_of(p) * 1000));
	if (n == 0) {
		snprintf(outcome, size, "no answer to the SYN within %.1fs", timeout_of(p));
		close(fd);
		return PROBE_SILENT;
	}
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
	close(fd);
	if (!err) {
		snprintf(outcome, size, "connected");
		return PROBE_ANSWERED;
	}
	if (err == ECONNREFUSED)
		snprintf(outcome, size, "connection refused (TCP RST)");
	else
		snprintf(outcome, size, "connect: %s", strerror(err));
	return PROBE_REFUSED;
}

/* Sends from the current namespace. outcome gets one line, e.g. "connection refused
 * (TCP RST)" or "ICMP fragmentation needed (mtu 1450) from 10.244.1.1". */
static enum probe_result probe_run(const struct demo_probe *p, char *outcome, size_t size)
{
	struct sockaddr_in dst = { .sin_family = AF_INET,
				   .sin_port = htons(p->port ? atoi(p->port) : 0) };

	if (inet_pton(AF_INET, p->addr, &dst.sin_addr) != 1) {
		snprintf(outcome, size, "not an IPv4 address: %s", p->addr);
		return PROBE_FAILED;
	}
	if (!strcmp(p->proto, "icmp"))
		return probe_icmp(p, &dst, outcome, size);
	if (!strcmp(p->proto, "udp"))
		return probe_udp(p, &dst, outcome, size);
	if (!strcmp(p->proto, "tcp"))
		return probe_tcp(p, &dst, outcome, size);
	snprintf(outcome, size, "unknown protocol %s", p->proto);
	return PROBE_FAILED;
}

static int enter_netns(const char *name, char *outcome, size_t size)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET)) {
		snprintf(outcome, size, "cannot enter namespace %.64s: %s", name, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* In a child: enter the namespace, probe, report over the pipe. */
static void run_child(const struct demo_probe *p, int report)
{
	char outcome[160] = "";
	enum probe_result r = PROBE_FAILED;

	if (!enter_netns(p->netns, outcome, sizeof(outcome)))
		r = probe_run(p, outcome, sizeof(outcome));
	if (write(report, outcome, strlen(outcome)) < 0)
		r = PROBE_FAILED;
	_exit(r);
}

enum probe_result demo_probe__run_in(const struct demo_probe *p, char *outcome, size_t size)
{
	int fds[2], ws;
	ssize_t n;
	pid_t pid;

	snprintf(outcome, size, "could not start the probe: %s", strerror(errno));
	if (pipe2(fds, O_CLOEXEC))
		return PROBE_FAILED;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		run_child(p, fds[1]);
	}
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		return PROBE_FAILED;
	}
	/* The child's own timeouts bound this read: it ends when the child exits. */
	n = read(fds[0], outcome, size - 1);
	outcome[n > 0 ? n : 0] = 0;
	close(fds[0]);
	if (waitpid(pid, &ws, 0) != pid || !WIFEXITED(ws))
		return PROBE_FAILED;
	return (enum probe_result)WEXITSTATUS(ws);
}

void demo_probe__argv(const struct demo_probe *p, int report_fd, char *buf, size_t size,
		      char *argv[DEMO_PROBE_ARGC])
{
	int n = 0;
	size_t used = 0;

#define ARG(...)                                                            \
	do {                                                                \
		argv[n++] = buf + used;                                     \
		used += snprintf(buf + used, size - used, __VA_ARGS__) + 1; \
		used = used < size ? used : size - 1;                       \
	} while (0)
	ARG("/proc/%d/exe", (int)getpid());
	ARG("demo");
	ARG("--probe");
	ARG("netns=%s", p->netns);
	ARG("proto=%s", p->proto);
	ARG("addr=%s", p->addr);
	ARG("port=%s", p->port ? p->port : "0");
	ARG("size=%d", p->size);
	ARG("df=%d", p->df);
	ARG("count=%d", p->count);
	ARG("timeout=%.3f", p->timeout_s);
	ARG("report-fd=%d", report_fd);
	ARG("ct-max=%ld", p->ct_max);
	ARG("ct-restore=%ld", p->ct_restore);
#undef ARG
	argv[n] = NULL;
}

/* key=value into p; strings point into argv. Returns 0 or -1. */
static int parse_arg(struct demo_probe *p, int *report_fd, char *arg)
{
	char *eq = strchr(arg, '=');
	const char *v;

	if (!eq)
		return -1;
	*eq = 0;
	v = eq + 1;
	if (!strcmp(arg, "netns"))
		p->netns = v;
	else if (!strcmp(arg, "proto"))
		p->proto = v;
	else if (!strcmp(arg, "addr"))
		p->addr = v;
	else if (!strcmp(arg, "port"))
		p->port = v;
	else if (!strcmp(arg, "size"))
		p->size = atoi(v);
	else if (!strcmp(arg, "df"))
		p->df = atoi(v);
	else if (!strcmp(arg, "count"))
		p->count = atoi(v);
	else if (!strcmp(arg, "timeout"))
		p->timeout_s = atof(v);
	else if (!strcmp(arg, "report-fd"))
		*report_fd = atoi(v);
	else if (!strcmp(arg, "ct-max"))
		p->ct_max = atol(v);
	else if (!strcmp(arg, "ct-restore"))
		p->ct_restore = atol(v);
	else
		return -1;
	return 0;
}

int demo_probe__main(int argc, char **argv)
{
	struct demo_probe p = { .proto = "icmp" };
	char outcome[160] = "";
	enum probe_result r = PROBE_FAILED;
	int report_fd = -1, ct_fd = -1;

	for (int i = 0; i < argc; i++) {
		if (parse_arg(&p, &report_fd, argv[i])) {
			fprintf(stderr, "hoptrace demo --probe: bad argument '%s'\n", argv[i]);
			return PROBE_FAILED;
		}
	}
	/* The maximum is only writable from the initial namespace: open it before entering
	 * the pod's; the lowered window is as short as the probe itself. */
	if (p.ct_max > 0 &&
	    ((ct_fd = demo_ct_max__open()) < 0 || demo_ct_max__set(ct_fd, p.ct_max))) {
		snprintf(outcome, sizeof(outcome), "cannot lower the conntrack maximum: %s",
			 strerror(errno));
		goto out;
	}
	if (p.netns && p.addr && !enter_netns(p.netns, outcome, sizeof(outcome)))
		r = probe_run(&p, outcome, sizeof(outcome));
	if (ct_fd >= 0 && p.ct_restore > 0)
		demo_ct_max__set(ct_fd, p.ct_restore);
out:
	if (ct_fd >= 0)
		close(ct_fd);
	if (report_fd >= 0 && dprintf(report_fd, "%d %s", r, outcome) < 0)
		r = PROBE_FAILED;
	return r;
}

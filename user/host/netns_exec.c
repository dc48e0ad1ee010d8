// SPDX-License-Identifier: GPL-2.0
/* fork, setns in the child, exec: the parent never leaves its namespace, so it can run this
 * from any thread. Input goes through a socket rather than a pipe so that a child that exits
 * without reading it gives EPIPE to send(MSG_NOSIGNAL), never a SIGPIPE to hoptrace. An
 * exec failure travels back over a close-on-exec pipe, as in cli/command.c. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "host/netns_exec.h"

/* A busy node's rules can be large, but not this large: past it the run fails (-EFBIG)
 * rather than hand back a part. */
#define OUTPUT_MAX (64u << 20)
/* A tool that hangs (a lock held elsewhere) must not hold the trace: it is killed. */
#define RUN_TIMEOUT_MS 10000

struct sink {
	char *buf;
	size_t len, cap;
	int fd;
	bool cut; /* more came than OUTPUT_MAX */
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static int sink_read(struct sink *s, bool keep)
{
	char chunk[16384];
	ssize_t n = read(s->fd, chunk, sizeof(chunk));

	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -errno;
	if (n == 0) {
		close_fd(&s->fd);
		return 0;
	}
	if (keep && s->len + n > OUTPUT_MAX)
		s->cut = true;
	if (!keep || s->cut)
		return 0;
	if (s->len + n + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 4096;
		char *buf;

		while (cap < s->len + n + 1)
			cap *= 2;
		buf = realloc(s->buf, cap);
		if (!buf)
			return -ENOMEM;
		s->buf = buf;
		s->cap = cap;
	}
	memcpy(s->buf + s->len, chunk, n);
	s->len += n;
	s->buf[s->len] = '\0';
	return 0;
}

/* Standard input, output and error become in, out and err. Each is first copied above 2:
 * with the parent's 0, 1 or 2 closed, one of them (or the namespace's descriptor, which is
 * why setns comes first) may already sit on another's number. */
static int set_stdio(int in, int out, int err)
{
	int fds[3] = { in, out, err };

	for (int i = 0; i < 3; i++) {
		fds[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 3);
		if (fds[i] < 0)
			return -1;
	}
	for (int i = 0; i < 3; i++)
		if (dup2(fds[i], i) < 0)
			return -1;
	return 0;
}

static void child(int nsfd, int in, int out, int err, int report, char *const argv[])
{
	sigset_t none;
	int e;

	/* The signals hoptrace blocks for itself are not the tool's to inherit. */
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) || setns(nsfd, CLONE_NEWNET) ||
	    set_stdio(in, out, err)) {
		e = errno;
	} else {
		execvp(argv[0], argv);
		e = errno;
	}
	if (write(report, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

/* Feeds input and collects both outputs until the child closes them, or the time is up
 * (-ETIMEDOUT). */
static int exchange(int in, const char *input, struct sink *out, struct sink *err, bool keep_out,
		    bool keep_err)
{
	size_t left = input ? strlen(input) : 0;
	long long deadline = now_ms() + RUN_TIMEOUT_MS;
	int ret = 0, wait;

	if (!left)
		close_fd(&in);
	while (out->fd >= 0 || err->fd >= 0) {
		struct pollfd p[3] = {
			{ .fd = out->fd, .events = POLLIN },
			{ .fd = err->fd, .events = POLLIN },
			{ .fd = in, .events = POLLOUT },
		};

		wait = (int)(deadline - now_ms());
		if (wait <= 0) {
			ret = -ETIMEDOUT;
			break;
		}
		if (poll(p, 3, wait) < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			break;
		}
		if (p[0].revents && (ret = sink_read(out, keep_out)))
			break;
		if (p[1].revents && (ret = sink_read(err, keep_err)))
			break;
		if (in >= 0 && p[2].revents) {
			ssize_t n = send(in, input, left, MSG_NOSIGNAL | MSG_DONTWAIT);

			if (n < 0 && errno != EINTR && errno != EAGAIN) {
				left = 0; /* it stopped reading: its status tells why */
			} else if (n > 0) {
				input += n;
				left -= n;
			}
			if (!left)
				close_fd(&in);
		}
	}
	close_fd(&in);
	return ret;
}

static int wait_status(pid_t pid)
{
	int ws;

	while (waitpid(pid, &ws, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFEXITED(ws))
		return WEXITSTATUS(ws);
	return WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : 1;
}

int netns_exec__run(const char *netns_path, char *const argv[], const char *input, char **out,
		    char **errout)
{
	struct sink so = { .fd = -1 }, se = { .fd = -1 };
	int sv[2] = { -1, -1 }, po[2] = { -1, -1 }, pe[2] = { -1, -1 }, pr[2] = { -1, -1 };
	int nsfd, ret, child_errno;
	pid_t pid;

	if (out)
		*out = NULL;
	if (errout)
		*errout = NULL;
	nsfd = open(netns_path, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0)
		return -errno;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) || pipe2(po, O_CLOEXEC) ||
	    pipe2(pe, O_CLOEXEC) || pipe2(pr, O_CLOEXEC)) {
		ret = -errno;
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		goto out;
	}
	if (pid == 0)
		child(nsfd, sv[1], po[1], pe[1], pr[1], argv);
	close_fd(&sv[1]);
	close_fd(&po[1]);
	close_fd(&pe[1]);
	close_fd(&pr[1]);
	so.fd = po[0];
	se.fd = pe[0];
	po[0] = pe[0] = -1;
	ret = exchange(sv[0], input, &so, &se, out != NULL, errout != NULL);
	sv[0] = -1;
	if (ret == -ETIMEDOUT)
		kill(pid, SIGKILL);
	if (!ret && (so.cut || se.cut))
		ret = -EFBIG;
	close_fd(&so.fd);
	close_fd(&se.fd);
	if (read(pr[0], &child_errno, sizeof(child_errno)) == sizeof(child_errno)) {
		wait_status(pid);
		ret = -child_errno;
	} else {
		int status = wait_status(pid);

		if (!ret)
			ret = status;
	}
	if (ret >= 0 && ((out && !so.buf && !(so.buf = strdup(""))) ||
			 (errout && !se.buf && !(se.buf = strdup("")))))
		ret = -ENOMEM;
	if (ret >= 0) {
		if (out)
			*out = so.buf;
		if (errout)
			*errout = se.buf;
		so.buf = se.buf = NULL;
	}
out:
	free(so.buf);
	free(se.buf);
	for (int i = 0; i < 2; i++) {
		close_fd(&sv[i]);
		close_fd(&po[i]);
		close_fd(&pe[i]);
		close_fd(&pr[i]);
	}
	close(nsfd);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0
/* Running iptables-save's commands: a fork made in the namespace being read (the child keeps
 * it across exec), its output read through a pipe, no shell. Bounded in time and size so a
 * stuck or huge dump cannot hold hoptrace. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "host/nf_ruleset_parse.h"

#define SAVE_TIMEOUT_MS 10000
#define SAVE_MAX_BYTES (32u << 20)

extern char **environ;

/* argv[0] on PATH (the usual directories of the tools when PATH is unset), into path. */
static bool find_on_path(const char *name, char *path, size_t size)
{
	const char *dirs = getenv("PATH"), *dir, *end;

	if (!dirs)
		dirs = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	for (dir = dirs; *dir; dir = *end ? end + 1 : end) {
		int len;

		end = strchrnul(dir, ':');
		/* An empty entry is the current directory, as for execvp. */
		len = end == dir ? snprintf(path, size, "./%s", name) :
				   snprintf(path, size, "%.*s/%s", (int)(end - dir), dir, name);
		if (len > 0 && (size_t)len < size && !access(path, X_OK))
			return true;
	}
	return false;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* The child's output until it closes its end, or NULL (why in *why) when it says too much,
 * takes too long or memory runs out. */
static char *read_all(int fd, const char **why)
{
	long long deadline = now_ms() + SAVE_TIMEOUT_MS;
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap), *bigger;

	while (buf) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		long long left = deadline - now_ms();
		ssize_t got;
		int ready = left > 0 ? poll(&pfd, 1, left) : 0;

		if (ready < 0 && errno == EINTR)
			continue;
		if (ready == 0) {
			*why = "took longer than 10 s";
			break;
		}
		got = read(fd, buf + len, cap - len - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			buf[len] = 0;
			return buf;
		}
		len += got;
		if (len + 1 < cap)
			continue;
		if (cap >= SAVE_MAX_BYTES) {
			*why = "printed more than 32 MiB";
			break;
		}
		bigger = realloc(buf, cap * 2);
		if (!bigger)
			break;
		buf = bigger;
		cap *= 2;
	}
	free(buf);
	return NULL;
}

char *xt_save__run(const char *const argv[], struct nf_ruleset *rs)
{
	const char *why = "out of memory";
	char path[PATH_MAX], phrase[128];
	char *out = NULL;
	int pipefd[2], status = 0;
	sigset_t none;
	pid_t pid;

	if (!find_on_path(argv[0], path, sizeof(path))) {
		snprintf(phrase, sizeof(phrase), "%s: not found", argv[0]);
		nf_ruleset__note(rs, phrase);
		return NULL;
	}
	if (pipe2(pipefd, O_CLOEXEC)) {
		snprintf(phrase, sizeof(phrase), "%s: %s", argv[0], strerror(errno));
		nf_ruleset__note(rs, phrase);
		return NULL;
	}
	sigemptyset(&none);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		/* Only async-signal-safe calls until exec: the parent may have threads. The
		 * signals hoptrace blocks for itself are not the command's to inherit. */
		if (null < 0 || sigprocmask(SIG_SETMASK, &none, NULL) || dup2(pipefd[1], 1) < 0 ||
		    dup2(null, 0) < 0 || dup2(null, 2) < 0)
			_exit(126);
		execve(path, (char *const *)argv, environ);
		_exit(127);
	}
	close(pipefd[1]);
	if (pid < 0) {
		snprintf(phrase, sizeof(phrase), "%s: %s", argv[0], strerror(errno));
		close(pipefd[0]);
		nf_ruleset__note(rs, phrase);
		return NULL;
	}
	out = read_all(pipefd[0], &why);
	close(pipefd[0]);
	if (!out)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (out && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return out;
	if (out)
		snprintf(phrase, sizeof(phrase), "%s: exit status %d", argv[0],
			 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	else
		snprintf(phrase, sizeof(phrase), "%s: %s", argv[0], why);
	nf_ruleset__note(rs, phrase);
	free(out);
	return NULL;
}

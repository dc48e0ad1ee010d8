// SPDX-License-Identifier: GPL-2.0
/* The "--" command: checked before anything attaches, started after everything has, and
 * its exit status becomes hoptrace's. An exec failure travels back over a close-on-exec
 * pipe, so "no such command" is reported as such, not as exit code 127. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cli/command.h"
#include "util/clock.h"

bool command__exists(const char *name)
{
	char path[PATH_MAX];
	const char *env = getenv("PATH");
	char *dirs, *save = NULL, *dir;
	bool found = false;

	if (!name || !*name)
		return false;
	if (strchr(name, '/'))
		return !access(name, X_OK);
	dirs = strdup(env ? env : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	if (!dirs)
		return false;
	for (dir = strtok_r(dirs, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
		snprintf(path, sizeof(path), "%s/%s", *dir ? dir : ".", name);
		found = !access(path, X_OK);
	}
	free(dirs);
	return found;
}

/* In the child: the command starts as if from a shell. Until exec, hoptrace's handlers
 * are still installed, so the stop signals come blocked (command__start's caller) and are
 * let through only once they act as the command's own: one sent to the process group
 * meanwhile then ends the command as it would have ended it. SIGPIPE, which hoptrace
 * ignores to detach cleanly, would stay ignored across exec. */
static void start_with_default_signals(void)
{
	static const int reset[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
	sigset_t none;

	for (size_t i = 0; i < sizeof(reset) / sizeof(reset[0]); i++)
		signal(reset[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

pid_t command__start(char **argv)
{
	int pipefd[2], child_errno = 0;
	pid_t pid;
	ssize_t n;

	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		int err = errno;

		close(pipefd[0]);
		close(pipefd[1]);
		return -err;
	}
	if (pid == 0) {
		close(pipefd[0]);
		/* hoptrace's standard output carries the trace: the command writes to stderr. */
		dup2(STDERR_FILENO, STDOUT_FILENO);
		start_with_default_signals();
		execvp(argv[0], argv);
		child_errno = errno;
		if (write(pipefd[1], &child_errno, sizeof(child_errno)) < 0)
			_exit(127);
		_exit(127);
	}
	close(pipefd[1]);
	do {
		n = read(pipefd[0], &child_errno, sizeof(child_errno));
	} while (n < 0 && errno == EINTR);
	close(pipefd[0]);
	if (n == sizeof(child_errno)) {
		waitpid(pid, NULL, 0);
		return -child_errno;
	}
	return pid;
}

static void decode_status(int ws, int *status)
{
	if (WIFEXITED(ws))
		*status = WEXITSTATUS(ws);
	else if (WIFSIGNALED(ws))
		*status = 128 + WTERMSIG(ws);
	else
		*status = 1;
}

bool command__ended(pid_t pid, int *status)
{
	int ws;
	pid_t r = waitpid(pid, &ws, WNOHANG);

	if (r < 0 && errno == ECHILD) {
		*status = 1;
		return true; /* reaped elsewhere: it has ended */
	}
	if (r != pid)
		return false;
	decode_status(ws, status);
	return true;
}

void command__wait(pid_t pid, int *status)
{
	int ws;
	pid_t r;

	do {
		r = waitpid(pid, &ws, 0);
	} while (r < 0 && errno == EINTR);
	if (r == pid)
		decode_status(ws, status);
	else
		*status = 1;
}

int command__wait_bounded(pid_t pid, double timeout_s)
{
	double deadline = clock__mono_s() + timeout_s;
	int ws;

	for (;;) {
		pid_t r = waitpid(pid, &ws, WNOHANG);

		if (r == pid)
			return ws;
		if (r < 0 && errno != EINTR)
			return -1;
		if (clock__mono_s() >= deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &ws, 0);
			return -1;
		}
		usleep(10 * 1000);
	}
}

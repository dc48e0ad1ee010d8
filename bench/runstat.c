// SPDX-License-Identifier: GPL-2.0
/* runstat: runs a command and prints its wall time and peak resident set size, as the
 * kernel accounts them for that process (wait4), for the start-up benchmark. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct rusage ru;
	double start;
	pid_t pid, r;
	int ws, status;

	if (argc < 3 || strcmp(argv[1], "--")) {
		fprintf(stderr, "Usage: runstat -- COMMAND [ARGS...]\n");
		return 2;
	}
	start = now_s();
	pid = fork();
	if (pid < 0) {
		perror("runstat: fork");
		return 1;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		perror("runstat: exec");
		_exit(127);
	}
	do {
		r = wait4(pid, &ws, 0, &ru);
	} while (r < 0 && errno == EINTR);
	if (r != pid) {
		perror("runstat: wait4");
		return 1;
	}
	status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
	printf("seconds %.4f maxrss_kb %ld status %d\n", now_s() - start, ru.ru_maxrss, status);
	return status;
}

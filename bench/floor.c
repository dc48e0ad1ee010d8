// SPDX-License-Identifier: GPL-2.0
/* floor: turns on the kernel's run-time accounting of BPF programs (BPF_ENABLE_STATS, the
 * accounting of kernel.bpf_stats_enabled=1, but held by a file descriptor: it ends with
 * this process, however it ends, and no one's toggling of the sysctl switches it off), loads
 * and attaches the benchmark's empty program (floor.bpf.c), says "attached" and holds both
 * until SIGINT or SIGTERM. The benchmark reads the counters from fdinfo. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_link *link;
	sigset_t set;
	int sig, stats_fd, rc = 1;

	if (argc != 2) {
		fprintf(stderr, "Usage: floor FLOOR.bpf.o\n");
		return 2;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (stats_fd < 0) {
		fprintf(stderr, "floor: cannot enable BPF run-time stats: %s\n", strerror(errno));
		return 1;
	}
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "floor: cannot load %s\n", argv[1]);
		goto out;
	}
	prog = bpf_object__find_program_by_name(obj, "bench_floor");
	link = prog ? bpf_program__attach(prog) : NULL;
	if (!link) {
		fprintf(stderr, "floor: cannot attach bench_floor\n");
		goto out;
	}
	printf("attached\n");
	fflush(stdout);
	sigwait(&set, &sig);
	bpf_link__destroy(link);
	rc = 0;
out:
	bpf_object__close(obj);
	close(stats_fd);
	return rc;
}

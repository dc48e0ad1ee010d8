// SPDX-License-Identifier: GPL-2.0
/* floor: the benchmark's references (floor.bpf.c).
 *   floor FLOOR.bpf.o          turns on the kernel's run-time accounting of BPF programs
 *                              (BPF_ENABLE_STATS: the accounting of kernel.bpf_stats_enabled=1,
 *                              but held by a file descriptor, so it ends with this process
 *                              however it ends, and no one's toggling of the sysctl switches
 *                              it off) and attaches the empty bench_floor program;
 *   floor FLOOR.bpf.o --empty  attaches empty programs on all six of hoptrace's tracepoints,
 *                              accounting off.
 * Then says "attached" and holds everything until SIGINT or SIGTERM. The benchmark reads the
 * counters from fdinfo. */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define MAX_LINKS 8

int main(int argc, char **argv)
{
	struct bpf_link *links[MAX_LINKS];
	struct bpf_program *prog;
	struct bpf_object *obj;
	int sig, stats_fd = -1, nlinks = 0, rc = 1;
	bool empty;
	sigset_t set;

	empty = argc == 3 && !strcmp(argv[2], "--empty");
	if (argc != 2 && !empty) {
		fprintf(stderr, "Usage: floor FLOOR.bpf.o [--empty]\n");
		return 2;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (!empty) {
		stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
		if (stats_fd < 0) {
			fprintf(stderr, "floor: cannot enable BPF run-time stats: %s\n",
				strerror(errno));
			return 1;
		}
	}
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "floor: cannot load %s\n", argv[1]);
		goto out;
	}
	bpf_object__for_each_program(prog, obj) {
		if (!empty && strcmp(bpf_program__name(prog), "bench_floor"))
			continue;
		if (nlinks == MAX_LINKS)
			break;
		links[nlinks] = bpf_program__attach(prog);
		if (!links[nlinks]) {
			fprintf(stderr, "floor: cannot attach %s\n", bpf_program__name(prog));
			goto out_detach;
		}
		nlinks++;
	}
	printf("attached %d\n", nlinks);
	fflush(stdout);
	sigwait(&set, &sig);
	rc = 0;
out_detach:
	while (nlinks > 0)
		bpf_link__destroy(links[--nlinks]);
out:
	bpf_object__close(obj);
	if (stats_fd >= 0)
		close(stats_fd);
	return rc;
}

// SPDX-License-Identifier: GPL-2.0
/* floor: the benchmark's references (floor.bpf.c).
 *   floor FLOOR.bpf.o          turns on the kernel's run-time accounting of BPF programs
 *                              (BPF_ENABLE_STATS: the accounting of kernel.bpf_stats_enabled=1,
 *                              but held by a file descriptor, so it ends with this process
 *                              however it ends, and no one's toggling of the sysctl switches
 *                              it off) and attaches the empty bench_floor program;
 *   floor FLOOR.bpf.o --empty  attaches empty programs on all six of hoptrace's tracepoints,
 *                              accounting off;
 *   floor FLOOR.bpf.o --parts  accounting on, bench_floor and the bench_part_* programs (the
 *                              price of each kind of work a matching hop does), and reads
 *                              their ring buffer as hoptrace reads its own.
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

#define MAX_LINKS 16

static int discard(void *ctx, void *data, size_t size)
{
	(void)ctx;
	(void)data;
	(void)size;
	return 0;
}

/* Until SIGINT or SIGTERM (blocked in set): the part_ring read every 10 ms, when there is
 * one, else nothing but the wait. */
static void hold(struct bpf_object *obj, bool parts, sigset_t *set)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	struct ring_buffer *rb = NULL;
	int sig;

	if (parts)
		rb = ring_buffer__new(bpf_object__find_map_fd_by_name(obj, "part_ring"), discard,
				      NULL, NULL);
	if (!rb) {
		sigwait(set, &sig);
		return;
	}
	while (sigtimedwait(set, NULL, &tick) < 0)
		ring_buffer__consume(rb);
	ring_buffer__free(rb);
}

int main(int argc, char **argv)
{
	struct bpf_link *links[MAX_LINKS];
	struct bpf_program *prog;
	struct bpf_object *obj;
	int stats_fd = -1, nlinks = 0, rc = 1;
	bool empty, parts;
	sigset_t set;

	empty = argc == 3 && !strcmp(argv[2], "--empty");
	parts = argc == 3 && !strcmp(argv[2], "--parts");
	if (argc != 2 && !empty && !parts) {
		fprintf(stderr, "Usage: floor FLOOR.bpf.o [--empty | --parts]\n");
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
		const char *name = bpf_program__name(prog);

		if (empty ? !strncmp(name, "bench_part_", 11) :
			    strcmp(name, "bench_floor") &&
				    !(parts && !strncmp(name, "bench_part_", 11)))
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
	hold(obj, parts, &set);
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

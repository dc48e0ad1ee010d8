// SPDX-License-Identifier: GPL-2.0
/* floor: loads and attaches the benchmark's empty program (floor.bpf.c), says "attached"
 * and holds it until SIGINT or SIGTERM, so the benchmark can read its accounting from
 * this process's fdinfo beside hoptrace's. */
#include <signal.h>
#include <stdio.h>
#include <bpf/libbpf.h>

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_link *link;
	sigset_t set;
	int sig, rc = 1;

	if (argc != 2) {
		fprintf(stderr, "Usage: floor FLOOR.bpf.o\n");
		return 2;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
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
	return rc;
}

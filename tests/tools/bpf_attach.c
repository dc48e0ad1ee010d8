// SPDX-License-Identifier: GPL-2.0
/* bpf_attach OBJ PROG POINT TARGET [--prio N] [--port N]: loads one program of OBJ and
 * attaches it the way a CNI would (user/demo/prog_attach.h), prints "attached id=<id>",
 * and holds it until standard input ends or SIGTERM/SIGINT comes; then detaches and
 * exits 0. Any error: one line on standard error, exit 1, nothing left attached. TARGET is
 * an interface of the current namespace (run it under `ip netns exec`), or a cgroup
 * directory for the cgroup points. */
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "demo/prog_attach.h"

enum point_kind { POINT_TCX, POINT_CLS, POINT_XDP, POINT_CGROUP };

struct point {
	const char *name;
	enum point_kind kind;
	bool ingress;
};

static const struct point points[] = {
	{ "tcx_ingress", POINT_TCX, true },	  { "tcx_egress", POINT_TCX, false },
	{ "tc_ingress", POINT_CLS, true },	  { "tc_egress", POINT_CLS, false },
	{ "xdp_generic", POINT_XDP, true },	  { "cgroup_ingress", POINT_CGROUP, true },
	{ "cgroup_egress", POINT_CGROUP, false },
};

struct options {
	const char *obj, *prog, *target;
	const struct point *point;
	unsigned long prio, port;
	int ifindex;
};

static int fail(const char *what, int err)
{
	fprintf(stderr, "bpf_attach: %s: %s\n", what, strerror(err < 0 ? -err : err));
	return 1;
}

static int usage(void)
{
	fprintf(stderr, "usage: bpf_attach OBJ PROG POINT TARGET [--prio N] [--port N]\n");
	return 1;
}

static bool parse_number(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	return !errno && *s && !*end && *out >= 1 && *out <= max;
}

static bool parse_args(int argc, char **argv, struct options *o)
{
	if (argc < 5)
		return false;
	o->obj = argv[1];
	o->prog = argv[2];
	o->target = argv[4];
	o->prio = 1;
	o->port = 0;
	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++)
		if (!strcmp(argv[3], points[i].name))
			o->point = &points[i];
	for (int i = 5; i < argc; i += 2) {
		bool prio = !strcmp(argv[i], "--prio");

		if ((!prio && strcmp(argv[i], "--port")) || i + 1 >= argc ||
		    !parse_number(argv[i + 1], 0xffff, prio ? &o->prio : &o->port))
			return false;
	}
	return o->point;
}

/* Where the variable name lies in the object's .rodata, from its BTF; -ENOENT if not. */
static long rodata_offset(struct bpf_object *obj, const char *name, size_t size)
{
	struct btf *btf = bpf_object__btf(obj);
	const struct btf_var_secinfo *var;
	const struct btf_type *sec;
	int id = btf ? btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC) : -ENOENT;

	if (id < 0)
		return -ENOENT;
	sec = btf__type_by_id(btf, id);
	var = btf_var_secinfos(sec);
	for (int i = 0; i < btf_vlen(sec); i++, var++) {
		const struct btf_type *t = btf__type_by_id(btf, var->type);

		if (!strcmp(btf__name_by_offset(btf, t->name_off), name))
			return var->size == size ? (long)var->offset : -EINVAL;
	}
	return -ENOENT;
}

/* Writes drop_port (host order) into a copy of .rodata's initial contents. */
static int set_drop_port(struct bpf_object *obj, __u16 port)
{
	struct bpf_map *rodata = bpf_object__find_map_by_name(obj, ".rodata");
	long offset = rodata_offset(obj, "drop_port", sizeof(port));
	const void *initial;
	size_t size;
	char *copy;
	int err;

	if (offset < 0 || !rodata || !(initial = bpf_map__initial_value(rodata, &size)) ||
	    offset + sizeof(port) > size)
		return offset < 0 ? offset : -ENOENT;
	copy = malloc(size);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, initial, size);
	memcpy(copy + offset, &port, sizeof(port));
	err = bpf_map__set_initial_value(rodata, copy, size);
	free(copy);
	return err;
}

/* Only PROG is loaded; a cgroup program is loaded for the direction it is attached to. */
static int load(struct bpf_object *obj, const struct options *o, struct bpf_program **prog)
{
	struct bpf_program *p;
	int err;

	*prog = NULL;
	bpf_object__for_each_program(p, obj) {
		bool chosen = !strcmp(bpf_program__name(p), o->prog);

		bpf_program__set_autoload(p, chosen);
		if (chosen)
			*prog = p;
	}
	if (!*prog)
		return -ENOENT;
	if (o->point->kind == POINT_CGROUP)
		bpf_program__set_expected_attach_type(*prog, o->point->ingress ?
								     BPF_CGROUP_INET_INGRESS :
								     BPF_CGROUP_INET_EGRESS);
	if (o->port && (err = set_drop_port(obj, o->port)))
		return err;
	return bpf_object__load(obj);
}

/* Returns the link's fd (0 for a cls_bpf filter, which has none) or -errno. */
static int attach(int prog_fd, const struct options *o)
{
	const struct point *p = o->point;
	int err;

	switch (p->kind) {
	case POINT_TCX:
		return prog_attach__tcx(prog_fd, o->ifindex, p->ingress);
	case POINT_CLS:
		err = prog_attach__cls(prog_fd, o->ifindex, p->ingress, o->prio);
		return err < 0 ? err : 0;
	case POINT_XDP:
		return prog_attach__xdp_generic(prog_fd, o->ifindex);
	case POINT_CGROUP:
		return prog_attach__cgroup(prog_fd, o->target, p->ingress);
	}
	return -EINVAL;
}

static int detach(int link_fd, const struct options *o)
{
	int err;

	if (o->point->kind != POINT_CLS)
		return close(link_fd) ? fail("closing the link", errno) : 0;
	err = prog_attach__cls_detach(o->ifindex, o->point->ingress, o->prio);
	return err ? fail("deleting the filter", err) : 0;
}

static __u32 prog_id(int prog_fd)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	return bpf_obj_get_info_by_fd(prog_fd, &info, &len) ? 0 : info.id;
}

/* Until standard input ends (or fails) or SIGTERM/SIGINT arrives. */
static void hold(void)
{
	struct pollfd fds[2] = { { .fd = STDIN_FILENO, .events = POLLIN } };
	char buf[256];
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	fds[1].fd = signalfd(-1, &set, SFD_CLOEXEC);
	fds[1].events = POLLIN;
	for (;;) {
		if (poll(fds, 2, -1) < 0 && errno != EINTR)
			break;
		if (fds[1].revents)
			break;
		if (fds[0].revents && read(STDIN_FILENO, buf, sizeof(buf)) <= 0)
			break;
	}
	if (fds[1].fd >= 0)
		close(fds[1].fd);
}

int main(int argc, char **argv)
{
	struct bpf_program *prog;
	struct bpf_object *obj;
	struct options o = { 0 };
	sigset_t set;
	int link_fd, err;

	if (!parse_args(argc, argv, &o))
		return usage();
	/* libbpf's own messages (the verifier's log among them) only when asked for. */
	if (!getenv("BPF_ATTACH_DEBUG"))
		libbpf_set_print(NULL);
	/* Blocked from the start: a signal before hold() waits in the signalfd. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (o.point->kind != POINT_CGROUP && !(o.ifindex = if_nametoindex(o.target)))
		return fail(o.target, errno);
	obj = bpf_object__open_file(o.obj, NULL);
	if (!obj)
		return fail(o.obj, errno);
	err = load(obj, &o, &prog);
	if (err) {
		bpf_object__close(obj);
		return fail(err == -ENOENT ? "program or drop_port not in the object" : "loading",
			    err);
	}
	link_fd = attach(bpf_program__fd(prog), &o);
	if (link_fd < 0) {
		bpf_object__close(obj);
		return fail("attaching", link_fd);
	}
	printf("attached id=%u\n", prog_id(bpf_program__fd(prog)));
	fflush(stdout);
	hold();
	err = detach(link_fd, &o);
	bpf_object__close(obj);
	return err;
}

// SPDX-License-Identifier: GPL-2.0
/* Kernel feature probes: BTF look-ups of tracepoint prototypes and trial loads of the
 * smallest program of each type, so the attach plan follows what this kernel allows. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "load/nf_links.h"
#include "host/cgroup_root.h"
#include "load/features.h"
#include "util/btf_handoff.h"

int btf_tracepoint_args(const struct btf *btf, const char *name)
{
	char type_name[128];
	const struct btf_type *t;
	int id;

	if (!btf)
		return -1;
	snprintf(type_name, sizeof(type_name), "btf_trace_%s", name);
	id = btf__find_by_name_kind(btf, type_name, BTF_KIND_TYPEDEF);
	if (id < 0)
		return -1;
	t = btf__type_by_id(btf, id);	   /* typedef -> pointer */
	t = btf__type_by_id(btf, t->type); /* pointer -> func proto */
	t = t ? btf__type_by_id(btf, t->type) : NULL;
	if (!t || !btf_is_func_proto(t))
		return -1;
	return btf_vlen(t) - 1;
}

bool tracefs_has_event(const char *category, const char *name)
{
	static const char *roots[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	char path[256];

	for (size_t i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/events/%s/%s/id", roots[i], category, name);
		if (!access(path, R_OK))
			return true;
	}
	return false;
}

static int trial_load(enum bpf_prog_type type, enum bpf_attach_type attach, __u32 btf_id, int ret)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = ret },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = attach,
		    .attach_btf_id = btf_id);
	int fd = bpf_prog_load(type, NULL, "GPL", insns, 2, &opts);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static void probe_fentry(struct kernel_features *kf)
{
	int id, err;

	if (!kf->btf) {
		snprintf(kf->fentry_error, sizeof(kf->fentry_error), "no kernel BTF");
		return;
	}
	id = btf__find_by_name_kind(kf->btf, "consume_skb", BTF_KIND_FUNC);
	if (id < 0) {
		snprintf(kf->fentry_error, sizeof(kf->fentry_error), "consume_skb not in BTF");
		return;
	}
	err = trial_load(BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, id, 0);
	kf->fentry = !err;
	if (err)
		snprintf(kf->fentry_error, sizeof(kf->fentry_error), "trial load: %s",
			 strerror(-err));
}

static void probe_nf_link(struct kernel_features *kf)
{
	int err = trial_load(HOP_BPF_PROG_TYPE_NETFILTER, HOP_BPF_NETFILTER, 0, 1);

	kf->nf_link = !err;
	if (err)
		snprintf(kf->nf_link_error, sizeof(kf->nf_link_error), "trial load: %s",
			 strerror(-err));
}

/* fib_table_lookup(tb_id, ...) since 5.13 replaced (struct fib_table *tb, ...). */
static bool fib_first_arg_is_pointer(const struct btf *btf)
{
	const struct btf_type *t;
	int id;

	if (!btf)
		return false;
	id = btf__find_by_name_kind(btf, "btf_trace_fib_table_lookup", BTF_KIND_TYPEDEF);
	if (id < 0)
		return false;
	t = btf__type_by_id(btf, btf__type_by_id(btf, id)->type);
	t = t ? btf__type_by_id(btf, t->type) : NULL;
	if (!t || !btf_is_func_proto(t) || btf_vlen(t) < 2)
		return false;
	t = btf__type_by_id(btf, btf_params(t)[1].type);
	while (t && (btf_is_const(t) || btf_is_volatile(t) || btf_is_typedef(t)))
		t = btf__type_by_id(btf, t->type);
	return t && btf_is_ptr(t);
}

/* The kernel's BTF. Read, /sys/kernel/btf/vmlinux comes a page per system call (kernfs):
 * 1300 calls and 18 ms for its 5.5 MB here. Kernels that let it be mapped (6.16+) hand it
 * over in one call; elsewhere, and on any failure, libbpf reads it as before. */
static struct btf *vmlinux_btf_load(void)
{
	const char *path = "/sys/kernel/btf/vmlinux";
	struct btf *btf = NULL;
	struct stat st;
	void *data;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && !fstat(fd, &st) && st.st_size > 0) {
		data = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
		if (data != MAP_FAILED) {
			btf = btf__new(data, st.st_size); /* a copy: the mapping can go */
			munmap(data, st.st_size);
		}
	}
	if (fd >= 0)
		close(fd);
	return btf ? btf : btf__load_vmlinux_btf();
}

void kernel_features__probe(struct kernel_features *kf)
{
	memset(kf, 0, sizeof(*kf));
	kf->btf = vmlinux_btf_load();
	if (!kf->btf) {
		snprintf(kf->btf_error, sizeof(kf->btf_error), "%s", strerror(errno));
		kf->btf = NULL;
	}
	kf->has_btf = kf->btf != NULL;
	/* kfree_skb(skb, location, reason[, rx_sk]) since 5.17 (c504e5c2f964). */
	kf->kfree_has_reason = btf_tracepoint_args(kf->btf, "kfree_skb") >= 3;
	/* ... and rx_sk since 6.11 ("net: add rx_sk to trace_kfree_skb"). */
	kf->kfree_has_rx_sk = btf_tracepoint_args(kf->btf, "kfree_skb") >= 4;
	/* consume_skb(skb, location) since 6.3 (dd1b527831a3). */
	kf->consume_has_location = btf_tracepoint_args(kf->btf, "consume_skb") >= 2;
	kf->fib_table_is_ptr = fib_first_arg_is_pointer(kf->btf);
	/* bpf_rdonly_cast since 6.2 (a35b9af4ec2c); before it, headers are probe-read. */
	kf->rdonly_cast = kf->btf &&
			  btf__find_by_name_kind(kf->btf, "bpf_rdonly_cast", BTF_KIND_FUNC) > 0;
	kf->kprobes = !access("/sys/bus/event_source/devices/kprobe/type", R_OK);
	probe_fentry(kf);
	probe_nf_link(kf);
	if (!cgroup_root__find(kf->cgroup2, sizeof(kf->cgroup2)))
		kf->cgroup2[0] = 0;
}

void kernel_features__give_btf(struct kernel_features *kf)
{
	btf_handoff__give(kf->btf);
	kf->btf = NULL;
}

void kernel_features__free(struct kernel_features *kf)
{
	btf__free(kf->btf);
	kf->btf = NULL;
}

/* SPDX-License-Identifier: GPL-2.0 */
/* What the running kernel allows, found by looking (BTF) and by trying (trial loads),
 * never by comparing version numbers. */
#ifndef PROBE_H
#define PROBE_H

#include <stdbool.h>
#include <stddef.h>

struct btf;

struct kernel_features {
	struct btf *btf;	   /* the running kernel's BTF, or NULL (or handed to libbpf) */
	bool has_btf;		   /* the kernel has BTF: btf was read */
	bool kfree_has_reason;	   /* skb:kfree_skb passes the drop reason */
	bool kfree_has_rx_sk;	   /* ... and the socket it was received on */
	bool consume_has_location; /* skb:consume_skb passes the caller */
	bool fentry;		   /* fentry programs load on vmlinux functions */
	bool kprobes;		   /* the kprobe PMU exists */
	bool nf_link;		   /* BPF netfilter programs load */
	bool fib_table_is_ptr;	   /* fib_table_lookup passes struct fib_table *, not tb_id */
	bool rdonly_cast;	   /* the bpf_rdonly_cast kfunc exists (6.2+) */
	char cgroup2[256];	   /* the cgroup v2 root's mount point, or "" */
	char btf_error[128];	   /* why btf is NULL */
	char fentry_error[128];	   /* why fentry is false */
	char nf_link_error[128];   /* why nf_link is false */
};

/* Fills kf; never fails: absent features are recorded with the reason. */
void kernel_features__probe(struct kernel_features *kf);
void kernel_features__free(struct kernel_features *kf);
/* Hands kf->btf to the BPF object loads, which share it until btf_handoff__discard() frees
 * it (util/btf_handoff.h), and clears it: whatever reads the BTF must have read it before. */
void kernel_features__give_btf(struct kernel_features *kf);

/* Arguments the tracepoint's BTF prototype takes (without the leading __data pointer),
 * or -1 when the kernel's BTF has no btf_trace_<name>. */
int btf_tracepoint_args(const struct btf *btf, const char *name);

/* True when tracefs (or debugfs) lists the classic tracepoint category/name. */
bool tracefs_has_event(const char *category, const char *name);

#endif /* PROBE_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* One parse of the kernel's BTF for hoptrace and libbpf both. hoptrace reads vmlinux BTF
 * before loading (features, the attach plan, drop-reason names); libbpf 1.1 parses it again
 * for every object it loads (CO-RE, attach targets, kfuncs) and frees it when the load ends.
 * That second parse was a sixth of the start-up (about 43 ms and 6 MiB here), and the
 * programs load as two objects at once (load/tracer.c). The link wraps
 * btf__load_vmlinux_btf and btf__free (Makefile: --wrap): while a BTF is handed over here,
 * every load takes that one instead of reading /sys/kernel/btf/vmlinux again, and the frees
 * libbpf makes at the end of each load leave it alone. */
#ifndef BTF_HANDOFF_H
#define BTF_HANDOFF_H

struct btf;

/* From now until btf_handoff__discard(), btf__load_vmlinux_btf() returns btf, shared by
 * every caller (it is only read), and btf__free(btf) does nothing. The giver must not touch
 * btf afterwards. */
void btf_handoff__give(struct btf *btf);

/* Ends the hand-over and frees the BTF; later loads parse it again. */
void btf_handoff__discard(void);

#endif /* BTF_HANDOFF_H */

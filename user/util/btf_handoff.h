/* SPDX-License-Identifier: GPL-2.0 */
/* One parse of the kernel's BTF for hoptrace and libbpf both. hoptrace reads vmlinux BTF
 * before loading (features, the attach plan, drop-reason names); libbpf 1.1 parses it again
 * for every object it loads (CO-RE, attach targets, kfuncs) and frees it when the load ends.
 * That second parse was a sixth of the start-up (about 43 ms and 6 MiB here). The link wraps
 * btf__load_vmlinux_btf (Makefile: --wrap), so the next call takes a BTF handed over here
 * instead of reading /sys/kernel/btf/vmlinux again; later calls parse as before. */
#ifndef BTF_HANDOFF_H
#define BTF_HANDOFF_H

struct btf;

/* The next btf__load_vmlinux_btf() returns btf, and its caller owns it from then on (libbpf
 * frees it at the end of the load). The giver must not touch btf afterwards. */
void btf_handoff__give(struct btf *btf);

/* Frees a BTF given but never taken (the load failed before libbpf asked for it). */
void btf_handoff__discard(void);

#endif /* BTF_HANDOFF_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel text addresses to "symbol+0xoff [module]", from /proc/kallsyms. */
#ifndef HOPTRACE_KALLSYMS_H
#define HOPTRACE_KALLSYMS_H

#include <stddef.h>
#include <linux/types.h>

struct kallsyms;

/* Loads a kallsyms-format file (/proc/kallsyms or a fixture): text symbols (t/T/w/W), with
 * module names in [..] kept. Returns NULL with errno set on failure. */
struct kallsyms *kallsyms__load(const char *path);

/* A table read at its first lookup (kallsyms__format) instead of now: reading
 * /proc/kallsyms takes 75 ms and 7 MiB, which a trace that sees no freed packet never
 * needs. The file is opened now, with the privileges the caller has now. NULL only when
 * out of memory; a file that cannot be opened or read then prints hex. */
struct kallsyms *kallsyms__open(const char *path);

/* Frees ks; NULL is allowed. */
void kallsyms__free(struct kallsyms *ks);

/* Writes "symbol+0xoff" (or "symbol+0xoff [module]") for addr into buf and returns buf; when
 * no symbol covers addr (or all addresses are 0 because kptr_restrict hides them) writes
 * "0x<hex addr>" and returns buf. */
const char *kallsyms__format(struct kallsyms *ks, __u64 addr, char *buf, size_t size);

#endif /* HOPTRACE_KALLSYMS_H */

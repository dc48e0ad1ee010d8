// SPDX-License-Identifier: GPL-2.0
/* The BPF object is one translation unit made of the hook families' files. One unit,
 * because the header reads use a kfunc (bpf_rdonly_cast) and libbpf 1.1's static linker
 * cannot merge a kfunc extern that several objects declare. The Makefile builds this unit
 * twice: with HOP_RDONLY_CAST for kernels that have the kfunc (6.2+), and without, for the
 * others; user space loads the one the kernel can take. */
#include "config.bpf.c"
#include "skb_free.bpf.c"
#include "dev.bpf.c"
#include "socket.bpf.c"
#include "fib.bpf.c"
#include "netfilter.bpf.c"
#include "netfilter_probe.bpf.c"
#include "conntrack.bpf.c"

// SPDX-License-Identifier: GPL-2.0
/* libpcap's functions hoptrace calls (cli/pcap_filter.c), loaded on first use
 * (util/lazy_lib.h). */
#include <stddef.h>
#include <pcap/pcap.h>
#include "lazy_sonames.h" /* generated: $(BUILD)/lazy_sonames.h */
#include "util/lazy_lib.h"

enum { OPEN_DEAD, COMPILE, GETERR, CLOSE, FREECODE, OFFLINE_FILTER, COUNT };
static const char *const names[] = {
	"pcap_open_dead", "pcap_compile",	 "pcap_geterr", "pcap_close",
	"pcap_freecode",  "pcap_offline_filter", NULL
};
static void *slots[COUNT];
static struct lazy_lib lib = { HOPTRACE_SONAME_PCAP, names, slots, 0 };

pcap_t *pcap_open_dead(int linktype, int snaplen)
{
	return lazy_lib__open(&lib) ?
		       ((pcap_t * (*)(int, int)) slots[OPEN_DEAD])(linktype, snaplen) :
		       NULL;
}

/* The ones below take a pcap_t or a program only pcap_open_dead and pcap_compile made: the
 * library is open when they are called. */
int pcap_compile(pcap_t *p, struct bpf_program *fp, const char *str, int optimize,
		 bpf_u_int32 netmask)
{
	return ((int (*)(pcap_t *, struct bpf_program *, const char *, int,
			 bpf_u_int32))slots[COMPILE])(p, fp, str, optimize, netmask);
}

char *pcap_geterr(pcap_t *p)
{
	return ((char *(*)(pcap_t *))slots[GETERR])(p);
}

void pcap_close(pcap_t *p)
{
	((void (*)(pcap_t *))slots[CLOSE])(p);
}

void pcap_freecode(struct bpf_program *fp)
{
	((void (*)(struct bpf_program *))slots[FREECODE])(fp);
}

int pcap_offline_filter(const struct bpf_program *fp, const struct pcap_pkthdr *h,
			const u_char *pkt)
{
	return ((int (*)(const struct bpf_program *, const struct pcap_pkthdr *,
			 const u_char *))slots[OFFLINE_FILTER])(fp, h, pkt);
}

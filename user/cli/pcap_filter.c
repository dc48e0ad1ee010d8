// SPDX-License-Identifier: GPL-2.0
/* pcap-filter expressions compiled by libpcap, once per link type a hop can capture from. */
#include "cli/pcap_filter.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <pcap/pcap.h>

/* libpcap refuses a snap length of 0 ("rejects all packets"); its own largest stands for
 * "no limit". The snap length only sets the value a match returns, never what is read. */
#define PCAP_SNAPLEN_NONE 262144

enum filter_link {
	FILTER_LINK_ETHERNET,
	FILTER_LINK_RAW,
	FILTER_LINK__COUNT,
};

static const int filter_dlt[FILTER_LINK__COUNT] = {
	[FILTER_LINK_ETHERNET] = DLT_EN10MB,
	[FILTER_LINK_RAW] = DLT_RAW,
};

struct pcap_filter {
	struct bpf_program prog[FILTER_LINK__COUNT];
	bool compiled[FILTER_LINK__COUNT]; /* false: the link type cannot express the filter */
};

/* Compiles expr for one link type; on failure, err holds libpcap's message. */
static int filter__compile_link(struct pcap_filter *pf, enum filter_link link, const char *expr,
				__u32 snaplen, char *err, size_t err_size)
{
	pcap_t *p;
	int ret = 0;

	if (!snaplen || snaplen > PCAP_SNAPLEN_NONE)
		snaplen = PCAP_SNAPLEN_NONE;
	p = pcap_open_dead(filter_dlt[link], snaplen);
	if (!p) {
		snprintf(err, err_size, "cannot set up libpcap's compiler");
		return -ENOMEM;
	}
	if (pcap_compile(p, &pf->prog[link], expr, 1, PCAP_NETMASK_UNKNOWN)) {
		snprintf(err, err_size, "%s", pcap_geterr(p));
		ret = -EINVAL;
	} else {
		pf->compiled[link] = true;
	}
	pcap_close(p);
	return ret;
}

struct pcap_filter *pcap_filter__compile(const char *expr, __u32 snaplen, char *err,
					 size_t err_size)
{
	char raw[PCAP_ERRBUF_SIZE];
	struct pcap_filter *pf;
	int eth_ret, raw_ret;

	pf = calloc(1, sizeof(*pf));
	if (!pf) {
		snprintf(err, err_size, "out of memory");
		return NULL;
	}
	eth_ret = filter__compile_link(pf, FILTER_LINK_ETHERNET, expr, snaplen, err, err_size);
	raw_ret = filter__compile_link(pf, FILTER_LINK_RAW, expr, snaplen, raw, sizeof(raw));
	/* Ethernet's message is the one tcpdump would print on an interface. */
	if (eth_ret && raw_ret) {
		pcap_filter__free(pf);
		errno = -eth_ret;
		return NULL;
	}
	return pf;
}

bool pcap_filter__match(const struct pcap_filter *pf, bool l2, const void *data, __u32 cap_len,
			__u32 wire_len)
{
	static const unsigned char none[1];
	enum filter_link link = l2 ? FILTER_LINK_ETHERNET : FILTER_LINK_RAW;
	struct pcap_pkthdr hdr = {
		.caplen = cap_len,
		.len = wire_len > cap_len ? wire_len : cap_len,
	};

	if (!pf->compiled[link])
		return false;
	/* A hop that captured nothing may have no buffer; libpcap wants one all the same. */
	if (!data) {
		data = none;
		hdr.caplen = 0;
	}
	return pcap_offline_filter(&pf->prog[link], &hdr, data) != 0;
}

void pcap_filter__free(struct pcap_filter *pf)
{
	int link;

	if (!pf)
		return;
	for (link = 0; link < FILTER_LINK__COUNT; link++)
		if (pf->compiled[link])
			pcap_freecode(&pf->prog[link]);
	free(pf);
}
